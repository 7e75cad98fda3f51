/*
 * The evaluator of expressions: a switch on node kind with one
 * eval_<kind>() per case, turning the nodes of an expression into values
 * (tpl-ops.c holds what the operators mean).  Names resolve through the
 * scopes, a stack of bindings: a for-loop iteration, a with-block and a
 * set-block body each open a scope that is dropped at its end, so that,
 * as in Jinja2, a {% set %} inside a loop does not leak out of it; then
 * through the context and the globals.
 */
#include "tpl-int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* What a scope binds a name to until its first assignment. */
static struct value unbound_v = { .kind = VALUE_UNDEFINED };

/* ---- scopes -------------------------------------------------------------- */

struct scope_mark ev_scope_push(struct evaluator *r)
{
	struct scope_mark m = { r->frame, r->nvars, r->at_top };

	r->frame = r->nvars;
	r->at_top = false;
	return m;
}

void ev_scope_pop(struct evaluator *r, struct scope_mark m)
{
	r->frame = m.frame;
	r->nvars = m.nvars;
	r->at_top = m.at_top;
}

/*
 * Names are interned per template, so the same name from two templates
 * (an includer and the included, a child and its parent) needs strcmp.
 */
static bool name_eq(const char *a, const char *b)
{
	return a == b || (*a == *b && !strcmp(a, b));
}

/* The innermost binding of name, skipping the hidden windows. */
static struct value *scope_get(const struct evaluator *r, const char *name)
{
	const struct scope_link *l = r->link;
	size_t i = r->nvars;

	for (;;) {
		for (; l && i <= l->start; l = l->prev)
			if (l->keep < i)
				i = l->keep;
		if (!i)
			return NULL;
		if (name_eq(r->vars[--i].name, name))
			return r->vars[i].val;
	}
}

/* Bind name in the innermost scope. */
void ev_scope_set(struct evaluator *r, const char *name, struct value *v)
{
	size_t i;

	for (i = r->frame; i < r->nvars; i++)
		if (name_eq(r->vars[i].name, name)) {
			r->vars[i].val = v;
			return;
		}
	XALLOC_GROW(r->vars, r->nvars + 1, r->alloc);
	r->vars[r->nvars].name = name;
	r->vars[r->nvars++].val = v;
	if (r->at_top)
		r->top_n = r->nvars;
}

/* Bind the names a scope starts without (see struct name_list). */
void ev_scope_unbind(struct evaluator *r, const struct name_list *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		ev_scope_set(r, names->v[i], &unbound_v);
}

bool ev_scope_unbound(const struct value *v)
{
	return v == &unbound_v;
}

/* ---- slices -------------------------------------------------------------- */

struct slice {
	long long start, stop, step;
	size_t count;
};

/* One slice bound: an int, a bool or None (NULL); *set tells which. */
static int slice_bound(struct evaluator *r, const struct node *n,
		       long long *v, bool *set)
{
	struct value *val;
	int rc;

	*set = false;
	if (!n)
		return 0;
	if ((rc = ev_eval(r, n, &val)))
		return rc;
	if (val->kind == VALUE_NONE)
		return 0;
	if ((rc = ev_defined(r, val, n->off)))
		return rc;
	if (!ev_key_index(val, v))
		return ev_fail(r, n->off, "slice indices must be integers "
			       "or None");
	*set = true;
	return 0;
}

/* Clamp a bound as PySlice_AdjustIndices does. */
static long long slice_clamp(long long v, long long len, bool neg_step)
{
	if (v < 0) {
		v += len;
		if (v < 0)
			v = neg_step ? -1 : 0;
	} else if (v >= len) {
		v = neg_step ? len - 1 : len;
	}
	return v;
}

static int slice_eval(struct evaluator *r, const struct node *n, size_t len,
		      struct slice *s)
{
	bool has_start, has_stop, has_step;
	long long l = (long long)len;
	int rc;

