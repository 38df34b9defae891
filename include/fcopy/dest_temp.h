/*
 * The temporary file of atomic replacement, in the directory of the file
 * it replaces: an unnamed O_TMPFILE file where the filesystem has them,
 * else a hidden name created with O_EXCL and mode 0600.
 */
#ifndef FCOPY_DEST_TEMP_H
#define FCOPY_DEST_TEMP_H

#include <stdbool.h>

#include "fcopy/dest.h"

/*
 * Open d->dir_fd and the temporary file as d->fd, and set d->atomic.
 * Returns 0, or -1 with errno set and nothing printed (the caller may
 * still write in place).
 */
int dest_temp_open(struct dest *d);

/*
 * Give an unnamed temporary file a name before it is closed: DEST itself
 * when DEST is new (link(2) never replaces a name that appeared
 * meanwhile), else a hidden name to rename over DEST.  Returns 0, or -1
 * after printing a message.
 */
int dest_temp_link(struct dest *d);

/*
 * Rename the closed temporary file over the target, unless it was linked
 * as a new DEST already (a new DEST is never replaced if it appeared
 * meanwhile), then fsync the directory when sync is set.  Returns 0, or
 * -1 after printing a message.
 */
int dest_temp_replace(struct dest *d, bool sync);

/* Remove the temporary name, if any; keeps errno. */
void dest_temp_remove(struct dest *d);

#endif
