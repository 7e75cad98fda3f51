#include "tpl-value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpl-int.h"

struct value value_undefined_v = { .kind = VALUE_UNDEFINED };
struct value value_none_v = { .kind = VALUE_NONE };
struct value value_true_v = { .kind = VALUE_BOOL, .u.b = true };
struct value value_false_v = { .kind = VALUE_BOOL, .u.b = false };

struct value *value_bool(bool b)
{
	return b ? &value_true_v : &value_false_v;
}

static struct value *value_new(struct arena *a, enum value_kind kind)
{
	struct value *v = ARENA_NEW(a, struct value);

	v->kind = kind;
	return v;
}

struct value *value_int(struct arena *a, long long i)
{
	struct value *v = value_new(a, VALUE_INT);

	v->u.i = i;
	return v;
}

struct value *value_float(struct arena *a, double f)
{
	struct value *v = value_new(a, VALUE_FLOAT);

	v->u.f = f;
	return v;
}

struct value *value_str_borrow(struct arena *a, const char *s, size_t n)
{
	struct value *v = value_new(a, VALUE_STRING);

	v->u.s.ptr = s;
	v->u.s.len = n;
	return v;
}

struct value *value_strn(struct arena *a, const char *s, size_t n)
{
	return value_str_borrow(a, arena_strndup(a, s, n), n);
}

struct value *value_str(struct arena *a, const char *s)
{
	return value_strn(a, s, strlen(s));
}

struct value *value_list(struct arena *a, size_t hint)
{
	struct value *v = value_new(a, VALUE_LIST);

	if (hint) {
		v->u.list.items = arena_alloc(a, hint * sizeof(struct value *));
		v->u.list.alloc = hint;
	}
	return v;
}

struct value *value_tuple(struct arena *a, size_t hint)
{
	struct value *v = value_list(a, hint);

	v->u.list.tuple = true;
	return v;
}

void value_list_push(struct arena *a, struct value *list, struct value *item)
{
	if (list->u.list.len == list->u.list.alloc) {
		size_t alloc = list->u.list.alloc ? list->u.list.alloc * 2 : 4;
		struct value **items = arena_alloc(a, alloc * sizeof(*items));

		if (list->u.list.len)
			memcpy(items, list->u.list.items,
			       list->u.list.len * sizeof(*items));
		list->u.list.items = items;
		list->u.list.alloc = alloc;
	}
	list->u.list.items[list->u.list.len++] = item;
}

struct value *value_dict(struct arena *a, size_t hint)
{
	struct value *v = value_new(a, VALUE_DICT);

	if (hint) {
		v->u.dict.items = arena_alloc(a, hint * sizeof(struct value_pair));
		v->u.dict.alloc = hint;
	}
	return v;
}

struct value *value_dict_getn(const struct value *dict, const char *key,
			      size_t n)
{
	size_t i;

	for (i = 0; i < dict->u.dict.len; i++) {
		const struct value_str *k = &dict->u.dict.items[i].key;

		if (k->len == n && !memcmp(k->ptr, key, n))
			return dict->u.dict.items[i].val;
	}
	return NULL;
}

struct value *value_dict_get(const struct value *dict, const char *key)
{
	return value_dict_getn(dict, key, strlen(key));
}

void value_dict_setn(struct arena *a, struct value *dict, const char *key,
		     size_t n, struct value *val)
{
	struct value_pair *p;
	size_t i;

	for (i = 0; i < dict->u.dict.len; i++) {
		p = &dict->u.dict.items[i];
		if (p->key.len == n && !memcmp(p->key.ptr, key, n)) {
			p->val = val;
			return;
		}
	}
	if (dict->u.dict.len == dict->u.dict.alloc) {
		size_t alloc = dict->u.dict.alloc ? dict->u.dict.alloc * 2 : 8;
		struct value_pair *items = arena_alloc(a, alloc * sizeof(*items));

		if (dict->u.dict.len)
			memcpy(items, dict->u.dict.items,
			       dict->u.dict.len * sizeof(*items));
		dict->u.dict.items = items;
		dict->u.dict.alloc = alloc;
	}
	p = &dict->u.dict.items[dict->u.dict.len++];
	p->key.ptr = arena_strndup(a, key, n);
	p->key.len = n;
	p->val = val;
}

void value_dict_set(struct arena *a, struct value *dict, const char *key,
		    struct value *val)
{
	value_dict_setn(a, dict, key, strlen(key), val);
}

struct value *value_dict_clone(struct arena *a, const struct value *d)
{
	struct value *c = value_dict(a, d->u.dict.len + 1);
	size_t i;

	for (i = 0; i < d->u.dict.len; i++)
		value_dict_setn(a, c, d->u.dict.items[i].key.ptr,
				d->u.dict.items[i].key.len,
				d->u.dict.items[i].val);
	return c;
}

