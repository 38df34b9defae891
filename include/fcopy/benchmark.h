/* --benchmark: time every strategy and a range of buffer sizes on one file. */
#ifndef FCOPY_BENCHMARK_H
#define FCOPY_BENCHMARK_H

#include "fcopy/options.h"

/*
 * Copy source with each strategy and buffer size into temporary files in
 * the directory of dest (or in dest, if it is a directory), remove them,
 * and print a table of throughput on standard output.  dest itself is
 * never created or changed.  Returns 0, or -1 after printing a message.
 */
int benchmark_run(const struct fcopy_options *options, const char *source,
		  const char *dest);

#endif
