/*
 * genship new: template + answers -> context -> plan -> staging dir ->
 * hooks -> atomic rename into place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answers.h"
#include "cmd.h"
#include "cookiecutter.h"
#include "fsutil.h"
#include "hook.h"
#include "interview.h"
#include "lock.h"
#include "project.h"
#include "plan.h"
#include "signals.h"
#include "source.h"
#include "template.h"
#include "term.h"
#include "txn.h"
#include "userconfig.h"
#include "writer.h"
#include "xalloc.h"

/*
 * The interview of one run, on a terminal (see interview.h): it lives
 * outside struct new_opts's constness, as the run fills it in.
 */
struct new_interview {
	struct interview ui;
	bool on;		/* questions go to the terminal */
	struct value *answered;	/* the answers so far, in the run's arena */
	struct strbuf kept;	/* where they were kept; printed last */
};

struct new_opts {
	const char *template;
	const char *output;
	const char *answers;
	struct cmd_sets sets;
	bool no_input, dry_run, force, no_hooks, trust;
	bool yes;		/* --yes: no confirmation before writing */
	bool ask_all;		/* --ask-all: ask answered options too */
	bool strict;		/* --strict: an answer that does not apply
				 * is an error */
	struct new_interview *iv;
	unsigned hook_timeout, lock_timeout;
	/* cookiecutter templates: */
	bool skip_existing;	/* -s: keep files that exist */
	bool replay;		/* --replay: the replay file of the template */
	const char *replay_file;	/* --replay-file FILE */
	struct source_opts src;	/* --ref, --directory, --offline, ... */
	const char *config;	/* --config FILE */
};

enum { OPT_OUTPUT = 'o', OPT_FORCE = 'f', OPT_SKIP = 's', OPT_SET = 256,
       OPT_ANSWERS, OPT_NO_INPUT, OPT_DRY_RUN, OPT_NO_HOOKS, OPT_TRUST,
       OPT_HOOK_TIMEOUT, OPT_REPLAY, OPT_REPLAY_FILE, OPT_LOCK_TIMEOUT,
       OPT_REF, OPT_DIRECTORY, OPT_OFFLINE, OPT_REFRESH, OPT_CONFIG,
       OPT_YES, OPT_ASK_ALL, OPT_STRICT };

const struct cmd_opt cmd_new_opts[] = {
	{ "output", 'o', true, OPT_OUTPUT, "DIR",
	  "the project directory (default: ./PROJECT_NAME)" },
	{ "set", 0, CMD_ARG_REPEAT, OPT_SET, "K=V",
	  "set option K to V (repeatable)" },
	{ "answers", 0, true, OPT_ANSWERS, "FILE",
	  "answers from a YAML file or .genship.yml" },
	{ "no-input", 0, false, OPT_NO_INPUT, NULL,
	  "never ask; take the defaults" },
	{ "yes", 'y', false, OPT_YES, NULL,
	  "write without the summary and confirmation" },
	{ "ask-all", 0, false, OPT_ASK_ALL, NULL,
	  "on a terminal, ask answered options too" },
	{ "strict", 0, false, OPT_STRICT, NULL,
	  "an answer that does not apply is an error" },
	{ "dry-run", 0, false, OPT_DRY_RUN, NULL,
	  "list the files it would write; write nothing" },
	{ "force", 'f', false, OPT_FORCE, NULL,
	  "replace generated files in an existing directory" },
	CMD_OPT_NO_HOOKS(OPT_NO_HOOKS),
	CMD_OPT_TRUST(OPT_TRUST),
	CMD_OPT_HOOK_TIMEOUT(OPT_HOOK_TIMEOUT),
	CMD_OPT_LOCK_TIMEOUT(OPT_LOCK_TIMEOUT),
	{ "overwrite-if-exists", 0, false, OPT_FORCE, NULL,
	  "cookiecutter's name for --force" },
	{ "skip-if-file-exists", 's', false, OPT_SKIP, NULL,
	  "with -f, keep existing files (cookiecutter)" },
	{ "replay", 0, false, OPT_REPLAY, NULL,
	  "reuse the last run's answers (cookiecutter)" },
	{ "replay-file", 0, true, OPT_REPLAY_FILE, "FILE",
	  "take answers from a replay file (cookiecutter)" },
	{ "ref", 0, true, OPT_REF, "REF",
	  "the tag, branch or commit of a git template" },
	CMD_OPT_CHECKOUT(OPT_REF),
	{ "directory", 0, true, OPT_DIRECTORY, "SUBDIR",
	  "the template's directory inside the repository" },
	CMD_OPT_OFFLINE(OPT_OFFLINE),
	CMD_OPT_REFRESH(OPT_REFRESH),
	CMD_OPT_CONFIG(OPT_CONFIG),
	CMD_OPT_END
};

