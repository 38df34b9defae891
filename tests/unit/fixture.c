/*
 * Test fixtures.  File contents are written and read back with pwrite(2)
 * and pread(2), which are not wrapped, so the setup neither takes a
 * scripted result meant for the code under test nor adds to the read
 * and write counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "fcopy/cli.h"
#include "fcopy/dest.h"
#include "fixture.h"

char *fixture_temp_dir(void)
{
	char *dir = strdup("/tmp/fcopy-unit-XXXXXX");

	if (!dir || !mkdtemp(dir))
		fail_msg("cannot create a temporary directory: %s",
			 strerror(errno));
	return dir;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void fixture_remove_tree(const char *dir)
{
	/* Depth first, so each directory is empty by the time it goes. */
	if (dir && nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "cannot remove %s: %s\n", dir,
			strerror(errno));
}

char *fixture_path(const char *dir, const char *name)
{
	size_t size = strlen(dir) + strlen(name) + 2;
	char *path = malloc(size);

	if (!path)
		fail_msg("out of memory");
	snprintf(path, size, "%s/%s", dir, name);
	return path;
}

void fixture_fill_random(void *buf, size_t len, unsigned seed)
{
	/*
	 * xorshift64: reproducible, and practically never a 4 KiB run of
	 * zeros, which a sparse copy could turn into a hole.
	 */
	uint64_t state = 0x9e3779b97f4a7c15u ^ seed;
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		p[i] = (unsigned char)(state >> 24);
	}
}

void fixture_write_file(const char *path, const void *data, size_t len,
			mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t done = 0;

	if (fd < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)data + done, len - done,
				   (off_t)done);

		if (n <= 0)
			fail_msg("cannot write %s: %s", path, strerror(errno));
		done += (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0 || close(fd) < 0)
		fail_msg("cannot finish %s: %s", path, strerror(errno));
}

unsigned char *fixture_read_fd(int fd, size_t *len)
{
	struct stat st;
	unsigned char *data;
	size_t done = 0;

	if (fstat(fd, &st) < 0)
		fail_msg("cannot stat descriptor %d: %s", fd, strerror(errno));
	/* One spare byte, so an empty file still gets an allocation. */
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		fail_msg("out of memory");
	while (done < (size_t)st.st_size) {
		ssize_t n = pread(fd, data + done, (size_t)st.st_size - done,
				  (off_t)done);

		if (n < 0)
			fail_msg("cannot read descriptor %d: %s", fd,
				 strerror(errno));
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*len = done;
	return data;
}

unsigned char *fixture_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *data;

	if (fd < 0)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	data = fixture_read_fd(fd, len);
	close(fd);
	return data;
}

size_t fixture_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	size_t count = 0;

	if (!d)
		fail_msg("cannot open directory %s: %s", dir, strerror(errno));
	while ((entry = readdir(d)) != NULL)
		if (strcmp(entry->d_name, ".") != 0 &&
		    strcmp(entry->d_name, "..") != 0)
			count++;
	closedir(d);
	return count;
}

bool fixture_fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0 || errno != EBADF;
}

void fixture_capture_start(struct fixture_capture *capture, int target)
{
	char path[] = "/tmp/fcopy-unit-capture-XXXXXX";

	/* Text buffered by stdio must reach the old descriptor first. */
	fflush(target == STDOUT_FILENO ? stdout : stderr);
	capture->target = target;
	capture->file = mkstemp(path);
	if (capture->file < 0)
		fail_msg("cannot create a capture file: %s", strerror(errno));
	unlink(path);
	capture->saved = dup(target);
	if (capture->saved < 0 || dup2(capture->file, target) < 0)
		fail_msg("cannot redirect descriptor %d: %s", target,
			 strerror(errno));
}

