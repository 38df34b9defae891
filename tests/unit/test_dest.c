/*
 * The destination module on real files in a temporary directory: a new
 * DEST and an existing one, each committed through a temporary file, and
 * a failure injected at every step of dest_commit().  After dest_abort()
 * an old DEST must be byte for byte what it was, a new DEST must not
 * exist, and the directory must hold no temporary file.
 *
 * The process umask is 027 while these tests run, so a mode that went
 * through it differs from one that did not.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fcopy/attrs.h"
#include "fcopy/cli.h"
#include "fcopy/dest.h"
#include "fixture.h"
#include "wrap.h"

#define TEST_UMASK 027

static const char old_content[] = "old content of DEST\n";
static const char new_content[] = "new content, longer than the old one\n";

struct dest_fixture {
	char *dir;		/* holds the source and the out directory */
	char *out;		/* DEST's directory, empty but for DEST */
	char *source_path;
	char *dest_path;
	struct stat source_stat;
	struct fcopy_options options;
	struct dest d;
	bool initialised;	/* dest_release() is due */
	char *printed;		/* standard error of the last commit */
};

static int group_setup(void **state)
{
	(void)state;
	umask(TEST_UMASK);
	attrs_init();
	return 0;
}

static int setup(void **state)
{
	struct dest_fixture *f = calloc(1, sizeof(*f));
	char *argv[] = { "fcopy", "source", "dest", NULL };

	if (!f || cli_parse(3, argv, &f->options) != CLI_RUN)
		return -1;
	f->dir = fixture_temp_dir();
	f->out = fixture_path(f->dir, "out");
	if (mkdir(f->out, 0755) < 0)
		return -1;
	f->source_path = fixture_path(f->dir, "source");
	f->dest_path = fixture_path(f->out, "dest");
	wrap_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct dest_fixture *f = *state;

	wrap_reset();
	if (f->initialised) {
		if (f->d.fd >= 0 && !f->d.borrowed)
			close(f->d.fd);
		dest_release(&f->d);
	}
	fixture_remove_tree(f->dir);
	free(f->dir);
	free(f->out);
	free(f->source_path);
	free(f->dest_path);
	free(f->printed);
	free(f);
	return 0;
}

/* Create the source with the given mode (set after the umask applies). */
static void make_source(struct dest_fixture *f, mode_t mode)
{
	fixture_write_file(f->source_path, new_content,
			   sizeof(new_content) - 1, 0600);
	assert_int_equal(chmod(f->source_path, mode), 0);
	assert_int_equal(stat(f->source_path, &f->source_stat), 0);
}

/* Create an existing DEST with old_content and the given mode. */
static void make_old_dest(struct dest_fixture *f, mode_t mode)
{
	fixture_write_file(f->dest_path, old_content, sizeof(old_content) - 1,
			   0600);
	assert_int_equal(chmod(f->dest_path, mode), 0);
}

/* Check and open DEST, then write new_content into it. */
static void open_and_write(struct dest_fixture *f)
{
	dest_init(&f->d, f->dest_path);
	f->initialised = true;
	assert_int_equal(dest_check(&f->d, &f->options, f->source_path,
				    &f->source_stat), DEST_CHECK_OK);
	assert_int_equal(dest_open(&f->d, &f->options), 0);
	assert_int_equal(write(f->d.fd, new_content, sizeof(new_content) - 1),
			 (ssize_t)sizeof(new_content) - 1);
	wrap_reset();
}

/* Run dest_commit() with standard error captured into f->printed. */
static int commit(struct dest_fixture *f)
{
	struct fixture_capture capture;
	int rc;

	free(f->printed);
	fixture_capture_start(&capture, STDERR_FILENO);
	rc = dest_commit(&f->d, &f->options, &f->source_stat);
	f->printed = fixture_capture_end(&capture);
	return rc;
}

/* Run dest_abort() with standard error captured into f->printed. */
static void abort_dest(struct dest_fixture *f)
{
	struct fixture_capture capture;

	free(f->printed);
	fixture_capture_start(&capture, STDERR_FILENO);
	dest_abort(&f->d);
	f->printed = fixture_capture_end(&capture);
}

