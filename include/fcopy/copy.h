/* Copying one SOURCE to one DEST: the order of steps for one file. */
#ifndef FCOPY_COPY_H
#define FCOPY_COPY_H

#include <stdint.h>
#include <sys/stat.h>

#include "fcopy/dest.h"
#include "fcopy/io.h"
#include "fcopy/options.h"

/* The failed call of a copy, recorded where it failed. */
struct copy_error {
	enum io_side side;	/* IO_SIDE_NONE: neither file, e.g. no memory */
	int error;		/* errno */
	const char *detail;	/* printed before strerror, or NULL */
	bool reported;		/* the message was printed where it failed */
};

/* One file being copied, shared by the driver and the strategy. */
struct copy_job {
	const struct fcopy_options *options;

	const char *source_path;	/* as the user named it */
	int source_fd;
	bool source_borrowed;		/* standard input or /dev/fd/N */
	struct stat source_stat;	/* taken before the first read */

	struct dest dest;

	void *data;			/* whole: the loaded source */
	size_t data_length;
	size_t data_capacity;		/* whole: bytes mapped at data */

	uint64_t bytes_copied;
	const char *mechanism;		/* the mechanism that moved the data */
	char fallback[128];		/* why the stream strategy fell back, or "" */

	struct copy_error error;
};

/*
 * Record a failure of the read or write side in job->error.  Always
 * returns -1, so strategies can write "return copy_fail(...)".
 */
int copy_fail(struct copy_job *job, enum io_side side, int error);

/*
 * Copy source_path to dest_path.  Returns 0 when the file was copied or
 * skipped (-n), -1 when it failed (a message was printed).
 */
int copy_file(const struct fcopy_options *options, const char *source_path,
	      const char *dest_path);

#endif
