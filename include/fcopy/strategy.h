/*
 * Copy strategies.  Each one is a const table entry with one signature,
 * chosen in one place (strategy_select()).
 */
#ifndef FCOPY_STRATEGY_H
#define FCOPY_STRATEGY_H

#include <stddef.h>

#include "fcopy/options.h"

struct copy_job;

struct strategy {
	const char *name;

	/*
	 * Optional step run before DEST is opened, e.g. the whole strategy
	 * reads the source into memory here, so that a source that cannot be
	 * read never touches DEST.  Returns 0, or -1 with job->error set.
	 */
	int (*load)(struct copy_job *job);

	/*
	 * Copy from job->source_fd to job->dest.fd until end of file.
	 * Returns 0, or -1 with job->error set.  Must not close either
	 * descriptor.  A strategy that seeks over holes sets DEST's final
	 * size itself (sparse_finish() or ftruncate()).
	 */
	int (*copy)(struct copy_job *job);

	/* Optional: free what load() or copy() allocated.  Always called. */
	void (*release)(struct copy_job *job);
};

extern const struct strategy strategy_whole;
extern const struct strategy strategy_buffered;
extern const struct strategy strategy_stream;

/*
 * Return the read/write buffer size for the job: -b (or the default), but
 * no more than a regular source's size + 1, which still reaches end of
 * file in two read(2) calls without holding memory the file cannot fill.
 */
size_t strategy_buffer_size(const struct copy_job *job);

/* Pick the strategy for the job: the one named by -s, or the auto choice. */
const struct strategy *strategy_select(const struct copy_job *job);

#endif
