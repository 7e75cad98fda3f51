/*
 * The evaluator of statements: a switch on node kind with one
 * exec_<kind>() per case, writing a template's output: text and {{ }},
 * if, for (with its loop variable), set, with and filter blocks, macros
 * and their calls, {% block %} with {% extends %} and super(), and
 * {% include %} and {% import %} through the caller's loader, under the
 * render's limits on output, iterations, nesting and include depth.
 * Expressions are tpl-ev_eval.c's.
 */
#include "tpl-int.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int exec_body(struct evaluator *r, const struct node_list *body);

/* ---- statements ---------------------------------------------------------- */

/* Fail when the output passed its cap. */
static int check_output(struct evaluator *r, size_t off)
{
	if (!r->out->overflow)
		return 0;
	return ev_fail(r, off, "output exceeds %zu bytes",
		       r->out->max - r->out_start);
}

static int exec_text(struct evaluator *r, const struct node *n)
{
	strbuf_add(r->out, n->u.constant->u.s.ptr, n->u.constant->u.s.len);
	return check_output(r, n->off);
}

static int exec_print(struct evaluator *r, const struct node *n)
{
	struct value *v;
	int rc;

	if ((rc = ev_eval(r, n->u.operand, &v)) ||
	    (rc = ev_defined(r, v, n->off)))
		return rc;
	if (v->kind == VALUE_STRING)
		strbuf_add(r->out, v->u.s.ptr, v->u.s.len);
	else
		value_to_string(r->out, v);
	return check_output(r, n->off);
}

static int exec_if(struct evaluator *r, const struct node *n)
{
	struct value *v;
	bool yes;
	int rc;

	if ((rc = ev_eval(r, n->u.if_.test, &v)) ||
	    (rc = ev_truthy(r, v, n->u.if_.test->off, &yes)))
		return rc;
	return exec_body(r, yes ? &n->u.if_.body : &n->u.if_.orelse);
}

/* Assign v to a name or unpack it into a tuple of targets. */
static int bind_target(struct evaluator *r, const struct node *t,
		       struct value *v, size_t off)
{
	struct value **items;
	size_t n, i, want;
	int rc;

	if (t->kind == NODE_NAME) {
		ev_scope_set(r, t->u.name.name, v);
		return 0;
	}
	want = t->u.items.n;
	if (v->kind != VALUE_LIST && v->kind != VALUE_DICT &&
	    v->kind != VALUE_STRING && v->kind != VALUE_UNDEFINED)
		return ev_fail(r, off, "cannot unpack non-iterable %s "
			       "object", value_type_name(v));
	if ((rc = ev_items(r, v, off, &items, &n)))
		return rc;
	if (n < want)
		return ev_fail(r, off, "not enough values to unpack "
			       "(expected %zu, got %zu)", want, n);
	if (n > want)
		return ev_fail(r, off, "too many values to unpack "
			       "(expected %zu)", want);
	for (i = 0; i < n; i++)
		if ((rc = bind_target(r, t->u.items.v[i], items[i], off)))
			return rc;
	return 0;
}

/* Count one loop iteration against TPL_MAX_LOOP. */
static int count_iteration(struct evaluator *r, size_t off)
{
	if (++r->iterations > TPL_MAX_LOOP)
		return ev_fail(r, off, "loops run more than %d iterations",
			       TPL_MAX_LOOP);
	return 0;
}

/* Keep the items for which the loop's `if` condition holds. */
static int filter_items(struct evaluator *r, const struct node *n,
			struct value ***items, size_t *count)
{
	struct value **kept = arena_alloc(r->a, (*count + 1) *
					  sizeof(*kept)), *v;
	struct scope_mark m = ev_scope_push(r);
	size_t i, k = 0;
	bool yes;
	int rc = 0;

	for (i = 0; i < *count && !rc; i++) {
		r->nvars = r->frame;
		if ((rc = count_iteration(r, n->off)) ||
		    (rc = bind_target(r, n->u.for_.target, (*items)[i],
				      n->u.for_.target->off)) ||
		    (rc = ev_eval(r, n->u.for_.cond, &v)) ||
		    (rc = ev_truthy(r, v, n->u.for_.cond->off, &yes)))
			break;
		if (yes)
			kept[k++] = (*items)[i];
	}
	ev_scope_pop(r, m);
	*items = kept;
	*count = k;
	return rc;
}

