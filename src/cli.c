/*
 * Command-line parsing.  getopt_long fills struct fcopy_options; the
 * checks that need the whole command line (operand counts, -b with
 * -s whole) run after it.  Usage errors print one line and return
 * CLI_USAGE_ERROR, which main() turns into exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fcopy/cli.h"
#include "fcopy/msg.h"
#include "fcopy/size.h"

#ifndef FCOPY_VERSION
#define FCOPY_VERSION "unknown"
#endif

/* Long options without a short form. */
enum {
	OPT_MAX_MEMORY = 256,
	OPT_PRESERVE,
	OPT_ATOMIC,
	OPT_IN_PLACE,
	OPT_SYNC,
	OPT_VERIFY,
	OPT_SPARSE,
	OPT_REFLINK,
	OPT_STATS,
	OPT_BENCHMARK,
	OPT_ROUNDS,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "strategy", required_argument, NULL, 's' },
	{ "buffer-size", required_argument, NULL, 'b' },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "target-directory", required_argument, NULL, 't' },
	{ "no-target-directory", no_argument, NULL, 'T' },
	{ "no-clobber", no_argument, NULL, 'n' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "preserve", optional_argument, NULL, OPT_PRESERVE },
	{ "atomic", no_argument, NULL, OPT_ATOMIC },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "sync", no_argument, NULL, OPT_SYNC },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "sparse", required_argument, NULL, OPT_SPARSE },
	{ "reflink", optional_argument, NULL, OPT_REFLINK },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "progress", optional_argument, NULL, 'P' },
	{ "benchmark", no_argument, NULL, OPT_BENCHMARK },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"Usage: fcopy [OPTION]... SOURCE DEST\n"
"  or:  fcopy [OPTION]... SOURCE... DIRECTORY\n"
"  or:  fcopy [OPTION]... -t DIRECTORY SOURCE...\n"
"Copy SOURCE to DEST, or several SOURCEs into DIRECTORY.  An existing DEST\n"
"is replaced atomically where possible: after a failure it is unchanged.\n"
"'-' as SOURCE is standard input, as DEST standard output.\n"
"\n"
"Strategy:\n"
"  -s, --strategy=NAME      whole, buffered, stream or auto (default auto)\n"
"  -b, --buffer-size=SIZE   buffer of the buffered strategy (default 1M);\n"
"                             alone it selects buffered; with -s stream it\n"
"                             sets the chunk of each kernel call\n"
"      --max-memory=SIZE    largest source -s whole reads (default 2G)\n"
"      --sparse=WHEN        holes: auto (keep them), always (also make holes\n"
"                             of zero runs), never (write every byte)\n"
"      --reflink[=WHEN]     share extents: auto (default), always, never\n"
"\n"
"Destination:\n"
"  -t, --target-directory=DIRECTORY  copy every SOURCE into DIRECTORY\n"
"  -T, --no-target-directory         treat DEST as a file, never a directory\n"
"  -n, --no-clobber         leave an existing DEST alone (exit status 0)\n"
"  -i, --interactive        ask before replacing an existing DEST\n"
"  -f, --force              replace DEST even if it is read-only;\n"
"                             overrides -n and -i\n"
"      --atomic             replace DEST atomically or fail\n"
"      --in-place           always truncate DEST and write into it\n"
"  -p                       same as --preserve=mode,ownership,timestamps\n"
"      --preserve[=LIST]    keep the source's mode, ownership, timestamps\n"
"                             (comma-separated; default all)\n"
"      --sync               fsync the data and the directory before exit\n"
"      --verify             compare the copy with SOURCE before replacing DEST\n"
"\n"
"Output:\n"
"  -v, --verbose            print 'SOURCE' -> 'DEST' on standard error\n"
"      --stats[=FORMAT]     per-file summary on standard error: human or json\n"
"  -P, --progress[=WHEN]    progress bar on standard error: auto or always\n"
"      --benchmark          time every strategy and buffer size copying\n"
"                             SOURCE beside DEST; DEST is not written\n"
"      --rounds=N           rounds per --benchmark configuration (default 3)\n"
"      --help               print this help and exit\n"
"      --version            print the version and exit\n"
"\n"
"SIZE is a positive integer with an optional suffix: K, M, G, T (also KiB,\n"
"MiB, GiB, TiB) are powers of 1024, kB, MB, GB, TB powers of 1000.\n"
"Exit status: 0 if every file was copied or skipped, 1 if any failed,\n"
"2 for an invalid command line.  See fcopy(1).\n";

