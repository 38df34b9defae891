/*
 * Every line fcopy writes to standard error goes through here, so that
 * file names are quoted and escaped the same way everywhere and each line
 * is written with one write(2).
 */
#ifndef FCOPY_MSG_H
#define FCOPY_MSG_H

#include <stddef.h>

/* Program name used as the prefix of every message. */
#define MSG_PROGRAM "fcopy"

/*
 * Quote name for a message: 'name', with control characters, backslashes
 * and single quotes written as C escapes, so the message stays on one line.
 * Returns a pointer to one of a few rotating static buffers, so up to
 * four names may appear in one message.
 */
const char *msg_quote(const char *name);

/* Print "fcopy: " and the formatted text as one line. */
void msg_error(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

/* Print "fcopy: " and the formatted text, then ": " and strerror(err). */
void msg_error_errno(int err, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Print like msg_error_errno() (with no strerror when err is 0), then
 * "; " and note, unless note is NULL or empty.  The note states what the
 * failure left behind or what to do next.
 */
void msg_error_errno_note(int err, const char *note, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Print the formatted text as one line, without the prefix (for -v). */
void msg_info(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

#endif
