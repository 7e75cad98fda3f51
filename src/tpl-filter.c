/*
 * Filters, tests, Python methods and globals, in sorted tables searched
 * with bsearch.  Each entry names its parameters, so that positional and
 * keyword arguments bind as in Python; the function then reads argv[i],
 * which is NULL for an argument that was not given.
 *
 * Strings are UTF-8.  Lengths, indexes, padding and slicing count code
 * points.  Case mapping covers ASCII, Latin-1, Latin Extended-A, Greek
 * and Cyrillic (with Python's full mappings for ß, İ and ŉ); other
 * characters keep their case.  Semantics follow jinja2/filters.py,
 * jinja2/tests.py and CPython's str, dict and list methods.
 */
#include "tpl-int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "xalloc.h"

/* Every filter, test, method and global has this signature. */
#define TPL_FN(name)                                                   \
	static int name(struct evaluator *r, size_t off, struct value *self, \
			struct value **argv, const struct tpl_args *args,  \
			struct value **out)

/* ---- Unicode case mapping ------------------------------------------------ */

/* Lower case of a Latin Extended-A letter (U+0100..U+017F). */
static uint32_t latin_a_lower(uint32_t c)
{
	if ((c <= 0x12F || (c >= 0x132 && c <= 0x137) ||
	     (c >= 0x14A && c <= 0x177)) && !(c & 1))
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) &&
	    (c & 1))
		return c + 1;
	return c == 0x178 ? 0xFF : c;
}

static uint32_t latin_a_upper(uint32_t c)
{
	if ((c <= 0x12F || (c >= 0x132 && c <= 0x137) ||
	     (c >= 0x14A && c <= 0x177)) && (c & 1))
		return c - 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) &&
	    !(c & 1))
		return c - 1;
	return c == 0x131 ? 'I' : c == 0x17F ? 'S' : c;
}

/* True when c is in a Cyrillic block of even-upper/odd-lower pairs. */
static bool cyrillic_pair(uint32_t c)
{
	return (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
	       (c >= 0x4D0 && c <= 0x52F);
}

static uint32_t uc_lower(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c >= 0x100 && c <= 0x17F)
		return latin_a_lower(c);
	if ((c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
	    (c >= 0x410 && c <= 0x42F))
		return c + 32;
	if (c == 0x386)
		return 0x3AC;
	if (c >= 0x388 && c <= 0x38A)
		return c + 37;
	if (c == 0x38C)
		return 0x3CC;
	if (c == 0x38E || c == 0x38F)
		return c + 63;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	if (cyrillic_pair(c))
		return c | 1;
	if (c >= 0x4C1 && c <= 0x4CE && (c & 1))
		return c + 1;
	return c == 0x4C0 ? 0x4CF : c;
}

static uint32_t uc_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? c - 32 : c;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 32;
	if (c == 0xFF)
		return 0x178;
	if (c == 0xB5)
		return 0x39C;
	if (c >= 0x100 && c <= 0x17F)
		return latin_a_upper(c);
	if ((c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) ||
	    (c >= 0x430 && c <= 0x44F))
		return c - 32;
	if (c == 0x3C2)
		return 0x3A3;
	if (c == 0x3AC)
		return 0x386;
	if (c >= 0x3AD && c <= 0x3AF)
		return c - 37;
	if (c == 0x3CC)
		return 0x38C;
	if (c == 0x3CD || c == 0x3CE)
		return c - 63;
	if (c >= 0x450 && c <= 0x45F)
		return c - 80;
	if (cyrillic_pair(c))
		return c & ~1u;
	if (c >= 0x4C2 && c <= 0x4CE && !(c & 1))
		return c - 1;
	return c == 0x4CF ? 0x4C0 : c;
}

/* Python's "cased" characters: letters that have a case. */
static bool uc_cased(uint32_t c)
{
	return uc_lower(c) != c || uc_upper(c) != c || c == 0xDF ||
	       c == 0x138 || c == 0x149;
}

static bool uc_isalpha(uint32_t c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	return uc_cased(c) || c == 0xAA || c == 0xBA ||
	       (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
	       (c >= 0x370 && c <= 0x3FF && c != 0x37E && c != 0x387) ||
	       (c >= 0x400 && c <= 0x52F && (c < 0x482 || c > 0x489)) ||
	       (c >= 0x5D0 && c <= 0x5EA) || (c >= 0x620 && c <= 0x64A) ||
	       (c >= 0x3041 && c <= 0x30FF && c != 0x30FB) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3);
}

static bool uc_isdigit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* Python's \w: letters, digits and underscore. */
static bool uc_isword(uint32_t c)
{
	return uc_isalpha(c) || uc_isdigit(c) || c == '_' || c == 0xB2 ||
	       c == 0xB3 || c == 0xB9 || (c >= 0xBC && c <= 0xBE) ||
	       (c >= 0x300 && c <= 0x36F);
}

static void add_cp(struct strbuf *sb, uint32_t c)
{
	char buf[4];

	strbuf_add(sb, buf, utf8_put(buf, c));
}

/* Append the full upper case of c (title case when title is set). */
static void add_upper(struct strbuf *sb, uint32_t c, bool title)
{
	if (c == 0xDF)
		strbuf_adds(sb, title ? "Ss" : "SS");
	else if (c == 0x149)
		strbuf_adds(sb, "\xCA\xBCN");
	else
		add_cp(sb, uc_upper(c));
}

static void add_lower(struct strbuf *sb, uint32_t c)
{
	if (c == 0x130)
		strbuf_adds(sb, "i\xCC\x87");
	else
		add_cp(sb, uc_lower(c));
}

/* ---- string helpers ------------------------------------------------------ */

/* True when c is a (non-NUL) character of set. */
static bool in_set(const char *set, int c)
{
	return c && strchr(set, c);
}

/* The code point at s + i (i < n) and its length. */
static size_t cp_at(const struct value_str *s, size_t i, uint32_t *cp)
{
	return utf8_next(s->ptr + i, s->len - i, cp);
}

/* A new string value holding n bytes at p (borrowed from a live value). */
static struct value *str_borrow(struct evaluator *r, const char *p, size_t n)
{
	return value_str_borrow(r->a, p, n);
}

/* Start a string builder capped like every string. */
static void sb_start(struct strbuf *sb)
{
	strbuf_init(sb, TPL_MAX_OUTPUT);
}

/* str(self) for a filter, charging its length as work. */
static int self_str(struct evaluator *r, struct value *v, size_t off,
		    struct value_str *s)
{
	int rc = ev_str(r, v, off, s);

	return rc ? rc : ev_charge(r, s->len, off);
}

/* A str argument of a Python method: str only, as CPython insists. */
static int need_str(struct evaluator *r, const struct value *v, size_t off,
		    const char *what, struct value_str *s)
{
	int rc;

	s->ptr = "";
	s->len = 0;
	if ((rc = ev_defined(r, v, off)))
		return rc;
	if (v->kind != VALUE_STRING)
		return ev_fail(r, off, "%s: argument must be str, not "
			       "'%s'", what, value_type_name(v));
	*s = v->u.s;
	return 0;
}

/* An integer argument (bools count), as Python's __index__. */
static int need_int(struct evaluator *r, const struct value *v, size_t off,
		    long long *i)
{
	int rc;

	*i = 0;
	if ((rc = ev_defined(r, v, off)))
		return rc;
	if (v->kind == VALUE_INT)
		*i = v->u.i;
	else if (v->kind == VALUE_BOOL)
		*i = v->u.b;
	else
		return ev_fail(r, off, "'%s' object cannot be "
			       "interpreted as an integer",
			       value_type_name(v));
	return 0;
}

/* An optional integer argument with a default. */
static int opt_int(struct evaluator *r, const struct value *v, size_t off,
		   long long def, long long *i)
{
	*i = def;
	if (!v || v->kind == VALUE_NONE)
		return 0;
	return need_int(r, v, off, i);
}

static bool opt_bool(const struct value *v)
{
	return v && value_truthy(v);
}

/* True when code point c is in the string set. */
static bool set_has(const struct value_str *set, uint32_t c)
{
	size_t i = 0;
	uint32_t cp;

	while (i < set->len) {
		i += cp_at(set, i, &cp);
		if (cp == c)
			return true;
	}
	return false;
}

/* Strip chars (whitespace when NULL) from the left and/or right of s. */
static void str_strip(const struct value_str *s, const struct value_str *chars,
		      bool left, bool right, size_t *b, size_t *e)
{
	uint32_t cp;
	size_t n;

	*b = 0;
	*e = s->len;
	while (left && *b < *e) {
		n = cp_at(s, *b, &cp);
		if (chars ? !set_has(chars, cp) : !uc_isspace(cp))
			break;
		*b += n;
	}
	while (right && *e > *b) {
		size_t c = utf8_back(s->ptr, *b, *e);

		cp_at(s, c, &cp);
		if (chars ? !set_has(chars, cp) : !uc_isspace(cp))
			break;
		*e = c;
	}
}

/* Position of needle in hay at or after from, or (size_t)-1. */
static size_t str_find(const struct value_str *hay, const char *needle,
		       size_t n, size_t from)
{
	const char *p;

	if (from > hay->len || n > hay->len - from)
		return (size_t)-1;
	if (!n)
		return from;
	p = memmem(hay->ptr + from, hay->len - from, needle, n);
	return p ? (size_t)(p - hay->ptr) : (size_t)-1;
}

/* Position of the last needle in hay[0, end), or (size_t)-1. */
static size_t str_rfind(const struct value_str *hay, const char *needle,
			size_t n, size_t end)
{
	size_t i;

	if (n > end)
		return (size_t)-1;
	for (i = end - n + 1; i-- > 0;)
		if (!memcmp(hay->ptr + i, needle, n))
			return i;
	return (size_t)-1;
}

/* Python's str.replace(old, new, count) into a new value. */
static int str_replace(struct evaluator *r, const struct value_str *s,
		       const struct value_str *old, const struct value_str *new,
		       long long count, size_t off, struct value **out)
{
	/* A negative count means all: no decrement can then overflow. */
	unsigned long long left = count < 0 ? ULLONG_MAX :
				  (unsigned long long)count;
	struct strbuf sb;
	size_t i = 0, at;
	uint32_t cp;
	int rc;

	if ((rc = ev_charge_search(r, s->len, old->len, off)))
		return rc;
	sb_start(&sb);
	if (!old->len) {
		for (; left && i <= s->len; left--) {
			strbuf_add(&sb, new->ptr, new->len);
			if (i == s->len) {
				i++;
				break;
			}
			at = i + cp_at(s, i, &cp);
			strbuf_add(&sb, s->ptr + i, at - i);
			i = at;
		}
		if (i < s->len)
			strbuf_add(&sb, s->ptr + i, s->len - i);
		return ev_take(r, &sb, off, out);
	}
	for (; left && (at = str_find(s, old->ptr, old->len, i)) !=
	       (size_t)-1; left--) {
		strbuf_add(&sb, s->ptr + i, at - i);
		strbuf_add(&sb, new->ptr, new->len);
		i = at + old->len;
	}
	strbuf_add(&sb, s->ptr + i, s->len - i);
	return ev_take(r, &sb, off, out);
}

enum case_op { CASE_LOWER, CASE_UPPER, CASE_SWAP };

static int str_case(struct evaluator *r, const struct value_str *s,
		    enum case_op op, size_t off, struct value **out)
{
	struct strbuf sb;
	size_t i = 0;
	uint32_t cp;

	sb_start(&sb);
	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (op == CASE_LOWER || (op == CASE_SWAP && uc_upper(cp) == cp))
			add_lower(&sb, cp);
		else
			add_upper(&sb, cp, false);
	}
	return ev_take(r, &sb, off, out);
}

/* Python's str.capitalize(): title-case the first character. */
static int str_capitalize(struct evaluator *r, const struct value_str *s,
			  size_t off, struct value **out)
{
	struct strbuf sb;
	size_t i = 0;
	uint32_t cp;

	sb_start(&sb);
	while (i < s->len) {
		bool first = i == 0;

		i += cp_at(s, i, &cp);
		if (first)
			add_upper(&sb, cp, true);
		else
			add_lower(&sb, cp);
	}
	return ev_take(r, &sb, off, out);
}

/* Python's str.title(): upper after uncased characters, else lower. */
static int str_title(struct evaluator *r, const struct value_str *s, size_t off,
		     struct value **out)
{
	bool prev_cased = false;
	struct strbuf sb;
	size_t i = 0;
	uint32_t cp;

	sb_start(&sb);
	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (prev_cased)
			add_lower(&sb, cp);
		else
			add_upper(&sb, cp, true);
		prev_cased = uc_cased(cp);
	}
	return ev_take(r, &sb, off, out);
}

/* Append fill n times. */
static void add_fill(struct strbuf *sb, uint32_t fill, size_t n)
{
	char buf[4];
	size_t len = utf8_put(buf, fill);

	if (len == 1) {
		strbuf_addchars(sb, buf[0], n);
		return;
	}
	while (n--)
		strbuf_add(sb, buf, len);
}

/* s padded to width with fill: align is '<', '>' or '^'. */
static int str_pad(struct evaluator *r, const struct value_str *s,
		   long long width, uint32_t fill, char align, size_t off,
		   struct value **out)
{
	size_t len = utf8_count(s->ptr, s->len), pad, left;
	struct strbuf sb;

	if (width <= (long long)len) {
		*out = str_borrow(r, s->ptr, s->len);
		return 0;
	}
	if (width > TPL_MAX_OUTPUT)
		return ev_fail(r, off, "string exceeds %u bytes",
			       TPL_MAX_OUTPUT);
	pad = (size_t)width - len;
	left = align == '<' ? 0 : align == '>' ? pad :
	       pad / 2 + (pad & (size_t)width & 1);
	sb_start(&sb);
	add_fill(&sb, fill, left);
	strbuf_add(&sb, s->ptr, s->len);
	add_fill(&sb, fill, pad - left);
	return ev_take(r, &sb, off, out);
}

/* The single code point of a fill argument, or an error. */
static int fill_char(struct evaluator *r, const struct value *v, size_t off,
		     const char *what, uint32_t *fill)
{
	struct value_str s;
	int rc;

	*fill = ' ';
	if (!v)
		return 0;
	if ((rc = need_str(r, v, off, what, &s)))
		return rc;
	if (utf8_count(s.ptr, s.len) != 1)
		return ev_fail(r, off, "the fill character must be "
			       "exactly one character long");
	utf8_next(s.ptr, s.len, fill);
	return 0;
}

/* ---- attribute getters (sort, join, map, ...) ---------------------------- */

/*
 * Jinja's make_attrgetter: "a.0.b" looks up each part with getitem,
 * parts of digits as integers.  Missing values give undefined, or def.
 */
static int attr_get(struct evaluator *r, struct value *item,
		    const struct value_str *path, struct value *def,
		    size_t off, struct value **out)
{
	size_t i = 0, j;
	int rc;

	while (i <= path->len) {
		struct value *key;
		bool digits = true;

		for (j = i; j < path->len && path->ptr[j] != '.'; j++)
			digits = digits && uc_isdigit((unsigned char)
						      path->ptr[j]);
		if (digits && j > i)
			key = value_int(r->a, strtoll(path->ptr + i, NULL, 10));
		else
			key = str_borrow(r, path->ptr + i, j - i);
		if ((rc = ev_getitem(r, item, key, off, &item)))
			return rc;
		if (item->kind == VALUE_UNDEFINED && def) {
			item = def;
			break;
		}
		i = j + 1;
	}
	*out = item;
	return 0;
}

/* An attribute argument: a string path, or an integer index. */
static int attr_arg(struct evaluator *r, struct value *v, size_t off,
		    struct value_str *path)
{
	struct value_str s;
	int rc;

	if (v->kind == VALUE_INT) {
		s.ptr = arena_printf(r->a, "%lld", v->u.i);
		s.len = strlen(s.ptr);
		*path = s;
		return 0;
	}
	if ((rc = ev_str(r, v, off, &s)))
		return rc;
	*path = s;
	return 0;
}

/* Lower-case v when it is a string (Jinja's ignore_case). */
static int fold_case(struct evaluator *r, struct value *v, size_t off,
		     struct value **out)
{
	if (v->kind != VALUE_STRING) {
		*out = v;
		return 0;
	}
	return str_case(r, &v->u.s, CASE_LOWER, off, out);
}

/*
 * The sort key of item: itself or its attributes (comma-separated, giving
 * a list), lower-cased unless case_sensitive.
 */
static int sort_key(struct evaluator *r, struct value *item,
		    const struct value_str *attrs, bool case_sensitive,
		    size_t off, struct value **out)
{
	struct value *key, *list;
	struct value_str part;
	size_t i = 0, j;
	int rc;

	if (!attrs) {
		*out = item;
		return case_sensitive ? 0 : fold_case(r, item, off, out);
	}
	if (!memchr(attrs->ptr, ',', attrs->len)) {
		if ((rc = attr_get(r, item, attrs, NULL, off, &key)))
			return rc;
		*out = key;
		return case_sensitive ? 0 : fold_case(r, key, off, out);
	}
	list = value_list(r->a, 2);
	while (i <= attrs->len) {
		for (j = i; j < attrs->len && attrs->ptr[j] != ','; j++)
			;
		part.ptr = attrs->ptr + i;
		part.len = j - i;
		if ((rc = attr_get(r, item, &part, NULL, off, &key)) ||
		    (!case_sensitive && (rc = fold_case(r, key, off, &key))))
			return rc;
		value_list_push(r->a, list, key);
		i = j + 1;
	}
	*out = list;
	return 0;
}

/* ---- sorting ------------------------------------------------------------- */

struct sorter {
	struct evaluator *r;
	struct value **keys;
	bool reverse;
	size_t off;
	int rc;
};

/* True when element b must come before a (Python's `<`, stable). */
static bool sort_before(struct sorter *s, size_t b, size_t a)
{
	bool res = false;

	if (s->rc)
		return false;
	s->rc = ev_order(s->r, TOK_LT, s->reverse ? s->keys[a] :
			 s->keys[b], s->reverse ? s->keys[b] : s->keys[a],
			 s->off, &res);
	return res;
}