static void set_defaults(struct fcopy_options *options)
{
	memset(options, 0, sizeof(*options));
	options->strategy = STRATEGY_AUTO;
	options->buffer_size = DEFAULT_BUFFER_SIZE;
	options->max_memory = DEFAULT_MAX_MEMORY;
	options->clobber = CLOBBER_YES;
	options->replace = REPLACE_AUTO;
	options->sparse = SPARSE_AUTO;
	options->reflink = REFLINK_AUTO;
	options->benchmark_rounds = 3;
}

/* Look word up in a NULL-terminated list; returns its index or -1. */
static int find_word(const char *word, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(word, words[i]) == 0)
			return i;
	return -1;
}

/* Parse one keyword argument; prints the usage error and returns -1. */
static int parse_keyword(const char *option, const char *value,
			 const char *const *words, int *index)
{
	*index = find_word(value, words);
	if (*index >= 0)
		return 0;

	char allowed[128] = "";
	for (int i = 0; words[i]; i++) {
		strcat(allowed, i ? ", " : "");
		strcat(allowed, words[i]);
	}
	msg_error("invalid argument %s for '%s' (valid: %s); try 'fcopy --help'",
		  msg_quote(value), option, allowed);
	return -1;
}

static int parse_size_option(const char *option, const char *value,
			     uint64_t max, uint64_t *out)
{
	if (size_parse(value, 1, max, out) == 0)
		return 0;

	msg_error("invalid size %s for '%s': use a positive integer up to %s "
		  "with an optional K, M, G, T, KiB, MiB, GiB, TiB, kB, MB, GB "
		  "or TB suffix",
		  msg_quote(value), option,
		  max == MAX_BUFFER_SIZE ? "1GiB" : "16384TiB");
	return -1;
}

