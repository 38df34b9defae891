/*
 * The stream strategy: hand the copy to the kernel.  The mechanisms are
 * tried in the order of enum fastpath_mechanism: FICLONE (shared extents),
 * copy_file_range, sendfile, splice, and last the I/O core's read/write
 * loop.  A mechanism that is refused before it has moved any data is
 * dropped silently for the rest of the file.  After it has moved data,
 * an error ends the copy.  A regular source with holes is copied extent by
 * extent so the holes stay holes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/copy.h"
#include "fcopy/fastpath.h"
#include "fcopy/progress.h"
#include "fcopy/sparse.h"
#include "fcopy/strategy.h"

/*
 * Bytes asked of one kernel call when -b is not given: large enough that
 * the per-call cost vanishes, small enough that a signal or a progress
 * update waits for well under a second at disk speeds.
 */
#define STREAM_DEFAULT_CHUNK ((size_t)64 << 20)

struct stream {
	struct copy_job *job;
	int in;
	int out;
	size_t chunk;
	bool usable[FASTPATH_COUNT];	/* applies here and was not refused */
	bool moved[FASTPATH_COUNT];	/* has moved data in this file */
};

enum step {
	STEP_LIMIT,	/* the requested length was copied */
	STEP_EOF,	/* a kernel call returned 0: read() must confirm the end */
	STEP_REFUSED,	/* every kernel mechanism was refused */
	STEP_FAILED,	/* job->error is set */
};

static bool is_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags >= 0 && (flags & O_NONBLOCK);
}

/* Append "MECHANISM: ERRNO" to the fallback reason shown by --stats. */
static void note_refusal(struct stream *s, enum fastpath_mechanism m, int err)
{
	char *reason = s->job->fallback;
	size_t used = strlen(reason);
	const char *cause = err ? strerrorname_np(err) : "0 bytes";

	s->usable[m] = false;
	snprintf(reason + used, sizeof(s->job->fallback) - used, "%s%s: %s",
		 used ? ", " : "after ", fastpath_name(m), cause ? cause : "?");
}

/* Decide which mechanisms apply to this pair of descriptors. */
static void choose_mechanisms(struct stream *s)
{
	const struct copy_job *job = s->job;
	mode_t in_type = job->source_stat.st_mode & S_IFMT;
	mode_t out_type = job->dest.exists || job->dest.borrowed
			  ? job->dest.st.st_mode & S_IFMT : S_IFREG;
	bool blocking = !(job->source_borrowed && is_nonblocking(s->in)) &&
			!(job->dest.borrowed && is_nonblocking(s->out));
	bool kernel = !sparse_should_punch(job);
	bool reflink = job->options->reflink != REFLINK_NEVER;

	/* st_size 0 is what /proc and /sys report: only read() finds the real length. */
	if (in_type == S_IFREG && job->source_stat.st_size == 0)
		kernel = false;

	/* An empty file can be cloned, which --reflink=always needs. */
	s->usable[FASTPATH_FICLONE] = reflink && in_type == S_IFREG &&
		out_type == S_IFREG && !job->dest.borrowed &&
		!job->source_borrowed && !sparse_should_punch(job) &&
		(kernel || job->options->reflink == REFLINK_ALWAYS);
	/* copy_file_range can share extents too, so --reflink=never avoids it. */
	s->usable[FASTPATH_COPY_FILE_RANGE] = kernel && reflink &&
		in_type == S_IFREG && out_type == S_IFREG;
	s->usable[FASTPATH_SENDFILE] = kernel && blocking && in_type == S_IFREG;
	s->usable[FASTPATH_SPLICE] = kernel && blocking &&
		(in_type == S_IFIFO || out_type == S_IFIFO);
	s->usable[FASTPATH_READ_WRITE] = true;
}

