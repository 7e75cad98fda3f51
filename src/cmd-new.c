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

struct new_opts {
	const char *template;
	const char *output;
	const char *answers;
	struct cmd_sets sets;
	bool no_input, dry_run, force, no_hooks, trust;
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
       OPT_REF, OPT_DIRECTORY, OPT_OFFLINE, OPT_REFRESH, OPT_CONFIG };

const struct cmd_opt cmd_new_opts[] = {
	{ "output", 'o', true, OPT_OUTPUT, "DIR",
	  "the project directory (default: ./PROJECT_NAME)" },
	{ "set", 0, CMD_ARG_REPEAT, OPT_SET, "K=V",
	  "set option K to V (repeatable)" },
	{ "answers", 0, true, OPT_ANSWERS, "FILE",
	  "answers from a YAML file or .genship.yml" },
	{ "no-input", 0, false, OPT_NO_INPUT, NULL,
	  "never prompt; take the defaults" },
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
 * --answers and --set; then prompts on a TTY.
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
	if (!o->no_input && !replay && isatty(STDIN_FILENO))
		rq->prompt = answers_prompt_tty;
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
	char *parent = output_parent(o);
	int ret = gather(t, o, &given, a, &rq, err);

	rq.output_dir = parent;
	rq.notes = &notes;
	if (!ret)
		ret = template_resolve(t, &rq, a, ctx, err);
	if (notes.len)
		fprintf(stderr, "genship: warning: %s", notes.buf);
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
	if (!ret && o->dry_run)
		print_plan(&plan, target);
	else if (!ret)
		ret = write_checked(t, o, ctx, &plan, target, err);
	if (!ret && cc_cli && !o->dry_run)
		cc_save_replay(t, ctx);
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

int cmd_new(int argc, char **argv)
{
	struct new_opts o = { 0 };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("new"), argc, argv, new_arg, &o);

	if (ret) {
		cmd_sets_release(&o.sets);
		return ret < 0 ? 0 : ret;
	}
	ret = cmd_finish(generate(&o, &err), &err);
	cmd_sets_release(&o.sets);
	signals_reraise();
	return ret;
}
