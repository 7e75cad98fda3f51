#include "hook.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "manifest.h"
#include "proc.h"
#include "signals.h"
#include "strbuf.h"
#include "term.h"
#include "xalloc.h"

extern char **environ;

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

/*
 * dir as an absolute path, caller-owned: resolved when it exists, else
 * its parent resolved (the writer has created it) and its name appended.
 */
static char *abs_dir(const char *dir)
{
	char *real = realpath(dir, NULL), *parent, *base, *cwd;

	if (real || dir[0] == '/')
		return real ? real : xstrdup(dir);
	parent = fs_dirname(dir);
	real = realpath(parent, NULL);
	free(parent);
	if (real) {
		base = fs_basename(dir);
		parent = fs_join(real, base);
		free(base);
		free(real);
		return parent;
	}
	cwd = getcwd(NULL, 0);
	parent = cwd ? fs_join(cwd, dir) : xstrdup(dir);
	free(cwd);
	return parent;
}

char **hook_env_new(const struct hook_ctx *hc)
{
	struct env_vec e = { NULL, 0, 0 };
	const struct value *a = hc->answers;
	char **p, *out;
	size_t i;

	for (p = environ; *p; p++)
		if (strncmp(*p, "GENSHIP_", 8))
			env_push(&e, xstrdup(*p));
	for (i = 0; a && i < a->u.dict.len; i++)
		env_push(&e, env_var("GENSHIP_OPT_", &a->u.dict.items[i].key,
				     a->u.dict.items[i].val));
	env_push(&e, xasprintf("GENSHIP_OPERATION=%s", hc->operation));
	out = abs_dir(hc->output_dir);
	env_push(&e, xasprintf("GENSHIP_OUTPUT_DIR=%s", out));
	free(out);
	env_push(&e, xasprintf("GENSHIP_TEMPLATE_DIR=%s",
			       hc->template_dir ? hc->template_dir : ""));
	if (hc->changed)
		env_push(&e, xasprintf("GENSHIP_CHANGED_FILES=%s",
				       hc->changed));
	if (term_quiet())
		env_push(&e, xstrdup("GENSHIP_QUIET=1"));
	return e.v;
}

void hook_env_free(char **env)
{
	char **p;

	for (p = env; p && *p; p++)
		free(*p);
	free(env);
}

/* ---- the supervisor --------------------------------------------------- */

/*
 * Each hook runs under a supervisor: a forked copy of genship that is a
 * child subreaper (every orphan of the hook, setsid() or not, becomes its
 * child), gets SIGTERM when genship dies (PR_SET_PDEATHSIG), and reads a
 * control pipe whose end of file also means that genship is gone.  It
 * enforces the timeout; once the hook exits, times out, or genship asks
 * or dies, it signals every process descended from it, reaps them all,
 * removes the hook's temporary directory and reports on a pipe.  Nothing
 * the hook started outlives the supervisor, and genship waits for it.
 */

#define KILL_GRACE_MS 2000	/* SIGTERM to SIGKILL */
#define RESWEEP_MS 50		/* SIGKILL again, for late orphans */
#define DRAIN_READS 256		/* reads of leftover output after the end */

enum sup_phase { SUP_RUN, SUP_TERM, SUP_KILL };

/* What the supervisor reports: exec's errno and the hook's wait status. */
struct sup_report {
	int exec_errno;
	int status;
	int timed_out;
};

/* What the supervisor gets from genship: descriptors are its ends. */
struct sup_args {
	char **argv, **env;
	const char *cwd, *tmpdir;
	unsigned timeout;	/* seconds */
	pid_t parent;
	int out, err, ctl, rep;
};

