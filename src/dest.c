/*
 * The destination of one copy.  dest_check() runs before anything is
 * created or truncated; dest_open() picks atomic or in-place replacement;
 * dest_commit() and dest_abort() finish either way.  See dest.h for the
 * rules, and dest_temp.c for the temporary file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/attrs.h"
#include "fcopy/dest.h"
#include "fcopy/dest_temp.h"
#include "fcopy/io.h"
#include "fcopy/msg.h"
#include "fcopy/prompt.h"
#include "fcopy/signals.h"

void dest_init(struct dest *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->path = path;
	d->fd = -1;
	d->dir_fd = -1;
}

/*
 * Return the descriptor that path names as given ("-", /dev/stdout,
 * /dev/fd/N, /proc/self/fd/N), or -1 for an ordinary path.
 */
static int named_descriptor(const char *path)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(prefixes[i]);
		char *end;
		long fd;

		if (strncmp(path, prefixes[i], len) != 0)
			continue;
		fd = strtol(path + len, &end, 10);
		if (end != path + len && *end == '\0' && fd >= 0 && fd <= 65535)
			return (int)fd;
	}
	return -1;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static enum dest_check report_same_file(const struct dest *d,
					const char *source_path)
{
	msg_error("%s and %s are the same file", msg_quote(source_path),
		  msg_quote(d->path));
	return DEST_CHECK_FAILED;
}

static enum dest_check check_borrowed(struct dest *d, int fd,
				      const char *source_path,
				      const struct stat *source_stat)
{
	if (fstat(fd, &d->st) < 0) {
		msg_error_errno(errno, "cannot write to %s", msg_quote(d->path));
		return DEST_CHECK_FAILED;
	}
	if (S_ISREG(d->st.st_mode) && same_file(&d->st, source_stat))
		return report_same_file(d, source_path);

	d->fd = fd;
	d->borrowed = true;
	d->exists = true;
	return DEST_CHECK_OK;
}

static enum dest_check check_missing(struct dest *d, int err)
{
	if (err != ENOENT) {
		msg_error_errno(err, "cannot create regular file %s",
				msg_quote(d->path));
		return DEST_CHECK_FAILED;
	}

	d->target_path = strdup(d->path);
	if (!d->target_path) {
		msg_error_errno(errno, "cannot copy to %s", msg_quote(d->path));
		return DEST_CHECK_FAILED;
	}
	return DEST_CHECK_OK;
}

/*
 * Stat DEST with lstat(2) first, so that a new DEST costs one call: a
 * symbolic link is followed with stat(2), and one that leads nowhere is
 * an error.  Returns 1 when DEST exists, 0 when it does not (checked),
 * and -1 after printing a message.
 */
static int stat_dest(struct dest *d, bool *is_link)
{
	if (lstat(d->path, &d->st) < 0)
		return check_missing(d, errno) == DEST_CHECK_OK ? 0 : -1;

	*is_link = S_ISLNK(d->st.st_mode);
	if (*is_link && stat(d->path, &d->st) < 0) {
		if (errno == ENOENT)
			msg_error("not writing through dangling symlink %s",
				  msg_quote(d->path));
		else
			msg_error_errno(errno, "cannot follow symbolic link %s",
					msg_quote(d->path));
		return -1;
	}
	return 1;
}

/* The file that replacement acts on: DEST, or what its symbolic link names. */
static int resolve_target(struct dest *d, bool is_link)
{
	if (is_link)
		d->target_path = realpath(d->path, NULL);
	else
		d->target_path = strdup(d->path);
	if (d->target_path)
		return 0;
	msg_error_errno(errno, "cannot resolve %s", msg_quote(d->path));
	return -1;
}

enum dest_check dest_check(struct dest *d, const struct fcopy_options *options,
			   const char *source_path,
			   const struct stat *source_stat)
{
	int fd = named_descriptor(d->path);
	bool is_link = false;

	if (fd >= 0)
		return check_borrowed(d, fd, source_path, source_stat);
	switch (stat_dest(d, &is_link)) {
	case -1:
		return DEST_CHECK_FAILED;
	case 0:
		return DEST_CHECK_OK;
	}
	d->exists = true;

	if (S_ISDIR(d->st.st_mode)) {
		msg_error("cannot overwrite directory %s with non-directory %s",
			  msg_quote(d->path), msg_quote(source_path));
		return DEST_CHECK_FAILED;
	}
	if (same_file(&d->st, source_stat))
		return report_same_file(d, source_path);

	if (options->clobber == CLOBBER_NO)
		return DEST_CHECK_SKIP;
	if (options->clobber == CLOBBER_ASK && !prompt_replace(d->path))
		return DEST_CHECK_SKIP;

	/* As with cp, a rename could replace it, but the user asked no -f. */
	if (!options->force &&
	    faccessat(AT_FDCWD, d->path, W_OK, AT_EACCESS) < 0) {
		msg_error_errno(errno, "cannot open %s for writing",
				msg_quote(d->path));
		return DEST_CHECK_FAILED;
	}

	if (resolve_target(d, is_link) < 0)
		return DEST_CHECK_FAILED;
	return DEST_CHECK_OK;
}

