/*
 * Messages on standard error.  Each line is built in one buffer and
 * written with one write(2), so lines from concurrent processes do not
 * interleave, and file names are escaped so each message is one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fcopy/io.h"
#include "fcopy/msg.h"

#define QUOTE_SLOTS 4
#define QUOTE_MAX 1024
#define LINE_MAX_BYTES 4096

/* Append the C escape of c (\n, \t, \ooo, ...) at out; returns its length. */
static size_t escape_byte(unsigned char c, char *out)
{
	static const char simple_from[] = "\a\b\t\n\v\f\r\\'";
	static const char simple_to[] = "abtnvfr\\'";
	const char *hit = c ? strchr(simple_from, c) : NULL;

	if (hit) {
		out[0] = '\\';
		out[1] = simple_to[hit - simple_from];
		return 2;
	}
	return (size_t)sprintf(out, "\\%03o", c);
}

const char *msg_quote(const char *name)
{
	static char slots[QUOTE_SLOTS][QUOTE_MAX];
	static unsigned next;
	char *out = slots[next++ % QUOTE_SLOTS];
	size_t used = 0;

	out[used++] = '\'';
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		/* Leave room for the longest escape, "...", the quote and NUL. */
		if (used > QUOTE_MAX - 10) {
			memcpy(out + used, "...", 3);
			used += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '\'')
			used += escape_byte(*p, out + used);
		else
			out[used++] = (char)*p;
	}
	out[used++] = '\'';
	out[used] = '\0';
	return out;
}

/*
 * Format prefix, text, an optional strerror and an optional note into one
 * line and write it.
 */
static void emit(bool prefix, int err, const char *note, const char *format,
		 va_list args)
{
	char line[LINE_MAX_BYTES];
	size_t used = 0;
	int n;

	if (prefix)
		used = (size_t)snprintf(line, sizeof(line), "%s: ", MSG_PROGRAM);

	n = vsnprintf(line + used, sizeof(line) - used, format, args);
	if (n > 0)
		used += (size_t)n;
	if (used > sizeof(line) - 2)
		used = sizeof(line) - 2;

	if (err) {
		n = snprintf(line + used, sizeof(line) - used, ": %s",
			     strerror(err));
		if (n > 0)
			used += (size_t)n;
		if (used > sizeof(line) - 2)
			used = sizeof(line) - 2;
	}
	if (note && *note) {
		n = snprintf(line + used, sizeof(line) - used, "; %s", note);
		if (n > 0)
			used += (size_t)n;
		if (used > sizeof(line) - 2)
			used = sizeof(line) - 2;
	}

	line[used++] = '\n';
	/* A message that cannot be written has nowhere else to go. */
	(void)io_write_full(STDERR_FILENO, line, used);
}

void msg_error(const char *format, ...)
{
	va_list args;
	int saved = errno;

	va_start(args, format);
	emit(true, 0, NULL, format, args);
	va_end(args);
	errno = saved;
}

void msg_error_errno(int err, const char *format, ...)
{
	va_list args;
	int saved = errno;

	va_start(args, format);
	emit(true, err, NULL, format, args);
	va_end(args);
	errno = saved;
}

void msg_error_errno_note(int err, const char *note, const char *format, ...)
{
	va_list args;
	int saved = errno;

	va_start(args, format);
	emit(true, err, note, format, args);
	va_end(args);
	errno = saved;
}

void msg_info(const char *format, ...)
{
	va_list args;
	int saved = errno;

	va_start(args, format);
	emit(false, 0, NULL, format, args);
	va_end(args);
	errno = saved;
}