	if ((rc = slice_bound(r, n->u.slice.start, &s->start, &has_start)) ||
	    (rc = slice_bound(r, n->u.slice.stop, &s->stop, &has_stop)) ||
	    (rc = slice_bound(r, n->u.slice.step, &s->step, &has_step)))
		return rc;
	if (!has_step)
		s->step = 1;
	if (!s->step)
		return ev_fail(r, n->off, "slice step cannot be zero");
	s->start = has_start ? slice_clamp(s->start, l, s->step < 0) :
		   s->step < 0 ? l - 1 : 0;
	s->stop = has_stop ? slice_clamp(s->stop, l, s->step < 0) :
		  s->step < 0 ? -1 : l;
	/* The magnitude of the step in unsigned: -LLONG_MIN overflows. */
	s->count = 0;
	if (s->step > 0 && s->start < s->stop)
		s->count = (size_t)((s->stop - s->start - 1) / s->step + 1);
	else if (s->step < 0 && s->stop < s->start)
		s->count = (size_t)((unsigned long long)(s->start - s->stop -
							 1) /
				    (0 - (unsigned long long)s->step) + 1);
	return 0;
}

static int slice_list(struct evaluator *r, struct value *obj,
		      const struct slice *s, struct value **out)
{
	struct value *v = obj->u.list.tuple ? value_tuple(r->a, s->count) :
			  value_list(r->a, s->count);
	size_t k;

	for (k = 0; k < s->count; k++)
		value_list_push(r->a, v, obj->u.list.items[s->start +
						(long long)k * s->step]);
	*out = v;
	return 0;
}

/* Move pos (a code point boundary of s) by delta code points. */
static size_t cp_move(const char *s, size_t n, size_t pos, long long delta)
{
	uint32_t cp;

	for (; delta > 0 && pos < n; delta--)
		pos += utf8_next(s + pos, n - pos, &cp);
	for (; delta < 0 && pos > 0; delta++)
		pos = utf8_back(s, 0, pos);
	return pos;
}

static int slice_string(struct evaluator *r, struct value *obj,
			const struct slice *s, size_t off, struct value **out)
{
	const char *p = obj->u.s.ptr;
	size_t n = obj->u.s.len, k, b;
	struct strbuf sb;
	uint32_t cp;

	b = utf8_offset(p, n, (size_t)s->start);
	if (s->step == 1) {
		size_t end = cp_move(p, n, b, (long long)s->count);

		*out = value_str_borrow(r->a, p + b, end - b);
		return 0;
	}
	strbuf_init(&sb, TPL_MAX_OUTPUT);
	for (k = 0; k < s->count; k++) {
		strbuf_add(&sb, p + b, utf8_next(p + b, n - b, &cp));
		b = cp_move(p, n, b, s->step);
	}
	return ev_take(r, &sb, off, out);
}

/* obj[a:b:c] */
static int eval_slice_of(struct evaluator *r, struct value *obj,
			 const struct node *n, struct value **out)
{
	struct slice s;
	size_t len;
	int rc;

	if (obj->kind == VALUE_UNDEFINED)
		return ev_undef_error(r, obj, n->off);
	if (obj->kind != VALUE_LIST && obj->kind != VALUE_STRING)
		return ev_fail(r, n->off, "'%s' object cannot be sliced",
			       value_type_name(obj));
	len = obj->kind == VALUE_LIST ? obj->u.list.len :
	      utf8_count(obj->u.s.ptr, obj->u.s.len);
	if ((rc = slice_eval(r, n, len, &s)) ||
	    (rc = ev_charge(r, s.count * (obj->kind == VALUE_LIST ? 8 :
					  4) + len, n->off)))
		return rc;
	if (obj->kind == VALUE_LIST)
		return slice_list(r, obj, &s, out);
	return slice_string(r, obj, &s, n->off, out);
}

/* ---- expressions --------------------------------------------------------- */

static int eval_name(struct evaluator *r, const struct node *n,
		     struct value **out)
{
	const char *name = n->u.name.name;
	const struct tpl_func *f;
	struct tpl_callable *k;
	struct value *v;
	int rc;

