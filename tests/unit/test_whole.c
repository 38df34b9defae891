/*
 * The whole strategy: load() reads the entire source into memory, copy()
 * writes it, release() frees it.  Sources whose st_size is not their
 * length (pipes, /proc files) must be read to end of file, and --max-memory
 * caps what load() accepts.
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

#define KIB ((size_t)1024)

struct whole_fixture {
	char *dir;
	struct fixture_job fj;
	bool loaded;		/* release() is due */
};

static int setup(void **state)
{
	struct whole_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = fixture_temp_dir();
	wrap_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct whole_fixture *f = *state;

	wrap_reset();
	if (f->loaded)
		strategy_whole.release(&f->fj.job);
	fixture_job_finish(&f->fj);
	fixture_remove_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct copy_job *start(struct whole_fixture *f, size_t len)
{
	fixture_job_start(&f->fj, f->dir, len, (unsigned)len);
	f->fj.options.strategy = STRATEGY_WHOLE;
	wrap_reset();
	return &f->fj.job;
}

/* Run load(), keeping release() due even when load() fails. */
static int load(struct whole_fixture *f)
{
	f->loaded = true;
	return strategy_whole.load(&f->fj.job);
}

/* Run load() with standard error captured and return what it printed. */
static char *load_capturing(struct whole_fixture *f, int *rc)
{
	struct fixture_capture capture;

	fixture_capture_start(&capture, STDERR_FILENO);
	*rc = load(f);
	return fixture_capture_end(&capture);
}

static void whole_copies_regular_file(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 300 * KIB + 5);

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, f->fj.len);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(job->bytes_copied, f->fj.len);
	assert_string_equal(job->mechanism, "read/write");
}

static void whole_copies_empty_file(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 0);

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, 0);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

static void whole_copies_pipe(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 50000);

	fixture_job_use_pipe(&f->fj);

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, 50000);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

/* A pipe over the first 64 KiB allocation makes load() grow its buffer. */
static void whole_pipe_grows_buffer(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 700 * KIB + 1);

	fixture_job_use_pipe(&f->fj);

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, f->fj.len);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

/* st_size 0 with content is what /proc files report. */
static void whole_size_zero_reads_all(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 200 * KIB + 3);

	job->source_stat.st_size = 0;

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, f->fj.len);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

/* A file that grew after fstat() is read to its end all the same. */
static void whole_source_grew(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 100 * KIB);

	job->source_stat.st_size = 10 * KIB;

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, f->fj.len);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

static void whole_load_continues_short(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 100 * KIB);

	wrap_queue(WRAP_READ, job->source_fd, WRAP_SHORT, 1000);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_SHORT, 1);

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, f->fj.len);
	assert_int_equal(wrap_pending(WRAP_READ), 0);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

static void whole_load_read_error(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 100 * KIB);

	wrap_queue(WRAP_READ, job->source_fd, WRAP_SHORT, 1000);
	wrap_queue(WRAP_READ, job->source_fd, WRAP_FAIL, EIO);

	assert_int_equal(load(f), -1);
	assert_int_equal(job->error.side, IO_SIDE_READ);
	assert_int_equal(job->error.error, EIO);
}

static void whole_short_write_then_enospc(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 100 * KIB);
	unsigned char *output;
	size_t len;

	assert_int_equal(load(f), 0);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_SHORT, 1000);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_FAIL, ENOSPC);

	assert_int_equal(strategy_whole.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, ENOSPC);
	output = fixture_job_output(&f->fj, &len);
	assert_int_equal(len, 1000);
	assert_memory_equal(output, f->fj.data, 1000);
	free(output);
}

static void whole_write_zero_is_enospc(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 10 * KIB);

	assert_int_equal(load(f), 0);
	wrap_queue(WRAP_WRITE, job->dest.fd, WRAP_RETURN, 0);

	assert_int_equal(strategy_whole.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, ENOSPC);
}

