/*
 * The I/O core: the only read(2)/write(2) loops in fcopy.
 *
 * Two layers, as in git's wrapper.c: io_read() and io_write() make one
 * call and only hide EINTR and EAGAIN; the _full variants loop over short
 * counts.  Every strategy and fallback copies through io_copy_loop().
 */
#ifndef FCOPY_IO_H
#define FCOPY_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The side of a copy that failed, so that the message names the right file. */
enum io_side {
	IO_SIDE_NONE = 0,
	IO_SIDE_READ,
	IO_SIDE_WRITE,
	IO_SIDE_EITHER,	/* a kernel call that reads and writes */
};

/*
 * System calls made while copying one file, for --stats.  The I/O core
 * and the fast paths add to io_counters; copy.c resets it per file.
 */
struct io_counters {
	uint64_t reads;
	uint64_t writes;
	uint64_t copy_file_ranges;
	uint64_t sendfiles;
	uint64_t splices;
	uint64_t ficlones;
	uint64_t seeks;
};

extern struct io_counters io_counters;

/*
 * Read at most len bytes with one successful read(2).  Retries EINTR and,
 * on a non-blocking descriptor, waits with poll(2) on EAGAIN.  Does NOT
 * return the full count: a short count is not end of file.  Returns the
 * count, 0 at end of file, or -1 with errno set.
 */
ssize_t io_read(int fd, void *buf, size_t len);

/* Write at most len bytes with one successful write(2); retries as io_read(). */
ssize_t io_write(int fd, const void *buf, size_t len);

/*
 * Read until len bytes are in buf or end of file.  Returns the count,
 * which is smaller than len only at end of file, or -1 with errno set
 * (bytes read before the error are lost to the caller).
 */
ssize_t io_read_full(int fd, void *buf, size_t len);

/*
 * Write all len bytes.  A write(2) that returns 0 is an error with errno
 * ENOSPC, so the loop cannot spin.  Returns 0, or -1 with errno set.
 */
int io_write_full(int fd, const void *buf, size_t len);

/*
 * Write all len bytes, but seek past each aligned 4 KiB block of zeros
 * instead of writing it, which leaves a hole on filesystems that support
 * them.  The caller sets the final size (sparse_finish()).  Returns 0, or
 * -1 with errno set.
 */
int io_write_sparse(int fd, const void *buf, size_t len);

/* Allocate a page-aligned buffer of at least size bytes; free() it. */
void *io_alloc_buffer(size_t size);

/*
 * Options for io_copy_loop().  With skip_zero_blocks, a block of zeros
 * is not written: the destination offset moves past it, and the caller
 * must set the final size with ftruncate(2).
 */
struct io_copy_options {
	bool skip_zero_blocks;
	uint64_t progress_base;	/* bytes copied before this loop, for --progress */
};

/* The outcome of io_copy_loop(). */
struct io_copy_result {
	uint64_t bytes;		/* bytes read from the source and accounted for */
	enum io_side failed;	/* IO_SIDE_NONE on success */
	int error;		/* errno of the failed call */
};

/*
 * Copy from in to out through buf (size bytes) until read(2) returns 0.
 * Returns 0, or -1 with result->failed and result->error set.
 */
int io_copy_loop(int in, int out, void *buf, size_t size,
		 const struct io_copy_options *options,
		 struct io_copy_result *result);

/*
 * Return fd, or a duplicate of it above 2 when fd took the place of a
 * closed standard input, output or error.  The place gets /dev/null, so
 * a message for standard error can never land in a file being copied.
 * Returns -1 with errno set (fd closed) when that fails.  Costs no system
 * call when fd > 2.
 */
int io_move_above_stdio(int fd);

/*
 * Close fd.  EINTR counts as closed, because Linux releases the
 * descriptor before it reports it.  Returns 0, or -1 with errno set.
 */
int io_close(int fd);

/* Close fd on a cleanup path: errno is the same afterwards. */
void io_close_quietly(int fd);

#endif
