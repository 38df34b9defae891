/* The -i question, answered on /dev/tty so that piped input stays data. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fcopy/io.h"
#include "fcopy/msg.h"
#include "fcopy/prompt.h"

bool prompt_replace(const char *path)
{
	char question[1200];
	char answer[64];
	int tty = io_move_above_stdio(
		open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
	ssize_t n;
	int len;

	if (tty < 0)
		return false;

	len = snprintf(question, sizeof(question), "%s: replace %s? ",
		       MSG_PROGRAM, msg_quote(path));
	if (len > 0)
		(void)io_write_full(STDERR_FILENO, question,
				    (size_t)len < sizeof(question)
				    ? (size_t)len : sizeof(question) - 1);

	n = io_read(tty, answer, sizeof(answer));
	io_close_quietly(tty);
	return n > 0 && (answer[0] == 'y' || answer[0] == 'Y');
}