static void whole_over_max_memory_fails(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 10000);
	char *printed;
	int rc;

	f->fj.options.max_memory = KIB;

	printed = load_capturing(f, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(job->error.error, EFBIG);
	assert_int_equal(job->error.side, IO_SIDE_READ);
	assert_true(job->error.reported);
	assert_non_null(strstr(printed, "10000 bytes"));
	assert_non_null(strstr(printed, "--max-memory"));
	/* st_size decides before anything is read. */
	assert_int_equal(wrap_count_fd(WRAP_READ, job->source_fd), 0);
	free(printed);
}

static void whole_max_memory_is_inclusive(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 4 * KIB);

	f->fj.options.max_memory = 4 * KIB;

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, 4 * KIB);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

static void whole_pipe_over_max_memory(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 5000);
	char *printed;
	int rc;

	fixture_job_use_pipe(&f->fj);
	f->fj.options.max_memory = 4 * KIB;

	printed = load_capturing(f, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(job->error.error, EFBIG);
	assert_true(job->error.reported);
	assert_non_null(strstr(printed, "more than 4096 bytes"));
	free(printed);
}

static void whole_pipe_at_max_memory(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 4 * KIB);

	fixture_job_use_pipe(&f->fj);
	f->fj.options.max_memory = 4 * KIB;

	assert_int_equal(load(f), 0);
	assert_int_equal(job->data_length, 4 * KIB);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
}

/* The cap applies after the buffer has grown, not only at the start. */
static void whole_size_zero_over_max(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 300 * KIB);
	char *printed;
	int rc;

	job->source_stat.st_size = 0;
	f->fj.options.max_memory = 200 * KIB;

	printed = load_capturing(f, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(job->error.error, EFBIG);
	free(printed);
}

static void whole_sparse_always_punches(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 64 * 4 * KIB);
	struct stat st;

	/* All but the first block are zeros, the end of the file included. */
	memset(f->fj.data + 4 * KIB, 0, 63 * 4 * KIB);
	fixture_write_file(f->fj.source_path, f->fj.data, f->fj.len, 0644);
	f->fj.options.sparse = SPARSE_ALWAYS;

	assert_int_equal(load(f), 0);
	assert_int_equal(strategy_whole.copy(job), 0);
	fixture_job_check_output(&f->fj);
	assert_int_equal(fstat(job->dest.fd, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < f->fj.len);
}

static void whole_sparse_size_error(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 16 * KIB);

	memset(f->fj.data + 4 * KIB, 0, 12 * KIB);
	fixture_write_file(f->fj.source_path, f->fj.data, f->fj.len, 0644);
	f->fj.options.sparse = SPARSE_ALWAYS;
	assert_int_equal(load(f), 0);
	wrap_queue(WRAP_FTRUNCATE, job->dest.fd, WRAP_FAIL, EIO);

	assert_int_equal(strategy_whole.copy(job), -1);
	assert_int_equal(job->error.side, IO_SIDE_WRITE);
	assert_int_equal(job->error.error, EIO);
}

static void whole_release_clears_data(void **state)
{
	struct whole_fixture *f = *state;
	struct copy_job *job = start(f, 10 * KIB);

	assert_int_equal(load(f), 0);
	strategy_whole.release(job);
	f->loaded = false;
	assert_null(job->data);
	assert_int_equal(job->data_length, 0);
}

#define WHOLE_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		WHOLE_TEST(whole_copies_regular_file),
		WHOLE_TEST(whole_copies_empty_file),
		WHOLE_TEST(whole_copies_pipe),
		WHOLE_TEST(whole_pipe_grows_buffer),
		WHOLE_TEST(whole_size_zero_reads_all),
		WHOLE_TEST(whole_source_grew),
		WHOLE_TEST(whole_load_continues_short),
		WHOLE_TEST(whole_load_read_error),
		WHOLE_TEST(whole_short_write_then_enospc),
		WHOLE_TEST(whole_write_zero_is_enospc),
		WHOLE_TEST(whole_over_max_memory_fails),
		WHOLE_TEST(whole_max_memory_is_inclusive),
		WHOLE_TEST(whole_pipe_over_max_memory),
		WHOLE_TEST(whole_pipe_at_max_memory),
		WHOLE_TEST(whole_size_zero_over_max),
		WHOLE_TEST(whole_sparse_always_punches),
		WHOLE_TEST(whole_sparse_size_error),
		WHOLE_TEST(whole_release_clears_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