/* Stable merge sort of the index array idx[0, n) using tmp. */
static void sort_merge(struct sorter *s, size_t *idx, size_t *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	sort_merge(s, idx, tmp, mid);
	sort_merge(s, idx + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = sort_before(s, idx[j], idx[i]) ? idx[j++] :
			   idx[i++];
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

/* Sort items by keys; the result is a new list. */
static int sort_items(struct evaluator *r, struct value **items,
		      struct value **keys, size_t n, bool reverse, size_t off,
		      struct value **out)
{
	struct sorter s = { r, keys, reverse, off, 0 };
	size_t *idx = xmalloc((n + 1) * sizeof(*idx));
	size_t *tmp = xmalloc((n + 1) * sizeof(*tmp)), i;
	struct value *list = value_list(r->a, n);

	for (i = 0; i < n; i++)
		idx[i] = i;
	s.rc = ev_charge(r, 16 * n, off);
	sort_merge(&s, idx, tmp, n);
	for (i = 0; i < n && !s.rc; i++)
		value_list_push(r->a, list, items[idx[i]]);
	free(idx);
	free(tmp);
	*out = list;
	return s.rc;
}

/* ---- binding arguments --------------------------------------------------- */

static size_t param_count(const struct tpl_func *f)
{
	size_t n = 0;

	while (n < TPL_MAX_PARAMS && f->params[n])
		n++;
	return n;
}

static int bind_kwargs(struct evaluator *r, const struct tpl_func *f,
		       const char *what, const struct tpl_args *args,
		       struct value **argv, size_t off)
{
	size_t i, j, n = param_count(f);

	if (args->nkw && (f->flags & TPL_F_NOKW))
		return ev_fail(r, off, "%s takes no keyword arguments",
			       what);
	for (i = 0; i < args->nkw; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(f->params[j], args->kwnames[i]))
				break;
		if (j == n) {
			if (f->flags & TPL_F_KWARGS)
				continue;
			return ev_fail(r, off, "%s got an unexpected "
				       "keyword argument '%s'", what,
				       args->kwnames[i]);
		}
		if (argv[j])
			return ev_fail(r, off, "%s got multiple values "
				       "for argument '%s'", what,
				       f->params[j]);
		argv[j] = args->kw[i];
	}
	return 0;
}

/* Fail on a strict undefined argument of a function that uses it. */
static int check_args(struct evaluator *r, const struct tpl_func *f,
		      const struct tpl_args *args, size_t off)
{
	size_t i;
	int rc;

	if (f->flags & TPL_F_UNDEF_ARGS)
		return 0;
	for (i = 0; i < args->npos + args->nkw; i++)
		if ((rc = ev_defined(r, args->pos[i], off)))
			return rc;
	return 0;
}

int tpl_func_call(struct evaluator *r, const struct tpl_func *f,
		  const char *what, struct value *self,
		  const struct tpl_args *args, size_t off, struct value **out)
{
	struct value *argv[TPL_MAX_PARAMS] = { NULL };
	size_t n = param_count(f), i;
	int rc;

	if (self && !(f->flags & TPL_F_UNDEF) &&
	    (rc = ev_defined(r, self, off)))
		return rc;
	if ((rc = check_args(r, f, args, off)))
		return rc;
	if (args->npos > n && !(f->flags & TPL_F_VARARGS))
		return ev_fail(r, off, "%s takes at most %zu argument%s "
			       "(%zu given)", what, n, n == 1 ? "" : "s",
			       args->npos);
	for (i = 0; i < args->npos && i < n; i++)
		argv[i] = args->pos[i];
	if ((rc = bind_kwargs(r, f, what, args, argv, off)))
		return rc;
	for (i = 0; i < f->min; i++)
		if (!argv[i])
			return ev_fail(r, off, "%s is missing the required "
				       "argument '%s'", what,
				       f->params[i]);
	return f->fn(r, off, self, argv, args, out);
}

/* ---- string filters ------------------------------------------------------ */

TPL_FN(f_upper)
{
	struct value_str s;
	int rc = self_str(r, self, off, &s);

	return rc ? rc : str_case(r, &s, CASE_UPPER, off, out);
}

TPL_FN(f_lower)
{
	struct value_str s;
	int rc = self_str(r, self, off, &s);

	return rc ? rc : str_case(r, &s, CASE_LOWER, off, out);
}

TPL_FN(f_capitalize)
{
	struct value_str s;
	int rc = self_str(r, self, off, &s);

	return rc ? rc : str_capitalize(r, &s, off, out);
}

/* Jinja's title: words start after '-', whitespace, '(', '{', '[', '<'. */
static bool title_sep(uint32_t c)
{
	return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' ||
	       uc_isspace(c);
}

TPL_FN(f_title)
{
	struct value_str s;
	struct strbuf sb;
	bool start = true;
	size_t i = 0;
	uint32_t cp;
	int rc;

	if ((rc = self_str(r, self, off, &s)))
		return rc;
	sb_start(&sb);
	while (i < s.len) {
		i += cp_at(&s, i, &cp);
		if (title_sep(cp))
			add_cp(&sb, cp);
		else if (start)
			add_upper(&sb, cp, false);
		else
			add_lower(&sb, cp);
		start = title_sep(cp);
	}
	return ev_take(r, &sb, off, out);
}

TPL_FN(f_trim)
{
	struct value_str s, chars;
	size_t b, e;
	int rc;

	if ((rc = self_str(r, self, off, &s)))
		return rc;
	if (argv[0] && argv[0]->kind != VALUE_NONE &&
	    (rc = need_str(r, argv[0], off, "trim", &chars)))
		return rc;
	str_strip(&s, argv[0] && argv[0]->kind != VALUE_NONE ? &chars : NULL,
		  true, true, &b, &e);
	*out = str_borrow(r, s.ptr + b, e - b);
	return 0;
}

TPL_FN(f_replace)
{
	struct value_str s, old, new;
	long long count;
	int rc;

	if ((rc = self_str(r, self, off, &s)) ||
	    (rc = ev_str(r, argv[0], off, &old)) ||
	    (rc = ev_str(r, argv[1], off, &new)) ||
	    (rc = opt_int(r, argv[2], off, -1, &count)))
		return rc;
	return str_replace(r, &s, &old, &new, count, off, out);
}

TPL_FN(f_center)
{
	struct value_str s;
	long long width;
	int rc;

	if ((rc = self_str(r, self, off, &s)) ||
	    (rc = opt_int(r, argv[0], off, 80, &width)))
		return rc;
	return str_pad(r, &s, width, ' ', '^', off, out);
}

TPL_FN(f_wordcount)
{
	struct value_str s;
	bool in_word = false;
	long long n = 0;
	size_t i = 0;
	uint32_t cp;
	int rc;

	if ((rc = self_str(r, self, off, &s)))
		return rc;
	while (i < s.len) {
		i += cp_at(&s, i, &cp);
		if (uc_isword(cp) && !in_word)
			n++;
		in_word = uc_isword(cp);
	}
	*out = value_int(r->a, n);
	return 0;
}

TPL_FN(f_string)
{
	struct value_str s;
	int rc = ev_str(r, self, off, &s);

	if (!rc)
		*out = self->kind == VALUE_STRING ? self :
		       str_borrow(r, s.ptr, s.len);
	return rc;
}

/* Python's str.splitlines() boundaries: the length of one at s, or 0. */
static size_t line_break(const struct value_str *s, size_t i)
{
	uint32_t cp;
	size_t n = cp_at(s, i, &cp);

	if (cp == '\r')
		return i + 1 < s->len && s->ptr[i + 1] == '\n' ? 2 : 1;
	if (cp == '\n' || cp == 0x0B || cp == 0x0C ||
	    (cp >= 0x1C && cp <= 0x1E) || cp == 0x85 || cp == 0x2028 ||
	    cp == 0x2029)
		return n;
	return 0;
}

/* Split s into lines as str.splitlines(); ends get the break lengths. */
static size_t split_lines(struct evaluator *r, const struct value_str *s,
			  struct value_str **lines, size_t **ends)
{
	size_t i = 0, start = 0, n = 0, alloc = 8, br;
	uint32_t cp;

	*lines = arena_alloc(r->a, alloc * sizeof(**lines));
	*ends = arena_alloc(r->a, alloc * sizeof(**ends));
	while (i < s->len) {
		if (!(br = line_break(s, i))) {
			i += cp_at(s, i, &cp);
			if (i < s->len)
				continue;
		}
		if (n == alloc) {
			struct value_str *l = arena_alloc(r->a, 2 * alloc *
							  sizeof(*l));
			size_t *e = arena_alloc(r->a, 2 * alloc * sizeof(*e));

			memcpy(l, *lines, n * sizeof(*l));
			memcpy(e, *ends, n * sizeof(*e));
			*lines = l;
			*ends = e;
			alloc *= 2;
		}
		(*lines)[n].ptr = s->ptr + start;
		(*lines)[n].len = (br ? i : s->len) - start;
		(*ends)[n++] = br;
		i += br;
		start = i;
	}
	return n;
}

/* The indentation of indent(): a string, or width spaces. */
static int indent_str(struct evaluator *r, struct value *w, size_t off,
		      struct value_str *ind)
{
	long long n;
	char *p;
	int rc;

	ind->ptr = "";
	ind->len = 0;
	if (w && w->kind == VALUE_STRING) {
		*ind = w->u.s;
		return 0;
	}
	if ((rc = opt_int(r, w, off, 4, &n)))
		return rc;
	if (n < 0)
		n = 0;
	if (n > TPL_MAX_OUTPUT)
		return ev_fail(r, off, "string exceeds %u bytes",
			       TPL_MAX_OUTPUT);
	p = arena_alloc(r->a, (size_t)n + 1);
	memset(p, ' ', (size_t)n);
	ind->ptr = p;
	ind->len = (size_t)n;
	return 0;
}

/* Jinja 3.1's indent(width=4, first=False, blank=False). */
TPL_FN(f_indent)
{
	struct value_str s, ind, *lines;
	struct strbuf sb;
	size_t *ends, n, i;
	int rc;

	char *copy;

	if (self->kind != VALUE_STRING)	/* Jinja does s += "\n" */
		return ev_defined(r, self, off) ? ERR_INPUT :
		       ev_fail(r, off, "unsupported operand types for "
			       "+=: '%s' and 'str'",
			       value_type_name(self));
	if ((rc = self_str(r, self, off, &s)) ||
	    (rc = indent_str(r, argv[0], off, &ind)))
		return rc;
	copy = arena_alloc(r->a, s.len + 2);	/* s + "\n", as in Jinja */
	memcpy(copy, s.ptr, s.len);
	copy[s.len] = '\n';
	s.ptr = copy;
	s.len++;
	n = split_lines(r, &s, &lines, &ends);
	sb_start(&sb);
	if (opt_bool(argv[1]))
		strbuf_add(&sb, ind.ptr, ind.len);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, '\n');
		if (i && (lines[i].len || opt_bool(argv[2])))
			strbuf_add(&sb, ind.ptr, ind.len);
		strbuf_add(&sb, lines[i].ptr, lines[i].len);
	}
	return ev_take(r, &sb, off, out);
}

/* len <= length + leeway, for length and leeway >= 0, without overflow. */
static bool truncate_fits(size_t len, long long length, long long leeway)
{
	return len <= (unsigned long long)length ||
	       len - (unsigned long long)length <= (unsigned long long)leeway;
}

/* Jinja's asserts: length >= len(end) and leeway >= 0. */
static int truncate_check(struct evaluator *r, long long length,
			  long long leeway, size_t end_len, size_t off)
{
	if (length < 0 || (unsigned long long)length < end_len || leeway < 0)
		return ev_fail(r, off, "expected length >= %zu and "
			       "leeway >= 0", end_len);
	return 0;
}

TPL_FN(f_truncate)
{
	long long length, leeway;
	struct value_str s, end = { "...", 3 };
	struct strbuf sb;
	size_t cut, sp, end_len;
	int rc;

	if ((rc = opt_int(r, argv[0], off, 255, &length)) ||
	    (rc = opt_int(r, argv[3], off, 5, &leeway)))
		return rc;
	if (self->kind == VALUE_LIST || self->kind == VALUE_DICT) {
		*out = self;	/* short enough, or Python fails */
		if (!argv[2] && (rc = truncate_check(r, length, leeway, 3,
						     off)))
			return rc;
		if (truncate_fits(self->kind == VALUE_LIST ? self->u.list.len :
				  self->u.dict.len, length, leeway))
			return 0;
	}
	if (self->kind != VALUE_STRING)
		return ev_defined(r, self, off) ? ERR_INPUT :
		       ev_fail(r, off, "truncate: expected a string, got "
			       "'%s'", value_type_name(self));
	if ((rc = self_str(r, self, off, &s)) ||
	    (argv[2] && (rc = ev_str(r, argv[2], off, &end))))
		return rc;
	end_len = utf8_count(end.ptr, end.len);
	if ((rc = truncate_check(r, length, leeway, end_len, off)))
		return rc;
	if (truncate_fits(utf8_count(s.ptr, s.len), length, leeway)) {
		*out = str_borrow(r, s.ptr, s.len);
		return 0;
	}
	/* The string is longer than length here, so the cut fits a size_t. */
	cut = utf8_offset(s.ptr, s.len, (size_t)length - end_len);
	if (!opt_bool(argv[1])) {	/* rsplit(" ", 1)[0] */
		for (sp = cut; sp > 0 && s.ptr[sp - 1] != ' '; sp--)
			;
		if (sp)
			cut = sp - 1;
	}
	sb_start(&sb);
	strbuf_add(&sb, s.ptr, cut);
	strbuf_add(&sb, end.ptr, end.len);
	return ev_take(r, &sb, off, out);
}

/* HTML escaping as markupsafe.escape does it. */
TPL_FN(f_escape)
{
	struct value_str s;
	struct strbuf sb;
	size_t i;
	int rc;

	if ((rc = self_str(r, self, off, &s)))
		return rc;
	sb_start(&sb);
	for (i = 0; i < s.len; i++) {
		switch (s.ptr[i]) {
		case '&':
			strbuf_adds(&sb, "&amp;");
			break;
		case '<':
			strbuf_adds(&sb, "&lt;");
			break;
		case '>':
			strbuf_adds(&sb, "&gt;");
			break;
		case '"':
			strbuf_adds(&sb, "&#34;");
			break;
		case '\'':
			strbuf_adds(&sb, "&#39;");
			break;
		default:
			strbuf_addch(&sb, s.ptr[i]);
		}
	}
	return ev_take(r, &sb, off, out);
}

TPL_FN(f_safe)
{
	*out = self;
	return 0;
}

/* Percent-encoding of urlencode: unreserved characters and '/' stay. */
static void url_quote(struct strbuf *sb, const struct value_str *s,
		      bool keep_slash)
{
	size_t i;

	for (i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->ptr[i];

		if ((c < 0x80 && (uc_isalpha(c) || uc_isdigit(c))) ||
		    in_set("_.-~", c) || (keep_slash && c == '/'))
			strbuf_addch(sb, c);
		else if (!keep_slash && c == ' ')	/* query strings */
			strbuf_addch(sb, '+');
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

TPL_FN(f_urlencode)
{
	struct value_str s;
	struct strbuf sb;
	size_t i;
	int rc;

	sb_start(&sb);
	if (self->kind != VALUE_DICT) {
		if ((rc = ev_str(r, self, off, &s)))
			goto fail;
		url_quote(&sb, &s, true);
		return ev_take(r, &sb, off, out);
	}
	for (i = 0; i < self->u.dict.len; i++) {
		if (i)
			strbuf_addch(&sb, '&');
		url_quote(&sb, &self->u.dict.items[i].key, false);
		strbuf_addch(&sb, '=');
		if ((rc = ev_str(r, self->u.dict.items[i].val, off, &s)))
			goto fail;
		url_quote(&sb, &s, false);
	}
	return ev_take(r, &sb, off, out);
fail:
	strbuf_release(&sb);
	return rc;
}

TPL_FN(f_format)
{
	struct value *tuple;
	size_t i;

	if (args->npos && args->nkw)
		return ev_fail(r, off, "can't handle positional and "
			       "keyword arguments at the same time");
	if (args->nkw) {
		tuple = value_dict(r->a, args->nkw);
		for (i = 0; i < args->nkw; i++)
			value_dict_set(r->a, tuple, args->kwnames[i],
				       args->kw[i]);
	} else {
		tuple = value_tuple(r->a, args->npos);
		for (i = 0; i < args->npos; i++)
			value_list_push(r->a, tuple, args->pos[i]);
	}
	if (self->kind != VALUE_STRING) {
		struct value_str s;
		int rc = ev_str(r, self, off, &s);

		if (rc)
			return rc;
		self = str_borrow(r, s.ptr, s.len);
	}
	return tpl_format_percent(r, self, tuple, off, out);
}

/* ---- defaults, numbers --------------------------------------------------- */

TPL_FN(f_default)
{
	bool use = self->kind == VALUE_UNDEFINED ||
		   (opt_bool(argv[1]) && !value_truthy(self));

	if (!use)
		*out = self;
	else
		*out = argv[0] ? argv[0] : str_borrow(r, "", 0);
	return 0;
}

/* The value of digit c in bases up to 36, or 99. */
static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'z' ? c - 'a' + 10 : 99;
}

/* Consume an optional 0x/0o/0b prefix that fits base; returns the base. */
static long long int_prefix(const char **p, const char *end, long long base)
{
	int c, pb;

	if (end - *p < 2 || (*p)[0] != '0')
		return base;
	c = (*p)[1] | 0x20;
	pb = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
	if (!pb || (base && base != pb))
		return base;
	*p += 2;
	return -pb;	/* negative: a prefix was consumed */
}

/* Parse s as Python's int(s, base); false when it is not one. */
static bool parse_int(const struct value_str *s, long long base,
		      long long *v)
{
	unsigned long long acc = 0, limit = (unsigned long long)LLONG_MAX;
	bool neg = false, any = false, us = false, prefixed, automatic;
	const char *p, *end, *digits;
	size_t b, e;

	automatic = !base;
	if (base && (base < 2 || base > 36))
		return false;
	str_strip(s, NULL, true, true, &b, &e);
	p = s->ptr + b;
	end = s->ptr + e;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	base = int_prefix(&p, end, base);
	prefixed = base < 0;
	base = base < 0 ? -base : base ? base : 10;
	for (digits = p; p < end; p++) {
		int d = digit_value((unsigned char)*p);

		if (*p == '_') {
			if (us || (!any && !prefixed))
				return false;
			us = true;
			continue;
		}
		if (d >= base || acc > (limit + neg - (unsigned)d) / base)
			return false;
		acc = acc * (unsigned long long)base + (unsigned)d;
		any = true;
		us = false;
	}
	if (!any || us || (automatic && !prefixed && *digits == '0' && acc))
		return false;
	*v = neg ? (long long)(0 - acc) : (long long)acc;
	return true;
}

/* True when p[0, n) is Python float syntax without underscores. */
static bool float_syntax(const char *p)
{
	size_t digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity") ||
	    !strcasecmp(p, "nan"))
		return true;
	while (uc_isdigit((unsigned char)*p) && ++digits)
		p++;
	if (*p == '.')
		for (p++; uc_isdigit((unsigned char)*p); p++)
			digits++;
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!uc_isdigit((unsigned char)*p))
			return false;
		while (uc_isdigit((unsigned char)*p))
			p++;
	}
	return !*p;
}

