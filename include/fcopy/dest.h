/*
 * The destination of one copy: checks before anything is written, then
 * open, commit or abort.
 *
 * Atomic replacement writes into an unnamed O_TMPFILE file (or, where the
 * filesystem has none, a hidden O_EXCL name with mode 0600) in DEST's
 * directory and renames it over DEST only after every byte is written and
 * the file is closed.  In-place replacement truncates DEST and writes
 * through that one descriptor, as cp does.
 */
#ifndef FCOPY_DEST_H
#define FCOPY_DEST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "fcopy/options.h"

struct dest {
	const char *path;	/* DEST as the user named it */
	char *target_path;	/* the file replaced: path with symbolic links followed */
	int fd;			/* -1 until dest_open() */
	int dir_fd;		/* target's directory, for atomic replacement */
	char *temp_name;	/* visible temporary name in dir_fd, or NULL */

	bool exists;		/* DEST existed when checked */
	struct stat st;		/* its stat, valid when exists */
	bool borrowed;		/* fd was given (standard output, /dev/fd/N) */
	bool atomic;		/* writing into a temporary file */
	bool unnamed;		/* the temporary file is O_TMPFILE, not yet linked */
	bool linked_as_target;	/* a new DEST's O_TMPFILE file was linked as DEST */
	bool forced;		/* -f: a new file replaces a DEST not writable */
	bool created;		/* in place: this run created the file */
	bool wrote;		/* in place: DEST was truncated, so it changed */
};

enum dest_check {
	DEST_CHECK_OK,
	DEST_CHECK_SKIP,	/* -n, or -i answered no: not an error */
	DEST_CHECK_FAILED,	/* a message was printed */
};

/* Set up d for DEST path; nothing is opened or checked yet. */
void dest_init(struct dest *d, const char *path);

/*
 * Check DEST before anything is created or truncated: a dangling symbolic
 * link, the same file as the source (device and inode of the opened
 * source), a directory, an existing file the user may not write (unless
 * -f), and -n/-i.  Prints a message when it returns DEST_CHECK_FAILED.
 */
enum dest_check dest_check(struct dest *d, const struct fcopy_options *options,
			   const char *source_path,
			   const struct stat *source_stat);

/*
 * Open the descriptor the data goes to: a temporary file for atomic
 * replacement, else DEST itself, created with O_EXCL or truncated.
 * Returns 0, or -1 after printing a message.
 */
int dest_open(struct dest *d, const struct fcopy_options *options);

/*
 * Finish a copy whose data is all written: set mode, owner and times
 * through the descriptor, fsync with --sync, close, and rename the
 * temporary file over DEST.  Returns 0, or -1 after printing a message;
 * on -1 the caller still calls dest_abort().
 */
int dest_commit(struct dest *d, const struct fcopy_options *options,
		const struct stat *source_stat);

/*
 * Undo a failed copy: remove the temporary file, or a DEST this run
 * created.  An existing DEST overwritten in place cannot be restored: the
 * failure message carries dest_partial_note().  Keeps errno.
 */
void dest_abort(struct dest *d);

/*
 * Return the note for a message about a failure after DEST was truncated
 * in place (it is then neither the old file nor a copy), or "" otherwise.
 * checked selects the wording for a complete copy that failed --verify.
 */
const char *dest_partial_note(const struct dest *d, bool checked);

/* Free what d holds; closes nothing that dest_commit() or dest_abort() closed. */
void dest_release(struct dest *d);

#endif
