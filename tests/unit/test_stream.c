/*
 * The stream strategy's chain of kernel mechanisms: FICLONE, then
 * copy_file_range, sendfile or splice, then the read/write loop.  A
 * mechanism refused before it moved data falls back to the next one.  A
 * data error, or any error after data moved, ends the copy.  Each test
 * copies a real temporary file and compares DEST byte for byte.
 *
 * Unless a test is about FICLONE, it makes the ioctl refuse with
 * EOPNOTSUPP, so the tests do not depend on whether the filesystem under
 * /tmp can share extents.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fcopy/copy.h"
#include "fcopy/strategy.h"
#include "fixture.h"
#include "wrap.h"

/* Not a multiple of any block or chunk size, so the tail is short. */
#define SOURCE_SIZE ((size_t)300 * 1024 + 123)

#define MIB ((size_t)1 << 20)

struct stream_fixture {
	char *dir;
	struct fixture_job fj;
};

static int setup(void **state)
{
	struct stream_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = fixture_temp_dir();
	wrap_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct stream_fixture *f = *state;

	wrap_reset();
	fixture_job_finish(&f->fj);
	fixture_remove_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Start a job on a new dense source and refuse FICLONE on its DEST. */
static struct copy_job *start(struct stream_fixture *f, size_t len)
{
	fixture_job_finish(&f->fj);
	fixture_job_start(&f->fj, f->dir, len, (unsigned)len);
	wrap_reset();
	wrap_queue(WRAP_IOCTL, f->fj.job.dest.fd, WRAP_FAIL, EOPNOTSUPP);
	return &f->fj.job;
}

/* Start a new job in a fresh subdirectory, for tests that loop. */
static struct copy_job *restart(struct stream_fixture *f, size_t len)
{
	fixture_job_finish(&f->fj);
	fixture_remove_tree(f->dir);
	free(f->dir);
	f->dir = fixture_temp_dir();
	return start(f, len);
}

static unsigned long source_reads(const struct copy_job *job)
{
	return wrap_count_fd(WRAP_READ, job->source_fd);
}

static void stream_uses_copy_file_range(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "copy_file_range");
	assert_int_equal(job->bytes_copied, SOURCE_SIZE);
	/* One read() confirms the end of file that copy_file_range reported. */
	assert_int_equal(source_reads(job), 1);
	assert_int_equal(wrap_count(WRAP_SENDFILE), 0);
	assert_string_equal(job->fallback, "after reflink: EOPNOTSUPP");
}

static void stream_cfr_zero_falls_back(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	/* A first 0 is not trusted as end of file. */
	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_RETURN, 0);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "sendfile");
	assert_int_equal(job->bytes_copied, SOURCE_SIZE);
	assert_non_null(strstr(job->fallback, "copy_file_range: 0 bytes"));
}

static const int refusals[] = { EXDEV, EOPNOTSUPP, ENOSYS, EINVAL, EBADF };
#define REFUSAL_COUNT (sizeof(refusals) / sizeof(refusals[0]))

static void stream_cfr_refusal_uses_sendfile(void **state)
{
	struct stream_fixture *f = *state;

	for (size_t i = 0; i < REFUSAL_COUNT; i++) {
		struct copy_job *job = restart(f, SOURCE_SIZE);

		wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL,
			   refusals[i]);

		assert_int_equal(strategy_stream.copy(job), 0);
		fixture_job_check_output(&f->fj);
		assert_string_equal(job->mechanism, "sendfile");
		assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 1);
		assert_int_equal(source_reads(job), 1);
	}
}

static void stream_refusals_use_read_write(void **state)
{
	struct stream_fixture *f = *state;

	for (size_t i = 0; i < REFUSAL_COUNT; i++) {
		struct copy_job *job = restart(f, SOURCE_SIZE);

		wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL,
			   refusals[i]);
		wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL,
			   refusals[i]);

		assert_int_equal(strategy_stream.copy(job), 0);
		fixture_job_check_output(&f->fj);
		assert_string_equal(job->mechanism, "read/write");
		assert_int_equal(job->bytes_copied, SOURCE_SIZE);
		assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 1);
		assert_int_equal(wrap_count(WRAP_SENDFILE), 1);
		assert_true(source_reads(job) >= 2);
	}
}