/* One parsed argument; a positional K=V is extra context, like --set. */
static int new_arg(void *ud, int key, char *arg)
{
	struct new_opts *o = ud;

	switch (key) {
	case OPT_OUTPUT: o->output = arg; return *arg ? 0 :
		cmd_usage_error(cmd_find("new"), "-o needs a directory, "
				"not ''");
	case OPT_SET: cmd_sets_add(&o->sets, arg); return 0;
	case OPT_ANSWERS: o->answers = arg; return 0;
	case OPT_NO_INPUT: o->no_input = true; return 0;
	case OPT_DRY_RUN: o->dry_run = true; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case OPT_NO_HOOKS: o->no_hooks = true; return 0;
	case OPT_TRUST: o->trust = true; return 0;
	case OPT_HOOK_TIMEOUT:
		return cmd_parse_seconds(cmd_find("new"), "--hook-timeout", arg,
					 &o->hook_timeout);
	case OPT_LOCK_TIMEOUT:
		return cmd_parse_seconds(cmd_find("new"), "--lock-timeout", arg,
					 &o->lock_timeout);
	case OPT_SKIP: o->skip_existing = true; return 0;
	case OPT_REPLAY: o->replay = true; return 0;
	case OPT_REPLAY_FILE: o->replay_file = arg; return 0;
	case OPT_REF: o->src.ref = arg; return 0;
	case OPT_DIRECTORY: o->src.directory = arg; return 0;
	case OPT_OFFLINE: o->src.offline = true; return 0;
	case OPT_REFRESH: o->src.refresh = true; return 0;
	case OPT_CONFIG: o->config = arg; return 0;
	case OPT_YES: o->yes = true; return 0;
	case OPT_ASK_ALL: o->ask_all = true; return 0;
	case OPT_STRICT: o->strict = true; return 0;
	}
	if (strchr(arg, '='))
		cmd_sets_add(&o->sets, arg);
	else if (!o->template)
		o->template = arg;
	else
		return cmd_usage_error(cmd_find("new"), "unexpected argument "
				       "'%s'", arg);
	return 0;
}

/* ---- the interview ------------------------------------------------- */

/* Whether questions go to the terminal: stdin is one, and not --no-input. */
static bool new_interactive(const struct new_opts *o)
{
	return !o->no_input && isatty(STDIN_FILENO);
}

/*
 * Without -o the project directory is named by project_name: a name
 * whose directory is in the way is refused while it can still be asked
 * again.
 */
static int check_project_name(void *ud, const struct option *opt,
			      const struct value *v, struct strbuf *why)
{
	const struct new_opts *o = ud;
	struct plan none = PLAN_INIT;
	struct diag err = DIAG_INIT;
	int ret;

	if (strcmp(opt->name, "project_name") || v->kind != VALUE_STRING ||
	    !v->u.s.len)
		return 0;
	ret = writer_check_target(&none, v->u.s.ptr, o->force, &err);
	if (ret)
		strbuf_addf(why, "'%s': %s; choose another name, or pass -o "
			    "DIR or --force", v->u.s.ptr, err.msg);
	diag_release(&err);
	return ret;
}

/* Print the resolver's notes, one warning a line. */
static void print_notes(const struct strbuf *notes)
{
	const char *p = notes->buf;
	size_t n;

	for (; *p; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		fprintf(stderr, "genship: warning: %.*s\n", (int)n, p);
	}
}

/* How answers_resolve() asks and reports, for this run. */
static void new_answers_opts(const struct new_opts *o, struct arena *a,
			     struct strbuf *notes, struct answers_opts *how)
{
	memset(how, 0, sizeof(*how));
	how->ask_all = o->ask_all;
	how->strict = o->strict;
	how->notes = notes;
	how->answered = o->iv->answered = value_dict(a, 0);
	if (!o->iv->on)
		return;
	how->prompt = interview_ask;
	how->prompt_ud = &o->iv->ui;
	if (!o->output && !o->dry_run) {
		how->check = check_project_name;
		how->check_ud = (void *)o;
	}
}

