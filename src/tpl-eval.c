/*
 * The evaluator: a switch on node kind with one eval_<kind>() or
 * exec_<kind>() per case, over values with Python semantics.  Scopes are
 * a stack of bindings: a for-loop iteration, a with-block and a set-block
 * body each open a scope that is dropped at its end, so that, as in
 * Jinja2, a {% set %} inside a loop does not leak out of it.  Undefined
 * values are StrictUndefined: using one is an error that points at the
 * expression that produced it.
 */
#include "tpl-int.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int eval(struct evaluator *r, const struct node *n, struct value **out);
static int exec_body(struct evaluator *r, const struct node_list *body);
static int call_macro(struct evaluator *r, const struct value *fn,
		      const struct tpl_args *args, size_t off,
		      struct value **out);
static int call_super(struct evaluator *r, const struct value *fn,
		      size_t off, struct value **out);
static struct value *super_value(struct evaluator *r);

/* What a scope binds a name to until its first assignment. */
static struct value unbound_v = { .kind = VALUE_UNDEFINED };

static const struct tpl_callable loop_desc = { CALLABLE_LOOP, NULL,
					       "loop" };
static const struct tpl_callable cycle_desc = { CALLABLE_LOOP_METHOD, NULL,
						"loop.cycle" };
static const struct tpl_callable changed_desc = { CALLABLE_LOOP_METHOD,
						  NULL, "loop.changed" };

/* ---- errors and helpers shared with tpl-filter.c ------------------------- */

int ev_fail(struct evaluator *r, size_t off, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int n;

	if (r->err->code)
		return ERR_INPUT;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0 && strbuf_grow(&sb, (size_t)n)) {
		va_start(ap, fmt);
		vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb.len = (size_t)n;
	}
	diag_at(r->err, &r->prog->src, off, "%s", sb.buf);
	strbuf_release(&sb);
	return ERR_INPUT;
}

struct value *ev_undef(struct evaluator *r, size_t off, const char *msg)
{
	struct value *v = ARENA_NEW(r->a, struct value);
	struct tpl_undef *u = ARENA_NEW(r->a, struct tpl_undef);

	u->msg = msg;
	u->owner = r->prog;
	u->off = off;
	v->kind = VALUE_UNDEFINED;
	v->u.call.data = u;
	return v;
}

/* A lenient undefined (jinja2.Undefined), for `a if false`. */
static struct value *ev_undef_lenient(struct evaluator *r, size_t off,
				      const char *msg)
{
	struct value *v = ev_undef(r, off, msg);

	((struct tpl_undef *)v->u.call.data)->lenient = true;
	return v;
}

static const struct tpl_undef *undef_info(const struct value *v)
{
	return v->kind == VALUE_UNDEFINED ? v->u.call.data : NULL;
}

static bool is_strict_undef(const struct value *v)
{
	const struct tpl_undef *u = undef_info(v);

	return v->kind == VALUE_UNDEFINED && (!u || !u->lenient);
}

/* Hint at the key of u->keys closest to the missing name, if any. */
static void undef_hint(struct evaluator *r, const struct tpl_undef *u)
{
	const struct value *d = u->keys;
	const char **cands, *hint;
	size_t i, n;

	if (!u->name || !d || d->kind != VALUE_DICT || !d->u.dict.len)
		return;
	n = d->u.dict.len < 1000 ? d->u.dict.len : 1000;
	cands = xmalloc(n * sizeof(*cands));
	for (i = 0; i < n; i++)
		cands[i] = d->u.dict.items[i].key.ptr;
	hint = tpl_hint(u->name, cands, n);
	if (hint)
		diag_hint(r->err, "did you mean '%s'?", hint);
	free(cands);
}

int ev_undef_error(struct evaluator *r, const struct value *v, size_t off)
{
	const struct tpl_undef *u = undef_info(v);

	if (u && u->owner == r->prog)
		off = u->off;
	if (u) {
		ev_fail(r, off, "%s", u->msg);
		undef_hint(r, u);
		return ERR_INPUT;
	}
	if (v->u.call.name.ptr)
		return ev_fail(r, off, "'%s' is undefined",
			       v->u.call.name.ptr);
	return ev_fail(r, off, "value is undefined");
}

int ev_defined(struct evaluator *r, const struct value *v, size_t off)
{
	return is_strict_undef(v) ? ev_undef_error(r, v, off) : 0;
}

int ev_charge(struct evaluator *r, size_t n, size_t off)
{
	r->work += n;
	if (r->work > TPL_MAX_WORK)
		return ev_fail(r, off, "template does too much work "
			       "(more than %zu bytes processed)",
			       (size_t)TPL_MAX_WORK);
	return 0;
}

int ev_charge_search(struct evaluator *r, size_t hay, size_t needle,
		     size_t off)
{
	if (needle > 1 && hay > TPL_MAX_WORK / needle)
		return ev_charge(r, TPL_MAX_WORK + 1, off);
	return ev_charge(r, hay * (needle ? needle : 1), off);
}

const char *ev_type_repr(struct evaluator *r, const struct value *v)
{
	switch (v->kind) {
	case VALUE_NONE:
		return "None";
	case VALUE_LIST:
		if (v->u.list.view)
			return arena_printf(r->a, "%s object", v->u.list.view);
		return v->u.list.tuple ? "tuple object" : "list object";
	case VALUE_DICT:
		return "dict object";
	case VALUE_STRING:
		return "str object";
	case VALUE_INT:
		return "int object";
	case VALUE_FLOAT:
		return "float object";
	case VALUE_BOOL:
		return "bool object";
	default:
		return "object";
	}
}

