#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

static volatile sig_atomic_t pending;
static int wake[2] = { -1, -1 };	/* readable once pending is set */

/* Record the first signal and wake poll loops; async-signal-safe. */
static void on_signal(int sig)
{
	int saved = errno;
	ssize_t n = 0;

	if (!pending)
		pending = sig;
	if (wake[1] >= 0)
		n = write(wake[1], "", 1);	/* fails only when full */
	(void)n;
	errno = saved;
}

void signals_catch(void)
{
	struct sigaction sa;
	size_t i;

	if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		wake[0] = wake[1] = -1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked poll() returns */
	sa.sa_handler = on_signal;
	for (i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

int signals_pending(void)
{
	return pending;
}

void signals_note(int sig)
{
	on_signal(sig);
}

int signals_fd(void)
{
	return wake[0];
}

const char *signals_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGPIPE: return "SIGPIPE";
	}
	return "a signal";
}

void signals_reraise(void)
{
	size_t i;

	for (i = 0; i < NCAUGHT; i++)
		signal(caught[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (pending)
		raise(pending);
}
