/*
 * The --progress bar.  The rate is averaged over the last few seconds
 * from a small ring of samples, so the ETA follows a change of speed
 * without jumping at every redraw.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "fcopy/io.h"
#include "fcopy/progress.h"

#define REDRAW_INTERVAL 0.25	/* seconds between redraws */
#define SHOW_AFTER 1.0		/* seconds before the bar first appears */
#define RATE_WINDOW 3.0		/* seconds the rate is averaged over */
#define SAMPLES 16
#define DEFAULT_WIDTH 80

struct sample {
	double time;
	uint64_t bytes;
};

static struct {
	bool enabled;
	bool drawn;
	uint64_t total;
	double start;
	double last_draw;
	struct sample samples[SAMPLES];
	unsigned next_sample;
	unsigned sample_count;
} bar;

static double now(void)
{
	struct timespec ts;

	/* The coarse clock is read in user space, without a system call. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool stderr_in_foreground(void)
{
	pid_t group = tcgetpgrp(STDERR_FILENO);

	return isatty(STDERR_FILENO) && group >= 0 && group == getpgrp();
}

static int terminal_width(void)
{
	struct winsize size;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
		return size.ws_col;
	return DEFAULT_WIDTH;
}

void progress_format_bytes(char *out, size_t size, double bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned unit = 0;

	while (bytes >= 1024 && unit < 4) {
		bytes /= 1024;
		unit++;
	}
	if (unit == 0)
		snprintf(out, size, "%.0f B", bytes);
	else
		snprintf(out, size, "%.1f %s", bytes, units[unit]);
}

void progress_begin(enum progress_mode mode, uint64_t total)
{
	memset(&bar, 0, sizeof(bar));
	if (mode == PROGRESS_NEVER)
		return;
	if (mode == PROGRESS_AUTO && !stderr_in_foreground())
		return;

	bar.enabled = true;
	bar.total = total;
	bar.start = now();
	bar.last_draw = bar.start;
	bar.samples[0] = (struct sample){ bar.start, 0 };
	bar.sample_count = 1;
	bar.next_sample = 1;
}

/* Bytes per second over the samples of the last RATE_WINDOW seconds. */
static double average_rate(double time, uint64_t copied)
{
	const struct sample *oldest = NULL;

	for (unsigned i = 0; i < bar.sample_count; i++) {
		const struct sample *s = &bar.samples[i];

		if (time - s->time <= RATE_WINDOW &&
		    (!oldest || s->time < oldest->time))
			oldest = s;
	}
	if (!oldest || time <= oldest->time)
		return 0;
	return (double)(copied - oldest->bytes) / (time - oldest->time);
}

static void add_sample(double time, uint64_t copied)
{
	bar.samples[bar.next_sample] = (struct sample){ time, copied };
	bar.next_sample = (bar.next_sample + 1) % SAMPLES;
	if (bar.sample_count < SAMPLES)
		bar.sample_count++;
}

/* Build the text of the bar (without the bar graphic) into out. */
static void describe(char *out, size_t size, uint64_t copied, double rate)
{
	char done[32], whole[32], speed[32];

	progress_format_bytes(done, sizeof(done), (double)copied);
	progress_format_bytes(speed, sizeof(speed), rate);
	if (bar.total == PROGRESS_UNKNOWN_SIZE || bar.total < copied) {
		snprintf(out, size, "%s  %s/s", done, speed);
		return;
	}

	unsigned long eta = rate > 0 ? (unsigned long)((double)(bar.total -
				       copied) / rate + 0.5) : 0;
	progress_format_bytes(whole, sizeof(whole), (double)bar.total);
	snprintf(out, size, "%s / %s %3.0f%%  %s/s  ETA %lu:%02lu:%02lu", done,
		 whole, bar.total ? 100.0 * (double)copied / (double)bar.total
				  : 100.0,
		 speed, eta / 3600, eta / 60 % 60, eta % 60);
}

/* Draw "[#####     ] text", cut to the terminal width, with one write. */
static void draw(uint64_t copied, double rate)
{
	char text[256];
	char line[640];
	int width = terminal_width() - 1;
	int used = 0;
	int text_len;

	if (width > (int)sizeof(line) - 8)
		width = (int)sizeof(line) - 8;
	describe(text, sizeof(text), copied, rate);
	text_len = (int)strlen(text);

	line[used++] = '\r';
	if (bar.total != PROGRESS_UNKNOWN_SIZE && bar.total >= copied &&
	    width - text_len >= 12) {
		int cells = width - text_len - 3;
		int filled = bar.total ? (int)((double)cells * (double)copied /
					       (double)bar.total) : cells;

		line[used++] = '[';
		for (int i = 0; i < cells; i++)
			line[used++] = i < filled ? '#' : ' ';
		line[used++] = ']';
		line[used++] = ' ';
	}
	if (text_len > width - (used - 1))
		text_len = width - (used - 1) > 0 ? width - (used - 1) : 0;
	memcpy(line + used, text, (size_t)text_len);
	used += text_len;
	memcpy(line + used, "\033[K", 3);
	used += 3;

	/* A bar that cannot be drawn is not worth failing the copy for. */
	(void)io_write_full(STDERR_FILENO, line, (size_t)used);
	bar.drawn = true;
}

void progress_update(uint64_t copied)
{
	double time;

	if (!bar.enabled)
		return;
	time = now();
	if (time - bar.last_draw < REDRAW_INTERVAL ||
	    time - bar.start < SHOW_AFTER)
		return;

	add_sample(time, copied);
	bar.last_draw = time;
	draw(copied, average_rate(time, copied));
}

void progress_end(void)
{
	if (bar.enabled && bar.drawn)
		(void)io_write_full(STDERR_FILENO, "\r\033[K", 4);
	bar.enabled = false;
	bar.drawn = false;
}