/*
 * On a terminal, show the answers and ask before writing (not with --yes
 * or --dry-run).  No is ERR_FAIL: nothing is written.
 */
static int new_confirm(const struct new_opts *o, const char *target,
		       struct diag *err)
{
	char *q;
	int ret;

	if (!o->iv->on || o->yes || o->dry_run)
		return 0;
	interview_summary(&o->iv->ui, o->iv->answered);
	q = xasprintf("Write the project to '%s'?", target);
	ret = interview_confirm(&o->iv->ui, q);
	free(q);
	if (ret == 1)
		return 0;
	return ret ? ret : diag_fail(err, "not confirmed: nothing was "
				     "written");
}

/* Append arg to sb as one word of a POSIX shell command line. */
static void add_word(struct strbuf *sb, const char *arg)
{
	strbuf_addch(sb, ' ');
	strbuf_add_shell_quoted(sb, arg, strlen(arg));
}

/* Append flag and, when arg is set, its argument. */
static void add_flag(struct strbuf *sb, bool on, const char *flag,
		     const char *arg)
{
	if (on)
		add_word(sb, flag);
	if (on && arg)
		add_word(sb, arg);
}

/* The command that runs this one again from the answers kept in file. */
static void resume_command(const struct new_opts *o, const char *file,
			   const char *target, struct strbuf *sb)
{
	char num[2][24];

	snprintf(num[0], sizeof(num[0]), "%u", o->hook_timeout);
	snprintf(num[1], sizeof(num[1]), "%u", o->lock_timeout);
	strbuf_adds(sb, "genship new");
	add_flag(sb, true, "--answers", file);
	if (o->template)
		add_word(sb, o->template);
	add_flag(sb, target, "-o", target);
	add_flag(sb, o->force, "--force", NULL);
	add_flag(sb, o->skip_existing, "-s", NULL);
	add_flag(sb, o->no_hooks, "--no-hooks", NULL);
	add_flag(sb, o->trust, "--trust", NULL);
	add_flag(sb, o->hook_timeout, "--hook-timeout", num[0]);
	add_flag(sb, o->lock_timeout, "--lock-timeout", num[1]);
	add_flag(sb, o->src.ref, "--ref", o->src.ref);
	add_flag(sb, o->src.directory, "--directory", o->src.directory);
	add_flag(sb, o->src.offline, "--offline", NULL);
	add_flag(sb, o->config, "--config", o->config);
	add_flag(sb, o->dry_run, "--dry-run", NULL);
	add_flag(sb, o->yes, "--yes", NULL);
	add_flag(sb, o->ask_all, "--ask-all", NULL);
	add_flag(sb, o->strict, "--strict", NULL);
}

/*
 * A run that failed after the interview keeps its answers and says how
 * to resume from them; a run the user aborted keeps nothing.
 */
static void new_keep_answers(const struct new_opts *o,
			     const struct template *t, const char *target)
{
	struct new_interview *iv = o->iv;
	struct diag err = DIAG_INIT;
	char *name, *header, *file = NULL;

	if (!iv->on || iv->ui.aborted || signals_pending() || !iv->answered ||
	    !iv->answered->u.dict.len)
		return;
	name = target ? fs_basename(target) : xstrdup(t->name);
	header = xasprintf("# Answers to 'genship new' (template %s %s), "
			   "kept when the run failed.\n", t->name,
			   t->manifest->version);
	if (interview_save(iv->answered, name, header, &file, &err)) {
		strbuf_addf(&iv->kept, "genship: warning: %s\n", err.msg);
	} else {
		strbuf_addf(&iv->kept, "genship: your answers are kept in "
			    "'%s'; resume with:\n  ", file);
		resume_command(o, file, target, &iv->kept);
		strbuf_addch(&iv->kept, '\n');
	}
	diag_release(&err);
	free(file);
	free(header);
	free(name);
}

/* The directory the project goes into, absolute: -o's parent, or ".". */
static char *output_parent(const struct new_opts *o)
{
	char *parent = o->output ? fs_dirname(o->output) : xstrdup(".");
	char *abs = realpath(parent, NULL);

	if (!abs) {
		char *cwd = getcwd(NULL, 0);

		abs = parent[0] == '/' || !cwd ? xstrdup(parent) :
			fs_join(cwd, parent);
		free(cwd);
	}
	free(parent);
	return abs;
}