/* Parse the --preserve list into PRESERVE_* bits. */
static int parse_preserve(const char *list, unsigned *bits)
{
	static const char *const words[] = {
		"mode", "ownership", "timestamps", "all", NULL
	};
	static const unsigned values[] = {
		PRESERVE_MODE, PRESERVE_OWNERSHIP, PRESERVE_TIMESTAMPS,
		PRESERVE_ALL
	};
	char copy[256];
	char *save = NULL;

	if (strlen(list) >= sizeof(copy) || list[0] == '\0') {
		msg_error("invalid argument %s for '--preserve'; try 'fcopy --help'",
			  msg_quote(list));
		return -1;
	}
	strcpy(copy, list);
	for (char *word = strtok_r(copy, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		int index;

		if (parse_keyword("--preserve", word, words, &index) < 0)
			return -1;
		*bits |= values[index];
	}
	return 0;
}

static int parse_strategy(const char *value, struct fcopy_options *options)
{
	static const char *const words[] = {
		"auto", "whole", "buffered", "stream", NULL
	};
	static const enum strategy_id ids[] = {
		STRATEGY_AUTO, STRATEGY_WHOLE, STRATEGY_BUFFERED, STRATEGY_STREAM
	};
	int index;

	if (parse_keyword("--strategy", value, words, &index) < 0)
		return -1;
	options->strategy = ids[index];
	return 0;
}

/* Handle one option from getopt_long; returns 0 or -1 on a usage error. */
static int apply_option(int option, const char *value,
			struct fcopy_options *options, bool *strategy_set)
{
	static const char *const when_words[] = {
		"auto", "always", "never", NULL
	};
	static const char *const stats_words[] = { "human", "json", NULL };
	static const char *const progress_words[] = {
		"auto", "always", NULL
	};
	uint64_t size;
	int index;

	switch (option) {
	case 's':
		*strategy_set = true;
		return parse_strategy(value, options);
	case 'b':
		if (parse_size_option("--buffer-size", value, MAX_BUFFER_SIZE,
				      &size) < 0)
			return -1;
		options->buffer_size = (size_t)size;
		options->buffer_size_set = true;
		return 0;
	case OPT_MAX_MEMORY:
		if (parse_size_option("--max-memory", value,
				      (uint64_t)1 << 54, &size) < 0)
			return -1;
		options->max_memory = size;
		return 0;
	case 't':
		options->target_directory = value;
		return 0;
	case 'T':
		options->no_target_directory = true;
		return 0;
	case 'n':
		options->clobber = CLOBBER_NO;
		return 0;
	case 'i':
		options->clobber = CLOBBER_ASK;
		return 0;
	case 'f':
		options->force = true;
		return 0;
	case 'v':
		options->verbose = true;
		return 0;
	case 'p':
		options->preserve |= PRESERVE_ALL;
		return 0;
	case OPT_PRESERVE:
		if (!value) {
			options->preserve |= PRESERVE_ALL;
			return 0;
		}
		return parse_preserve(value, &options->preserve);
	case OPT_ATOMIC:
		options->replace_conflict |= options->replace == REPLACE_IN_PLACE;
		options->replace = REPLACE_ATOMIC;
		return 0;
	case OPT_IN_PLACE:
		options->replace_conflict |= options->replace == REPLACE_ATOMIC;
		options->replace = REPLACE_IN_PLACE;
		return 0;
	case OPT_SYNC:
		options->sync = true;
		return 0;
	case OPT_VERIFY:
		options->verify = true;
		return 0;
	case OPT_SPARSE:
		if (parse_keyword("--sparse", value, when_words, &index) < 0)
			return -1;
		options->sparse = (enum sparse_mode[]){
			SPARSE_AUTO, SPARSE_ALWAYS, SPARSE_NEVER }[index];
		return 0;
	case OPT_REFLINK:
		if (!value) {
			options->reflink = REFLINK_ALWAYS;
			return 0;
		}
		if (parse_keyword("--reflink", value, when_words, &index) < 0)
			return -1;
		options->reflink = (enum reflink_mode[]){
			REFLINK_AUTO, REFLINK_ALWAYS, REFLINK_NEVER }[index];
		return 0;
	case OPT_STATS:
		options->stats = STATS_HUMAN;
		if (!value)
			return 0;
		if (parse_keyword("--stats", value, stats_words, &index) < 0)
			return -1;
		options->stats = index == 0 ? STATS_HUMAN : STATS_JSON;
		return 0;
	case 'P':
		options->progress = PROGRESS_AUTO;
		if (!value)
			return 0;
		if (parse_keyword("--progress", value, progress_words,
				  &index) < 0)
			return -1;
		options->progress = index == 0 ? PROGRESS_AUTO : PROGRESS_ALWAYS;
		return 0;
	case OPT_BENCHMARK:
		options->benchmark = true;
		return 0;
	case OPT_ROUNDS:
		if (size_parse(value, 1, 100, &size) < 0) {
			msg_error("invalid number of rounds %s: use 1 to 100",
				  msg_quote(value));
			return -1;
		}
		options->benchmark_rounds = (unsigned)size;
		return 0;
	default:
		return -1;
	}
}

/* Report whether word is the long option whose value is option. */
static bool is_long_option(const char *word, int option)
{
	size_t len;

	if (strncmp(word, "--", 2) != 0)
		return false;
	word += 2;
	len = strcspn(word, "=");
	for (const struct option *o = long_options; o->name; o++)
		if (strncmp(o->name, word, len) == 0 && o->val == option)
			return true;
	return false;
}

/*
 * Print why getopt_long rejected an option.  word is the argument it last
 * finished.  For an error inside a group such as -Xn, that is the argument
 * before, so only optopt names a short option reliably.
 */
static void report_bad_option(const char *word)
{
	char letter[3] = { '-', (char)optopt, '\0' };

	if (optopt == 0)
		msg_error("unrecognized or ambiguous option %s; try 'fcopy "
			  "--help'", msg_quote(word));
	else if (is_long_option(word, optopt) && strchr(word, '='))
		msg_error("option %s takes no argument; try 'fcopy --help'",
			  msg_quote(word));
	else if (is_long_option(word, optopt))
		msg_error("option %s requires an argument; try 'fcopy --help'",
			  msg_quote(word));
	else if (optopt < 256 && strchr("sbt", optopt))
		msg_error("option %s requires an argument; try 'fcopy --help'",
			  msg_quote(letter));
	else
		msg_error("invalid option %s; try 'fcopy --help'",
			  msg_quote(letter));
}

/* Check what getopt_long cannot: operand counts and option combinations. */
static int check_combination(const struct fcopy_options *options)
{
	int needed = options->target_directory ? 1 : 2;

	if (options->buffer_size_set && options->strategy == STRATEGY_WHOLE) {
		msg_error("'--buffer-size' does not apply to '-s whole', which "
			  "reads the whole source at once; drop -b or use -s buffered");
		return -1;
	}
	if (options->reflink == REFLINK_ALWAYS &&
	    (options->strategy == STRATEGY_WHOLE ||
	     options->strategy == STRATEGY_BUFFERED ||
	     options->sparse == SPARSE_ALWAYS)) {
		msg_error("'--reflink=always' needs -s stream or -s auto and no "
			  "'--sparse=always', because only they share extents");
		return -1;
	}
	if (options->replace_conflict) {
		msg_error("'--atomic' and '--in-place' cannot be combined");
		return -1;
	}
	if (options->target_directory && options->no_target_directory) {
		msg_error("'--target-directory' and '--no-target-directory' "
			  "cannot be combined");
		return -1;
	}
	if (options->operand_count == 0) {
		msg_error("missing file operand; try 'fcopy --help'");
		return -1;
	}
	if (options->operand_count < needed) {
		msg_error("missing destination file operand after %s; "
			  "try 'fcopy --help'", msg_quote(options->operands[0]));
		return -1;
	}
	if (options->benchmark && (options->operand_count != 2 ||
				   options->target_directory)) {
		msg_error("'--benchmark' takes exactly one SOURCE and one DEST");
		return -1;
	}
	if (options->no_target_directory && options->operand_count > 2) {
		msg_error("extra operand %s: '-T' takes one SOURCE and one DEST",
			  msg_quote(options->operands[2]));
		return -1;
	}
	return 0;
}

/* Print --help or --version text on standard output. */
static enum cli_result print_and_finish(const char *text)
{
	if (fputs(text, stdout) >= 0 && fflush(stdout) == 0)
		return CLI_DONE;
	msg_error_errno(errno, "error writing standard output");
	return CLI_OUTPUT_ERROR;
}

enum cli_result cli_parse(int argc, char **argv, struct fcopy_options *options)
{
	bool strategy_set = false;
	int option;

	set_defaults(options);
	/*
	 * getopt's own messages carry argv[0]; fcopy prints one line itself.
	 * optind 0 makes glibc forget a half-read option group from an
	 * earlier call (the tests and the fuzzer parse many command lines).
	 */
	opterr = 0;
	optind = 0;
	while ((option = getopt_long(argc, argv, "s:b:t:TnifvpP", long_options,
				     NULL)) != -1) {
		if (option == OPT_HELP)
			return print_and_finish(usage_text);
		if (option == OPT_VERSION)
			return print_and_finish("fcopy " FCOPY_VERSION "\n");
		if (option == '?' || option == ':') {
			report_bad_option(argv[optind - 1]);
			return CLI_USAGE_ERROR;
		}
		if (apply_option(option, optarg, options, &strategy_set) < 0)
			return CLI_USAGE_ERROR;
	}

	options->operands = argv + optind;
	options->operand_count = argc - optind;

	/* -b alone selects buffered, and -f wins over -n and -i in any order. */
	if (options->buffer_size_set && !strategy_set)
		options->strategy = STRATEGY_BUFFERED;
	if (options->force)
		options->clobber = CLOBBER_YES;
	if (check_combination(options) < 0)
		return CLI_USAGE_ERROR;
	return CLI_RUN;
}