static int exec_loop_body(struct evaluator *r, const struct node *n,
			  struct tpl_loop *l)
{
	struct value *loopv = ev_loop_value(r, l);
	struct scope_mark m = ev_scope_push(r);
	int rc = 0;

	for (l->i = 0; l->i < l->n && !rc; l->i++) {
		r->nvars = r->frame;
		ev_scope_unbind(r, &n->u.for_.body_unbound);
		if ((rc = count_iteration(r, n->off)) ||
		    (rc = bind_target(r, n->u.for_.target, l->items[l->i],
				      n->u.for_.target->off)))
			break;
		ev_scope_set(r, n->u.for_.loop_name, loopv);
		rc = exec_body(r, &n->u.for_.body);
	}
	ev_scope_pop(r, m);
	return rc;
}

static int exec_for(struct evaluator *r, const struct node *n)
{
	struct tpl_loop *l = ARENA_NEW(r->a, struct tpl_loop);
	struct scope_mark m;
	struct value *seq;
	int rc;

	if ((rc = ev_eval(r, n->u.for_.iter, &seq)) ||
	    (rc = ev_items(r, seq, n->u.for_.iter->off, &l->items,
			   &l->n)))
		return rc;
	if (n->u.for_.cond && (rc = filter_items(r, n, &l->items, &l->n)))
		return rc;
	if (l->n)
		return exec_loop_body(r, n, l);
	m = ev_scope_push(r);
	ev_scope_unbind(r, &n->u.for_.else_unbound);
	rc = exec_body(r, &n->u.for_.orelse);
	ev_scope_pop(r, m);
	return rc;
}

/* {% set ns.attr = v %} */
static int assign_nsref(struct evaluator *r, const struct node *t,
			struct value *v)
{
	struct value *ns;
	int rc;

	if ((rc = ev_eval(r, t->u.attr.obj, &ns)) ||
	    (rc = ev_defined(r, ns, t->u.attr.obj->off)))
		return rc;
	if (ns->kind != VALUE_CALLABLE || ((const struct tpl_callable *)
					   ns->u.call.fn)->kind !=
	    CALLABLE_NAMESPACE)
		return ev_fail(r, t->off, "cannot assign attribute on "
			       "non-namespace object");
	value_dict_setn(r->a, (struct value *)ns->u.call.data, t->u.attr.attr,
			t->u.attr.len, v);
	return 0;
}

static int assign(struct evaluator *r, const struct node *t, struct value *v,
		  size_t off)
{
	if (t->kind == NODE_NSREF)
		return assign_nsref(r, t, v);
	return bind_target(r, t, v, off);
}

static int exec_set(struct evaluator *r, const struct node *n)
{
	struct value *v;
	int rc;

	if ((rc = ev_eval(r, n->u.set.value, &v)))
		return rc;
	return assign(r, n->u.set.target, v, n->u.set.value->off);
}

/* Render body in its own scope into a string value. */
static int exec_capture(struct evaluator *r, const struct node_list *body,
			const struct name_list *unbound, struct value **out)
{
	size_t start = r->out->len;
	struct scope_mark m = ev_scope_push(r);
	int rc;

	ev_scope_unbind(r, unbound);
	rc = exec_body(r, body);

	ev_scope_pop(r, m);
	if (!rc)
		*out = value_strn(r->a, r->out->buf + start,
				  r->out->len - start);
	strbuf_setlen(r->out, start);
	return rc;
}

/* Apply a filter chain (whose innermost input is NULL) to v. */
static int apply_filters(struct evaluator *r, const struct node *chain,
			 struct value *v, struct value **out)
{
	struct value *saved = r->block_input;
	int rc;

	if (!chain) {
		*out = v;
		return 0;
	}
	r->block_input = v;
	rc = ev_eval(r, chain, out);
	r->block_input = saved;
	return rc;
}

static int exec_set_block(struct evaluator *r, const struct node *n)
{
	struct value *v;
	int rc;

	if ((rc = exec_capture(r, &n->u.set.body, &n->u.set.unbound, &v)) ||
	    (rc = apply_filters(r, n->u.set.value, v, &v)))
		return rc;
	return assign(r, n->u.set.target, v, n->off);
}