int ev_take(struct evaluator *r, struct strbuf *sb, size_t off,
	    struct value **out)
{
	int rc = 0;

	if (sb->overflow)
		rc = ev_fail(r, off, "string exceeds %u bytes",
			     TPL_MAX_OUTPUT);
	else
		*out = value_strn(r->a, sb->buf, sb->len);
	strbuf_release(sb);
	return rc;
}

int ev_str(struct evaluator *r, const struct value *v, size_t off,
	   struct value_str *s)
{
	struct value *str = NULL;
	struct strbuf sb;
	int rc;

	s->ptr = "";
	s->len = 0;
	if (v->kind == VALUE_STRING) {
		*s = v->u.s;
		return 0;
	}
	if ((rc = ev_defined(r, v, off)))
		return rc;
	strbuf_init(&sb, TPL_MAX_OUTPUT);
	value_to_string(&sb, v);
	if ((rc = ev_take(r, &sb, off, &str)))
		return rc;
	*s = str->u.s;
	return 0;
}

int ev_truthy(struct evaluator *r, const struct value *v, size_t off,
	      bool *res)
{
	int rc = ev_defined(r, v, off);

	*res = !rc && value_truthy(v);
	return rc;
}

struct value *ev_callable(struct evaluator *r, const struct tpl_callable *k,
			  const void *data, const char *name)
{
	struct value *v = ARENA_NEW(r->a, struct value);

	v->kind = VALUE_CALLABLE;
	v->u.call.fn = k;
	v->u.call.data = data;
	v->u.call.name.ptr = name;
	v->u.call.name.len = strlen(name);
	return v;
}

/* ---- scopes -------------------------------------------------------------- */

struct scope_mark {
	size_t frame, nvars;
	bool at_top;
};

static struct scope_mark scope_push(struct evaluator *r)
{
	struct scope_mark m = { r->frame, r->nvars, r->at_top };

	r->frame = r->nvars;
	r->at_top = false;
	return m;
}

static void scope_pop(struct evaluator *r, struct scope_mark m)
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

static void scope_set(struct evaluator *r, const char *name, struct value *v);

/* Bind the names a scope starts without (see struct name_list). */
static void scope_unbind(struct evaluator *r, const struct name_list *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		scope_set(r, names->v[i], &unbound_v);
}

/* Bind name in the innermost scope. */
static void scope_set(struct evaluator *r, const char *name, struct value *v)
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

/* ---- iteration, comparison and membership -------------------------------- */

/* The characters of s as one-character strings. */
static void items_of_string(struct evaluator *r, const struct value *v,
			    struct value ***items, size_t *n)
{
	size_t count = utf8_count(v->u.s.ptr, v->u.s.len), i = 0, k;
	uint32_t cp;

	*items = arena_alloc(r->a, (count ? count : 1) * sizeof(**items));
	for (k = 0; k < count; k++) {
		size_t len = utf8_next(v->u.s.ptr + i, v->u.s.len - i, &cp);

		(*items)[k] = value_str_borrow(r->a, v->u.s.ptr + i, len);
		i += len;
	}
	*n = count;
}

static void items_of_dict(struct evaluator *r, const struct value *v,
			  struct value ***items, size_t *n)
{
	size_t i, count = v->u.dict.len;

	*items = arena_alloc(r->a, (count ? count : 1) * sizeof(**items));
	for (i = 0; i < count; i++)
		(*items)[i] = value_str_borrow(r->a, v->u.dict.items[i].key.ptr,
					       v->u.dict.items[i].key.len);
	*n = count;
}

int ev_items(struct evaluator *r, const struct value *v, size_t off,
	     struct value ***items, size_t *n)
{
	int rc;

	switch (v->kind) {
	case VALUE_LIST:
		*items = v->u.list.items;
		*n = v->u.list.len;
		return 0;
	case VALUE_DICT:
		items_of_dict(r, v, items, n);
		return 0;
	case VALUE_STRING:
		if ((rc = ev_charge(r, v->u.s.len, off)))
			return rc;
		if (utf8_count(v->u.s.ptr, v->u.s.len) > TPL_MAX_ITEMS)
			return ev_fail(r, off, "list exceeds %d items",
				       TPL_MAX_ITEMS);
		items_of_string(r, v, items, n);
		return 0;
	case VALUE_UNDEFINED:
		*items = NULL;
		*n = 0;
		return ev_defined(r, v, off);
	default:
		return ev_fail(r, off, "'%s' object is not iterable",
			       value_type_name(v));
	}
}

/* Fail on undefined operands of an operator (even lenient ones). */
static int check_operands(struct evaluator *r, const struct value *a,
			  const struct value *b, size_t off)
{
	if (a->kind == VALUE_UNDEFINED)
		return ev_undef_error(r, a, off);
	if (b && b->kind == VALUE_UNDEFINED)
		return ev_undef_error(r, b, off);
	return 0;
}

/* Bytes of work comparing a with b costs, roughly. */
static size_t compare_cost(const struct value *a, const struct value *b)
{
	if (a->kind == VALUE_STRING && b->kind == VALUE_STRING)
		return a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
	if (a->kind == VALUE_LIST && b->kind == VALUE_LIST)
		return 16 * (a->u.list.len + 1);
	if (a->kind == VALUE_DICT && b->kind == VALUE_DICT)
		return 16 * a->u.dict.len * (b->u.dict.len + 1);
	return 1;
}

int ev_equal(struct evaluator *r, const struct value *a,
	     const struct value *b, size_t off, bool *res)
{
	int rc;

	*res = false;
	if ((rc = ev_defined(r, a, off)) ||
	    (rc = ev_defined(r, b, off)) ||
	    (rc = ev_charge(r, compare_cost(a, b), off)))
		return rc;
	*res = value_equal(a, b);
	return 0;
}

