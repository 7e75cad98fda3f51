/*
 * The template lexer.  In text mode it scans for the earliest opening
 * delimiter; comments and raw blocks are consumed whole.  Inside a tag it
 * returns one token at a time, classified by the first byte through
 * cc_table, and tracks brackets so that `}}` inside `{{ {'a': {}} }}`
 * closes a dict, not the tag.  Semantics follow jinja2/lexer.py: `-`
 * strips all whitespace (newlines too) on its side, string literals take
 * Python escapes, and newlines in text and strings become "\n".
 */
#include "tpl-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum char_class { XX, SP, DG, NM, QT, OP, HI };

static const unsigned char cc_table[256] = {
	XX, XX, XX, XX, XX, XX, XX, XX, XX, SP, SP, SP, SP, SP, XX, XX,
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, SP, SP, SP, SP,
	SP, OP, QT, XX, XX, OP, XX, QT, OP, OP, OP, OP, OP, OP, OP, OP,
	DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, OP, OP, OP, OP, OP, XX,
	XX, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM,
	NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, OP, XX, OP, XX, NM,
	XX, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM,
	NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, OP, OP, OP, OP, XX,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
};

static const char *const default_open[DELIM_N] = { "{{", "{%", "{#" };
static const char *const default_close[DELIM_N] = { "}}", "%}", "#}" };

void lex_delims_init(struct tpl_delims *d, const struct tpl_syntax *syntax)
{
	const char *open[DELIM_N] = { NULL, NULL, NULL };
	const char *close[DELIM_N] = { NULL, NULL, NULL };
	/* Jinja tries longer openers first; ties: variable, comment, block. */
	static const enum tpl_delim ties[DELIM_N] = {
		DELIM_VAR, DELIM_COMMENT, DELIM_BLOCK
	};
	int i, j;

	if (syntax) {
		open[DELIM_VAR] = syntax->var_open;
		close[DELIM_VAR] = syntax->var_close;
		open[DELIM_BLOCK] = syntax->block_open;
		close[DELIM_BLOCK] = syntax->block_close;
		open[DELIM_COMMENT] = syntax->comment_open;
		close[DELIM_COMMENT] = syntax->comment_close;
	}
	memset(d->first, 0, sizeof(d->first));
	for (i = 0; i < DELIM_N; i++) {
		d->open[i] = open[i] && *open[i] ? open[i] : default_open[i];
		d->close[i] = close[i] && *close[i] ? close[i] :
			      default_close[i];
		d->open_len[i] = strlen(d->open[i]);
		d->close_len[i] = strlen(d->close[i]);
		d->first[(unsigned char)d->open[i][0]] = true;
		d->order[i] = ties[i];
	}
	for (i = 1; i < DELIM_N; i++)	/* stable: longest first */
		for (j = i; j > 0 && d->open_len[d->order[j - 1]] <
				     d->open_len[d->order[j]]; j--) {
			enum tpl_delim t = d->order[j];

			d->order[j] = d->order[j - 1];
			d->order[j - 1] = t;
		}
}

void lex_init(struct lexer *lx, const struct diag_src *src,
	      const struct tpl_delims *d, struct arena *a, struct diag *err,
	      bool expr_only)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src->text;
	lx->len = src->len;
	lx->dsrc = src;
	lx->d = d;
	lx->a = a;
	lx->err = err;
	lx->expr_only = expr_only;
	lx->in_tag = expr_only;
	lx->tag_end = TOK_EOF;
	lx->bad_utf8 = utf8_invalid(src->text, src->len);
}

/* The text of each operator, indexed by kind - TOK_ADD. */
static const char *const op_text[] = {
#define X(name, text) text,
	TPL_OPERATORS(X)
#undef X
	"in", "not in",
};

const char *lex_describe(const struct tpl_delims *d, enum tok_kind kind)
{
	switch (kind) {
	case TOK_EOF:
		return "end of template";
	case TOK_TEXT:
		return "template text";
	case TOK_VAR_BEGIN:
		return d->open[DELIM_VAR];
	case TOK_VAR_END:
		return d->close[DELIM_VAR];
	case TOK_BLOCK_BEGIN:
		return d->open[DELIM_BLOCK];
	case TOK_BLOCK_END:
		return d->close[DELIM_BLOCK];
	case TOK_NAME:
		return "name";
	case TOK_STRING:
		return "string";
	case TOK_INT:
		return "integer";
	case TOK_FLOAT:
		return "float";
	default:
		return op_text[kind - TOK_ADD];
	}
}

