#include "hook.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "signals.h"
#include "strbuf.h"
#include "xalloc.h"

extern char **environ;

#define KILL_GRACE_MS 2000

struct env_vec {
	char **v;
	size_t n, alloc;
};

static void env_push(struct env_vec *e, char *s)
{
	XALLOC_GROW(e->v, e->n + 2, e->alloc);
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
}

static char *env_var(const char *name, const struct value_str *key,
		     const struct value *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_adds(&sb, name);
	for (i = 0; key && i < key->len; i++)
		strbuf_addch(&sb, toupper((unsigned char)key->ptr[i]));
	strbuf_addch(&sb, '=');
	if (v)
		option_format_arg(&sb, v);
	return strbuf_detach(&sb, NULL);
}

char **hook_env_new(const struct hook_ctx *hc)
{
	struct env_vec e = { NULL, 0, 0 };
	const struct value *a = hc->answers;
	char **p;
	size_t i;

	for (p = environ; *p; p++)
		if (strncmp(*p, "GENSHIP_", 8))
			env_push(&e, xstrdup(*p));
	for (i = 0; a && i < a->u.dict.len; i++)
		env_push(&e, env_var("GENSHIP_OPT_", &a->u.dict.items[i].key,
				     a->u.dict.items[i].val));
	env_push(&e, xasprintf("GENSHIP_OPERATION=%s", hc->operation));
	env_push(&e, xasprintf("GENSHIP_OUTPUT_DIR=%s", hc->output_dir));
	env_push(&e, xasprintf("GENSHIP_TEMPLATE_DIR=%s",
			       hc->template_dir ? hc->template_dir : ""));
	if (hc->changed)
		env_push(&e, xasprintf("GENSHIP_CHANGED_FILES=%s",
				       hc->changed));
	return e.v;
}

void hook_env_free(char **env)
{
	char **p;

	for (p = env; p && *p; p++)
		free(*p);
	free(env);
}

/* ---- the child ----------------------------------------------------- */

/* In the child: wire fds, exec, report errno on status_fd if exec fails. */
static void hook_exec_child(char **argv, const char *cwd, char **env,
			    int out_fd, int err_fd, int status_fd)
{
	int null_fd = open("/dev/null", O_RDONLY), e;

	setpgid(0, 0);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0 || chdir(cwd) < 0)
		goto fail;
	for (e = 3; e < 1024; e++)
		if (e != status_fd)
			close(e);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, env);