static const char *cmp_symbol(enum tok_kind op)
{
	switch (op) {
	case TOK_LT:
		return "<";
	case TOK_LTEQ:
		return "<=";
	case TOK_GT:
		return ">";
	default:
		return ">=";
	}
}

int ev_order(struct evaluator *r, enum tok_kind op, const struct value *a,
	     const struct value *b, size_t off, bool *res)
{
	enum value_ordering o;
	int rc;

	*res = false;
	if ((rc = check_operands(r, a, b, off)) ||
	    (rc = ev_charge(r, compare_cost(a, b), off)))
		return rc;
	o = value_order(a, b);
	if (o == VALUE_UNORDERABLE)
		return ev_fail(r, off, "unsupported operand types for %s: "
			       "'%s' and '%s'", cmp_symbol(op),
			       value_type_name(a), value_type_name(b));
	if (o == VALUE_UNORDERED)
		return 0;
	switch (op) {
	case TOK_LT:
		*res = o == VALUE_LESS;
		break;
	case TOK_LTEQ:
		*res = o != VALUE_MORE;
		break;
	case TOK_GT:
		*res = o == VALUE_MORE;
		break;
	default:
		*res = o != VALUE_LESS;
		break;
	}
	return 0;
}

/* Python's substring test. */
static bool str_contains(const struct value_str *hay,
			 const struct value_str *needle)
{
	return !needle->len || memmem(hay->ptr, hay->len, needle->ptr,
				      needle->len);
}

static int contains_in_list(struct evaluator *r, const struct value *item,
			    const struct value *seq, size_t off, bool *res)
{
	size_t i;
	int rc;

	*res = false;
	for (i = 0; i < seq->u.list.len && !*res; i++)
		if ((rc = ev_equal(r, seq->u.list.items[i], item, off,
				   res)))
			return rc;
	return 0;
}

int ev_contains(struct evaluator *r, const struct value *item,
		const struct value *seq, size_t off, bool *res)
{
	int rc;

	*res = false;
	if (seq->kind == VALUE_UNDEFINED)
		return ev_defined(r, seq, off);
	if ((rc = ev_defined(r, item, off)))
		return rc;
	switch (seq->kind) {
	case VALUE_STRING:
		if (item->kind != VALUE_STRING)
			return ev_fail(r, off, "'in <string>' requires "
				       "string as left operand, not %s",
				       value_type_name(item));
		if ((rc = ev_charge_search(r, seq->u.s.len,
						item->u.s.len, off)))
			return rc;
		*res = str_contains(&seq->u.s, &item->u.s);
		return 0;
	case VALUE_LIST:
		return contains_in_list(r, item, seq, off, res);
	case VALUE_DICT:
		if (item->kind == VALUE_LIST || item->kind == VALUE_DICT) {
			if (!item->u.list.tuple || item->kind == VALUE_DICT)
				return ev_fail(r, off,
					       "unhashable type: '%s'",
					       value_type_name(item));
		}
		*res = item->kind == VALUE_STRING &&
		       value_dict_getn(seq, item->u.s.ptr, item->u.s.len);
		return 0;
	default:
		return ev_fail(r, off, "argument of type '%s' is not "
			       "iterable", value_type_name(seq));
	}
}

/* ---- attributes and items ------------------------------------------------ */

/* A bound method of self from table t, or NULL. */
static struct value *bound_method(struct evaluator *r, enum tpl_table t,
				  struct value *self, const char *name,
				  size_t len)
{
	const struct tpl_func *f = tpl_func_find(t, name, len);
	struct tpl_callable *k;

	if (!f)
		return NULL;
	k = ARENA_NEW(r->a, struct tpl_callable);
	k->kind = CALLABLE_FUNC;
	k->func = f;
	k->what = arena_printf(r->a, "method '%s.%s'", value_type_name(self),
			       f->name);
	return ev_callable(r, k, self, "builtin_function_or_method");
}

/* The method `name` of obj, or NULL when obj has none. */
static struct value *method_of(struct evaluator *r, struct value *obj,
			       const char *name, size_t len)
{
	switch (obj->kind) {
	case VALUE_STRING:
		return bound_method(r, TPL_STR_METHODS, obj, name, len);
	case VALUE_DICT:
		return bound_method(r, TPL_DICT_METHODS, obj, name, len);
	case VALUE_LIST:
		return bound_method(r, TPL_LIST_METHODS, obj, name, len);
	default:
		return NULL;
	}
}

/* The undefined value of a missing name, with where to look for a hint. */
static struct value *undef_named(struct evaluator *r, size_t off,
				 const char *msg, const char *name,
				 size_t len, const struct value *keys)
{
	struct value *v = ev_undef(r, off, msg);
	struct tpl_undef *u = (struct tpl_undef *)v->u.call.data;

	u->name = arena_strndup(r->a, name, len);
	u->keys = keys;
	return v;
}

static struct value *undef_attr(struct evaluator *r, const struct value *obj,
				const char *name, size_t len, size_t off)
{
	return undef_named(r, off, arena_printf(r->a,
			   "'%s' has no attribute '%.*s'",
			   ev_type_repr(r, obj), (int)len, name),
			   name, len, obj);
}

/* A value looked up in a dict, mapping a stored undefined to a message. */
static struct value *dict_value(struct evaluator *r, struct value *v,
				const char *name, size_t len, size_t off)
{
	if (v->kind == VALUE_UNDEFINED && !v->u.call.data)
		return ev_undef(r, off, arena_printf(r->a,
				    "'%.*s' is undefined", (int)len, name));
	return v;
}