static int exec_filter_block(struct evaluator *r, const struct node *n)
{
	struct value_str s;
	struct value *v;
	int rc;

	if ((rc = exec_capture(r, &n->u.fblock.body, &n->u.fblock.unbound,
				&v)) ||
	    (rc = apply_filters(r, n->u.fblock.filter, v, &v)) ||
	    (rc = ev_str(r, v, n->off, &s)))
		return rc;
	strbuf_add(r->out, s.ptr, s.len);
	return check_output(r, n->off);
}

static int exec_with(struct evaluator *r, const struct node *n)
{
	const struct node_list *t = &n->u.with.targets;
	struct value **vals = arena_alloc(r->a, (t->n + 1) * sizeof(*vals));
	struct scope_mark m;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->n; i++)
		if ((rc = ev_eval(r, n->u.with.values.v[i], &vals[i])))
			return rc;
	m = ev_scope_push(r);
	ev_scope_unbind(r, &n->u.with.unbound);
	for (i = 0; i < t->n && !rc; i++)
		rc = bind_target(r, t->v[i], vals[i], t->v[i]->off);
	if (!rc)
		rc = exec_body(r, &n->u.with.body);
	ev_scope_pop(r, m);
	return rc;
}

/* ---- macros -------------------------------------------------------------- */

/* The bindings visible now, outermost first, with room for one more. */
static struct tpl_frame *frame_capture(struct evaluator *r)
{
	struct tpl_frame *e = ARENA_NEW(r->a, struct tpl_frame);
	const struct scope_link *l = r->link;
	size_t i = r->nvars, n = 0, j;
	struct binding t;

	e->v = arena_alloc(r->a, (r->nvars + 1) * sizeof(*e->v));
	for (;;) {
		for (; l && i <= l->start; l = l->prev)
			if (l->keep < i)
				i = l->keep;
		if (!i)
			break;
		e->v[n++] = r->vars[--i];
	}
	for (j = 0; j < n / 2; j++) {
		t = e->v[j];
		e->v[j] = e->v[n - 1 - j];
		e->v[n - 1 - j] = t;
	}
	e->n = n;
	return e;
}

/*
 * {% macro %}: bind a callable.  At a template's top level the macro sees
 * that level's names as they are when it runs (an imported template's as
 * they were when the import finished); elsewhere, those visible now.
 */
static int exec_macro(struct evaluator *r, const struct node *n)
{
	static const struct tpl_callable desc = { CALLABLE_MACRO, NULL,
						  "macro" };
	struct tpl_macro *m = ARENA_NEW(r->a, struct tpl_macro);
	struct tpl_frame *e = NULL;
	struct value *v;
	int rc;

	m->def = n;
	m->prog = r->prog;
	m->ctx = r->ctx;
	if (r->at_top) {
		m->frame = r->module;
	} else {
		if ((rc = ev_charge(r, r->nvars, n->off)))
			return rc;
		m->frame = e = frame_capture(r);
	}
	v = ev_callable(r, &desc, m, n->u.macro.name);
	if (e) {
		e->v[e->n].name = n->u.macro.name;
		e->v[e->n++].val = v;
	}
	ev_scope_set(r, n->u.macro.name, v);
	return 0;
}

/* The index of the parameter called name, or -1. */
static long macro_param(const struct node *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->u.macro.params.n; i++)
		if (!strcmp(d->u.macro.params.v[i]->u.name.name, name))
			return (long)i;
	return -1;
}

/* Check the arguments of a call to macro d. */
static int macro_check(struct evaluator *r, const struct node *d,
		       const struct tpl_args *args, size_t off)
{
	size_t i;
	long p;

	if (args->npos > d->u.macro.params.n)
		return ev_fail(r, off, "macro '%s' takes not more than "
			       "%zu argument(s)", d->u.macro.name,
			       d->u.macro.params.n);
	for (i = 0; i < args->nkw; i++) {
		p = macro_param(d, args->kwnames[i]);
		if (p < 0 || (size_t)p < args->npos)
			return ev_fail(r, off, "macro '%s' takes no "
				       "keyword argument '%s'",
				       d->u.macro.name, args->kwnames[i]);
	}
	return 0;
}

/* The argument for parameter i: given, its default, or undefined. */
static int macro_arg(struct evaluator *r, const struct node *d, size_t i,
		     const struct tpl_args *args, struct value **out)
{
	const struct node_list *defs = &d->u.macro.defaults;
	const char *name = d->u.macro.params.v[i]->u.name.name;
	size_t j, first = d->u.macro.params.n - defs->n;

	if (i < args->npos) {
		*out = args->pos[i];
		return 0;
	}
	for (j = 0; j < args->nkw; j++)
		if (!strcmp(args->kwnames[j], name)) {
			*out = args->kw[j];
			return 0;
		}
	if (i >= first)
		return ev_eval(r, defs->v[i - first], out);
	*out = ev_undef(r, d->u.macro.params.v[i]->off,
			arena_printf(r->a, "parameter '%s' was not "
				     "provided", name));
	return 0;
}

