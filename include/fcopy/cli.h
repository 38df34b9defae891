/* Command-line parsing, --help and --version. */
#ifndef FCOPY_CLI_H
#define FCOPY_CLI_H

#include "fcopy/options.h"

/* Exit statuses that scripts rely on. */
#define EXIT_OK		0
#define EXIT_FAILED	1	/* at least one file was not copied */
#define EXIT_USAGE	2	/* invalid command line */

enum cli_result {
	CLI_RUN,		/* options parsed: go on and copy */
	CLI_DONE,		/* --help or --version was printed: exit 0 */
	CLI_USAGE_ERROR,	/* a message was printed: exit 2 */
	CLI_OUTPUT_ERROR,	/* --help or --version could not be written: exit 1 */
};

/*
 * Parse argv into options (defaults first), check operand counts and
 * option combinations, and print --help/--version to standard output.
 */
enum cli_result cli_parse(int argc, char **argv, struct fcopy_options *options);

#endif
