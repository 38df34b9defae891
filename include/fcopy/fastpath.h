/*
 * Kernel copy mechanisms: FICLONE, copy_file_range(2), sendfile(2) and
 * splice(2).  Each wrapper makes one call (retrying EINTR) on the
 * descriptors' current file offsets and counts it in io_counters.
 */
#ifndef FCOPY_FASTPATH_H
#define FCOPY_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The largest length one kernel call is asked for: 1 GiB, the largest -b.
 * Linux moves at most 0x7ffff000 bytes per call anyway.  The cap keeps a
 * signal or a progress update within one chunk of the copy.
 */
#define FASTPATH_MAX_CHUNK ((size_t)1 << 30)

/* The mechanisms in the order the stream strategy tries them. */
enum fastpath_mechanism {
	FASTPATH_FICLONE,
	FASTPATH_COPY_FILE_RANGE,
	FASTPATH_SENDFILE,
	FASTPATH_SPLICE,
	FASTPATH_READ_WRITE,
	FASTPATH_COUNT
};

/* Return the mechanism's name as used in messages, e.g. "copy_file_range". */
const char *fastpath_name(enum fastpath_mechanism mechanism);

/*
 * Report whether err means "this mechanism cannot serve this pair of
 * descriptors" (EXDEV, EOPNOTSUPP, ENOSYS, EINVAL, ...).  Such an error
 * lets the copy fall back to the next mechanism.  Data errors such as EIO,
 * ENOSPC, EDQUOT, EFBIG and ENOMEM are never refusals.
 */
bool fastpath_is_refusal(int err);

/* Clone all of in's extents into out with the FICLONE ioctl. 0 or -1. */
int fastpath_ficlone(int out, int in);

/* One copy_file_range(2) of at most len bytes; count, 0 or -1. */
ssize_t fastpath_copy_file_range(int in, int out, size_t len);

/* One sendfile(2) of at most len bytes; count, 0 or -1. */
ssize_t fastpath_sendfile(int out, int in, size_t len);

/* One splice(2) of at most len bytes, one side being a pipe; count, 0 or -1. */
ssize_t fastpath_splice(int in, int out, size_t len);

#endif