char *fixture_capture_end(struct fixture_capture *capture)
{
	char *text;
	size_t len;

	fflush(capture->target == STDOUT_FILENO ? stdout : stderr);
	if (dup2(capture->saved, capture->target) < 0)
		fail_msg("cannot restore descriptor %d: %s", capture->target,
			 strerror(errno));
	close(capture->saved);
	text = (char *)fixture_read_fd(capture->file, &len);
	text[len] = '\0';
	close(capture->file);
	return text;
}

void fixture_job_start(struct fixture_job *fj, const char *dir, size_t len,
		       unsigned seed)
{
	char *argv[] = { "fcopy", "source", "dest", NULL };
	struct copy_job *job = &fj->job;

	memset(fj, 0, sizeof(*fj));
	if (cli_parse(3, argv, &fj->options) != CLI_RUN)
		fail_msg("cli_parse rejected \"fcopy source dest\"");

	fj->len = len;
	fj->data = malloc(len + 1);
	if (!fj->data)
		fail_msg("out of memory");
	fixture_fill_random(fj->data, len, seed);
	fj->source_path = fixture_path(dir, "source");
	fj->dest_path = fixture_path(dir, "dest");
	fixture_write_file(fj->source_path, fj->data, len, 0644);

	job->options = &fj->options;
	job->source_path = fj->source_path;
	job->source_fd = open(fj->source_path, O_RDONLY | O_CLOEXEC);
	if (job->source_fd < 0 || fstat(job->source_fd, &job->source_stat) < 0)
		fail_msg("cannot open %s: %s", fj->source_path,
			 strerror(errno));

	dest_init(&job->dest, fj->dest_path);
	job->dest.fd = open(fj->dest_path,
			    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (job->dest.fd < 0)
		fail_msg("cannot create %s: %s", fj->dest_path,
			 strerror(errno));
	job->dest.exists = false;
}

void fixture_job_use_pipe(struct fixture_job *fj)
{
	struct copy_job *job = &fj->job;
	int fds[2];
	size_t done = 0;

	if (pipe2(fds, O_CLOEXEC) < 0)
		fail_msg("cannot create a pipe: %s", strerror(errno));
	/* The whole source must fit, as nothing reads until the test runs. */
	if (fj->len > 65536 && fcntl(fds[1], F_SETPIPE_SZ, (int)fj->len) < 0)
		fail_msg("cannot make a pipe of %zu bytes: %s", fj->len,
			 strerror(errno));
	while (done < fj->len) {
		ssize_t n = write(fds[1], fj->data + done, fj->len - done);

		if (n <= 0)
			fail_msg("cannot fill the pipe: %s", strerror(errno));
		done += (size_t)n;
	}
	close(fds[1]);
	close(job->source_fd);
	job->source_fd = fds[0];
	if (fstat(job->source_fd, &job->source_stat) < 0)
		fail_msg("cannot stat the pipe: %s", strerror(errno));
}

unsigned char *fixture_job_output(const struct fixture_job *fj, size_t *len)
{
	return fixture_read_fd(fj->job.dest.fd, len);
}

void fixture_job_check_output(const struct fixture_job *fj)
{
	size_t len;
	unsigned char *output = fixture_job_output(fj, &len);

	if (len != fj->len) {
		free(output);
		fail_msg("DEST has %zu bytes, expected %zu", len, fj->len);
	}
	for (size_t i = 0; i < len; i++) {
		if (output[i] != fj->data[i]) {
			free(output);
			fail_msg("DEST differs from the source at byte %zu", i);
		}
	}
	free(output);
}

void fixture_job_finish(struct fixture_job *fj)
{
	/* Nothing to do for a job that was never started. */
	if (!fj->source_path)
		return;
	if (fj->job.source_fd >= 0)
		close(fj->job.source_fd);
	if (fj->job.dest.fd >= 0)
		close(fj->job.dest.fd);
	dest_release(&fj->job.dest);
	free(fj->source_path);
	free(fj->dest_path);
	free(fj->data);
	memset(fj, 0, sizeof(*fj));
}
