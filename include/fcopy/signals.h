/*
 * SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGALRM and SIGXFSZ handling: the handler removes the
 * file named by signals_arm() and ends the process with the signal, so
 * the exit status is the conventional 128 + signal number.
 */
#ifndef FCOPY_SIGNALS_H
#define FCOPY_SIGNALS_H

/* Install the handlers.  Returns 0, or -1 with errno set. */
int signals_install(void);

/*
 * Have the handler unlink name relative to dir_fd (AT_FDCWD for a path).
 * The name is stored before the handler may use it, so a signal during
 * the call finds either no name or a complete one.
 */
void signals_arm(int dir_fd, const char *name);

/*
 * Forget the armed name, once it is renamed or removed.  A signal between
 * the rename and this call makes the handler unlink a name that is gone,
 * which fails harmlessly.
 */
void signals_disarm(void);

/*
 * Have the handler also unlink path, independently of signals_arm(): for
 * a file that outlives single copies, such as a --benchmark scratch file.
 * NULL clears it.  path must stay valid while it is kept.
 */
void signals_keep_path(const char *path);

#endif
