/*
 * The I/O core: retries of EINTR and EAGAIN, continuation of short
 * counts, the errors io_copy_loop() reports, io_close() and the holes of
 * io_write_sparse().  The descriptors are real pipes and temporary files,
 * and the failures come from results scripted through the wrappers.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fcopy/io.h"
#include "fixture.h"
#include "wrap.h"

#define BLOCK 4096

struct io_fixture {
	char *dir;
	int pipe_read;
	int pipe_write;
};

static int setup(void **state)
{
	struct io_fixture *f = calloc(1, sizeof(*f));
	int fds[2];

	if (!f || pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	f->dir = fixture_temp_dir();
	f->pipe_read = fds[0];
	f->pipe_write = fds[1];
	wrap_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct io_fixture *f = *state;

	wrap_reset();
	if (fixture_fd_is_open(f->pipe_read))
		close(f->pipe_read);
	if (fixture_fd_is_open(f->pipe_write))
		close(f->pipe_write);
	fixture_remove_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Create dir/name with len random bytes and open it for reading. */
static int open_source(const struct io_fixture *f, const char *name,
		       unsigned char *data, size_t len)
{
	char *path = fixture_path(f->dir, name);
	int fd;

	fixture_fill_random(data, len, (unsigned)len);
	fixture_write_file(path, data, len, 0644);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	assert_true(fd >= 0);
	return fd;
}

/* Create an empty dir/name and open it for reading and writing. */
static int open_output(const struct io_fixture *f, const char *name)
{
	char *path = fixture_path(f->dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	free(path);
	assert_true(fd >= 0);
	return fd;
}

static void set_nonblocking(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK),
			 0);
}

static void io_read_retries_eintr(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	assert_int_equal(write(f->pipe_write, "hello", 5), 5);
	wrap_reset();
	wrap_queue(WRAP_READ, f->pipe_read, WRAP_FAIL, EINTR);

	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(wrap_count_fd(WRAP_READ, f->pipe_read), 2);
}

static void io_read_polls_on_eagain(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	set_nonblocking(f->pipe_read);
	assert_int_equal(write(f->pipe_write, "hello", 5), 5);
	wrap_reset();
	wrap_queue(WRAP_READ, f->pipe_read, WRAP_FAIL, EAGAIN);

	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), 5);
	assert_int_equal(wrap_count_fd(WRAP_POLL, f->pipe_read), 1);
	assert_int_equal(wrap_count_fd(WRAP_READ, f->pipe_read), 2);
}

static void io_read_poll_retries_eintr(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	set_nonblocking(f->pipe_read);
	assert_int_equal(write(f->pipe_write, "hello", 5), 5);
	wrap_reset();
	wrap_queue(WRAP_READ, f->pipe_read, WRAP_FAIL, EAGAIN);
	wrap_queue(WRAP_POLL, f->pipe_read, WRAP_FAIL, EINTR);

	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), 5);
	assert_int_equal(wrap_count_fd(WRAP_POLL, f->pipe_read), 2);
}

static void io_read_poll_error_fails(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	set_nonblocking(f->pipe_read);
	wrap_queue(WRAP_READ, f->pipe_read, WRAP_FAIL, EAGAIN);
	wrap_queue(WRAP_POLL, f->pipe_read, WRAP_FAIL, ENOMEM);

	errno = 0;
	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENOMEM);
}

/* A real EAGAIN: the pipe is empty until a child writes into it. */
static void io_read_waits_for_writer(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];
	pid_t child;
	int status;

	set_nonblocking(f->pipe_read);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		const struct timespec delay = { .tv_nsec = 100 * 1000 * 1000 };

		nanosleep(&delay, NULL);
		_exit(write(f->pipe_write, "late", 4) == 4 ? 0 : 1);
	}

	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "late", 4);
	/*
	 * NOTE: this assumes the parent reaches read() within the child's
	 * 100 ms delay.  On a machine stalled for longer, read() finds the
	 * data at once and makes no poll() call.
	 */
	assert_true(wrap_count_fd(WRAP_POLL, f->pipe_read) >= 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
}

static void io_read_error_fails(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	wrap_queue(WRAP_READ, f->pipe_read, WRAP_FAIL, EIO);

	errno = 0;
	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(wrap_count_fd(WRAP_READ, f->pipe_read), 1);
}

static void io_read_eof_returns_zero(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	close(f->pipe_write);
	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), 0);
}

