/*
 * Python's string formatting: `fmt % args` (printf-style, for the `%`
 * operator and the format filter) and str.format() with its format spec
 * mini-language (fill, align, sign, #, 0, width, grouping, precision,
 * type).  Widths and precisions count code points; results are capped
 * like every string a render makes.
 */
#include "tpl-fn.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- format specs -------------------------------------------------------- */

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
	uc_add_fill(sb, fill, left);
	strbuf_add(sb, prefix, plen);
	if (align == '=')
		uc_add_fill(sb, fill, pad);
	strbuf_add(sb, body, blen);
	if (align == '<' || align == '^')
		uc_add_fill(sb, fill, pad - left);
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

/* ---- printf-style: fmt % args -------------------------------------------- */

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
		    (rc = arg_int(r, v, off, &w)))
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
			    (rc = arg_int(r, v, off, &f->prec)))
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

/* ---- str.format() -------------------------------------------------------- */

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
int tpl_format_str(struct evaluator *r, const struct value_str *fmt,
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
