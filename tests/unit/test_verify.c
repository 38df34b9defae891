/*
 * --verify: verify_copy() reads the written file back and compares it
 * with the source, or with the bytes the whole strategy keeps in memory.
 * A copy that differs in one byte, or is one byte short, must fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fcopy/copy.h"
#include "fcopy/strategy.h"
#include "fcopy/verify.h"
#include "fixture.h"
#include "wrap.h"

#define LENGTH ((size_t)3 << 20)	/* over the 1 MiB compare chunk */

struct verify_fixture {
	char *dir;
	struct fixture_job fj;
};

static int setup(void **state)
{
	struct verify_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = fixture_temp_dir();
	wrap_reset();
	fixture_job_start(&f->fj, f->dir, LENGTH, 7);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct verify_fixture *f = *state;

	wrap_reset();
	fixture_job_finish(&f->fj);
	fixture_remove_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Write data to DEST's descriptor at offset 0, as a strategy would have. */
static void write_dest(struct verify_fixture *f, const void *data, size_t len)
{
	assert_int_equal(pwrite(f->fj.job.dest.fd, data, len, 0), (ssize_t)len);
}

/* Run verify_copy() with standard error captured; returns its status. */
static int verify(struct verify_fixture *f, char **printed)
{
	struct fixture_capture capture;
	int rc;

	fixture_capture_start(&capture, STDERR_FILENO);
	rc = verify_copy(&f->fj.job);
	*printed = fixture_capture_end(&capture);
	return rc;
}

static void verify_accepts_identical_copy(void **state)
{
	struct verify_fixture *f = *state;
	char *printed;

	write_dest(f, f->fj.data, f->fj.len);
	assert_int_equal(verify(f, &printed), 0);
	assert_string_equal(printed, "");
	free(printed);
}

static void verify_rejects_changed_byte(void **state)
{
	struct verify_fixture *f = *state;
	unsigned char *copy = malloc(f->fj.len);
	char *printed;

	assert_non_null(copy);
	memcpy(copy, f->fj.data, f->fj.len);
	copy[f->fj.len - 10] ^= 0x40;	/* in the last compare chunk */
	write_dest(f, copy, f->fj.len);

	assert_int_equal(verify(f, &printed), -1);
	assert_non_null(strstr(printed, "verification failed"));
	free(printed);
	free(copy);
}

static void verify_rejects_short_copy(void **state)
{
	struct verify_fixture *f = *state;
	char *printed;

	write_dest(f, f->fj.data, f->fj.len - 1);
	assert_int_equal(verify(f, &printed), -1);
	assert_non_null(strstr(printed, "verification failed"));
	free(printed);
}

static void verify_rejects_longer_copy(void **state)
{
	struct verify_fixture *f = *state;
	char *printed;

	write_dest(f, f->fj.data, f->fj.len);
	assert_int_equal(pwrite(f->fj.job.dest.fd, "x", 1, (off_t)f->fj.len), 1);

	assert_int_equal(verify(f, &printed), -1);
	assert_non_null(strstr(printed, "verification failed"));
	free(printed);
}

static void verify_memory_rejects_change(void **state)
{
	struct verify_fixture *f = *state;
	unsigned char *copy = malloc(f->fj.len);
	char *printed;

	assert_non_null(copy);
	memcpy(copy, f->fj.data, f->fj.len);
	copy[0] ^= 1;
	write_dest(f, copy, f->fj.len);

	/* The whole strategy compares with the bytes it loaded. */
	f->fj.job.data = f->fj.data;
	f->fj.job.data_length = f->fj.len;
	assert_int_equal(verify(f, &printed), -1);
	f->fj.job.data = NULL;
	assert_non_null(strstr(printed, "verification failed"));
	free(printed);
	free(copy);
}

static void verify_memory_accepts_copy(void **state)
{
	struct verify_fixture *f = *state;
	char *printed;

	write_dest(f, f->fj.data, f->fj.len);
	f->fj.job.data = f->fj.data;
	f->fj.job.data_length = f->fj.len;
	assert_int_equal(verify(f, &printed), 0);
	f->fj.job.data = NULL;
	free(printed);
}

static void verify_check_rejects_stdin(void **state)
{
	struct verify_fixture *f = *state;
	struct fixture_capture capture;
	char *printed;
	int rc;

	/* Standard input is read once, whatever file is behind it. */
	f->fj.job.source_borrowed = true;
	fixture_capture_start(&capture, STDERR_FILENO);
	rc = verify_check(&f->fj.job, &strategy_stream);
	printed = fixture_capture_end(&capture);

	assert_int_equal(rc, -1);
	assert_non_null(strstr(printed, "cannot be read twice"));
	free(printed);
}

static void verify_check_whole_accepts_stdin(void **state)
{
	struct verify_fixture *f = *state;

	/* The whole strategy compares with the copy it keeps in memory. */
	f->fj.job.source_borrowed = true;
	assert_int_equal(verify_check(&f->fj.job, &strategy_whole), 0);
}

static void verify_copy_rejects_stdin(void **state)
{
	struct verify_fixture *f = *state;
	char *printed;

	f->fj.job.source_borrowed = true;
	write_dest(f, f->fj.data, f->fj.len);
	assert_int_equal(verify(f, &printed), -1);
	free(printed);
}

#define VERIFY_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		VERIFY_TEST(verify_accepts_identical_copy),
		VERIFY_TEST(verify_rejects_changed_byte),
		VERIFY_TEST(verify_rejects_short_copy),
		VERIFY_TEST(verify_rejects_longer_copy),
		VERIFY_TEST(verify_memory_rejects_change),
		VERIFY_TEST(verify_memory_accepts_copy),
		VERIFY_TEST(verify_check_rejects_stdin),
		VERIFY_TEST(verify_check_whole_accepts_stdin),
		VERIFY_TEST(verify_copy_rejects_stdin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
