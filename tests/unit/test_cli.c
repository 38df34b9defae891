/*
 * cli_parse(): defaults, option combinations, operand counts and the
 * messages of usage errors.  Standard output and standard error are
 * captured around every call, so --help and the messages can be checked
 * and do not clutter the test output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fcopy/cli.h"
#include "fixture.h"

#define MAX_ARGS 16

/* Room for every argument string that the tests in this file pass. */
#define KEPT_STRINGS 1024

/*
 * The argument strings of every parse.  They are freed only after the
 * last test, because getopt may keep a pointer into an old argv between
 * calls, and these tests check what cli_parse() makes of each command
 * line, not how it treats freed memory.
 */
static char *kept_strings[KEPT_STRINGS];
static size_t kept_count;
static char *printed_out;	/* standard output of the last parse */
static char *printed_err;	/* standard error of the last parse */

static char *keep_string(const char *text)
{
	char *copy = strdup(text);

	if (!copy || kept_count == KEPT_STRINGS)
		fail_msg("cannot keep argument %s", text);
	kept_strings[kept_count++] = copy;
	return copy;
}

/* Parse "fcopy" followed by the NULL-terminated arguments. */
static enum cli_result parse(struct fcopy_options *options, ...)
{
	static char *argv[MAX_ARGS + 1];
	struct fixture_capture out, err;
	enum cli_result result;
	va_list args;
	int argc = 0;

	free(printed_out);
	free(printed_err);
	printed_out = NULL;
	printed_err = NULL;
	argv[argc++] = keep_string("fcopy");
	va_start(args, options);
	for (const char *arg = va_arg(args, const char *); arg;
	     arg = va_arg(args, const char *)) {
		if (argc == MAX_ARGS)
			fail_msg("more than %d arguments", MAX_ARGS);
		argv[argc++] = keep_string(arg);
	}
	va_end(args);
	argv[argc] = NULL;

	fixture_capture_start(&out, STDOUT_FILENO);
	fixture_capture_start(&err, STDERR_FILENO);
	result = cli_parse(argc, argv, options);
	printed_err = fixture_capture_end(&err);
	printed_out = fixture_capture_end(&out);
	return result;
}

static int free_kept(void **state)
{
	(void)state;
	for (size_t i = 0; i < kept_count; i++)
		free(kept_strings[i]);
	kept_count = 0;
	free(printed_out);
	free(printed_err);
	printed_out = NULL;
	printed_err = NULL;
	return 0;
}

static void cli_defaults(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.strategy, STRATEGY_AUTO);
	assert_int_equal(o.buffer_size, DEFAULT_BUFFER_SIZE);
	assert_false(o.buffer_size_set);
	assert_int_equal(o.max_memory, DEFAULT_MAX_MEMORY);
	assert_null(o.target_directory);
	assert_false(o.no_target_directory);
	assert_int_equal(o.clobber, CLOBBER_YES);
	assert_false(o.force);
	assert_false(o.verbose);
	assert_int_equal(o.replace, REPLACE_AUTO);
	assert_int_equal(o.preserve, 0);
	assert_false(o.sync);
	assert_false(o.verify);
	assert_int_equal(o.sparse, SPARSE_AUTO);
	assert_int_equal(o.reflink, REFLINK_AUTO);
	assert_int_equal(o.stats, STATS_NONE);
	assert_int_equal(o.progress, PROGRESS_NEVER);
	assert_int_equal(o.operand_count, 2);
	assert_string_equal(o.operands[0], "a");
	assert_string_equal(o.operands[1], "b");
	assert_string_equal(printed_err, "");
	assert_string_equal(printed_out, "");
}

static void cli_buffer_alone_selects_buffered(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-b", "4096", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.strategy, STRATEGY_BUFFERED);
	assert_int_equal(o.buffer_size, 4096);
	assert_true(o.buffer_size_set);
}