/* Bind the parameters of d in the current frame. */
static int macro_bind(struct evaluator *r, const struct node *d,
		      const struct tpl_args *args)
{
	struct value *v;
	size_t i;
	int rc;

	for (i = 0; i < d->u.macro.params.n; i++) {
		if ((rc = macro_arg(r, d, i, args, &v)))
			return rc;
		ev_scope_set(r, d->u.macro.params.v[i]->u.name.name, v);
	}
	return 0;
}

/* Push the bindings of e (a captured frame) as they are. */
static int frame_push(struct evaluator *r, const struct tpl_frame *e,
		      size_t off)
{
	int rc;

	if ((rc = ev_charge(r, e->n, off)))
		return rc;
	XALLOC_GROW(r->vars, r->nvars + e->n, r->alloc);
	if (e->n)
		memcpy(r->vars + r->nvars, e->v, e->n * sizeof(*e->v));
	r->nvars += e->n;
	r->frame = r->nvars;
	return 0;
}

/* Run the body of macro m with args; its output becomes *out. */
static int macro_run(struct evaluator *r, const struct tpl_macro *m,
		     const struct tpl_args *args, size_t off,
		     struct value **out)
{
	bool live = !m->frame || !m->frame->v;
	struct scope_link link = { r->nvars, live ? r->top_n : 0, r->link };
	size_t start = r->out->len;
	struct scope_mark mk = ev_scope_push(r);
	int rc = 0;

	r->link = &link;
	r->prog = m->prog;
	r->ctx = m->ctx;
	r->cur_block = 0;
	if (!live)
		rc = frame_push(r, m->frame, off);
	ev_scope_unbind(r, &m->def->u.macro.unbound);
	if (!rc)
		rc = macro_bind(r, m->def, args);
	if (!rc)
		rc = exec_body(r, &m->def->u.macro.body);
	if (!rc)
		*out = value_strn(r->a, r->out->buf + start,
				  r->out->len - start);
	strbuf_setlen(r->out, start);
	ev_scope_pop(r, mk);
	return rc;
}

/* Call the macro fn: Jinja's Macro.__call__. */
int ev_call_macro(struct evaluator *r, const struct value *fn,
		  const struct tpl_args *args, size_t off,
		  struct value **out)
{
	const struct tpl_macro *m = fn->u.call.data;
	const struct tpl_program *prog = r->prog;
	const struct scope_link *link = r->link;
	const struct value *ctx = r->ctx;
	size_t cur = r->cur_block;
	int rc;

	if ((rc = macro_check(r, m->def, args, off)))
		return rc;
	rc = macro_run(r, m, args, off, out);
	r->prog = prog;
	r->link = link;
	r->ctx = ctx;
	r->cur_block = cur;
	return rc;
}

/* ---- blocks and template inheritance ------------------------------------- */

/* Append the blocks of prog to the chain. */
static void blocks_register(struct evaluator *r, const struct tpl_program *prog)
{
	size_t i;

	XALLOC_GROW(r->blocks, r->nblocks + prog->blocks.n, r->ablocks);
	for (i = 0; i < prog->blocks.n; i++) {
		r->blocks[r->nblocks].node = prog->blocks.v[i];
		r->blocks[r->nblocks++].prog = prog;
	}
}

/* The first block of the chain after index from called name, or nblocks. */
static size_t blocks_find(const struct evaluator *r, size_t from,
			  const char *name)
{
	for (; from < r->nblocks; from++)
		if (!strcmp(r->blocks[from].node->u.block.name, name))
			break;
	return from;
}

/* Render block i of the chain, seeing the context and top-level names. */
static int run_block(struct evaluator *r, size_t i)
{
	const struct node *n = r->blocks[i].node;
	struct scope_link link = { r->nvars, r->top_n, r->link };
	const struct tpl_program *prog = r->prog;
	const struct scope_link *saved = r->link;
	size_t cur = r->cur_block;
	struct scope_mark mk = ev_scope_push(r);
	int rc;

	r->link = &link;
	r->prog = r->blocks[i].prog;
	r->cur_block = i + 1;
	ev_scope_unbind(r, &n->u.block.unbound);
	rc = exec_body(r, &n->u.block.body);
	ev_scope_pop(r, mk);
	r->prog = prog;
	r->link = saved;
	r->cur_block = cur;
	return rc;
}