/* Parse s as Python's float(s); false when it is not one. */
static bool parse_float(const struct value_str *s, double *v)
{
	char *buf, *w;
	const char *q;
	size_t b, e;
	bool ok;

	str_strip(s, NULL, true, true, &b, &e);
	buf = w = xmalloc(e - b + 1);
	for (q = s->ptr + b; q < s->ptr + e; q++) {
		if (*q == '_' && (q == s->ptr + b || q + 1 == s->ptr + e ||
				  !uc_isdigit((unsigned char)q[-1]) ||
				  !uc_isdigit((unsigned char)q[1]))) {
			free(buf);
			return false;
		}
		if (*q != '_')
			*w++ = *q;
	}
	*w = '\0';
	ok = float_syntax(buf);
	*v = ok ? strtod(buf, NULL) : 0;
	free(buf);
	return ok;
}

/* int(float) as Python: truncation, failing on inf and nan. */
static int float_to_int(struct evaluator *r, double f, size_t off, bool *ok,
			long long *v)
{
	*ok = !isnan(f);
	if (isinf(f))
		return ev_fail(r, off, "cannot convert float infinity to "
			       "integer");
	if (!*ok)
		return 0;
	if (f >= 9223372036854775808.0 || f < -9223372036854775808.0)
		return ev_fail(r, off, "integer overflow "
			       "(integers are 64-bit)");
	*v = (long long)f;
	return 0;
}

TPL_FN(f_int)
{
	long long base, v = 0;
	bool ok = false;
	double f;
	int rc;

	if ((rc = opt_int(r, argv[1], off, 10, &base)))
		return rc;
	if (self->kind == VALUE_STRING) {
		ok = parse_int(&self->u.s, base, &v);
		if (!ok && parse_float(&self->u.s, &f) &&
		    (rc = float_to_int(r, f, off, &ok, &v)))
			return rc;
	} else if (self->kind == VALUE_INT || self->kind == VALUE_BOOL) {
		ok = true;
		v = self->kind == VALUE_INT ? self->u.i : self->u.b;
	} else if (self->kind == VALUE_FLOAT &&
		   (rc = float_to_int(r, self->u.f, off, &ok, &v))) {
		return rc;
	}
	if (ok)
		*out = value_int(r->a, v);
	else
		*out = argv[0] ? argv[0] : value_int(r->a, 0);
	return 0;
}

TPL_FN(f_float)
{
	bool ok = true;
	double f = 0;

	if (self->kind == VALUE_STRING)
		ok = parse_float(&self->u.s, &f);
	else if (self->kind == VALUE_INT || self->kind == VALUE_BOOL)
		f = self->kind == VALUE_INT ? (double)self->u.i : self->u.b;
	else if (self->kind == VALUE_FLOAT)
		f = self->u.f;
	else
		ok = false;
	if (ok)
		*out = value_float(r->a, f);
	else
		*out = argv[0] ? argv[0] : value_float(r->a, 0.0);
	return 0;
}

TPL_FN(f_abs)
{
	if (self->kind == VALUE_FLOAT) {
		*out = value_float(r->a, fabs(self->u.f));
	} else if (self->kind == VALUE_INT || self->kind == VALUE_BOOL) {
		long long i = self->kind == VALUE_INT ? self->u.i : self->u.b;

		if (i == LLONG_MIN)
			return ev_fail(r, off, "integer overflow "
				       "(integers are 64-bit)");
		*out = value_int(r->a, i < 0 ? -i : i);
	} else {
		return ev_fail(r, off, "bad operand type for abs(): '%s'",
			       value_type_name(self));
	}
	return 0;
}

/* Python's round(x, ndigits) for floats: correctly rounded, half-even. */
static double round_float(double x, long long nd)
{
	char buf[400];
	double p;

	if (!isfinite(x) || nd > 308)
		return x;
	if (nd >= 0) {
		snprintf(buf, sizeof(buf), "%.*f", (int)nd, x);
		return strtod(buf, NULL);
	}
	if (nd < -308)
		return copysign(0.0, x);
	p = pow(10.0, (double)-nd);
	return nearbyint(x / p) * p;
}

/* Python's round(i, ndigits) for ints with ndigits < 0: half-even.
 * False when the result does not fit in 64 bits. */
static bool round_int(long long i, long long nd, long long *out)
{
	long long p = 1, q, m;

	*out = i;
	if (nd >= 0)
		return true;
	*out = 0;
	if (nd < -18)
		return true;
	while (nd++ < 0)
		p *= 10;
	q = i / p;
	m = i % p;
	if (m < 0) {
		m += p;
		q -= 1;
	}
	if (2 * m > p || (2 * m == p && (q & 1)))
		q += 1;
	return !__builtin_mul_overflow(q, p, out);
}

TPL_FN(f_round)
{
	struct value_str method = { "common", 6 };
	long long prec;
	double x, p;
	int rc;

	if ((rc = opt_int(r, argv[0], off, 0, &prec)) ||
	    (argv[1] && (rc = ev_str(r, argv[1], off, &method))))
		return rc;
	if (self->kind != VALUE_INT && self->kind != VALUE_BOOL &&
	    self->kind != VALUE_FLOAT)
		return ev_fail(r, off, "type %s doesn't define "
			       "__round__ method", value_type_name(self));
	if (method.len == 6 && !memcmp(method.ptr, "common", 6)) {
		long long i;

		if (self->kind == VALUE_FLOAT) {
			*out = value_float(r->a, round_float(self->u.f, prec));
			return 0;
		}
		if (!round_int(self->kind == VALUE_INT ? self->u.i :
			       self->u.b, prec, &i))
			return ev_fail(r, off, "integer overflow "
				       "(integers are 64-bit)");
		*out = value_int(r->a, i);
		return 0;
	}
	if ((method.len != 4 || memcmp(method.ptr, "ceil", 4)) &&
	    (method.len != 5 || memcmp(method.ptr, "floor", 5)))
		return ev_fail(r, off, "method must be common, ceil or "
			       "floor");
	x = self->kind == VALUE_FLOAT ? self->u.f : self->kind == VALUE_INT ?
	    (double)self->u.i : self->u.b;
	p = pow(10.0, (double)prec);
	x = method.ptr[0] == 'c' ? ceil(x * p) : floor(x * p);
	*out = value_float(r->a, x / p);
	return 0;
}

/* ---- sequence filters ---------------------------------------------------- */

/* Python len(v). */
static int value_len(struct evaluator *r, const struct value *v, size_t off,
		     long long *n)
{
	int rc;

	switch (v->kind) {
	case VALUE_STRING:
		if ((rc = ev_charge(r, v->u.s.len, off)))
			return rc;
		*n = (long long)utf8_count(v->u.s.ptr, v->u.s.len);
		return 0;
	case VALUE_LIST:
		*n = (long long)v->u.list.len;
		return 0;
	case VALUE_DICT:
		*n = (long long)v->u.dict.len;
		return 0;
	case VALUE_UNDEFINED:
		*n = 0;
		return ev_defined(r, v, off);
	default:
		return ev_fail(r, off, "object of type '%s' has no len()",
			       value_type_name(v));
	}
}

TPL_FN(f_length)
{
	long long n;
	int rc = value_len(r, self, off, &n);

	if (!rc)
		*out = value_int(r->a, n);
	return rc;
}

TPL_FN(f_list)
{
	struct value **items;
	struct value *list;
	size_t n, i;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)))
		return rc;
	list = value_list(r->a, n);
	for (i = 0; i < n; i++)
		value_list_push(r->a, list, items[i]);
	*out = list;
	return 0;
}

TPL_FN(f_first)
{
	struct value **items;
	size_t n;
	int rc;

	if (self->kind == VALUE_STRING && self->u.s.len) {
		uint32_t cp;

		*out = str_borrow(r, self->u.s.ptr, utf8_next(self->u.s.ptr,
							      self->u.s.len,
							      &cp));
		return 0;
	}
	if ((rc = ev_items(r, self, off, &items, &n)))
		return rc;
	*out = n ? items[0] : ev_undef(r, off, "no first item, sequence "
				       "was empty");
	return 0;
}

TPL_FN(f_last)
{
	struct value **items;
	size_t n;
	int rc;

	if (self->kind == VALUE_STRING && self->u.s.len) {
		size_t b = utf8_back(self->u.s.ptr, 0, self->u.s.len);

		*out = str_borrow(r, self->u.s.ptr + b, self->u.s.len - b);
		return 0;
	}
	if ((rc = ev_items(r, self, off, &items, &n)))
		return rc;
	*out = n ? items[n - 1] : ev_undef(r, off, "no last item, "
					   "sequence was empty");
	return 0;
}

/* The items of self mapped through the attribute argument (or not). */
static int mapped_items(struct evaluator *r, struct value *self,
			struct value *attribute, size_t off,
			struct value ***items, size_t *n)
{
	struct value_str path;
	struct value **mapped;
	size_t i;
	int rc;

	if ((rc = ev_items(r, self, off, items, n)))
		return rc;
	if (!attribute || attribute->kind == VALUE_NONE)
		return 0;
	if ((rc = attr_arg(r, attribute, off, &path)))
		return rc;
	mapped = arena_alloc(r->a, (*n + 1) * sizeof(*mapped));
	for (i = 0; i < *n; i++)
		if ((rc = attr_get(r, (*items)[i], &path, NULL, off,
				   &mapped[i])))
			return rc;
	*items = mapped;
	return 0;
}

TPL_FN(f_join)
{
	struct value_str sep = { "", 0 }, s;
	struct value **items;
	struct strbuf sb;
	size_t n, i;
	int rc;

	if ((rc = mapped_items(r, self, argv[1], off, &items, &n)) ||
	    (argv[0] && (rc = ev_str(r, argv[0], off, &sep))))
		return rc;
	sb_start(&sb);
	for (i = 0; i < n; i++) {
		if ((rc = ev_str(r, items[i], off, &s)) ||
		    (rc = ev_charge(r, s.len + sep.len, off))) {
			strbuf_release(&sb);
			return rc;
		}
		if (i)
			strbuf_add(&sb, sep.ptr, sep.len);
		strbuf_add(&sb, s.ptr, s.len);
	}
	return ev_take(r, &sb, off, out);
}

/* The comma-separated attribute list of sort(), or NULL. */
static int attrs_arg(struct evaluator *r, struct value *v, size_t off,
		     struct value_str *path, const struct value_str **out)
{
	int rc;

	*out = NULL;
	if (!v || v->kind == VALUE_NONE)
		return 0;
	if ((rc = attr_arg(r, v, off, path)))
		return rc;
	*out = path;
	return 0;
}

TPL_FN(f_sort)
{
	const struct value_str *attrs;
	struct value **items, **keys;
	struct value_str path;
	size_t n, i;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)) ||
	    (rc = attrs_arg(r, argv[2], off, &path, &attrs)))
		return rc;
	keys = arena_alloc(r->a, (n + 1) * sizeof(*keys));
	for (i = 0; i < n; i++)
		if ((rc = sort_key(r, items[i], attrs, opt_bool(argv[1]), off,
				   &keys[i])))
			return rc;
	return sort_items(r, items, keys, n, opt_bool(argv[0]), off, out);
}

TPL_FN(f_dictsort)
{
	struct value_str by = { "key", 3 };
	struct value **items, **keys;
	struct value *pair;
	size_t n, i;
	bool by_value;
	int rc;

	if (self->kind != VALUE_DICT)
		return ev_fail(r, off, "dictsort: expected a dict, got "
			       "'%s'", value_type_name(self));
	if (argv[1] && (rc = ev_str(r, argv[1], off, &by)))
		return rc;
	by_value = by.len == 5 && !memcmp(by.ptr, "value", 5);
	if (!by_value && (by.len != 3 || memcmp(by.ptr, "key", 3)))
		return ev_fail(r, off, "you can only sort by either "
			       "\"key\" or \"value\"");
	n = self->u.dict.len;
	items = arena_alloc(r->a, (n + 1) * sizeof(*items));
	keys = arena_alloc(r->a, (n + 1) * sizeof(*keys));
	for (i = 0; i < n; i++) {
		const struct value_pair *p = &self->u.dict.items[i];

		pair = value_tuple(r->a, 2);
		value_list_push(r->a, pair, str_borrow(r, p->key.ptr,
						       p->key.len));
		value_list_push(r->a, pair, p->val);
		items[i] = pair;
		keys[i] = pair->u.list.items[by_value];
		if (!opt_bool(argv[0]) &&
		    (rc = fold_case(r, keys[i], off, &keys[i])))
			return rc;
	}
	return sort_items(r, items, keys, n, opt_bool(argv[2]), off, out);
}

TPL_FN(f_items)
{
	struct value *list, *pair;
	size_t i;

	if (self->kind == VALUE_UNDEFINED) {
		*out = value_list(r->a, 0);
		return 0;
	}
	if (self->kind != VALUE_DICT)
		return ev_fail(r, off, "can only get item pairs from a "
			       "mapping");
	list = value_list(r->a, self->u.dict.len);
	for (i = 0; i < self->u.dict.len; i++) {
		pair = value_tuple(r->a, 2);
		value_list_push(r->a, pair,
				str_borrow(r, self->u.dict.items[i].key.ptr,
					   self->u.dict.items[i].key.len));
		value_list_push(r->a, pair, self->u.dict.items[i].val);
		value_list_push(r->a, list, pair);
	}
	*out = list;
	return 0;
}

TPL_FN(f_reverse)
{
	struct value **items;
	struct value *list;
	struct strbuf sb;
	size_t n, i;
	int rc;

	if (self->kind == VALUE_STRING) {
		if ((rc = ev_items(r, self, off, &items, &n)))
			return rc;
		sb_start(&sb);
		while (n--)
			strbuf_add(&sb, items[n]->u.s.ptr, items[n]->u.s.len);
		return ev_take(r, &sb, off, out);
	}
	if (self->kind != VALUE_LIST && self->kind != VALUE_DICT)
		return ev_fail(r, off, "argument must be iterable");
	if ((rc = ev_items(r, self, off, &items, &n)))
		return rc;
	list = value_list(r->a, n);
	for (i = n; i-- > 0;)
		value_list_push(r->a, list, items[i]);
	*out = list;
	return 0;
}

/* ---- hashing for unique() ------------------------------------------------ */

/* A hash consistent with value_equal, or an error for unhashable kinds. */
static int value_hash(struct evaluator *r, const struct value *v, size_t off,
		      uint64_t *h)
{
	uint64_t x = 1469598103934665603ULL, sub;
	size_t i;
	int rc;

	switch (v->kind) {
	case VALUE_STRING:
		for (i = 0; i < v->u.s.len; i++)
			x = (x ^ (unsigned char)v->u.s.ptr[i]) *
			    1099511628211ULL;
		break;
	case VALUE_INT:
	case VALUE_BOOL:
		x = (uint64_t)(v->kind == VALUE_INT ? v->u.i : v->u.b);
		break;
	case VALUE_FLOAT:
		if (v->u.f == floor(v->u.f) && fabs(v->u.f) < 9.2e18)
			x = (uint64_t)(long long)v->u.f;
		else
			memcpy(&x, &v->u.f, sizeof(x));
		break;
	case VALUE_LIST:
		if (!v->u.list.tuple)
			goto unhashable;
		for (i = 0; i < v->u.list.len; i++) {
			if ((rc = value_hash(r, v->u.list.items[i], off, &sub)))
				return rc;
			x = (x ^ sub) * 1099511628211ULL;
		}
		break;
	case VALUE_DICT:
		goto unhashable;
	case VALUE_UNDEFINED:
		return ev_defined(r, v, off);
	default:
		x = 0;
		break;
	}
	*h = x * 0x9E3779B97F4A7C15ULL;
	return 0;
unhashable:
	return ev_fail(r, off, "unhashable type: '%s'",
		       value_type_name(v));
}

TPL_FN(f_unique)
{
	struct value **items, **seen, *list, *key;
	const struct value_str *attrs;
	struct value_str path;
	size_t n, i, size = 16, slot;
	uint64_t h;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)) ||
	    (rc = attrs_arg(r, argv[1], off, &path, &attrs)))
		return rc;
	while (size < 2 * n)
		size *= 2;
	seen = arena_zalloc(r->a, size * sizeof(*seen));
	list = value_list(r->a, n);
	for (i = 0; i < n; i++) {
		if ((rc = sort_key(r, items[i], attrs, opt_bool(argv[0]), off,
				   &key)) ||
		    (rc = value_hash(r, key, off, &h)))
			return rc;
		for (slot = h & (size - 1); seen[slot] &&
		     !value_equal(seen[slot], key); slot = (slot + 1) &
		     (size - 1))
			;
		if (seen[slot])
			continue;
		seen[slot] = key;
		value_list_push(r->a, list, items[i]);
	}
	*out = list;
	return 0;
}

/* ---- min, max, sum, batch, attr ------------------------------------------ */

static int min_or_max(struct evaluator *r, size_t off, struct value *self,
		      struct value **argv, bool max, struct value **out)
{
	const struct value_str *attrs;
	struct value **items, *best_key = NULL, *key;
	struct value_str path;
	size_t n, i, best = 0;
	bool better;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)) ||
	    (rc = attrs_arg(r, argv[1], off, &path, &attrs)))
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = sort_key(r, items[i], attrs, opt_bool(argv[0]), off,
				   &key)))
			return rc;
		if (best_key && (rc = ev_order(r, max ? TOK_GT : TOK_LT,
						    key, best_key, off,
						    &better)))
			return rc;
		if (!best_key || better) {
			best_key = key;
			best = i;
		}
	}
	*out = n ? items[best] : ev_undef(r, off, "no aggregated item, "
					  "sequence was empty");
	return 0;
}

TPL_FN(f_min)
{
	return min_or_max(r, off, self, argv, false, out);
}

TPL_FN(f_max)
{
	return min_or_max(r, off, self, argv, true, out);
}

TPL_FN(f_sum)
{
	struct value **items, *total;
	size_t n, i;
	int rc;

	if ((rc = mapped_items(r, self, argv[0], off, &items, &n)))
		return rc;
	total = argv[1] ? argv[1] : value_int(r->a, 0);
	for (i = 0; i < n; i++)
		if ((rc = ev_arith(r, TOK_ADD, total, items[i], off,
				   &total)))
			return rc;
	*out = total;
	return 0;
}

TPL_FN(f_batch)
{
	struct value **items, *list = NULL, *row = NULL;
	long long size;
	size_t n, i;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)) ||
	    (rc = need_int(r, argv[0], off, &size)))
		return rc;
	if (size <= 0)
		return ev_fail(r, off, "batch size must be positive");
	if (argv[1] && n && size > TPL_MAX_ITEMS)	/* the fill */
		return ev_fail(r, off, "list exceeds %d items",
			       TPL_MAX_ITEMS);
	list = value_list(r->a, n / (size_t)size + 1);
	for (i = 0; i < n; i++) {
		if (i % (size_t)size == 0) {
			row = value_list(r->a, (size_t)size < n - i ?
					 (size_t)size : n - i);
			value_list_push(r->a, list, row);
		}
		value_list_push(r->a, row, items[i]);
	}
	if (row && argv[1])
		while (row->u.list.len < (size_t)size)
			value_list_push(r->a, row, argv[1]);
	*out = list;
	return 0;
}

