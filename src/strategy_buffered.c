/*
 * The buffered strategy: one buffer of -b bytes, allocated once and
 * page-aligned, and the I/O core's read/write loop.
 */
#include <errno.h>
#include <stdlib.h>

#include "fcopy/copy.h"
#include "fcopy/sparse.h"
#include "fcopy/strategy.h"

static int buffered_copy(struct copy_job *job)
{
	struct io_copy_options options = {
		.skip_zero_blocks = sparse_should_punch(job),
	};
	struct io_copy_result result;
	size_t size = strategy_buffer_size(job);
	void *buffer = io_alloc_buffer(size);
	int rc;

	if (!buffer)
		return copy_fail(job, IO_SIDE_NONE, errno);

	job->mechanism = "read/write";
	rc = io_copy_loop(job->source_fd, job->dest.fd, buffer, size, &options,
			  &result);
	job->bytes_copied = result.bytes;
	free(buffer);

	if (rc < 0)
		return copy_fail(job, result.failed, result.error);
	if (options.skip_zero_blocks && sparse_finish(job->dest.fd) < 0)
		return copy_fail(job, IO_SIDE_WRITE, errno);
	return 0;
}

const struct strategy strategy_buffered = {
	.name = "buffered",
	.copy = buffered_copy,
};