struct value *value_copy(struct arena *a, const struct value *v)
{
	struct value *c;
	size_t i;

	switch (v->kind) {
	case VALUE_STRING:
		return value_strn(a, v->u.s.ptr, v->u.s.len);
	case VALUE_LIST:
		c = value_list(a, v->u.list.len);
		c->u.list.tuple = v->u.list.tuple;
		c->u.list.view = v->u.list.view;
		for (i = 0; i < v->u.list.len; i++)
			value_list_push(a, c, value_copy(a, v->u.list.items[i]));
		return c;
	case VALUE_DICT:
		c = value_dict(a, v->u.dict.len);
		for (i = 0; i < v->u.dict.len; i++) {
			const struct value_pair *p = &v->u.dict.items[i];

			value_dict_setn(a, c, p->key.ptr, p->key.len,
					value_copy(a, p->val));
		}
		return c;
	case VALUE_INT:
		return value_int(a, v->u.i);
	case VALUE_FLOAT:
		return value_float(a, v->u.f);
	default:
		return (struct value *)v;
	}
}

/* ---- Python semantics ---------------------------------------------------- */

bool value_truthy(const struct value *v)
{
	switch (v->kind) {
	case VALUE_BOOL:
		return v->u.b;
	case VALUE_INT:
		return v->u.i != 0;
	case VALUE_FLOAT:
		return v->u.f != 0.0;
	case VALUE_STRING:
		return v->u.s.len != 0;
	case VALUE_LIST:
		return v->u.list.len != 0;
	case VALUE_DICT:
		return v->u.dict.len != 0;
	case VALUE_CALLABLE:
		return true;
	default:
		return false;
	}
}

/* True for bool, int and float: Python's numbers. */
static bool is_number(const struct value *v)
{
	return v->kind == VALUE_BOOL || v->kind == VALUE_INT ||
	       v->kind == VALUE_FLOAT;
}

/* The integer value of a bool or int. */
static long long int_of(const struct value *v)
{
	return v->kind == VALUE_BOOL ? v->u.b : v->u.i;
}

/* Compare integer i with float f exactly, as Python does. */
static enum value_ordering order_int_float(long long i, double f)
{
	double fi;

	if (isnan(f))
		return VALUE_UNORDERED;
	if (f >= 9223372036854775808.0)
		return VALUE_LESS;
	if (f < -9223372036854775808.0)
		return VALUE_MORE;
	fi = floor(f);
	if (i < (long long)fi)
		return VALUE_LESS;
	if (i > (long long)fi)
		return VALUE_MORE;
	return fi == f ? VALUE_SAME : VALUE_LESS;
}

static enum value_ordering order_numbers(const struct value *a,
					 const struct value *b)
{
	enum value_ordering o;

	if (a->kind != VALUE_FLOAT && b->kind != VALUE_FLOAT) {
		long long x = int_of(a), y = int_of(b);

		return x < y ? VALUE_LESS : x > y ? VALUE_MORE : VALUE_SAME;
	}
	if (a->kind == VALUE_FLOAT && b->kind == VALUE_FLOAT) {
		double x = a->u.f, y = b->u.f;

		if (isnan(x) || isnan(y))
			return VALUE_UNORDERED;
		return x < y ? VALUE_LESS : x > y ? VALUE_MORE : VALUE_SAME;
	}
	if (a->kind == VALUE_FLOAT) {
		o = order_int_float(int_of(b), a->u.f);
		return o == VALUE_LESS ? VALUE_MORE :
		       o == VALUE_MORE ? VALUE_LESS : o;
	}
	return order_int_float(int_of(a), b->u.f);
}

static enum value_ordering order_strings(const struct value_str *a,
					 const struct value_str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->ptr, b->ptr, n) : 0;

	if (c)
		return c < 0 ? VALUE_LESS : VALUE_MORE;
	if (a->len == b->len)
		return VALUE_SAME;
	return a->len < b->len ? VALUE_LESS : VALUE_MORE;
}

static bool equal_depth(const struct value *a, const struct value *b,
			unsigned depth);

static enum value_ordering order_lists(const struct value *a,
				       const struct value *b)
{
	size_t i;

	for (i = 0; i < a->u.list.len && i < b->u.list.len; i++) {
		const struct value *x = a->u.list.items[i];
		const struct value *y = b->u.list.items[i];

		if (x != y && !equal_depth(x, y, 0))
			return value_order(x, y);
	}
	if (a->u.list.len == b->u.list.len)
		return VALUE_SAME;
	return a->u.list.len < b->u.list.len ? VALUE_LESS : VALUE_MORE;
}