static void check_content(const char *path, const char *expected)
{
	size_t len;
	unsigned char *data = fixture_read_file(path, &len);

	assert_int_equal(len, strlen(expected));
	assert_memory_equal(data, expected, len);
	free(data);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static ino_t inode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* Fail unless a failed commit of a new DEST left nothing behind. */
static void check_no_dest(const struct dest_fixture *f)
{
	assert_int_equal(access(f->dest_path, F_OK), -1);
	assert_int_equal(fixture_count_entries(f->out), 0);
}

/* Fail unless a failed commit left the old DEST as it was. */
static void check_old_dest(const struct dest_fixture *f, mode_t mode,
			   ino_t inode)
{
	check_content(f->dest_path, old_content);
	assert_int_equal(mode_of(f->dest_path), mode);
	assert_int_equal(inode_of(f->dest_path), inode);
	assert_int_equal(fixture_count_entries(f->out), 1);
}

static void dest_new_committed(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	open_and_write(f);
	assert_true(f->d.atomic);

	assert_int_equal(commit(f), 0);
	check_content(f->dest_path, new_content);
	assert_int_equal(mode_of(f->dest_path), 0750);
	assert_int_equal(fixture_count_entries(f->out), 1);
	assert_string_equal(f->printed, "");
}

static void dest_new_mode_masked(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0666);
	open_and_write(f);

	assert_int_equal(commit(f), 0);
	assert_int_equal(mode_of(f->dest_path), 0640);
}

static void dest_new_drops_setid(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 06755);
	open_and_write(f);

	assert_int_equal(commit(f), 0);
	assert_int_equal(mode_of(f->dest_path), 0750);
}

static void dest_new_preserve_mode(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0777);
	f->options.preserve = PRESERVE_MODE;
	open_and_write(f);

	/* --preserve=mode bypasses the umask. */
	assert_int_equal(commit(f), 0);
	assert_int_equal(mode_of(f->dest_path), 0777);
}

static void dest_new_with_sync(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	f->options.sync = true;
	open_and_write(f);

	assert_int_equal(commit(f), 0);
	check_content(f->dest_path, new_content);
	/* The file and its directory. */
	assert_int_equal(wrap_count(WRAP_FSYNC), 2);
}

static void dest_existing_replaced(void **state)
{
	struct dest_fixture *f = *state;
	/* Only root can give the old DEST an owner other than itself. */
	uid_t owner = geteuid() == 0 ? 1234 : geteuid();
	gid_t group = geteuid() == 0 ? 5678 : getegid();
	ino_t old_inode;
	struct stat st;

	make_source(f, 0755);
	make_old_dest(f, 0604);
	assert_int_equal(chown(f->dest_path, owner, group), 0);
	old_inode = inode_of(f->dest_path);
	open_and_write(f);
	assert_true(f->d.atomic);

	assert_int_equal(commit(f), 0);
	check_content(f->dest_path, new_content);
	assert_int_equal(mode_of(f->dest_path), 0604);
	assert_int_equal(stat(f->dest_path, &st), 0);
	assert_int_equal(st.st_uid, owner);
	assert_int_equal(st.st_gid, group);
	/* A new inode: the old file was replaced, not rewritten. */
	assert_int_not_equal(st.st_ino, old_inode);
	assert_int_equal(fixture_count_entries(f->out), 1);
}

static void dest_existing_hard_link(void **state)
{
	struct dest_fixture *f = *state;
	char *other = fixture_path(f->out, "other");
	ino_t old_inode;

	make_source(f, 0755);
	make_old_dest(f, 0644);
	assert_int_equal(link(f->dest_path, other), 0);
	old_inode = inode_of(f->dest_path);
	open_and_write(f);
	/* A rename would split the hard links, so DEST is written in place. */
	assert_false(f->d.atomic);

	assert_int_equal(commit(f), 0);
	assert_int_equal(inode_of(f->dest_path), old_inode);
	check_content(other, new_content);
	free(other);
}