/* True when the n bytes of s appear at pos. */
static bool lex_at(const struct lexer *lx, size_t pos, const char *s,
		   size_t n)
{
	return pos <= lx->len && lx->len - pos >= n &&
	       (!n || lx->src[pos] == s[0]) && !memcmp(lx->src + pos, s, n);
}

/* The position after the whitespace that starts at pos. */
static size_t lex_skip_space(const struct lexer *lx, size_t pos)
{
	size_t n;

	while ((n = uc_space(lx->src + pos, lx->len - pos)))
		pos += n;
	return pos;
}

/* The end of [start, end) once trailing whitespace is stripped. */
static size_t lex_rstrip(const struct lexer *lx, size_t start, size_t end)
{
	while (end > start) {
		size_t c = utf8_back(lx->src, start, end);
		uint32_t cp;

		if (utf8_decode(lx->src + c, end - c, &cp) != end - c ||
		    !uc_isspace(cp))
			break;
		end = c;
	}
	return end;
}

/* An opening delimiter found in text. */
struct opener {
	enum tpl_delim kind;
	bool raw;
	char sign;		/* '-', '+' or 0 */
	size_t len;		/* bytes of the opener (with the raw tag) */
};

/* Match {% raw %} (or {%- raw -%} ...) at pos. */
static bool lex_match_raw(const struct lexer *lx, size_t pos,
			  struct opener *o)
{
	const struct tpl_delims *d = lx->d;
	size_t p = pos + d->open_len[DELIM_BLOCK];
	size_t cl = d->close_len[DELIM_BLOCK];

	if (!lex_at(lx, pos, d->open[DELIM_BLOCK], d->open_len[DELIM_BLOCK]))
		return false;
	o->sign = p < lx->len && (lx->src[p] == '-' || lx->src[p] == '+') ?
		  lx->src[p] : 0;
	p = lex_skip_space(lx, p + (o->sign != 0));
	if (!lex_at(lx, p, "raw", 3))
		return false;
	p = lex_skip_space(lx, p + 3);
	if (lex_at(lx, p, "-", 1) && lex_at(lx, p + 1, d->close[DELIM_BLOCK],
					    cl))
		p = lex_skip_space(lx, p + 1 + cl);
	else if (lex_at(lx, p, d->close[DELIM_BLOCK], cl))
		p += cl;
	else
		return false;
	o->raw = true;
	o->kind = DELIM_BLOCK;
	o->len = p - pos;
	return true;
}

static bool lex_match_opener(const struct lexer *lx, size_t pos,
			     struct opener *o)
{
	int i;

	if (lex_match_raw(lx, pos, o))
		return true;
	for (i = 0; i < DELIM_N; i++) {
		enum tpl_delim k = lx->d->order[i];
		size_t n = lx->d->open_len[k];

		if (!lex_at(lx, pos, lx->d->open[k], n))
			continue;
		o->raw = false;
		o->kind = k;
		o->sign = pos + n < lx->len && (lx->src[pos + n] == '-' ||
						lx->src[pos + n] == '+') ?
			  lx->src[pos + n] : 0;
		o->len = n + (o->sign != 0);
		return true;
	}
	return false;
}

/* The position of the next opener at or after pos, or lx->len. */
static size_t lex_find_opener(const struct lexer *lx, size_t pos,
			      struct opener *o)
{
	for (; pos < lx->len; pos++)
		if (lx->d->first[(unsigned char)lx->src[pos]] &&
		    lex_match_opener(lx, pos, o))
			return pos;
	return lx->len;
}