static int loop_attr(struct evaluator *r, struct value *obj, const char *name,
		     size_t off, struct value **out);

int ev_getattr(struct evaluator *r, struct value *obj, const char *name,
	       size_t len, size_t off, struct value **out)
{
	const struct tpl_callable *k;
	struct value *v;

	if (obj->kind == VALUE_UNDEFINED)
		return ev_undef_error(r, obj, off);
	if (obj->kind == VALUE_CALLABLE) {
		k = obj->u.call.fn;
		if (k->kind == CALLABLE_LOOP)
			return loop_attr(r, obj, name, off, out);
		if (k->kind == CALLABLE_NAMESPACE &&
		    (v = value_dict_getn(obj->u.call.data, name, len))) {
			*out = v;
			return 0;
		}
	}
	if (obj->kind == VALUE_DICT && ev_charge(r, obj->u.dict.len, off))
		return ERR_INPUT;
	if (obj->kind == VALUE_DICT && !tpl_dict_attr_is_method(name, len) &&
	    (v = value_dict_getn(obj, name, len))) {
		*out = dict_value(r, v, name, len, off);
		return 0;
	}
	if ((v = method_of(r, obj, name, len))) {
		*out = v;
		return 0;
	}
	if (obj->kind == VALUE_DICT && tpl_dict_attr_is_method(name, len))
		return ev_fail(r, off, "dict method '%.*s' is not "
			       "supported", (int)len, name);
	*out = undef_attr(r, obj, name, len, off);
	return 0;
}

/* The integer value of an int or bool key, false for other kinds. */
static bool key_index(const struct value *key, long long *i)
{
	if (key->kind == VALUE_INT)
		*i = key->u.i;
	else if (key->kind == VALUE_BOOL)
		*i = key->u.b;
	else
		return false;
	return true;
}

/* seq[i] for a list or string, with negative indexes; NULL if absent. */
static struct value *index_seq(struct evaluator *r, struct value *seq,
			       long long i)
{
	size_t n, b, e;
	uint32_t cp;

	if (seq->kind == VALUE_LIST) {
		n = seq->u.list.len;
		if (i < 0)
			i += (long long)n;
		return i >= 0 && (size_t)i < n ? seq->u.list.items[i] : NULL;
	}
	n = utf8_count(seq->u.s.ptr, seq->u.s.len);
	if (i < 0)
		i += (long long)n;
	if (i < 0 || (size_t)i >= n)
		return NULL;
	b = utf8_offset(seq->u.s.ptr, seq->u.s.len, (size_t)i);
	e = b + utf8_next(seq->u.s.ptr + b, seq->u.s.len - b, &cp);
	return value_str_borrow(r->a, seq->u.s.ptr + b, e - b);
}

static struct value *undef_element(struct evaluator *r, const struct value *obj,
				   const struct value *key, size_t off)
{
	struct strbuf sb = STRBUF_INIT;
	const char *msg;

	value_repr(&sb, key);
	msg = arena_printf(r->a, "'%s' has no element %s",
			   ev_type_repr(r, obj), sb.buf);
	strbuf_release(&sb);
	return ev_undef(r, off, msg);
}