/* Read the replay file named by --replay-file, or the template's own. */
static int read_replay(const struct template *t, const struct new_opts *o,
		       struct arena *a, struct value **vars, struct diag *err)
{
	char *path = o->replay_file ? xstrdup(o->replay_file) :
		cookiecutter_replay_path(t), *text = NULL;
	size_t len;
	int ret;

	if (!path)
		return diag_input(err, NULL, "no replay file: $HOME is not "
				  "set");
	ret = fs_read_file(path, &text, &len, err);
	if (ret && !o->replay_file)
		diag_hint(err, "a replay file is written by every run of "
			  "'genship new' on this template");
	if (!ret)
		ret = cookiecutter_load_replay(path, text, len, a, vars, err);
	free(text);
	free(path);
	return ret;
}

/*
 * Where the answers come from: a replay file, or the user config,
 * --answers and --set; then the interview on a TTY.
 */
static int gather(const struct template *t, const struct new_opts *o,
		  struct answer_set *given, struct arena *a,
		  struct template_request *rq, struct diag *err)
{
	bool replay = o->replay || o->replay_file;
	struct value *fixed = NULL;
	int ret = 0;

	if (replay && (o->sets.len || o->answers)) {
		cmd_usage_error(cmd_find("new"), "--replay cannot be combined "
				"with --set, --answers or key=value");
		return ERR_INPUT;
	}
	if (replay)
		ret = read_replay(t, o, a, &fixed, err);
	else
		config_add_answers(o->src.config, t->name, t->manifest, given);
	if (!ret)
		ret = answer_set_gather(given, o->answers, o->sets.items,
					o->sets.len, err);
	rq->given = given;
	rq->fixed = fixed;
	rq->template_arg = o->template;
	if (replay)
		rq->how->prompt = NULL;	/* a replay asks nothing */
	return ret;
}

/* Resolve the render context of t from o; warnings go to stderr. */
static int resolve_context(const struct template *t, const struct new_opts *o,
			   struct arena *a, struct value **ctx,
			   struct diag *err)
{
	struct answer_set given = ANSWER_SET_INIT;
	struct template_request rq = TEMPLATE_REQUEST_INIT;
	struct strbuf notes = STRBUF_INIT;
	struct answers_opts how;
	char *parent = output_parent(o);
	int ret;

	new_answers_opts(o, a, &notes, &how);
	rq.how = &how;
	ret = gather(t, o, &given, a, &rq, err);
	rq.output_dir = parent;
	if (!ret)
		ret = template_resolve(t, &rq, a, ctx, err);
	print_notes(&notes);
	strbuf_release(&notes);
	free(parent);
	answer_set_release(&given);
	return ret;
}

/* The project directory: -o, else the one the template's answers name. */
static int target_dir(const struct template *t, const struct new_opts *o,
		      const struct value *ctx, struct arena *a, char **out,
		      struct diag *err)
{
	char *name = NULL;
	int ret = 0;

	if (o->output)
		name = (char *)o->output;
	else
		ret = template_project_dir(t, ctx, a, &name, err);
	if (!ret)
		*out = xstrdup(name);
	return ret;
}

/*
 * Decide whether hooks run: built-in templates are trusted; a third-party
 * template's hooks need --trust or an interactive yes.
 */
static int check_trust(const struct template *t, const struct new_opts *o,
		       bool *run, struct diag *err)
{
	return template_check_trust(t, o->no_hooks, o->trust,
				    !o->no_input && isatty(STDIN_FILENO), run,
				    err);
}

static void print_plan(const struct plan *p, const char *target)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		printf("%04o %8zu %s/%s\n", p->files[i].mode, p->files[i].len,
		       target, p->files[i].path);
}

/*
 * A kind with exact modes (cookiecutter) copies a file's mode as it is,
 * umask or not; genship still never makes one writable by others
 * (WRITER_MODE_MAX).
 */
static int exact_modes(const struct plan *plan, const char *root,
		       struct diag *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < plan->nfiles; i++) {
		char *path = fs_join(root, plan->files[i].path);

		if (strcmp(plan->files[i].path, PROJECT_ANSWERS_FILE) &&
		    chmod(path, plan->files[i].mode & WRITER_MODE_MAX) < 0)
			ret = diag_fail(err, "cannot set the mode of '%s': %s",
					path, strerror(errno));
		free(path);
	}
	return ret;
}