/* Make a text token from [start, end), normalising newlines. */
static void lex_text_token(struct lexer *lx, struct token *tok, size_t start,
			   size_t end)
{
	const char *s = lx->src + start;
	size_t n = end - start, i, j = 0;
	char *copy;

	tok->kind = TOK_TEXT;
	tok->off = start;
	tok->len = n;
	tok->v.s.ptr = s;
	tok->v.s.len = n;
	if (!memchr(s, '\r', n))
		return;
	copy = arena_alloc(lx->a, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		copy[j++] = s[i] == '\r' ? '\n' : s[i];
	}
	copy[j] = '\0';
	tok->v.s.ptr = copy;
	tok->v.s.len = j;
}

/* Skip a comment whose opener o is at pos. */
static int lex_comment(struct lexer *lx, size_t pos, const struct opener *o)
{
	const struct tpl_delims *d = lx->d;
	size_t from = pos + o->len, q = from;

	if (from >= lx->len) {	/* Jinja ends quietly at the end */
		lx->pos = lx->len;
		return 0;
	}
	for (;; q++) {
		if (q >= lx->len)
			return diag_at(lx->err, lx->dsrc, pos, "unclosed '%s'",
				       d->open[DELIM_COMMENT]);
		if (lex_at(lx, q, d->close[DELIM_COMMENT],
			   d->close_len[DELIM_COMMENT]))
			break;
	}
	lx->pos = q + d->close_len[DELIM_COMMENT];
	if (q > from && lx->src[q - 1] == '-')
		lx->pos = lex_skip_space(lx, lx->pos);
	return 0;
}

/* Match {% endraw %} at q; on success set *sign and *end. */
static bool lex_match_endraw(const struct lexer *lx, size_t q, char *sign,
			     size_t *end)
{
	const struct tpl_delims *d = lx->d;
	size_t p = q + d->open_len[DELIM_BLOCK];
	size_t cl = d->close_len[DELIM_BLOCK];

	if (!lex_at(lx, q, d->open[DELIM_BLOCK], d->open_len[DELIM_BLOCK]))
		return false;
	*sign = p < lx->len && (lx->src[p] == '-' || lx->src[p] == '+') ?
		lx->src[p] : 0;
	p = lex_skip_space(lx, p + (*sign != 0));
	if (!lex_at(lx, p, "endraw", 6))
		return false;
	p = lex_skip_space(lx, p + 6);
	if (lex_at(lx, p, "+", 1) && lex_at(lx, p + 1, d->close[DELIM_BLOCK],
					    cl))
		*end = p + 1 + cl;
	else if (lex_at(lx, p, "-", 1) &&
		 lex_at(lx, p + 1, d->close[DELIM_BLOCK], cl))
		*end = lex_skip_space(lx, p + 1 + cl);
	else if (lex_at(lx, p, d->close[DELIM_BLOCK], cl))
		*end = p + cl;
	else
		return false;
	return true;
}

/* Read a raw block whose opener o is at pos; *tok may stay empty. */
static int lex_raw(struct lexer *lx, size_t pos, const struct opener *o,
		   struct token *tok)
{
	size_t start = pos + o->len, q, end;
	char sign;

	if (start >= lx->len) {	/* as for comments: nothing follows */
		lx->pos = lx->len;
		return 0;
	}
	for (q = start;; q++) {
		if (q >= lx->len) {
			unsigned line, col;

			diag_linecol(lx->dsrc, pos, &line, &col);
			return diag_at(lx->err, lx->dsrc, lx->len,
				       "unexpected end of template, expected "
				       "'endraw' to close 'raw' opened at line "
				       "%u", line);
		}
		if (lex_match_endraw(lx, q, &sign, &end))
			break;
	}
	lx->pos = end;
	if (sign == '-')
		q = lex_rstrip(lx, start, q);
	if (q > start)
		lex_text_token(lx, tok, start, q);
	return 0;
}

/* True when the n bytes at s occur in [pos, lx->len). */
static bool lex_ahead(const struct lexer *lx, size_t pos, const char *s,
		      size_t n)
{
	return pos <= lx->len && memmem(lx->src + pos, lx->len - pos, s, n);
}

/* Open a {{ or {% tag found at pos; it must be closed somewhere. */
static int lex_open_tag(struct lexer *lx, size_t pos, const struct opener *o,
			struct token *tok)
{
	bool var = o->kind == DELIM_VAR;