enum value_ordering value_order(const struct value *a, const struct value *b)
{
	if (is_number(a) && is_number(b))
		return order_numbers(a, b);
	if (a->kind == VALUE_STRING && b->kind == VALUE_STRING)
		return order_strings(&a->u.s, &b->u.s);
	if (a->kind == VALUE_LIST && b->kind == VALUE_LIST &&
	    a->u.list.tuple == b->u.list.tuple && !a->u.list.view &&
	    !b->u.list.view)
		return order_lists(a, b);
	return VALUE_UNORDERABLE;
}

static bool equal_dicts(const struct value *a, const struct value *b,
			unsigned depth)
{
	size_t i;

	if (a->u.dict.len != b->u.dict.len)
		return false;
	for (i = 0; i < a->u.dict.len; i++) {
		const struct value_pair *p = &a->u.dict.items[i];
		const struct value *o = value_dict_getn(b, p->key.ptr,
							p->key.len);

		if (!o || !equal_depth(p->val, o, depth + 1))
			return false;
	}
	return true;
}

static bool equal_depth(const struct value *a, const struct value *b,
			unsigned depth)
{
	size_t i;

	if (depth > TPL_MAX_VALUE_DEPTH)
		return false;
	if (is_number(a) && is_number(b))
		return order_numbers(a, b) == VALUE_SAME;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case VALUE_STRING:
		return order_strings(&a->u.s, &b->u.s) == VALUE_SAME;
	case VALUE_LIST:
		if (a->u.list.tuple != b->u.list.tuple ||
		    a->u.list.view != b->u.list.view ||
		    a->u.list.len != b->u.list.len)
			return false;
		for (i = 0; i < a->u.list.len; i++)
			if (!equal_depth(a->u.list.items[i],
					 b->u.list.items[i], depth + 1))
				return false;
		return true;
	case VALUE_DICT:
		return equal_dicts(a, b, depth);
	case VALUE_CALLABLE:
		return a->u.call.fn == b->u.call.fn &&
		       a->u.call.data == b->u.call.data;
	default:
		return true;	/* None == None, Undefined == Undefined */
	}
}

bool value_equal(const struct value *a, const struct value *b)
{
	return a == b || equal_depth(a, b, 0);
}

/* ---- str() and repr() ---------------------------------------------------- */

/*
 * The shortest decimal digits that read back as f (f finite, non-zero),
 * as Python's repr() finds them.  *decpt places the point: f is
 * 0.DIGITS times 10 to the *decpt.
 */