static void dest_symlink_target_replaced(void **state)
{
	struct dest_fixture *f = *state;
	char *real = fixture_path(f->out, "real");
	struct stat st;

	make_source(f, 0755);
	fixture_write_file(real, old_content, sizeof(old_content) - 1, 0644);
	assert_int_equal(symlink("real", f->dest_path), 0);
	open_and_write(f);

	assert_int_equal(commit(f), 0);
	assert_int_equal(lstat(f->dest_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	check_content(real, new_content);
	assert_int_equal(fixture_count_entries(f->out), 2);
	free(real);
}

static void dest_new_fchmod_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	open_and_write(f);
	wrap_queue(WRAP_FCHMOD, f->d.fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "(fchmod)"));
	abort_dest(f);
	check_no_dest(f);
}

static void dest_new_link_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	open_and_write(f);
	wrap_queue(WRAP_LINKAT, f->d.dir_fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "Input/output error"));
	abort_dest(f);
	check_no_dest(f);
}

/* A DEST created by someone else after dest_check() is never replaced. */
static void dest_new_keeps_racing_file(void **state)
{
	struct dest_fixture *f = *state;
	static const char racer[] = "written by another process\n";

	make_source(f, 0644);
	open_and_write(f);
	fixture_write_file(f->dest_path, racer, sizeof(racer) - 1, 0644);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "File exists"));
	abort_dest(f);
	check_content(f->dest_path, racer);
	assert_int_equal(fixture_count_entries(f->out), 1);
}

static void dest_new_close_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	open_and_write(f);
	wrap_queue(WRAP_CLOSE, f->d.fd, WRAP_CALL_THEN_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "error writing"));
	abort_dest(f);
	check_no_dest(f);
}

static void dest_new_fsync_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	f->options.sync = true;
	open_and_write(f);
	wrap_queue(WRAP_FSYNC, f->d.fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_no_dest(f);
}

/* DEST is linked into place before the directory is synced. */
static void dest_new_dir_fsync_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	f->options.sync = true;
	open_and_write(f);
	wrap_queue(WRAP_FSYNC, f->d.fd, WRAP_PASS, 0);
	wrap_queue(WRAP_FSYNC, WRAP_ANY_FD, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "cannot sync the directory"));
	abort_dest(f);
	check_no_dest(f);
}