int ev_getitem(struct evaluator *r, struct value *obj, struct value *key,
	       size_t off, struct value **out)
{
	struct value *v = NULL;
	long long i;
	int rc;

	if (obj->kind == VALUE_UNDEFINED)
		return ev_undef_error(r, obj, off);
	if ((rc = ev_defined(r, key, off)))
		return rc;
	if ((obj->kind == VALUE_STRING || (obj->kind == VALUE_LIST &&
					    !obj->u.list.view)) &&
	    key_index(key, &i)) {
		if ((rc = ev_charge(r, obj->kind == VALUE_STRING ?
				    obj->u.s.len : 1, off)))
			return rc;
		v = index_seq(r, obj, i);
	} else if (obj->kind == VALUE_DICT && key->kind == VALUE_STRING) {
		v = value_dict_getn(obj, key->u.s.ptr, key->u.s.len);
		if (v)
			v = dict_value(r, v, key->u.s.ptr, key->u.s.len, off);
	}
	if (v) {
		*out = v;
		return 0;
	}
	if (key->kind == VALUE_STRING && obj->kind != VALUE_DICT)
		return ev_getattr(r, obj, key->u.s.ptr, key->u.s.len, off,
				  out);
	if (key->kind == VALUE_STRING &&
	    (v = method_of(r, obj, key->u.s.ptr, key->u.s.len))) {
		*out = v;
		return 0;
	}
	*out = key->kind == VALUE_STRING ?
	       undef_attr(r, obj, key->u.s.ptr, key->u.s.len, off) :
	       undef_element(r, obj, key, off);
	return 0;
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
	if ((rc = eval(r, n, &val)))
		return rc;
	if (val->kind == VALUE_NONE)
		return 0;
	if ((rc = ev_defined(r, val, n->off)))
		return rc;
	if (!key_index(val, v))
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
	for (; delta < 0 && pos > 0; delta++) {
		size_t c = pos - 1;

		while (c > 0 && pos - c < 4 && ((unsigned char)s[c] & 0xC0) ==
		       0x80)
			c--;
		pos = utf8_next(s + c, pos - c, &cp) == pos - c ? c : pos - 1;
	}
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

/* ---- the loop variable --------------------------------------------------- */

static struct value *loop_int(struct evaluator *r, size_t i)
{
	return value_int(r->a, (long long)i);
}

static int loop_attr(struct evaluator *r, struct value *obj, const char *name,
		     size_t off, struct value **out)
{
	const struct tpl_loop *l = obj->u.call.data;
	size_t i = l->i, n = l->n;

	if (!strcmp(name, "index"))
		*out = loop_int(r, i + 1);
	else if (!strcmp(name, "index0"))
		*out = loop_int(r, i);
	else if (!strcmp(name, "revindex"))
		*out = loop_int(r, n - i);
	else if (!strcmp(name, "revindex0"))
		*out = loop_int(r, n - i - 1);
	else if (!strcmp(name, "first"))
		*out = value_bool(i == 0);
	else if (!strcmp(name, "last"))
		*out = value_bool(i + 1 == n);
	else if (!strcmp(name, "length"))
		*out = loop_int(r, n);
	else if (!strcmp(name, "depth"))
		*out = loop_int(r, 1);
	else if (!strcmp(name, "depth0"))
		*out = loop_int(r, 0);
	else if (!strcmp(name, "previtem"))
		*out = i ? l->items[i - 1] :
		       ev_undef(r, off, "there is no previous item");
	else if (!strcmp(name, "nextitem"))
		*out = i + 1 < n ? l->items[i + 1] :
		       ev_undef(r, off, "there is no next item");
	else if (!strcmp(name, "cycle"))
		*out = ev_callable(r, &cycle_desc, l, "method");
	else if (!strcmp(name, "changed"))
		*out = ev_callable(r, &changed_desc, l, "method");
	else
		*out = ev_undef(r, off, arena_printf(r->a,
				    "'LoopContext object' has no attribute "
				    "'%s'", name));
	return 0;
}

/* loop.cycle(a, b) and loop.changed(x). */
static int loop_call(struct evaluator *r, const struct value *callee,
		     const struct tpl_args *args, size_t off,
		     struct value **out)
{
	struct tpl_loop *l = (struct tpl_loop *)callee->u.call.data;
	struct value *t;
	size_t i;

	if (args->nkw)
		return ev_fail(r, off, "%s() takes no keyword arguments",
			       ((const struct tpl_callable *)
				callee->u.call.fn)->what);
	if (callee->u.call.fn == &cycle_desc) {
		if (!args->npos)
			return ev_fail(r, off,
				       "no items for cycling given");
		*out = args->pos[l->i % args->npos];
		return 0;
	}
	t = value_tuple(r->a, args->npos);
	for (i = 0; i < args->npos; i++)
		value_list_push(r->a, t, args->pos[i]);
	*out = value_bool(!l->last_changed || !value_equal(t,
							   l->last_changed));
	l->last_changed = t;
	return 0;
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
		*out = dict_value(r, v, name, strlen(name), n->off);
		return 0;
	}
	if (r->cur_block && !strcmp(name, "super")) {
		*out = super_value(r);
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
	*out = undef_named(r, n->off, arena_printf(r->a, "'%s' is undefined",
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
		if ((rc = eval(r, l->v[i], &item)))
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
		if ((rc = eval(r, l->v[i], &k)) ||
		    (rc = ev_defined(r, k, l->v[i]->off)) ||
		    (rc = eval(r, l->v[i + 1], &v)))
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

	if ((rc = eval(r, n->u.attr.obj, &obj)))
		return rc;
	return ev_getattr(r, obj, n->u.attr.attr, n->u.attr.len, n->off,
			  out);
}

static int eval_getitem(struct evaluator *r, const struct node *n,
			struct value **out)
{
	struct value *obj, *key;
	int rc;

	if ((rc = eval(r, n->u.item.obj, &obj)))
		return rc;
	if (n->u.item.key->kind == NODE_SLICE)
		return eval_slice_of(r, obj, n->u.item.key, out);
	if ((rc = eval(r, n->u.item.key, &key)))
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
		if ((rc = eval(r, na->pos.v[i], &args->pos[i])))
			return rc;
	for (i = 0; i < na->kw.n; i++)
		if ((rc = eval(r, na->kw.v[i], &args->kw[i])))
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
		return loop_call(r, fn, args, off, out);
	case CALLABLE_MACRO:
		return call_macro(r, fn, args, off, out);
	case CALLABLE_SUPER:
		return call_super(r, fn, off, out);
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

	if ((rc = eval(r, n->u.call.fn, &fn)) ||
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
		if ((rc = eval(r, n->u.filter.arg, &v)))
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

	if ((rc = eval(r, n->u.operand, &v)) ||
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

	if ((rc = eval(r, n->u.operand, &v)) ||
	    (rc = check_operands(r, v, NULL, n->off)))
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

	if ((rc = eval(r, n->u.bin.l, &l)) ||
	    (rc = ev_truthy(r, l, n->u.bin.l->off, &t)))
		return rc;
	if (t == (n->kind == NODE_OR)) {
		*out = l;
		return 0;
	}
	return eval(r, n->u.bin.r, out);
}

/* ---- arithmetic ---------------------------------------------------------- */

static bool is_num(const struct value *v)
{
	return v->kind == VALUE_INT || v->kind == VALUE_BOOL ||
	       v->kind == VALUE_FLOAT;
}

static long long as_int(const struct value *v)
{
	return v->kind == VALUE_BOOL ? v->u.b : v->u.i;
}

static double as_float(const struct value *v)
{
	return v->kind == VALUE_FLOAT ? v->u.f : (double)as_int(v);
}

static const char *op_symbol(enum tok_kind op)
{
	switch (op) {
	case TOK_ADD:
		return "+";
	case TOK_SUB:
		return "-";
	case TOK_MUL:
		return "*";
	case TOK_DIV:
		return "/";
	case TOK_FLOORDIV:
		return "//";
	case TOK_MOD:
		return "%";
	default:
		return "**";
	}
}

/* Python's float divmod: floor quotient and modulo with b's sign. */
static void float_divmod(double a, double b, double *div, double *mod)
{
	double m = fmod(a, b), d = (a - m) / b;

	if (m != 0) {
		if ((b < 0) != (m < 0)) {
			m += b;
			d -= 1.0;
		}
	} else {
		m = copysign(0.0, b);
	}
	if (d != 0) {
		double f = floor(d);

		if (d - f > 0.5)
			f += 1.0;
		d = f;
	} else {
		d = copysign(0.0, a / b);
	}
	*div = d;
	*mod = m;
}

static int float_pow(struct evaluator *r, double a, double b, size_t off,
		     struct value **out)
{
	double v;

	if (a == 0 && b < 0)
		return ev_fail(r, off, "0.0 cannot be raised to a "
			       "negative power");
	if (a < 0 && b != floor(b) && isfinite(b))
		return ev_fail(r, off, "complex results are not "
			       "supported");
	v = pow(a, b);
	if (isinf(v) && isfinite(a) && isfinite(b))
		return ev_fail(r, off, "numerical result out of range");
	*out = value_float(r->a, v);
	return 0;
}

static int float_arith(struct evaluator *r, enum tok_kind op, double a,
		       double b, size_t off, struct value **out)
{
	double div, mod, v = 0;

	if (b == 0 && (op == TOK_DIV || op == TOK_FLOORDIV || op == TOK_MOD))
		return ev_fail(r, off, op == TOK_MOD ? "modulo by zero" :
			       "division by zero");
	switch (op) {
	case TOK_ADD:
		v = a + b;
		break;
	case TOK_SUB:
		v = a - b;
		break;
	case TOK_MUL:
		v = a * b;
		break;
	case TOK_DIV:
		v = a / b;
		break;
	case TOK_FLOORDIV:
	case TOK_MOD:
		float_divmod(a, b, &div, &mod);
		v = op == TOK_MOD ? mod : div;
		break;
	default:
		return float_pow(r, a, b, off, out);
	}
	*out = value_float(r->a, v);
	return 0;
}

/* Integer a ** b for b >= 0, failing on overflow. */
static int int_pow(struct evaluator *r, long long a, long long b, size_t off,
		   struct value **out)
{
	long long result = 1;

	while (b > 0) {
		if ((b & 1) && __builtin_mul_overflow(result, a, &result))
			goto overflow;
		b >>= 1;
		if (b && __builtin_mul_overflow(a, a, &a))
			goto overflow;
	}
	*out = value_int(r->a, result);
	return 0;
overflow:
	return ev_fail(r, off, "integer overflow (integers are 64-bit)");
}

static int int_divmod(struct evaluator *r, enum tok_kind op, long long a,
		      long long b, size_t off, struct value **out)
{
	long long q, m;

	if (b == 0)
		return ev_fail(r, off, op == TOK_MOD ? "modulo by zero" :
			       "division by zero");
	if (a == LLONG_MIN && b == -1) {
		if (op == TOK_MOD) {
			*out = value_int(r->a, 0);
			return 0;
		}
		return ev_fail(r, off, "integer overflow "
			       "(integers are 64-bit)");
	}
	q = a / b;
	m = a % b;
	if (m && ((m < 0) != (b < 0))) {
		m += b;
		q -= 1;
	}
	*out = value_int(r->a, op == TOK_MOD ? m : q);
	return 0;
}

static int int_arith(struct evaluator *r, enum tok_kind op, long long a,
		     long long b, size_t off, struct value **out)
{
	long long v = 0;
	bool over = false;

	switch (op) {
	case TOK_ADD:
		over = __builtin_add_overflow(a, b, &v);
		break;
	case TOK_SUB:
		over = __builtin_sub_overflow(a, b, &v);
		break;
	case TOK_MUL:
		over = __builtin_mul_overflow(a, b, &v);
		break;
	case TOK_DIV:
		return float_arith(r, op, (double)a, (double)b, off, out);
	case TOK_FLOORDIV:
	case TOK_MOD:
		return int_divmod(r, op, a, b, off, out);
	default:
		if (b < 0)
			return float_pow(r, (double)a, (double)b, off, out);
		return int_pow(r, a, b, off, out);
	}
	if (over)
		return ev_fail(r, off, "integer overflow "
			       "(integers are 64-bit)");
	*out = value_int(r->a, v);
	return 0;
}

/* seq * count for strings and lists. */
static int repeat(struct evaluator *r, struct value *seq, long long count,
		  size_t off, struct value **out)
{
	size_t n = seq->kind == VALUE_STRING ? seq->u.s.len :
		   seq->u.list.len, k, i;
	struct strbuf sb;
	struct value *v;
	int rc;

	if (count < 0)
		count = 0;
	if (seq->kind == VALUE_LIST && n &&
	    (unsigned long long)count > TPL_MAX_ITEMS / n)
		return ev_fail(r, off, "list exceeds %d items",
			       TPL_MAX_ITEMS);
	if (n && (unsigned long long)count > TPL_MAX_OUTPUT / n)
		return ev_fail(r, off, "string exceeds %u bytes",
			       TPL_MAX_OUTPUT);
	if ((rc = ev_charge(r, n * (size_t)count, off)))
		return rc;
	if (seq->kind == VALUE_LIST) {
		v = seq->u.list.tuple ? value_tuple(r->a, n * (size_t)count) :
		    value_list(r->a, n * (size_t)count);
		for (k = 0; k < (size_t)count; k++)
			for (i = 0; i < n; i++)
				value_list_push(r->a, v, seq->u.list.items[i]);
		*out = v;
		return 0;
	}
	strbuf_init(&sb, TPL_MAX_OUTPUT);
	for (k = 0; k < (size_t)count; k++)
		strbuf_add(&sb, seq->u.s.ptr, n);
	return ev_take(r, &sb, off, out);
}

static int concat_two(struct evaluator *r, struct value *a, struct value *b,
		      size_t off, struct value **out)
{
	struct strbuf sb;
	size_t i;
	int rc;

	if ((rc = ev_charge(r, a->kind == VALUE_STRING ? a->u.s.len +
			    b->u.s.len : 8 * (a->u.list.len +
					      b->u.list.len), off)))
		return rc;
	if (a->kind == VALUE_LIST && a->u.list.len + b->u.list.len >
	    TPL_MAX_ITEMS)
		return ev_fail(r, off, "list exceeds %d items",
			       TPL_MAX_ITEMS);
	if (a->kind == VALUE_LIST) {
		struct value *v = a->u.list.tuple ?
				  value_tuple(r->a, a->u.list.len +
					      b->u.list.len) :
				  value_list(r->a, a->u.list.len +
					     b->u.list.len);

		for (i = 0; i < a->u.list.len; i++)
			value_list_push(r->a, v, a->u.list.items[i]);
		for (i = 0; i < b->u.list.len; i++)
			value_list_push(r->a, v, b->u.list.items[i]);
		*out = v;
		return 0;
	}
	strbuf_init(&sb, TPL_MAX_OUTPUT);
	strbuf_add(&sb, a->u.s.ptr, a->u.s.len);
	strbuf_add(&sb, b->u.s.ptr, b->u.s.len);
	return ev_take(r, &sb, off, out);
}

/* True when a and b are both strings, both lists or both tuples. */
static bool same_sequence(const struct value *a, const struct value *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == VALUE_STRING)
		return true;
	return a->kind == VALUE_LIST && a->u.list.tuple == b->u.list.tuple;
}

/* Arithmetic on strings and lists, or the TypeError Python raises. */
static int seq_arith(struct evaluator *r, enum tok_kind op, struct value *a,
		     struct value *b, size_t off, struct value **out)
{
	bool seq_a = a->kind == VALUE_STRING || a->kind == VALUE_LIST;
	bool seq_b = b->kind == VALUE_STRING || b->kind == VALUE_LIST;

	if (op == TOK_ADD && same_sequence(a, b))
		return concat_two(r, a, b, off, out);
	if (op == TOK_MUL && seq_a && (b->kind == VALUE_INT ||
				       b->kind == VALUE_BOOL))
		return repeat(r, a, as_int(b), off, out);
	if (op == TOK_MUL && seq_b && (a->kind == VALUE_INT ||
				       a->kind == VALUE_BOOL))
		return repeat(r, b, as_int(a), off, out);
	if (op == TOK_MOD && a->kind == VALUE_STRING)
		return tpl_format_percent(r, a, b, off, out);
	return ev_fail(r, off, "unsupported operand types for %s: "
		       "'%s' and '%s'", op_symbol(op), value_type_name(a),
		       value_type_name(b));
}

int ev_arith(struct evaluator *r, enum tok_kind op, struct value *a,
	     struct value *b, size_t off, struct value **out)
{
	int rc;

	if ((rc = check_operands(r, a, b, off)))
		return rc;
	if (!is_num(a) || !is_num(b))
		return seq_arith(r, op, a, b, off, out);
	if (a->kind == VALUE_FLOAT || b->kind == VALUE_FLOAT)
		return float_arith(r, op, as_float(a), as_float(b), off, out);
	return int_arith(r, op, as_int(a), as_int(b), off, out);
}

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

	if ((rc = eval(r, n->u.bin.l, &a)) || (rc = eval(r, n->u.bin.r, &b)))
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

		if (!(rc = eval(r, item, &v)) &&
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

	if ((rc = eval(r, n->u.cmp.first, &a)))
		return rc;
	for (i = 0; i < n->u.cmp.rest.n && res; i++) {
		if ((rc = eval(r, n->u.cmp.rest.v[i], &b)) ||
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

	if ((rc = eval(r, n->u.cond.test, &t)) ||
	    (rc = ev_truthy(r, t, n->u.cond.test->off, &yes)))
		return rc;
	if (yes)
		return eval(r, n->u.cond.then, out);
	if (n->u.cond.otherwise)
		return eval(r, n->u.cond.otherwise, out);
	*out = ev_undef_lenient(r, n->off, "the inline if-expression "
				"evaluated to false and no else section "
				"was defined");
	return 0;
}

static int eval(struct evaluator *r, const struct node *n, struct value **out)
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

	if ((rc = eval(r, n->u.operand, &v)) ||
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

	if ((rc = eval(r, n->u.if_.test, &v)) ||
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
		scope_set(r, t->u.name.name, v);
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
	struct scope_mark m = scope_push(r);
	size_t i, k = 0;
	bool yes;
	int rc = 0;

	for (i = 0; i < *count && !rc; i++) {
		r->nvars = r->frame;
		if ((rc = count_iteration(r, n->off)) ||
		    (rc = bind_target(r, n->u.for_.target, (*items)[i],
				      n->u.for_.target->off)) ||
		    (rc = eval(r, n->u.for_.cond, &v)) ||
		    (rc = ev_truthy(r, v, n->u.for_.cond->off, &yes)))
			break;
		if (yes)
			kept[k++] = (*items)[i];
	}
	scope_pop(r, m);
	*items = kept;
	*count = k;
	return rc;
}

static int exec_loop_body(struct evaluator *r, const struct node *n,
			  struct tpl_loop *l)
{
	struct value *loopv = ev_callable(r, &loop_desc, l,
					  "LoopContext");
	struct scope_mark m = scope_push(r);
	int rc = 0;

	for (l->i = 0; l->i < l->n && !rc; l->i++) {
		r->nvars = r->frame;
		scope_unbind(r, &n->u.for_.body_unbound);
		if ((rc = count_iteration(r, n->off)) ||
		    (rc = bind_target(r, n->u.for_.target, l->items[l->i],
				      n->u.for_.target->off)))
			break;
		scope_set(r, n->u.for_.loop_name, loopv);
		rc = exec_body(r, &n->u.for_.body);
	}
	scope_pop(r, m);
	return rc;
}

static int exec_for(struct evaluator *r, const struct node *n)
{
	struct tpl_loop *l = ARENA_NEW(r->a, struct tpl_loop);
	struct scope_mark m;
	struct value *seq;
	int rc;

	if ((rc = eval(r, n->u.for_.iter, &seq)) ||
	    (rc = ev_items(r, seq, n->u.for_.iter->off, &l->items,
			   &l->n)))
		return rc;
	if (n->u.for_.cond && (rc = filter_items(r, n, &l->items, &l->n)))
		return rc;
	if (l->n)
		return exec_loop_body(r, n, l);
	m = scope_push(r);
	scope_unbind(r, &n->u.for_.else_unbound);
	rc = exec_body(r, &n->u.for_.orelse);
	scope_pop(r, m);
	return rc;
}

/* {% set ns.attr = v %} */
static int assign_nsref(struct evaluator *r, const struct node *t,
			struct value *v)
{
	struct value *ns;
	int rc;

	if ((rc = eval(r, t->u.attr.obj, &ns)) ||
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

	if ((rc = eval(r, n->u.set.value, &v)))
		return rc;
	return assign(r, n->u.set.target, v, n->u.set.value->off);
}

/* Render body in its own scope into a string value. */
static int exec_capture(struct evaluator *r, const struct node_list *body,
			const struct name_list *unbound, struct value **out)
{
	size_t start = r->out->len;
	struct scope_mark m = scope_push(r);
	int rc;

	scope_unbind(r, unbound);
	rc = exec_body(r, body);

	scope_pop(r, m);
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
	rc = eval(r, chain, out);
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
		if ((rc = eval(r, n->u.with.values.v[i], &vals[i])))
			return rc;
	m = scope_push(r);
	scope_unbind(r, &n->u.with.unbound);
	for (i = 0; i < t->n && !rc; i++)
		rc = bind_target(r, t->v[i], vals[i], t->v[i]->off);
	if (!rc)
		rc = exec_body(r, &n->u.with.body);
	scope_pop(r, m);
	return rc;
}

static int exec_body(struct evaluator *r, const struct node_list *body);

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
	scope_set(r, n->u.macro.name, v);
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
		return eval(r, defs->v[i - first], out);
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
		scope_set(r, d->u.macro.params.v[i]->u.name.name, v);
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
	struct scope_mark mk = scope_push(r);
	int rc = 0;

	r->link = &link;
	r->prog = m->prog;
	r->ctx = m->ctx;
	r->cur_block = 0;
	if (!live)
		rc = frame_push(r, m->frame, off);
	scope_unbind(r, &m->def->u.macro.unbound);
	if (!rc)
		rc = macro_bind(r, m->def, args);
	if (!rc)
		rc = exec_body(r, &m->def->u.macro.body);
	if (!rc)
		*out = value_strn(r->a, r->out->buf + start,
				  r->out->len - start);
	strbuf_setlen(r->out, start);
	scope_pop(r, mk);
	return rc;
}

/* Call the macro fn: Jinja's Macro.__call__. */
static int call_macro(struct evaluator *r, const struct value *fn,
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
	struct scope_mark mk = scope_push(r);
	int rc;

	r->link = &link;
	r->prog = r->blocks[i].prog;
	r->cur_block = i + 1;
	scope_unbind(r, &n->u.block.unbound);
	rc = exec_body(r, &n->u.block.body);
	scope_pop(r, mk);
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
static int call_super(struct evaluator *r, const struct value *fn,
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
static struct value *super_value(struct evaluator *r)
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

	if ((rc = eval(r, n, &name)) ||
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
	scope_unbind(r, &p->unbound);
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
	scope_unbind(r, &prog->unbound);
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

/* ---- imports ------------------------------------------------------------- */

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
		if (r->vars[i].val == &unbound_v)
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
	struct scope_mark mk = scope_push(r);
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
	scope_pop(r, mk);
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
		scope_set(r, n->u.import.target, ns);
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
		scope_set(r, n->u.import.aliases[i], v);
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
	m = scope_push(r);
	rc = exec_template(r, &t->prog);
	scope_pop(r, m);
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

	if ((rc = eval(r, n->u.include.name, &name)) ||
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

/* ---- entry points (tpl.c) ------------------------------------------------ */

static void ev_init(struct evaluator *r, const struct tpl_program *prog,
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

int tpl_eval_expr(const struct tpl_program *prog, const struct value *ctx,
		  const struct tpl_env *env, struct arena *a,
		  struct value **out, struct diag *err)
{
	struct strbuf none = STRBUF_INIT;
	struct evaluator r;
	struct value *v;
	int rc;

	ev_init(&r, prog, a, &none, ctx, env, err);
	rc = eval(&r, prog->expr, &v);
	if (!rc && v->kind == VALUE_UNDEFINED)
		rc = ev_undef_error(&r, v, prog->expr->off);
	free(r.vars);
	strbuf_release(&none);
	if (!rc)
		*out = value_copy(a, v);
	return rc;
}
