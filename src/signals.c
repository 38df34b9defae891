/*
 * Cleanup on SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGALRM and SIGXFSZ.  The handler only calls
 * async-signal-safe functions (unlinkat, sigaction, raise): it removes the
 * armed temporary file, restores the default action and raises the signal
 * again, so the parent gets the status of a process killed by that
 * signal.  A signal
 * that was ignored when fcopy started stays ignored, as nohup expects.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "fcopy/signals.h"

/*
 * The signals whose default action ends the process and that a user or a
 * tool sends to stop a copy: terminal keys, kill, timeout(1), a closed
 * pipe, and a file size limit.
 */
static const int handled_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGALRM, SIGXFSZ,
};
#define HANDLED_COUNT (sizeof(handled_signals) / sizeof(handled_signals[0]))

static volatile sig_atomic_t armed;
static int armed_dir_fd = AT_FDCWD;
static char armed_name[PATH_MAX];
static const char *volatile kept_path;

static void on_signal(int signo)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	if (armed)
		(void)unlinkat(armed_dir_fd, armed_name, 0);
	if (kept_path)
		(void)unlink(kept_path);
	(void)sigaction(signo, &dfl, NULL);
	(void)raise(signo);
}

int signals_install(void)
{
	struct sigaction action = { .sa_handler = on_signal };

	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < HANDLED_COUNT; i++)
		sigaddset(&action.sa_mask, handled_signals[i]);

	for (size_t i = 0; i < HANDLED_COUNT; i++) {
		struct sigaction old;

		if (sigaction(handled_signals[i], &action, &old) < 0)
			return -1;
		/* Rare, so it costs a second call only when it happens. */
		if (old.sa_handler == SIG_IGN &&
		    sigaction(handled_signals[i], &old, NULL) < 0)
			return -1;
	}
	return 0;
}

void signals_arm(int dir_fd, const char *name)
{
	size_t len = strlen(name);

	/* A name too long to store cannot have been created either. */
	if (len >= sizeof(armed_name))
		return;
	armed = 0;
	atomic_signal_fence(memory_order_seq_cst);
	armed_dir_fd = dir_fd;
	memcpy(armed_name, name, len + 1);
	atomic_signal_fence(memory_order_seq_cst);
	armed = 1;
}

void signals_disarm(void)
{
	armed = 0;
}

void signals_keep_path(const char *path)
{
	kept_path = path;
}