static void io_read_short_not_continued(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	assert_int_equal(write(f->pipe_write, "hello", 5), 5);
	wrap_reset();
	wrap_queue(WRAP_READ, f->pipe_read, WRAP_SHORT, 2);

	assert_int_equal(io_read(f->pipe_read, buf, sizeof(buf)), 2);
	assert_int_equal(wrap_count_fd(WRAP_READ, f->pipe_read), 1);
}

static void io_write_retries_eintr(void **state)
{
	struct io_fixture *f = *state;
	char buf[16];

	wrap_queue(WRAP_WRITE, f->pipe_write, WRAP_FAIL, EINTR);

	assert_int_equal(io_write(f->pipe_write, "hello", 5), 5);
	assert_int_equal(wrap_count_fd(WRAP_WRITE, f->pipe_write), 2);
	assert_int_equal(read(f->pipe_read, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
}

static void io_write_polls_on_eagain(void **state)
{
	struct io_fixture *f = *state;

	set_nonblocking(f->pipe_write);
	wrap_queue(WRAP_WRITE, f->pipe_write, WRAP_FAIL, EAGAIN);

	assert_int_equal(io_write(f->pipe_write, "hello", 5), 5);
	assert_int_equal(wrap_count_fd(WRAP_POLL, f->pipe_write), 1);
	assert_int_equal(wrap_count_fd(WRAP_WRITE, f->pipe_write), 2);
}

static void io_write_error_fails(void **state)
{
	struct io_fixture *f = *state;

	wrap_queue(WRAP_WRITE, f->pipe_write, WRAP_FAIL, EPIPE);

	errno = 0;
	assert_int_equal(io_write(f->pipe_write, "hello", 5), -1);
	assert_int_equal(errno, EPIPE);
}

static void io_read_full_continues_short(void **state)
{
	struct io_fixture *f = *state;
	unsigned char data[10000];
	unsigned char buf[10000];
	int fd = open_source(f, "source", data, sizeof(data));

	wrap_queue(WRAP_READ, fd, WRAP_SHORT, 333);
	wrap_queue(WRAP_READ, fd, WRAP_SHORT, 1);
	wrap_queue(WRAP_READ, fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_READ, fd, WRAP_SHORT, 4000);

	assert_int_equal(io_read_full(fd, buf, sizeof(buf)), sizeof(buf));
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(wrap_pending(WRAP_READ), 0);
	close(fd);
}

static void io_read_full_stops_at_eof(void **state)
{
	struct io_fixture *f = *state;
	unsigned char data[500];
	unsigned char buf[1000];
	int fd = open_source(f, "source", data, sizeof(data));

	wrap_queue(WRAP_READ, fd, WRAP_SHORT, 100);

	assert_int_equal(io_read_full(fd, buf, sizeof(buf)), sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	close(fd);
}

static void io_read_full_error_fails(void **state)
{
	struct io_fixture *f = *state;
	unsigned char data[1000];
	unsigned char buf[1000];
	int fd = open_source(f, "source", data, sizeof(data));

	wrap_queue(WRAP_READ, fd, WRAP_SHORT, 100);
	wrap_queue(WRAP_READ, fd, WRAP_FAIL, EIO);

	errno = 0;
	assert_int_equal(io_read_full(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EIO);
	close(fd);
}

static void io_write_full_continues_short(void **state)
{
	struct io_fixture *f = *state;
	unsigned char data[10000];
	unsigned char *written;
	size_t len;
	int fd = open_output(f, "out");

	fixture_fill_random(data, sizeof(data), 7);
	wrap_queue(WRAP_WRITE, fd, WRAP_SHORT, 333);
	wrap_queue(WRAP_WRITE, fd, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_WRITE, fd, WRAP_SHORT, 1);
	wrap_queue(WRAP_WRITE, fd, WRAP_SHORT, 333);

	assert_int_equal(io_write_full(fd, data, sizeof(data)), 0);
	assert_int_equal(wrap_pending(WRAP_WRITE), 0);
	written = fixture_read_fd(fd, &len);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(written, data, sizeof(data));
	free(written);
	close(fd);
}

static void io_write_full_zero_is_enospc(void **state)
{
	struct io_fixture *f = *state;
	int fd = open_output(f, "out");

	wrap_queue(WRAP_WRITE, fd, WRAP_RETURN, 0);

	errno = 0;
	assert_int_equal(io_write_full(fd, "hello", 5), -1);
	assert_int_equal(errno, ENOSPC);
	/* One call: a write that makes no progress is not retried. */
	assert_int_equal(wrap_count_fd(WRAP_WRITE, fd), 1);
	close(fd);
}

static void io_write_full_error_fails(void **state)
{
	struct io_fixture *f = *state;
	int fd = open_output(f, "out");

	wrap_queue(WRAP_WRITE, fd, WRAP_SHORT, 2);
	wrap_queue(WRAP_WRITE, fd, WRAP_FAIL, EIO);

	errno = 0;
	assert_int_equal(io_write_full(fd, "hello", 5), -1);
	assert_int_equal(errno, EIO);
	close(fd);
}

static void io_copy_loop_copies_all(void **state)
{
	struct io_fixture *f = *state;
	static unsigned char data[100000];
	struct io_copy_result result;
	unsigned char buf[BLOCK];
	unsigned char *written;
	size_t len;
	int in = open_source(f, "source", data, sizeof(data));
	int out = open_output(f, "out");

	wrap_queue(WRAP_READ, in, WRAP_SHORT, 100);
	wrap_queue(WRAP_READ, in, WRAP_FAIL, EINTR);
	wrap_queue(WRAP_WRITE, out, WRAP_SHORT, 7);
	wrap_queue(WRAP_WRITE, out, WRAP_FAIL, EINTR);

	assert_int_equal(io_copy_loop(in, out, buf, sizeof(buf), NULL,
				      &result), 0);
	assert_int_equal(result.bytes, sizeof(data));
	assert_int_equal(result.failed, IO_SIDE_NONE);
	assert_int_equal(result.error, 0);
	written = fixture_read_fd(out, &len);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(written, data, sizeof(data));
	free(written);
	close(in);
	close(out);
}

static void io_copy_loop_read_error(void **state)
{
	struct io_fixture *f = *state;
	static unsigned char data[5 * BLOCK];
	struct io_copy_result result;
	unsigned char buf[BLOCK];
	unsigned char *written;
	size_t len;
	int in = open_source(f, "source", data, sizeof(data));
	int out = open_output(f, "out");

	wrap_queue(WRAP_READ, in, WRAP_PASS, 0);
	wrap_queue(WRAP_READ, in, WRAP_FAIL, EIO);

	assert_int_equal(io_copy_loop(in, out, buf, sizeof(buf), NULL,
				      &result), -1);
	assert_int_equal(result.failed, IO_SIDE_READ);
	assert_int_equal(result.error, EIO);
	assert_int_equal(result.bytes, BLOCK);
	written = fixture_read_fd(out, &len);
	assert_int_equal(len, BLOCK);
	assert_memory_equal(written, data, BLOCK);
	free(written);
	close(in);
	close(out);
}

static void io_copy_loop_write_error(void **state)
{
	struct io_fixture *f = *state;
	static unsigned char data[5 * BLOCK];
	struct io_copy_result result;
	unsigned char buf[BLOCK];
	int in = open_source(f, "source", data, sizeof(data));
	int out = open_output(f, "out");

	wrap_queue(WRAP_WRITE, out, WRAP_PASS, 0);
	wrap_queue(WRAP_WRITE, out, WRAP_FAIL, ENOSPC);

	assert_int_equal(io_copy_loop(in, out, buf, sizeof(buf), NULL,
				      &result), -1);
	assert_int_equal(result.failed, IO_SIDE_WRITE);
	assert_int_equal(result.error, ENOSPC);
	assert_int_equal(result.bytes, BLOCK);
	close(in);
	close(out);
}

/* A block written in part is not counted in result.bytes. */
static void io_copy_loop_short_then_enospc(void **state)
{
	struct io_fixture *f = *state;
	static unsigned char data[5 * BLOCK];
	struct io_copy_result result;
	unsigned char buf[BLOCK];
	struct stat st;
	int in = open_source(f, "source", data, sizeof(data));
	int out = open_output(f, "out");

	wrap_queue(WRAP_WRITE, out, WRAP_SHORT, 1000);
	wrap_queue(WRAP_WRITE, out, WRAP_FAIL, ENOSPC);

	assert_int_equal(io_copy_loop(in, out, buf, sizeof(buf), NULL,
				      &result), -1);
	assert_int_equal(result.failed, IO_SIDE_WRITE);
	assert_int_equal(result.error, ENOSPC);
	assert_int_equal(result.bytes, 0);
	assert_int_equal(fstat(out, &st), 0);
	assert_int_equal(st.st_size, 1000);
	close(in);
	close(out);
}

static void io_copy_loop_write_zero(void **state)
{
	struct io_fixture *f = *state;
	unsigned char data[BLOCK];
	struct io_copy_result result;
	unsigned char buf[BLOCK];
	int in = open_source(f, "source", data, sizeof(data));
	int out = open_output(f, "out");

	wrap_queue(WRAP_WRITE, out, WRAP_RETURN, 0);

	assert_int_equal(io_copy_loop(in, out, buf, sizeof(buf), NULL,
				      &result), -1);
	assert_int_equal(result.failed, IO_SIDE_WRITE);
	assert_int_equal(result.error, ENOSPC);
	assert_int_equal(result.bytes, 0);
	close(in);
	close(out);
}

static void io_copy_loop_from_pipe(void **state)
{
	struct io_fixture *f = *state;
	unsigned char data[3000];
	struct io_copy_result result;
	unsigned char buf[BLOCK];
	unsigned char *written;
	size_t len;
	int out = open_output(f, "out");

	fixture_fill_random(data, sizeof(data), 3);
	assert_int_equal(write(f->pipe_write, data, sizeof(data)),
			 sizeof(data));
	close(f->pipe_write);
	wrap_queue(WRAP_READ, f->pipe_read, WRAP_SHORT, 1000);

	assert_int_equal(io_copy_loop(f->pipe_read, out, buf, sizeof(buf),
				      NULL, &result), 0);
	assert_int_equal(result.bytes, sizeof(data));
	written = fixture_read_fd(out, &len);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(written, data, sizeof(data));
	free(written);
	close(out);
}

static void io_close_eintr_is_success(void **state)
{
	struct io_fixture *f = *state;

	/* Linux releases the descriptor before it reports EINTR. */
	wrap_queue(WRAP_CLOSE, f->pipe_write, WRAP_CALL_THEN_FAIL, EINTR);

	assert_int_equal(io_close(f->pipe_write), 0);
	assert_false(fixture_fd_is_open(f->pipe_write));
	assert_int_equal(wrap_count_fd(WRAP_CLOSE, f->pipe_write), 1);
}

static void io_close_eio_fails(void **state)
{
	struct io_fixture *f = *state;

	wrap_queue(WRAP_CLOSE, f->pipe_write, WRAP_CALL_THEN_FAIL, EIO);

	errno = 0;
	assert_int_equal(io_close(f->pipe_write), -1);
	assert_int_equal(errno, EIO);
}

static void io_close_quietly_keeps_errno(void **state)
{
	struct io_fixture *f = *state;

	wrap_queue(WRAP_CLOSE, f->pipe_write, WRAP_CALL_THEN_FAIL, EIO);

	errno = EXDEV;
	io_close_quietly(f->pipe_write);
	assert_int_equal(errno, EXDEV);
	assert_false(fixture_fd_is_open(f->pipe_write));
}

static void io_close_quietly_skips_negative(void **state)
{
	(void)state;
	errno = EXDEV;
	io_close_quietly(-1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(wrap_count(WRAP_CLOSE), 0);
}

/* Write data through io_write_sparse(), set the size, and check it. */
static void check_sparse_write(const struct io_fixture *f,
			       const unsigned char *data, size_t len,
			       unsigned long expected_seeks)
{
	unsigned char *written;
	size_t written_len;
	struct stat st;
	int fd = open_output(f, "sparse");

	wrap_reset();
	assert_int_equal(io_write_sparse(fd, data, len), 0);
	assert_int_equal(wrap_count_fd(WRAP_LSEEK, fd), expected_seeks);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), (off_t)len);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);

	written = fixture_read_fd(fd, &written_len);
	assert_int_equal(written_len, len);
	assert_memory_equal(written, data, len);
	free(written);

	assert_int_equal(fstat(fd, &st), 0);
	if (expected_seeks > 0)
		assert_true((uint64_t)st.st_blocks * 512 < (uint64_t)len);
	close(fd);
}

static void io_sparse_seeks_over_zeros(void **state)
{
	static unsigned char data[16 * BLOCK];

	/* Data, then 12 zero blocks (one seek), then data again. */
	fixture_fill_random(data, sizeof(data), 11);
	memset(data + BLOCK, 0, 12 * BLOCK);
	check_sparse_write(*state, data, sizeof(data), 1);
}

static void io_sparse_zero_tail(void **state)
{
	static unsigned char data[8 * BLOCK + 100];

	/* The zero tail, partial block included, is left to ftruncate. */
	fixture_fill_random(data, sizeof(data), 12);
	memset(data + BLOCK, 0, sizeof(data) - BLOCK);
	check_sparse_write(*state, data, sizeof(data), 1);
}

static void io_sparse_all_zero(void **state)
{
	static unsigned char data[16 * BLOCK];

	memset(data, 0, sizeof(data));
	check_sparse_write(*state, data, sizeof(data), 1);
}

static void io_sparse_two_zero_runs(void **state)
{
	static unsigned char data[16 * BLOCK];

	fixture_fill_random(data, sizeof(data), 13);
	memset(data, 0, 4 * BLOCK);
	memset(data + 8 * BLOCK, 0, 4 * BLOCK);
	check_sparse_write(*state, data, sizeof(data), 2);
}

static void io_sparse_keeps_unaligned_zeros(void **state)
{
	static unsigned char data[4 * BLOCK];

	/* 4 KiB of zeros that straddle two blocks make no hole. */
	fixture_fill_random(data, sizeof(data), 14);
	memset(data + BLOCK / 2, 0, BLOCK);
	check_sparse_write(*state, data, sizeof(data), 0);
}

static void io_sparse_seek_error_fails(void **state)
{
	struct io_fixture *f = *state;
	static unsigned char data[4 * BLOCK];
	int fd = open_output(f, "sparse");

	memset(data, 0, sizeof(data));
	wrap_queue(WRAP_LSEEK, fd, WRAP_FAIL, EIO);

	errno = 0;
	assert_int_equal(io_write_sparse(fd, data, sizeof(data)), -1);
	assert_int_equal(errno, EIO);
	close(fd);
}

static void io_copy_loop_skips_zeros(void **state)
{
	struct io_fixture *f = *state;
	static unsigned char data[32 * BLOCK];
	const struct io_copy_options options = { .skip_zero_blocks = true };
	struct io_copy_result result;
	unsigned char buf[8 * BLOCK];
	unsigned char *written;
	size_t len;
	struct stat st;
	char *path = fixture_path(f->dir, "source");
	int in, out;

	fixture_fill_random(data, sizeof(data), 15);
	memset(data + 4 * BLOCK, 0, 20 * BLOCK);
	fixture_write_file(path, data, sizeof(data), 0644);
	in = open(path, O_RDONLY | O_CLOEXEC);
	out = open_output(f, "out");
	free(path);

	assert_int_equal(io_copy_loop(in, out, buf, sizeof(buf), &options,
				      &result), 0);
	assert_int_equal(result.bytes, sizeof(data));
	assert_int_equal(ftruncate(out, lseek(out, 0, SEEK_CUR)), 0);
	written = fixture_read_fd(out, &len);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(written, data, sizeof(data));
	free(written);
	assert_int_equal(fstat(out, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < sizeof(data));
	close(in);
	close(out);
}

static void io_alloc_buffer_is_aligned(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *buf;

	(void)state;
	/* A size that is not a multiple of the page must work too. */
	buf = io_alloc_buffer(1000);
	assert_non_null(buf);
	assert_int_equal((uintptr_t)buf % (uintptr_t)page, 0);
	memset(buf, 1, 1000);
	free(buf);
}

#define IO_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		IO_TEST(io_read_retries_eintr),
		IO_TEST(io_read_polls_on_eagain),
		IO_TEST(io_read_poll_retries_eintr),
		IO_TEST(io_read_poll_error_fails),
		IO_TEST(io_read_waits_for_writer),
		IO_TEST(io_read_error_fails),
		IO_TEST(io_read_eof_returns_zero),
		IO_TEST(io_read_short_not_continued),
		IO_TEST(io_write_retries_eintr),
		IO_TEST(io_write_polls_on_eagain),
		IO_TEST(io_write_error_fails),
		IO_TEST(io_read_full_continues_short),
		IO_TEST(io_read_full_stops_at_eof),
		IO_TEST(io_read_full_error_fails),
		IO_TEST(io_write_full_continues_short),
		IO_TEST(io_write_full_zero_is_enospc),
		IO_TEST(io_write_full_error_fails),
		IO_TEST(io_copy_loop_copies_all),
		IO_TEST(io_copy_loop_read_error),
		IO_TEST(io_copy_loop_write_error),
		IO_TEST(io_copy_loop_short_then_enospc),
		IO_TEST(io_copy_loop_write_zero),
		IO_TEST(io_copy_loop_from_pipe),
		IO_TEST(io_close_eintr_is_success),
		IO_TEST(io_close_eio_fails),
		IO_TEST(io_close_quietly_keeps_errno),
		IO_TEST(io_close_quietly_skips_negative),
		IO_TEST(io_sparse_seeks_over_zeros),
		IO_TEST(io_sparse_zero_tail),
		IO_TEST(io_sparse_all_zero),
		IO_TEST(io_sparse_two_zero_runs),
		IO_TEST(io_sparse_keeps_unaligned_zeros),
		IO_TEST(io_sparse_seek_error_fails),
		IO_TEST(io_copy_loop_skips_zeros),
		IO_TEST(io_alloc_buffer_is_aligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
