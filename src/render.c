#include "render.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hostenv.h"
#include "paths.h"
#include "strbuf.h"
#include "tpl.h"
#include "utf8.h"
#include "xalloc.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- one file ------------------------------------------------------ */

struct render_job {
	struct template *t;
	const struct value *ctx;
	struct arena *arena;
	struct diag *err;
	char *prefix;		/* shown before template paths in errors */
};

static bool has_marker(const char *s, const struct tpl_syntax *syn)
{
	const char *var = syn && syn->var_open ? syn->var_open : "{{";

	return strstr(s, var) || strstr(s, "{%") || strstr(s, "{#");
}

/* Report component r (n bytes) of the path rendered so far as bad. */
static int bad_path(struct render_job *job, const struct diag_src *src,
		    size_t off, const struct strbuf *done, const char *r,
		    size_t n, const char *why)
{
	struct strbuf shown = STRBUF_INIT;
	int ret;

	strbuf_add_printable(&shown, done->buf, done->len);
	if (done->len)
		strbuf_addch(&shown, '/');
	strbuf_add_printable(&shown, r, n);
	ret = diag_at(job->err, src, off, "rendered path '%s' %s", shown.buf,
		      why);
	diag_hint(job->err, "a path name must render to a plain name "
		  "inside the project, or to nothing to skip the file");
	strbuf_release(&shown);
	return ret;
}

/* Check one rendered path component. Returns a reason, or NULL if fine. */
static const char *bad_component(const char *c)
{
	if (!strcmp(c, ".") || !strcmp(c, ".."))
		return "is '.' or '..'";
	if (strchr(c, '/'))
		return "contains '/'";
	if (strpbrk(c, "\n\r"))
		return "contains a newline";
	if (strlen(c) > NAME_MAX)
		return "is longer than " STR(NAME_MAX) " bytes, the limit of a "
		       "file name";
	return NULL;
}

/* Refuse a template path that is not UTF-8: .genship.yml records it. */
static int check_path_utf8(struct render_job *job, const struct diag_src *src)
{
	size_t bad = utf8_invalid(src->text, src->len);

	if (bad == src->len)
		return 0;
	diag_bad_utf8(job->err, src, bad);
	diag_hint(job->err, "rename the file: generated paths are recorded "
		  "in .genship.yml, which is UTF-8 text");
	return ERR_INPUT;
}

/* Refuse a rendered path that belongs to git or to genship (paths.h). */
static int check_reserved(struct render_job *job, const struct diag_src *src,
			  const struct strbuf *path, const char *fix)
{
	const char *why = paths_problem(path->buf);

	if (!why)
		return 0;
	diag_at(job->err, src, 0, "rendered path '%s' is reserved: %s",
		path->buf, why);
	diag_hint(job->err, "%s", fix);
	return ERR_INPUT;
}

/*
 * Render the path src->text component by component, appending to out.
 * Returns 1 when a component renders empty (the file is skipped), 0, or
 * ERR_INPUT.
 */
static int render_path(struct render_job *job, const struct diag_src *src,
		       const struct tpl_syntax *syn, struct strbuf *out)
{
	unsigned line = src->line_base ? src->line_base : 1,
		 col = src->col_base ? src->col_base : 1;
	const char *p = src->text;
	int ret = check_path_utf8(job, src);

	while (!ret && *p) {
		size_t n = strcspn(p, "/"), len = n;
		char *comp = xstrndup(p, n), *r = comp;
		const char *why = NULL;

		if (has_marker(comp, syn))
			ret = tpl_render_string(src->name, comp, n, line,
						col + (unsigned)(p - src->text),
						syn, job->ctx, hostenv_tpl(),
						job->arena, &r, &len,
						job->err);
		if (!ret && !len)
			ret = 1;
		if (!ret && memchr(r, '\0', len))
			why = "contains a NUL byte";
		else if (!ret && utf8_invalid(r, len) < len)
			why = "is not valid UTF-8";
		else if (!ret)
			why = bad_component(r);
		if (why)
			ret = bad_path(job, src, (size_t)(p - src->text), out,
				       r, len, why);
		if (!ret && out->len + 1 + len >= PATH_MAX)
			ret = bad_path(job, src, (size_t)(p - src->text), out,
				       r, len, "is longer than " STR(PATH_MAX)
				       " bytes, the limit of a path");
		if (!ret)
			strbuf_addf(out, "%s%s", out->len ? "/" : "", r);
		free(comp);
		p += n + (p[n] == '/');
	}
	return ret;
}

