/*
 * The order of steps for one file: open and check the source, check DEST,
 * choose the strategy, let it load, open DEST, copy, then commit or
 * abort.  Nothing is created or truncated before the checks pass, and
 * every failure after dest_open() goes through dest_abort().
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/copy.h"
#include "fcopy/io.h"
#include "fcopy/msg.h"
#include "fcopy/progress.h"
#include "fcopy/report.h"
#include "fcopy/strategy.h"
#include "fcopy/verify.h"

int copy_fail(struct copy_job *job, enum io_side side, int error)
{
	job->error.side = side;
	job->error.error = error;
	return -1;
}

/* Print the message for job->error unless it was printed where it failed. */
static void report_error(const struct copy_job *job)
{
	const struct copy_error *e = &job->error;
	const char *source = msg_quote(job->source_path);
	const char *dest = msg_quote(job->dest.path);
	const char *note = dest_partial_note(&job->dest, false);

	if (e->reported)
		return;
	if (e->detail) {
		msg_error_errno_note(e->error, note, "cannot copy %s to %s: %s",
				     source, dest, e->detail);
		return;
	}
	switch (e->side) {
	case IO_SIDE_READ:
		msg_error_errno_note(e->error, note, "error reading %s", source);
		break;
	case IO_SIDE_WRITE:
		msg_error_errno_note(e->error, note, "error writing %s", dest);
		break;
	case IO_SIDE_EITHER:
		msg_error_errno_note(e->error, note, "error copying %s to %s",
				     source, dest);
		break;
	case IO_SIDE_NONE:
		msg_error_errno_note(e->error, note, "cannot copy %s", source);
		break;
	}
}

/* Open SOURCE ("-" is standard input) and check that it is not a directory. */
static int open_source(struct copy_job *job)
{
	if (strcmp(job->source_path, "-") == 0) {
		job->source_fd = STDIN_FILENO;
		job->source_borrowed = true;
	} else {
		job->source_fd = io_move_above_stdio(
			open(job->source_path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
		if (job->source_fd < 0) {
			msg_error_errno(errno, "cannot open %s for reading",
					msg_quote(job->source_path));
			return -1;
		}
	}

	if (fstat(job->source_fd, &job->source_stat) < 0) {
		msg_error_errno(errno, "cannot stat %s",
				msg_quote(job->source_path));
		return -1;
	}
	if (S_ISDIR(job->source_stat.st_mode)) {
		msg_error_errno(EISDIR, "cannot copy %s (fcopy copies files, "
				"not directories)", msg_quote(job->source_path));
		return -1;
	}
	return 0;
}

static void close_source(struct copy_job *job)
{
	if (job->source_fd >= 0 && !job->source_borrowed)
		io_close_quietly(job->source_fd);
	job->source_fd = -1;
}

/* Load (whole), open DEST, copy, commit: everything after the checks. */
static int run_strategy(struct copy_job *job, const struct strategy *strategy)
{
	const struct fcopy_options *options = job->options;

	if (options->verify && verify_check(job, strategy) < 0)
		return -1;
	if (strategy->load && strategy->load(job) < 0) {
		report_error(job);
		return -1;
	}
	if (dest_open(&job->dest, options) < 0)
		return -1;

	if (strategy->copy(job) < 0) {
		report_error(job);
		dest_abort(&job->dest);
		return -1;
	}
	if (options->verify && verify_copy(job) < 0) {
		dest_abort(&job->dest);
		return -1;
	}
	if (dest_commit(&job->dest, options, &job->source_stat) < 0) {
		dest_abort(&job->dest);
		return -1;
	}
	return 0;
}

int copy_file(const struct fcopy_options *options, const char *source_path,
	      const char *dest_path)
{
	struct copy_job job = { .options = options, .source_path = source_path,
				.source_fd = -1 };
	const struct strategy *strategy;
	int rc = -1;

	memset(&io_counters, 0, sizeof(io_counters));
	report_start(&job);
	dest_init(&job.dest, dest_path);
	if (open_source(&job) < 0)
		goto out;

	switch (dest_check(&job.dest, options, source_path, &job.source_stat)) {
	case DEST_CHECK_FAILED:
		goto out;
	case DEST_CHECK_SKIP:
		if (options->verbose)
			msg_info("skipped %s", msg_quote(dest_path));
		rc = 0;
		goto out;
	case DEST_CHECK_OK:
		break;
	}

	strategy = strategy_select(&job);
	progress_begin(options->progress,
		       S_ISREG(job.source_stat.st_mode)
		       ? (uint64_t)job.source_stat.st_size : PROGRESS_UNKNOWN_SIZE);
	rc = run_strategy(&job, strategy);
	progress_end();
	if (strategy->release)
		strategy->release(&job);
	if (rc == 0)
		report_done(&job, strategy);

out:
	close_source(&job);
	dest_release(&job.dest);
	return rc;
}