	if ((rc = ev_charge(r, r->nvars + (r->ctx && r->ctx->kind ==
					   VALUE_DICT ?
					   r->ctx->u.dict.len : 0),
			    n->off)))
		return rc;
	if ((v = scope_get(r, name))) {
		*out = v != &unbound_v ? v : ev_undef(r, n->off,
				arena_printf(r->a, "'%s' is undefined", name));
		return 0;
	}
	if (r->ctx && r->ctx->kind == VALUE_DICT &&
	    (v = value_dict_get(r->ctx, name))) {
		*out = ev_dict_value(r, v, name, strlen(name), n->off);
		return 0;
	}
	if (r->cur_block && !strcmp(name, "super")) {
		*out = ev_super_value(r);
		return 0;
	}
	if ((f = tpl_func_find(TPL_GLOBALS, name, strlen(name)))) {
		k = ARENA_NEW(r->a, struct tpl_callable);
		k->kind = CALLABLE_FUNC;
		k->func = f;
		k->what = arena_printf(r->a, "'%s'", f->name);
		*out = ev_callable(r, k, NULL, "function");
		return 0;
	}
	*out = ev_undef_named(r, n->off, arena_printf(r->a, "'%s' is undefined",
						  name), name, strlen(name),
			      r->ctx);
	return 0;
}

static int eval_items(struct evaluator *r, const struct node *n,
		      struct value **out)
{
	const struct node_list *l = &n->u.items;
	struct value *v = n->kind == NODE_TUPLE ? value_tuple(r->a, l->n) :
			  value_list(r->a, l->n), *item;
	size_t i;
	int rc;

	for (i = 0; i < l->n; i++) {
		if ((rc = ev_eval(r, l->v[i], &item)))
			return rc;
		value_list_push(r->a, v, item);
	}
	*out = v;
	return 0;
}

static int eval_dict(struct evaluator *r, const struct node *n,
		     struct value **out)
{
	const struct node_list *l = &n->u.items;
	struct value *d = value_dict(r->a, l->n / 2), *k, *v;
	size_t i;
	int rc;

	for (i = 0; i + 1 < l->n; i += 2) {
		if ((rc = ev_eval(r, l->v[i], &k)) ||
		    (rc = ev_defined(r, k, l->v[i]->off)) ||
		    (rc = ev_eval(r, l->v[i + 1], &v)))
			return rc;
		if (k->kind != VALUE_STRING)
			return ev_fail(r, l->v[i]->off, "dict keys must "
				       "be strings, not '%s'",
				       value_type_name(k));
		value_dict_setn(r->a, d, k->u.s.ptr, k->u.s.len, v);
	}
	*out = d;
	return 0;
}

static int eval_getattr(struct evaluator *r, const struct node *n,
			struct value **out)
{
	struct value *obj;
	int rc;

	if ((rc = ev_eval(r, n->u.attr.obj, &obj)))
		return rc;
	return ev_getattr(r, obj, n->u.attr.attr, n->u.attr.len, n->off,
			  out);
}

static int eval_getitem(struct evaluator *r, const struct node *n,
			struct value **out)
{
	struct value *obj, *key;
	int rc;

	if ((rc = ev_eval(r, n->u.item.obj, &obj)))
		return rc;
	if (n->u.item.key->kind == NODE_SLICE)
		return eval_slice_of(r, obj, n->u.item.key, out);
	if ((rc = ev_eval(r, n->u.item.key, &key)))
		return rc;
	return ev_getitem(r, obj, key, n->off, out);
}

/* Evaluate call arguments into args (arrays in the render arena). */
static int eval_args(struct evaluator *r, const struct node_args *na,
		     struct tpl_args *args)
{
	size_t i;
	int rc;

	args->npos = na->pos.n;
	args->nkw = na->kw.n;
	args->kwnames = (const char *const *)na->kwnames;
	args->pos = arena_alloc(r->a, (args->npos + args->nkw + 1) *
				sizeof(struct value *));
	args->kw = args->pos + args->npos;
	for (i = 0; i < na->pos.n; i++)
		if ((rc = ev_eval(r, na->pos.v[i], &args->pos[i])))
			return rc;
	for (i = 0; i < na->kw.n; i++)
		if ((rc = ev_eval(r, na->kw.v[i], &args->kw[i])))
			return rc;
	return 0;
}

/* Call the value fn with args. */
static int call_value(struct evaluator *r, struct value *fn,
		      const struct tpl_args *args, size_t off,
		      struct value **out)
{
	const struct tpl_callable *k;