/* The syntax f renders with: its own rule's delimiters, or NULL. */
static const struct tpl_syntax *file_syntax(struct render_job *job,
					    const struct template_file *f)
{
	const struct file_rule *own = manifest_file_rule(job->t->manifest,
							 f->path);

	return own && own->has_syntax ? &own->syntax : NULL;
}

/*
 * Render where f goes into out: its own path, or for a rule with `from`
 * the rule's path (a file name in genship.yml), followed, when that names
 * a directory, by f's path below the rule's base.  Returns as
 * render_path(), or ERR_INPUT for a reserved path.
 */
static int render_out_path(struct render_job *job,
			   const struct template_file *f,
			   const struct file_rule *rule, struct strbuf *out)
{
	char *name = xasprintf("%s%s", job->prefix, f->path);
	struct diag_src src = { name, f->path, strlen(f->path), 0, 0 }, rs;
	const struct diag_src *at = &src;	/* what decides the path */
	int ret = 0;

	if (rule && rule->from) {
		size_t base = strlen(rule->from_base);

		rs = (struct diag_src){ job->t->manifest->file, rule->glob,
					strlen(rule->glob),
					rule->path_pos.line,
					rule->path_pos.col };
		at = &rs;
		ret = render_path(job, &rs, NULL, out);
		base += base && f->path[base] == '/';
		src.text += base;
		src.len -= base;
		src.col_base = (unsigned)base + 1;
		if (!rule->from_dir)
			src.len = 0;
	}
	if (!ret && src.len)
		ret = render_path(job, &src, file_syntax(job, f), out);
	if (!ret)
		ret = check_reserved(job, at, out, at == &rs ? "change the "
				     "path of the file rule" : "rename or "
				     "remove this template file");
	free(name);
	return ret;
}

/* Compile f once into the cache, with its file rule's delimiters. */
static int compile_file(struct render_job *job, struct template_file *f,
			struct diag *err)
{
	const struct file_rule *rule;
	char *name;
	int ret;

	if (f->compiled)
		return 0;
	rule = manifest_file_rule(job->t->manifest, f->path);
	name = xasprintf("%s%s", job->prefix, f->path);
	ret = tpl_compile(name, f->data, f->len, rule && rule->has_syntax ?
			  &rule->syntax : NULL, &f->compiled, err);
	free(name);
	return ret;
}

/*
 * The loader for {% include %}, {% import %} and {% extends %}: any file
 * of the template tree, by its path there, whether or not it is output.
 */
static int tree_load(void *ud, const char *name, size_t len,
		     const struct tpl **out, struct diag *err)
{
	struct render_job *job = ud;
	struct template_file *f = template_find_file(job->t->files,
						     job->t->nfiles, name,
						     len);
	int ret;

	if (!f)
		return 1;
	ret = compile_file(job, f, err);
	if (!ret)
		*out = f->compiled;
	return ret;
}

/* Render the content of f into out. */
static int render_content(struct render_job *job, struct template_file *f,
			  struct strbuf *out)
{
	struct tpl_loader ld = { tree_load, job };
	int ret = compile_file(job, f, job->err);

	return ret ? ret : tpl_render_with(f->compiled, job->ctx, &ld,
					   hostenv_tpl(), out, job->err);
}

/* Copy f's bytes into body, within the same size cap as rendered files. */
static int copy_verbatim(struct render_job *job, const struct template_file *f,
			 struct strbuf *body)
{
	char *name;
	int ret;

