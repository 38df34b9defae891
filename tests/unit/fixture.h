/*
 * Temporary files and directories for the unit tests.  Everything lives
 * under a fresh directory in /tmp that fixture_remove_tree() deletes.
 * Helpers that fail call fail_msg() through cmocka, so a test stops at
 * the broken setup step instead of at a confusing assert later.
 */
#ifndef FCOPY_TEST_FIXTURE_H
#define FCOPY_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fcopy/copy.h"
#include "fcopy/options.h"

/* Create a directory /tmp/fcopy-unit-XXXXXX and return its path to free(). */
char *fixture_temp_dir(void);

/* Remove dir and everything below it. */
void fixture_remove_tree(const char *dir);

/* Return dir/name in a new allocation, which the caller frees. */
char *fixture_path(const char *dir, const char *name);

/*
 * Fill buf with pseudo-random bytes from seed, the same bytes for the
 * same seed, so a failure can be reproduced.
 */
void fixture_fill_random(void *buf, size_t len, unsigned seed);

/* Create (or truncate) path with mode and write data into it. */
void fixture_write_file(const char *path, const void *data, size_t len,
			mode_t mode);

/* Read the whole file at path into a new allocation and store its length. */
unsigned char *fixture_read_file(const char *path, size_t *len);

/* Read the whole file behind fd from offset 0 without moving its offset. */
unsigned char *fixture_read_fd(int fd, size_t *len);

/* Count the entries of dir other than "." and "..". */
size_t fixture_count_entries(const char *dir);

/* Report whether fd is an open descriptor. */
bool fixture_fd_is_open(int fd);

/*
 * Standard output or standard error sent to a temporary file while a
 * test runs the code that prints, so the test can check what it printed.
 */
struct fixture_capture {
	int target;		/* STDOUT_FILENO or STDERR_FILENO */
	int saved;		/* the descriptor target had before */
	int file;		/* the temporary file */
};

void fixture_capture_start(struct fixture_capture *capture, int target);

/* Restore the descriptor and return what was printed, for free(). */
char *fixture_capture_end(struct fixture_capture *capture);

/*
 * A copy job between real files, built by hand the way copy_file() builds
 * it: SOURCE is dir/source with len pseudo-random bytes, opened for
 * reading, and DEST is a new, empty dir/dest opened for reading and
 * writing (dest.exists is false).  The options are cli_parse()'s defaults
 * and may be changed before the strategy runs.
 */
struct fixture_job {
	struct fcopy_options options;
	struct copy_job job;
	char *source_path;
	char *dest_path;
	unsigned char *data;	/* the source's bytes */
	size_t len;
};

void fixture_job_start(struct fixture_job *fj, const char *dir, size_t len,
		       unsigned seed);

/*
 * Replace the source with the read end of a pipe that contains its bytes
 * and is closed for writing.  Over 64 KiB the pipe is enlarged, up to
 * /proc/sys/fs/pipe-max-size (1 MiB by default) for a user without
 * CAP_SYS_RESOURCE.
 */
void fixture_job_use_pipe(struct fixture_job *fj);

/* Read DEST back through its descriptor into a new allocation. */
unsigned char *fixture_job_output(const struct fixture_job *fj, size_t *len);

/* Fail unless DEST contains exactly the source's bytes. */
void fixture_job_check_output(const struct fixture_job *fj);

/* Close the job's descriptors and free its memory, if it was started. */
void fixture_job_finish(struct fixture_job *fj);

#endif
