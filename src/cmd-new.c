/*
 * genship new: template + answers -> context -> plan -> staging dir ->
 * hooks -> atomic rename into place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "cmd.h"
#include "fsutil.h"
#include "hook.h"
#include "project.h"
#include "render.h"
#include "template.h"
#include "writer.h"
#include "xalloc.h"

struct new_opts {
	const char *template;
	const char *output;
	const char *answers;
	struct cmd_sets sets;
	bool no_input, dry_run, force, no_hooks, trust;
	unsigned hook_timeout;
};

enum { OPT_OUTPUT = 'o', OPT_FORCE = 'f', OPT_SET = 256, OPT_ANSWERS,
       OPT_NO_INPUT, OPT_DRY_RUN, OPT_NO_HOOKS, OPT_TRUST, OPT_HOOK_TIMEOUT };

static const struct cmd_opt new_opts_table[] = {
	{ "output", 'o', true, OPT_OUTPUT },
	{ "set", 0, true, OPT_SET },
	{ "answers", 0, true, OPT_ANSWERS },
	{ "no-input", 0, false, OPT_NO_INPUT },
	{ "dry-run", 0, false, OPT_DRY_RUN },
	{ "force", 'f', false, OPT_FORCE },
	{ "no-hooks", 0, false, OPT_NO_HOOKS },
	{ "trust", 0, false, OPT_TRUST },
	{ "hook-timeout", 0, true, OPT_HOOK_TIMEOUT },
	{ NULL, 0, false, 0 }
};

/* One parsed argument; a positional K=V is extra context, like --set. */
static int new_arg(void *ud, int key, char *arg)
{
	struct new_opts *o = ud;

	switch (key) {
	case OPT_OUTPUT: o->output = arg; return 0;
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

/* Gather --answers and --set, prompt on a TTY, and resolve the context. */
static int resolve_context(const struct template *t, const struct new_opts *o,
			   struct arena *a, struct value **ctx,
			   struct diag *err)
{
	struct answer_set given = ANSWER_SET_INIT;
	bool interactive = !o->no_input && isatty(STDIN_FILENO);
	int ret = answer_set_gather(&given, o->answers, o->sets.items,
				    o->sets.len, err);

	if (!ret)
		ret = answers_resolve(t->manifest, &given,
				      interactive ? answers_prompt_tty : NULL,
				      NULL, a, ctx, err);
	answer_set_release(&given);
	return ret;
}

/* The project directory: -o, else ./<project_name>. */
static int target_dir(const struct new_opts *o, const struct value *ctx,
		      char **out, struct diag *err)
{
	const struct value *name = value_dict_get(ctx, "project_name");

	if (o->output) {
		*out = xstrdup(o->output);
		return 0;
	}
	if (!name || name->kind != VALUE_STRING || !name->u.s.len ||
	    strchr(name->u.s.ptr, '/') || !strcmp(name->u.s.ptr, "..") ||
	    !strcmp(name->u.s.ptr, ".")) {
		diag_input(err, NULL, "cannot name the project directory: "
			   "the template has no usable 'project_name'");
		diag_hint(err, "pass -o DIR");
		return ERR_INPUT;
	}
	*out = xstrdup(name->u.s.ptr);
	return 0;
}

/*
 * Decide whether hooks run: built-in templates are trusted; a third-party
 * template's hooks need --trust or an interactive yes.
 */
static int check_trust(const struct template *t, const struct new_opts *o,
		       bool *run, struct diag *err)
{
	return hook_check_trust(t, o->no_hooks, o->trust,
				!o->no_input && isatty(STDIN_FILENO), run, err);
}

static void print_plan(const struct plan *p, const char *target)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		printf("%04o %8zu %s/%s\n", p->files[i].mode, p->files[i].len,
		       target, p->files[i].path);
}

/* Stage, run hooks, and move into place; the target is untouched on error. */
static int write_project(const struct template *t, const struct new_opts *o,
			 const struct value *ctx, const struct plan *plan,
			 const char *target, bool hooks, struct diag *err)
{
	struct hook_ctx hc = { ctx, "new", target, t->dir ? t->source : "",
			       NULL, o->hook_timeout, NULL };
	const struct manifest *m = t->manifest;
	char *staging = NULL;
	int ret = writer_stage_dir(target, &staging, err);

	hc.cwd = staging;
	if (!ret && hooks)
		ret = hook_run_list(t, m->pre_hooks, m->npre_hooks, &hc, err);
	if (!ret)
		ret = writer_write(plan, staging, err);
	if (!ret && hooks)
		ret = hook_run_list(t, m->post_hooks, m->npost_hooks, &hc,
				    err);
	if (!ret)
		ret = writer_commit(plan, staging, target, err);
	else
		writer_abort(staging);
	free(staging);
	return ret;
}

static int generate(const struct new_opts *o, struct diag *err)
{
	struct arena arena = ARENA_INIT;
	struct template *t = NULL;
	struct plan plan = PLAN_INIT;
	struct value *ctx = NULL;
	char *target = NULL;
	bool hooks = false;
	int ret = template_open(o->template, &t, err);

	if (!ret)
		ret = resolve_context(t, o, &arena, &ctx, err);
	if (!ret)
		ret = target_dir(o, ctx, &target, err);
	if (!ret)
		ret = render_plan(t, ctx, &plan, err);
	if (!ret)
		ret = project_check_reserved(&plan, err);
	if (!ret)
		project_add_answers_file(t, ctx, &plan);
	if (!ret && o->dry_run) {
		print_plan(&plan, target);
	} else if (!ret) {
		ret = writer_check_target(&plan, target, o->force, err);
		if (!ret)
			ret = check_trust(t, o, &hooks, err);
		if (!ret)
			ret = write_project(t, o, ctx, &plan, target, hooks,
					    err);
		if (!ret)
			fprintf(stderr, "genship: created '%s': %zu files "
				"from %s %s\n", target, plan.nfiles, t->name,
				t->manifest->version);
	}
	plan_release(&plan);
	free(target);
	template_free(t);
	arena_release(&arena);
	return ret;
}

int cmd_new(int argc, char **argv)
{
	struct new_opts o = { 0 };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("new"), argc, argv, new_opts_table,
				 new_arg, &o);

	if (ret) {
		cmd_sets_release(&o.sets);
		return ret < 0 ? 0 : ret;
	}
	ret = cmd_finish(generate(&o, &err), &err);
	cmd_sets_release(&o.sets);
	return ret;
}
