#ifndef GENSHIP_SIGNALS_H
#define GENSHIP_SIGNALS_H

/*
 * Interruptions while a command writes.  SIGINT, SIGTERM and SIGHUP are
 * caught and only recorded: the writer notices at its next step, undoes
 * what it did and removes its staging directory, a running hook is
 * stopped, and the command layer then dies of the same signal, as a shell
 * expects of an interrupted program.  SIGPIPE is ignored: a write to a
 * closed pipe fails with EPIPE, and the code that notices calls
 * signals_note(SIGPIPE), which interrupts the command like a caught
 * signal (it then dies of SIGPIPE, as `genship new | head -1` expects).
 * SIGXFSZ is ignored, so that a write past the file size limit (ulimit
 * -f) fails with EFBIG and is reported instead of killing the process
 * halfway.
 */

/* Install the handlers above; call once, from the command layer. */
void signals_catch(void);

/* The first signal caught (or noted) since signals_catch(), or 0. */
int signals_pending(void);

/* Record sig as if it had been caught (the first one wins). */
void signals_note(int sig);

/*
 * A descriptor that becomes readable once a signal is pending, for
 * poll(2) loops that must not miss one; -1 before signals_catch().
 */
int signals_fd(void);

/* "SIGINT", "SIGTERM", "SIGHUP" or "SIGPIPE" for sig, "a signal" else. */
const char *signals_name(int sig);

/*
 * Restore the default handlers and, when a signal was caught, raise it
 * again so that the process dies of it.  Returns only when none was.
 */
void signals_reraise(void);

#endif