	if (fn->kind == VALUE_UNDEFINED)
		return ev_undef_error(r, fn, off);
	if (fn->kind != VALUE_CALLABLE)
		return ev_fail(r, off, "'%s' object is not callable",
			       value_type_name(fn));
	k = fn->u.call.fn;
	switch (k->kind) {
	case CALLABLE_FUNC:
		return tpl_func_call(r, k->func, k->what,
				     (struct value *)fn->u.call.data, args,
				     off, out);
	case CALLABLE_LOOP_METHOD:
		return ev_loop_call(r, fn, args, off, out);
	case CALLABLE_MACRO:
		return ev_call_macro(r, fn, args, off, out);
	case CALLABLE_SUPER:
		return ev_call_super(r, fn, off, out);
	default:
		return ev_fail(r, off, "'%s' object is not callable",
			       value_type_name(fn));
	}
}

static int eval_call(struct evaluator *r, const struct node *n,
		     struct value **out)
{
	struct tpl_args args;
	struct value *fn;
	int rc;

	if ((rc = ev_eval(r, n->u.call.fn, &fn)) ||
	    (rc = eval_args(r, &n->u.call.args, &args)))
		return rc;
	return call_value(r, fn, &args, n->off, out);
}

/* Report an unknown filter or test when it is about to run. */
static int fail_unknown(struct evaluator *r, const struct node *n)
{
	bool test = n->kind == NODE_TEST;
	const char *hint = tpl_func_closest(test ? TPL_TESTS : TPL_FILTERS,
					    n->u.filter.name);

	ev_fail(r, n->off, "unknown %s '%s'", test ? "test" : "filter",
		n->u.filter.name);
	if (hint)
		diag_hint(r->err, "did you mean '%s'?", hint);
	return ERR_INPUT;
}

/* A filter or a test: f(arg, args...). */
static int eval_filter(struct evaluator *r, const struct node *n,
		       struct value **out)
{
	bool test = n->kind == NODE_TEST;
	struct tpl_args args;
	struct value *v;
	int rc;

	if (n->u.filter.arg) {
		if ((rc = ev_eval(r, n->u.filter.arg, &v)))
			return rc;
	} else {
		v = r->block_input;
	}
	if (!n->u.filter.def)
		return fail_unknown(r, n);
	if ((rc = eval_args(r, &n->u.filter.args, &args)))
		return rc;
	return tpl_func_call(r, n->u.filter.def,
			     arena_printf(r->a, "%s '%s'", test ? "test" :
					  "filter", n->u.filter.name),
			     v, &args, n->off, out);
}

int ev_call_named(struct evaluator *r, bool test, const char *name,
		  struct value *v, const struct tpl_args *args,
		  size_t off, struct value **out)
{
	enum tpl_table t = test ? TPL_TESTS : TPL_FILTERS;
	const struct tpl_func *f = tpl_func_find(t, name, strlen(name));
	const char *hint;

	if (!f) {
		ev_fail(r, off, "unknown %s '%s'", test ? "test" :
			"filter", name);
		if ((hint = tpl_func_closest(t, name)))
			diag_hint(r->err, "did you mean '%s'?", hint);
		return ERR_INPUT;
	}
	return tpl_func_call(r, f, arena_printf(r->a, "%s '%s'", test ?
						"test" : "filter", name),
			     v, args, off, out);
}

static int eval_not(struct evaluator *r, const struct node *n,
		    struct value **out)
{
	struct value *v;
	bool t;
	int rc;

	if ((rc = ev_eval(r, n->u.operand, &v)) ||
	    (rc = ev_truthy(r, v, n->u.operand->off, &t)))
		return rc;
	*out = value_bool(!t);
	return 0;
}

static int eval_neg(struct evaluator *r, const struct node *n,
		    struct value **out)
{
	bool neg = n->kind == NODE_NEG;
	struct value *v;
	int rc;

	if ((rc = ev_eval(r, n->u.operand, &v)) ||
	    (rc = ev_check_operands(r, v, NULL, n->off)))
		return rc;
	if (v->kind == VALUE_FLOAT) {
		*out = value_float(r->a, neg ? -v->u.f : v->u.f);
	} else if (v->kind == VALUE_INT || v->kind == VALUE_BOOL) {
		long long i = v->kind == VALUE_INT ? v->u.i : v->u.b;

		if (neg && i == LLONG_MIN)
			return ev_fail(r, n->off, "integer overflow");
		*out = value_int(r->a, neg ? -i : i);
	} else {
		return ev_fail(r, n->off, "unsupported operand type for "
			       "unary %c: '%s'", neg ? '-' : '+',
			       value_type_name(v));
	}
	return 0;
}

