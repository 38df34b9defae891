/*
 * Attributes of the destination, always set through its descriptor and
 * only after the data is in.  A mode set by path could reach a file that
 * a symbolic link swapped in, and a timestamp set before the last write
 * would be moved by it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
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
 * give a file to a group of theirs, so EPERM is not an error.  Returns 1
 * in that case, and the caller drops the set-ID bits.
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
	/* A pipe's or device's mode is unrelated to its data: use what "> file" gives. */
	if (!S_ISREG(source->st_mode))
		return 0666 & ~process_umask;
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

/*
 * Inode flags copied to a replacement.  Immutable and append-only files
 * cannot be replaced at all, and FS_NOCOW_FL only takes effect on an
 * empty file, so those are not in the list.
 */
#define COPIED_FLAGS (FS_NODUMP_FL | FS_NOATIME_FL | FS_SYNC_FL | \
		      FS_COMPR_FL | FS_NOCOMP_FL)

/* Largest value of one extended attribute (the Linux limit, XATTR_SIZE_MAX). */
#define XATTR_VALUE_MAX 65536

/* Copy the inode flags of path to fd; a file that cannot be read is skipped. */
static int copy_flags(int fd, const char *path, const char **failed)
{
	int old = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC |
			     O_NOCTTY);
	int flags = 0;
	int wanted;

	if (old < 0)
		return 0;
	if (ioctl(old, FS_IOC_GETFLAGS, &flags) < 0)
		flags = 0;
	close(old);

	wanted = flags & COPIED_FLAGS;
	if (wanted == 0)
		return 0;
	if (ioctl(fd, FS_IOC_SETFLAGS, &wanted) < 0 && errno != ENOTTY &&
	    errno != EOPNOTSUPP) {
		*failed = "inode flags";
		return -1;
	}
	return 0;
}

/* Copy one extended attribute; security.* failures are skipped. */
static int copy_one_xattr(int fd, const char *path, const char *name,
			  char *value, const char **failed)
{
	ssize_t len = lgetxattr(path, name, value, XATTR_VALUE_MAX);

	if (len < 0)
		return errno == ENODATA ? 0 : -1;
	/* A write into the file would drop its capabilities too. */
	if (strcmp(name, "security.capability") == 0)
		return 0;
	if (fsetxattr(fd, name, value, (size_t)len, 0) == 0)
		return 0;
	if (strncmp(name, "security.", 9) == 0)
		return 0;
	*failed = name;
	return -1;
}

int attrs_copy_extended(int fd, const char *path, const char **failed)
{
	char names[XATTR_VALUE_MAX];
	char *value;
	ssize_t len = llistxattr(path, names, sizeof(names));
	int rc = 0;

	*failed = "extended attributes";
	if (len < 0 && errno != ENOTSUP)
		return -1;

	if (len > 0) {
		value = malloc(XATTR_VALUE_MAX);
		if (!value)
			return -1;
		for (char *name = names; rc == 0 && name < names + len;
		     name += strlen(name) + 1)
			rc = copy_one_xattr(fd, path, name, value, failed);
		free(value);
		if (rc < 0)
			return -1;
	}
	return copy_flags(fd, path, failed);
}