/* {% block %}: render the chain's first block of that name. */
static int exec_block(struct evaluator *r, const struct node *n)
{
	size_t i;

	if (r->parent)
		return 0;	/* after {% extends %}: output is dropped */
	i = blocks_find(r, r->blocks_base, n->u.block.name);
	if (i == r->nblocks)
		return ev_fail(r, n->off, "block '%s' is not defined",
			       n->u.block.name);
	return run_block(r, i);
}

/* super(): the next block of the running block's name, as a string. */
int ev_call_super(struct evaluator *r, const struct value *fn,
		  size_t off, struct value **out)
{
	size_t cur = *(const size_t *)fn->u.call.data, start = r->out->len;
	const char *name = r->blocks[cur].node->u.block.name;
	size_t i = blocks_find(r, cur + 1, name);
	int rc;

	if (i == r->nblocks)
		return ev_fail(r, off, "there is no parent block called "
			       "'%s'", name);
	rc = run_block(r, i);
	if (!rc)
		*out = value_strn(r->a, r->out->buf + start,
				  r->out->len - start);
	strbuf_setlen(r->out, start);
	return rc;
}

/* The value of `super` inside a block. */
struct value *ev_super_value(struct evaluator *r)
{
	static const struct tpl_callable desc = { CALLABLE_SUPER, NULL,
						  "'super'" };
	size_t *i = ARENA_NEW(r->a, size_t);

	*i = r->cur_block - 1;
	return ev_callable(r, &desc, i, "function");
}

/*
 * Evaluate the template name at node n and load it through the loader.
 * verb names the tag in messages ("extend").
 */
static int load_named(struct evaluator *r, const struct node *n,
		      const char *verb, const struct tpl **t,
		      struct value_str *s)
{
	struct value *name;
	int rc;

	if ((rc = ev_eval(r, n, &name)) ||
	    (rc = ev_defined(r, name, n->off)) ||
	    (rc = ev_str(r, name, n->off, s)))
		return rc;
	if (!r->loader)
		return ev_fail(r, n->off, "cannot %s '%s': this template "
			       "has no loader", verb, s->ptr);
	rc = r->loader->load(r->loader->ud, s->ptr, s->len, t, r->err);
	if (rc == 1)
		return ev_fail(r, n->off, "template '%s' not found",
			       s->ptr);
	return rc;
}

/* Fail when prog is running already (a cycle) or nesting is too deep. */
static int check_chain(struct evaluator *r, const struct tpl_program *prog,
		       size_t off, const char *what, const char *name)
{
	size_t i;

	for (i = 0; i < r->nchain; i++)
		if (r->chain[i] == prog)
			break;
	if (i < r->nchain || r->prog == prog)
		return ev_fail(r, off, "template '%s' %s itself", name,
			       what);
	if (r->nchain >= TPL_MAX_INCLUDE)
		return ev_fail(r, off, "templates nest deeper than %d",
			       TPL_MAX_INCLUDE);
	return 0;
}

/* {% extends %}: note the parent; the rest of the output is dropped. */
static int exec_extends(struct evaluator *r, const struct node *n)
{
	const struct tpl *t = NULL;
	struct value_str s;
	int rc;

	if (r->parent)
		return ev_fail(r, n->off, "extended multiple times");
	if ((rc = load_named(r, n->u.include.name, "extend", &t, &s)) ||
	    (rc = check_chain(r, &t->prog, n->off, "extends", s.ptr)))
		return rc;
	r->parent = &t->prog;
	r->extends_len = r->out->len;
	return 0;
}

/* Render the parent named by {% extends %} in place of the child. */
static int exec_parent(struct evaluator *r)
{
	const struct tpl_program *p = r->parent;

	strbuf_setlen(r->out, r->extends_len);
	r->parent = NULL;
	r->chain[r->nchain++] = r->prog;
	r->prog = p;
	blocks_register(r, p);
	ev_scope_unbind(r, &p->unbound);
	return exec_body(r, &p->body);
}