static void stream_fallback_names_errors(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EXDEV);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL, EINVAL);

	assert_int_equal(strategy_stream.copy(job), 0);
	assert_string_equal(job->fallback, "after reflink: EOPNOTSUPP, "
			    "copy_file_range: EXDEV, sendfile: EINVAL");
}

static const int data_errors[] = { EIO, ENOSPC, EDQUOT, EFBIG, ENOMEM };
#define DATA_ERROR_COUNT (sizeof(data_errors) / sizeof(data_errors[0]))

static void stream_cfr_data_error_fails(void **state)
{
	struct stream_fixture *f = *state;

	for (size_t i = 0; i < DATA_ERROR_COUNT; i++) {
		struct copy_job *job = restart(f, SOURCE_SIZE);

		wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL,
			   data_errors[i]);

		assert_int_equal(strategy_stream.copy(job), -1);
		assert_int_equal(job->error.error, data_errors[i]);
		assert_int_equal(job->error.side, IO_SIDE_EITHER);
		assert_int_equal(wrap_count(WRAP_SENDFILE), 0);
		assert_int_equal(source_reads(job), 0);
	}
}

static void stream_refusal_after_data_fails(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_SHORT, 4096);
	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EXDEV);

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.error, EXDEV);
	assert_int_equal(job->error.side, IO_SIDE_EITHER);
	assert_int_equal(job->bytes_copied, 4096);
	assert_int_equal(wrap_count(WRAP_SENDFILE), 0);
	assert_int_equal(source_reads(job), 0);
}

static void stream_cfr_retries_eintr(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EINTR);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "copy_file_range");
	/* EINTR, then at least one call with data, then 0 at end of file. */
	assert_true(wrap_count(WRAP_COPY_FILE_RANGE) >= 3);
	assert_int_equal(wrap_count(WRAP_SENDFILE), 0);
}

static void stream_cfr_continues_short(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_SHORT, 1000);
	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_SHORT, 1);
	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_SHORT, 50000);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "copy_file_range");
	assert_int_equal(job->bytes_copied, SOURCE_SIZE);
	assert_true(wrap_count(WRAP_COPY_FILE_RANGE) >= 5);
	assert_int_equal(wrap_pending(WRAP_COPY_FILE_RANGE), 0);
}

static void stream_chunk_is_buffer_size(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	f->fj.options.buffer_size = 64 * 1024;
	f->fj.options.buffer_size_set = true;

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	/* At least five 64 KiB calls for 300 KiB, then 0 at end of file. */
	assert_true(wrap_count(WRAP_COPY_FILE_RANGE) >= 6);
}

static void stream_sendfile_continues_short(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EXDEV);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_SHORT, 777);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_SHORT, 1);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "sendfile");
	assert_int_equal(wrap_pending(WRAP_SENDFILE), 0);
}

static void stream_sendfile_error_fails(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EXDEV);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.error, EIO);
	assert_int_equal(source_reads(job), 0);
}

static void stream_read_write_read_error(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, ENOSYS);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL, ENOSYS);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_PASS, 0);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_FAIL, EIO);
	/* A buffer smaller than the source, so the first read is not all. */
	f->fj.options.buffer_size = 64 * 1024;

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_READ);
	assert_int_equal(job->error.error, EIO);
	assert_int_equal(job->bytes_copied, 64 * 1024);
}

static void stream_read_write_write_error(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, ENOSYS);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL, ENOSYS);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_SHORT, 100);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_FAIL, ENOSPC);

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, ENOSPC);
}

