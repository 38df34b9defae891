/* Mode, ownership and timestamps of the destination. */
#ifndef FCOPY_ATTRS_H
#define FCOPY_ATTRS_H

#include <stdbool.h>
#include <sys/stat.h>

/* Read the process umask once; call before any file is created. */
void attrs_init(void);

/* Return the umask read by attrs_init(). */
mode_t attrs_umask(void);

/* Whose attributes the written file gets. */
enum attrs_target {
	ATTRS_NEW,	/* a new DEST: from the source, masked by the umask */
	ATTRS_REPLACE,	/* a temporary file replacing old: old's mode and owner */
	ATTRS_KEEP,	/* an existing DEST written in place: unchanged */
};

/*
 * Set the attributes of the file fd after its data is in.  A new DEST
 * gets the source's permission bits without set-user-ID and set-group-ID,
 * masked by the umask.  A replaced DEST keeps its own mode, owner and group.
 * preserve (PRESERVE_* bits) copies the source's mode, its ownership where
 * permitted (set-ID bits are dropped where not), and nanosecond times.
 * Returns 0, or -1 with errno set and *failed naming the call.
 */
int attrs_apply(int fd, enum attrs_target target, const struct stat *source,
		const struct stat *old, unsigned preserve, const char **failed);

/*
 * Give fd the extended attributes (POSIX ACLs among them) and the inode
 * flags such as nodump and noatime of the file at path, which fd is about
 * to replace, so that replacing it keeps what writing into it would keep.
 * security.* attributes that cannot be set, and flags that cannot be read,
 * are skipped.  Returns 0, or -1 with errno set and *failed naming the
 * attribute.
 */
int attrs_copy_extended(int fd, const char *path, const char **failed);

#endif