/*
 * Run the template prog in the current frame, which becomes its top
 * level: its blocks join a new chain, and an {% extends %} hands over to
 * the parent at the end.
 */
static int exec_template(struct evaluator *r, const struct tpl_program *prog)
{
	const struct tpl_program *saved = r->prog, *parent = r->parent;
	size_t base = r->blocks_base, nblocks = r->nblocks;
	size_t cur = r->cur_block, ext = r->extends_len, top_n = r->top_n;
	unsigned nchain = r->nchain;
	bool at_top = r->at_top;
	int rc;

	r->at_top = true;
	r->top_n = r->nvars;
	r->blocks_base = r->nblocks;
	r->parent = NULL;
	r->cur_block = 0;
	r->prog = prog;
	blocks_register(r, prog);
	ev_scope_unbind(r, &prog->unbound);
	rc = exec_body(r, &prog->body);
	while (!rc && r->parent)
		rc = exec_parent(r);
	r->prog = saved;
	r->parent = parent;
	r->blocks_base = base;
	r->nblocks = nblocks;
	r->cur_block = cur;
	r->extends_len = ext;
	r->nchain = nchain;
	r->at_top = at_top;
	r->top_n = top_n;
	return rc;
}

/* ---- imports and includes ------------------------------------------------ */

/*
 * Capture the top-level bindings [from, r->nvars) (nested scopes are
 * closed by now) into e, and export those not starting with '_' as the
 * dict *ns.
 */
static void module_export(struct evaluator *r, struct tpl_frame *e, size_t from,
			  struct value **ns)
{
	struct value *d = value_dict(r->a, r->nvars - from);
	size_t i;

	e->v = arena_alloc(r->a, (r->nvars - from + 1) * sizeof(*e->v));
	for (i = from; i < r->nvars; i++) {
		if (ev_scope_unbound(r->vars[i].val))
			continue;
		e->v[e->n++] = r->vars[i];
		if (r->vars[i].name[0] != '_')
			value_dict_set(r->a, d, r->vars[i].name,
				       r->vars[i].val);
	}
	*ns = d;
}

/* Render t as a module (output discarded) and export its names. */
static int module_run(struct evaluator *r, const struct tpl *t, bool with_ctx,
		      struct value **ns)
{
	struct scope_link link = { r->nvars, 0, r->link };
	struct tpl_frame *e = ARENA_NEW(r->a, struct tpl_frame);
	struct strbuf scratch = STRBUF_INIT;
	struct scope_mark mk = ev_scope_push(r);
	int rc;

	scratch.max = TPL_MAX_OUTPUT;
	r->link = &link;
	r->out = &scratch;
	r->out_start = 0;
	r->module = e;
	if (!with_ctx)
		r->ctx = value_dict(r->a, 0);
	rc = exec_template(r, &t->prog);
	if (!rc)
		module_export(r, e, mk.nvars, ns);
	ev_scope_pop(r, mk);
	strbuf_release(&scratch);
	return rc;
}

/* Import t: render it in a fresh top level and return its exports. */
static int import_module(struct evaluator *r, const struct node *n,
			 const struct tpl *t, const char *name,
			 struct value **ns)
{
	const struct scope_link *link = r->link;
	const struct value *ctx = r->ctx;
	struct tpl_frame *module = r->module;
	struct strbuf *out = r->out;
	size_t out_start = r->out_start;
	int rc;

	if ((rc = check_chain(r, &t->prog, n->off, "imports", name)))
		return rc;
	r->chain[r->nchain++] = r->prog;
	rc = module_run(r, t, n->u.import.with_context, ns);
	r->nchain--;
	r->link = link;
	r->ctx = ctx;
	r->module = module;
	r->out = out;
	r->out_start = out_start;
	return rc;
}

/* {% import %} and {% from ... import %}. */
static int exec_import(struct evaluator *r, const struct node *n)
{
	const struct tpl *t = NULL;
	struct value *ns, *v;
	struct value_str s;
	unsigned line, col;
	size_t i;
	int rc;

	if ((rc = load_named(r, n->u.import.name, "import", &t, &s)) ||
	    (rc = import_module(r, n, t, s.ptr, &ns)))
		return rc;
	if (n->u.import.target) {
		ev_scope_set(r, n->u.import.target, ns);
		return 0;
	}
	diag_linecol(&r->prog->src, n->off, &line, &col);
	for (i = 0; i < n->u.import.n; i++) {
		v = value_dict_get(ns, n->u.import.names[i]);
		if (!v)
			v = ev_undef(r, n->off, arena_printf(r->a,
				"the template '%s' (imported on line %u) "
				"does not export the requested name '%s'",
				s.ptr, line, n->u.import.names[i]));
		ev_scope_set(r, n->u.import.aliases[i], v);
	}
	return 0;
}

