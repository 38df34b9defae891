/*
 * The temporary file of atomic replacement.  O_TMPFILE is preferred: the
 * file has no name until its data is complete, so a crash or SIGKILL
 * leaves nothing behind.  It gets a hidden name only for the moment
 * between close() and rename(), and the signal handler removes that name.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "fcopy/dest_temp.h"
#include "fcopy/io.h"
#include "fcopy/msg.h"
#include "fcopy/signals.h"

#define TEMP_PREFIX ".fcopy-"
#define TEMP_ATTEMPTS 100

/* Return the last component of the target path (no trailing slash here). */
static const char *target_base(const struct dest *d)
{
	const char *slash = strrchr(d->target_path, '/');

	return slash ? slash + 1 : d->target_path;
}

static int open_directory(struct dest *d)
{
	char *copy = strdup(d->target_path);

	if (!copy)
		return -1;
	d->dir_fd = io_move_above_stdio(
		open(dirname(copy), O_PATH | O_DIRECTORY | O_CLOEXEC));
	free(copy);
	return d->dir_fd < 0 ? -1 : 0;
}

/* Store a fresh random hidden name in buf, e.g. ".fcopy-k3x9q2a7". */
static void make_temp_name(char *buf, size_t size)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char random[8];
	size_t prefix = strlen(TEMP_PREFIX);

	if (getrandom(random, sizeof(random), GRND_NONBLOCK) != sizeof(random)) {
		/* No entropy yet: the pid and the address differ between runs. */
		unsigned long mix = (unsigned long)getpid() ^ (unsigned long)buf;

		for (size_t i = 0; i < sizeof(random); i++)
			random[i] = (unsigned char)(mix >> (i * 5));
	}
	snprintf(buf, size, "%s", TEMP_PREFIX);
	for (size_t i = 0; i < sizeof(random) && prefix + i + 1 < size; i++) {
		buf[prefix + i] = alphabet[random[i] % (sizeof(alphabet) - 1)];
		buf[prefix + i + 1] = '\0';
	}
}

