/*
 * Holes: when a strategy may leave them in DEST, and the walk over the
 * source's data extents with SEEK_DATA/SEEK_HOLE.
 */
#ifndef FCOPY_SPARSE_H
#define FCOPY_SPARSE_H

#include <stdbool.h>
#include <sys/types.h>

struct copy_job;

/*
 * Report whether the job may turn zero blocks into holes: --sparse=always
 * and a DEST that fcopy opened itself as a regular file (holes need a
 * seekable file, and a borrowed descriptor may be O_APPEND).
 */
bool sparse_should_punch(const struct copy_job *job);

/*
 * Report whether the stream strategy should copy data extents one by one
 * and seek over the source's holes: not --sparse=never, and a regular
 * source and a regular DEST that fcopy opened itself.
 */
bool sparse_should_walk(const struct copy_job *job);

/*
 * Set fd's size to its current offset, so a file that ends in a hole (an
 * offset moved by lseek) gets its full length.  Returns 0 or -1.
 */
int sparse_finish(int fd);

/*
 * Find the next data extent of fd at or after *offset: stores its start
 * in *data and its end (the next hole or end of file) in *hole, and
 * leaves fd's offset at *data.  Returns 1 when there is an extent, 0 at
 * the end of the data, -1 with errno set on error.  EINVAL and
 * EOPNOTSUPP mean the filesystem cannot tell; the caller then copies the
 * rest as data.
 */
int sparse_next_extent(int fd, off_t offset, off_t *data, off_t *hole);

#endif