TPL_FN(f_attr)
{
	struct value_str name;
	int rc;

	if ((rc = ev_str(r, argv[0], off, &name)))
		return rc;
	if (self->kind == VALUE_DICT) {
		*out = ev_undef(r, off, arena_printf(r->a,
				    "'dict object' has no attribute '%.*s'",
				    (int)name.len, name.ptr));
		return 0;
	}
	return ev_getattr(r, self, name.ptr, name.len, off, out);
}

/* ---- map, select, reject ------------------------------------------------- */

/* args without its first skip positional arguments. */
static struct tpl_args args_shift(const struct tpl_args *args, size_t skip)
{
	struct tpl_args rest = *args;

	rest.pos += skip;
	rest.npos -= skip;
	return rest;
}

/* The name argument of map/select: a string. */
static int name_arg(struct evaluator *r, const struct tpl_args *args, size_t i,
		    size_t off, const char **name)
{
	struct value_str s;
	int rc;

	if (args->npos <= i)
		return ev_fail(r, off, "missing the name of a filter or "
			       "test");
	if ((rc = ev_str(r, args->pos[i], off, &s)))
		return rc;
	*name = arena_strndup(r->a, s.ptr, s.len);
	return 0;
}

/* The keyword argument name of args, or NULL. */
static struct value *kwarg(const struct tpl_args *args, const char *name)
{
	size_t i;

	for (i = 0; i < args->nkw; i++)
		if (!strcmp(args->kwnames[i], name))
			return args->kw[i];
	return NULL;
}

TPL_FN(f_map)
{
	struct value **items, *list, *v, *attr = kwarg(args, "attribute");
	struct tpl_args rest;
	struct value_str path;
	const char *name;
	size_t n, i;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)))
		return rc;
	list = value_list(r->a, n);
	if (!args->npos && attr) {
		if ((rc = attr_arg(r, attr, off, &path)))
			return rc;
		for (i = 0; i < n && !rc; i++)
			if (!(rc = attr_get(r, items[i], &path,
					    kwarg(args, "default"), off, &v)))
				value_list_push(r->a, list, v);
		*out = list;
		return rc;
	}
	if ((rc = name_arg(r, args, 0, off, &name)))
		return rc;
	rest = args_shift(args, 1);
	for (i = 0; i < n && !rc; i++)
		if (!(rc = ev_call_named(r, false, name, items[i], &rest,
					 off, &v)))
			value_list_push(r->a, list, v);
	*out = list;
	return rc;
}

/* select, reject, selectattr and rejectattr. */
static int select_items(struct evaluator *r, size_t off, struct value *self,
			const struct tpl_args *args, bool attr, bool keep,
			struct value **out)
{
	struct value **items, *list, *v, *res;
	const char *name = NULL;
	struct tpl_args rest;
	struct value_str path;
	size_t n, i, skip = attr;
	bool yes;
	int rc;

	if ((rc = ev_items(r, self, off, &items, &n)))
		return rc;
	if (attr && (args->npos < 1 ||
		     (rc = attr_arg(r, args->pos[0], off, &path))))
		return rc ? rc : ev_fail(r, off, "missing parameter for "
					 "attribute name");
	if (args->npos > skip && (rc = name_arg(r, args, skip, off, &name)))
		return rc;
	rest = args_shift(args, args->npos > skip ? skip + 1 : skip);
	list = value_list(r->a, n);
	for (i = 0; i < n; i++) {
		v = items[i];
		if ((attr && (rc = attr_get(r, v, &path, NULL, off, &v))) ||
		    (name && (rc = ev_call_named(r, true, name, v, &rest,
						 off, &res))) ||
		    (rc = ev_truthy(r, name ? res : v, off, &yes)))
			return rc;
		if (yes == keep)
			value_list_push(r->a, list, items[i]);
	}
	*out = list;
	return 0;
}

TPL_FN(f_select)
{
	return select_items(r, off, self, args, false, true, out);
}

TPL_FN(f_reject)
{
	return select_items(r, off, self, args, false, false, out);
}

TPL_FN(f_selectattr)
{
	return select_items(r, off, self, args, true, true, out);
}

TPL_FN(f_rejectattr)
{
	return select_items(r, off, self, args, true, false, out);
}

/* ---- JSON ---------------------------------------------------------------- */

struct json {
	struct evaluator *r;
	struct strbuf sb;
	struct value_str indent;	/* ptr NULL: no indentation */
	bool html;			/* escape < > & ' as tojson does */
	size_t off;
};

/* Append a JSON string as Python's json.dumps(ensure_ascii=True). */
static void json_string(struct json *j, const struct value_str *s)
{
	size_t i = 0;
	uint32_t cp;

	strbuf_addch(&j->sb, '"');
	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (cp == '"' || cp == '\\')
			strbuf_addf(&j->sb, "\\%c", (char)cp);
		else if (cp == '\n')
			strbuf_adds(&j->sb, "\\n");
		else if (cp == '\r')
			strbuf_adds(&j->sb, "\\r");
		else if (cp == '\t')
			strbuf_adds(&j->sb, "\\t");
		else if (cp == '\b')
			strbuf_adds(&j->sb, "\\b");
		else if (cp == '\f')
			strbuf_adds(&j->sb, "\\f");
		else if (j->html && cp < 0x80 && in_set("<>&'", (int)cp))
			strbuf_addf(&j->sb, "\\u%04x", (unsigned)cp);
		else if (cp >= 0x20 && cp < 0x7F)
			strbuf_addch(&j->sb, (int)cp);
		else if (cp < 0x10000)
			strbuf_addf(&j->sb, "\\u%04x", (unsigned)cp);
		else
			strbuf_addf(&j->sb, "\\u%04x\\u%04x",
				    (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
				    (unsigned)(0xDC00 + ((cp - 0x10000) &
							 0x3FF)));
	}
	strbuf_addch(&j->sb, '"');
}

/* A newline and indentation for nesting level, when indenting. */
static void json_newline(struct json *j, unsigned level)
{
	if (!j->indent.ptr)
		return;
	strbuf_addch(&j->sb, '\n');
	while (level--)
		strbuf_add(&j->sb, j->indent.ptr, j->indent.len);
}

static int json_value(struct json *j, const struct value *v,
		      unsigned level);

static int json_list(struct json *j, const struct value *v, unsigned level)
{
	size_t i;
	int rc;

	if (!v->u.list.len) {
		strbuf_adds(&j->sb, "[]");
		return 0;
	}
	strbuf_addch(&j->sb, '[');
	for (i = 0; i < v->u.list.len; i++) {
		if (i)
			strbuf_adds(&j->sb, j->indent.ptr ? "," : ", ");
		json_newline(j, level + 1);
		if ((rc = json_value(j, v->u.list.items[i], level + 1)))
			return rc;
	}
	json_newline(j, level);
	strbuf_addch(&j->sb, ']');
	return 0;
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct value_pair *x = *(const struct value_pair *const *)a;
	const struct value_pair *y = *(const struct value_pair *const *)b;
	size_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
	int c = n ? memcmp(x->key.ptr, y->key.ptr, n) : 0;

	if (c)
		return c;
	return x->key.len < y->key.len ? -1 : x->key.len > y->key.len;
}

/* A dict with sorted keys (json.dumps sort_keys=True). */
static int json_dict(struct json *j, const struct value *v, unsigned level)
{
	size_t n = v->u.dict.len, i;
	const struct value_pair **pairs;
	int rc = 0;

	if (!n) {
		strbuf_adds(&j->sb, "{}");
		return 0;
	}
	pairs = xmalloc(n * sizeof(*pairs));
	for (i = 0; i < n; i++)
		pairs[i] = &v->u.dict.items[i];
	qsort(pairs, n, sizeof(*pairs), cmp_pairs);
	strbuf_addch(&j->sb, '{');
	for (i = 0; i < n && !rc; i++) {
		if (i)
			strbuf_adds(&j->sb, j->indent.ptr ? "," : ", ");
		json_newline(j, level + 1);
		json_string(j, &pairs[i]->key);
		strbuf_adds(&j->sb, ": ");
		rc = json_value(j, pairs[i]->val, level + 1);
	}
	free(pairs);
	json_newline(j, level);
	strbuf_addch(&j->sb, '}');
	return rc;
}

static int json_value(struct json *j, const struct value *v, unsigned level)
{
	if (level > TPL_MAX_VALUE_DEPTH)
		return ev_fail(j->r, j->off, "value nests too deeply for "
			       "JSON");
	if (j->sb.overflow)
		return 0;
	switch (v->kind) {
	case VALUE_NONE:
		strbuf_adds(&j->sb, "null");
		return 0;
	case VALUE_BOOL:
		strbuf_adds(&j->sb, v->u.b ? "true" : "false");
		return 0;
	case VALUE_INT:
		strbuf_addf(&j->sb, "%lld", v->u.i);
		return 0;
	case VALUE_FLOAT:
		if (isnan(v->u.f) || isinf(v->u.f))
			strbuf_adds(&j->sb, isnan(v->u.f) ? "NaN" :
				    v->u.f < 0 ? "-Infinity" : "Infinity");
		else
			value_format_float(&j->sb, v->u.f);
		return 0;
	case VALUE_STRING:
		json_string(j, &v->u.s);
		return 0;
	case VALUE_LIST:
		return json_list(j, v, level);
	case VALUE_DICT:
		return json_dict(j, v, level);
	case VALUE_UNDEFINED:
		return ev_undef_error(j->r, v, j->off);
	default:
		return ev_fail(j->r, j->off, "object of type %s is not "
			       "JSON serializable", value_type_name(v));
	}
}

/* json.dumps(self, sort_keys=True, indent=indent). */
static int json_dump(struct evaluator *r, size_t off, struct value *self,
		     struct value *indent, bool html, struct value **out)
{
	struct json j = { r, STRBUF_INIT, { NULL, 0 }, html, off };
	long long n;
	char *sp;
	int rc;

	if (indent && indent->kind == VALUE_STRING) {
		j.indent = indent->u.s;
	} else if (indent && indent->kind != VALUE_NONE) {
		if ((rc = need_int(r, indent, off, &n)))
			return rc;
		n = n < 0 ? 0 : n > 1024 ? 1024 : n;
		sp = arena_alloc(r->a, (size_t)n + 1);
		memset(sp, ' ', (size_t)n);
		j.indent.ptr = sp;
		j.indent.len = (size_t)n;
	}
	sb_start(&j.sb);
	if ((rc = json_value(&j, self, 0))) {
		strbuf_release(&j.sb);
		return rc;
	}
	return ev_take(r, &j.sb, off, out);
}

TPL_FN(f_tojson)
{
	return json_dump(r, off, self, argv[0], true, out);
}

/* cookiecutter's jsonify: json.dumps(obj, sort_keys=True, indent=4). */
TPL_FN(f_jsonify)
{
	struct value four = { .kind = VALUE_INT, .u.i = 4 };

	return json_dump(r, off, self, argv[0] ? argv[0] : &four, false, out);
}

/* ---- slugify ------------------------------------------------------------- */

/*
 * unidecode's ASCII for U+00A0..U+017F (Latin-1 and Latin Extended-A),
 * which python-slugify applies first.  Other non-ASCII characters are
 * dropped, so Greek, Cyrillic or CJK text does not transliterate.
 */
static const char *const slug_latin[] = {
	" ", "!", "C/", "PS", "$?", "Y=", "|", "SS", "\"", "(c)", "a", "<<",
	"!", "", "(r)", "-", "deg", "+-", "2", "3", "'", "u", "P", "*", ",",
	"1", "o", ">>", " 1/4", " 1/2", " 3/4", "?", "A", "A", "A", "A", "A",
	"A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I", "D", "N",
	"O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "Th",
	"ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "/", "o", "u",
	"u", "u", "u", "y", "th", "y", "A", "a", "A", "a", "A", "a", "C",
	"c", "C", "c", "C", "c", "C", "c", "D", "d", "D", "d", "E", "e", "E",
	"e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g", "G", "g", "G",
	"g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i", "I",
	"i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L",
	"l", "L", "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "ng",
	"NG", "O", "o", "O", "o", "O", "o", "OE", "oe", "R", "r", "R", "r",
	"R", "r", "S", "s", "S", "s", "S", "s", "S", "s", "T", "t", "T", "t",
	"T", "t", "U", "u", "U", "u", "U", "u", "U", "u", "U", "u", "U", "u",
	"W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
};

/* Quotes to '-', then transliterate to ASCII. */
static void slug_ascii(struct strbuf *sb, const struct value_str *s)
{
	size_t i = 0;
	uint32_t cp;

	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (cp == '\'') {
			while (i < s->len && s->ptr[i] == '\'')
				i++;
			strbuf_addch(sb, '-');
		} else if (cp < 0x80) {
			strbuf_addch(sb, (int)cp);
		} else if (cp >= 0xA0 && cp <= 0x17F) {
			strbuf_adds(sb, slug_latin[cp - 0xA0]);
		}
	}
}

/* Parse the digits of a numeric character reference at p; 0 if none. */
static size_t slug_charref(const char *p, const char *end, uint32_t *cp,
			   bool *too_big)
{
	bool hex = p < end && *p == 'x';
	const char *q = p + hex;
	unsigned long v = 0;

	while (q < end && (hex ? digit_value((unsigned char)*q) < 16 :
			   uc_isdigit((unsigned char)*q))) {
		v = v * (hex ? 16 : 10) + (unsigned long)digit_value(
			(unsigned char)*q++);
		if (v > 0x10FFFF)
			v = 0x110000;
	}
	if (q == p + hex || q >= end || *q != ';')
		return 0;
	*too_big = *too_big || v > 0x10FFFF;
	*cp = (uint32_t)v;
	return (size_t)(q + 1 - p);
}

/*
 * Decode HTML character references (&amp; &lt; &gt; &quot; &nbsp; and
 * numeric ones).  Non-ASCII results become a space: a separator.
 */
static void slug_entities(struct strbuf *out, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} names[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "nbsp;", ' ' },
	};
	bool too_big[2] = { false, false };
	size_t i, k, len;
	uint32_t cp;

	for (i = 0; i + 2 < n; i++)	/* Python skips a pass on overflow */
		if (s[i] == '&' && s[i + 1] == '#')
			slug_charref(s + i + 2, s + n, &cp,
				     &too_big[s[i + 2] == 'x']);
	for (i = 0; i < n; i++) {
		if (s[i] != '&' || i + 1 >= n) {
			strbuf_addch(out, s[i]);
			continue;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			len = strlen(names[k].name);
			if (n - i - 1 >= len &&
			    !memcmp(s + i + 1, names[k].name, len))
				break;
		}
		if (k < sizeof(names) / sizeof(names[0])) {
			strbuf_addch(out, names[k].c);
			i += len;
		} else if (s[i + 1] == '#' &&
			   !too_big[i + 2 < n && s[i + 2] == 'x'] &&
			   (len = slug_charref(s + i + 2, s + n, &cp,
					       &too_big[0]))) {
			strbuf_addch(out, cp && cp < 0x80 ? (int)cp : ' ');
			i += len + 1;
		} else {
			strbuf_addch(out, '&');
		}
	}
}

/* Lower-case, drop quotes and commas between digits, '-' elsewhere. */
static void slug_clean(struct strbuf *out, const struct strbuf *in,
		       bool lowercase)
{
	struct strbuf t = STRBUF_INIT;
	size_t i;

	for (i = 0; i < in->len; i++) {
		int c = (unsigned char)in->buf[i];

		if (c != '\'')
			strbuf_addch(&t, lowercase && c >= 'A' && c <= 'Z' ?
				     c + 32 : c);
	}
	for (i = 0; i < t.len; i++) {
		int c = (unsigned char)t.buf[i];
		bool ok = (c >= 'a' && c <= 'z') || uc_isdigit(c) ||
			  (!lowercase && c >= 'A' && c <= 'Z');

		if (c == ',' && i && i + 1 < t.len &&
		    uc_isdigit((unsigned char)t.buf[i - 1]) &&
		    uc_isdigit((unsigned char)t.buf[i + 1]))
			continue;
		if (ok)
			strbuf_addch(out, c);
		else if (out->len && out->buf[out->len - 1] != '-')
			strbuf_addch(out, '-');
	}
	while (out->len && out->buf[out->len - 1] == '-')
		strbuf_setlen(out, out->len - 1);
	strbuf_release(&t);
}

/* True when word (n bytes) is one of the stopwords (a list). */
static bool slug_stopword(const struct value *stop, const char *word,
			  size_t n)
{
	size_t i;

	for (i = 0; stop && stop->kind == VALUE_LIST &&
	     i < stop->u.list.len; i++) {
		const struct value *w = stop->u.list.items[i];

		if (w->kind == VALUE_STRING && w->u.s.len == n &&
		    !strncasecmp(w->u.s.ptr, word, n))
			return true;
	}
	return false;
}

static void slug_drop_stopwords(struct strbuf *sb, const struct value *stop)
{
	struct strbuf t = STRBUF_INIT;
	size_t i = 0, j;

	while (i <= sb->len) {
		for (j = i; j < sb->len && sb->buf[j] != '-'; j++)
			;
		if (!slug_stopword(stop, sb->buf + i, j - i)) {
			if (t.len)
				strbuf_addch(&t, '-');
			strbuf_add(&t, sb->buf + i, j - i);
		}
		i = j + 1;
	}
	strbuf_reset(sb);
	strbuf_add(sb, t.buf, t.len);
	strbuf_release(&t);
}

/* python-slugify's smart_truncate with separator '-'. */
static void slug_truncate(struct strbuf *sb, size_t max, bool words,
			  bool save_order)
{
	struct strbuf t = STRBUF_INIT;
	size_t i = 0, j;

	if (!max || sb->len < max)
		return;
	if (!words || !memchr(sb->buf, '-', sb->len)) {
		strbuf_setlen(sb, max);
		while (!words && sb->len && sb->buf[sb->len - 1] == '-')
			strbuf_setlen(sb, sb->len - 1);
		return;
	}
	while (i <= sb->len) {
		for (j = i; j < sb->len && sb->buf[j] != '-'; j++)
			;
		if (j > i && t.len + j - i < max) {
			strbuf_add(&t, sb->buf + i, j - i);
			strbuf_addch(&t, '-');
		} else if (j > i && t.len + j - i == max) {
			strbuf_add(&t, sb->buf + i, j - i);
			break;
		} else if (j > i && save_order) {
			break;
		}
		i = j + 1;
	}
	if (!t.len)
		strbuf_add(&t, sb->buf, max);
	while (t.len && t.buf[t.len - 1] == '-')
		strbuf_setlen(&t, t.len - 1);
	strbuf_reset(sb);
	strbuf_add(sb, t.buf, t.len);
	strbuf_release(&t);
}

