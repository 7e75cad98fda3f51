/*
 * Python's str: the string library the filters share (strip, replace,
 * case conversion, padding, line splitting) and the str methods of
 * templates ('a b'.split(), name.startswith('x')...) with their table.
 *
 * Strings are UTF-8.  Lengths, indexes, padding and slicing count code
 * points; case mapping is tpl-unicode.c's.  Semantics follow CPython's
 * str methods, which take positional arguments only (but split).
 */
#include "tpl-fn.h"

#include <limits.h>
#include <string.h>

/* ---- the string library -------------------------------------------------- */

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
void str_strip(const struct value_str *s, const struct value_str *chars,
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
int str_replace(struct evaluator *r, const struct value_str *s,
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

int str_case(struct evaluator *r, const struct value_str *s,
	     enum case_op op, size_t off, struct value **out)
{
	struct strbuf sb;
	size_t i = 0;
	uint32_t cp;

	sb_start(&sb);
	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (op == CASE_LOWER || (op == CASE_SWAP && uc_upper(cp) == cp))
			uc_add_lower(&sb, cp);
		else
			uc_add_upper(&sb, cp, false);
	}
	return ev_take(r, &sb, off, out);
}

/* Python's str.capitalize(): title-case the first character. */
int str_capitalize(struct evaluator *r, const struct value_str *s,
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
			uc_add_upper(&sb, cp, true);
		else
			uc_add_lower(&sb, cp);
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
			uc_add_lower(&sb, cp);
		else
			uc_add_upper(&sb, cp, true);
		prev_cased = uc_cased(cp);
	}
	return ev_take(r, &sb, off, out);
}

/* s padded to width with fill: align is '<', '>' or '^'. */
int str_pad(struct evaluator *r, const struct value_str *s,
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
	uc_add_fill(&sb, fill, left);
	strbuf_add(&sb, s->ptr, s->len);
	uc_add_fill(&sb, fill, pad - left);
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
	if ((rc = arg_str(r, v, off, what, &s)))
		return rc;
	if (utf8_count(s.ptr, s.len) != 1)
		return ev_fail(r, off, "the fill character must be "
			       "exactly one character long");
	utf8_next(s.ptr, s.len, fill);
	return 0;
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
size_t str_split_lines(struct evaluator *r, const struct value_str *s,
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

/* Python's islower()/isupper(): some cased character, none the other. */
int str_case_test(struct evaluator *r, size_t off, struct value *self,
		  bool upper, struct value **out)
{
	bool cased = false;
	struct value_str s;
	size_t i = 0;
	uint32_t cp;
	int rc;

	if ((rc = arg_self_str(r, self, off, &s)))
		return rc;
	while (i < s.len) {
		i += cp_at(&s, i, &cp);
		if (upper ? uc_upper(cp) != cp : uc_lower(cp) != cp)
			return bool_out(out, false);
		cased = cased || uc_cased(cp);
	}
	return bool_out(out, cased);
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

	if ((rc = arg_opt_int(r, argv[1], off, -1, &max)) ||
	    (rc = ev_charge(r, self->u.s.len, off)))
		return rc;
	if (max < 0 || max > TPL_MAX_ITEMS)	/* more would fail below */
		max = TPL_MAX_ITEMS;
	if (!argv[0] || argv[0]->kind == VALUE_NONE) {
		split_space(r, &self->u.s, max, from_right, list);
	} else {
		if ((rc = arg_str(r, argv[0], off, "split", &sep)))
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

	n = str_split_lines(r, &self->u.s, &lines, &ends);
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

	if ((rc = arg_opt_int(r, start, off, 0, &b)) ||
	    (rc = arg_opt_int(r, end, off, n, &e)))
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

	if ((rc = arg_str(r, argv[0], off, "replace", &old)) ||
	    (rc = arg_str(r, argv[1], off, "replace", &new)) ||
	    (rc = arg_opt_int(r, argv[2], off, -1, &count)) ||
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

	if ((rc = arg_str(r, argv[0], off, "find", &sub)) ||
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
	return tpl_format_str(r, &self->u.s, args, off, out);
}

/* center, ljust and rjust. */
static int pad_method(struct evaluator *r, size_t off, struct value *self,
		      struct value **argv, char align, struct value **out)
{
	long long width;
	uint32_t fill;
	int rc;

	if ((rc = arg_int(r, argv[0], off, &width)) ||
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

	if ((rc = arg_int(r, argv[0], off, &width)))
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
	return str_case_test(r, off, self, false, out);
}

TPL_FN(m_isupper)
{
	return str_case_test(r, off, self, true, out);
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

	if ((rc = arg_str(r, sepv, off, "partition", &sep)))
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

	if ((rc = arg_str(r, arg, off, "removeprefix", &a)))
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

/* ---- table --------------------------------------------------------------- */

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

const struct tpl_func_table tpl_str_method_table = TPL_TABLE(str_methods);
