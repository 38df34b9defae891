/*
 * The I/O core.  Every read(2)/write(2) loop in fcopy is here: short
 * counts are continued, EINTR is retried, EAGAIN on a non-blocking
 * descriptor waits in poll(2), and a failed call leaves errno for the
 * caller to record.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcopy/io.h"
#include "fcopy/progress.h"

struct io_counters io_counters;

/* Block until fd is ready for events; used after EAGAIN. Returns 0 or -1. */
static int wait_ready(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		if (poll(&pfd, 1, -1) >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

ssize_t io_read(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n;

		io_counters.reads++;
		n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_ready(fd, POLLIN) < 0)
				return -1;
			continue;
		}
		return -1;
	}
}

ssize_t io_write(int fd, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n;

		io_counters.writes++;
		n = write(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_ready(fd, POLLOUT) < 0)
				return -1;
			continue;
		}
		return -1;
	}
}

ssize_t io_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = io_read(fd, (char *)buf + done, len - done);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int io_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = io_write(fd, (const char *)buf + done, len - done);

		if (n < 0)
			return -1;
		if (n == 0) {
			/* Nothing written and no error: never retry forever. */
			errno = ENOSPC;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Granularity of io_write_sparse(): the usual filesystem block size. */
#define SPARSE_BLOCK ((size_t)4096)

static bool is_all_zero(const unsigned char *p, size_t len)
{
	/* The first byte checked alone makes the overlapping compare cover all. */
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

int io_write_sparse(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		size_t block = len - done < SPARSE_BLOCK ? len - done : SPARSE_BLOCK;
		size_t run = block;

		if (is_all_zero(p + done, block)) {
			/* Extend over every following zero block: one seek for all. */
			while (done + run < len) {
				size_t next = len - done - run;

				next = next < SPARSE_BLOCK ? next : SPARSE_BLOCK;
				if (!is_all_zero(p + done + run, next))
					break;
				run += next;
			}
			io_counters.seeks++;
			if (lseek(fd, (off_t)run, SEEK_CUR) < 0)
				return -1;
		} else {
			/* Extend over every following data block: one write for all. */
			while (done + run < len) {
				size_t next = len - done - run;

				next = next < SPARSE_BLOCK ? next : SPARSE_BLOCK;
				if (is_all_zero(p + done + run, next))
					break;
				run += next;
			}
			if (io_write_full(fd, p + done, run) < 0)
				return -1;
		}
		done += run;
	}
	return 0;
}

void *io_alloc_buffer(size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t align = page > 0 ? (size_t)page : 4096;
	size_t rounded = (size + align - 1) / align * align;

	return aligned_alloc(align, rounded);
}

int io_copy_loop(int in, int out, void *buf, size_t size,
		 const struct io_copy_options *options,
		 struct io_copy_result *result)
{
	bool skip = options && options->skip_zero_blocks;

	result->bytes = 0;
	result->failed = IO_SIDE_NONE;
	result->error = 0;

	for (;;) {
		ssize_t n = io_read(in, buf, size);

		if (n < 0) {
			result->failed = IO_SIDE_READ;
			result->error = errno;
			return -1;
		}
		if (n == 0)
			return 0;

		if ((skip ? io_write_sparse(out, buf, (size_t)n)
			  : io_write_full(out, buf, (size_t)n)) < 0) {
			result->failed = IO_SIDE_WRITE;
			result->error = errno;
			return -1;
		}
		result->bytes += (uint64_t)n;
		progress_update((options ? options->progress_base : 0) +
				result->bytes);
	}
}

int io_move_above_stdio(int fd)
{
	int moved;
	int null_fd;

	if (fd < 0 || fd > STDERR_FILENO)
		return fd;

	moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	null_fd = moved < 0 ? -1 : open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, fd) < 0) {
		int saved = errno;

		close(fd);
		if (moved >= 0)
			close(moved);
		if (null_fd > STDERR_FILENO)
			close(null_fd);
		errno = saved;
		return -1;
	}
	/* A null_fd of 0 to 2 fills another closed standard descriptor. */
	if (null_fd > STDERR_FILENO)
		close(null_fd);
	return moved;
}

int io_close(int fd)
{
	if (close(fd) == 0 || errno == EINTR)
		return 0;
	return -1;
}

void io_close_quietly(int fd)
{
	int saved = errno;

	if (fd >= 0)
		(void)close(fd);
	errno = saved;
}
