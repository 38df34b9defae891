/*
 * -v and --stats.  Both go to standard error, because standard output
 * carries only data (DEST "-").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fcopy/copy.h"
#include "fcopy/msg.h"
#include "fcopy/report.h"
#include "fcopy/strategy.h"

static struct timespec started;

void report_start(struct copy_job *job)
{
	(void)job;
	clock_gettime(CLOCK_MONOTONIC, &started);
}

static double seconds_since_start(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - started.tv_sec) +
	       (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

/*
 * Describe the mechanism that moved the data, e.g. "copy_file_range" or
 * "read/write 131072 B", the buffer size being the one -b sets.
 */
static void describe_mechanism(char *out, size_t size,
			       const struct copy_job *job,
			       const struct strategy *strategy)
{
	const char *mechanism = job->mechanism ? job->mechanism : "none";

	if (strcmp(mechanism, "read/write") == 0 &&
	    strategy != &strategy_whole)
		snprintf(out, size, "%s %zu B", mechanism,
			 job->options->buffer_size);
	else
		snprintf(out, size, "%s", mechanism);
}

/*
 * Return the length of the valid UTF-8 sequence at p (1 to 4), or 0 when
 * p does not start one (an invalid or truncated byte).
 */
static size_t utf8_length(const unsigned char *p)
{
	size_t len = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3
		   : *p >= 0xc2 && *p <= 0xdf ? 2 : 0;

	if (*p >= 0xf5)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * Write text as the body of a JSON string.  A byte that is not part of
 * valid UTF-8 becomes U+FFFD, so the line stays valid JSON; such a name
 * is then not exact.
 */
static size_t json_escape(char *out, size_t size, const char *text)
{
	size_t used = 0;

	for (const unsigned char *p = (const unsigned char *)text;
	     *p && used + 8 < size; p++) {
		size_t len = *p >= 0x80 ? utf8_length(p) : 1;

		if (*p == '"' || *p == '\\') {
			out[used++] = '\\';
			out[used++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			used += (size_t)snprintf(out + used, size - used,
						 "\\u%04x", *p);
		} else if (len == 0) {
			used += (size_t)snprintf(out + used, size - used,
						 "\\ufffd");
		} else {
			memcpy(out + used, p, len);
			used += len;
			p += len - 1;
		}
	}
	out[used] = '\0';
	return used;
}

static void print_json(const struct copy_job *job,
		       const struct strategy *strategy, double seconds,
		       const struct io_counters *c)
{
	char source[1024];
	char dest[1024];
	char fallback[256];
	char mechanism[64];

	describe_mechanism(mechanism, sizeof(mechanism), job, strategy);
	json_escape(source, sizeof(source), job->source_path);
	json_escape(dest, sizeof(dest), job->dest.path);
	json_escape(fallback, sizeof(fallback), job->fallback);
	msg_info("{\"source\":\"%s\",\"dest\":\"%s\",\"bytes\":%llu,"
		 "\"seconds\":%.6f,\"bytes_per_second\":%.0f,"
		 "\"strategy\":\"%s\",\"mechanism\":\"%s\",\"fallback\":\"%s\","
		 "\"syscalls\":{\"read\":%llu,\"write\":%llu,"
		 "\"copy_file_range\":%llu,\"sendfile\":%llu,\"splice\":%llu,"
		 "\"ficlone\":%llu,\"lseek\":%llu}}",
		 source, dest, (unsigned long long)job->bytes_copied, seconds,
		 seconds > 0 ? (double)job->bytes_copied / seconds : 0.0,
		 strategy->name, mechanism, fallback,
		 (unsigned long long)c->reads,
		 (unsigned long long)c->writes,
		 (unsigned long long)c->copy_file_ranges,
		 (unsigned long long)c->sendfiles,
		 (unsigned long long)c->splices,
		 (unsigned long long)c->ficlones, (unsigned long long)c->seeks);
}

static void print_human(const struct copy_job *job,
			const struct strategy *strategy, double seconds,
			const struct io_counters *c)
{
	double rate = seconds > 0 ? (double)job->bytes_copied / seconds : 0.0;
	char mechanism[64];

	describe_mechanism(mechanism, sizeof(mechanism), job, strategy);
	msg_info("%s -> %s: %llu bytes in %.3f s (%.1f MB/s); %s: %s%s%s; "
		 "system calls: read %llu, write %llu, copy_file_range %llu, "
		 "sendfile %llu, splice %llu, ficlone %llu, lseek %llu",
		 msg_quote(job->source_path), msg_quote(job->dest.path),
		 (unsigned long long)job->bytes_copied, seconds, rate / 1e6,
		 strategy->name, mechanism,
		 job->fallback[0] ? " " : "", job->fallback,
		 (unsigned long long)c->reads, (unsigned long long)c->writes,
		 (unsigned long long)c->copy_file_ranges,
		 (unsigned long long)c->sendfiles,
		 (unsigned long long)c->splices,
		 (unsigned long long)c->ficlones, (unsigned long long)c->seeks);
}

void report_done(const struct copy_job *job, const struct strategy *strategy)
{
	double seconds = seconds_since_start();
	/* The -v line below is a write(2) too, and not part of the copy. */
	struct io_counters counters = io_counters;

	if (job->options->verbose)
		msg_info("%s -> %s", msg_quote(job->source_path),
			 msg_quote(job->dest.path));
	if (job->options->stats == STATS_JSON)
		print_json(job, strategy, seconds, &counters);
	else if (job->options->stats == STATS_HUMAN)
		print_human(job, strategy, seconds, &counters);
}
