/*
 * The __wrap_ functions that -Wl,--wrap puts in front of the system
 * calls listed in tests/CMakeLists.txt.  Each one counts the call, then
 * either passes it to __real_ (the libc function) or applies the result
 * a test queued with wrap_queue().
 *
 * With _FILE_OFFSET_BITS=64 the glibc headers turn lseek, ftruncate,
 * sendfile and openat into lseek64, ftruncate64, sendfile64 and openat64,
 * so both names of each are wrapped and share one queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "wrap.h"

/* Largest number of results queued at once for one call type. */
#define QUEUE_CAPACITY 64

/* Descriptors up to this value get a count of their own. */
#define COUNTED_FDS 1024

/* Passed as the descriptor of a call that has none (rename). */
#define NO_FD (-2)

struct entry {
	int fd;
	enum wrap_action action;
	long value;
	bool used;
};

struct queue {
	struct entry entries[QUEUE_CAPACITY];
	size_t head;		/* entries before head are all used */
	size_t tail;
};

struct script {
	enum wrap_action action;
	long value;
};

static struct queue queues[WRAP_CALL_COUNT];
static unsigned long counts[WRAP_CALL_COUNT];
static unsigned long fd_counts[WRAP_CALL_COUNT][COUNTED_FDS];

static const char *const call_names[WRAP_CALL_COUNT] = {
	[WRAP_READ] = "read",
	[WRAP_WRITE] = "write",
	[WRAP_CLOSE] = "close",
	[WRAP_POLL] = "poll",
	[WRAP_COPY_FILE_RANGE] = "copy_file_range",
	[WRAP_SENDFILE] = "sendfile",
	[WRAP_SPLICE] = "splice",
	[WRAP_IOCTL] = "ioctl",
	[WRAP_FCHMOD] = "fchmod",
	[WRAP_FCHOWN] = "fchown",
	[WRAP_RENAME] = "rename",
	[WRAP_RENAMEAT] = "renameat",
	[WRAP_RENAMEAT2] = "renameat2",
	[WRAP_LINKAT] = "linkat",
	[WRAP_UNLINKAT] = "unlinkat",
	[WRAP_FSYNC] = "fsync",
	[WRAP_FTRUNCATE] = "ftruncate",
	[WRAP_LSEEK] = "lseek",
	[WRAP_OPENAT] = "openat",
};

/* The calls that take a byte count, so WRAP_SHORT applies to them. */
static const bool takes_count[WRAP_CALL_COUNT] = {
	[WRAP_READ] = true,
	[WRAP_WRITE] = true,
	[WRAP_COPY_FILE_RANGE] = true,
	[WRAP_SENDFILE] = true,
	[WRAP_SPLICE] = true,
};

/* A misused script is a bug in the test: stop with the reason. */
static void wrap_abort(const char *reason, enum wrap_call call)
{
	fprintf(stderr, "wrap: %s for %s\n", reason,
		(unsigned)call < WRAP_CALL_COUNT ? call_names[call] : "?");
	abort();
}

void wrap_queue(enum wrap_call call, int fd, enum wrap_action action,
		long value)
{
	struct queue *q;

	if ((unsigned)call >= WRAP_CALL_COUNT)
		wrap_abort("unknown call type", call);
	if (action == WRAP_SHORT && !takes_count[call])
		wrap_abort("WRAP_SHORT needs a call with a byte count", call);
	if (action == WRAP_SHORT && value <= 0)
		wrap_abort("WRAP_SHORT needs a positive count", call);

	q = &queues[call];
	if (q->tail == QUEUE_CAPACITY)
		wrap_abort("too many queued results", call);
	q->entries[q->tail++] = (struct entry){
		.fd = fd, .action = action, .value = value,
	};
}

void wrap_reset(void)
{
	for (size_t i = 0; i < WRAP_CALL_COUNT; i++) {
		queues[i].head = 0;
		queues[i].tail = 0;
		counts[i] = 0;
		for (size_t fd = 0; fd < COUNTED_FDS; fd++)
			fd_counts[i][fd] = 0;
	}
}

unsigned long wrap_count(enum wrap_call call)
{
	return counts[call];
}

unsigned long wrap_count_fd(enum wrap_call call, int fd)
{
	return fd >= 0 && fd < COUNTED_FDS ? fd_counts[call][fd] : 0;
}