/* Run t's hooks for stage in hc->cwd: one step. */
static int run_hooks(const struct template *t, enum template_stage stage,
		     const struct value *ctx, const struct hook_ctx *hc,
		     struct diag *err)
{
	int ret = template_run_hooks(t, stage, ctx, hc, err);

	return ret ? ret : writer_step(err);
}

/* Stage, run hooks, and move into place; the target is untouched on error. */
static int write_project(const struct template *t, const struct new_opts *o,
			 const struct value *ctx, const struct plan *plan,
			 const char *target, bool hooks, struct diag *err)
{
	struct hook_ctx hc = { ctx, "new", target, t->dir ? t->source : "",
			       NULL, o->hook_timeout, NULL };
	struct writer_stage st = WRITER_STAGE_INIT;
	int ret = writer_stage_begin(&st, target, plan, o->force, err);

	hc.cwd = st.tree;
	if (!ret && hooks)
		ret = run_hooks(t, TEMPLATE_PRE_GEN, ctx, &hc, err);
	if (!ret)
		ret = writer_stage_write(&st, plan, err);
	if (!ret && template_has(t, TEMPLATE_KIND_EXACT_MODES))
		ret = exact_modes(plan, st.tree, err);
	if (!ret && hooks)
		ret = run_hooks(t, TEMPLATE_POST_GEN, ctx, &hc, err);
	if (!ret)
		ret = writer_stage_commit(&st, plan, PROJECT_ANSWERS_FILE, err);
	writer_stage_release(&st);
	return ret;
}

/* Roll back what a crashed run on target left, and say so. */
static int recover(const char *target, struct diag *err)
{
	bool undone = false;
	int ret = writer_recover(target, &undone, err);

	if (undone)
		fprintf(stderr, "genship: rolled back an interrupted run on "
			"'%s'\n", target);
	return ret;
}

/*
 * new --force regenerates every file, so an update left unfinished in
 * the target is discarded, and said so; a foreign one is refused.
 */
static int settle_update(const char *target, struct diag *err)
{
	enum txn_state state = txn_state(target);

	if (state == TXN_FOREIGN)
		return txn_check_owner(target, err);
	if (state == TXN_SEALED)
		fprintf(stderr, "genship: discarded the interrupted update in "
			"'%s/%s': new --force regenerates every file\n",
			target, TXN_DIR_NAME);
	txn_discard(target);
	return 0;
}

/*
 * Check the target, trust the hooks, and write; say what was made.  An
 * existing target is locked for the whole run (lock.h).
 */
static int write_checked(const struct template *t, const struct new_opts *o,
			 const struct value *ctx, const struct plan *plan,
			 const char *target, struct diag *err)
{
	struct lock lock = LOCK_INIT;
	bool hooks = false;
	int ret;

	ret = lock_take(&lock, target, true, o->lock_timeout, err);
	if (!ret)
		ret = recover(target, err);
	if (!ret && o->force)
		ret = settle_update(target, err);
	if (!ret)
		ret = writer_check_target(plan, target, o->force, err);
	if (!ret)
		ret = check_trust(t, o, &hooks, err);
	signals_catch();
	if (!ret)
		ret = write_project(t, o, ctx, plan, target, hooks, err);
	if (!ret)
		term_info("created '%s': %zu files from %s %s", target,
			  plan->nfiles, t->name, t->manifest->version);
	lock_release(&lock);
	return ret;
}

/* cookiecutter refuses an existing project directory unless -f. */
static int cc_check_existing(const struct new_opts *o, const char *target,
			     struct plan *plan, struct diag *err)
{
	struct stat st;
	size_t i, kept = 0;

	if (lstat(target, &st) < 0)
		return 0;
	if (!o->force) {
		diag_input(err, target, "directory already exists");
		diag_hint(err, "pass -f to overwrite the files the template "
			  "generates, and -s as well to keep those that "
			  "exist");
		return ERR_INPUT;
	}
	for (i = 0; o->skip_existing && i < plan->nfiles; i++) {
		char *p = fs_join(target, plan->files[i].path);

		if (lstat(p, &st) < 0) {
			plan->files[kept++] = plan->files[i];
		} else {
			free(plan->files[i].path);
			free(plan->files[i].data);
		}
		free(p);
	}
	if (o->skip_existing)
		plan->nfiles = kept;
	return 0;
}

/*
 * Begin the interview, on a terminal: Ctrl-C is caught from now on, so
 * that it ends the questions cleanly, and the -o target is checked
 * before the first question, as the kind checks it before writing.
 */
