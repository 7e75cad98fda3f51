#ifndef GENSHIP_PROC_H
#define GENSHIP_PROC_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Starting child processes, the one way genship does it (git's
 * run-command, tmux's job.c): an argv vector and an env vector, never a
 * shell string.  The child joins its own process group, changes
 * directory, wires stdin, stdout and stderr, closes every other
 * descriptor and execs, all inside posix_spawn(), which reports a failed
 * exec as its errno (a missing execute bit or #! line is found before).
 * The hook supervisor (hook.c) and the linter runner (lint-ext.c) both
 * start children here.
 */

/* A NULL-terminated vector of strings the vector owns. */
struct strvec {
	char **v;
	size_t n, alloc;
};

#define STRVEC_INIT { NULL, 0, 0 }

/* Append s, taking it (malloc'd). */
void strvec_push(struct strvec *sv, char *s);

/* Append a copy of s. */
void strvec_pushs(struct strvec *sv, const char *s);

/* Free every string and the vector; sv is empty again. */
void strvec_release(struct strvec *sv);

/* What a child runs, and with what. */
struct proc_spec {
	char *const *argv;	/* argv[0] is an absolute path */
	char *const *env;
	const char *cwd;
	const char *stdin_path;	/* opened after the chdir; NULL: /dev/null */
	int out_fd, err_fd;	/* become the child's stdout and stderr */
	const sigset_t *mask;	/* signal mask for the child, or NULL */
};

/*
 * Start spec's program.  Returns its pid, after the exec succeeded; or -1
 * with *exec_errno set when the spawn or exec failed (the child is reaped).
 * The parent's descriptors are untouched.
 */
pid_t proc_spawn(const struct proc_spec *spec, int *exec_errno);

/*
 * Close every descriptor from 3 up except the n in keep (which is sorted
 * in place), with close_range() where the kernel has it.
 */
void proc_close_fds_except(int *keep, size_t n);

#endif