size_t wrap_pending(enum wrap_call call)
{
	const struct queue *q = &queues[call];
	size_t pending = 0;

	for (size_t i = q->head; i < q->tail; i++)
		pending += !q->entries[i].used;
	return pending;
}

static void count_fd(enum wrap_call call, int fd)
{
	if (fd >= 0 && fd < COUNTED_FDS)
		fd_counts[call][fd]++;
}

/*
 * Count a call on descriptors fd1 and fd2 (the same for a call with one)
 * and take the oldest queued result that matches either.  Returns false
 * when nothing matches, so the call passes through.
 */
static bool take(enum wrap_call call, int fd1, int fd2, struct script *out)
{
	struct queue *q = &queues[call];

	counts[call]++;
	count_fd(call, fd1);
	if (fd2 != fd1)
		count_fd(call, fd2);

	for (size_t i = q->head; i < q->tail; i++) {
		struct entry *e = &q->entries[i];

		if (e->used)
			continue;
		if (e->fd != WRAP_ANY_FD && e->fd != fd1 && e->fd != fd2)
			continue;
		e->used = true;
		while (q->head < q->tail && q->entries[q->head].used)
			q->head++;
		out->action = e->action;
		out->value = e->value;
		return true;
	}
	return false;
}

/* Report whether the script replaces the real call altogether. */
static bool skips_call(const struct script *s)
{
	return s->action == WRAP_FAIL || s->action == WRAP_RETURN;
}

/* Return the result of a skipped call: -1 with errno set, or the value. */
static long scripted_result(const struct script *s)
{
	if (s->action == WRAP_RETURN)
		return s->value;
	errno = (int)s->value;
	return -1;
}

/* Return the byte count for the real call, capped by WRAP_SHORT. */
static size_t capped_count(const struct script *s, size_t count)
{
	if (s->action == WRAP_SHORT && (size_t)s->value < count)
		return (size_t)s->value;
	return count;
}

/* Return rc from the real call, or -1 with errno for WRAP_CALL_THEN_FAIL. */
static long after_call(const struct script *s, long rc)
{
	if (s->action != WRAP_CALL_THEN_FAIL)
		return rc;
	errno = (int)s->value;
	return -1;
}

ssize_t __real_read(int fd, void *buf, size_t count);
ssize_t __real_write(int fd, const void *buf, size_t count);
int __real_close(int fd);
int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t __real_copy_file_range(int fd_in, off64_t *off_in, int fd_out,
			       off64_t *off_out, size_t len,
			       unsigned int flags);
ssize_t __real_sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
ssize_t __real_sendfile64(int out_fd, int in_fd, off64_t *offset,
			  size_t count);
ssize_t __real_splice(int fd_in, off64_t *off_in, int fd_out,
		      off64_t *off_out, size_t len, unsigned int flags);
int __real_ioctl(int fd, unsigned long request, ...);
int __real_fchmod(int fd, mode_t mode);
int __real_fchown(int fd, uid_t owner, gid_t group);
int __real_rename(const char *oldpath, const char *newpath);
int __real_renameat(int olddirfd, const char *oldpath, int newdirfd,
		    const char *newpath);
int __real_renameat2(int olddirfd, const char *oldpath, int newdirfd,
		     const char *newpath, unsigned int flags);
int __real_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags);
int __real_unlinkat(int dirfd, const char *pathname, int flags);
int __real_fsync(int fd);
int __real_ftruncate(int fd, off_t length);
int __real_ftruncate64(int fd, off64_t length);
off_t __real_lseek(int fd, off_t offset, int whence);
off64_t __real_lseek64(int fd, off64_t offset, int whence);
int __real_openat(int dirfd, const char *path, int flags, ...);
int __real_openat64(int dirfd, const char *path, int flags, ...);

ssize_t __wrap_read(int fd, void *buf, size_t count);
ssize_t __wrap_write(int fd, const void *buf, size_t count);
int __wrap_close(int fd);
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t __wrap_copy_file_range(int fd_in, off64_t *off_in, int fd_out,
			       off64_t *off_out, size_t len,
			       unsigned int flags);
ssize_t __wrap_sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
ssize_t __wrap_sendfile64(int out_fd, int in_fd, off64_t *offset,
			  size_t count);
ssize_t __wrap_splice(int fd_in, off64_t *off_in, int fd_out,
		      off64_t *off_out, size_t len, unsigned int flags);