	strbuf_add(body, f->data, f->len);
	if (!body->overflow)
		return 0;
	name = xasprintf("%s%s", job->prefix, f->path);
	ret = diag_input(job->err, name, "file of %zu bytes exceeds the "
			 "%u MiB limit per generated file", f->len,
			 TPL_MAX_OUTPUT >> 20);
	free(name);
	return ret;
}

/* Check the per-render budget for len more bytes rendered by f. */
static int check_budget(struct render_job *job, const struct template_file *f,
			const struct plan *out, size_t len)
{
	char *name = xasprintf("%s%s", job->prefix, f->path);
	int ret = plan_check_budget(out, len, name, job->err);

	free(name);
	return ret;
}

/* Evaluate a rule's `when`. Returns 1 (include), 0 (skip) or < 0. */
static int rule_applies(struct render_job *job, const struct file_rule *r)
{
	struct value *v;
	int ret;

	if (!r || !r->when)
		return 1;
	ret = tpl_expr_eval(r->when, job->ctx, hostenv_tpl(), job->arena, &v,
			    job->err);
	return ret < 0 ? ret : value_truthy(v);
}

/* Report that f renders to path, where the plan has a directory, or
 * inside other, a file of the plan. */
static int file_dir_clash(struct render_job *job, const struct template_file *f,
			  const char *path, const char *other)
{
	char *name = xasprintf("%s%s", job->prefix, f->path);
	struct diag_src src = { name, f->path, strlen(f->path), 0, 0 };
	int ret;

	ret = diag_at(job->err, &src, 0, "rendered path '%s' is both a file "
		      "and a directory (with '%s')", path, other);
	diag_hint(job->err, "a file and a directory of the project must "
		  "render to different names");
	free(name);
	return ret;
}

/* Report that rule r, which has `from`, renders f to path, which is in
 * the plan already. */
static int duplicate_from(struct render_job *job,
			  const struct template_file *f,
			  const struct file_rule *r, size_t element,
			  const char *path)
{
	struct diag_src src;

	manifest_diag_src(job->t->manifest, &src);
	diag_at_linecol(job->err, &src, r->pos.line, r->pos.col, "file rule "
			"'%s' renders '%s' from '%s', which another file "
			"rendered already", r->glob, path, f->path);
	if (element)
		diag_hint(job->err, "the path of a file rendered for each "
			  "element must differ per element, e.g. {{ %s.name "
			  "}}/...", r->each_var);
	else
		diag_hint(job->err, "give the rule a path no other file of "
			  "the template renders to");
	return ERR_INPUT;
}

/* Report that f, which rule r renders, renders to path, which is in the
 * plan already. */
static int duplicate_path(struct render_job *job,
			  const struct template_file *f,
			  const struct file_rule *r, size_t element,
			  const char *path)
{
	if (r && r->from)
		return duplicate_from(job, f, r, element, path);
	if (!element)
		return diag_input(job->err, NULL, "two template files render "
				  "to '%s'", path);
	diag_input(job->err, NULL, "element %zu of '%s' renders '%s', which "
		   "another element or file rendered already", element,
		   r->each_src, path);
	diag_hint(job->err, "the path of a file rendered for each element "
		  "must differ per element, e.g. {{ %s.name }}/...",
		  r->each_var);
	return ERR_INPUT;
}

/*
 * Render f with job->ctx into out; element is its number in the rule's
 * `each` list (1-based), or 0.  Returns 0, or < 0.
 */
static int render_one(struct render_job *job, struct template_file *f,
		      const struct file_rule *rule, size_t element,
		      struct plan *out)
{
	const struct file_rule *own = manifest_file_rule(job->t->manifest,
							 f->path);
	struct strbuf path = STRBUF_INIT, body;
	bool verbatim = (own && !own->render) ||
		memchr(f->data, '\0', f->len);
	int ret;

	strbuf_init(&body, TPL_MAX_OUTPUT);
	const char *other;