static ssize_t call_mechanism(struct stream *s, enum fastpath_mechanism m,
			      size_t len)
{
	switch (m) {
	case FASTPATH_COPY_FILE_RANGE:
		return fastpath_copy_file_range(s->in, s->out, len);
	case FASTPATH_SENDFILE:
		return fastpath_sendfile(s->out, s->in, len);
	case FASTPATH_SPLICE:
		return fastpath_splice(s->in, s->out, len);
	default:
		errno = EINVAL;
		return -1;
	}
}

/*
 * Move up to limit bytes with mechanism m.  A 0 or a refusal before m has
 * moved anything drops m, and the caller tries the next mechanism.  A 0
 * after m has moved data is most likely end of file, but /proc files and
 * some filesystems also return 0 early, so read() has the last word.
 */
static enum step run_mechanism(struct stream *s, enum fastpath_mechanism m,
			       uint64_t limit)
{
	uint64_t moved = 0;

	while (moved < limit) {
		size_t len = limit - moved < s->chunk ? (size_t)(limit - moved)
						      : s->chunk;
		ssize_t n = call_mechanism(s, m, len);

		if (n > 0) {
			moved += (uint64_t)n;
			s->moved[m] = true;
			s->job->bytes_copied += (uint64_t)n;
			s->job->mechanism = fastpath_name(m);
			progress_update(s->job->bytes_copied);
			continue;
		}
		if (n == 0 && s->moved[m])
			return STEP_EOF;
		if (n == 0 || (!s->moved[m] && fastpath_is_refusal(errno))) {
			note_refusal(s, m, n == 0 ? 0 : errno);
			return STEP_REFUSED;
		}
		copy_fail(s->job, IO_SIDE_EITHER, errno);
		return STEP_FAILED;
	}
	return STEP_LIMIT;
}

/* Copy up to limit bytes with the first kernel mechanism that works. */
static enum step copy_region(struct stream *s, uint64_t limit)
{
	for (int m = FASTPATH_COPY_FILE_RANGE; m < FASTPATH_READ_WRITE; m++) {
		enum step step;

		if (!s->usable[m])
			continue;
		step = run_mechanism(s, (enum fastpath_mechanism)m, limit);
		if (step != STEP_REFUSED)
			return step;
	}
	return STEP_REFUSED;
}

/* Copy the rest of the source with the I/O core's read/write loop. */
static int copy_rest_by_read_write(struct stream *s, bool punch)
{
	struct io_copy_options options = {
		.skip_zero_blocks = punch,
		.progress_base = s->job->bytes_copied,
	};
	struct io_copy_result result;
	size_t size = strategy_buffer_size(s->job);
	void *buffer = io_alloc_buffer(size);
	int rc;

	if (!buffer)
		return copy_fail(s->job, IO_SIDE_NONE, errno);

	rc = io_copy_loop(s->in, s->out, buffer, size, &options, &result);
	free(buffer);
	s->job->bytes_copied += result.bytes;
	if (result.bytes > 0 || !s->job->mechanism)
		s->job->mechanism = fastpath_name(FASTPATH_READ_WRITE);

	if (rc < 0)
		return copy_fail(s->job, result.failed, result.error);
	if (punch && sparse_finish(s->out) < 0)
		return copy_fail(s->job, IO_SIDE_WRITE, errno);
	return 0;
}

/* Copy to end of file: kernel mechanisms first, read/write to finish. */
static int copy_to_end(struct stream *s)
{
	enum step step = copy_region(s, UINT64_MAX);

	if (step == STEP_FAILED)
		return -1;
	return copy_rest_by_read_write(s, false);
}