/* `a and b`, `a or b`: Python's operand-returning semantics. */
static int eval_logic(struct evaluator *r, const struct node *n,
		      struct value **out)
{
	struct value *l;
	bool t;
	int rc;

	if ((rc = ev_eval(r, n->u.bin.l, &l)) ||
	    (rc = ev_truthy(r, l, n->u.bin.l->off, &t)))
		return rc;
	if (t == (n->kind == NODE_OR)) {
		*out = l;
		return 0;
	}
	return ev_eval(r, n->u.bin.r, out);
}

/* ---- operators ----------------------------------------------------------- */

/* -(|a| ** b): how Python reads Jinja's compiled "-3 ** x". */
static int neg_pow(struct evaluator *r, struct value *a, struct value *b,
		   size_t off, struct value **out)
{
	struct value pos = *a;
	int rc;

	if (a->kind == VALUE_INT && a->u.i == LLONG_MIN)
		return ev_fail(r, off, "integer overflow "
			       "(integers are 64-bit)");
	if (a->kind == VALUE_INT)
		pos.u.i = -a->u.i;
	else
		pos.u.f = -a->u.f;
	if ((rc = ev_arith(r, TOK_POW, &pos, b, off, out)))
		return rc;
	if ((*out)->kind == VALUE_INT)
		*out = value_int(r->a, -(*out)->u.i);
	else if ((*out)->kind == VALUE_FLOAT)
		*out = value_float(r->a, -(*out)->u.f);
	return 0;
}

static int eval_binary(struct evaluator *r, const struct node *n,
		       struct value **out)
{
	struct value *a, *b;
	int rc;

	if ((rc = ev_eval(r, n->u.bin.l, &a)) ||
	    (rc = ev_eval(r, n->u.bin.r, &b)))
		return rc;
	if (n->u.bin.const_base && ((a->kind == VALUE_INT && a->u.i < 0) ||
				    (a->kind == VALUE_FLOAT && signbit(a->u.f))))
		return neg_pow(r, a, b, n->off, out);
	return ev_arith(r, n->u.bin.op, a, b, n->off, out);
}

static int eval_concat(struct evaluator *r, const struct node *n,
		       struct value **out)
{
	struct value_str s;
	struct strbuf sb;
	struct value *v;
	size_t i;
	int rc = 0;

	strbuf_init(&sb, TPL_MAX_OUTPUT);
	for (i = 0; i < n->u.items.n && !rc; i++) {
		const struct node *item = n->u.items.v[i];

		if (!(rc = ev_eval(r, item, &v)) &&
		    !(rc = ev_str(r, v, item->off, &s)) &&
		    !(rc = ev_charge(r, s.len, n->off)))
			strbuf_add(&sb, s.ptr, s.len);
	}
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	return ev_take(r, &sb, n->off, out);
}

/* One comparison a <op> b. */
static int compare(struct evaluator *r, enum tok_kind op, struct value *a,
		   struct value *b, size_t off, bool *res)
{
	int rc;

	switch (op) {
	case TOK_EQ:
	case TOK_NE:
		rc = ev_equal(r, a, b, off, res);
		if (op == TOK_NE)
			*res = !*res;
		return rc;
	case TOK_IN:
	case TOK_NOTIN:
		rc = ev_contains(r, a, b, off, res);
		if (op == TOK_NOTIN)
			*res = !*res;
		return rc;
	default:
		return ev_order(r, op, a, b, off, res);
	}
}

/* a < b < c: each operand is evaluated once, stopping at a false link. */
static int eval_compare(struct evaluator *r, const struct node *n,
			struct value **out)
{
	struct value *a, *b;
	bool res = true;
	size_t i;
	int rc;