struct sup {
	pid_t hook;
	enum sup_phase phase;
	long long deadline;	/* of the phase; in SUP_KILL the next sweep */
	bool hook_done;
	int sfd, ctl;
	struct sup_report rep;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start the hook; on failure *exec_errno says why.  Returns its pid. */
static pid_t sup_start_hook(const struct sup_args *a, const sigset_t *mask,
			    int *exec_errno)
{
	struct proc_spec spec = { a->argv, a->env, a->cwd, NULL, a->out,
				  a->err, mask };
	pid_t pid = proc_spawn(&spec, exec_errno);

	close(a->out);
	close(a->err);
	return pid;
}

struct pidvec {
	pid_t *v;
	size_t n, alloc;
};

static void pidvec_push(struct pidvec *pv, pid_t pid)
{
	XALLOC_GROW(pv->v, pv->n + 1, pv->alloc);
	pv->v[pv->n++] = pid;
}

static bool pidvec_has(const struct pidvec *pv, pid_t pid)
{
	size_t i;

	for (i = 0; i < pv->n; i++)
		if (pv->v[i] == pid)
			return true;
	return false;
}

/* The parent of process name (a /proc entry), or -1 when it is gone. */
static pid_t proc_ppid(const char *name)
{
	char *path = xasprintf("/proc/%s/stat", name), buf[512], *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ppid = -1;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	free(path);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold ')' and spaces. */
	if (!(p = strrchr(buf, ')')) || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Every (pid, parent) pair in /proc: kids[i] has parent parents[i]. */
static void proc_scan(struct pidvec *kids, struct pidvec *parents)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t ppid;

	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) ||
		    (ppid = proc_ppid(e->d_name)) <= 0)
			continue;
		pidvec_push(kids, (pid_t)atol(e->d_name));
		pidvec_push(parents, ppid);
	}
	if (d)
		closedir(d);
}

/* The processes descended from this one, into out (which it resets). */
static void sup_descendants(struct pidvec *out)
{
	struct pidvec kids = { NULL, 0, 0 }, parents = { NULL, 0, 0 };
	bool grew = true;
	size_t i;

	out->n = 0;
	pidvec_push(out, getpid());
	proc_scan(&kids, &parents);
	while (grew) {
		grew = false;
		for (i = 0; i < kids.n; i++)
			if (pidvec_has(out, parents.v[i]) &&
			    !pidvec_has(out, kids.v[i])) {
				pidvec_push(out, kids.v[i]);
				grew = true;
			}
	}
	free(kids.v);
	free(parents.v);
}

/* Send sig to the hook's process group and to every descendant. */
static void sup_signal_all(const struct sup *s, int sig)
{
	struct pidvec pv = { NULL, 0, 0 };
	size_t i;

	if (s->hook > 0 && !s->hook_done)
		kill(-s->hook, sig);
	sup_descendants(&pv);
	for (i = 1; i < pv.n; i++)
		kill(pv.v[i], sig);
	free(pv.v);
}

/* Move on to phase ph (never back), signalling every descendant. */
static void sup_enter(struct sup *s, enum sup_phase ph)
{
	if (ph <= s->phase)
		return;
	s->phase = ph;
	sup_signal_all(s, ph == SUP_TERM ? SIGTERM : SIGKILL);
	s->deadline = now_ms() + (ph == SUP_TERM ? KILL_GRACE_MS : RESWEEP_MS);
}

/* Reap every exited child; true once no child is left at all. */
static bool sup_reap(struct sup *s)
{
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(-1, &status, WNOHANG);
		if (got == s->hook) {
			s->rep.status = status;
			s->hook_done = true;
		}
		if (got > 0 || (got < 0 && errno == EINTR))
			continue;
		return got < 0;
	}
}

/* The deadline passed: time out, escalate to SIGKILL, or sweep again. */
static void sup_tick(struct sup *s)
{
	if (now_ms() < s->deadline)
		return;
	if (s->phase == SUP_RUN) {
		s->rep.timed_out = 1;
		sup_enter(s, SUP_TERM);
	} else if (s->phase == SUP_TERM) {
		sup_enter(s, SUP_KILL);
	} else {
		sup_signal_all(s, SIGKILL);
		s->deadline = now_ms() + RESWEEP_MS;
	}
}

/* SIGCHLD is handled by sup_reap(); any other signal means genship died. */
static void sup_on_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			sup_enter(s, SUP_KILL);
}

/* A byte from genship stops the hook; end of file: genship is gone. */
static void sup_on_control(struct sup *s)
{
	char c;
	ssize_t n = read(s->ctl, &c, 1);

	if (n < 0 && errno == EINTR)
		return;
	if (n > 0) {
		sup_enter(s, SUP_TERM);
		return;
	}
	close(s->ctl);
	s->ctl = -1;
	sup_enter(s, SUP_KILL);
}