/* Apply replacements, a list of [old, new] pairs, to sb. */
static int slug_replace(struct evaluator *r, struct strbuf *sb,
			const struct value *pairs, size_t off)
{
	struct value_str s, old, new;
	struct value *v;
	size_t i;
	int rc;

	for (i = 0; pairs && pairs->kind == VALUE_LIST &&
	     i < pairs->u.list.len; i++) {
		const struct value *p = pairs->u.list.items[i];

		if (p->kind != VALUE_LIST || p->u.list.len != 2 ||
		    (rc = need_str(r, p->u.list.items[0], off, "slugify",
				   &old)) ||
		    (rc = need_str(r, p->u.list.items[1], off, "slugify",
				   &new)))
			return ev_fail(r, off, "slugify: replacements "
				       "must be [old, new] pairs");
		s.ptr = sb->buf;
		s.len = sb->len;
		if ((rc = str_replace(r, &s, &old, &new, -1, off, &v)))
			return rc;
		strbuf_reset(sb);
		strbuf_add(sb, v->u.s.ptr, v->u.s.len);
	}
	return 0;
}

/* The slug of s with separator '-', before truncation. */
static int slug_core(struct evaluator *r, const struct value_str *s,
		     struct value **kw, size_t off, struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	bool lower = !kw[5] || value_truthy(kw[5]);
	struct value_str t;
	int rc;

	strbuf_add(&a, s->ptr, s->len);
	if ((rc = slug_replace(r, &a, kw[6], off)))
		goto out;
	t.ptr = a.buf;
	t.len = a.len;
	slug_ascii(&b, &t);
	strbuf_reset(&a);
	slug_entities(&a, b.buf, b.len);
	slug_clean(out, &a, lower);
	if (kw[4])
		slug_drop_stopwords(out, kw[4]);
	rc = slug_replace(r, out, kw[6], off);
out:
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

/* cookiecutter's slugify: python-slugify with its keyword arguments. */
TPL_FN(f_slugify)
{
	static const char *const names[] = {
		"max_length", "word_boundary", "separator", "save_order",
		"stopwords", "lowercase", "replacements", "entities",
		"decimal", "hexadecimal", "regex_pattern",
	};
	struct value *kw[11] = { NULL };
	struct value_str s, sep = { "-", 1 }, res;
	long long max;
	struct strbuf sb;
	size_t i, k;
	int rc;

	for (i = 0; i < args->nkw; i++) {
		for (k = 0; k < 11 && strcmp(names[k], args->kwnames[i]); k++)
			;
		if (k >= 10)
			return ev_fail(r, off, "slugify: argument '%s' is "
				       "not supported", args->kwnames[i]);
		kw[k] = args->kw[i];
	}
	if (self->kind != VALUE_STRING)	/* python-slugify wants a str */
		return ev_defined(r, self, off) ? ERR_INPUT :
		       ev_fail(r, off, "slugify: expected a string, got "
			       "'%s'", value_type_name(self));
	if ((rc = self_str(r, self, off, &s)) ||
	    (rc = opt_int(r, kw[0], off, 0, &max)) ||
	    (kw[2] && (rc = ev_str(r, kw[2], off, &sep))))
		return rc;
	sb_start(&sb);
	if ((rc = slug_core(r, &s, kw, off, &sb))) {
		strbuf_release(&sb);
		return rc;
	}
	slug_truncate(&sb, max > 0 ? (size_t)max : 0, opt_bool(kw[1]),
		      opt_bool(kw[3]));
	res.ptr = sb.buf;
	res.len = sb.len;
	if (sep.len != 1 || sep.ptr[0] != '-') {
		struct value_str dash = { "-", 1 };

		rc = str_replace(r, &res, &dash, &sep, -1, off, out);
		strbuf_release(&sb);
		return rc;
	}
	return ev_take(r, &sb, off, out);
}

/* ---- printf-style and str.format() formatting ---------------------------- */

struct fmt_spec {
	uint32_t fill;
	char align;		/* '<', '>', '^', '=', or 0: default */
	char sign;		/* '+', ' ', '-', or 0 */
	bool alt;		/* '#' */
	bool zero;		/* '0' before the width */
	long long width;	/* -1 when absent */
	char group;		/* ',' or '_' or 0 */
	long long prec;		/* -1 when absent */
	char type;		/* conversion letter, or 0 */
};

static void fmt_spec_init(struct fmt_spec *f)
{
	memset(f, 0, sizeof(*f));
	f->fill = ' ';
	f->width = -1;
	f->prec = -1;
}

/* Append prefix and body padded to the spec's width. */
static void fmt_pad(struct strbuf *sb, const struct fmt_spec *f,
		    const char *prefix, const char *body, size_t blen,
		    char default_align)
{
	size_t plen = strlen(prefix);
	size_t len = plen + utf8_count(body, blen), pad = 0, left;
	char align = f->align ? f->align : default_align;
	uint32_t fill = f->fill;

	if (f->zero && !f->align && default_align == '>') {
		align = '=';
		fill = '0';
	}
	if (f->width > 0 && (size_t)f->width > len)
		pad = (size_t)f->width - len;
	if (pad > TPL_MAX_OUTPUT) {	/* too long: fail the caller's cap */
		sb->overflow = true;
		return;
	}
	left = align == '<' || align == '=' ? 0 : align == '^' ? pad / 2 :
	       pad;
	add_fill(sb, fill, left);
	strbuf_add(sb, prefix, plen);
	if (align == '=')
		add_fill(sb, fill, pad);
	strbuf_add(sb, body, blen);
	if (align == '<' || align == '^')
		add_fill(sb, fill, pad - left);
}

/* Insert the grouping character every `every` digits of digits[0, n). */
static void fmt_group(struct strbuf *out, const char *digits, size_t n,
		      char group, size_t every)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (group && i && (n - i) % every == 0)
			strbuf_addch(out, group);
		strbuf_addch(out, digits[i]);
	}
}

/* The sign prefix of a number that is negative or not. */
static const char *fmt_sign(const struct fmt_spec *f, bool neg)
{
	if (neg)
		return "-";
	return f->sign == '+' ? "+" : f->sign == ' ' ? " " : "";
}

/* Digits (most significant first) zero-filled to the precision, grouped,
 * with sign and base prefix, padded. */
static void fmt_digits(struct strbuf *sb, const char *digits, size_t n,
		       bool neg, unsigned base, const struct fmt_spec *f)
{
	struct strbuf body = STRBUF_INIT;
	struct strbuf zeros = STRBUF_INIT;
	char prefix[8];

	if (f->prec > TPL_MAX_OUTPUT) {
		sb->overflow = true;
		return;
	}
	if (f->prec > 0 && (size_t)f->prec > n)
		strbuf_addchars(&zeros, '0', (size_t)f->prec - n);
	strbuf_add(&zeros, digits, n);
	fmt_group(&body, zeros.buf, zeros.len, f->group, base == 10 ? 3 : 4);
	snprintf(prefix, sizeof(prefix), "%s%s", fmt_sign(f, neg),
		 !f->alt || base == 10 ? "" : base == 16 ?
		 (f->type == 'X' ? "0X" : "0x") : base == 8 ? "0o" : "0b");
	fmt_pad(sb, f, prefix, body.buf, body.len, '>');
	strbuf_release(&zeros);
	strbuf_release(&body);
}

static void fmt_int(struct strbuf *sb, long long v, const struct fmt_spec *f)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v :
			       (unsigned long long)v;
	unsigned base = f->type == 'x' || f->type == 'X' ? 16 :
			f->type == 'o' ? 8 : f->type == 'b' ? 2 : 10;
	const char *set = f->type == 'X' ? upper : lower;
	char digits[72];
	size_t n = sizeof(digits);

	do {
		digits[--n] = set[u % base];
		u /= base;
	} while (u);
	fmt_digits(sb, digits + n, sizeof(digits) - n, v < 0, 10 == base ?
		   10 : base, f);
}

/* %d of a finite float: Python's int(v), exact however large. */
static void fmt_float_int(struct strbuf *sb, double v,
			  const struct fmt_spec *f)
{
	char *digits = xasprintf("%.0f", fabs(trunc(v)));

	fmt_digits(sb, digits, strlen(digits), v <= -1.0, 10, f);
	free(digits);
}

static void fmt_float(struct strbuf *sb, double v, const struct fmt_spec *f)
{
	char type = f->type, cfmt[16], *buf, *dot;
	struct strbuf body = STRBUF_INIT;
	bool neg = signbit(v) && !isnan(v);
	long long prec = f->prec < 0 ? 6 : f->prec;
	size_t intlen;

	if (prec > TPL_MAX_OUTPUT) {	/* too long: fail the cap */
		sb->overflow = true;
		return;
	}
	v = fabs(v);
	if (type == '%')
		v *= 100;
	if (!type && f->prec < 0) {
		value_format_float(&body, v);
	} else {
		snprintf(cfmt, sizeof(cfmt), "%%%s.*%c", f->alt ? "#" : "",
			 !type || type == 'n' ? 'g' : type == '%' ? 'f' : type);
		buf = xasprintf(cfmt, (int)prec, v);
		intlen = strspn(buf, "0123456789");
		dot = buf + intlen;
		fmt_group(&body, buf, intlen, isfinite(v) ? f->group : 0, 3);
		strbuf_adds(&body, dot);
		if (!type && isfinite(v) && !strpbrk(buf, ".e"))
			strbuf_adds(&body, ".0");
		if (type == '%')
			strbuf_addch(&body, '%');
		free(buf);
	}
	fmt_pad(sb, f, fmt_sign(f, neg), body.buf, body.len, '>');
	strbuf_release(&body);
}

/* A string, truncated to the precision and padded. */
static void fmt_str(struct strbuf *sb, const struct value_str *s,
		    const struct fmt_spec *f, char default_align)
{
	size_t n = s->len;

	if (f->prec >= 0)
		n = utf8_offset(s->ptr, s->len, (size_t)f->prec);
	fmt_pad(sb, f, "", s->ptr, n, default_align);
}

/* Parse a run of digits at *p as a number, saturating past INT_MAX. */
static long long fmt_number(const char **p, const char *end)
{
	long long v = 0;

	while (*p < end && uc_isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		if (v > INT_MAX)
			v = (long long)INT_MAX + 1;
		(*p)++;
	}
	return v;
}

/* Parse a format spec of str.format() into f. */
static int fmt_parse_spec(struct evaluator *r, const char *p, const char *end,
			  size_t off, struct fmt_spec *f)
{
	uint32_t cp;
	size_t n;

	fmt_spec_init(f);
	if (p < end) {
		n = utf8_next(p, (size_t)(end - p), &cp);
		if (p + n < end && in_set("<>=^", p[n])) {
			f->fill = cp;
			f->align = p[n];
			p += n + 1;
		} else if (in_set("<>=^", *p)) {
			f->align = *p++;
		}
	}
	if (p < end && in_set("+- ", *p))
		f->sign = *p++;
	if (p < end && *p == '#' && ++p)
		f->alt = true;
	if (p < end && *p == '0' && ++p)
		f->zero = true;
	if (p < end && uc_isdigit((unsigned char)*p))
		f->width = fmt_number(&p, end);
	if (p < end && (*p == ',' || *p == '_'))
		f->group = *p++;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !uc_isdigit((unsigned char)*p))
			return ev_fail(r, off, "format specifier missing "
				       "precision");
		f->prec = fmt_number(&p, end);
	}
	if (f->width > INT_MAX || f->prec > INT_MAX)
		return ev_fail(r, off, "%s too big", f->prec > INT_MAX ?
			       "precision" : "width");
	if (p < end)
		f->type = *p++;
	if (p < end || (f->type && !in_set("bcdeEfFgGnosxX%", f->type)))
		return ev_fail(r, off, "invalid format specifier");
	return 0;
}

/* format(v, spec) for the value kinds we have. */
static int fmt_value(struct evaluator *r, struct strbuf *sb, struct value *v,
		     const char *spec, const char *end, size_t off)
{
	struct fmt_spec f;
	struct value_str s;
	int rc;

	if ((rc = ev_defined(r, v, off)) ||
	    (rc = fmt_parse_spec(r, spec, end, off, &f)))
		return rc;
	if (v->kind == VALUE_BOOL && spec == end)
		v = str_borrow(r, v->u.b ? "True" : "False", v->u.b ? 4 : 5);
	switch (v->kind) {
	case VALUE_INT:
	case VALUE_BOOL:
		if (in_set("eEfFgG%", f.type)) {
			fmt_float(sb, (double)(v->kind == VALUE_INT ? v->u.i :
					       v->u.b), &f);
			return 0;
		}
		if (f.type == 'c' || f.type == 's' || f.prec >= 0)
			break;
		fmt_int(sb, v->kind == VALUE_INT ? v->u.i : v->u.b, &f);
		return 0;
	case VALUE_FLOAT:
		if (f.type && !in_set("eEfFgGn%", f.type))
			break;
		fmt_float(sb, v->u.f, &f);
		return 0;
	case VALUE_STRING:
		if ((f.type && f.type != 's') || f.align == '=' || f.sign)
			break;
		fmt_str(sb, &v->u.s, &f, '<');
		return 0;
	default:
		if (spec != end)
			return ev_fail(r, off, "unsupported format string "
				       "passed to %s.__format__",
				       value_type_name(v));
		if ((rc = ev_str(r, v, off, &s)))
			return rc;
		strbuf_add(sb, s.ptr, s.len);
		return 0;
	}
	return ev_fail(r, off, "invalid format specifier for a '%s'",
		       value_type_name(v));
}

/* The next positional argument of a % format, or an error. */
static int pct_next(struct evaluator *r, struct value **items, size_t n,
		    size_t *used, size_t off, struct value **out)
{
	*out = NULL;
	if (*used >= n)
		return ev_fail(r, off, "not enough arguments for format "
			       "string");
	*out = items[(*used)++];
	return 0;
}

/* One conversion of a % format, with its flags already in f. */
static int pct_convert(struct evaluator *r, struct strbuf *sb, char conv,
		       struct value *v, struct fmt_spec *f, size_t off)
{
	struct strbuf tmp = STRBUF_INIT;
	struct value_str s;
	int rc = 0;

	if ((rc = ev_defined(r, v, off)))
		return rc;
	f->type = conv == 'i' || conv == 'u' ? 'd' : conv;
	if (in_set("sra", conv)) {
		if (conv == 's') {
			rc = ev_str(r, v, off, &s);
		} else {
			value_repr(&tmp, v);
			s.ptr = tmp.buf;
			s.len = tmp.len;
		}
		if (!rc)
			fmt_str(sb, &s, f, '>');
	} else if (in_set("dxXoiu", conv)) {
		if (v->kind == VALUE_FLOAT && f->type == 'd' &&
		    !isfinite(v->u.f))
			rc = ev_fail(r, off, "cannot convert float %s to "
				     "integer", isnan(v->u.f) ? "NaN" :
				     "infinity");
		else if (v->kind == VALUE_FLOAT && f->type == 'd')
			fmt_float_int(sb, v->u.f, f);
		else if (v->kind == VALUE_INT || v->kind == VALUE_BOOL)
			fmt_int(sb, v->kind == VALUE_INT ? v->u.i : v->u.b, f);
		else
			rc = ev_fail(r, off, "%%%c format: %s is required, "
				     "not %s", conv, f->type == 'd' ?
				     "a real number" : "an integer",
				     value_type_name(v));
	} else if (v->kind == VALUE_FLOAT || v->kind == VALUE_INT ||
		   v->kind == VALUE_BOOL) {
		fmt_float(sb, v->kind == VALUE_FLOAT ? v->u.f :
			  (double)(v->kind == VALUE_INT ? v->u.i : v->u.b), f);
	} else {
		rc = ev_fail(r, off, "must be real number, not %s",
			     value_type_name(v));
	}
	strbuf_release(&tmp);
	return rc;
}

/* Parse the flags, width and precision of a % conversion at *p. */
static int pct_spec(struct evaluator *r, const char **p, const char *end,
		    struct value **items, size_t n, size_t *used, size_t off,
		    struct fmt_spec *f)
{
	struct value *v;
	long long w;
	int rc;

	fmt_spec_init(f);
	for (; *p < end && in_set("-+ #0", **p); (*p)++) {
		if (**p == '-')
			f->align = '<';
		else if (**p == '0')
			f->zero = true;
		else if (**p == '#')
			f->alt = true;
		else if (f->sign != '+')
			f->sign = **p;
	}
	if (*p < end && **p == '*') {
		(*p)++;
		if ((rc = pct_next(r, items, n, used, off, &v)) ||
		    (rc = need_int(r, v, off, &w)))
			return rc;
		if (w < 0) {
			f->align = '<';
			w = w == LLONG_MIN ? LLONG_MAX : -w;
		}
		f->width = w;
	} else if (*p < end && uc_isdigit((unsigned char)**p)) {
		f->width = fmt_number(p, end);
	}
	if (*p < end && **p == '.') {
		(*p)++;
		if (*p < end && **p == '*') {
			(*p)++;
			if ((rc = pct_next(r, items, n, used, off, &v)) ||
			    (rc = need_int(r, v, off, &f->prec)))
				return rc;
			if (f->prec < 0)	/* Python reads it as 0 */
				f->prec = 0;
		} else {
			f->prec = fmt_number(p, end);
		}
	}
	if (f->width > INT_MAX || f->prec > INT_MAX)
		return ev_fail(r, off, "%s too big", f->prec > INT_MAX ?
			       "precision" : "width");
	while (*p < end && in_set("hlL", **p))
		(*p)++;
	return 0;
}

/* A %(name) key: the mapping's value. */
static int pct_key(struct evaluator *r, const char **p, const char *end,
		   const struct value *args, size_t off, struct value **out)
{
	const char *start = ++*p;
	int depth = 1;

	while (*p < end && depth) {
		depth += **p == '(' ? 1 : **p == ')' ? -1 : 0;
		(*p)++;
	}
	if (depth)
		return ev_fail(r, off, "incomplete format key");
	if (args->kind != VALUE_DICT)
		return ev_fail(r, off, "format requires a mapping");
	*out = value_dict_getn(args, start, (size_t)(*p - 1 - start));
	if (!*out)
		return ev_fail(r, off, "key '%.*s' is not in the mapping",
			       (int)(*p - 1 - start), start);
	return 0;
}

/* One %-directive at *p (just after '%'). */
static int pct_directive(struct evaluator *r, struct strbuf *sb, const char **p,
			 const char *end, const struct value *args,
			 struct value **items, size_t n, size_t *used,
			 size_t off, const char *start)
{
	struct value *v = NULL;
	struct fmt_spec f;
	char conv;
	int rc;

	if (*p < end && **p == '(' &&
	    (rc = pct_key(r, p, end, args, off, &v)))
		return rc;
	if ((rc = pct_spec(r, p, end, items, n, used, off, &f)))
		return rc;
	if (*p >= end)
		return ev_fail(r, off, "incomplete format");
	conv = *(*p)++;
	if (conv == '%') {
		strbuf_addch(sb, '%');
		return 0;
	}
	if (!in_set("sradiuoxXeEfFgGc", conv))
		return ev_fail(r, off, "unsupported format character "
			       "'%c' (0x%x) at index %zu", conv,
			       (unsigned char)conv,
			       (size_t)(*p - 1 - start));
	if (!v && (rc = pct_next(r, items, n, used, off, &v)))
		return rc;
	if (conv == 'c')
		return ev_fail(r, off, "%%c format is not supported");
	return pct_convert(r, sb, conv, v, &f, off);
}

