/*
 * Child processes: argv and env vectors, fork, wire, exec (proc.h).
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xalloc.h"

void strvec_push(struct strvec *sv, char *s)
{
	XALLOC_GROW(sv->v, sv->n + 2, sv->alloc);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strvec_pushs(struct strvec *sv, const char *s)
{
	strvec_push(sv, xstrdup(s));
}

void strvec_release(struct strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strvec)STRVEC_INIT;
}

/* Close descriptors lo to hi (inclusive), without close_range() if need be. */
static void close_fds(unsigned lo, unsigned hi)
{
	unsigned fd;

	if (close_range(lo, hi, 0) == 0)
		return;
	for (fd = lo; fd <= hi && fd < 65536; fd++)
		close((int)fd);
}

void proc_close_fds_except(int *keep, size_t n)
{
	unsigned lo = 3;
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < lo)
			continue;
		if ((unsigned)keep[i] > lo)
			close_fds(lo, (unsigned)keep[i] - 1);
		lo = (unsigned)keep[i] + 1;
	}
	close_fds(lo, ~0U);
}

#define KEEP_MAX 8

/* In the child: wire, exec; on failure write errno to status_fd. */
static void exec_child(const struct proc_spec *s, int status_fd)
{
	int keep[KEEP_MAX + 1], in_fd, e;
	size_t i, n = 0;

	setpgid(0, 0);
	if (s->mask)
		sigprocmask(SIG_SETMASK, s->mask, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (chdir(s->cwd) < 0)
		goto fail;
	in_fd = open(s->stdin_path ? s->stdin_path : "/dev/null", O_RDONLY);
	if (in_fd < 0 || dup2(in_fd, 0) < 0 || dup2(s->out_fd, 1) < 0 ||
	    dup2(s->err_fd, 2) < 0)
		goto fail;
	keep[n++] = status_fd;
	for (i = 0; i < s->nkeep && n < KEEP_MAX; i++)
		keep[n++] = s->keep[i];
	proc_close_fds_except(keep, n);
	execve(s->argv[0], s->argv, s->env);
fail:
	e = errno;
	if (write(status_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

pid_t proc_spawn(const struct proc_spec *spec, int *exec_errno)
{
	int st[2], status;
	pid_t pid;

	*exec_errno = 0;
	if (pipe2(st, O_CLOEXEC) < 0) {
		*exec_errno = errno;
		return -1;
	}
	pid = fork();
	if (pid == 0)
		exec_child(spec, st[1]);
	if (pid < 0)
		*exec_errno = errno;
	close(st[1]);
	if (pid > 0 && read(st[0], exec_errno, sizeof(*exec_errno)) ==
	    (ssize_t)sizeof(*exec_errno)) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		pid = -1;
	}
	close(st[0]);
	return pid;
}
