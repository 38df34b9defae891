/*
 * --benchmark.  Each configuration copies SOURCE --rounds times through
 * the normal copy path (so the figures include opening, attributes and
 * the rename) into a hidden file beside DEST, which is removed after each
 * round.  The table reports the median round, which is less sensitive
 * than the mean to a busy machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fcopy/benchmark.h"
#include "fcopy/copy.h"
#include "fcopy/msg.h"
#include "fcopy/progress.h"
#include "fcopy/signals.h"

#define MAX_ROUNDS 100

struct configuration {
	enum strategy_id strategy;
	const char *name;
	size_t buffer_size;	/* 0: the strategy's default */
};

static const struct configuration configurations[] = {
	{ STRATEGY_AUTO, "auto", 0 },
	{ STRATEGY_STREAM, "stream", 0 },
	{ STRATEGY_WHOLE, "whole", 0 },
	{ STRATEGY_BUFFERED, "buffered", 4096 },
	{ STRATEGY_BUFFERED, "buffered", 16384 },
	{ STRATEGY_BUFFERED, "buffered", 65536 },
	{ STRATEGY_BUFFERED, "buffered", 131072 },
	{ STRATEGY_BUFFERED, "buffered", 262144 },
	{ STRATEGY_BUFFERED, "buffered", 1048576 },
	{ STRATEGY_BUFFERED, "buffered", 4194304 },
};
#define CONFIGURATION_COUNT (sizeof(configurations) / sizeof(configurations[0]))

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Return the share (0 to 1) of the file's pages in the page cache, or -1. */
static double cached_share(const char *path, off_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (size_t)((size + page - 1) / page);
	unsigned char *vector;
	size_t resident = 0;
	void *map;
	int fd;

	if (size <= 0 || page <= 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;

	vector = malloc(pages);
	if (vector && mincore(map, (size_t)size, vector) == 0)
		for (size_t i = 0; i < pages; i++)
			resident += vector[i] & 1;
	munmap(map, (size_t)size);
	if (!vector)
		return -1;
	free(vector);
	return (double)resident / (double)pages;
}

/* Return the directory the temporary copies go to, newly allocated. */
static char *scratch_directory(const char *dest)
{
	struct stat st;
	char *copy;
	char *directory;

	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode))
		return strdup(dest);
	copy = strdup(dest);
	if (!copy)
		return NULL;
	directory = strdup(dirname(copy));
	free(copy);
	return directory;
}

/* Time one round; returns seconds, or -1 after copy_file() printed why. */
static double time_round(const struct fcopy_options *options,
			 const char *source, const char *scratch)
{
	double start = seconds_now();
	double elapsed;

	if (copy_file(options, source, scratch) < 0)
		return -1;
	elapsed = seconds_now() - start;

	if (unlink(scratch) < 0) {
		msg_error_errno(errno, "cannot remove %s", msg_quote(scratch));
		return -1;
	}
	return elapsed;
}

/* Run every round of one configuration; stores the median in *median. */
static int run_configuration(const struct fcopy_options *base,
			     const struct configuration *c, const char *source,
			     const char *scratch, double *median)
{
	struct fcopy_options options = *base;
	double times[MAX_ROUNDS];
	unsigned rounds = base->benchmark_rounds;

	options.strategy = c->strategy;
	options.buffer_size = c->buffer_size ? c->buffer_size
					     : DEFAULT_BUFFER_SIZE;
	options.buffer_size_set = c->buffer_size != 0;
	options.clobber = CLOBBER_YES;
	options.verbose = false;
	options.stats = STATS_NONE;
	options.progress = PROGRESS_NEVER;

	for (unsigned r = 0; r < rounds; r++) {
		times[r] = time_round(&options, source, scratch);
		if (times[r] < 0)
			return -1;
	}
	qsort(times, rounds, sizeof(times[0]), compare_doubles);
	*median = rounds % 2 ? times[rounds / 2]
			     : (times[rounds / 2 - 1] + times[rounds / 2]) / 2;
	return 0;
}

static void print_table(const double *medians, const bool *ran, off_t size)
{
	size_t fastest = CONFIGURATION_COUNT;
	char buffer[32];

	for (size_t i = 0; i < CONFIGURATION_COUNT; i++)
		if (ran[i] && (fastest == CONFIGURATION_COUNT ||
			       medians[i] < medians[fastest]))
			fastest = i;

	printf("%-10s %10s %12s %12s\n", "strategy", "buffer", "median s",
	       "MiB/s");
	for (size_t i = 0; i < CONFIGURATION_COUNT; i++) {
		const struct configuration *c = &configurations[i];

		if (!ran[i])
			continue;
		if (c->buffer_size)
			progress_format_bytes(buffer, sizeof(buffer),
					      (double)c->buffer_size);
		else
			snprintf(buffer, sizeof(buffer), "-");
		printf("%-10s %10s %12.6f %12.1f%s\n", c->name, buffer,
		       medians[i],
		       medians[i] > 0 ? (double)size / medians[i] / 1048576.0
				      : 0.0,
		       i == fastest ? "  fastest" : "");
	}
}

int benchmark_run(const struct fcopy_options *options, const char *source,
		  const char *dest)
{
	double medians[CONFIGURATION_COUNT] = { 0 };
	bool ran[CONFIGURATION_COUNT] = { false };
	char *directory = scratch_directory(dest);
	char scratch[4096];
	double share;
	struct stat st;
	int rc = 0;

	if (!directory) {
		msg_error_errno(errno, "cannot benchmark into %s", msg_quote(dest));
		return -1;
	}
	if (stat(source, &st) < 0 || !S_ISREG(st.st_mode)) {
		msg_error("cannot benchmark %s: it must be a regular file, "
			  "because every round reads it again", msg_quote(source));
		free(directory);
		return -1;
	}
	snprintf(scratch, sizeof(scratch), "%s/.fcopy-benchmark-%ld",
		 directory, (long)getpid());
	free(directory);

	/*
	 * Between one copy's end and the unlink, no copy has the scratch file
	 * armed, so the handler keeps its name for the whole run.
	 */
	signals_keep_path(scratch);
	share = cached_share(source, st.st_size);
	for (size_t i = 0; i < CONFIGURATION_COUNT && rc == 0; i++) {
		if (configurations[i].strategy == STRATEGY_WHOLE &&
		    (uint64_t)st.st_size > options->max_memory)
			continue;
		rc = run_configuration(options, &configurations[i], source,
				       scratch, &medians[i]);
		ran[i] = rc == 0;
	}
	signals_keep_path(NULL);
	if (rc < 0)
		return -1;

	print_table(medians, ran, st.st_size);
	printf("%u rounds each, %lld bytes.\n", options->benchmark_rounds,
	       (long long)st.st_size);
	if (share >= 0.9)
		printf("Note: %.0f%% of the source was in the page cache before "
		       "the first round, so the figures measure memory and CPU "
		       "speed, not the disk.\n", share * 100);
	else if (share >= 0)
		printf("Note: the first round read the source from disk; later "
		       "rounds found it in the page cache.\n");
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	msg_error_errno(errno, "error writing standard output");
	return -1;
}