int tpl_format_percent(struct evaluator *r, const struct value *fmt,
		       const struct value *args, size_t off,
		       struct value **out)
{
	const char *p = fmt->u.s.ptr, *end = p + fmt->u.s.len, *pct;
	struct value *single = (struct value *)args, **items = &single;
	bool tuple = args->kind == VALUE_LIST && args->u.list.tuple;
	size_t n = 1, used = 0;
	struct strbuf sb;
	int rc;

	if (tuple) {
		items = args->u.list.items;
		n = args->u.list.len;
	}
	sb_start(&sb);
	while (p < end) {
		if (!(pct = memchr(p, '%', (size_t)(end - p))))
			pct = end;
		strbuf_add(&sb, p, (size_t)(pct - p));
		if ((p = pct) >= end)
			break;
		p++;
		if ((rc = pct_directive(r, &sb, &p, end, args, items, n, &used,
					off, fmt->u.s.ptr)))
			goto fail;
	}
	if (used < n && (tuple || (args->kind != VALUE_DICT &&
				   args->kind != VALUE_LIST))) {
		rc = ev_fail(r, off, "not all arguments converted during "
			     "string formatting");
		goto fail;
	}
	return ev_take(r, &sb, off, out);
fail:
	strbuf_release(&sb);
	return rc;
}

/* The positional argument i of str.format(), or an error. */
static int field_positional(struct evaluator *r, const struct tpl_args *args,
			    size_t i, size_t off, struct value **out)
{
	if (i >= args->npos)
		return ev_fail(r, off, "replacement index %zu out of "
			       "range for positional args tuple", i);
	*out = args->pos[i];
	return 0;
}

/* The argument a field names: "" (automatic), "0" or "name". */
static int field_arg(struct evaluator *r, const char *p, const char *q,
		     const struct tpl_args *args, size_t *auto_idx,
		     size_t off, struct value **out)
{
	size_t i;

	if (q == p && *auto_idx == (size_t)-1)
		return ev_fail(r, off, "cannot switch from manual field "
			       "specification to automatic field "
			       "numbering");
	if (q == p)
		return field_positional(r, args, (*auto_idx)++, off, out);
	if (uc_isdigit((unsigned char)*p)) {
		if (*auto_idx && *auto_idx != (size_t)-1)
			return ev_fail(r, off, "cannot switch from "
				       "automatic field numbering to "
				       "manual field specification");
		*auto_idx = (size_t)-1;
		return field_positional(r, args, strtoul(p, NULL, 10), off,
					out);
	}
	for (i = 0; i < args->nkw; i++)
		if (strlen(args->kwnames[i]) == (size_t)(q - p) &&
		    !memcmp(args->kwnames[i], p, (size_t)(q - p))) {
			*out = args->kw[i];
			return 0;
		}
	return ev_fail(r, off, "no argument named '%.*s'", (int)(q - p),
		       p);
}

/* The value of a str.format() field name such as 0, name, a.b or a[0]. */
static int field_value(struct evaluator *r, const char *p, const char *end,
		       const struct tpl_args *args, size_t *auto_idx,
		       size_t off, struct value **out)
{
	const char *q = p, *s;
	struct value *key;
	int rc;

	while (q < end && *q != '.' && *q != '[')
		q++;
	if ((rc = field_arg(r, p, q, args, auto_idx, off, out)))
		return rc;
	while (q < end) {
		for (s = ++q; q < end && *q != '.' && *q != '[' && *q != ']';)
			q++;
		if (s[-1] == '[') {
			key = uc_isdigit((unsigned char)*s) ?
			      value_int(r->a, strtoll(s, NULL, 10)) :
			      str_borrow(r, s, (size_t)(q - s));
			q += q < end && *q == ']';
			rc = ev_getitem(r, *out, key, off, out);
		} else {
			rc = ev_getattr(r, *out, s, (size_t)(q - s), off,
					out);
		}
		if (rc || (rc = ev_defined(r, *out, off)))
			return rc;
	}
	return 0;
}

/* One {field!conv:spec} replacement; *p is just after '{'. */
static int format_field(struct evaluator *r, struct strbuf *sb, const char **p,
			const char *end, const struct tpl_args *args,
			size_t *auto_idx, size_t off)
{
	const char *start = *p, *name_end, *spec = NULL, *close;
	struct strbuf tmp = STRBUF_INIT;
	struct value *v = NULL;
	char conv = 0;
	int rc;

	if (!(close = memchr(start, '}', (size_t)(end - start))))
		return ev_fail(r, off, "expected '}' before end of string");
	if (memchr(start, '{', (size_t)(close - start)))
		return ev_fail(r, off, "nested format fields are not "
			       "supported");
	for (name_end = start; name_end < close && *name_end != '!' &&
	     *name_end != ':'; name_end++)
		;
	if (name_end < close && *name_end == '!') {
		conv = name_end[1];
		spec = name_end + 2;
		if (!in_set("rsa", conv) ||
		    (spec < close && *spec != ':'))
			return ev_fail(r, off, "invalid conversion");
	} else {
		spec = name_end;
	}
	if (spec < close && *spec == ':')
		spec++;
	if ((rc = field_value(r, start, name_end, args, auto_idx, off, &v)))
		return rc;
	if (conv == 'r' || conv == 'a') {
		value_repr(&tmp, v);
		v = value_strn(r->a, tmp.buf, tmp.len);
	} else if (conv == 's') {
		struct value_str s;

		if ((rc = ev_str(r, v, off, &s)))
			goto out;
		v = str_borrow(r, s.ptr, s.len);
	}
	rc = fmt_value(r, sb, v, spec, close, off);
	*p = close + 1;
out:
	strbuf_release(&tmp);
	return rc;
}

/* Python's str.format(*args, **kwargs). */
static int str_format(struct evaluator *r, const struct value_str *fmt,
		      const struct tpl_args *args, size_t off,
		      struct value **out)
{
	const char *p = fmt->ptr, *end = p + fmt->len;
	size_t auto_idx = 0;
	struct strbuf sb;
	int rc = 0;

	sb_start(&sb);
	while (p < end && !rc) {
		if ((*p == '{' || *p == '}') && p + 1 < end && p[1] == *p) {
			strbuf_addch(&sb, *p);
			p += 2;
		} else if (*p == '}') {
			rc = ev_fail(r, off, "single '}' encountered in "
				     "format string");
		} else if (*p == '{') {
			p++;
			rc = format_field(r, &sb, &p, end, args, &auto_idx,
					  off);
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	return ev_take(r, &sb, off, out);
}

/* ---- tests --------------------------------------------------------------- */

static int bool_out(struct value **out, bool b)
{
	*out = value_bool(b);
	return 0;
}

/* True for jinja2.Undefined (made by `a if false`), which iterates. */
static bool lenient_undef(const struct value *v)
{
	const struct tpl_undef *u = v->u.call.data;

	return v->kind == VALUE_UNDEFINED && u && u->lenient;
}

TPL_FN(t_defined)
{
	return bool_out(out, self->kind != VALUE_UNDEFINED);
}

TPL_FN(t_undefined)
{
	return bool_out(out, self->kind == VALUE_UNDEFINED);
}

TPL_FN(t_none)
{
	return bool_out(out, self->kind == VALUE_NONE);
}

TPL_FN(t_boolean)
{
	return bool_out(out, self->kind == VALUE_BOOL);
}

TPL_FN(t_true)
{
	return bool_out(out, self->kind == VALUE_BOOL && self->u.b);
}

TPL_FN(t_false)
{
	return bool_out(out, self->kind == VALUE_BOOL && !self->u.b);
}

TPL_FN(t_integer)
{
	return bool_out(out, self->kind == VALUE_INT);
}

TPL_FN(t_float)
{
	return bool_out(out, self->kind == VALUE_FLOAT);
}

TPL_FN(t_number)
{
	return bool_out(out, self->kind == VALUE_INT ||
			self->kind == VALUE_FLOAT || self->kind == VALUE_BOOL);
}

TPL_FN(t_string)
{
	return bool_out(out, self->kind == VALUE_STRING);
}

TPL_FN(t_mapping)
{
	return bool_out(out, self->kind == VALUE_DICT);
}

TPL_FN(t_sequence)
{
	return bool_out(out, self->kind == VALUE_STRING ||
			self->kind == VALUE_LIST || self->kind == VALUE_DICT);
}

TPL_FN(t_iterable)
{
	return bool_out(out, self->kind == VALUE_STRING ||
			self->kind == VALUE_LIST || self->kind == VALUE_DICT ||
			lenient_undef(self));
}

TPL_FN(t_callable)
{
	return bool_out(out, self->kind == VALUE_UNDEFINED ||
			(self->kind == VALUE_CALLABLE &&
			 ((const struct tpl_callable *)self->u.call.fn)->kind !=
			 CALLABLE_NAMESPACE));
}

TPL_FN(t_escaped)
{
	return bool_out(out, false);
}

/* Python's `is`: identity, approximated for immutable values. */
TPL_FN(t_sameas)
{
	const struct value *o = argv[0];

	if (self == o)
		return bool_out(out, true);
	if (self->kind != o->kind)
		return bool_out(out, false);
	if (self->kind == VALUE_NONE || self->kind == VALUE_BOOL)
		return bool_out(out, value_equal(self, o));
	if (self->kind == VALUE_INT)
		return bool_out(out, self->u.i == o->u.i && self->u.i >= -5 &&
				self->u.i <= 256);
	return bool_out(out, false);
}

TPL_FN(t_in)
{
	bool res;
	int rc = ev_contains(r, self, argv[0], off, &res);

	return rc ? rc : bool_out(out, res);
}

/* The comparison tests: eq, ne, lt, le, gt, ge and their aliases. */
static int compare_test(struct evaluator *r, size_t off, struct value *a,
			struct value *b, enum tok_kind op, struct value **out)
{
	bool res;
	int rc;

	if (op == TOK_EQ || op == TOK_NE) {
		rc = ev_equal(r, a, b, off, &res);
		res = op == TOK_EQ ? res : !res;
	} else {
		rc = ev_order(r, op, a, b, off, &res);
	}
	return rc ? rc : bool_out(out, res);
}

TPL_FN(t_eq)
{
	return compare_test(r, off, self, argv[0], TOK_EQ, out);
}

TPL_FN(t_ne)
{
	return compare_test(r, off, self, argv[0], TOK_NE, out);
}

TPL_FN(t_lt)
{
	return compare_test(r, off, self, argv[0], TOK_LT, out);
}

TPL_FN(t_le)
{
	return compare_test(r, off, self, argv[0], TOK_LTEQ, out);
}

TPL_FN(t_gt)
{
	return compare_test(r, off, self, argv[0], TOK_GT, out);
}

TPL_FN(t_ge)
{
	return compare_test(r, off, self, argv[0], TOK_GTEQ, out);
}

/* value % num == want, for odd, even and divisibleby. */
static int mod_test(struct evaluator *r, size_t off, struct value *v,
		    long long num, long long want, struct value **out)
{
	struct value n = { .kind = VALUE_INT, .u.i = num };
	struct value w = { .kind = VALUE_INT, .u.i = want };
	struct value *m;
	int rc = ev_arith(r, TOK_MOD, v, &n, off, &m);

	return rc ? rc : bool_out(out, value_equal(m, &w));
}

TPL_FN(t_odd)
{
	return mod_test(r, off, self, 2, 1, out);
}

TPL_FN(t_even)
{
	return mod_test(r, off, self, 2, 0, out);
}

TPL_FN(t_divisibleby)
{
	struct value zero = { .kind = VALUE_INT, .u.i = 0 };
	struct value *m;
	int rc = ev_arith(r, TOK_MOD, self, argv[0], off, &m);

	return rc ? rc : bool_out(out, value_equal(m, &zero));
}

/* Python's islower()/isupper(): some cased character, none the other. */
static int case_test(struct evaluator *r, size_t off, struct value *self,
		     bool upper, struct value **out)
{
	bool cased = false;
	struct value_str s;
	size_t i = 0;
	uint32_t cp;
	int rc;

	if ((rc = self_str(r, self, off, &s)))
		return rc;
	while (i < s.len) {
		i += cp_at(&s, i, &cp);
		if (upper ? uc_upper(cp) != cp : uc_lower(cp) != cp)
			return bool_out(out, false);
		cased = cased || uc_cased(cp);
	}
	return bool_out(out, cased);
}

TPL_FN(t_lower)
{
	return case_test(r, off, self, false, out);
}

TPL_FN(t_upper)
{
	return case_test(r, off, self, true, out);
}

/* `is filter` and `is test`: whether the name exists. */
static int has_name(struct evaluator *r, size_t off, struct value *self,
		    enum tpl_table t, struct value **out)
{
	struct value_str s;
	int rc = ev_str(r, self, off, &s);

	return rc ? rc : bool_out(out, tpl_func_find(t, s.ptr, s.len));
}

TPL_FN(t_filter)
{
	return has_name(r, off, self, TPL_FILTERS, out);
}

TPL_FN(t_test)
{
	return has_name(r, off, self, TPL_TESTS, out);
}

/* ---- str methods --------------------------------------------------------- */

TPL_FN(m_lower)
{
	return str_case(r, &self->u.s, CASE_LOWER, off, out);
}

TPL_FN(m_upper)
{
	return str_case(r, &self->u.s, CASE_UPPER, off, out);
}

TPL_FN(m_swapcase)
{
	return str_case(r, &self->u.s, CASE_SWAP, off, out);
}

TPL_FN(m_title)
{
	return str_title(r, &self->u.s, off, out);
}

TPL_FN(m_capitalize)
{
	return str_capitalize(r, &self->u.s, off, out);
}

/* strip, lstrip and rstrip. */
static int strip_method(struct evaluator *r, size_t off, struct value *self,
			struct value *chars, bool left, bool right,
			struct value **out)
{
	struct value_str set;
	size_t b, e;

	if (chars && chars->kind != VALUE_NONE) {
		if (chars->kind != VALUE_STRING)
			return ev_fail(r, off, "strip arg must be None or "
				       "str");
		set = chars->u.s;
	}
	str_strip(&self->u.s, chars && chars->kind != VALUE_NONE ? &set :
		  NULL, left, right, &b, &e);
	*out = str_borrow(r, self->u.s.ptr + b, e - b);
	return 0;
}

TPL_FN(m_strip)
{
	return strip_method(r, off, self, argv[0], true, true, out);
}

TPL_FN(m_lstrip)
{
	return strip_method(r, off, self, argv[0], true, false, out);
}

TPL_FN(m_rstrip)
{
	return strip_method(r, off, self, argv[0], false, true, out);
}

/* Split on runs of whitespace, at most max times (-1: no limit). */
static void split_space(struct evaluator *r, const struct value_str *s,
			long long max, bool from_right, struct value *list)
{
	size_t b = 0, e = s->len, i, w;
	uint32_t cp;

	if (from_right) {
		struct value *rev = value_list(r->a, 4);

		while (e > 0) {
			while (e > 0 && (cp_at(s, utf8_back(s->ptr, 0, e), &cp),
					 uc_isspace(cp)))
				e = utf8_back(s->ptr, 0, e);
			if (!e)
				break;
			if (!max--) {
				value_list_push(r->a, rev, str_borrow(r,
						s->ptr, e));
				break;
			}
			for (w = e; w > 0 && (cp_at(s, utf8_back(s->ptr, 0, w),
						   &cp), !uc_isspace(cp));)
				w = utf8_back(s->ptr, 0, w);
			value_list_push(r->a, rev, str_borrow(r, s->ptr + w,
							      e - w));
			e = w;
		}
		for (i = rev->u.list.len; i-- > 0;)
			value_list_push(r->a, list, rev->u.list.items[i]);
		return;
	}
	while (b < e) {
		while (b < e && (cp_at(s, b, &cp), uc_isspace(cp)))
			b += cp_at(s, b, &cp);
		if (b >= e)
			break;
		if (!max--) {
			value_list_push(r->a, list, str_borrow(r, s->ptr + b,
							       e - b));
			break;
		}
		for (w = b; w < e && (cp_at(s, w, &cp), !uc_isspace(cp));)
			w += cp_at(s, w, &cp);
		value_list_push(r->a, list, str_borrow(r, s->ptr + b, w - b));
		b = w;
	}
}

/* Split on sep, at most max times (-1: no limit). */
static void split_sep(struct evaluator *r, const struct value_str *s,
		      const struct value_str *sep, long long max,
		      bool from_right, struct value *list)
{
	size_t b = 0, e = s->len, at, i;
	struct value *rev;

	if (!from_right) {
		while (max-- != 0 && (at = str_find(s, sep->ptr, sep->len, b))
		       != (size_t)-1) {
			value_list_push(r->a, list, str_borrow(r, s->ptr + b,
							       at - b));
			b = at + sep->len;
		}
		value_list_push(r->a, list, str_borrow(r, s->ptr + b,
						       s->len - b));
		return;
	}
	rev = value_list(r->a, 4);
	while (max-- != 0 && (at = str_rfind(s, sep->ptr, sep->len, e)) !=
	       (size_t)-1) {
		value_list_push(r->a, rev, str_borrow(r, s->ptr + at +
						      sep->len,
						      e - at - sep->len));
		e = at;
	}
	value_list_push(r->a, rev, str_borrow(r, s->ptr, e));
	for (i = rev->u.list.len; i-- > 0;)
		value_list_push(r->a, list, rev->u.list.items[i]);
}

static int split_method(struct evaluator *r, size_t off, struct value *self,
			struct value **argv, bool from_right,
			struct value **out)
{
	struct value *list = value_list(r->a, 4);
	struct value_str sep;
	long long max;
	int rc;

	if ((rc = opt_int(r, argv[1], off, -1, &max)) ||
	    (rc = ev_charge(r, self->u.s.len, off)))
		return rc;
	if (max < 0 || max > TPL_MAX_ITEMS)	/* more would fail below */
		max = TPL_MAX_ITEMS;
	if (!argv[0] || argv[0]->kind == VALUE_NONE) {
		split_space(r, &self->u.s, max, from_right, list);
	} else {
		if ((rc = need_str(r, argv[0], off, "split", &sep)))
			return rc;
		if (!sep.len)
			return ev_fail(r, off, "empty separator");
		if ((rc = ev_charge_search(r, self->u.s.len, sep.len,
					   off)))
			return rc;
		split_sep(r, &self->u.s, &sep, max, from_right, list);
	}
	if (list->u.list.len > TPL_MAX_ITEMS)
		return ev_fail(r, off, "list exceeds %d items",
			       TPL_MAX_ITEMS);
	*out = list;
	return 0;
}

TPL_FN(m_split)
{
	return split_method(r, off, self, argv, false, out);
}

TPL_FN(m_rsplit)
{
	return split_method(r, off, self, argv, true, out);
}

TPL_FN(m_splitlines)
{
	struct value *list = value_list(r->a, 4);
	struct value_str *lines;
	size_t *ends, n, i;

	n = split_lines(r, &self->u.s, &lines, &ends);
	for (i = 0; i < n; i++)
		value_list_push(r->a, list, str_borrow(r, lines[i].ptr,
						       lines[i].len +
						       (opt_bool(argv[0]) ?
							ends[i] : 0)));
	*out = list;
	return 0;
}

/* Byte window of s for code point bounds start/end (Python slicing). */
static int str_window(struct evaluator *r, const struct value_str *s,
		      struct value *start, struct value *end, size_t off,
		      struct value_str *win, bool *empty_past_end)
{
	long long n = (long long)utf8_count(s->ptr, s->len), b, e;
	int rc;

	if ((rc = opt_int(r, start, off, 0, &b)) ||
	    (rc = opt_int(r, end, off, n, &e)))
		return rc;
	if (b < 0 && (b += n) < 0)
		b = 0;
	if (e < 0 && (e += n) < 0)
		e = 0;
	if (e > n)
		e = n;
	*empty_past_end = b > n;
	if (b > e)
		b = e;
	win->ptr = s->ptr + utf8_offset(s->ptr, s->len, (size_t)b);
	win->len = utf8_offset(s->ptr, s->len, (size_t)e) -
		   (size_t)(win->ptr - s->ptr);
	return 0;
}

/* startswith and endswith, with a str or a tuple of str. */
static int affix_method(struct evaluator *r, size_t off, struct value *self,
			struct value **argv, bool ends, struct value **out)
{
	struct value **cands = &argv[0];
	struct value_str win;
	size_t n = 1, i;
	bool past;
	int rc;

	if ((rc = str_window(r, &self->u.s, argv[1], argv[2], off, &win,
			     &past)))
		return rc;
	if (argv[0]->kind == VALUE_LIST && argv[0]->u.list.tuple) {
		cands = argv[0]->u.list.items;
		n = argv[0]->u.list.len;
	}
	for (i = 0; i < n; i++) {
		const struct value *c = cands[i];

		if (c->kind != VALUE_STRING)
			return ev_fail(r, off, "%s first arg must be str "
				       "or a tuple of str, not %s",
				       ends ? "endswith" : "startswith",
				       value_type_name(c));
		if (!past && c->u.s.len <= win.len &&
		    !memcmp(win.ptr + (ends ? win.len - c->u.s.len : 0),
			    c->u.s.ptr, c->u.s.len))
			return bool_out(out, true);
	}
	return bool_out(out, false);
}

TPL_FN(m_startswith)
{
	return affix_method(r, off, self, argv, false, out);
}

TPL_FN(m_endswith)
{
	return affix_method(r, off, self, argv, true, out);
}

TPL_FN(m_replace)
{
	struct value_str old, new;
	long long count;
	int rc;

	if ((rc = need_str(r, argv[0], off, "replace", &old)) ||
	    (rc = need_str(r, argv[1], off, "replace", &new)) ||
	    (rc = opt_int(r, argv[2], off, -1, &count)) ||
	    (rc = ev_charge(r, self->u.s.len, off)))
		return rc;
	return str_replace(r, &self->u.s, &old, &new, count, off, out);
}

enum find_op { FIND, RFIND, INDEX, RINDEX, COUNT };

static int find_method(struct evaluator *r, size_t off, struct value *self,
		       struct value **argv, enum find_op op,
		       struct value **out)
{
	struct value_str sub, win;
	size_t at, from = 0;
	long long count = 0;
	bool past;
	int rc;

	if ((rc = need_str(r, argv[0], off, "find", &sub)) ||
	    (rc = str_window(r, &self->u.s, argv[1], argv[2], off, &win,
			     &past)) ||
	    (rc = ev_charge_search(r, win.len, sub.len, off)))
		return rc;
	if (op == COUNT) {
		while (!past && (at = str_find(&win, sub.ptr, sub.len, from)) !=
		       (size_t)-1 && from <= win.len) {
			count++;
			from = at + (sub.len ? sub.len : 1);
			if (!sub.len && at >= win.len)
				break;
		}
		*out = value_int(r->a, sub.len || past ? count :
				 (long long)utf8_count(win.ptr, win.len) + 1);
		return 0;
	}
	at = past ? (size_t)-1 : op == FIND || op == INDEX ?
	     str_find(&win, sub.ptr, sub.len, 0) :
	     str_rfind(&win, sub.ptr, sub.len, win.len);
	if (at == (size_t)-1 && (op == INDEX || op == RINDEX))
		return ev_fail(r, off, "substring not found");
	*out = value_int(r->a, at == (size_t)-1 ? -1 : (long long)
			 utf8_count(self->u.s.ptr, (size_t)(win.ptr -
							    self->u.s.ptr) +
				    at));
	return 0;
}

TPL_FN(m_find)
{
	return find_method(r, off, self, argv, FIND, out);
}

TPL_FN(m_rfind)
{
	return find_method(r, off, self, argv, RFIND, out);
}

TPL_FN(m_index)
{
	return find_method(r, off, self, argv, INDEX, out);
}

TPL_FN(m_rindex)
{
	return find_method(r, off, self, argv, RINDEX, out);
}

TPL_FN(m_count)
{
	return find_method(r, off, self, argv, COUNT, out);
}

TPL_FN(m_join)
{
	struct value **items;
	struct strbuf sb;
	size_t n, i;
	int rc;

	if ((rc = ev_items(r, argv[0], off, &items, &n)))
		return rc;
	sb_start(&sb);
	for (i = 0; i < n; i++) {
		if (items[i]->kind != VALUE_STRING) {
			strbuf_release(&sb);
			return ev_fail(r, off, "sequence item %zu: "
				       "expected str instance, %s found", i,
				       value_type_name(items[i]));
		}
		if (i)
			strbuf_add(&sb, self->u.s.ptr, self->u.s.len);
		strbuf_add(&sb, items[i]->u.s.ptr, items[i]->u.s.len);
	}
	if ((rc = ev_charge(r, sb.len, off))) {
		strbuf_release(&sb);
		return rc;
	}
	return ev_take(r, &sb, off, out);
}

TPL_FN(m_format)
{
	return str_format(r, &self->u.s, args, off, out);
}

/* center, ljust and rjust. */
static int pad_method(struct evaluator *r, size_t off, struct value *self,
		      struct value **argv, char align, struct value **out)
{
	long long width;
	uint32_t fill;
	int rc;

	if ((rc = need_int(r, argv[0], off, &width)) ||
	    (rc = fill_char(r, argv[1], off, "fill", &fill)))
		return rc;
	return str_pad(r, &self->u.s, width, fill, align, off, out);
}

TPL_FN(m_center)
{
	return pad_method(r, off, self, argv, '^', out);
}

TPL_FN(m_ljust)
{
	return pad_method(r, off, self, argv, '<', out);
}

TPL_FN(m_rjust)
{
	return pad_method(r, off, self, argv, '>', out);
}

TPL_FN(m_zfill)
{
	const struct value_str *s = &self->u.s;
	long long width, len = (long long)utf8_count(s->ptr, s->len);
	bool sign = s->len && (s->ptr[0] == '-' || s->ptr[0] == '+');
	struct strbuf sb;
	int rc;

	if ((rc = need_int(r, argv[0], off, &width)))
		return rc;
	if (width <= len) {
		*out = self;
		return 0;
	}
	if (width > TPL_MAX_OUTPUT)
		return ev_fail(r, off, "string exceeds %u bytes",
			       TPL_MAX_OUTPUT);
	sb_start(&sb);
	if (sign)
		strbuf_addch(&sb, s->ptr[0]);
	strbuf_addchars(&sb, '0', (size_t)(width - len));
	strbuf_add(&sb, s->ptr + sign, s->len - sign);
	return ev_take(r, &sb, off, out);
}

/* isalnum, isalpha, isdigit, isspace: non-empty and all match. */
static int class_method(struct value *self, bool (*pred)(uint32_t),
			struct value **out)
{
	const struct value_str *s = &self->u.s;
	size_t i = 0;
	uint32_t cp;

	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (!pred(cp))
			return bool_out(out, false);
	}
	return bool_out(out, s->len > 0);
}

static bool uc_isalnum(uint32_t c)
{
	return uc_isalpha(c) || uc_isdigit(c);
}

TPL_FN(m_isalnum)
{
	return class_method(self, uc_isalnum, out);
}

TPL_FN(m_isalpha)
{
	return class_method(self, uc_isalpha, out);
}

TPL_FN(m_isdigit)
{
	return class_method(self, uc_isdigit, out);
}

TPL_FN(m_isspace)
{
	return class_method(self, uc_isspace, out);
}

TPL_FN(m_islower)
{
	return case_test(r, off, self, false, out);
}

TPL_FN(m_isupper)
{
	return case_test(r, off, self, true, out);
}

/* partition and rpartition: a 3-tuple. */
static int partition_method(struct evaluator *r, size_t off, struct value *self,
			    struct value *sepv, bool from_right,
			    struct value **out)
{
	const struct value_str *s = &self->u.s;
	struct value *t = value_tuple(r->a, 3), *empty = str_borrow(r, "", 0);
	struct value_str sep;
	size_t at;
	int rc;