int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_fchmod(int fd, mode_t mode);
int __wrap_fchown(int fd, uid_t owner, gid_t group);
int __wrap_rename(const char *oldpath, const char *newpath);
int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd,
		    const char *newpath);
int __wrap_renameat2(int olddirfd, const char *oldpath, int newdirfd,
		     const char *newpath, unsigned int flags);
int __wrap_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags);
int __wrap_unlinkat(int dirfd, const char *pathname, int flags);
int __wrap_fsync(int fd);
int __wrap_ftruncate(int fd, off_t length);
int __wrap_ftruncate64(int fd, off64_t length);
off_t __wrap_lseek(int fd, off_t offset, int whence);
off64_t __wrap_lseek64(int fd, off64_t offset, int whence);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat64(int dirfd, const char *path, int flags, ...);

ssize_t __wrap_read(int fd, void *buf, size_t count)
{
	struct script s;

	if (!take(WRAP_READ, fd, fd, &s))
		return __real_read(fd, buf, count);
	if (skips_call(&s))
		return scripted_result(&s);
	return after_call(&s, __real_read(fd, buf, capped_count(&s, count)));
}

ssize_t __wrap_write(int fd, const void *buf, size_t count)
{
	struct script s;

	if (!take(WRAP_WRITE, fd, fd, &s))
		return __real_write(fd, buf, count);
	if (skips_call(&s))
		return scripted_result(&s);
	return after_call(&s, __real_write(fd, buf, capped_count(&s, count)));
}

int __wrap_close(int fd)
{
	struct script s;

	if (!take(WRAP_CLOSE, fd, fd, &s))
		return __real_close(fd);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_close(fd));
}

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	int fd = nfds > 0 ? fds[0].fd : NO_FD;
	struct script s;

	if (!take(WRAP_POLL, fd, fd, &s))
		return __real_poll(fds, nfds, timeout);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_poll(fds, nfds, timeout));
}

ssize_t __wrap_copy_file_range(int fd_in, off64_t *off_in, int fd_out,
			       off64_t *off_out, size_t len,
			       unsigned int flags)
{
	struct script s;

	if (!take(WRAP_COPY_FILE_RANGE, fd_in, fd_out, &s))
		return __real_copy_file_range(fd_in, off_in, fd_out, off_out,
					      len, flags);
	if (skips_call(&s))
		return scripted_result(&s);
	return after_call(&s, __real_copy_file_range(fd_in, off_in, fd_out,
			  off_out, capped_count(&s, len), flags));
}

ssize_t __wrap_sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	struct script s;

	if (!take(WRAP_SENDFILE, out_fd, in_fd, &s))
		return __real_sendfile(out_fd, in_fd, offset, count);
	if (skips_call(&s))
		return scripted_result(&s);
	return after_call(&s, __real_sendfile(out_fd, in_fd, offset,
					      capped_count(&s, count)));
}

ssize_t __wrap_sendfile64(int out_fd, int in_fd, off64_t *offset,
			  size_t count)
{
	struct script s;

	if (!take(WRAP_SENDFILE, out_fd, in_fd, &s))
		return __real_sendfile64(out_fd, in_fd, offset, count);
	if (skips_call(&s))
		return scripted_result(&s);
	return after_call(&s, __real_sendfile64(out_fd, in_fd, offset,
						capped_count(&s, count)));
}

ssize_t __wrap_splice(int fd_in, off64_t *off_in, int fd_out,
		      off64_t *off_out, size_t len, unsigned int flags)
{
	struct script s;

	if (!take(WRAP_SPLICE, fd_in, fd_out, &s))
		return __real_splice(fd_in, off_in, fd_out, off_out, len,
				     flags);
	if (skips_call(&s))
		return scripted_result(&s);
	return after_call(&s, __real_splice(fd_in, off_in, fd_out, off_out,
					    capped_count(&s, len), flags));
}

/*
 * ioctl(2) is variadic.  Every request fcopy makes passes one argument
 * (FICLONE passes the source descriptor), and the x86-64 and AArch64
 * calling conventions pass an int and a pointer in the same register, so
 * it is forwarded as a pointer.
 */
int __wrap_ioctl(int fd, unsigned long request, ...)
{
	struct script s;
	va_list args;
	void *arg;

	va_start(args, request);
	arg = va_arg(args, void *);
	va_end(args);

	if (!take(WRAP_IOCTL, fd, fd, &s))
		return __real_ioctl(fd, request, arg);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_ioctl(fd, request, arg));
}