static void cli_stream_keeps_buffer_size(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-s", "stream", "-b", "1M", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.strategy, STRATEGY_STREAM);
	assert_int_equal(o.buffer_size, 1024 * 1024);

	/* The order of -s and -b does not matter. */
	assert_int_equal(parse(&o, "-b", "1M", "-s", "stream", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.strategy, STRATEGY_STREAM);
	assert_int_equal(o.buffer_size, 1024 * 1024);
}

static void cli_explicit_auto_keeps_auto(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-s", "auto", "-b", "64K", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.strategy, STRATEGY_AUTO);
	assert_int_equal(o.buffer_size, 64 * 1024);
}

static void cli_whole_with_buffer_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-s", "whole", "-b", "4096", "a", "b",
			       NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "--buffer-size"));

	assert_int_equal(parse(&o, "-b", "4096", "-s", "whole", "a", "b",
			       NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "--buffer-size"));
}

static void cli_unknown_strategy_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-s", "fast", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "'fast'"));
	assert_non_null(strstr(printed_err, "--strategy"));
}

static void cli_buffer_size_limits(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-b", "0", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "invalid size '0'"));

	assert_int_equal(parse(&o, "-b", "2G", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "invalid size '2G'"));

	assert_int_equal(parse(&o, "-b", "1073741825", "a", "b", NULL),
			 CLI_USAGE_ERROR);

	assert_int_equal(parse(&o, "-b", "1G", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.buffer_size, (size_t)1 << 30);

	assert_int_equal(parse(&o, "-b", "1", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.buffer_size, 1);
}

static void cli_buffer_size_junk_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-b", "4x", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "invalid size '4x'"));
}

static void cli_missing_operands_fail(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "missing file operand"));

	assert_int_equal(parse(&o, "a", NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err,
			       "missing destination file operand after 'a'"));
}

static void cli_target_dir_one_source(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-t", "dir", "a", NULL), CLI_RUN);
	assert_string_equal(o.target_directory, "dir");
	assert_int_equal(o.operand_count, 1);
	assert_string_equal(o.operands[0], "a");
}

static void cli_target_dir_no_source_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-t", "dir", NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "missing file operand"));
}

static void cli_no_target_dir_operands(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-T", "a", "b", NULL), CLI_RUN);
	assert_true(o.no_target_directory);

	assert_int_equal(parse(&o, "-T", "a", "b", "c", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "extra operand 'c'"));
}

static void cli_target_with_no_target_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-t", "dir", "-T", "a", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "cannot be combined"));
}

static void cli_force_overrides_clobber(void **state)
{
	static const char *const orders[][2] = {
		{ "-n", "-f" }, { "-f", "-n" }, { "-i", "-f" }, { "-f", "-i" },
	};
	struct fcopy_options o;

	(void)state;
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		assert_int_equal(parse(&o, orders[i][0], orders[i][1], "a",
				       "b", NULL), CLI_RUN);
		assert_int_equal(o.clobber, CLOBBER_YES);
		assert_true(o.force);
	}
}

