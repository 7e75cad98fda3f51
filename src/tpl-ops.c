/*
 * Python's semantics for the evaluator and the function files: the
 * operations every expression and filter performs on values, with the
 * render's errors and limits.  Errors point at a source offset of the
 * running template; undefined values are StrictUndefined (using one is
 * an error naming what was missing, with a "did you mean" hint when a
 * close name exists).  Here live str(), truthiness, iteration, ==, <,
 * `in`, attribute and item access (with the loop variable's attributes
 * and the bound methods of str, dict and list), and arithmetic, each
 * charged against the render's work budget.
 */
#include "tpl-int.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const struct tpl_callable loop_desc = { CALLABLE_LOOP, NULL,
					       "loop" };
static const struct tpl_callable cycle_desc = { CALLABLE_LOOP_METHOD, NULL,
						"loop.cycle" };
static const struct tpl_callable changed_desc = { CALLABLE_LOOP_METHOD,
						  NULL, "loop.changed" };

/* ---- errors, undefined values and limits --------------------------------- */

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
struct value *ev_undef_lenient(struct evaluator *r, size_t off,
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
int ev_check_operands(struct evaluator *r, const struct value *a,
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
	if ((rc = ev_check_operands(r, a, b, off)) ||
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

/* ---- the loop variable --------------------------------------------------- */

struct value *ev_loop_value(struct evaluator *r, struct tpl_loop *l)
{
	return ev_callable(r, &loop_desc, l, "LoopContext");
}

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
int ev_loop_call(struct evaluator *r, const struct value *callee,
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
struct value *ev_undef_named(struct evaluator *r, size_t off,
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
	return ev_undef_named(r, off, arena_printf(r->a,
			   "'%s' has no attribute '%.*s'",
			   ev_type_repr(r, obj), (int)len, name),
			      name, len, obj);
}

/* A value looked up in a dict, mapping a stored undefined to a message. */
struct value *ev_dict_value(struct evaluator *r, struct value *v,
			    const char *name, size_t len, size_t off)
{
	if (v->kind == VALUE_UNDEFINED && !v->u.call.data)
		return ev_undef(r, off, arena_printf(r->a,
				    "'%.*s' is undefined", (int)len, name));
	return v;
}

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
		*out = ev_dict_value(r, v, name, len, off);
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
bool ev_key_index(const struct value *key, long long *i)
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
	    ev_key_index(key, &i)) {
		if ((rc = ev_charge(r, obj->kind == VALUE_STRING ?
				    obj->u.s.len : 1, off)))
			return rc;
		v = index_seq(r, obj, i);
	} else if (obj->kind == VALUE_DICT && key->kind == VALUE_STRING) {
		v = value_dict_getn(obj, key->u.s.ptr, key->u.s.len);
		if (v)
			v = ev_dict_value(r, v, key->u.s.ptr, key->u.s.len,
					  off);
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

	if ((rc = ev_check_operands(r, a, b, off)))
		return rc;
	if (!is_num(a) || !is_num(b))
		return seq_arith(r, op, a, b, off, out);
	if (a->kind == VALUE_FLOAT || b->kind == VALUE_FLOAT)
		return float_arith(r, op, as_float(a), as_float(b), off, out);
	return int_arith(r, op, as_int(a), as_int(b), off, out);
}