/* Wait until the hook and every process it started are gone. */
static void sup_loop(struct sup *s)
{
	for (;;) {
		struct pollfd p[2] = { { s->sfd, POLLIN, 0 },
				       { s->ctl, POLLIN, 0 } };
		long long left;

		if (sup_reap(s) && s->hook_done)
			return;
		if (s->hook_done)
			sup_enter(s, SUP_KILL);
		sup_tick(s);
		left = s->deadline - now_ms();
		if (poll(p, 2, left < 0 ? 0 : left > INT_MAX ? INT_MAX :
			 (int)left) <= 0)
			continue;
		if (p[0].revents)
			sup_on_signal(s);
		if (p[1].revents)
			sup_on_control(s);
	}
}

/* The supervisor process: run the hook, contain it, report; never returns. */
static void __attribute__((noreturn)) sup_main(const struct sup_args *a)
{
	struct sup s = { -1, SUP_RUN, 0, false, -1, a->ctl, { 0, 0, 0 } };
	sigset_t set, old;
	int keep[5];
	ssize_t n;

	setpgid(0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	s.sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	keep[0] = a->out, keep[1] = a->err, keep[2] = a->ctl;
	keep[3] = a->rep, keep[4] = s.sfd;
	proc_close_fds_except(keep, 5);
	if (getppid() == a->parent && s.sfd >= 0) {
		s.deadline = now_ms() + (long long)a->timeout * 1000;
		s.hook = sup_start_hook(a, &old, &s.rep.exec_errno);
	} else {
		s.rep.exec_errno = s.sfd < 0 ? errno : EINTR;
	}
	if (s.hook > 0)
		sup_loop(&s);
	fs_rm_rf(a->tmpdir);
	n = write(a->rep, &s.rep, sizeof(s.rep));
	_exit(n == (ssize_t)sizeof(s.rep) ? 0 : 1);
}

/* ---- genship's side: relay output with a prefix --------------------- */

struct relay {
	int fd;
	FILE *to;
	struct strbuf line;
	bool dead;		/* the reader went away: discard */
};

/* Flush r->to; a reader that went away (EPIPE) interrupts genship. */
static void relay_flush(struct relay *r)
{
	if (fflush(r->to) != EOF && !ferror(r->to))
		return;
	if (errno == EPIPE) {
		signals_note(SIGPIPE);
		r->dead = true;
	}
	clearerr(r->to);
}

/* Print complete lines of r (all of it when flush), prefixed by name. */
static void relay_lines(struct relay *r, const char *name, bool flush)
{
	char *start = r->line.buf, *nl;

	while (!r->dead && (nl = memchr(start, '\n', r->line.len -
					(size_t)(start - r->line.buf)))) {
		fprintf(r->to, "[%s] %.*s\n", name, (int)(nl - start), start);
		start = nl + 1;
	}
	if (!r->dead && flush && start < r->line.buf + r->line.len)
		fprintf(r->to, "[%s] %s\n", name, start);
	if (r->dead || flush)
		start = r->line.buf + r->line.len;
	memmove(r->line.buf, start, r->line.len - (size_t)(start - r->line.buf));
	strbuf_setlen(&r->line, r->line.len - (size_t)(start - r->line.buf));
	if (!r->dead)
		relay_flush(r);
}

/* Read what is ready on r; close it at end of file or when drained. */
static void relay_read(struct relay *r, const char *name)
{
	char buf[4096];
	ssize_t n = read(r->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		relay_lines(r, name, true);
		close(r->fd);
		r->fd = -1;
		return;
	}
	strbuf_add(&r->line, buf, (size_t)n);
	relay_lines(r, name, false);
}

/*
 * After the supervisor's report, relay what is already buffered, a
 * bounded amount, then close: a descriptor the hook passed to a process
 * out of reach must not keep genship waiting.
 */
static void relay_drain(struct relay *r, const char *name)
{
	int i;

	if (r->fd < 0)
		return;
	fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
	for (i = 0; i < DRAIN_READS && r->fd >= 0; i++)
		relay_read(r, name);
	if (r->fd >= 0) {
		relay_lines(r, name, true);
		close(r->fd);
		r->fd = -1;
	}
}

/*
 * Relay the hook's output until the supervisor reports on rep_fd; on a
 * signal, ask it once (ctl) to stop the hook.  Returns false when the
 * supervisor died without a report.
 */
static bool relay_until_report(struct relay r[2], const char *name, int ctl,
			       int rep_fd, struct sup_report *rep)
{
	bool asked = false;
	ssize_t n;

	for (;;) {
		struct pollfd p[4] = { { r[0].fd, POLLIN, 0 },
				       { r[1].fd, POLLIN, 0 },
				       { rep_fd, POLLIN, 0 },
				       { asked ? -1 : signals_fd(), POLLIN, 0 } };
		int i;

		if (!asked && signals_pending()) {
			asked = true;
			n = write(ctl, "T", 1);
			continue;
		}
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			return false;
		for (i = 0; i < 2; i++)
			if (r[i].fd >= 0 && p[i].revents)
				relay_read(&r[i], name);
		if (p[2].revents)
			break;
	}
	do
		n = read(rep_fd, rep, sizeof(*rep));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*rep);
}