static void cli_last_of_n_and_i_wins(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-i", "-n", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.clobber, CLOBBER_NO);

	assert_int_equal(parse(&o, "-n", "-i", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.clobber, CLOBBER_ASK);
}

static void cli_preserve_list_bits(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--preserve=mode,timestamps", "a", "b",
			       NULL), CLI_RUN);
	assert_int_equal(o.preserve, PRESERVE_MODE | PRESERVE_TIMESTAMPS);

	assert_int_equal(parse(&o, "--preserve=ownership", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.preserve, PRESERVE_OWNERSHIP);

	/* Several --preserve options add up. */
	assert_int_equal(parse(&o, "--preserve=mode", "--preserve=ownership",
			       "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.preserve, PRESERVE_MODE | PRESERVE_OWNERSHIP);
}

static void cli_preserve_bogus_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--preserve=mode,bogus", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "'bogus'"));

	assert_int_equal(parse(&o, "--preserve=", "a", "b", NULL),
			 CLI_USAGE_ERROR);
}

static void cli_preserve_all_forms(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-p", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.preserve, PRESERVE_ALL);

	assert_int_equal(parse(&o, "--preserve", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.preserve, PRESERVE_ALL);

	assert_int_equal(parse(&o, "--preserve=all", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.preserve, PRESERVE_ALL);
}

static void cli_reflink_values(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--reflink", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.reflink, REFLINK_ALWAYS);
	assert_int_equal(o.operand_count, 2);

	assert_int_equal(parse(&o, "--reflink=never", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.reflink, REFLINK_NEVER);

	assert_int_equal(parse(&o, "--reflink=auto", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.reflink, REFLINK_AUTO);

	assert_int_equal(parse(&o, "--reflink=sometimes", "a", "b", NULL),
			 CLI_USAGE_ERROR);
}

static void cli_sparse_values(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--sparse=never", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.sparse, SPARSE_NEVER);

	assert_int_equal(parse(&o, "--sparse", "always", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.sparse, SPARSE_ALWAYS);

	assert_int_equal(parse(&o, "--sparse=bogus", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "--sparse"));
}

static void cli_stats_values(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--stats=json", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.stats, STATS_JSON);

	assert_int_equal(parse(&o, "--stats", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.stats, STATS_HUMAN);

	assert_int_equal(parse(&o, "--stats=xml", "a", "b", NULL),
			 CLI_USAGE_ERROR);
}

static void cli_progress_values(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-P", "a", "b", NULL), CLI_RUN);
	assert_int_equal(o.progress, PROGRESS_AUTO);

	assert_int_equal(parse(&o, "--progress=always", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.progress, PROGRESS_ALWAYS);
}

static void cli_max_memory_value(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--max-memory", "1K", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(o.max_memory, 1024);
	/* --max-memory alone picks no strategy. */
	assert_int_equal(o.strategy, STRATEGY_AUTO);

	assert_int_equal(parse(&o, "--max-memory=0", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "--max-memory"));
}

static void cli_long_option_names(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--strategy=buffered", "--buffer-size=64K",
			       "--target-directory=dir", "--no-clobber",
			       "--verbose", "--atomic", "--sync", "--verify",
			       "a", NULL), CLI_RUN);
	assert_int_equal(o.strategy, STRATEGY_BUFFERED);
	assert_int_equal(o.buffer_size, 64 * 1024);
	assert_string_equal(o.target_directory, "dir");
	assert_int_equal(o.clobber, CLOBBER_NO);
	assert_true(o.verbose);
	assert_int_equal(o.replace, REPLACE_ATOMIC);
	assert_true(o.sync);
	assert_true(o.verify);

	assert_int_equal(parse(&o, "--in-place", "--interactive", "a", "b",
			       NULL), CLI_RUN);
	assert_int_equal(o.replace, REPLACE_IN_PLACE);
	assert_int_equal(o.clobber, CLOBBER_ASK);
}

static void cli_dash_is_operand(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-", "-", NULL), CLI_RUN);
	assert_int_equal(o.operand_count, 2);
	assert_string_equal(o.operands[0], "-");
	assert_string_equal(o.operands[1], "-");
}

static void cli_double_dash_ends_options(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--", "-n", "b", NULL), CLI_RUN);
	assert_int_equal(o.clobber, CLOBBER_YES);
	assert_int_equal(o.operand_count, 2);
	assert_string_equal(o.operands[0], "-n");
}

static void cli_options_after_operands(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "a", "b", "-n", NULL), CLI_RUN);
	assert_int_equal(o.clobber, CLOBBER_NO);
	assert_int_equal(o.operand_count, 2);
	assert_string_equal(o.operands[0], "a");
	assert_string_equal(o.operands[1], "b");
}

static void cli_unknown_option_fails(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--bogus", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "'--bogus'"));

	assert_int_equal(parse(&o, "-X", "a", "b", NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "invalid option '-X'"));

	assert_int_equal(parse(&o, "a", "b", "-s", NULL), CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "'-s' requires an argument"));

	assert_int_equal(parse(&o, "--verbose=yes", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "takes no argument"));

	/* Each usage error is one line. */
	assert_ptr_equal(strchr(printed_err, '\n'),
			 printed_err + strlen(printed_err) - 1);
}

static void cli_help_prints_usage(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--help", NULL), CLI_DONE);
	assert_memory_equal(printed_out, "Usage: fcopy", 12);
	assert_string_equal(printed_err, "");

	/* --help wins over what follows it, even an invalid option. */
	assert_int_equal(parse(&o, "--help", "-b", "0", NULL), CLI_DONE);
}

static void cli_version_prints_version(void **state)
{
	struct fcopy_options o;
	size_t len;

	(void)state;
	assert_int_equal(parse(&o, "--version", NULL), CLI_DONE);
	assert_memory_equal(printed_out, "fcopy ", 6);
	/* One line: the only newline is the last byte. */
	len = strlen(printed_out);
	assert_ptr_equal(strchr(printed_out, '\n'), printed_out + len - 1);
}

static void cli_reparse_resets_options(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-n", "-v", "-b", "4K", "a", "b", NULL),
			 CLI_RUN);
	assert_int_equal(parse(&o, "c", "d", NULL), CLI_RUN);
	assert_int_equal(o.clobber, CLOBBER_YES);
	assert_false(o.verbose);
	assert_false(o.buffer_size_set);
	assert_int_equal(o.strategy, STRATEGY_AUTO);
	assert_int_equal(o.operand_count, 2);
	assert_string_equal(o.operands[0], "c");
}

/*
 * getopt keeps its place inside a group of short options ("-Xn") across
 * calls.  A parse that stops at the unknown X must not leave the next
 * parse reading the rest of that group from the old argv.
 */
static void cli_reparse_after_error_in_group(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "-Xn", "a", "b", NULL), CLI_USAGE_ERROR);
	assert_int_equal(parse(&o, "c", "d", NULL), CLI_RUN);
	assert_int_equal(o.clobber, CLOBBER_YES);
	assert_int_equal(o.operand_count, 2);
}

