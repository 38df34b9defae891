/* Hole handling shared by the strategies. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/copy.h"
#include "fcopy/io.h"
#include "fcopy/sparse.h"

static bool dest_is_own_regular_file(const struct copy_job *job)
{
	/* A new DEST has no stat; fcopy created it, so it is regular. */
	if (job->dest.borrowed)
		return false;
	return !job->dest.exists || S_ISREG(job->dest.st.st_mode);
}

bool sparse_should_punch(const struct copy_job *job)
{
	return job->options->sparse == SPARSE_ALWAYS &&
	       dest_is_own_regular_file(job);
}

bool sparse_should_walk(const struct copy_job *job)
{
	return job->options->sparse != SPARSE_NEVER &&
	       S_ISREG(job->source_stat.st_mode) &&
	       dest_is_own_regular_file(job);
}

int sparse_finish(int fd)
{
	off_t end;

	io_counters.seeks++;
	end = lseek(fd, 0, SEEK_CUR);
	if (end < 0)
		return -1;
	return ftruncate(fd, end);
}

int sparse_next_extent(int fd, off_t offset, off_t *data, off_t *hole)
{
	io_counters.seeks += 3;

	*data = lseek(fd, offset, SEEK_DATA);
	if (*data < 0)
		return errno == ENXIO ? 0 : -1;

	*hole = lseek(fd, *data, SEEK_HOLE);
	if (*hole < 0)
		return -1;

	/* SEEK_HOLE moved the offset to the hole; copying starts at data. */
	if (lseek(fd, *data, SEEK_SET) < 0)
		return -1;
	return 1;
}
