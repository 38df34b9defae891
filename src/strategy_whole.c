/*
 * The whole strategy: read the entire source into one allocation, then
 * write it with as few write(2) calls as the kernel allows.  The source
 * is read before DEST is opened, so a source that cannot be read (or is
 * over --max-memory) never touches DEST.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "fcopy/copy.h"
#include "fcopy/msg.h"
#include "fcopy/progress.h"
#include "fcopy/sparse.h"
#include "fcopy/strategy.h"

#define HUGE_PAGE_SIZE ((size_t)2 << 20)

/*
 * Largest read(2) or write(2) request.  The progress bar counts reading
 * as the first half of the work and writing as the second, and moves
 * between these requests.
 */
#define WHOLE_IO_CHUNK ((size_t)64 << 20)

/*
 * Report whether the source's size is known.  The bar then counts reading
 * and writing as halves of the work; otherwise it shows the bytes read.
 */
static bool known_size(const struct copy_job *job)
{
	return S_ISREG(job->source_stat.st_mode);
}

/* First allocation for a source of unknown size (pipe, /proc, /sys). */
#define UNKNOWN_SIZE_START ((size_t)64 * 1024)

/*
 * st_size is only a hint: /proc files report 0 and /sys files 4096.
 * One spare byte lets a file of exactly st_size bytes reach end of file
 * without growing the buffer.
 */
static size_t first_allocation(const struct stat *st, size_t cap)
{
	size_t size = UNKNOWN_SIZE_START;

	if (S_ISREG(st->st_mode) && st->st_size > 0 &&
	    (uint64_t)st->st_size < SIZE_MAX - 1)
		size = (size_t)st->st_size + 1;
	return size < cap + 1 ? size : cap + 1;
}

static int report_too_large(struct copy_job *job, uint64_t size, bool exact)
{
	msg_error("source %s is %s%llu bytes, over the memory limit of %llu "
		  "bytes of -s whole; use -s buffered or -s stream, or raise "
		  "--max-memory", msg_quote(job->source_path),
		  exact ? "" : "more than ", (unsigned long long)size,
		  (unsigned long long)job->options->max_memory);
	job->error.reported = true;
	return copy_fail(job, IO_SIDE_READ, EFBIG);
}

/*
 * Map size bytes of anonymous memory.  Large buffers ask for transparent
 * huge pages: filling 64 MiB through 4 KiB pages costs 16,384 page faults,
 * which made -s whole 1.5 times slower than a read/write loop.
 */
static void *map_buffer(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Only a hint: without huge pages the copy is just slower. */
	if (size >= HUGE_PAGE_SIZE)
		(void)madvise(p, size, MADV_HUGEPAGE);
	return p;
}

/* Double the buffer, up to cap + 1 bytes. Returns 0 or -1 with errno set. */
static int grow(struct copy_job *job, size_t *allocated, size_t cap)
{
	size_t size = *allocated > (cap + 1) / 2 ? cap + 1 : *allocated * 2;
	void *bigger = mremap(job->data, *allocated, size, MREMAP_MAYMOVE);

	if (bigger == MAP_FAILED)
		return -1;
	if (size >= HUGE_PAGE_SIZE)
		(void)madvise(bigger, size, MADV_HUGEPAGE);
	job->data = bigger;
	job->data_capacity = size;
	*allocated = size;
	return 0;
}

static int whole_load(struct copy_job *job)
{
	uint64_t limit = job->options->max_memory;
	size_t cap = limit < SIZE_MAX - 1 ? (size_t)limit : SIZE_MAX - 2;
	size_t allocated;

	if (S_ISREG(job->source_stat.st_mode) &&
	    (uint64_t)job->source_stat.st_size > limit)
		return report_too_large(job, (uint64_t)job->source_stat.st_size,
					true);

	allocated = first_allocation(&job->source_stat, cap);
	job->data = map_buffer(allocated);
	if (!job->data)
		return copy_fail(job, IO_SIDE_NONE, errno);
	job->data_capacity = allocated;

	job->data_length = 0;
	for (;;) {
		size_t room = allocated - job->data_length;
		size_t request = room < WHOLE_IO_CHUNK ? room : WHOLE_IO_CHUNK;
		ssize_t n = io_read_full(job->source_fd,
					 (char *)job->data + job->data_length,
					 request);

		if (n < 0)
			return copy_fail(job, IO_SIDE_READ, errno);
		job->data_length += (size_t)n;
		progress_update(known_size(job) ? job->data_length / 2
						: job->data_length);
		if ((size_t)n < request)
			return 0;	/* a short count is end of file here */
		if (job->data_length < allocated)
			continue;
		if (job->data_length > cap)
			return report_too_large(job, cap, false);
		if (grow(job, &allocated, cap) < 0)
			return copy_fail(job, IO_SIDE_NONE, errno);
	}
}

/* Write the loaded data in WHOLE_IO_CHUNK pieces, so the bar moves. */
static int write_data(struct copy_job *job, bool punch)
{
	const char *data = job->data;
	size_t done = 0;

	while (done < job->data_length) {
		size_t left = job->data_length - done;
		size_t piece = left < WHOLE_IO_CHUNK ? left : WHOLE_IO_CHUNK;
		int rc = punch ? io_write_sparse(job->dest.fd, data + done, piece)
			       : io_write_full(job->dest.fd, data + done, piece);

		if (rc < 0)
			return -1;
		done += piece;
		if (known_size(job))
			progress_update((job->data_length + done) / 2);
	}
	return 0;
}

static int whole_copy(struct copy_job *job)
{
	bool punch = sparse_should_punch(job);

	job->mechanism = "read/write";
	if (write_data(job, punch) < 0)
		return copy_fail(job, IO_SIDE_WRITE, errno);
	if (punch && sparse_finish(job->dest.fd) < 0)
		return copy_fail(job, IO_SIDE_WRITE, errno);

	job->bytes_copied = job->data_length;
	return 0;
}

static void whole_release(struct copy_job *job)
{
	if (job->data)
		(void)munmap(job->data, job->data_capacity);
	job->data = NULL;
	job->data_capacity = 0;
	job->data_length = 0;
}

const struct strategy strategy_whole = {
	.name = "whole",
	.load = whole_load,
	.copy = whole_copy,
	.release = whole_release,
};
