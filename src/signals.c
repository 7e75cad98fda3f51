#include "signals.h"

#include <signal.h>
#include <stddef.h>

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

static volatile sig_atomic_t pending;

/* Record the first signal; the writer polls signals_pending(). */
static void on_signal(int sig)
{
	if (!pending)
		pending = sig;
}

void signals_catch(void)
{
	struct sigaction sa;
	size_t i;

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked poll() returns */
	sa.sa_handler = on_signal;
	for (i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
}

int signals_pending(void)
{
	return pending;
}

const char *signals_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	}
	return "a signal";
}

void signals_reraise(void)
{
	size_t i;

	for (i = 0; i < NCAUGHT; i++)
		signal(caught[i], SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (pending)
		raise(pending);
}
