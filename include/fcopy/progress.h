/*
 * The --progress bar: one line on standard error with bytes, percent,
 * rate and ETA, redrawn at most about four times a second, shown once a
 * copy has run for about a second, and erased at the end.
 */
#ifndef FCOPY_PROGRESS_H
#define FCOPY_PROGRESS_H

#include <stdint.h>

#include "fcopy/options.h"

/* Size passed to progress_begin() when the source's size is unknown. */
#define PROGRESS_UNKNOWN_SIZE UINT64_MAX

/*
 * Start the bar for one file of total bytes.  With PROGRESS_AUTO it is
 * shown only when standard error is a terminal and the process is in the
 * terminal's foreground process group.
 */
void progress_begin(enum progress_mode mode, uint64_t total);

/*
 * Report that copied bytes of the file are done.  Cheap enough to call
 * after every chunk: it reads the coarse monotonic clock and draws only
 * when a redraw is due.
 */
void progress_update(uint64_t copied);

/* Erase the bar, if one was drawn. */
void progress_end(void);

/* Format bytes as "512 B", "1.5 KiB", ... "3.2 GiB" into out. */
void progress_format_bytes(char *out, size_t size, double bytes);

#endif