	ret = render_out_path(job, f, rule, &path);
	if (!ret && plan_find(out, path.buf))
		ret = duplicate_path(job, f, rule, element, path.buf);
	else if (!ret && (other = plan_find_clash(out, path.buf)))
		ret = file_dir_clash(job, f, path.buf, other);
	if (!ret && verbatim)
		ret = copy_verbatim(job, f, &body);
	else if (!ret)
		ret = render_content(job, f, &body);
	if (!ret)
		ret = check_budget(job, f, out, body.len);
	if (!ret) {
		size_t len;
		char *data = strbuf_detach(&body, &len);

		plan_add_owned(out, strbuf_detach(&path, NULL), f->mode, data,
			       len)->source = f->path;
	}
	strbuf_release(&path);
	strbuf_release(&body);
	return ret < 0 ? ret : 0;
}

/* A shallow copy of ctx with room for extra more pairs. */
static struct value *ctx_copy(struct render_job *job, const struct value *ctx,
			      size_t extra)
{
	struct value *c = value_dict(job->arena, ctx->u.dict.len + extra);
	size_t i;

	for (i = 0; i < ctx->u.dict.len; i++)
		value_dict_setn(job->arena, c, ctx->u.dict.items[i].key.ptr,
				ctx->u.dict.items[i].key.len,
				ctx->u.dict.items[i].val);
	return c;
}

/* The context with name bound to v: a shallow copy of ctx plus one pair. */
static struct value *ctx_with(struct render_job *job, const struct value *ctx,
			      const char *name, struct value *v)
{
	struct value *c = ctx_copy(job, ctx, 1);

	value_dict_set(job->arena, c, name, v);
	return c;
}

/*
 * Set *out to job->ctx with rule's `with` bindings added, every
 * expression evaluated in job->ctx; job->ctx itself when it has none.
 * Returns 0, or < 0 with *out untouched.
 */
static int ctx_bind(struct render_job *job, const struct file_rule *rule,
		    const struct value **out)
{
	struct value *c, *v;
	size_t i;
	int ret = 0;

	if (!rule || !rule->nwith) {
		*out = job->ctx;
		return 0;
	}
	c = ctx_copy(job, job->ctx, rule->nwith);
	for (i = 0; !ret && i < rule->nwith; i++) {
		ret = tpl_expr_eval(rule->with[i].expr, job->ctx,
				    hostenv_tpl(), job->arena, &v, job->err);
		if (!ret)
			value_dict_set(job->arena, c, rule->with[i].name, v);
	}
	if (!ret)
		*out = c;
	return ret;
}

/* True when an entry of rule's `from` names template path p. */
static bool from_names(const struct file_rule *rule, const char *p)
{
	size_t i;

	for (i = 0; i < rule->nfrom; i++)
		if (manifest_glob_match(rule->from[i], p))
			return true;
	return false;
}

/*
 * Render f, or with f NULL every file rule's `from` names, as rule says,
 * in job->ctx with rule's `with` bindings added; element as in
 * render_one().
 */
static int render_bound(struct render_job *job, struct template_file *f,
			const struct file_rule *rule, size_t element,
			struct plan *out)
{
	const struct value *ctx = job->ctx;
	size_t i;
	int ret = ctx_bind(job, rule, &job->ctx);

	if (!ret && f)
		ret = render_one(job, f, rule, element, out);
	for (i = 0; !ret && !f && i < job->t->nfiles; i++)
		if (from_names(rule, job->t->files[i].path))
			ret = render_one(job, &job->t->files[i], rule,
					 element, out);
	job->ctx = ctx;
	return ret;
}

/*
 * Render f (NULL: the files rule's `from` names) once for each element
 * of the list rule->each evaluates to, for which the rule's `when`,
 * evaluated with the element bound, is true.
 */