fail:
	e = errno;
	if (write(status_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* ---- the parent: relay output with a prefix, enforce the timeout ---- */

struct relay {
	int fd;
	FILE *to;
	struct strbuf line;
};

/* Print complete lines of r (all of it when flush), prefixed by name. */
static void relay_lines(struct relay *r, const char *name, bool flush)
{
	char *start = r->line.buf, *nl;

	while ((nl = memchr(start, '\n', r->line.len -
			    (size_t)(start - r->line.buf)))) {
		fprintf(r->to, "[%s] %.*s\n", name, (int)(nl - start), start);
		start = nl + 1;
	}
	if (flush && start < r->line.buf + r->line.len) {
		fprintf(r->to, "[%s] %s\n", name, start);
		start = r->line.buf + r->line.len;
	}
	memmove(r->line.buf, start, r->line.len - (size_t)(start - r->line.buf));
	strbuf_setlen(&r->line, r->line.len - (size_t)(start - r->line.buf));
	fflush(r->to);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is ready on r; returns false at EOF. */
static bool relay_read(struct relay *r, const char *name)
{
	char buf[4096];
	ssize_t n = read(r->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		relay_lines(r, name, true);
		close(r->fd);
		r->fd = -1;
		return false;
	}
	strbuf_add(&r->line, buf, (size_t)n);
	relay_lines(r, name, false);
	return true;
}

/*
 * The child's deadline.  Past it, or once genship is interrupted
 * (signals.h), the process group gets SIGTERM, and SIGKILL after a grace
 * period.
 */
struct reaper {
	pid_t pid;
	long long deadline;
	bool timed_out, killed;
	int interrupted;	/* the signal genship got, or 0 */
};

/* Escalate if the deadline passed; return the ms left to wait (>= 0). */
static long long reaper_tick(struct reaper *rp)
{
	long long left = rp->deadline - now_ms();

	if (!rp->interrupted && (rp->interrupted = signals_pending()))
		left = rp->deadline = now_ms();
	if (left > 0)
		return left;
	if (!rp->timed_out) {
		rp->timed_out = true;
		kill(-rp->pid, SIGTERM);
		rp->deadline = now_ms() + KILL_GRACE_MS;
	} else if (!rp->killed) {
		rp->killed = true;
		kill(-rp->pid, SIGKILL);
		rp->deadline = now_ms() + 60 * 1000;
	}
	return 0;
}

/* Relay both streams until they close, enforcing the deadline. */
static void relay_until_closed(struct relay r[2], const char *name,
			       struct reaper *rp)
{
	while (r[0].fd >= 0 || r[1].fd >= 0) {
		struct pollfd p[2] = { { r[0].fd, POLLIN, 0 },
				       { r[1].fd, POLLIN, 0 } };
		long long left = reaper_tick(rp);
		int i;

		if (!left)
			continue;
		if (poll(p, 2, (int)(left > 1000 ? 1000 : left)) < 0 &&
		    errno != EINTR)
			break;
		for (i = 0; i < 2; i++)
			if (r[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP)))
				relay_read(&r[i], name);
	}
}

/*
 * Reap the child, still enforcing the deadline: a hook may close its
 * output and go on running.  Returns its wait status.
 */
static int reap(struct reaper *rp)
{
	int status = 0;
	pid_t got;

	while ((got = waitpid(rp->pid, &status, WNOHANG)) == 0 ||
	       (got < 0 && errno == EINTR)) {
		long long left = reaper_tick(rp);

		poll(NULL, 0, (int)(left > 20 ? 20 : left));
	}
	return status;
}

/* Turn the child's fate into 0 or a diagnostic. */
static int hook_result(const char *name, int exec_errno, int status,
		       const struct reaper *rp, unsigned timeout,
		       struct diag *err)
{
	if (exec_errno == EACCES) {
		diag_input(err, NULL, "hook '%s' is not executable", name);
		diag_hint(err, "chmod +x hooks/%s in the template", name);
		return ERR_INPUT;
	}
	if (exec_errno == ENOEXEC) {
		diag_input(err, NULL, "hook '%s' is not a program", name);
		diag_hint(err, "start the script with a #! line");
		return ERR_INPUT;
	}
	if (exec_errno)
		return diag_fail(err, "cannot run hook '%s': %s", name,
				 strerror(exec_errno));
	if (rp->interrupted)
		return diag_fail(err, "hook '%s' stopped: interrupted by %s",
				 name, signals_name(rp->interrupted));
	if (rp->timed_out)
		return diag_fail(err, "hook '%s' timed out after %u s", name,
				 timeout);
	if (WIFSIGNALED(status))
		return diag_fail(err, "hook '%s' was killed by signal %d",
				 name, WTERMSIG(status));
	if (WEXITSTATUS(status))
		return diag_fail(err, "hook '%s' failed with exit status %d",
				 name, WEXITSTATUS(status));
	return 0;
}

/* Write hf into a private temp dir; *dir and *path are caller-owned. */
static int hook_materialize(const struct template_file *hf, char **dir,
			    char **path, struct diag *err)
{
	const char *tmp = getenv("TMPDIR");
	char *base = fs_basename(hf->path);
	int ret;

	*dir = xasprintf("%s/genship-hook-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(*dir)) {
		ret = diag_fail(err, "cannot create a directory for hook "
				"'%s': %s", hf->path, strerror(errno));
		free(*dir);
		free(base);
		return ret;
	}
	*path = fs_join(*dir, base);
	free(base);
	ret = fs_write_new(*path, hf->data, hf->len, hf->mode & 0700);
	if (ret) {
		fs_rm_rf(*dir);
		free(*dir);
		free(*path);
		return diag_fail(err, "cannot write hook '%s': %s", hf->path,
				 strerror(-ret));
	}
	return 0;
}

static int make_pipes(int p[3][2])
{
	int i;

	for (i = 0; i < 3; i++)
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return -errno;
	return 0;
}

static void close_pipes(int p[3][2])
{
	int i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
}

/* Fork and exec argv; relay output; return the hook's result. */
static int hook_spawn(const char *name, char **argv,
		      const struct hook_ctx *hc, char **env, struct diag *err)
{
	int p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	unsigned timeout = hc->timeout ? hc->timeout : HOOK_DEFAULT_TIMEOUT;
	struct relay r[2] = { { -1, stdout, STRBUF_INIT },
			      { -1, stderr, STRBUF_INIT } };
	struct reaper rp = { 0, 0, false, false, 0 };
	int exec_errno = 0, status, ret;
	pid_t pid;

	fflush(NULL);
	if ((ret = make_pipes(p)) < 0 || (pid = fork()) < 0) {
		close_pipes(p);
		return diag_fail(err, "cannot start hook '%s': %s", name,
				 strerror(ret < 0 ? -ret : errno));
	}
	if (pid == 0)
		hook_exec_child(argv, hc->cwd, env, p[0][1], p[1][1], p[2][1]);
	close(p[0][1]);
	close(p[1][1]);
	close(p[2][1]);
	r[0].fd = p[0][0];
	r[1].fd = p[1][0];
	if (read(p[2][0], &exec_errno, sizeof(exec_errno)) <= 0)
		exec_errno = 0;
	close(p[2][0]);
	rp.pid = pid;
	rp.deadline = now_ms() + (long long)timeout * 1000;
	relay_until_closed(r, name, &rp);
	status = reap(&rp);
	strbuf_release(&r[0].line);
	strbuf_release(&r[1].line);
	return hook_result(name, exec_errno, status, &rp, timeout, err);
}

/* The absolute path of program name in $PATH, caller-owned, or NULL. */
static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH"), *p;

	for (p = path ? path : "/usr/bin:/bin"; p && *p; ) {
		size_t n = strcspn(p, ":");
		char *cand = xasprintf("%.*s/%s", (int)n, n ? p : ".", name);

		if (!access(cand, X_OK))
			return cand;
		free(cand);
		p += n + (p[n] == ':');
	}
	return NULL;
}

int hook_run_with(const struct template_file *hf, const char *interpreter,
		  const struct hook_ctx *hc, char **env, struct diag *err)
{
	char *dir = NULL, *path = NULL, *interp = NULL;
	char *argv[3] = { NULL, NULL, NULL };
	int ret;

	if (interpreter && !(interp = find_in_path(interpreter))) {
		diag_fail(err, "cannot run hook '%s': '%s' is not in PATH",
			  hf->path, interpreter);
		return ERR_FAIL;
	}
	ret = hook_materialize(hf, &dir, &path, err);
	if (ret) {
		free(interp);
		return ret;
	}
	argv[0] = interp ? interp : path;
	argv[1] = interp ? path : NULL;
	ret = hook_spawn(hf->path, argv, hc, env, err);
	fs_rm_rf(dir);
	free(dir);
	free(path);
	free(interp);
	return ret;
}

int hook_run(const struct template_file *hf, const struct hook_ctx *hc,
	     char **env, struct diag *err)
{
	return hook_run_with(hf, NULL, hc, env, err);
}

/* ---- trust and hook lists ----------------------------------------- */

/* Ask on the terminal whether to run a third-party template's hooks. */
static bool ask_trust(const struct template *t)
{
	char line[16];

	if (t->url)	/* a remote template: its URL and commit */
		fprintf(stderr, "template '%s' (%s at commit %.12s) wants to "
			"run hooks on this machine. Run them? [y/N] ",
			t->name, t->url, t->commit);
	else
		fprintf(stderr, "template '%s' (%s) wants to run hooks on "
			"this machine. Run them? [y/N] ", t->name, t->source);
	fflush(stderr);
	return fgets(line, sizeof(line), stdin) &&
		(line[0] == 'y' || line[0] == 'Y');
}

int hook_check_trust(const struct template *t, bool no_hooks, bool trust,
		     bool interactive, bool *run, struct diag *err)
{
	const struct manifest *m = t->manifest;

	*run = !no_hooks && (m->npre_hooks || m->npost_hooks);
	if (!*run || t->builtin || trust)
		return 0;
	if (interactive) {
		*run = ask_trust(t);
		if (*run)
			return 0;
		diag_input(err, NULL, "hooks of template '%s' not trusted: "
			   "nothing was written", t->name);
		diag_hint(err, "pass --no-hooks to generate without them, or "
			  "--trust to run them without asking");
		return ERR_INPUT;
	}
	diag_input(err, NULL, "template '%s' has hooks, and hooks of a "
		   "template that is not built in run only when trusted",
		   t->name);
	if (t->url)
		diag_hint(err, "review the hooks of '%s' at commit %.12s, then "
			  "pass --trust to run them or --no-hooks to skip them",
			  t->url, t->commit);
	else
		diag_hint(err, "review %s/hooks, then pass --trust to run them "
			  "or --no-hooks to skip them", t->dir);
	return ERR_INPUT;
}

int hook_run_list(const struct template *t, char **names, size_t n,
		  const struct hook_ctx *hc, struct diag *err)
{
	char **env = hook_env_new(hc);
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < n; i++) {
		const struct template_file *hf = template_hook(t, names[i]);

		if (!hf)
			ret = manifest_hook_missing(t->manifest, names[i], err);
		else
			ret = hook_run(hf, hc, env, err);
	}
	hook_env_free(env);
	return ret;
}