int __wrap_fchmod(int fd, mode_t mode)
{
	struct script s;

	if (!take(WRAP_FCHMOD, fd, fd, &s))
		return __real_fchmod(fd, mode);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_fchmod(fd, mode));
}

int __wrap_fchown(int fd, uid_t owner, gid_t group)
{
	struct script s;

	if (!take(WRAP_FCHOWN, fd, fd, &s))
		return __real_fchown(fd, owner, group);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_fchown(fd, owner, group));
}

int __wrap_rename(const char *oldpath, const char *newpath)
{
	struct script s;

	if (!take(WRAP_RENAME, NO_FD, NO_FD, &s))
		return __real_rename(oldpath, newpath);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_rename(oldpath, newpath));
}

int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd,
		    const char *newpath)
{
	struct script s;

	if (!take(WRAP_RENAMEAT, olddirfd, newdirfd, &s))
		return __real_renameat(olddirfd, oldpath, newdirfd, newpath);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_renameat(olddirfd, oldpath,
						   newdirfd, newpath));
}

int __wrap_renameat2(int olddirfd, const char *oldpath, int newdirfd,
		     const char *newpath, unsigned int flags)
{
	struct script s;

	if (!take(WRAP_RENAMEAT2, olddirfd, newdirfd, &s))
		return __real_renameat2(olddirfd, oldpath, newdirfd, newpath,
					flags);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_renameat2(olddirfd, oldpath,
						    newdirfd, newpath, flags));
}

int __wrap_linkat(int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, int flags)
{
	struct script s;

	if (!take(WRAP_LINKAT, olddirfd, newdirfd, &s))
		return __real_linkat(olddirfd, oldpath, newdirfd, newpath,
				     flags);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_linkat(olddirfd, oldpath, newdirfd,
						 newpath, flags));
}

int __wrap_unlinkat(int dirfd, const char *pathname, int flags)
{
	struct script s;

	if (!take(WRAP_UNLINKAT, dirfd, dirfd, &s))
		return __real_unlinkat(dirfd, pathname, flags);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_unlinkat(dirfd, pathname, flags));
}

int __wrap_fsync(int fd)
{
	struct script s;

	if (!take(WRAP_FSYNC, fd, fd, &s))
		return __real_fsync(fd);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_fsync(fd));
}

int __wrap_ftruncate(int fd, off_t length)
{
	struct script s;

	if (!take(WRAP_FTRUNCATE, fd, fd, &s))
		return __real_ftruncate(fd, length);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_ftruncate(fd, length));
}

int __wrap_ftruncate64(int fd, off64_t length)
{
	struct script s;

	if (!take(WRAP_FTRUNCATE, fd, fd, &s))
		return __real_ftruncate64(fd, length);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_ftruncate64(fd, length));
}

off_t __wrap_lseek(int fd, off_t offset, int whence)
{
	struct script s;

	if (!take(WRAP_LSEEK, fd, fd, &s))
		return __real_lseek(fd, offset, whence);
	if (skips_call(&s))
		return (off_t)scripted_result(&s);
	return (off_t)after_call(&s, __real_lseek(fd, offset, whence));
}

off64_t __wrap_lseek64(int fd, off64_t offset, int whence)
{
	struct script s;

	if (!take(WRAP_LSEEK, fd, fd, &s))
		return __real_lseek64(fd, offset, whence);
	if (skips_call(&s))
		return (off64_t)scripted_result(&s);
	return (off64_t)after_call(&s, __real_lseek64(fd, offset, whence));
}

/* openat(2) reads its mode argument only when it creates a file. */
static bool takes_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	struct script s;

	if (takes_mode(flags)) {
		va_list args;

		va_start(args, flags);
		mode = (mode_t)va_arg(args, int);
		va_end(args);
	}
	if (!take(WRAP_OPENAT, dirfd, dirfd, &s))
		return __real_openat(dirfd, path, flags, mode);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_openat(dirfd, path, flags, mode));
}

int __wrap_openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	struct script s;

	if (takes_mode(flags)) {
		va_list args;

		va_start(args, flags);
		mode = (mode_t)va_arg(args, int);
		va_end(args);
	}
	if (!take(WRAP_OPENAT, dirfd, dirfd, &s))
		return __real_openat64(dirfd, path, flags, mode);
	if (skips_call(&s))
		return (int)scripted_result(&s);
	return (int)after_call(&s, __real_openat64(dirfd, path, flags, mode));
}