/* Create DEST itself with O_EXCL: in place, so the name is armed for cleanup. */
static int create_in_place(struct dest *d)
{
	d->fd = io_move_above_stdio(open(d->target_path,
		O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600));
	if (d->fd < 0) {
		msg_error_errno(errno, "cannot create regular file %s",
				msg_quote(d->path));
		return -1;
	}
	d->created = true;
	signals_arm(AT_FDCWD, d->target_path);
	return 0;
}

/*
 * Open the existing DEST that dest_check() saw, and only that file: a
 * symbolic link or another file put in its place since then is rejected
 * before anything is truncated, so the write cannot be redirected.
 */
static int open_checked_file(struct dest *d)
{
	bool was_link = strcmp(d->target_path, d->path) != 0;
	int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | (was_link ? 0 : O_NOFOLLOW);
	struct stat st;
	int fd = io_move_above_stdio(open(d->target_path, flags));

	if (fd < 0)
		return errno == ELOOP ? -2 : -1;
	if (fstat(fd, &st) < 0) {
		io_close_quietly(fd);
		return -1;
	}
	if (st.st_dev != d->st.st_dev || st.st_ino != d->st.st_ino) {
		io_close_quietly(fd);
		return -2;
	}
	return fd;
}

/*
 * With -f, replace a DEST that cannot be opened for writing with a new
 * file of the user's, as cp -f does.  cp removes DEST first; a temporary
 * file and rename keep the old DEST until the copy is complete.
 */
static int replace_forcibly(struct dest *d, int open_error)
{
	if (dest_temp_open(d) == 0) {
		d->forced = true;
		return 0;
	}
	msg_error_errno(open_error, "cannot open %s for writing",
			msg_quote(d->path));
	return -1;
}

/*
 * Open an existing DEST for writing in place, then truncate it.  With -f,
 * a DEST that cannot be opened is replaced by a new file.
 */
static int open_in_place(struct dest *d, const struct fcopy_options *options)
{
	d->fd = open_checked_file(d);
	if (d->fd == -2) {
		d->fd = -1;
		msg_error("%s was replaced by another file while fcopy was "
			  "checking it; nothing was written", msg_quote(d->path));
		return -1;
	}
	if (d->fd >= 0) {
		/* Regular files only: FIFOs and devices cannot be truncated. */
		if (S_ISREG(d->st.st_mode) && ftruncate(d->fd, 0) < 0) {
			msg_error_errno(errno, "cannot truncate %s",
					msg_quote(d->path));
			io_close_quietly(d->fd);
			d->fd = -1;
			return -1;
		}
		d->wrote = true;
		return 0;
	}
	if (options->force && (errno == EACCES || errno == EPERM))
		return replace_forcibly(d, errno);
	msg_error_errno(errno, "cannot open %s for writing", msg_quote(d->path));
	return -1;
}