	if (!lex_ahead(lx, pos + o->len, lx->d->close[o->kind],
		       lx->d->close_len[o->kind]))
		return diag_at(lx->err, lx->dsrc, pos, "unclosed '%s'",
			       lx->d->open[o->kind]);

	tok->kind = var ? TOK_VAR_BEGIN : TOK_BLOCK_BEGIN;
	tok->off = pos;
	tok->len = o->len;
	lx->pos = pos + o->len;
	lx->in_tag = true;
	lx->tag_end = var ? TOK_VAR_END : TOK_BLOCK_END;
	lx->nbrackets = 0;
	return 0;
}

static int lex_text(struct lexer *lx, struct token *tok)
{
	struct opener o = { DELIM_VAR, false, 0, 0 };
	size_t q, end;
	int rc;

	for (;;) {
		tok->kind = TOK_EOF;
		tok->off = lx->pos;
		tok->len = 0;
		if (lx->pos >= lx->len)
			return 0;
		q = lex_find_opener(lx, lx->pos, &o);
		if (q > lx->pos) {
			end = q < lx->len && o.sign == '-' ?
			      lex_rstrip(lx, lx->pos, q) : q;
			if (end > lx->pos) {
				lex_text_token(lx, tok, lx->pos, end);
				lx->pos = q;
				return 0;
			}
			lx->pos = q;
			if (q >= lx->len)
				continue;
		}
		if (o.raw) {
			rc = lex_raw(lx, q, &o, tok);
			if (rc || tok->kind == TOK_TEXT)
				return rc;
		} else if (o.kind == DELIM_COMMENT) {
			if ((rc = lex_comment(lx, q, &o)))
				return rc;
		} else {
			return lex_open_tag(lx, q, &o, tok);
		}
	}
}

/* Match the end of the open tag at pos: its length, 0 if none. */
static size_t lex_match_end(const struct lexer *lx, size_t pos, bool *strip)
{
	enum tpl_delim k = lx->tag_end == TOK_VAR_END ? DELIM_VAR :
			   DELIM_BLOCK;
	const char *close = lx->d->close[k];
	size_t cl = lx->d->close_len[k];

	*strip = false;
	if (lex_at(lx, pos, "-", 1) && lex_at(lx, pos + 1, close, cl)) {
		*strip = true;
		return cl + 1;
	}
	if (k == DELIM_BLOCK && lex_at(lx, pos, "+", 1) &&
	    lex_at(lx, pos + 1, close, cl))
		return cl + 1;
	return lex_at(lx, pos, close, cl) ? cl : 0;
}

/* Length of digits with single underscores between them: (\d+_)*\d+. */
static size_t lex_digits(const struct lexer *lx, size_t p)
{
	size_t start = p;

	for (;;) {
		if (p >= lx->len || cc_table[(unsigned char)lx->src[p]] != DG)
			return p - start;
		while (p < lx->len && cc_table[(unsigned char)lx->src[p]] == DG)
			p++;
		if (p + 1 < lx->len && lx->src[p] == '_' &&
		    cc_table[(unsigned char)lx->src[p + 1]] == DG)
			p++;
		else
			return p - start;
	}
}

/* Length of a float literal at p, or 0 when it is not one. */
static size_t lex_float_len(const struct lexer *lx, size_t p)
{
	size_t start = p, n = lex_digits(lx, p), frac = 0, e;

	if (p > 0 && lx->src[p - 1] == '.')
		return 0;
	p += n;
	if (p + 1 < lx->len && lx->src[p] == '.' &&
	    (frac = lex_digits(lx, p + 1)))
		p += 1 + frac;
	if (p < lx->len && (lx->src[p] == 'e' || lx->src[p] == 'E')) {
		e = p + 1;
		if (e < lx->len && (lx->src[e] == '+' || lx->src[e] == '-'))
			e++;
		if ((n = lex_digits(lx, e)))
			return e + n - start;
	}
	return frac ? p - start : 0;
}

