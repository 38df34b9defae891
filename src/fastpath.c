/*
 * Thin wrappers around the kernel copy calls.  They only retry EINTR and
 * count calls; the decision to fall back is in strategy_stream.c, which
 * passes each error to fastpath_is_refusal().
 */
#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include <fcntl.h>

#include "fcopy/fastpath.h"
#include "fcopy/io.h"

static const char *const mechanism_names[FASTPATH_COUNT] = {
	[FASTPATH_FICLONE] = "reflink",
	[FASTPATH_COPY_FILE_RANGE] = "copy_file_range",
	[FASTPATH_SENDFILE] = "sendfile",
	[FASTPATH_SPLICE] = "splice",
	[FASTPATH_READ_WRITE] = "read/write",
};

const char *fastpath_name(enum fastpath_mechanism mechanism)
{
	return mechanism_names[mechanism];
}

bool fastpath_is_refusal(int err)
{
	switch (err) {
	case EXDEV:		/* across filesystems (copy_file_range before 5.19, procfs) */
	case EOPNOTSUPP:	/* filesystem without the operation; ENOTSUP is the same value */
	case ENOSYS:		/* kernel without the call */
	case EINVAL:		/* fd type not supported, or O_APPEND for sendfile/splice */
	case ENOTTY:		/* ioctl not known to the filesystem */
	case EBADF:		/* O_APPEND destination for copy_file_range */
	case ETXTBSY:		/* swap file */
	case EPERM:		/* immutable file, or a seccomp filter */
	case EACCES:		/* a seccomp or LSM policy */
	case ENOENT:		/* an LSM policy on some kernels */
	case ESPIPE:		/* an offset on a pipe */
		return true;
	default:
		return false;
	}
}

int fastpath_ficlone(int out, int in)
{
	for (;;) {
		io_counters.ficlones++;
		if (ioctl(out, FICLONE, in) == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

ssize_t fastpath_copy_file_range(int in, int out, size_t len)
{
	for (;;) {
		ssize_t n;

		io_counters.copy_file_ranges++;
		n = copy_file_range(in, NULL, out, NULL, len, 0);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

ssize_t fastpath_sendfile(int out, int in, size_t len)
{
	for (;;) {
		ssize_t n;

		io_counters.sendfiles++;
		n = sendfile(out, in, NULL, len);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

ssize_t fastpath_splice(int in, int out, size_t len)
{
	for (;;) {
		ssize_t n;

		io_counters.splices++;
		n = splice(in, NULL, out, NULL, len, SPLICE_F_MOVE);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}
