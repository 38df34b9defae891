/* The strategy table and the auto choice. */
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