	if ((rc = need_str(r, sepv, off, "partition", &sep)))
		return rc;
	if (!sep.len)
		return ev_fail(r, off, "empty separator");
	if ((rc = ev_charge_search(r, s->len, sep.len, off)))
		return rc;
	at = from_right ? str_rfind(s, sep.ptr, sep.len, s->len) :
	     str_find(s, sep.ptr, sep.len, 0);
	if (at == (size_t)-1) {
		value_list_push(r->a, t, from_right ? empty : self);
		value_list_push(r->a, t, empty);
		value_list_push(r->a, t, from_right ? self : empty);
	} else {
		value_list_push(r->a, t, str_borrow(r, s->ptr, at));
		value_list_push(r->a, t, sepv);
		value_list_push(r->a, t, str_borrow(r, s->ptr + at + sep.len,
						    s->len - at - sep.len));
	}
	*out = t;
	return 0;
}

TPL_FN(m_partition)
{
	return partition_method(r, off, self, argv[0], false, out);
}

TPL_FN(m_rpartition)
{
	return partition_method(r, off, self, argv[0], true, out);
}

/* removeprefix and removesuffix. */
static int remove_affix(struct evaluator *r, size_t off, struct value *self,
			struct value *arg, bool suffix, struct value **out)
{
	const struct value_str *s = &self->u.s;
	struct value_str a;
	int rc;

	if ((rc = need_str(r, arg, off, "removeprefix", &a)))
		return rc;
	*out = self;
	if (a.len && a.len <= s->len &&
	    !memcmp(s->ptr + (suffix ? s->len - a.len : 0), a.ptr, a.len))
		*out = str_borrow(r, s->ptr + (suffix ? 0 : a.len),
				  s->len - a.len);
	return 0;
}

TPL_FN(m_removeprefix)
{
	return remove_affix(r, off, self, argv[0], false, out);
}

TPL_FN(m_removesuffix)
{
	return remove_affix(r, off, self, argv[0], true, out);
}

/* ---- dict and list methods ----------------------------------------------- */

TPL_FN(d_get)
{
	struct value *v = NULL;

	if (ev_defined(r, argv[0], off))	/* the default may be */
		return ERR_INPUT;
	if (argv[0]->kind == VALUE_STRING)
		v = value_dict_getn(self, argv[0]->u.s.ptr, argv[0]->u.s.len);
	else if (argv[0]->kind == VALUE_LIST || argv[0]->kind == VALUE_DICT)
		return ev_fail(r, off, "unhashable type: '%s'",
			       value_type_name(argv[0]));
	*out = v ? v : argv[1] ? argv[1] : VALUE_NONE_P;
	return 0;
}

TPL_FN(d_items)
{
	int rc = f_items(r, off, self, argv, args, out);

	if (!rc)
		(*out)->u.list.view = "dict_items";
	return rc;
}

/* keys() and values() as lists. */
static int dict_column(struct evaluator *r, struct value *self, bool values,
		       struct value **out)
{
	struct value *list = value_list(r->a, self->u.dict.len);
	size_t i;

	for (i = 0; i < self->u.dict.len; i++) {
		const struct value_pair *p = &self->u.dict.items[i];

		value_list_push(r->a, list, values ? p->val :
				str_borrow(r, p->key.ptr, p->key.len));
	}
	list->u.list.view = values ? "dict_values" : "dict_keys";
	*out = list;
	return 0;
}

TPL_FN(d_keys)
{
	return dict_column(r, self, false, out);
}

TPL_FN(d_values)
{
	return dict_column(r, self, true, out);
}

TPL_FN(m_copy)
{
	*out = self;
	return 0;
}

TPL_FN(l_count)
{
	long long n = 0;
	size_t i;
	bool eq;
	int rc;

	for (i = 0; i < self->u.list.len; i++) {
		if ((rc = ev_equal(r, self->u.list.items[i], argv[0], off,
				   &eq)))
			return rc;
		n += eq;
	}
	*out = value_int(r->a, n);
	return 0;
}

TPL_FN(l_index)
{
	size_t i;
	bool eq;
	int rc;

	for (i = 0; i < self->u.list.len; i++) {
		if ((rc = ev_equal(r, self->u.list.items[i], argv[0], off,
				   &eq)))
			return rc;
		if (eq) {
			*out = value_int(r->a, (long long)i);
			return 0;
		}
	}
	return ev_fail(r, off, "%s.index(x): x not in %s",
		       value_type_name(self), value_type_name(self));
}

/* ---- globals ------------------------------------------------------------- */

/* How many items range(start, stop, step) has; step is non-zero. */
static unsigned long long range_count(long long start, long long stop,
				      long long step)
{
	unsigned long long span, stride;

	if (step > 0 ? stop <= start : start <= stop)
		return 0;
	/* Differences and magnitudes in unsigned: no overflow at LLONG_MIN. */
	span = step > 0 ? (unsigned long long)stop - (unsigned long long)start :
	       (unsigned long long)start - (unsigned long long)stop;
	stride = step > 0 ? (unsigned long long)step :
		 0 - (unsigned long long)step;
	return (span - 1) / stride + 1;
}

TPL_FN(g_range)
{
	long long start = 0, stop, step = 1;
	unsigned long long n, i;
	struct value *list;
	int rc;

	if ((rc = need_int(r, argv[0], off, &stop)))
		return rc;
	if (argv[1]) {
		start = stop;
		if ((rc = need_int(r, argv[1], off, &stop)) ||
		    (rc = opt_int(r, argv[2], off, 1, &step)))
			return rc;
	}
	if (!step)
		return ev_fail(r, off, "range() arg 3 must not be zero");
	n = range_count(start, stop, step);
	if (n > TPL_MAX_LOOP)
		return ev_fail(r, off, "range() of %llu items exceeds the "
			       "limit of %d", n, TPL_MAX_LOOP);
	list = value_list(r->a, (size_t)n);
	/* Every item lies between start and stop: the wrap-around sum is
	 * exact once converted back. */
	for (i = 0; i < n; i++)
		value_list_push(r->a, list, value_int(r->a, (long long)
				((unsigned long long)start +
				 i * (unsigned long long)step)));
	*out = list;
	return 0;
}

/* dict(mapping_or_pairs, **kwargs) into a new dict. */
static int build_dict(struct evaluator *r, size_t off,
		      const struct tpl_args *args, struct value **out)
{
	struct value *d = value_dict(r->a, args->nkw + 4), *src, *p;
	size_t i;

	if (args->npos > 1)
		return ev_fail(r, off, "dict expected at most 1 argument, "
			       "got %zu", args->npos);
	src = args->npos ? args->pos[0] : NULL;
	for (i = 0; src && src->kind == VALUE_DICT && i < src->u.dict.len;
	     i++)
		value_dict_setn(r->a, d, src->u.dict.items[i].key.ptr,
				src->u.dict.items[i].key.len,
				src->u.dict.items[i].val);
	for (i = 0; src && src->kind == VALUE_LIST && i < src->u.list.len;
	     i++) {
		p = src->u.list.items[i];
		if (p->kind != VALUE_LIST || p->u.list.len != 2 ||
		    p->u.list.items[0]->kind != VALUE_STRING)
			return ev_fail(r, off, "dict() needs pairs of a "
				       "string key and a value");
		value_dict_setn(r->a, d, p->u.list.items[0]->u.s.ptr,
				p->u.list.items[0]->u.s.len,
				p->u.list.items[1]);
	}
	if (src && src->kind != VALUE_DICT && src->kind != VALUE_LIST)
		return ev_fail(r, off, "'%s' object is not iterable",
			       value_type_name(src));
	for (i = 0; i < args->nkw; i++)
		value_dict_set(r->a, d, args->kwnames[i], args->kw[i]);
	*out = d;
	return 0;
}

TPL_FN(g_dict)
{
	return build_dict(r, off, args, out);
}

TPL_FN(g_namespace)
{
	static const struct tpl_callable ns = { CALLABLE_NAMESPACE, NULL,
						"namespace" };
	struct value *d;
	int rc;

	if ((rc = build_dict(r, off, args, &d)))
		return rc;
	*out = ev_callable(r, &ns, d, "Namespace");
	return 0;
}

/* ---- cookiecutter's globals ---------------------------------------------- */

/* Fail because the caller's tpl_env does not give fn what it needs. */
static int env_missing(struct evaluator *r, size_t off, const char *fn,
		       const char *what)
{
	return ev_fail(r, off, "%s needs %s, which this render is not given",
		       fn, what);
}

/* Fill buf with n random bytes from the caller's tpl_env. */
static int random_bytes(struct evaluator *r, size_t off, const char *fn,
			unsigned char *buf, size_t n)
{
	const struct tpl_env *e = r->env;

	if (!e || !e->random)
		return env_missing(r, off, fn, "randomness");
	if (e->random(e->ud, buf, n))
		return ev_fail(r, off, "cannot read random bytes");
	return 0;
}

/* random_ascii_string(length, punctuation=False), cookiecutter's global. */
TPL_FN(g_random_ascii_string)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
	struct strbuf sb = STRBUF_INIT;
	long long n, i;
	size_t k;
	bool with_punct = argv[1] && value_truthy(argv[1]);
	unsigned char b;
	int rc;