/* Turn the hook's fate into 0 or a diagnostic. */
static int hook_result(const char *name, const struct sup_report *rep,
		       unsigned timeout, struct diag *err)
{
	if (rep->exec_errno == EACCES) {
		diag_input(err, NULL, "hook '%s' is not executable", name);
		diag_hint(err, "chmod +x hooks/%s in the template", name);
		return ERR_INPUT;
	}
	if (rep->exec_errno == ENOEXEC) {
		diag_input(err, NULL, "hook '%s' is not a program", name);
		diag_hint(err, "start the script with a #! line");
		return ERR_INPUT;
	}
	if (signals_pending())
		return diag_fail(err, "hook '%s' stopped: interrupted by %s",
				 name, signals_name(signals_pending()));
	if (rep->exec_errno)
		return diag_fail(err, "cannot run hook '%s': %s", name,
				 strerror(rep->exec_errno));
	if (rep->timed_out)
		return diag_fail(err, "hook '%s' timed out after %u s", name,
				 timeout);
	if (WIFSIGNALED(rep->status))
		return diag_fail(err, "hook '%s' was killed by signal %d",
				 name, WTERMSIG(rep->status));
	if (WEXITSTATUS(rep->status))
		return diag_fail(err, "hook '%s' failed with exit status %d",
				 name, WEXITSTATUS(rep->status));
	return 0;
}

/* Write hf into a private temp dir; *dir and *path are caller-owned. */
static int hook_materialize(const struct hook_script *hf, char **dir,
			    char **path, struct diag *err)
{
	const char *tmp = getenv("TMPDIR");
	char *base = fs_basename(hf->name);
	int ret;

	*dir = xasprintf("%s/genship-hook-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(*dir)) {
		ret = diag_fail(err, "cannot create a directory for hook "
				"'%s': %s", hf->name, strerror(errno));
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
		return diag_fail(err, "cannot write hook '%s': %s", hf->name,
				 strerror(-ret));
	}
	return 0;
}

/* pipe2() four pipes: the hook's stdout and stderr, control, report. */
static int make_pipes(int p[4][2])
{
	int i;

	for (i = 0; i < 4; i++)
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return -errno;
	return 0;
}

static void close_pipes(int p[4][2])
{
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
}

/* Start the supervisor of a (see sup_main()); genship keeps its ends. */
static pid_t sup_fork(struct sup_args *a, int p[4][2])
{
	pid_t pid;

	a->parent = getpid();
	a->out = p[0][1], a->err = p[1][1], a->ctl = p[2][0], a->rep = p[3][1];
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		sup_main(a);
	close(p[0][1]);
	close(p[1][1]);
	close(p[2][0]);
	close(p[3][1]);
	p[0][1] = p[1][1] = p[2][0] = p[3][1] = -1;
	return pid;
}