/* Create a hidden name with O_EXCL; the handler removes it on a signal. */
static int open_named(struct dest *d)
{
	char name[32];

	for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
		make_temp_name(name, sizeof(name));
		d->fd = io_move_above_stdio(openat(d->dir_fd, name,
			O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
		if (d->fd >= 0)
			break;
		if (errno != EEXIST)
			return -1;
	}
	if (d->fd < 0)
		return -1;

	d->temp_name = strdup(name);
	if (!d->temp_name) {
		int saved = errno;

		(void)unlinkat(d->dir_fd, name, 0);
		io_close_quietly(d->fd);
		d->fd = -1;
		errno = saved;
		return -1;
	}
	signals_arm(d->dir_fd, d->temp_name);
	return 0;
}

int dest_temp_open(struct dest *d)
{
	if (d->dir_fd < 0 && open_directory(d) < 0)
		return -1;

	d->fd = io_move_above_stdio(openat(d->dir_fd, ".",
		O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
	if (d->fd >= 0) {
		d->unnamed = true;
	} else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
		/* The filesystem (or an old kernel) has no O_TMPFILE. */
		if (open_named(d) < 0)
			return -1;
	} else {
		return -1;
	}
	d->atomic = true;
	return 0;
}

/* Link the unnamed file as a new DEST; the name is armed until commit ends. */
static int link_as_target(struct dest *d, const char *proc_path)
{
	/*
	 * Armed only after the link: armed before, a signal could remove a
	 * file that someone else created under DEST's name meanwhile.  A
	 * signal between the two leaves DEST complete, as it is by now.
	 */
	if (linkat(AT_FDCWD, proc_path, d->dir_fd, target_base(d),
		   AT_SYMLINK_FOLLOW) < 0) {
		msg_error_errno(errno, "cannot create regular file %s",
				msg_quote(d->path));
		return -1;
	}
	d->temp_name = strdup(target_base(d));
	if (!d->temp_name) {
		msg_error_errno(errno, "cannot copy to %s", msg_quote(d->path));
		(void)unlinkat(d->dir_fd, target_base(d), 0);
		return -1;
	}
	d->unnamed = false;
	d->linked_as_target = true;
	signals_arm(d->dir_fd, d->temp_name);
	return 0;
}

int dest_temp_link(struct dest *d)
{
	char proc_path[64];
	char name[32];
	int rc = -1;

	/* Linking by /proc needs no CAP_DAC_READ_SEARCH, unlike AT_EMPTY_PATH. */
	snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", d->fd);
	if (!d->exists)
		return link_as_target(d, proc_path);

	for (int attempt = 0; rc < 0 && attempt < TEMP_ATTEMPTS; attempt++) {
		make_temp_name(name, sizeof(name));
		/* Armed first, so a signal right after the link removes it. */
		signals_arm(d->dir_fd, name);
		rc = linkat(AT_FDCWD, proc_path, d->dir_fd, name,
			    AT_SYMLINK_FOLLOW);
		if (rc < 0)
			signals_disarm();
		if (rc < 0 && errno != EEXIST)
			break;
	}
	if (rc < 0) {
		msg_error_errno(errno, "cannot link the temporary file for %s",
				msg_quote(d->path));
		return -1;
	}

	d->temp_name = strdup(name);
	if (!d->temp_name) {
		msg_error_errno(errno, "cannot copy to %s", msg_quote(d->path));
		(void)unlinkat(d->dir_fd, name, 0);
		return -1;
	}
	d->unnamed = false;
	signals_arm(d->dir_fd, d->temp_name);
	return 0;
}

/* Rename without replacing: a DEST that appeared since the check stays. */
static int rename_new(struct dest *d)
{
	if (renameat2(d->dir_fd, d->temp_name, d->dir_fd, target_base(d),
		      RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* No RENAME_NOREPLACE here: link(2) never replaces either. */
	if (linkat(d->dir_fd, d->temp_name, d->dir_fd, target_base(d), 0) < 0)
		return -1;
	if (unlinkat(d->dir_fd, d->temp_name, 0) == 0)
		return 0;

	/* Undo the link, so a failure leaves neither name behind. */
	int saved = errno;

	(void)unlinkat(d->dir_fd, target_base(d), 0);
	errno = saved;
	return -1;
}

static int sync_directory(const struct dest *d)
{
	int fd = openat(d->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0) {
		io_close_quietly(fd);
		return -1;
	}
	return io_close(fd);
}

/*
 * Make the name to remove on failure DEST itself: a new DEST that this run
 * created is removed if a later step (the directory fsync) fails.
 */
static int track_new_target(struct dest *d)
{
	char *name = strdup(target_base(d));

	if (!name)
		return -1;
	free(d->temp_name);
	d->temp_name = name;
	d->linked_as_target = true;
	signals_arm(d->dir_fd, d->temp_name);
	return 0;
}

static void forget_temp_name(struct dest *d)
{
	signals_disarm();
	free(d->temp_name);
	d->temp_name = NULL;
}

int dest_temp_replace(struct dest *d, bool sync)
{
	int rc = 0;

	if (d->exists)
		rc = renameat(d->dir_fd, d->temp_name, d->dir_fd,
			      target_base(d));
	else if (!d->linked_as_target)
		rc = rename_new(d) < 0 ? -1 : track_new_target(d);
	if (rc < 0) {
		msg_error_errno(errno, "cannot rename the temporary file to %s",
				msg_quote(d->path));
		return -1;
	}

	/* An existing DEST is replaced now: there is nothing left to undo. */
	if (d->exists)
		forget_temp_name(d);
	if (sync && sync_directory(d) < 0) {
		if (d->exists)
			msg_error_errno(errno, "%s was replaced, but the fsync "
					"of its directory failed",
					msg_quote(d->path));
		else
			msg_error_errno(errno, "cannot sync the directory of %s",
					msg_quote(d->path));
		return -1;
	}
	if (d->temp_name)
		forget_temp_name(d);
	return 0;
}

void dest_temp_remove(struct dest *d)
{
	int saved = errno;

	if (d->temp_name) {
		(void)unlinkat(d->dir_fd, d->temp_name, 0);
		signals_disarm();
		free(d->temp_name);
		d->temp_name = NULL;
	}
	errno = saved;
}
