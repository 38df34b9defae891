/*
 * The buffered strategy: one -b sized buffer and the I/O core's loop.
 * Short counts and EINTR must not change DEST.  EIO and ENOSPC must be
 * reported on the side that failed.
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

#define BUFFER ((size_t)4096)
#define SOURCE_SIZE ((size_t)50000)

struct buffered_fixture {
	char *dir;
	struct fixture_job fj;
};

static int setup(void **state)
{
	struct buffered_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = fixture_temp_dir();
	wrap_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct buffered_fixture *f = *state;

	wrap_reset();
	fixture_job_finish(&f->fj);
	fixture_remove_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Start a job as "-b 4096" would: the buffered strategy, 4 KiB buffer. */
static struct copy_job *start(struct buffered_fixture *f, size_t len)
{
	fixture_job_start(&f->fj, f->dir, len, (unsigned)len);
	f->fj.options.strategy = STRATEGY_BUFFERED;
	f->fj.options.buffer_size = BUFFER;
	f->fj.options.buffer_size_set = true;
	wrap_reset();
	return &f->fj.job;
}

static void buffered_copies_file(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	assert_int_equal(strategy_buffered.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(job->bytes_copied, SOURCE_SIZE);
	assert_string_equal(job->mechanism, "read/write");
	/* 50000 bytes take 13 reads of 4 KiB, and a 14th finds end of file. */
	assert_int_equal(wrap_count_fd(WRAP_READ, job->source_fd), 14);
}

static void buffered_continues_short_counts(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_READ, job->source_fd, WRAP_SHORT, 100);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_SHORT, 1);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_SHORT, 7);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_SHORT, 4000);

	assert_int_equal(strategy_buffered.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(job->bytes_copied, SOURCE_SIZE);
	assert_int_equal(wrap_pending(WRAP_READ), 0);
	assert_int_equal(wrap_pending(WRAP_WRITE), 0);
}

static void buffered_read_eio_fails(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_READ, job->source_fd, WRAP_PASS, 0);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_buffered.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_READ);
	assert_int_equal(job->error.error, EIO);
	assert_int_equal(job->bytes_copied, BUFFER);
}

static void buffered_write_enospc_fails(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_PASS, 0);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_SHORT, 10);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_FAIL, ENOSPC);

	assert_int_equal(strategy_buffered.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, ENOSPC);
	assert_int_equal(job->bytes_copied, BUFFER);
}

static void buffered_write_eio_fails(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_buffered.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, EIO);
	assert_int_equal(job->bytes_copied, 0);
}

static void buffered_copies_pipe(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, SOURCE_SIZE);

	fixture_job_use_pipe(&f->fj);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_SHORT, 1);

	assert_int_equal(strategy_buffered.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(job->bytes_copied, SOURCE_SIZE);
}

static void buffered_copies_empty_file(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, 0);

	assert_int_equal(strategy_buffered.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(job->bytes_copied, 0);
}

/* Zero blocks become holes, and a zero tail still gives the full size. */
static void buffered_sparse_zero_tail(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, 64 * BUFFER);
	struct stat st;

	memset(f->fj.data + BUFFER, 0, 63 * BUFFER);
	fixture_write_file(f->fj.source_path, f->fj.data, f->fj.len, 0644);
	f->fj.options.sparse = SPARSE_ALWAYS;

	assert_int_equal(strategy_buffered.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(fstat(job->dest.fd, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < f->fj.len);
	assert_int_equal(wrap_count_fd(WRAP_FTRUNCATE, job->dest.fd), 1);
}

static void buffered_sparse_seek_error(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, 4 * BUFFER);

	memset(f->fj.data, 0, f->fj.len);
	fixture_write_file(f->fj.source_path, f->fj.data, f->fj.len, 0644);
	f->fj.options.sparse = SPARSE_ALWAYS;
	wrap_queue(WRAP_LSEEK, job->dest.fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_buffered.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, EIO);
}

static void buffered_sparse_size_error(void **state)
{
	struct buffered_fixture *f = *state;
	struct copy_job *job = start(f, 4 * BUFFER);

	memset(f->fj.data + BUFFER, 0, 3 * BUFFER);
	fixture_write_file(f->fj.source_path, f->fj.data, f->fj.len, 0644);
	f->fj.options.sparse = SPARSE_ALWAYS;
	wrap_queue(WRAP_FTRUNCATE, job->dest.fd, WRAP_FAIL, EFBIG);

	assert_int_equal(strategy_buffered.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, EFBIG);
}

#define BUFFERED_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BUFFERED_TEST(buffered_copies_file),
		BUFFERED_TEST(buffered_continues_short_counts),
		BUFFERED_TEST(buffered_read_eio_fails),
		BUFFERED_TEST(buffered_write_enospc_fails),
		BUFFERED_TEST(buffered_write_eio_fails),
		BUFFERED_TEST(buffered_copies_pipe),
		BUFFERED_TEST(buffered_copies_empty_file),
		BUFFERED_TEST(buffered_sparse_zero_tail),
		BUFFERED_TEST(buffered_sparse_seek_error),
		BUFFERED_TEST(buffered_sparse_size_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