static void dest_existing_fchmod_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_and_write(f);
	wrap_queue(WRAP_FCHMOD, f->d.fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "(fchmod)"));
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_existing_fchown_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_and_write(f);
	wrap_queue(WRAP_FCHOWN, f->d.fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "(fchown)"));
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_existing_link_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_and_write(f);
	wrap_queue(WRAP_LINKAT, f->d.dir_fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_existing_link_retries(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	open_and_write(f);
	/* The random hidden name was taken, so another name is tried. */
	wrap_queue(WRAP_LINKAT, f->d.dir_fd, WRAP_FAIL, EEXIST);

	assert_int_equal(commit(f), 0);
	assert_int_equal(wrap_count(WRAP_LINKAT), 2);
	check_content(f->dest_path, new_content);
	assert_int_equal(fixture_count_entries(f->out), 1);
}

static void dest_existing_rename_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_and_write(f);
	wrap_queue(WRAP_RENAMEAT, f->d.dir_fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	assert_non_null(strstr(f->printed, "cannot rename"));
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_existing_close_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_and_write(f);
	wrap_queue(WRAP_CLOSE, f->d.fd, WRAP_CALL_THEN_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_existing_fsync_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	f->options.sync = true;
	open_and_write(f);
	wrap_queue(WRAP_FSYNC, f->d.fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

/*
 * Check and open DEST as on a filesystem without O_TMPFILE, where the
 * temporary file gets a hidden name from the start.
 */
static void open_named_and_write(struct dest_fixture *f)
{
	dest_init(&f->d, f->dest_path);
	f->initialised = true;
	assert_int_equal(dest_check(&f->d, &f->options, f->source_path,
				    &f->source_stat), DEST_CHECK_OK);
	wrap_queue(WRAP_OPENAT, WRAP_ANY_FD, WRAP_FAIL, EOPNOTSUPP);
	assert_int_equal(dest_open(&f->d, &f->options), 0);
	assert_true(f->d.atomic);
	assert_non_null(f->d.temp_name);
	assert_int_equal(write(f->d.fd, new_content, sizeof(new_content) - 1),
			 (ssize_t)sizeof(new_content) - 1);
	wrap_reset();
}

static void dest_named_new_committed(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	open_named_and_write(f);
	/* The hidden name is visible until the commit renames it. */
	assert_int_equal(fixture_count_entries(f->out), 1);

	assert_int_equal(commit(f), 0);
	check_content(f->dest_path, new_content);
	assert_int_equal(mode_of(f->dest_path), 0750);
	assert_int_equal(fixture_count_entries(f->out), 1);
	assert_int_equal(wrap_count(WRAP_RENAMEAT2), 1);
}

static void dest_named_new_rename_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	open_named_and_write(f);
	wrap_queue(WRAP_RENAMEAT2, f->d.dir_fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_no_dest(f);
}

/* Without RENAME_NOREPLACE, link(2) and unlink(2) do the rename. */
static void dest_named_new_link_fallback(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	open_named_and_write(f);
	wrap_queue(WRAP_RENAMEAT2, f->d.dir_fd, WRAP_FAIL, EINVAL);

	assert_int_equal(commit(f), 0);
	check_content(f->dest_path, new_content);
	assert_int_equal(fixture_count_entries(f->out), 1);
	assert_int_equal(wrap_count(WRAP_LINKAT), 1);
}

static void dest_named_fallback_unlink_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	open_named_and_write(f);
	wrap_queue(WRAP_RENAMEAT2, f->d.dir_fd, WRAP_FAIL, EINVAL);
	wrap_queue(WRAP_UNLINKAT, f->d.dir_fd, WRAP_FAIL, EIO);

	/* A failed copy must not leave a new DEST behind. */
	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_no_dest(f);
}

static void dest_named_new_fchmod_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0755);
	open_named_and_write(f);
	wrap_queue(WRAP_FCHMOD, f->d.fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_no_dest(f);
}

static void dest_named_existing_rename_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_named_and_write(f);
	wrap_queue(WRAP_RENAMEAT, f->d.dir_fd, WRAP_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_named_existing_close_fails(void **state)
{
	struct dest_fixture *f = *state;
	ino_t inode;

	make_source(f, 0755);
	make_old_dest(f, 0640);
	inode = inode_of(f->dest_path);
	open_named_and_write(f);
	wrap_queue(WRAP_CLOSE, f->d.fd, WRAP_CALL_THEN_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_old_dest(f, 0640, inode);
}

static void dest_in_place_new_close_fails(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	f->options.replace = REPLACE_IN_PLACE;
	open_and_write(f);
	assert_false(f->d.atomic);
	wrap_queue(WRAP_CLOSE, f->d.fd, WRAP_CALL_THEN_FAIL, EIO);

	assert_int_equal(commit(f), -1);
	abort_dest(f);
	check_no_dest(f);
}

static void dest_in_place_partial_note(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	make_old_dest(f, 0640);
	f->options.replace = REPLACE_IN_PLACE;
	open_and_write(f);

	/* The failure message carries the note; abort itself prints nothing. */
	assert_non_null(strstr(dest_partial_note(&f->d, false),
			       "partially written"));
	assert_non_null(strstr(dest_partial_note(&f->d, true),
			       "not a verified copy"));
	abort_dest(f);
	assert_string_equal(f->printed, "");
	assert_int_equal(fixture_count_entries(f->out), 1);
}

static void dest_atomic_has_no_partial_note(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	make_old_dest(f, 0640);
	open_and_write(f);

	assert_true(f->d.atomic);
	assert_string_equal(dest_partial_note(&f->d, false), "");
	abort_dest(f);
}

static void dest_abort_keeps_errno(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	make_old_dest(f, 0640);
	open_and_write(f);

	errno = ENOSPC;
	abort_dest(f);
	assert_int_equal(errno, ENOSPC);
}

static void dest_check_same_file(void **state)
{
	struct dest_fixture *f = *state;
	struct fixture_capture capture;
	enum dest_check result;
	char *printed;

	make_source(f, 0644);
	dest_init(&f->d, f->source_path);
	f->initialised = true;

	fixture_capture_start(&capture, STDERR_FILENO);
	result = dest_check(&f->d, &f->options, f->source_path,
			    &f->source_stat);
	printed = fixture_capture_end(&capture);
	assert_int_equal(result, DEST_CHECK_FAILED);
	assert_non_null(strstr(printed, "are the same file"));
	free(printed);
}

static void dest_check_directory(void **state)
{
	struct dest_fixture *f = *state;
	struct fixture_capture capture;
	enum dest_check result;
	char *printed;

	make_source(f, 0644);
	dest_init(&f->d, f->out);
	f->initialised = true;

	fixture_capture_start(&capture, STDERR_FILENO);
	result = dest_check(&f->d, &f->options, f->source_path,
			    &f->source_stat);
	printed = fixture_capture_end(&capture);
	assert_int_equal(result, DEST_CHECK_FAILED);
	assert_non_null(strstr(printed, "cannot overwrite directory"));
	free(printed);
}

static void dest_check_no_clobber_skips(void **state)
{
	struct dest_fixture *f = *state;

	make_source(f, 0644);
	make_old_dest(f, 0640);
	f->options.clobber = CLOBBER_NO;
	dest_init(&f->d, f->dest_path);
	f->initialised = true;

	assert_int_equal(dest_check(&f->d, &f->options, f->source_path,
				    &f->source_stat), DEST_CHECK_SKIP);
	check_content(f->dest_path, old_content);
}

static void dest_check_dangling_symlink(void **state)
{
	struct dest_fixture *f = *state;
	struct fixture_capture capture;
	enum dest_check result;
	char *printed;

	make_source(f, 0644);
	assert_int_equal(symlink("missing", f->dest_path), 0);
	dest_init(&f->d, f->dest_path);
	f->initialised = true;

	fixture_capture_start(&capture, STDERR_FILENO);
	result = dest_check(&f->d, &f->options, f->source_path,
			    &f->source_stat);
	printed = fixture_capture_end(&capture);
	assert_int_equal(result, DEST_CHECK_FAILED);
	assert_non_null(strstr(printed, "dangling symlink"));
	assert_int_equal(access(f->out, F_OK), 0);
	assert_int_equal(fixture_count_entries(f->out), 1);
	free(printed);
}

#define DEST_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DEST_TEST(dest_new_committed),
		DEST_TEST(dest_new_mode_masked),
		DEST_TEST(dest_new_drops_setid),
		DEST_TEST(dest_new_preserve_mode),
		DEST_TEST(dest_new_with_sync),
		DEST_TEST(dest_existing_replaced),
		DEST_TEST(dest_existing_hard_link),
		DEST_TEST(dest_symlink_target_replaced),
		DEST_TEST(dest_new_fchmod_fails),
		DEST_TEST(dest_new_link_fails),
		DEST_TEST(dest_new_keeps_racing_file),
		DEST_TEST(dest_new_close_fails),
		DEST_TEST(dest_new_fsync_fails),
		DEST_TEST(dest_new_dir_fsync_fails),
		DEST_TEST(dest_existing_fchmod_fails),
		DEST_TEST(dest_existing_fchown_fails),
		DEST_TEST(dest_existing_link_fails),
		DEST_TEST(dest_existing_link_retries),
		DEST_TEST(dest_existing_rename_fails),
		DEST_TEST(dest_existing_close_fails),
		DEST_TEST(dest_existing_fsync_fails),
		DEST_TEST(dest_named_new_committed),
		DEST_TEST(dest_named_new_rename_fails),
		DEST_TEST(dest_named_new_link_fallback),
		DEST_TEST(dest_named_fallback_unlink_fails),
		DEST_TEST(dest_named_new_fchmod_fails),
		DEST_TEST(dest_named_existing_rename_fails),
		DEST_TEST(dest_named_existing_close_fails),
		DEST_TEST(dest_in_place_new_close_fails),
		DEST_TEST(dest_in_place_partial_note),
		DEST_TEST(dest_atomic_has_no_partial_note),
		DEST_TEST(dest_abort_keeps_errno),
		DEST_TEST(dest_check_same_file),
		DEST_TEST(dest_check_directory),
		DEST_TEST(dest_check_no_clobber_skips),
		DEST_TEST(dest_check_dangling_symlink),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