static bool in_group(gid_t gid)
{
	gid_t groups[256];
	int count = getgroups(256, groups);

	for (int i = 0; i < count; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Report whether path is the root of a mount, which rename(2) cannot replace. */
static bool is_mount_point(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0)
		return false;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Return the reason an existing DEST cannot be replaced atomically, or NULL. */
static const char *atomic_obstacle(const struct dest *d)
{
	const struct stat *st = &d->st;

	if (!S_ISREG(st->st_mode))
		return "it is not a regular file";
	if (st->st_nlink > 1)
		return "it has other hard links";
	if (geteuid() != 0 &&
	    (st->st_uid != geteuid() ||
	     (st->st_gid != getegid() && !in_group(st->st_gid))))
		return "its owner or group cannot be kept";
	if (is_mount_point(d->target_path))
		return "it is a mount point";
	return NULL;
}

/*
 * Report whether err from dest_temp_open() means that fcopy may not create
 * files beside DEST.  Then writing in place is what cp would do.  Other
 * errors (no space, no inodes, I/O) fail the copy and keep DEST.
 */
static bool temp_denied(int err)
{
	return err == EACCES || err == EPERM;
}

static int open_new(struct dest *d, const struct fcopy_options *options)
{
	if (options->replace == REPLACE_IN_PLACE)
		return create_in_place(d);
	if (dest_temp_open(d) == 0)
		return 0;
	if (options->replace == REPLACE_ATOMIC || !temp_denied(errno)) {
		msg_error_errno(errno, "cannot create regular file %s",
				msg_quote(d->path));
		return -1;
	}
	return create_in_place(d);
}

int dest_open(struct dest *d, const struct fcopy_options *options)
{
	const char *obstacle;

	if (d->borrowed) {
		if (options->replace != REPLACE_ATOMIC)
			return 0;
		msg_error("cannot replace %s atomically: it is written through "
			  "the descriptor as given", msg_quote(d->path));
		return -1;
	}
	if (!d->exists)
		return open_new(d, options);
	if (options->replace == REPLACE_IN_PLACE)
		return open_in_place(d, options);

	obstacle = atomic_obstacle(d);
	if (!obstacle) {
		if (dest_temp_open(d) == 0)
			return 0;
		if (options->replace == REPLACE_ATOMIC || !temp_denied(errno)) {
			msg_error_errno(errno, "cannot create a temporary file "
					"to replace %s", msg_quote(d->path));
			return -1;
		}
		obstacle = "its directory is not writable";
	}
	if (options->replace == REPLACE_ATOMIC) {
		msg_error("cannot replace %s atomically: %s", msg_quote(d->path),
			  obstacle);
		return -1;
	}
	return open_in_place(d, options);
}

static enum attrs_target attrs_target_of(const struct dest *d)
{
	if (d->atomic)
		return d->exists && !d->forced ? ATTRS_REPLACE : ATTRS_NEW;
	return d->created ? ATTRS_NEW : ATTRS_KEEP;
}

/* Set attributes, flush and close; the file is complete but not yet in place. */
static int finish_file(struct dest *d, const struct fcopy_options *options,
		       const struct stat *source_stat)
{
	const char *failed = NULL;
	unsigned preserve = options->preserve;
	int fd = d->fd;

	/* A device or FIFO written in place keeps its own attributes. */
	if (d->exists && !S_ISREG(d->st.st_mode))
		preserve = 0;
	if (attrs_target_of(d) == ATTRS_REPLACE &&
	    attrs_copy_extended(fd, d->target_path, &failed) < 0) {
		msg_error_errno_note(errno, "--in-place writes into it instead",
				     "cannot keep %s of %s on its replacement",
				     failed, msg_quote(d->path));
		return -1;
	}
	if (attrs_apply(fd, attrs_target_of(d), source_stat, &d->st, preserve,
			&failed) < 0) {
		msg_error_errno_note(errno, dest_partial_note(d, false),
				     "cannot set the attributes of %s (%s)",
				     msg_quote(d->path), failed);
		return -1;
	}
	if (options->sync && fsync(fd) < 0) {
		msg_error_errno_note(errno, dest_partial_note(d, false),
				     "error writing %s", msg_quote(d->path));
		return -1;
	}
	if (d->unnamed && dest_temp_link(d) < 0)
		return -1;

	/* close() reports delayed write errors (NFS, quotas). */
	d->fd = -1;
	if (io_close(fd) < 0) {
		msg_error_errno_note(errno, dest_partial_note(d, false),
				     "error writing %s", msg_quote(d->path));
		return -1;
	}
	return 0;
}

int dest_commit(struct dest *d, const struct fcopy_options *options,
		const struct stat *source_stat)
{
	if (d->borrowed) {
		/* Pipes and terminals cannot be synced, and that is fine. */
		if (options->sync && fsync(d->fd) < 0 && errno != EINVAL &&
		    errno != EROFS) {
			msg_error_errno(errno, "error writing %s",
					msg_quote(d->path));
			return -1;
		}
		return 0;
	}

	if (finish_file(d, options, source_stat) < 0)
		return -1;
	if (d->atomic)
		return dest_temp_replace(d, options->sync);

	/* The file is complete: a signal from now on must not remove it. */
	d->created = false;
	signals_disarm();
	return 0;
}

void dest_abort(struct dest *d)
{
	int saved = errno;

	if (d->borrowed)
		return;
	if (d->fd >= 0) {
		io_close_quietly(d->fd);
		d->fd = -1;
	}

	if (d->atomic) {
		dest_temp_remove(d);
	} else if (d->created) {
		(void)unlink(d->target_path);
		signals_disarm();
	}
	errno = saved;
}

const char *dest_partial_note(const struct dest *d, bool checked)
{
	static char note[1200];

	if (!d->wrote || d->atomic || !S_ISREG(d->st.st_mode))
		return "";
	snprintf(note, sizeof(note), checked
		 ? "%s was overwritten in place and is not a verified copy"
		 : "%s was overwritten in place and is left partially written",
		 msg_quote(d->path));
	return note;
}

void dest_release(struct dest *d)
{
	if (d->dir_fd >= 0)
		io_close_quietly(d->dir_fd);
	free(d->target_path);
	free(d->temp_name);
	d->dir_fd = -1;
	d->target_path = NULL;
	d->temp_name = NULL;
}
