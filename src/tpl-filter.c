/*
 * Jinja2's filters (`x|default`, `xs|sort(attribute='n')`...) and the
 * dict and list methods of templates, with their sorted tables.  Each
 * table entry names its parameters, so that positional and keyword
 * arguments bind as in Python (tpl-func.c); the function then reads
 * argv[i], which is NULL for an argument that was not given.  String
 * work is tpl-str.c's, formatting tpl-format.c's, JSON tpl-json.c's and
 * slugify tpl-slug.c's.  Semantics follow jinja2/filters.py and CPython.
 */
#include "tpl-fn.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

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

/* ---- string filters ------------------------------------------------------ */

TPL_FN(f_upper)
{
	struct value_str s;
	int rc = arg_self_str(r, self, off, &s);

	return rc ? rc : str_case(r, &s, CASE_UPPER, off, out);
}

TPL_FN(f_lower)
{
	struct value_str s;
	int rc = arg_self_str(r, self, off, &s);

	return rc ? rc : str_case(r, &s, CASE_LOWER, off, out);
}

TPL_FN(f_capitalize)
{
	struct value_str s;
	int rc = arg_self_str(r, self, off, &s);

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

	if ((rc = arg_self_str(r, self, off, &s)))
		return rc;
	sb_start(&sb);
	while (i < s.len) {
		i += cp_at(&s, i, &cp);
		if (title_sep(cp))
			uc_add_cp(&sb, cp);
		else if (start)
			uc_add_upper(&sb, cp, false);
		else
			uc_add_lower(&sb, cp);
		start = title_sep(cp);
	}
	return ev_take(r, &sb, off, out);
}

TPL_FN(f_trim)
{
	struct value_str s, chars;
	size_t b, e;
	int rc;

	if ((rc = arg_self_str(r, self, off, &s)))
		return rc;
	if (argv[0] && argv[0]->kind != VALUE_NONE &&
	    (rc = arg_str(r, argv[0], off, "trim", &chars)))
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

	if ((rc = arg_self_str(r, self, off, &s)) ||
	    (rc = ev_str(r, argv[0], off, &old)) ||
	    (rc = ev_str(r, argv[1], off, &new)) ||
	    (rc = arg_opt_int(r, argv[2], off, -1, &count)))
		return rc;
	return str_replace(r, &s, &old, &new, count, off, out);
}

TPL_FN(f_center)
{
	struct value_str s;
	long long width;
	int rc;

	if ((rc = arg_self_str(r, self, off, &s)) ||
	    (rc = arg_opt_int(r, argv[0], off, 80, &width)))
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

	if ((rc = arg_self_str(r, self, off, &s)))
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
	if ((rc = arg_opt_int(r, w, off, 4, &n)))
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
	if ((rc = arg_self_str(r, self, off, &s)) ||
	    (rc = indent_str(r, argv[0], off, &ind)))
		return rc;
	copy = arena_alloc(r->a, s.len + 2);	/* s + "\n", as in Jinja */
	memcpy(copy, s.ptr, s.len);
	copy[s.len] = '\n';
	s.ptr = copy;
	s.len++;
	n = str_split_lines(r, &s, &lines, &ends);
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

	if ((rc = arg_opt_int(r, argv[0], off, 255, &length)) ||
	    (rc = arg_opt_int(r, argv[3], off, 5, &leeway)))
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
	if ((rc = arg_self_str(r, self, off, &s)) ||
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

	if ((rc = arg_self_str(r, self, off, &s)))
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

TPL_FN(f_tojson)
{
	return tpl_json_dump(r, off, self, argv[0], true, out);
}

/* cookiecutter's jsonify: json.dumps(obj, sort_keys=True, indent=4). */
TPL_FN(f_jsonify)
{
	struct value four = { .kind = VALUE_INT, .u.i = 4 };

	return tpl_json_dump(r, off, self, argv[0] ? argv[0] : &four, false,
			     out);
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
		int d = uc_digit_value((unsigned char)*p);

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

	if ((rc = arg_opt_int(r, argv[1], off, 10, &base)))
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

	if ((rc = arg_opt_int(r, argv[0], off, 0, &prec)) ||
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
	    (rc = arg_int(r, argv[0], off, &size)))
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

/* ---- tables -------------------------------------------------------------- */

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
	{ "slugify", tpl_slugify, P(NULL), 0, TPL_F_KWARGS },
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

const struct tpl_func_table tpl_filter_table = TPL_TABLE(filters);
const struct tpl_func_table tpl_dict_method_table = TPL_TABLE(dict_methods);
const struct tpl_func_table tpl_list_method_table = TPL_TABLE(list_methods);