static size_t shortest_digits(double f, char *digits, int *decpt)
{
	char buf[40];
	size_t n = 0;
	int prec;
	char *e;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	e = strchr(buf, 'e');
	for (char *p = buf; p < e; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	*decpt = atoi(e + 1) + 1;
	return n;
}

void value_format_float(struct strbuf *sb, double f)
{
	char digits[24];
	int decpt;
	size_t n;

	if (isnan(f) || isinf(f)) {
		strbuf_adds(sb, isnan(f) ? "nan" : f < 0 ? "-inf" : "inf");
		return;
	}
	if (signbit(f))
		strbuf_addch(sb, '-');
	if (f == 0) {
		strbuf_adds(sb, "0.0");
		return;
	}
	n = shortest_digits(fabs(f), digits, &decpt);
	if (decpt > -4 && decpt <= 16) {
		if (decpt <= 0) {
			strbuf_adds(sb, "0.");
			strbuf_addchars(sb, '0', (size_t)-decpt);
			strbuf_add(sb, digits, n);
		} else if ((size_t)decpt >= n) {
			strbuf_add(sb, digits, n);
			strbuf_addchars(sb, '0', (size_t)decpt - n);
			strbuf_adds(sb, ".0");
		} else {
			strbuf_add(sb, digits, (size_t)decpt);
			strbuf_addch(sb, '.');
			strbuf_add(sb, digits + decpt, n - (size_t)decpt);
		}
		return;
	}
	strbuf_addch(sb, digits[0]);
	if (n > 1) {
		strbuf_addch(sb, '.');
		strbuf_add(sb, digits + 1, n - 1);
	}
	strbuf_addf(sb, "e%c%02d", decpt - 1 < 0 ? '-' : '+',
		    abs(decpt - 1));
}

/* Append one character of a string repr, escaped as Python does. */
static void repr_char(struct strbuf *sb, uint32_t cp, char quote)
{
	if (cp == (uint32_t)quote || cp == '\\') {
		strbuf_addch(sb, '\\');
		strbuf_addch(sb, (int)cp);
	} else if (cp == '\t') {
		strbuf_adds(sb, "\\t");
	} else if (cp == '\n') {
		strbuf_adds(sb, "\\n");
	} else if (cp == '\r') {
		strbuf_adds(sb, "\\r");
	} else if (uc_isprintable(cp)) {
		char buf[4];

		strbuf_add(sb, buf, utf8_put(buf, cp));
	} else if (cp <= 0xFF) {
		strbuf_addf(sb, "\\x%02x", (unsigned)cp);
	} else if (cp <= 0xFFFF) {
		strbuf_addf(sb, "\\u%04x", (unsigned)cp);
	} else {
		strbuf_addf(sb, "\\U%08x", (unsigned)cp);
	}
}

static void repr_string(struct strbuf *sb, const struct value_str *s)
{
	bool single = memchr(s->ptr, '\'', s->len) != NULL;
	bool dbl = memchr(s->ptr, '"', s->len) != NULL;
	char quote = single && !dbl ? '"' : '\'';
	size_t i = 0;

	strbuf_addch(sb, quote);
	while (i < s->len) {
		uint32_t cp;
		size_t len = utf8_next(s->ptr + i, s->len - i, &cp);

		if (len == 1 && cp >= 0x80)
			strbuf_addch(sb, (unsigned char)s->ptr[i]);
		else
			repr_char(sb, cp, quote);
		i += len;
	}
	strbuf_addch(sb, quote);
}

static void repr_depth(struct strbuf *sb, const struct value *v,
		       unsigned depth);

static void repr_list(struct strbuf *sb, const struct value *v,
		      unsigned depth)
{
	size_t i;

	if (v->u.list.view)
		strbuf_addf(sb, "%s(", v->u.list.view);
	strbuf_addch(sb, v->u.list.tuple ? '(' : '[');
	for (i = 0; i < v->u.list.len; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		repr_depth(sb, v->u.list.items[i], depth + 1);
	}
	if (v->u.list.tuple && v->u.list.len == 1)
		strbuf_addch(sb, ',');
	strbuf_addch(sb, v->u.list.tuple ? ')' : ']');
	if (v->u.list.view)
		strbuf_addch(sb, ')');
}

static void repr_dict(struct strbuf *sb, const struct value *v,
		      unsigned depth)
{
	size_t i;

	strbuf_addch(sb, '{');
	for (i = 0; i < v->u.dict.len; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		repr_string(sb, &v->u.dict.items[i].key);
		strbuf_adds(sb, ": ");
		repr_depth(sb, v->u.dict.items[i].val, depth + 1);
	}
	strbuf_addch(sb, '}');
}

static void repr_depth(struct strbuf *sb, const struct value *v,
		       unsigned depth)
{
	if (sb->overflow)
		return;
	if (depth > TPL_MAX_VALUE_DEPTH) {
		strbuf_adds(sb, "...");
		return;
	}
	switch (v->kind) {
	case VALUE_UNDEFINED:
		strbuf_adds(sb, "Undefined");
		break;
	case VALUE_STRING:
		repr_string(sb, &v->u.s);
		break;
	case VALUE_LIST:
		repr_list(sb, v, depth);
		break;
	case VALUE_DICT:
		repr_dict(sb, v, depth);
		break;
	default:
		value_to_string(sb, v);
		break;
	}
}

void value_repr(struct strbuf *sb, const struct value *v)
{
	repr_depth(sb, v, 0);
}

void value_to_string(struct strbuf *sb, const struct value *v)
{
	switch (v->kind) {
	case VALUE_UNDEFINED:
		break;
	case VALUE_NONE:
		strbuf_adds(sb, "None");
		break;
	case VALUE_BOOL:
		strbuf_adds(sb, v->u.b ? "True" : "False");
		break;
	case VALUE_INT:
		strbuf_addf(sb, "%lld", v->u.i);
		break;
	case VALUE_FLOAT:
		value_format_float(sb, v->u.f);
		break;
	case VALUE_STRING:
		strbuf_add(sb, v->u.s.ptr, v->u.s.len);
		break;
	case VALUE_CALLABLE:
		strbuf_addf(sb, "<%s>", value_type_name(v));
		break;
	default:
		repr_depth(sb, v, 0);
		break;
	}
}

const char *value_type_name(const struct value *v)
{
	switch (v->kind) {
	case VALUE_UNDEFINED:
		return "Undefined";
	case VALUE_NONE:
		return "NoneType";
	case VALUE_BOOL:
		return "bool";
	case VALUE_INT:
		return "int";
	case VALUE_FLOAT:
		return "float";
	case VALUE_STRING:
		return "str";
	case VALUE_LIST:
		if (v->u.list.view)
			return v->u.list.view;
		return v->u.list.tuple ? "tuple" : "list";
	case VALUE_DICT:
		return "dict";
	case VALUE_CALLABLE:
		return v->u.call.name.ptr ? v->u.call.name.ptr : "function";
	}
	return "object";
}
