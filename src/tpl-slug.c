/*
 * cookiecutter's slugify filter: python-slugify's slugify() with its
 * keyword arguments (max_length, word_boundary, separator, save_order,
 * stopwords, lowercase, replacements; entities, decimal and hexadecimal
 * as their defaults).  Latin-1 and Latin Extended-A transliterate as
 * unidecode does; other non-ASCII characters are dropped.
 */
#include "tpl-fn.h"

#include <string.h>
#include <strings.h>

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

	while (q < end && (hex ? uc_digit_value((unsigned char)*q) < 16 :
			   uc_isdigit((unsigned char)*q))) {
		v = v * (hex ? 16 : 10) + (unsigned long)uc_digit_value(
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
		    (rc = arg_str(r, p->u.list.items[0], off, "slugify",
				  &old)) ||
		    (rc = arg_str(r, p->u.list.items[1], off, "slugify",
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
int tpl_slugify(struct evaluator *r, size_t off, struct value *self,
		struct value **argv, const struct tpl_args *args,
		struct value **out)
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
	if ((rc = arg_self_str(r, self, off, &s)) ||
	    (rc = arg_opt_int(r, kw[0], off, 0, &max)) ||
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