/* Run argv under a supervisor; relay output; return the hook's result. */
static int hook_spawn(const char *name, char **argv, const char *tmpdir,
		      const struct hook_ctx *hc, char **env, struct diag *err)
{
	int p[4][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 }, { -1, -1 } };
	unsigned timeout = hc->timeout ? hc->timeout : HOOK_DEFAULT_TIMEOUT;
	struct sup_args a = { argv, env, hc->cwd, tmpdir, timeout, 0,
			      -1, -1, -1, -1 };
	struct relay r[2] = { { -1, stdout, STRBUF_INIT, false },
			      { -1, stderr, STRBUF_INIT, false } };
	struct sup_report rep = { 0, 0, 0 };
	int ret = make_pipes(p), status;
	bool reported;
	pid_t pid = -1;

	if (ret < 0 || (pid = sup_fork(&a, p)) < 0) {
		close_pipes(p);
		return diag_fail(err, "cannot start hook '%s': %s", name,
				 strerror(ret < 0 ? -ret : errno));
	}
	r[0].fd = p[0][0];
	r[1].fd = p[1][0];
	reported = relay_until_report(r, name, p[2][1], p[3][0], &rep);
	relay_drain(&r[0], name);
	relay_drain(&r[1], name);
	p[0][0] = p[1][0] = -1;
	close_pipes(p);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	strbuf_release(&r[0].line);
	strbuf_release(&r[1].line);
	if (!reported && !signals_pending())
		return diag_fail(err, "hook '%s': its supervisor failed", name);
	return hook_result(name, &rep, timeout, err);
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

int hook_run(const struct hook_script *hf, const char *interpreter,
	     const struct hook_ctx *hc, char **env, struct diag *err)
{
	char *dir = NULL, *path = NULL, *interp = NULL;
	char *argv[3] = { NULL, NULL, NULL };
	int ret;

	if (interpreter && !(interp = find_in_path(interpreter))) {
		diag_fail(err, "cannot run hook '%s': '%s' is not in PATH",
			  hf->name, interpreter);
		return ERR_FAIL;
	}
	ret = hook_materialize(hf, &dir, &path, err);
	if (ret) {
		free(interp);
		return ret;
	}
	argv[0] = interp ? interp : path;
	argv[1] = interp ? path : NULL;
	ret = hook_spawn(hf->name, argv, dir, hc, env, err);
	fs_rm_rf(dir);
	free(dir);
	free(path);
	free(interp);
	return ret;
}

/* ---- trust and hook lists ----------------------------------------- */

/* Ask on the terminal whether to run a third-party template's hooks. */
static bool ask_trust(const struct hook_origin *o)
{
	char line[16];

	if (o->url)	/* a remote template: its URL and commit */
		fprintf(stderr, "template '%s' (%s at commit %.12s) wants to "
			"run hooks on this machine. Run them? [y/N] ",
			o->name, o->url, o->commit);
	else
		fprintf(stderr, "template '%s' (%s) wants to run hooks on "
			"this machine. Run them? [y/N] ", o->name, o->source);
	fflush(stderr);
	return fgets(line, sizeof(line), stdin) &&
		(line[0] == 'y' || line[0] == 'Y');
}

int hook_check_trust(const struct hook_origin *o, bool no_hooks, bool trust,
		     bool interactive, bool *run, struct diag *err)
{
	*run = !no_hooks && o->has_hooks;
	if (!*run || o->builtin || trust)
		return 0;
	if (interactive) {
		*run = ask_trust(o);
		if (*run)
			return 0;
		diag_input(err, NULL, "hooks of template '%s' not trusted: "
			   "nothing was written", o->name);
		diag_hint(err, "pass --no-hooks to generate without them, or "
			  "--trust to run them without asking");
		return ERR_INPUT;
	}
	diag_input(err, NULL, "template '%s' has hooks, and hooks of a "
		   "template that is not built in run only when trusted",
		   o->name);
	if (o->url)
		diag_hint(err, "review the hooks of '%s' at commit %.12s, then "
			  "pass --trust to run them or --no-hooks to skip them",
			  o->url, o->commit);
	else
		diag_hint(err, "review %s/hooks, then pass --trust to run them "
			  "or --no-hooks to skip them", o->dir);
	return ERR_INPUT;
}
