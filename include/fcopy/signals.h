/*
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE handling: the handler removes the
 * file named by signals_arm() and ends the process with the signal, so
 * the exit status is the conventional 128 + signal number.
 */
#ifndef FCOPY_SIGNALS_H
#define FCOPY_SIGNALS_H

/* Install the handlers.  Returns 0, or -1 with errno set. */
int signals_install(void);

/* Have the handler unlink name relative to dir_fd (AT_FDCWD for a path). */
void signals_arm(int dir_fd, const char *name);

/* Forget the armed name, once it is renamed or removed. */
void signals_disarm(void);

/*
 * Hold the handled signals, so a rename and the disarm that follows it
 * happen together; signals_unblock() delivers what arrived meanwhile.
 */
void signals_block(void);
void signals_unblock(void);

#endif
