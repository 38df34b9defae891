/*
 * Scripted results for the system calls that the unit tests link with
 * -Wl,--wrap (the list is in tests/CMakeLists.txt).  Every wrapped call
 * passes through to the real one unless a test queued a result for it:
 *
 *	wrap_queue(WRAP_READ, fd, WRAP_FAIL, EINTR);
 *	wrap_queue(WRAP_WRITE, out, WRAP_SHORT, 333);
 *
 * Each call type has one first-in, first-out queue.  A call takes the
 * oldest entry whose descriptor matches one of its descriptor arguments
 * (or that was queued for WRAP_ANY_FD); entries for other descriptors
 * wait.  Calls made by the test itself are wrapped too, so scripts name
 * a descriptor whenever the test or a message on standard error could
 * make the same call first.
 */
#ifndef FCOPY_TEST_WRAP_H
#define FCOPY_TEST_WRAP_H

#include <stddef.h>

enum wrap_call {
	WRAP_READ,
	WRAP_WRITE,
	WRAP_CLOSE,
	WRAP_POLL,		/* the descriptor is fds[0].fd */
	WRAP_COPY_FILE_RANGE,
	WRAP_SENDFILE,		/* sendfile and sendfile64 */
	WRAP_SPLICE,
	WRAP_IOCTL,
	WRAP_FCHMOD,
	WRAP_FCHOWN,
	WRAP_RENAME,		/* no descriptor: only WRAP_ANY_FD matches */
	WRAP_RENAMEAT,		/* the descriptors are the two directories */
	WRAP_RENAMEAT2,
	WRAP_LINKAT,
	WRAP_UNLINKAT,
	WRAP_FSYNC,
	WRAP_FTRUNCATE,		/* ftruncate and ftruncate64 */
	WRAP_LSEEK,		/* lseek and lseek64 */
	WRAP_OPENAT,		/* openat and openat64, matched on dirfd */
	WRAP_CALL_COUNT
};

enum wrap_action {
	WRAP_PASS,		/* make the real call unchanged */
	WRAP_FAIL,		/* return -1 with errno = value, no real call */
	WRAP_CALL_THEN_FAIL,	/* make the real call, then return -1 with
				   errno = value (close(2) reporting EIO) */
	WRAP_SHORT,		/* make the real call with the byte count
				   capped at value (read, write and the
				   kernel copy calls only) */
	WRAP_RETURN,		/* return value, no real call */
};

/* The descriptor of a scripted result that matches every call. */
#define WRAP_ANY_FD (-1)

/* Queue one result for the next matching call of type call. */
void wrap_queue(enum wrap_call call, int fd, enum wrap_action action,
		long value);

/* Drop every queued result and zero the call counts. */
void wrap_reset(void);

/* Return the calls of type call made since wrap_reset(), real or scripted. */
unsigned long wrap_count(enum wrap_call call);

/* Return the calls of type call since wrap_reset() that matched fd. */
unsigned long wrap_count_fd(enum wrap_call call, int fd);

/* Return the results still queued for call, so a test can check all ran. */
size_t wrap_pending(enum wrap_call call);

#endif
