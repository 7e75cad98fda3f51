/*
 * Child processes: argv and env vectors, posix_spawn (proc.h).
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * The exec errors a template author causes, found before the spawn:
 * EACCES for a file without the execute bit (or not a regular file),
 * ENOEXEC for one that is neither "#!" nor ELF.  posix_spawn reports them
 * too, but not where its vfork child runs as a fork (under valgrind),
 * and then the child's exit status 127 would be all genship learns.
 */
static int exec_precheck(const char *path)
{
	char head[4] = { 0 };
	struct stat st;
	int fd;
	ssize_t n;

	if (access(path, X_OK) < 0)
		return errno;
	if (stat(path, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? EACCES : 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* execute-only: leave it to exec */
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n >= 2 && !memcmp(head, "#!", 2))
		return 0;
	if (n == 4 && !memcmp(head, "\177ELF", 4))
		return 0;
	return ENOEXEC;
}

/*
 * posix_spawn (a vfork in glibc) rather than fork: validate starts a few
 * hundred linters from a process that may hold a gigabyte of plans, and
 * fork would copy its page tables each time.
 */
pid_t proc_spawn(const struct proc_spec *spec, int *exec_errno)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t dfl;
	pid_t pid = -1;

	*exec_errno = exec_precheck(spec->argv[0]);
	if (*exec_errno)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGXFSZ);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	if (spec->mask)
		posix_spawnattr_setsigmask(&at, spec->mask);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
				 POSIX_SPAWN_SETSIGDEF |
				 (spec->mask ? POSIX_SPAWN_SETSIGMASK : 0));
	posix_spawn_file_actions_addchdir_np(&fa, spec->cwd);
	posix_spawn_file_actions_addopen(&fa, 0, spec->stdin_path ?
					 spec->stdin_path : "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, spec->out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, spec->err_fd, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	*exec_errno = posix_spawn(&pid, spec->argv[0], &fa, &at, spec->argv,
				  spec->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return *exec_errno ? -1 : pid;
}