	(void)self;
	(void)args;
	if ((rc = need_int(r, argv[0], off, &n)))
		return rc;
	if (n > (long long)TPL_MAX_OUTPUT)
		return ev_fail(r, off, "random_ascii_string() of %lld "
			       "characters is too long", n);
	k = sizeof(letters) - 1 + (with_punct ? sizeof(punct) - 1 : 0);
	for (i = 0; i < n && !rc; i++) {
		do {
			rc = random_bytes(r, off, "random_ascii_string()",
					  &b, 1);
		} while (!rc && b >= 256 - 256 % k);
		if (!rc)
			strbuf_addch(&sb, b % k < 52 ? letters[b % k] :
				     punct[b % k - 52]);
	}
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	return ev_take(r, &sb, off, out);
}

/* uuid4(): a random UUID as text, cookiecutter 2.x's global. */
TPL_FN(g_uuid4)
{
	unsigned char u[16];
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc = random_bytes(r, off, "uuid4()", u, sizeof(u));

	(void)self;
	(void)argv;
	(void)args;
	if (rc)
		return rc;
	u[6] = (unsigned char)((u[6] & 0x0F) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3F) | 0x80);
	for (i = 0; i < 16; i++)
		strbuf_addf(&sb, "%s%02x", i == 4 || i == 6 || i == 8 ||
			    i == 10 ? "-" : "", u[i]);
	return ev_take(r, &sb, off, out);
}

/* Set *tm to the time t in UTC, or in the caller's local time zone. */
static int now_to_tm(struct evaluator *r, size_t off, bool utc, long long t,
		     struct tm *tm)
{
	const struct tpl_env *e = r->env;
	time_t tt = (time_t)t;

	if (utc)
		return gmtime_r(&tt, tm) ? 0 : ev_fail(r, off, "the time %lld "
						       "is out of range", t);
	if (!e || !e->to_local || !e->from_local)
		return env_missing(r, off, "tag 'now'", "the local time zone");
	return e->to_local(e->ud, t, tm) ?
	       ev_fail(r, off, "the time %lld is out of range", t) : 0;
}

/* Set *t to the time of *tm (UTC or local), normalising *tm's fields. */
static int now_from_tm(struct evaluator *r, size_t off, bool utc,
		       struct tm *tm, long long *t)
{
	const struct tpl_env *e = r->env;

	if (utc) {
		*t = (long long)timegm(tm);
		return 0;
	}
	if (!e || !e->from_local)
		return env_missing(r, off, "tag 'now'", "the local time zone");
	return e->from_local(e->ud, tm, t) ?
	       ev_fail(r, off, "the offset leaves the local calendar") : 0;
}

/* Days in month mon (0-11) of year (since 1900). */
static int month_days(int year, int mon)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };
	int y = year + 1900;

	if (mon == 1 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		return 29;
	return days[mon];
}

/* Apply a relativedelta offset "days=1, hours=2" with sign to *tm. */
static int now_offset(struct evaluator *r, size_t off, const char *spec,
		      int sign, bool utc, struct tm *tm)
{
	double secs = 0;
	long long t;
	int rc;

	while (*spec) {
		char key[16], *end;
		size_t n = strcspn(spec, "=,");
		double v;

		while (*spec == ' ')
			spec++, n--;
		if (spec[n] != '=' || n >= sizeof(key))
			return ev_fail(r, off, "invalid offset '%s'", spec);
		memcpy(key, spec, n);
		while (n && key[n - 1] == ' ')
			n--;
		key[n] = '\0';
		v = strtod(spec + strcspn(spec, "=") + 1, &end) * sign;
		if (!strcmp(key, "years"))
			tm->tm_year += (int)v;
		else if (!strcmp(key, "months"))
			tm->tm_mon += (int)v;
		else if (!strcmp(key, "weeks"))
			secs += v * 7 * 86400;
		else if (!strcmp(key, "days"))
			secs += v * 86400;
		else if (!strcmp(key, "hours"))
			secs += v * 3600;
		else if (!strcmp(key, "minutes"))
			secs += v * 60;
		else if (!strcmp(key, "seconds"))
			secs += v;
		else
			return ev_fail(r, off, "unknown offset '%s'", key);
		spec = end + strspn(end, " ,");
	}
	tm->tm_year += tm->tm_mon >= 0 ? tm->tm_mon / 12 :
		(tm->tm_mon - 11) / 12;
	tm->tm_mon = ((tm->tm_mon % 12) + 12) % 12;
	if (tm->tm_mday > month_days(tm->tm_year, tm->tm_mon))
		tm->tm_mday = month_days(tm->tm_year, tm->tm_mon);
	if ((rc = now_from_tm(r, off, utc, tm, &t)))
		return rc;
	return now_to_tm(r, off, utc, t + (long long)secs, tm);
}

/*
 * now(timezone, operator, offset, format): jinja2_time's {% now %} tag,
 * which the parser turns into this call.  Time zones are 'utc' and
 * 'local'; the format defaults to '%Y-%m-%d'.
 */
TPL_FN(g_now)
{
	const struct tpl_env *e = r->env;
	struct value_str tz = { "utc", 3 }, fmt = { "%Y-%m-%d", 8 };
	struct strbuf sb = STRBUF_INIT;
	struct tm tm;
	bool utc;
	size_t n;
	int rc = 0;

	(void)self;
	(void)args;
	if ((rc = ev_str(r, argv[0], off, &tz)) ||
	    (argv[3] && argv[3]->kind != VALUE_NONE &&
	     (rc = ev_str(r, argv[3], off, &fmt))))
		return rc;
	utc = !tz.len || !strcasecmp(tz.ptr, "utc");
	if (!utc && strcasecmp(tz.ptr, "local"))
		return ev_fail(r, off, "unknown time zone '%s': genship "
			       "knows 'utc' and 'local'", tz.ptr);
	if (!e || !e->now)
		return env_missing(r, off, "tag 'now'", "a clock");
	if ((rc = now_to_tm(r, off, utc, e->now(e->ud), &tm)))
		return rc;
	if (argv[1] && argv[1]->kind == VALUE_STRING && argv[2] &&
	    argv[2]->kind == VALUE_STRING)
		rc = now_offset(r, off, argv[2]->u.s.ptr,
				argv[1]->u.s.ptr[0] == '-' ? -1 : 1, utc, &tm);
	if (rc)
		return rc;
	strbuf_grow(&sb, 256 + fmt.len * 8);
	n = fmt.len ? strftime(sb.buf, sb.alloc, fmt.ptr, &tm) : 0;
	strbuf_setlen(&sb, n);
	return ev_take(r, &sb, off, out);
}

static const struct tpl_func now_func = {
	"now", g_now, { "timezone", "operator", "offset", "format", NULL },
	1, TPL_F_NOKW
};

const struct tpl_func *tpl_now_func(void)
{
	return &now_func;
}

/* ---- tables -------------------------------------------------------------- */

#define P(...) { __VA_ARGS__, NULL }

static const struct tpl_func filters[] = {
	{ "abs", f_abs, P(NULL), 0, 0 },
	{ "attr", f_attr, P("name"), 1, 0 },
	{ "batch", f_batch, P("linecount", "fill_with"), 1, 0 },
	{ "capitalize", f_capitalize, P(NULL), 0, 0 },
	{ "center", f_center, P("width"), 0, 0 },
	{ "count", f_length, P(NULL), 0, 0 },
	{ "d", f_default, P("default_value", "boolean"), 0,
	  TPL_F_UNDEF | TPL_F_UNDEF_ARGS },
	{ "default", f_default, P("default_value", "boolean"), 0,
	  TPL_F_UNDEF | TPL_F_UNDEF_ARGS },
	{ "dictsort", f_dictsort, P("case_sensitive", "by", "reverse"), 0, 0 },
	{ "e", f_escape, P(NULL), 0, 0 },
	{ "escape", f_escape, P(NULL), 0, 0 },
	{ "first", f_first, P(NULL), 0, 0 },
	{ "float", f_float, P("default"), 0, 0 },
	{ "forceescape", f_escape, P(NULL), 0, 0 },
	{ "format", f_format, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "indent", f_indent, P("width", "first", "blank"), 0, 0 },
	{ "int", f_int, P("default", "base"), 0, 0 },
	{ "items", f_items, P(NULL), 0, TPL_F_UNDEF },
	{ "join", f_join, P("d", "attribute"), 0, 0 },
	{ "jsonify", f_jsonify, P("indent"), 0, 0 },
	{ "last", f_last, P(NULL), 0, 0 },
	{ "length", f_length, P(NULL), 0, 0 },
	{ "list", f_list, P(NULL), 0, 0 },
	{ "lower", f_lower, P(NULL), 0, 0 },
	{ "map", f_map, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "max", f_max, P("case_sensitive", "attribute"), 0, 0 },
	{ "min", f_min, P("case_sensitive", "attribute"), 0, 0 },
	{ "reject", f_reject, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "rejectattr", f_rejectattr, P(NULL), 0,
	  TPL_F_VARARGS | TPL_F_KWARGS },
	{ "replace", f_replace, P("old", "new", "count"), 2, 0 },
	{ "reverse", f_reverse, P(NULL), 0, 0 },
	{ "round", f_round, P("precision", "method"), 0, 0 },
	{ "safe", f_safe, P(NULL), 0, 0 },
	{ "select", f_select, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "selectattr", f_selectattr, P(NULL), 0,
	  TPL_F_VARARGS | TPL_F_KWARGS },
	{ "slugify", f_slugify, P(NULL), 0, TPL_F_KWARGS },
	{ "sort", f_sort, P("reverse", "case_sensitive", "attribute"), 0, 0 },
	{ "string", f_string, P(NULL), 0, 0 },
	{ "sum", f_sum, P("attribute", "start"), 0, 0 },
	{ "title", f_title, P(NULL), 0, 0 },
	{ "tojson", f_tojson, P("indent"), 0, 0 },
	{ "trim", f_trim, P("chars"), 0, 0 },
	{ "truncate", f_truncate, P("length", "killwords", "end", "leeway"),
	  0, 0 },
	{ "unique", f_unique, P("case_sensitive", "attribute"), 0, 0 },
	{ "upper", f_upper, P(NULL), 0, 0 },
	{ "urlencode", f_urlencode, P(NULL), 0, 0 },
	{ "wordcount", f_wordcount, P(NULL), 0, 0 },
};

/* Tests that only look at the type accept undefined values. */
#define T_TYPE TPL_F_UNDEF

static const struct tpl_func tests[] = {
	{ "!=", t_ne, P("other"), 1, 0 },
	{ "<", t_lt, P("other"), 1, 0 },
	{ "<=", t_le, P("other"), 1, 0 },
	{ "==", t_eq, P("other"), 1, 0 },
	{ ">", t_gt, P("other"), 1, 0 },
	{ ">=", t_ge, P("other"), 1, 0 },
	{ "boolean", t_boolean, P(NULL), 0, T_TYPE },
	{ "callable", t_callable, P(NULL), 0, T_TYPE },
	{ "defined", t_defined, P(NULL), 0, T_TYPE },
	{ "divisibleby", t_divisibleby, P("num"), 1, 0 },
	{ "eq", t_eq, P("other"), 1, 0 },
	{ "equalto", t_eq, P("other"), 1, 0 },
	{ "escaped", t_escaped, P(NULL), 0, T_TYPE },
	{ "even", t_even, P(NULL), 0, 0 },
	{ "false", t_false, P(NULL), 0, T_TYPE },
	{ "filter", t_filter, P(NULL), 0, 0 },
	{ "float", t_float, P(NULL), 0, T_TYPE },
	{ "ge", t_ge, P("other"), 1, 0 },
	{ "greaterthan", t_gt, P("other"), 1, 0 },
	{ "gt", t_gt, P("other"), 1, 0 },
	{ "in", t_in, P("seq"), 1, 0 },
	{ "integer", t_integer, P(NULL), 0, T_TYPE },
	{ "iterable", t_iterable, P(NULL), 0, 0 },
	{ "le", t_le, P("other"), 1, 0 },
	{ "lessthan", t_lt, P("other"), 1, 0 },
	{ "lower", t_lower, P(NULL), 0, 0 },
	{ "lt", t_lt, P("other"), 1, 0 },
	{ "mapping", t_mapping, P(NULL), 0, T_TYPE },
	{ "ne", t_ne, P("other"), 1, 0 },
	{ "none", t_none, P(NULL), 0, T_TYPE },
	{ "number", t_number, P(NULL), 0, T_TYPE },
	{ "odd", t_odd, P(NULL), 0, 0 },
	{ "sameas", t_sameas, P("other"), 1, T_TYPE | TPL_F_UNDEF_ARGS },
	{ "sequence", t_sequence, P(NULL), 0, T_TYPE },
	{ "string", t_string, P(NULL), 0, T_TYPE },
	{ "test", t_test, P(NULL), 0, 0 },
	{ "true", t_true, P(NULL), 0, T_TYPE },
	{ "undefined", t_undefined, P(NULL), 0, T_TYPE },
	{ "upper", t_upper, P(NULL), 0, 0 },
};

/* CPython's str methods take positional arguments only (but split). */
#define M_POS TPL_F_NOKW

static const struct tpl_func str_methods[] = {
	{ "capitalize", m_capitalize, P(NULL), 0, M_POS },
	{ "casefold", m_lower, P(NULL), 0, M_POS },
	{ "center", m_center, P("width", "fillchar"), 1, M_POS },
	{ "count", m_count, P("sub", "start", "end"), 1, M_POS },
	{ "endswith", m_endswith, P("suffix", "start", "end"), 1, M_POS },
	{ "find", m_find, P("sub", "start", "end"), 1, M_POS },
	{ "format", m_format, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "index", m_index, P("sub", "start", "end"), 1, M_POS },
	{ "isalnum", m_isalnum, P(NULL), 0, M_POS },
	{ "isalpha", m_isalpha, P(NULL), 0, M_POS },
	{ "isdecimal", m_isdigit, P(NULL), 0, M_POS },
	{ "isdigit", m_isdigit, P(NULL), 0, M_POS },
	{ "islower", m_islower, P(NULL), 0, M_POS },
	{ "isnumeric", m_isdigit, P(NULL), 0, M_POS },
	{ "isspace", m_isspace, P(NULL), 0, M_POS },
	{ "isupper", m_isupper, P(NULL), 0, M_POS },
	{ "join", m_join, P("iterable"), 1, M_POS },
	{ "ljust", m_ljust, P("width", "fillchar"), 1, M_POS },
	{ "lower", m_lower, P(NULL), 0, M_POS },
	{ "lstrip", m_lstrip, P("chars"), 0, M_POS },
	{ "partition", m_partition, P("sep"), 1, M_POS },
	{ "removeprefix", m_removeprefix, P("prefix"), 1, M_POS },
	{ "removesuffix", m_removesuffix, P("suffix"), 1, M_POS },
	{ "replace", m_replace, P("old", "new", "count"), 2, M_POS },
	{ "rfind", m_rfind, P("sub", "start", "end"), 1, M_POS },
	{ "rindex", m_rindex, P("sub", "start", "end"), 1, M_POS },
	{ "rjust", m_rjust, P("width", "fillchar"), 1, M_POS },
	{ "rpartition", m_rpartition, P("sep"), 1, M_POS },
	{ "rsplit", m_rsplit, P("sep", "maxsplit"), 0, 0 },
	{ "rstrip", m_rstrip, P("chars"), 0, M_POS },
	{ "split", m_split, P("sep", "maxsplit"), 0, 0 },
	{ "splitlines", m_splitlines, P("keepends"), 0, 0 },
	{ "startswith", m_startswith, P("prefix", "start", "end"), 1, M_POS },
	{ "strip", m_strip, P("chars"), 0, M_POS },
	{ "swapcase", m_swapcase, P(NULL), 0, M_POS },
	{ "title", m_title, P(NULL), 0, M_POS },
	{ "upper", m_upper, P(NULL), 0, M_POS },
	{ "zfill", m_zfill, P("width"), 1, M_POS },
};

static const struct tpl_func dict_methods[] = {
	{ "copy", m_copy, P(NULL), 0, M_POS },
	{ "get", d_get, P("key", "default"), 1, M_POS | TPL_F_UNDEF_ARGS },
	{ "items", d_items, P(NULL), 0, M_POS },
	{ "keys", d_keys, P(NULL), 0, M_POS },
	{ "values", d_values, P(NULL), 0, M_POS },
};

static const struct tpl_func list_methods[] = {
	{ "copy", m_copy, P(NULL), 0, M_POS },
	{ "count", l_count, P("value"), 1, M_POS },
	{ "index", l_index, P("value"), 1, M_POS },
};

static const struct tpl_func globals[] = {
	{ "dict", g_dict, P(NULL), 0, TPL_F_VARARGS | TPL_F_KWARGS },
	{ "namespace", g_namespace, P(NULL), 0,
	  TPL_F_VARARGS | TPL_F_KWARGS },
	{ "random_ascii_string", g_random_ascii_string,
	  P("length", "punctuation"), 1, 0 },
	{ "range", g_range, P("start", "stop", "step"), 1, M_POS },
	{ "uuid4", g_uuid4, P(NULL), 0, M_POS },
};

#undef P

struct table {
	const struct tpl_func *v;
	size_t n;
};

#define TABLE(t) { t, sizeof(t) / sizeof(t[0]) }

static const struct table tables[] = {
	[TPL_FILTERS] = TABLE(filters),
	[TPL_TESTS] = TABLE(tests),
	[TPL_STR_METHODS] = TABLE(str_methods),
	[TPL_DICT_METHODS] = TABLE(dict_methods),
	[TPL_LIST_METHODS] = TABLE(list_methods),
	[TPL_GLOBALS] = TABLE(globals),
};

struct func_key {
	const char *name;
	size_t len;
};

static int cmp_func(const void *key, const void *elem)
{
	const struct func_key *k = key;
	const char *name = ((const struct tpl_func *)elem)->name;
	int c = strncmp(k->name, name, k->len);

	return c ? c : name[k->len] ? -1 : 0;
}

const struct tpl_func *tpl_func_find(enum tpl_table t, const char *name,
				     size_t len)
{
	struct func_key k = { name, len };

	if (memchr(name, '\0', len))
		return NULL;
	return bsearch(&k, tables[t].v, tables[t].n, sizeof(struct tpl_func),
		       cmp_func);
}

const char *tpl_hint(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word);

	return diag_closest_within(word, cands, n, len <= 2 ? 0 : len <= 4 ?
				   1 : len <= 8 ? 2 : 3);
}

const char *tpl_func_closest(enum tpl_table t, const char *name)
{
	const char *names[64];
	size_t i, n = tables[t].n < 64 ? tables[t].n : 64;

	for (i = 0; i < n; i++)
		names[i] = tables[t].v[i].name;
	return tpl_hint(name, names, n);
}

bool tpl_dict_attr_is_method(const char *name, size_t len)
{
	static const char *const attrs[] = {
		"clear", "copy", "fromkeys", "get", "items", "keys", "pop",
		"popitem", "setdefault", "update", "values",
	};
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strlen(attrs[i]) == len && !memcmp(attrs[i], name, len))
			return true;
	return false;
}
