/* The strategy table and the auto choice. */
#include <stdint.h>
#include <sys/stat.h>

#include "fcopy/copy.h"
#include "fcopy/strategy.h"

/*
 * The kernel can move data from a regular file to anything (copy_file_range,
 * sendfile), and from a pipe to anything (splice).  Other sources, such as
 * character devices and sockets, go through the buffered loop.
 */
static const struct strategy *choose_auto(const struct copy_job *job)
{
	mode_t type = job->source_stat.st_mode & S_IFMT;

	if (type == S_IFREG || type == S_IFIFO)
		return &strategy_stream;
	return &strategy_buffered;
}

size_t strategy_buffer_size(const struct copy_job *job)
{
	size_t size = job->options->buffer_size;
	const struct stat *st = &job->source_stat;

	/* st_size 0 may hide content (/proc), so it keeps the full buffer. */
	if (S_ISREG(st->st_mode) && st->st_size > 0 &&
	    (uint64_t)st->st_size < size - 1)
		size = (size_t)st->st_size + 1;
	return size;
}

const struct strategy *strategy_select(const struct copy_job *job)
{
	switch (job->options->strategy) {
	case STRATEGY_WHOLE:
		return &strategy_whole;
	case STRATEGY_BUFFERED:
		return &strategy_buffered;
	case STRATEGY_STREAM:
		return &strategy_stream;
	case STRATEGY_AUTO:
		break;
	}
	return choose_auto(job);
}
