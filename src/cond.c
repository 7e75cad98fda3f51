/*
 * cond.c: what a condition over option values reads, what a false one
 * hinges on, and whether a candidate answer leaves it a way to hold.
 *
 * Every question is answered by evaluating the condition again with
 * trial values, so the answers agree with the template engine's own
 * semantics whatever the expression does.
 */
#include "cond.h"

#include <stdlib.h>
#include <string.h>

#include "hostenv.h"
#include "tpl.h"
#include "xalloc.h"

/* Most combinations of later options cond_possible() tries. */
#define COND_MAX_TRIES 1024
/* Most choices of a multi option whose subsets it tries. */
#define COND_MAX_MULTI 8

/* ---- dependencies ------------------------------------------------------ */

struct deps_walk {
	const struct manifest *m;
	struct cond_deps *d;
};

/* Add option i to d, keeping d ascending and free of repeats. */
static void deps_add(struct cond_deps *d, size_t i)
{
	size_t k = d->n;

	if (cond_deps_has(d, i))
		return;
	XALLOC_GROW(d->opts, d->n + 1, d->alloc);
	while (k > 0 && d->opts[k - 1] > i) {
		d->opts[k] = d->opts[k - 1];
		k--;
	}
	d->opts[k] = i;
	d->n++;
}

/* One name an expression reads: an option, a computed value or else. */
static void deps_name(void *ud, const char *name)
{
	struct deps_walk *w = ud;
	size_t i;

	for (i = 0; i < w->m->noptions; i++)
		if (!strcmp(w->m->options[i].name, name)) {
			deps_add(w->d, i);
			return;
		}
	for (i = 0; i < w->m->ncomputed; i++)
		if (!strcmp(w->m->computed[i].name, name))
			w->d->computed = true;
}

void cond_deps_find(const struct manifest *m, const struct tpl_expr *e,
		    struct cond_deps *d)
{
	struct deps_walk w = { m, d };

	tpl_expr_names(e, deps_name, &w);
}

void cond_deps_release(struct cond_deps *d)
{
	free(d->opts);
	*d = (struct cond_deps)COND_DEPS_INIT;
}

size_t cond_deps_ready(const struct manifest *m, const struct cond_deps *d)
{
	if (d->computed)
		return m->noptions;
	return d->n ? d->opts[d->n - 1] : 0;
}

bool cond_deps_has(const struct cond_deps *d, size_t i)
{
	size_t k;

	for (k = 0; k < d->n; k++)
		if (d->opts[k] == i)
			return true;
	return false;
}

/* ---- trial evaluations ------------------------------------------------- */

/*
 * Whether e holds in ctx with option o (unless NULL) set to v: 1 when it
 * does, 0 when it does not, -1 when it cannot be evaluated.
 */
static int holds_with(const struct tpl_expr *e, struct value *ctx,
		      const struct option *o, struct value *v,
		      struct arena *a)
{
	struct diag err = DIAG_INIT;
	struct value *res;
	int ret;

	if (o)
		value_dict_set(a, ctx, o->name, v);
	ret = tpl_expr_eval(e, ctx, hostenv_tpl(), a, &res, &err);
	diag_release(&err);
	return ret ? -1 : value_truthy(res);
}

/* The list of the n choices of o whose bit is set in mask, in order. */
static struct value *multi_subset(const struct option *o, unsigned mask,
				  struct arena *a)
{
	struct value *l = value_list(a, o->nchoices);
	size_t k;

	for (k = 0; k < o->nchoices; k++)
		if (mask & (1u << k))
			value_list_push(a, l, value_str(a, o->choices[k]));
	return l;
}

/* How many values o can take, or 0 when they cannot be listed. */
static size_t domain_size(const struct option *o)
{
	switch (o->type) {
	case OPTION_BOOL:
		return 2;
	case OPTION_CHOICE:
		return o->nchoices;
	case OPTION_MULTI:
		return o->nfields || o->nchoices > COND_MAX_MULTI ? 0 :
		       (size_t)1 << o->nchoices;
	default:
		return 0;
	}
}

/* Value number k (below domain_size(o)) of option o. */
static struct value *domain_value(const struct option *o, size_t k,
				  struct arena *a)
{
	if (o->type == OPTION_BOOL)
		return value_bool(k != 0);
	if (o->type == OPTION_CHOICE)
		return value_str(a, o->choices[k]);
	return multi_subset(o, (unsigned)k, a);
}

/* ---- culprits ---------------------------------------------------------- */

/*
 * Whether some other value of option o, alone, makes e true: any value
 * when they can be listed, else its default or, for a list, no element.
 */
static bool change_helps(const struct tpl_expr *e, struct value *ctx,
			 const struct option *o, struct value *cur,
			 struct arena *a)
{
	size_t k, n = domain_size(o);
	bool helps = false;

	for (k = 0; !helps && k < n; k++) {
		struct value *v = domain_value(o, k, a);

		helps = !value_equal(v, cur) && holds_with(e, ctx, o, v, a) == 1;
	}
	if (!helps && !n && !value_equal(o->def, cur))
		helps = holds_with(e, ctx, o, o->def, a) == 1;
	if (!helps && !n && cur->kind == VALUE_LIST && cur->u.list.len)
		helps = holds_with(e, ctx, o, value_list(a, 0), a) == 1;
	value_dict_set(a, ctx, o->name, cur);
	return helps;
}