/* Length of digits in base with optional single underscores before. */
static size_t lex_based_digits(const struct lexer *lx, size_t p, int base)
{
	size_t start = p;

	for (;;) {
		size_t q = p < lx->len && lx->src[p] == '_' ? p + 1 : p;
		int c = q < lx->len ? (unsigned char)lx->src[q] : 0;
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

		if (v >= base)
			return p - start;
		p = q + 1;
	}
}

/* Length of an integer literal at p and its base. */
static size_t lex_int_len(const struct lexer *lx, size_t p, int *base)
{
	static const struct {
		char c;
		int base;
	} prefixes[] = { { 'b', 2 }, { 'o', 8 }, { 'x', 16 } };
	size_t i, n;

	*base = 10;
	if (lx->src[p] == '0' && p + 1 < lx->len) {
		int c = lx->src[p + 1] | 0x20;

		for (i = 0; i < 3; i++) {
			if (c != prefixes[i].c)
				continue;
			n = lex_based_digits(lx, p + 2, prefixes[i].base);
			if (n) {
				*base = prefixes[i].base;
				return n + 2;
			}
		}
	}
	if (lx->src[p] != '0')
		return lex_digits(lx, p);
	for (n = 1; p + n < lx->len; n++) {
		if (lx->src[p + n] == '0')
			continue;
		if (lx->src[p + n] == '_' && p + n + 1 < lx->len &&
		    lx->src[p + n + 1] == '0')
			continue;
		break;
	}
	return n;
}

/* Copy n bytes at s without underscores (and a base prefix) into buf. */
static char *lex_clean_number(struct lexer *lx, const char *s, size_t n,
			      int base)
{
	char *buf = arena_alloc(lx->a, n + 1);
	size_t i = base == 10 ? 0 : 2, j = 0;

	for (; i < n; i++)
		if (s[i] != '_')
			buf[j++] = s[i];
	buf[j] = '\0';
	return buf;
}

static int lex_number(struct lexer *lx, struct token *tok)
{
	size_t p = lx->pos, n = lex_float_len(lx, p);
	int base;
	char *s;

	tok->off = p;
	if (n) {
		tok->kind = TOK_FLOAT;
		tok->len = n;
		s = lex_clean_number(lx, lx->src + p, n, 10);
		tok->v.f = strtod(s, NULL);
		lx->pos += n;
		return 0;
	}
	n = lex_int_len(lx, p, &base);
	tok->kind = TOK_INT;
	tok->len = n;
	s = lex_clean_number(lx, lx->src + p, n, base);
	errno = 0;
	tok->v.i = strtoll(s, NULL, base);
	if (errno == ERANGE)
		return diag_at(lx->err, lx->dsrc, p,
			       "integer literal is too large");
	lx->pos += n;
	return 0;
}

static int lex_name(struct lexer *lx, struct token *tok)
{
	size_t p = lx->pos;

	while (p < lx->len) {
		unsigned char c = (unsigned char)lx->src[p];

		if (cc_table[c] == NM || cc_table[c] == DG)
			p++;
		else if (cc_table[c] == HI && !uc_space(lx->src + p,
							lx->len - p))
			p++;
		else
			break;
	}
	tok->kind = TOK_NAME;
	tok->off = lx->pos;
	tok->len = p - lx->pos;
	tok->v.s.ptr = lx->src + lx->pos;
	tok->v.s.len = tok->len;
	lx->pos = p;
	return 0;
}

