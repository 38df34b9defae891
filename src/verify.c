/*
 * --verify.  The written file is read back through a new descriptor
 * (/proc/self/fd also reaches an unnamed O_TMPFILE file) and compared with
 * the source read again from its start, or with the data the whole
 * strategy keeps in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/copy.h"
#include "fcopy/io.h"
#include "fcopy/msg.h"
#include "fcopy/strategy.h"
#include "fcopy/verify.h"

#define VERIFY_CHUNK ((size_t)1 << 20)

static int open_written_file(const struct copy_job *job)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", job->dest.fd);
	return io_move_above_stdio(open(path, O_RDONLY | O_CLOEXEC));
}

/* Compare fd with len bytes of memory; returns 0 equal, 1 differ, -1. */
static int compare_with_memory(int fd, const char *data, size_t len,
			       char *buffer)
{
	size_t done = 0;

	for (;;) {
		ssize_t n = io_read_full(fd, buffer, VERIFY_CHUNK);

		if (n < 0)
			return -1;
		if ((size_t)n > len - done ||
		    memcmp(buffer, data + done, (size_t)n) != 0)
			return 1;
		done += (size_t)n;
		if ((size_t)n < VERIFY_CHUNK)
			return done == len ? 0 : 1;
	}
}

/* Compare two descriptors to end of file; returns 0 equal, 1 differ, -1. */
static int compare_files(int a, int b, char *buffer_a, char *buffer_b)
{
	for (;;) {
		ssize_t n = io_read_full(a, buffer_a, VERIFY_CHUNK);
		ssize_t m = io_read_full(b, buffer_b, VERIFY_CHUNK);

		if (n < 0 || m < 0)
			return -1;
		if (n != m || memcmp(buffer_a, buffer_b, (size_t)n) != 0)
			return 1;
		if ((size_t)n < VERIFY_CHUNK)
			return 0;
	}
}

static int compare(struct copy_job *job, int written, char *buffers)
{
	int source;
	int rc;

	if (job->data)
		return compare_with_memory(written, job->data,
					   job->data_length, buffers);

	source = io_move_above_stdio(
		open(job->source_path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
	if (source < 0)
		return -1;
	rc = compare_files(source, written, buffers, buffers + VERIFY_CHUNK);
	io_close_quietly(source);
	return rc;
}

int verify_check(const struct copy_job *job, const struct strategy *strategy)
{
	const char *dest = msg_quote(job->dest.path);

	if (job->dest.borrowed) {
		msg_error("cannot verify %s: a destination given as a "
			  "descriptor cannot be read back", dest);
		return -1;
	}
	if (strategy != &strategy_whole && (job->source_borrowed ||
					    !S_ISREG(job->source_stat.st_mode))) {
		msg_error("cannot verify %s: the source %s cannot be read twice "
			  "(use -s whole, or drop --verify)", dest,
			  msg_quote(job->source_path));
		return -1;
	}
	return 0;
}

int verify_copy(struct copy_job *job)
{
	const char *dest = msg_quote(job->dest.path);
	char *buffers;
	int written;
	int rc;

	/* verify_check() ran before the copy; this keeps compare() safe. */
	if (job->dest.borrowed || (!job->data && (job->source_borrowed ||
			!S_ISREG(job->source_stat.st_mode)))) {
		msg_error("cannot verify %s: it cannot be compared", dest);
		return -1;
	}

	buffers = malloc(2 * VERIFY_CHUNK);
	if (!buffers) {
		msg_error_errno(errno, "cannot verify %s", dest);
		return -1;
	}
	written = open_written_file(job);
	rc = written < 0 ? -1 : compare(job, written, buffers);
	if (written >= 0)
		io_close_quietly(written);
	free(buffers);

	if (rc < 0)
		msg_error_errno_note(errno, dest_partial_note(&job->dest, true),
				     "cannot verify %s", dest);
	else if (rc > 0)
		msg_error_errno_note(0, dest_partial_note(&job->dest, true),
				     "verification failed: the copy written "
				     "for %s differs from %s", dest,
				     msg_quote(job->source_path));
	return rc == 0 ? 0 : -1;
}