static void stream_ficlone_error_fails(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job;

	fixture_job_start(&f->fj, f->dir, SOURCE_SIZE, 1);
	job = &f->fj.job;
	wrap_reset();
	wrap_queue(WRAP_IOCTL, job->dest.fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.error, EIO);
	assert_int_equal(job->error.side, IO_SIDE_EITHER);
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 0);
	assert_int_equal(source_reads(job), 0);
}

static void stream_ficlone_retries_eintr(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job;

	fixture_job_start(&f->fj, f->dir, SOURCE_SIZE, 1);
	job = &f->fj.job;
	wrap_reset();
	wrap_queue(WRAP_IOCTL, job->dest.fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_IOCTL, job->dest.fd, WRAP_FAIL, EOPNOTSUPP);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(wrap_count(WRAP_IOCTL), 2);
}

static void stream_reflink_always_refused(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	f->fj.options.reflink = REFLINK_ALWAYS;

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.error, EOPNOTSUPP);
	assert_non_null(job->error.detail);
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 0);
}

static void stream_reflink_never_skips_cfr(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job;

	fixture_job_start(&f->fj, f->dir, SOURCE_SIZE, 1);
	job = &f->fj.job;
	f->fj.options.reflink = REFLINK_NEVER;
	wrap_reset();

	/* copy_file_range may share extents too, so it is skipped. */
	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(wrap_count(WRAP_IOCTL), 0);
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 0);
	assert_string_equal(job->mechanism, "sendfile");
}

/* /proc files report st_size 0 despite their content, so read() decides. */
static void stream_size_zero_uses_read(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	job->source_stat.st_size = 0;

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "read/write");
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 0);
	assert_int_equal(wrap_count(WRAP_SENDFILE), 0);
}

static void stream_empty_source(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, 0);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(job->bytes_copied, 0);
}

static void stream_pipe_uses_splice(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, 50000);

	fixture_job_use_pipe(&f->fj);
	wrap_queue(WRAP_SPLICE, job->source_fd, WRAP_SHORT, 10000);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "splice");
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 0);
	assert_int_equal(wrap_count(WRAP_SENDFILE), 0);
}

static void stream_splice_refusal_falls_back(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, 50000);

	fixture_job_use_pipe(&f->fj);
	wrap_queue(WRAP_SPLICE, job->source_fd, WRAP_FAIL, EINVAL);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "read/write");
	assert_int_equal(wrap_count(WRAP_SPLICE), 1);
}

static void stream_splice_error_fails(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, 50000);

	fixture_job_use_pipe(&f->fj);
	wrap_queue(WRAP_SPLICE, job->source_fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_stream.copy(job), -1);
	assert_int_equal(job->error.error, EIO);
	assert_int_equal(source_reads(job), 0);
}

/*
 * Write a source of 1 MiB of data, a 2 MiB hole, 1 MiB of data and a
 * 1 MiB hole at the end, and open it as the job's source.
 */
static void make_holey_source(struct stream_fixture *f)
{
	struct fixture_job *fj = &f->fj;
	struct copy_job *job = &fj->job;
	int fd;

	start(f, 5 * MIB);
	memset(fj->data + MIB, 0, 2 * MIB);
	memset(fj->data + 4 * MIB, 0, MIB);

	fd = open(fj->source_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, fj->data, MIB, 0), (ssize_t)MIB);
	assert_int_equal(pwrite(fd, fj->data + 3 * MIB, MIB, 3 * MIB),
			 (ssize_t)MIB);
	assert_int_equal(ftruncate(fd, 5 * MIB), 0);
	assert_int_equal(fsync(fd), 0);
	close(fd);
	assert_int_equal(fstat(job->source_fd, &job->source_stat), 0);
	wrap_reset();
	wrap_queue(WRAP_IOCTL, job->dest.fd, WRAP_FAIL, EOPNOTSUPP);
}

