/*
 * Attributes of the destination, always set through its descriptor and
 * only after the data is in: a mode set earlier by path could be applied
 * to a file that a symbolic link swapped in, and a timestamp set earlier
 * would be moved by the writes.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/attrs.h"
#include "fcopy/options.h"

#define SET_ID_BITS (S_ISUID | S_ISGID)

static mode_t process_umask;

void attrs_init(void)
{
	/* umask(2) can only be read by setting it; put it straight back. */
	process_umask = umask(0);
	umask(process_umask);
}

mode_t attrs_umask(void)
{
	return process_umask;
}

/*
 * Give fd the source's owner and group.  A user who is not root may only
 * give files away to a group of theirs, so EPERM is not an error; it
 * returns 1 then, so the caller drops the set-ID bits.
 */
static int copy_ownership(int fd, const struct stat *source,
			  const char **failed)
{
	if (fchown(fd, source->st_uid, source->st_gid) == 0)
		return 0;
	if (errno != EPERM) {
		*failed = "fchown";
		return -1;
	}
	/* Keeping the group alone may still be allowed. */
	if (fchown(fd, (uid_t)-1, source->st_gid) < 0 && errno != EPERM) {
		*failed = "fchown";
		return -1;
	}
	return 1;
}

/* Return the mode the file gets, before ownership is settled. */
static mode_t target_mode(enum attrs_target target, const struct stat *source,
			  const struct stat *old, unsigned preserve)
{
	if (preserve & PRESERVE_MODE)
		return source->st_mode & 07777;
	if (target == ATTRS_REPLACE || target == ATTRS_KEEP)
		return old->st_mode & 07777;
	return source->st_mode & 0777 & ~process_umask;
}

int attrs_apply(int fd, enum attrs_target target, const struct stat *source,
		const struct stat *old, unsigned preserve, const char **failed)
{
	mode_t mode = target_mode(target, source, old, preserve);
	bool set_mode = target != ATTRS_KEEP || (preserve & PRESERVE_MODE);

	/* chown(2) clears the set-ID bits, so ownership goes first. */
	if (preserve & PRESERVE_OWNERSHIP) {
		int kept = copy_ownership(fd, source, failed);

		if (kept < 0)
			return -1;
		if (kept > 0)
			mode &= ~(mode_t)SET_ID_BITS;
	} else if ((preserve & PRESERVE_MODE) &&
		   (source->st_uid != geteuid() || source->st_gid != getegid())) {
		/* Set-ID bits of another owner must not become ours. */
		mode &= ~(mode_t)SET_ID_BITS;
	}

	if (!(preserve & PRESERVE_OWNERSHIP) && target == ATTRS_REPLACE &&
	    fchown(fd, old->st_uid, old->st_gid) < 0) {
		*failed = "fchown";
		return -1;
	}

	if (set_mode && fchmod(fd, mode) < 0) {
		*failed = "fchmod";
		return -1;
	}

	if (preserve & PRESERVE_TIMESTAMPS) {
		const struct timespec times[2] = { source->st_atim,
						   source->st_mtim };

		if (futimens(fd, times) < 0) {
			*failed = "futimens";
			return -1;
		}
	}
	return 0;
}