/* Render the template t was loaded as, in the includer's scope. */
static int exec_included(struct evaluator *r, const struct tpl *t, size_t off,
			 const char *name)
{
	const struct tpl_program *saved = r->prog;
	struct scope_mark m;
	size_t i;
	int rc;

	for (i = 0; i < r->nchain; i++)
		if (r->chain[i] == &t->prog || saved == &t->prog)
			return ev_fail(r, off, "template '%s' includes "
				       "itself", name);
	if (r->nchain >= TPL_MAX_INCLUDE)
		return ev_fail(r, off, "includes nest deeper than %d",
			       TPL_MAX_INCLUDE);
	r->chain[r->nchain++] = saved;
	m = ev_scope_push(r);
	rc = exec_template(r, &t->prog);
	ev_scope_pop(r, m);
	r->prog = saved;
	r->nchain--;
	return rc;
}

/* {% include name %}: load the template and render it here. */
static int exec_include(struct evaluator *r, const struct node *n)
{
	const struct tpl *t = NULL;
	struct value *name;
	struct value_str s;
	int rc;

	if ((rc = ev_eval(r, n->u.include.name, &name)) ||
	    (rc = ev_defined(r, name, n->u.include.name->off)) ||
	    (rc = ev_str(r, name, n->u.include.name->off, &s)))
		return rc;
	if (!r->loader)
		return ev_fail(r, n->off, "cannot include '%s': this "
			       "template has no loader", s.ptr);
	rc = r->loader->load(r->loader->ud, s.ptr, s.len, &t, r->err);
	if (rc == 1 && n->u.include.ignore_missing)
		return 0;
	if (rc == 1)
		return ev_fail(r, n->u.include.name->off, "template '%s' "
			       "not found", s.ptr);
	if (rc)
		return rc;
	return exec_included(r, t, n->off, s.ptr);
}

static int exec_node(struct evaluator *r, const struct node *n)
{
	switch (n->kind) {
	case NODE_INCLUDE:
		return exec_include(r, n);
	case NODE_EXTENDS:
		return exec_extends(r, n);
	case NODE_MACRO:
		return exec_macro(r, n);
	case NODE_BLOCK:
		return exec_block(r, n);
	case NODE_IMPORT:
		return exec_import(r, n);
	case NODE_TEXT:
		return exec_text(r, n);
	case NODE_PRINT:
		return exec_print(r, n);
	case NODE_IF:
		return exec_if(r, n);
	case NODE_FOR:
		return exec_for(r, n);
	case NODE_SET:
		return exec_set(r, n);
	case NODE_SET_BLOCK:
		return exec_set_block(r, n);
	case NODE_WITH:
		return exec_with(r, n);
	case NODE_FILTER_BLOCK:
		return exec_filter_block(r, n);
	default:
		return ev_fail(r, n->off, "not a statement");
	}
}

static int exec_body(struct evaluator *r, const struct node_list *body)
{
	size_t i;
	int rc = 0;

	if (r->depth > 2 * TPL_MAX_DEPTH + 8)
		return ev_fail(r, body->n ? body->v[0]->off : 0,
			       "template nests too deeply");
	r->depth++;
	for (i = 0; i < body->n && !rc; i++)
		rc = exec_node(r, body->v[i]);
	r->depth--;
	return rc;
}

/* ---- entry point --------------------------------------------------------- */

int tpl_eval_template(const struct tpl_program *prog, const struct value *ctx,
		      const struct tpl_loader *ld, const struct tpl_env *env,
		      struct strbuf *out, struct diag *err)
{
	struct arena a = ARENA_INIT;
	size_t saved_max = out->max, limit = out->len + TPL_MAX_OUTPUT;
	struct evaluator r;
	int rc;

	if (!out->max || out->max > limit)
		out->max = limit;
	ev_init(&r, prog, &a, out, ctx, env, err);
	r.loader = ld;
	r.out_start = out->len;
	rc = exec_template(&r, prog);
	out->max = saved_max;
	free(r.vars);
	free(r.blocks);
	arena_release(&a);
	return rc;
}