/*
 * The elements of multi value cur that clash on their own: e is false
 * with o holding only that element.  All of cur when none does.
 */
static struct value *clashing_elements(const struct tpl_expr *e,
				       struct value *ctx,
				       const struct option *o,
				       struct value *cur, struct arena *a)
{
	struct value *shown = value_list(a, 0), *one;
	size_t k;

	for (k = 0; k < cur->u.list.len; k++) {
		one = value_list(a, 1);
		value_list_push(a, one, cur->u.list.items[k]);
		if (holds_with(e, ctx, o, one, a) == 0)
			value_list_push(a, shown, cur->u.list.items[k]);
	}
	value_dict_set(a, ctx, o->name, cur);
	return shown->u.list.len ? shown : cur;
}

void cond_culprits(const struct manifest *m, const struct tpl_expr *e,
		   const struct cond_deps *d, const struct value *ctx,
		   struct arena *a, struct cond_culprit *out, size_t *n)
{
	struct value *trial = value_dict_clone(a, ctx), *cur;
	size_t k;

	*n = 0;
	for (k = 0; k < d->n; k++) {
		const struct option *o = &m->options[d->opts[k]];

		cur = value_dict_get(trial, o->name);
		if (!cur || !change_helps(e, trial, o, cur, a))
			continue;
		out[*n].opt = d->opts[k];
		out[(*n)++].shown = o->type == OPTION_MULTI &&
			cur->kind == VALUE_LIST ?
			clashing_elements(e, trial, o, cur, a) : cur;
	}
	for (k = 0; !*n && k < d->n; k++) {
		cur = value_dict_get(trial, m->options[d->opts[k]].name);
		if (!cur)
			continue;
		out[*n].opt = d->opts[k];
		out[(*n)++].shown = cur;
	}
}

/* The first unique string field of a list option: what names elements. */
static const char *label_field(const struct option *o)
{
	size_t f;

	for (f = 0; f < o->nfields; f++)
		if (o->fields[f].unique && o->fields[f].type == OPTION_STRING)
			return o->fields[f].name;
	return NULL;
}

/*
 * Append the elements of a list option by their names ("components
 * 'api' and 'web'"), or as --set takes the list when they have none.
 */
static void add_elements(const struct option *o, const struct value *l,
			 struct strbuf *sb)
{
	const char *field = label_field(o);
	const struct value *name;
	size_t k;

	for (k = 0; field && k < l->u.list.len; k++) {
		name = value_dict_get(l->u.list.items[k], field);
		if (!name || name->kind != VALUE_STRING)
			field = NULL;
	}
	if (!field || !l->u.list.len) {
		strbuf_addf(sb, "%s=", o->name);
		option_format_arg(sb, l);
		return;
	}
	strbuf_adds(sb, o->name);
	for (k = 0; k < l->u.list.len; k++)
		strbuf_addf(sb, "%s'%s'", !k ? " " : k + 1 < l->u.list.len ?
			    ", " : " and ", value_dict_get(l->u.list.items[k],
							   field)->u.s.ptr);
}

void cond_format_culprits(const struct manifest *m,
			  const struct cond_culprit *c, size_t n,
			  struct strbuf *sb)
{
	const struct option *o;
	size_t k;

	for (k = 0; k < n; k++) {
		o = &m->options[c[k].opt];
		if (k)
			strbuf_adds(sb, k + 1 == n ? " and " : ", ");
		if (o->nfields && c[k].shown->kind == VALUE_LIST) {
			add_elements(o, c[k].shown, sb);
			continue;
		}
		strbuf_addf(sb, "%s=", o->name);
		option_format_arg(sb, c[k].shown);
	}
}

/* ---- can a condition still hold? --------------------------------------- */

/* The later options of d, after upto, and how many combinations. */
static size_t later_options(const struct manifest *m,
			    const struct cond_deps *d, size_t upto,
			    size_t *later, size_t *nlater)
{
	size_t k, combos = 1, size;

	*nlater = 0;
	for (k = 0; k < d->n; k++) {
		if (d->opts[k] <= upto)
			continue;
		size = domain_size(&m->options[d->opts[k]]);
		if (!size || combos > COND_MAX_TRIES / size)
			return 0;
		combos *= size;
		later[(*nlater)++] = d->opts[k];
	}
	return combos;
}

/* Set the later options of trial to their values in combination c. */
static void set_combination(const struct manifest *m, struct value *trial,
			    const size_t *later, size_t nlater, size_t c,
			    struct arena *a)
{
	size_t k, size;

	for (k = 0; k < nlater; k++) {
		const struct option *o = &m->options[later[k]];

		size = domain_size(o);
		value_dict_set(a, trial, o->name, domain_value(o, c % size, a));
		c /= size;
	}
}

bool cond_possible(const struct manifest *m, const struct tpl_expr *e,
		   const struct cond_deps *d, const struct value *ctx,
		   size_t upto, struct arena *a)
{
	size_t *later = xcalloc(d->n + 1, sizeof(*later)), nlater = 0;
	struct value *trial = value_dict_clone(a, ctx);
	size_t c, combos;
	int holds = 1;

	combos = d->computed ? 0 : later_options(m, d, upto, later, &nlater);
	for (c = 0; c < combos; c++) {
		set_combination(m, trial, later, nlater, c, a);
		holds = holds_with(e, trial, NULL, NULL, a);
		if (holds != 0)
			break;
	}
	free(later);
	return holds != 0;
}