static int new_interview_begin(const struct new_opts *o,
			       const struct template *t, struct diag *err)
{
	struct plan none = PLAN_INIT;

	o->iv->on = new_interactive(o);
	if (!o->iv->on)
		return 0;
	interview_init(&o->iv->ui, stdin, stderr);
	signals_catch();
	if (!o->output || o->dry_run)
		return 0;
	if (template_has(t, TEMPLATE_KIND_COOKIECUTTER_CLI))
		return cc_check_existing(o, o->output, &none, err);
	return writer_check_target(&none, o->output, o->force, err);
}

/* Save the context where --replay finds it; a failure only warns. */
static void cc_save_replay(const struct template *t, const struct value *ctx)
{
	struct diag err = DIAG_INIT;

	if (cookiecutter_save_replay(t, ctx, &err))
		fprintf(stderr, "genship: warning: %s\n", err.msg);
	diag_release(&err);
}

/* Resolve, render, and write (or list, on a dry run) t's project. */
static int generate_from(const struct new_opts *o, struct template *t,
			 struct diag *err)
{
	bool cc_cli = template_has(t, TEMPLATE_KIND_COOKIECUTTER_CLI);
	struct arena arena = ARENA_INIT;
	struct plan plan = PLAN_INIT;
	struct value *ctx = NULL;
	char *target = NULL;
	int ret = resolve_context(t, o, &arena, &ctx, err);

	if (!ret)
		ret = target_dir(t, o, ctx, &arena, &target, err);
	if (!ret)
		ret = template_render(t, ctx, &plan, err);
	if (!ret)
		ret = project_check_reserved(&plan, err);
	if (!ret && cc_cli && !o->dry_run)
		ret = cc_check_existing(o, target, &plan, err);
	if (!ret)
		project_add_answers_file(t, ctx, &plan);
	if (!ret)
		ret = new_confirm(o, target, err);
	if (!ret && o->dry_run)
		print_plan(&plan, target);
	else if (!ret)
		ret = write_checked(t, o, ctx, &plan, target, err);
	if (!ret && cc_cli && !o->dry_run)
		cc_save_replay(t, ctx);
	if (ret)
		new_keep_answers(o, t, target ? target : o->output);
	plan_release(&plan);
	free(target);
	arena_release(&arena);
	return ret;
}

static int generate(struct new_opts *o, struct diag *err)
{
	struct config *cfg = NULL;
	struct template *t = NULL;
	int ret = config_load(o->config, &cfg, err);

	o->src.config = cfg;
	if (!ret && o->src.offline && o->src.refresh)
		ret = diag_input(err, NULL, "--offline and --refresh "
				 "exclude each other");
	else if (!ret)
		ret = source_open(o->template, &o->src, &t, err);
	if (!ret && config_trusts(cfg, t->source, t->url))
		o->trust = true;	/* the user config trusts it */
	if (!ret)
		ret = new_interview_begin(o, t, err);
	if (!ret && !template_has(t, TEMPLATE_KIND_COOKIECUTTER_CLI) &&
	    (o->skip_existing || o->replay || o->replay_file))
		ret = diag_input(err, NULL, "-s, --replay and --replay-file "
				 "apply to cookiecutter templates only");
	else if (!ret)
		ret = generate_from(o, t, err);
	template_free(t);
	config_free(cfg);
	return ret;
}

/*
 * The exit status of a run: an interview the user ended (Ctrl-D) or
 * interrupted (Ctrl-C) says "aborted" and exits 130, as a shell reports
 * an interrupt; else cmd_finish()'s, and then where the answers were kept.
 */
static int new_finish(const struct new_opts *o, int ret, struct diag *err)
{
	if (ret && o->iv->ui.aborted) {
		diag_release(err);
		fputs("genship: aborted\n", stderr);
		return 130;
	}
	ret = cmd_finish(ret, err);
	fputs(o->iv->kept.buf, stderr);
	return ret;
}

int cmd_new(int argc, char **argv)
{
	struct new_interview iv = { .kept = STRBUF_INIT };
	struct new_opts o = { .iv = &iv };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("new"), argc, argv, new_arg, &o);

	if (ret) {
		cmd_sets_release(&o.sets);
		return ret < 0 ? 0 : ret;
	}
	ret = new_finish(&o, generate(&o, &err), &err);
	cmd_sets_release(&o.sets);
	strbuf_release(&iv.kept);
	signals_reraise();
	return ret;
}
