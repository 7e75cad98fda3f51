/*
 * genship's own kind of template: the glue between the template
 * interface and answers.c, render.c and hook.c (genship-kind.h).
 */
#include "genship-kind.h"

#include <string.h>

#include "answers.h"
#include "hook.h"
#include "render.h"

/* The recorded answers, then the given ones, so that given wins. */
static int genship_resolve(const struct template *t,
			   const struct template_request *rq,
			   struct arena *a, struct value **ctx,
			   struct diag *err)
{
	struct answer_set all = ANSWER_SET_INIT;
	size_t i;
	int ret;

	for (i = 0; rq->recorded && i < rq->recorded->len; i++)
		answer_set_add_answer(&all, &rq->recorded->items[i]);
	for (i = 0; rq->given && i < rq->given->len; i++)
		answer_set_add_answer(&all, &rq->given->items[i]);
	ret = answers_resolve(t->manifest, &all, rq->how, a, ctx, err);
	answer_set_release(&all);
	return ret;
}

/* Every value of the context is an option or a computed value. */
static const struct value *genship_vars(const struct value *ctx)
{
	return ctx;
}

/* Run the hooks called names (n of them) in order; stop at a failure. */
static int run_list(const struct template *t, char **names, size_t n,
		    const struct hook_ctx *hc, struct diag *err)
{
	char **env = hook_env_new(hc);
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < n; i++) {
		const struct template_file *f = template_hook(t, names[i]);
		struct hook_script hs;

		if (!f) {
			ret = manifest_hook_missing(t->manifest, names[i], err);
			break;
		}
		hs = (struct hook_script){ f->path, f->data, f->len, f->mode };
		ret = hook_run(&hs, NULL, hc, env, err);
	}
	hook_env_free(env);
	return ret;
}

static int genship_run_hooks(const struct template *t,
			     enum template_stage stage,
			     const struct value *ctx,
			     const struct hook_ctx *hc, struct diag *err)
{
	const struct manifest *m = t->manifest;

	(void)ctx;	/* hooks see the answers through hc */
	if (stage == TEMPLATE_PRE_GEN)
		return run_list(t, m->pre_hooks, m->npre_hooks, hc, err);
	return run_list(t, m->post_hooks, m->npost_hooks, hc, err);
}

/* The project directory is the `project_name` answer. */
static int genship_project_dir(const struct template *t,
			       const struct value *ctx, struct arena *a,
			       char **name, struct diag *err)
{
	const struct value *v = value_dict_get(ctx, "project_name");

	(void)t;
	if (!v || v->kind != VALUE_STRING || !v->u.s.len ||
	    strchr(v->u.s.ptr, '/') || !strcmp(v->u.s.ptr, "..") ||
	    !strcmp(v->u.s.ptr, ".")) {
		diag_input(err, NULL, "cannot name the project directory: "
			   "the template has no usable 'project_name'");
		diag_hint(err, "pass -o DIR");
		return ERR_INPUT;
	}
	*name = arena_strndup(a, v->u.s.ptr, v->u.s.len);
	return 0;
}

const struct template_kind genship_kind = {
	"genship", genship_resolve, genship_vars, render_plan,
	genship_run_hooks, genship_project_dir, NULL,
	TEMPLATE_KIND_UPDATE_HOOKS,
};
