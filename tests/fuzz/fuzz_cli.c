/*
 * libFuzzer target for cli_parse().  The input, split at NUL bytes, is
 * the argument list after argv[0].  Besides the sanitizers' checks, the
 * target aborts when a parse that succeeded breaks a rule of the command
 * line.  It also aborts when the fixed command line "fcopy a b", parsed
 * next, does not give the defaults, because state that one call leaves
 * behind must not change the next.
 *
 * cli_parse() prints --help, --version and its messages; run.sh passes
 * -close_fd_mask=3 so they do not flood the fuzzer's own output.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/common_interface_defs.h>

#include "fcopy/cli.h"

/* Arguments past this many stay in the last one, NUL bytes included. */
#define MAX_ARGS 64

static bool points_into(const char *p, const char *buffer, size_t size)
{
	return p >= buffer && p <= buffer + size;
}

/*
 * Report rule through the sanitizer's report descriptor, which libFuzzer
 * keeps open when -close_fd_mask closes standard error, and abort so that
 * libFuzzer saves the input.
 */
static void broken(const char *rule)
{
	char summary[256];

	snprintf(summary, sizeof(summary), "cli_parse broke a rule: %s", rule);
	__sanitizer_report_error_summary(summary);
	abort();
}

/* Check what a successful parse must guarantee. */
static void check_run(const struct fcopy_options *o, const char *buffer,
		      size_t size)
{
	int needed = o->target_directory ? 1 : 2;

	if (o->operand_count < needed)
		broken("too few operands accepted");
	if (o->no_target_directory && o->operand_count > 2)
		broken("-T accepted more than two operands");
	if (o->target_directory && o->no_target_directory)
		broken("-t and -T accepted together");
	if (o->target_directory &&
	    !points_into(o->target_directory, buffer, size))
		broken("-t value outside this command line");
	for (int i = 0; i < o->operand_count; i++)
		if (!points_into(o->operands[i], buffer, size))
			broken("operand outside this command line");
	if (o->buffer_size < 1 || o->buffer_size > MAX_BUFFER_SIZE)
		broken("buffer size out of range");
	if (o->max_memory < 1)
		broken("--max-memory of 0 accepted");
	if (o->strategy == STRATEGY_WHOLE && o->buffer_size_set)
		broken("-b accepted with -s whole");
	if (o->force && o->clobber != CLOBBER_YES)
		broken("-f did not override -n or -i");
	if (o->preserve & ~PRESERVE_ALL)
		broken("unknown --preserve bits");
	if (o->benchmark_rounds < 1 || o->benchmark_rounds > 100)
		broken("--rounds out of range");
}

/* Parse "fcopy a b", which must give the defaults whatever ran before. */
static void check_fresh_parse(void)
{
	char program[] = "fcopy", a[] = "a", b[] = "b";
	char *argv[] = { program, a, b, NULL };
	struct fcopy_options o;

	if (cli_parse(3, argv, &o) != CLI_RUN)
		broken("\"fcopy a b\" after this input was rejected");
	if (o.operand_count != 2 || o.operands[0] != a || o.operands[1] != b)
		broken("\"fcopy a b\" after this input lost an operand");
	if (o.clobber != CLOBBER_YES || o.strategy != STRATEGY_AUTO ||
	    o.preserve != 0 || o.target_directory || o.verbose)
		broken("\"fcopy a b\" after this input set an option");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	struct fcopy_options options;
	enum cli_result result;
	char *buffer = malloc(size + 1);
	int argc = 0;

	if (!buffer)
		return 0;
	memcpy(buffer, data, size);
	buffer[size] = '\0';

	argv[argc++] = "fcopy";
	argv[argc++] = buffer;
	for (size_t i = 0; i < size && argc <= MAX_ARGS; i++)
		if (buffer[i] == '\0')
			argv[argc++] = buffer + i + 1;
	argv[argc] = NULL;

	result = cli_parse(argc, argv, &options);
	if (result != CLI_RUN && result != CLI_DONE &&
	    result != CLI_USAGE_ERROR)
		broken("unknown result");
	if (result == CLI_RUN)
		check_run(&options, buffer, size);

	/* Freed first, so a pointer kept into it is a use after free. */
	free(buffer);
	check_fresh_parse();
	return 0;
}