	if ((rc = ev_eval(r, n->u.cmp.first, &a)))
		return rc;
	for (i = 0; i < n->u.cmp.rest.n && res; i++) {
		if ((rc = ev_eval(r, n->u.cmp.rest.v[i], &b)) ||
		    (rc = compare(r, n->u.cmp.ops[i], a, b,
				  n->u.cmp.offs[i], &res)))
			return rc;
		a = b;
	}
	*out = value_bool(res);
	return 0;
}

static int eval_cond(struct evaluator *r, const struct node *n,
		     struct value **out)
{
	struct value *t;
	bool yes;
	int rc;

	if ((rc = ev_eval(r, n->u.cond.test, &t)) ||
	    (rc = ev_truthy(r, t, n->u.cond.test->off, &yes)))
		return rc;
	if (yes)
		return ev_eval(r, n->u.cond.then, out);
	if (n->u.cond.otherwise)
		return ev_eval(r, n->u.cond.otherwise, out);
	*out = ev_undef_lenient(r, n->off, "the inline if-expression "
				"evaluated to false and no else section "
				"was defined");
	return 0;
}

int ev_eval(struct evaluator *r, const struct node *n, struct value **out)
{
	int rc;

	if (r->depth > 2 * TPL_MAX_DEPTH + 8)
		return ev_fail(r, n->off, "template nests too deeply");
	if (r->a->total - r->mem_base > TPL_MAX_MEMORY)
		return ev_fail(r, n->off, "render needs more than %zu "
			       "bytes of memory", TPL_MAX_MEMORY);
	r->depth++;
	switch (n->kind) {
	case NODE_CONST:
		*out = n->u.constant;
		rc = 0;
		break;
	case NODE_NAME:
		rc = eval_name(r, n, out);
		break;
	case NODE_LIST:
	case NODE_TUPLE:
		rc = eval_items(r, n, out);
		break;
	case NODE_DICT:
		rc = eval_dict(r, n, out);
		break;
	case NODE_GETATTR:
		rc = eval_getattr(r, n, out);
		break;
	case NODE_GETITEM:
		rc = eval_getitem(r, n, out);
		break;
	case NODE_CALL:
		rc = eval_call(r, n, out);
		break;
	case NODE_FILTER:
	case NODE_TEST:
		rc = eval_filter(r, n, out);
		break;
	case NODE_NOT:
		rc = eval_not(r, n, out);
		break;
	case NODE_NEG:
	case NODE_POS:
		rc = eval_neg(r, n, out);
		break;
	case NODE_AND:
	case NODE_OR:
		rc = eval_logic(r, n, out);
		break;
	case NODE_BINARY:
		rc = eval_binary(r, n, out);
		break;
	case NODE_CONCAT:
		rc = eval_concat(r, n, out);
		break;
	case NODE_COMPARE:
		rc = eval_compare(r, n, out);
		break;
	case NODE_COND:
		rc = eval_cond(r, n, out);
		break;
	default:
		rc = ev_fail(r, n->off, "slices are only allowed in "
			     "subscripts");
		break;
	}
	r->depth--;
	return rc;
}

/* ---- entry points -------------------------------------------------------- */

void ev_init(struct evaluator *r, const struct tpl_program *prog,
	     struct arena *a, struct strbuf *out,
	     const struct value *ctx, const struct tpl_env *env,
	     struct diag *err)
{
	memset(r, 0, sizeof(*r));
	r->prog = prog;
	r->a = a;
	r->out = out;
	r->ctx = ctx;
	r->env = env;
	r->err = err;
	r->mem_base = a->total;
	r->block_input = VALUE_UNDEFINED_P;
	r->at_top = true;
}

int tpl_eval_expr(const struct tpl_program *prog, const struct value *ctx,
		  const struct tpl_env *env, struct arena *a,
		  struct value **out, struct diag *err)
{
	struct strbuf none = STRBUF_INIT;
	struct evaluator r;
	struct value *v;
	int rc;

	ev_init(&r, prog, a, &none, ctx, env, err);
	rc = ev_eval(&r, prog->expr, &v);
	if (!rc && v->kind == VALUE_UNDEFINED)
		rc = ev_undef_error(&r, v, prog->expr->off);
	free(r.vars);
	strbuf_release(&none);
	if (!rc)
		*out = value_copy(a, v);
	return rc;
}