/*
 * An invalid option inside a group ("-Xn") is reported by its own name,
 * not by the argument before the group.
 */
static void cli_bad_option_in_group_named(void **state)
{
	struct fcopy_options o;

	(void)state;
	assert_int_equal(parse(&o, "--verbose", "-Xn", "a", "b", NULL),
			 CLI_USAGE_ERROR);
	assert_non_null(strstr(printed_err, "invalid option '-X'"));
	assert_null(strstr(printed_err, "--verbose"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_defaults),
		cmocka_unit_test(cli_buffer_alone_selects_buffered),
		cmocka_unit_test(cli_stream_keeps_buffer_size),
		cmocka_unit_test(cli_explicit_auto_keeps_auto),
		cmocka_unit_test(cli_whole_with_buffer_fails),
		cmocka_unit_test(cli_unknown_strategy_fails),
		cmocka_unit_test(cli_buffer_size_limits),
		cmocka_unit_test(cli_buffer_size_junk_fails),
		cmocka_unit_test(cli_missing_operands_fail),
		cmocka_unit_test(cli_target_dir_one_source),
		cmocka_unit_test(cli_target_dir_no_source_fails),
		cmocka_unit_test(cli_no_target_dir_operands),
		cmocka_unit_test(cli_target_with_no_target_fails),
		cmocka_unit_test(cli_force_overrides_clobber),
		cmocka_unit_test(cli_last_of_n_and_i_wins),
		cmocka_unit_test(cli_preserve_list_bits),
		cmocka_unit_test(cli_preserve_bogus_fails),
		cmocka_unit_test(cli_preserve_all_forms),
		cmocka_unit_test(cli_reflink_values),
		cmocka_unit_test(cli_sparse_values),
		cmocka_unit_test(cli_stats_values),
		cmocka_unit_test(cli_progress_values),
		cmocka_unit_test(cli_max_memory_value),
		cmocka_unit_test(cli_long_option_names),
		cmocka_unit_test(cli_dash_is_operand),
		cmocka_unit_test(cli_double_dash_ends_options),
		cmocka_unit_test(cli_options_after_operands),
		cmocka_unit_test(cli_unknown_option_fails),
		cmocka_unit_test(cli_help_prints_usage),
		cmocka_unit_test(cli_version_prints_version),
		cmocka_unit_test(cli_reparse_resets_options),
		/* Last, as each leaves getopt inside an option group. */
		cmocka_unit_test(cli_reparse_after_error_in_group),
		cmocka_unit_test(cli_bad_option_in_group_named),
	};

	return cmocka_run_group_tests(tests, NULL, free_kept);
}