static int render_each(struct render_job *job, struct template_file *f,
		       const struct file_rule *rule, struct plan *out)
{
	const struct value *ctx = job->ctx;
	struct value *list;
	size_t i;
	int ret;

	ret = tpl_expr_eval(rule->each, ctx, hostenv_tpl(), job->arena, &list,
			    job->err);
	if (!ret && list->kind != VALUE_LIST) {
		struct diag_src src;

		manifest_diag_src(job->t->manifest, &src);
		diag_at_linecol(job->err, &src, rule->pos.line, rule->pos.col,
				"'each' of file rule '%s' needs a list, and "
				"'%s' is %s", rule->glob, rule->each_src,
				value_type_name(list));
		return ERR_INPUT;
	}
	for (i = 0; !ret && i < list->u.list.len; i++) {
		job->ctx = ctx_with(job, ctx, rule->each_var,
				    list->u.list.items[i]);
		ret = rule_applies(job, rule);
		ret = ret == 1 ? render_bound(job, f, rule, i + 1, out) : ret;
	}
	job->ctx = ctx;
	return ret;
}

/* Render f (NULL: the files rule's `from` names) as rule says. */
static int render_rule(struct render_job *job, struct template_file *f,
		       const struct file_rule *rule, struct plan *out)
{
	int ret;

	if (rule && rule->each)
		return render_each(job, f, rule, out);
	ret = rule_applies(job, rule);
	return ret == 1 ? render_bound(job, f, rule, 0, out) : ret;
}

/* Report that entry i of rule's `from` names no file of the template. */
static int from_missing(struct render_job *job, const struct file_rule *rule,
			size_t i)
{
	const char **paths = xmalloc((job->t->nfiles + 1) * sizeof(*paths));
	struct diag_src src;
	const char *near;
	size_t j;

	for (j = 0; j < job->t->nfiles; j++)
		paths[j] = job->t->files[j].path;
	near = diag_closest(rule->from[i], paths, job->t->nfiles);
	manifest_diag_src(job->t->manifest, &src);
	diag_at_linecol(job->err, &src, rule->from_pos[i].line,
			rule->from_pos[i].col, "'from' entry '%s' of file rule "
			"'%s' names no file of the template", rule->from[i],
			rule->glob);
	if (near)
		diag_hint(job->err, "did you mean '%s'?", near);
	else
		diag_hint(job->err, "'from' names files under %s as they are "
			  "spelled there, before rendering", job->prefix);
	free(paths);
	return ERR_INPUT;
}

/* Check that every `from` entry of every rule names a file of t. */
static int check_sources(struct render_job *job)
{
	const struct manifest *m = job->t->manifest;
	size_t r, i, j;

	for (r = 0; r < m->nfiles; r++) {
		const struct file_rule *rule = &m->files[r];

		for (i = 0; i < rule->nfrom; i++) {
			for (j = 0; j < job->t->nfiles; j++)
				if (manifest_glob_match(rule->from[i],
							job->t->files[j].path))
					break;
			if (j == job->t->nfiles)
				return from_missing(job, rule, i);
		}
	}
	return 0;
}

/* Render every file of the tree by its own rule, then the rules with
 * `from`, in manifest order. */
static int render_all(struct render_job *job, struct plan *out)
{
	const struct manifest *m = job->t->manifest;
	size_t i;
	int ret = check_sources(job);

	for (i = 0; !ret && i < job->t->nfiles; i++)
		ret = render_rule(job, &job->t->files[i],
				  manifest_file_rule(m, job->t->files[i].path),
				  out);
	for (i = 0; !ret && i < m->nfiles; i++)
		if (m->files[i].from)
			ret = render_rule(job, NULL, &m->files[i], out);
	return ret;
}

int render_plan(struct template *t, const struct value *ctx,
		struct plan *out, struct diag *err)
{
	struct arena arena = ARENA_INIT;
	struct render_job job = { t, ctx, &arena, err, NULL };
	int ret;

	job.prefix = template_files_prefix(t);
	ret = render_all(&job, out);
	if (ret)
		plan_release(out);
	free(job.prefix);
	arena_release(&arena);
	return ret;
}