/* Try FICLONE; returns 1 when the whole file was cloned, 0 to go on, -1. */
static int try_reflink(struct stream *s)
{
	const struct copy_job *job = s->job;

	if (s->usable[FASTPATH_FICLONE]) {
		if (fastpath_ficlone(s->out, s->in) == 0) {
			s->job->bytes_copied = (uint64_t)job->source_stat.st_size;
			s->job->mechanism = fastpath_name(FASTPATH_FICLONE);
			return 1;
		}
		if (!fastpath_is_refusal(errno))
			return copy_fail(s->job, IO_SIDE_EITHER, errno);
		note_refusal(s, FASTPATH_FICLONE, errno);
		if (job->options->reflink != REFLINK_ALWAYS)
			return 0;
		s->job->error.detail = "cannot share extents here "
				       "(--reflink=always)";
		return copy_fail(s->job, IO_SIDE_EITHER, errno);
	}
	if (job->options->reflink == REFLINK_ALWAYS) {
		s->job->error.detail = "--reflink=always needs a regular file "
				       "on both sides";
		return copy_fail(s->job, IO_SIDE_EITHER, EOPNOTSUPP);
	}
	return 0;
}

/*
 * Give DEST the source's length after the last data extent, which ended
 * at offset: a source that ends in a hole needs the size set explicitly.
 */
static int set_final_size(struct stream *s, off_t start, off_t offset)
{
	struct stat st;

	if (fstat(s->in, &st) < 0)
		return copy_fail(s->job, IO_SIDE_READ, errno);
	if (st.st_size <= offset)
		return 0;
	if (ftruncate(s->out, st.st_size - start) < 0)
		return copy_fail(s->job, IO_SIDE_WRITE, errno);
	s->job->bytes_copied += (uint64_t)(st.st_size - offset);
	return 0;
}

/*
 * Copy a regular file extent by extent, seeking over its holes on both
 * sides, then give DEST the source's length in case it ends in a hole.
 */
static int walk_extents(struct stream *s)
{
	off_t start = lseek(s->in, 0, SEEK_CUR);
	off_t offset = start;

	if (start < 0)
		return copy_fail(s->job, IO_SIDE_READ, errno);

	for (;;) {
		off_t data, hole;
		int found = sparse_next_extent(s->in, offset, &data, &hole);
		enum step step;

		if (found < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
			/* The filesystem cannot report holes: copy it all as data. */
			if (lseek(s->in, offset, SEEK_SET) < 0)
				return copy_fail(s->job, IO_SIDE_READ, errno);
			break;
		}
		if (found < 0)
			return copy_fail(s->job, IO_SIDE_READ, errno);
		if (found == 0)
			return set_final_size(s, start, offset);

		if (data > offset) {
			if (lseek(s->out, data - offset, SEEK_CUR) < 0)
				return copy_fail(s->job, IO_SIDE_WRITE, errno);
			s->job->bytes_copied += (uint64_t)(data - offset);
		}

		step = copy_region(s, (uint64_t)(hole - data));
		if (step == STEP_FAILED)
			return -1;
		if (step == STEP_REFUSED || step == STEP_EOF)
			return copy_rest_by_read_write(s, true);
		offset = hole;
	}

	/* Reached only when the filesystem has no SEEK_DATA. */
	return copy_to_end(s);
}

/* A regular file with fewer blocks than its size has holes (an estimate). */
static bool has_holes(const struct stat *st)
{
	return S_ISREG(st->st_mode) &&
	       (uint64_t)st->st_blocks * 512 < (uint64_t)st->st_size;
}

static int stream_copy(struct copy_job *job)
{
	struct stream s = {
		.job = job,
		.in = job->source_fd,
		.out = job->dest.fd,
		.chunk = job->options->buffer_size_set ? job->options->buffer_size
						       : STREAM_DEFAULT_CHUNK,
	};
	int cloned;

	if (s.chunk > FASTPATH_MAX_CHUNK)
		s.chunk = FASTPATH_MAX_CHUNK;
	choose_mechanisms(&s);
	if (sparse_should_punch(job))
		return copy_rest_by_read_write(&s, true);

	cloned = try_reflink(&s);
	if (cloned != 0)
		return cloned > 0 ? 0 : -1;

	if (sparse_should_walk(job) && has_holes(&job->source_stat))
		return walk_extents(&s);

	return copy_to_end(&s);
}

const struct strategy strategy_stream = {
	.name = "stream",
	.copy = stream_copy,
};