/* Value of n hex digits at s, or -1. */
static long lex_hex(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + ((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return v;
}

/* Append code point cp as UTF-8. */
static void lex_add_cp(struct strbuf *sb, uint32_t cp)
{
	char buf[4];

	strbuf_add(sb, buf, utf8_put(buf, cp));
}

/*
 * Decode the escape at s[0] == '\\' (end is the string's end) into sb.
 * Returns the bytes consumed, or 0 with *msg set.
 */
static size_t lex_escape(const char *s, const char *end, struct strbuf *sb,
			 const char **msg)
{
	static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
	static const struct {
		char c;
		size_t n;
		const char *msg;
	} hex[] = {
		{ 'x', 2, "truncated \\xXX escape" },
		{ 'u', 4, "truncated \\uXXXX escape" },
		{ 'U', 8, "truncated \\UXXXXXXXX escape" },
	};
	size_t i, n;
	uint32_t cp;
	long v;

	if (s[1] == '\n')
		return 2;
	if (s[1] == '\r')
		return s + 2 < end && s[2] == '\n' ? 3 : 2;
	for (i = 0; simple[i]; i += 2)
		if (s[1] == simple[i]) {
			strbuf_addch(sb, simple[i + 1]);
			return 2;
		}
	if (s[1] >= '0' && s[1] <= '7') {
		for (n = 1, v = 0; n <= 3 && s + n < end && s[n] >= '0' &&
		     s[n] <= '7'; n++)
			v = v * 8 + (s[n] - '0');
		lex_add_cp(sb, (uint32_t)v);
		return n;
	}
	for (i = 0; i < 3; i++) {
		if (s[1] != hex[i].c)
			continue;
		v = (size_t)(end - s - 2) >= hex[i].n ?
		    lex_hex(s + 2, hex[i].n) : -1;
		if (v < 0 || v > 0x10FFFF) {
			*msg = v < 0 ? hex[i].msg : "illegal Unicode character";
			return 0;
		}
		lex_add_cp(sb, (uint32_t)v);
		return 2 + hex[i].n;
	}
	if (s[1] == 'N') {
		*msg = "\\N{...} escapes are not supported";
		return 0;
	}
	if ((unsigned char)s[1] >= 0x80) {
		/* Python escapes non-ASCII before decoding: "\é" is "\\xe9" */
		n = utf8_next(s + 1, (size_t)(end - s - 1), &cp);
		strbuf_addf(sb, cp <= 0xFF ? "\\x%02x" : cp <= 0xFFFF ?
			    "\\u%04x" : "\\U%08x", (unsigned)cp);
		return 1 + n;
	}
	strbuf_addch(sb, '\\');
	strbuf_addch(sb, s[1]);
	return 2;
}

/* Decode the body of a string literal [s, end) into the token. */
static int lex_decode_string(struct lexer *lx, const char *s,
			     const char *end, struct token *tok)
{
	struct strbuf sb = STRBUF_INIT;
	const char *msg = NULL;
	const char *p = s;
	int rc = 0;

	while (p < end) {
		size_t n;

		if (*p == '\\') {
			if (!(n = lex_escape(p, end, &sb, &msg))) {
				rc = diag_at(lx->err, lx->dsrc,
					     (size_t)(p - lx->src), "%s", msg);
				goto out;
			}
			p += n;
		} else if (*p == '\r') {
			strbuf_addch(&sb, '\n');
			p += p + 1 < end && p[1] == '\n' ? 2 : 1;
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	tok->v.s.len = sb.len;
	tok->v.s.ptr = arena_strndup(lx->a, sb.buf, sb.len);
out:
	strbuf_release(&sb);
	return rc;
}

static int lex_string(struct lexer *lx, struct token *tok)
{
	char quote = lx->src[lx->pos];
	size_t p = lx->pos + 1;
	int rc;

	while (p < lx->len && lx->src[p] != quote)
		p += lx->src[p] == '\\' && p + 1 < lx->len ? 2 : 1;
	if (p >= lx->len)
		return diag_at(lx->err, lx->dsrc, lx->pos,
			       "unterminated string");
	tok->kind = TOK_STRING;
	tok->off = lx->pos;
	tok->len = p + 1 - lx->pos;
	rc = lex_decode_string(lx, lx->src + lx->pos + 1, lx->src + p, tok);
	lx->pos = p + 1;
	return rc;
}

/* Track an opening or closing bracket. */
static int lex_bracket(struct lexer *lx, char c, size_t off)
{
	static const char pairs[] = "()[]{}";
	const char *open = strchr(pairs, c);
	char want;

	if ((open - pairs) % 2 == 0) {
		if (lx->nbrackets >= TPL_MAX_DEPTH)
			return diag_at(lx->err, lx->dsrc, off,
				       "brackets nest deeper than %d levels",
				       TPL_MAX_DEPTH);
		lx->brackets[lx->nbrackets++] = open[1];
		return 0;
	}
	if (!lx->nbrackets)
		return diag_at(lx->err, lx->dsrc, off, "unexpected '%c'", c);
	want = lx->brackets[--lx->nbrackets];
	if (want != c)
		return diag_at(lx->err, lx->dsrc, off,
			       "unexpected '%c', expected '%c'", c, want);
	return 0;
}

/* The longest operator at the current position. */
static int lex_op(struct lexer *lx, struct token *tok)
{
	size_t i, n, best_n = 0, best = 0;

	for (i = 0; i <= TOK_SEMICOLON - TOK_ADD; i++) {
		if (op_text[i][0] != lx->src[lx->pos])
			continue;
		n = strlen(op_text[i]);
		if (n > best_n && lex_at(lx, lx->pos, op_text[i], n)) {
			best = i;
			best_n = n;
		}
	}
	if (!best_n)
		return diag_at(lx->err, lx->dsrc, lx->pos,
			       "unexpected character '%c'", lx->src[lx->pos]);
	tok->kind = (enum tok_kind)(TOK_ADD + best);
	tok->off = lx->pos;
	tok->len = best_n;
	lx->pos += best_n;
	if (best_n == 1 && strchr("()[]{}", op_text[best][0]))
		return lex_bracket(lx, op_text[best][0], tok->off);
	return 0;
}

/* Report a byte that cannot start a token. */
static int lex_bad_char(struct lexer *lx)
{
	unsigned char c = (unsigned char)lx->src[lx->pos];

	if (c >= 0x20 && c < 0x7F)
		return diag_at(lx->err, lx->dsrc, lx->pos,
			       "unexpected character '%c'", c);
	return diag_at(lx->err, lx->dsrc, lx->pos,
		       "unexpected character '\\x%02x'", c);
}

/*
 * True when the tag end at pos ends the tag although brackets are open:
 * unless it starts with the bracket that closes the innermost one (the
 * `}` of a dict before `}}`), the expression is unbalanced and the parser
 * reports what it expected.
 */
static bool lex_end_wins(const struct lexer *lx, size_t pos)
{
	char c = lx->src[pos];

	return !lx->nbrackets || c != lx->brackets[lx->nbrackets - 1];
}

static int lex_tag(struct lexer *lx, struct token *tok)
{
	size_t n;
	bool strip;

	for (;;) {
		if (!lx->expr_only &&
		    (n = lex_match_end(lx, lx->pos, &strip)) &&
		    lex_end_wins(lx, lx->pos)) {
			tok->kind = lx->tag_end;
			tok->off = lx->pos;
			tok->len = n;
			lx->pos += n;
			if (strip)
				lx->pos = lex_skip_space(lx, lx->pos);
			lx->in_tag = false;
			return 0;
		}
		if (!(n = uc_space(lx->src + lx->pos, lx->len - lx->pos)))
			break;
		lx->pos += n;
	}
	if (lx->pos >= lx->len) {
		tok->kind = TOK_EOF;
		tok->off = lx->len;
		tok->len = 0;
		return 0;
	}
	switch (cc_table[(unsigned char)lx->src[lx->pos]]) {
	case DG:
		return lex_number(lx, tok);
	case NM:
	case HI:
		return lex_name(lx, tok);
	case QT:
		return lex_string(lx, tok);
	case OP:
		return lex_op(lx, tok);
	default:
		return lex_bad_char(lx);
	}
}

/* Refuse a source that is not UTF-8, at its first bad byte. */
static int lex_bad_utf8(struct lexer *lx)
{
	diag_bad_utf8(lx->err, lx->dsrc, lx->bad_utf8);
	diag_hint(lx->err, "a template is UTF-8 text; copy other files byte "
		  "for byte (`render: false` in genship.yml, "
		  "`_copy_without_render` in cookiecutter.json)");
	return ERR_INPUT;
}

int lex_next(struct lexer *lx, struct token *tok)
{
	memset(&tok->v, 0, sizeof(tok->v));
	if (lx->bad_utf8 < lx->len)
		return lex_bad_utf8(lx);
	if (lx->in_tag)
		return lex_tag(lx, tok);
	return lex_text(lx, tok);
}