static void stream_keeps_holes(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = &f->fj.job;
	struct stat st;

	make_holey_source(f);
	if ((uint64_t)job->source_stat.st_blocks * 512 >= 5 * MIB)
		skip();		/* the filesystem under /tmp has no holes */

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(fstat(job->dest.fd, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < 5 * MIB);
	assert_int_equal(job->bytes_copied, 5 * MIB);
}

/* A refused mechanism stays dropped for the second data extent. */
static void stream_refusal_not_retried(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = &f->fj.job;

	make_holey_source(f);
	if ((uint64_t)job->source_stat.st_blocks * 512 >= 5 * MIB)
		skip();		/* one extent only: nothing to retry */
	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EXDEV);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 1);
	assert_true(wrap_count(WRAP_SENDFILE) >= 2);
	assert_string_equal(job->mechanism, "sendfile");
}

static void stream_holes_read_write_fallback(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = &f->fj.job;

	make_holey_source(f);
	wrap_queue(WRAP_COPY_FILE_RANGE, job->source_fd, WRAP_FAIL, EXDEV);
	wrap_queue(WRAP_SENDFILE, job->source_fd, WRAP_FAIL, EINVAL);

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "read/write");
	assert_int_equal(wrap_count(WRAP_COPY_FILE_RANGE), 1);
	assert_int_equal(wrap_count(WRAP_SENDFILE), 1);
}

static void stream_sparse_always_punches(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = start(f, 4 * MIB);
	struct stat st;

	/* Zeros written as data in the source become a hole in DEST. */
	memset(f->fj.data + MIB, 0, 2 * MIB);
	fixture_write_file(f->fj.source_path, f->fj.data, f->fj.len, 0644);
	assert_int_equal(fstat(job->source_fd, &job->source_stat), 0);
	f->fj.options.sparse = SPARSE_ALWAYS;

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_string_equal(job->mechanism, "read/write");
	assert_int_equal(fstat(job->dest.fd, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < 3 * MIB);
}

static void stream_sparse_never_writes_zeros(void **state)
{
	struct stream_fixture *f = *state;
	struct copy_job *job = &f->fj.job;
	struct stat st;

	make_holey_source(f);
	f->fj.options.sparse = SPARSE_NEVER;

	assert_int_equal(strategy_stream.copy(job), 0);
	fixture_job_check_output(&f->fj);
	/* No extent walk: the copy runs over holes and data alike. */
	assert_int_equal(fstat(job->dest.fd, &st), 0);
	assert_int_equal(st.st_size, 5 * MIB);
}

#define STREAM_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		STREAM_TEST(stream_uses_copy_file_range),
		STREAM_TEST(stream_cfr_zero_falls_back),
		STREAM_TEST(stream_cfr_refusal_uses_sendfile),
		STREAM_TEST(stream_refusals_use_read_write),
		STREAM_TEST(stream_fallback_names_errors),
		STREAM_TEST(stream_cfr_data_error_fails),
		STREAM_TEST(stream_refusal_after_data_fails),
		STREAM_TEST(stream_cfr_retries_eintr),
		STREAM_TEST(stream_cfr_continues_short),
		STREAM_TEST(stream_chunk_is_buffer_size),
		STREAM_TEST(stream_sendfile_continues_short),
		STREAM_TEST(stream_sendfile_error_fails),
		STREAM_TEST(stream_read_write_read_error),
		STREAM_TEST(stream_read_write_write_error),
		STREAM_TEST(stream_ficlone_error_fails),
		STREAM_TEST(stream_ficlone_retries_eintr),
		STREAM_TEST(stream_reflink_always_refused),
		STREAM_TEST(stream_reflink_never_skips_cfr),
		STREAM_TEST(stream_size_zero_uses_read),
		STREAM_TEST(stream_empty_source),
		STREAM_TEST(stream_pipe_uses_splice),
		STREAM_TEST(stream_splice_refusal_falls_back),
		STREAM_TEST(stream_splice_error_fails),
		STREAM_TEST(stream_keeps_holes),
		STREAM_TEST(stream_refusal_not_retried),
		STREAM_TEST(stream_holes_read_write_fallback),
		STREAM_TEST(stream_sparse_always_punches),
		STREAM_TEST(stream_sparse_never_writes_zeros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
