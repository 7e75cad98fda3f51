#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

static char *vformat(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		return xstrdup("(out of memory formatting a message)");
	return p;
}

/* True when byte c starts a UTF-8 character (is not a continuation). */
static int starts_char(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* Bytes of the column at s: one character, or one byte that is none. */
static size_t col_bytes(const char *s, size_t n)
{
	size_t len = utf8_decode(s, n, NULL);

	return len ? len : 1;
}

int diag_bad_utf8(struct diag *d, const struct diag_src *src, size_t off)
{
	return diag_at(d, src, off, "invalid UTF-8: unexpected byte 0x%02x",
		       (unsigned char)src->text[off]);
}

void diag_linecol(const struct diag_src *src, size_t off, unsigned *line,
		  unsigned *col)
{
	unsigned l = src->line_base ? src->line_base : 1;
	unsigned c = src->col_base ? src->col_base : 1;
	size_t i = 0;

	if (off > src->len)
		off = src->len;
	while (i < off) {
		if (src->text[i] == '\n') {
			l++;
			c = 1;
			i++;
		} else {
			c++;
			i += col_bytes(src->text + i, src->len - i);
		}
	}
	*line = l;
	*col = c;
}

/* Byte offset of the start of line `line` (relative to src), or len. */
static size_t line_start(const struct diag_src *src, unsigned line)
{
	unsigned l = src->line_base ? src->line_base : 1;
	size_t i = 0;

	while (l < line && i < src->len) {
		if (src->text[i++] == '\n')
			l++;
	}
	return i;
}

/* Columns of the n bytes at s. */
static size_t count_cols(const char *s, size_t n)
{
	size_t i = 0, cols = 0;

	while (i < n) {
		i += col_bytes(s + i, n - i);
		cols++;
	}
	return cols;
}

/* Byte offset of column `cols` (0-based) of the n bytes at s. */
static size_t skip_cols(const char *s, size_t n, size_t cols)
{
	size_t i = 0;

	while (cols-- && i < n)
		i += col_bytes(s + i, n - i);
	return i;
}

/*
 * Append `cols` columns of s (n bytes) to sb, each byte that is no
 * character or is a control other than a tab shown as '?', so that the
 * excerpt stays one line of text and its columns stay columns.
 */
static void add_shown(struct strbuf *sb, const char *s, size_t n, size_t cols)
{
	size_t i = 0, len;

	while (cols-- && i < n) {
		len = utf8_decode(s + i, n - i, NULL);
		if (!len || (len == 1 && (unsigned char)s[i] < 0x20 &&
			     s[i] != '\t') || s[i] == 0x7F)
			strbuf_addch(sb, '?');
		else
			strbuf_add(sb, s + i, len);
		i += len ? len : 1;
	}
}

/*
 * The first column of a DIAG_EXCERPT_COLS-wide window over a line of
 * `total` columns that shows 1-based column caret, about centred.
 */
static size_t window_left(size_t total, unsigned caret)
{
	size_t c = caret > total ? total : caret - 1;
	size_t left = c > DIAG_EXCERPT_COLS / 2 ? c - DIAG_EXCERPT_COLS / 2 : 0;

	if (left + DIAG_EXCERPT_COLS > total)
		left = total - DIAG_EXCERPT_COLS;
	return left;
}

void diag_set_excerpt(struct diag *d, const char *line, size_t n,
		      unsigned caret)
{
	struct strbuf sb = STRBUF_INIT;
	size_t total = count_cols(line, n), left = 0, off;

	if (!caret)
		caret = 1;
	if (total > DIAG_EXCERPT_COLS)
		left = window_left(total, caret);
	off = skip_cols(line, n, left);
	if (left)
		strbuf_adds(&sb, DIAG_CUT_MARK);
	add_shown(&sb, line + off, n - off, DIAG_EXCERPT_COLS);
	if (left + DIAG_EXCERPT_COLS < total)
		strbuf_adds(&sb, DIAG_CUT_MARK);
	free(d->excerpt);
	d->excerpt = strbuf_detach(&sb, NULL);
	d->caret = caret - (unsigned)left +
		(left ? (unsigned)strlen(DIAG_CUT_MARK) : 0);
}

/* Fill d's position, excerpt and caret from src at line/col. */
static void set_position(struct diag *d, const struct diag_src *src,
			 unsigned line, unsigned col)
{
	unsigned first = src->line_base ? src->line_base : 1;
	unsigned base = (line == first && src->col_base) ? src->col_base : 1;
	size_t start = line_start(src, line), end = start;
	const char *nl;

	d->file = src->name ? xstrdup(src->name) : NULL;
	d->line = line;
	d->col = col;
	nl = start < src->len ?
		memchr(src->text + start, '\n', src->len - start) : NULL;
	end = nl ? (size_t)(nl - src->text) : src->len;
	if (end > start && src->text[end - 1] == '\r')
		end--;
	if (start < src->len || start == end)
		diag_set_excerpt(d, src->text + start, end - start,
				 col >= base ? col - base + 1 : 1);
}

static int vset(struct diag *d, int code, const char *fmt, va_list ap)
{
	if (d->code)
		return code;
	d->code = code;
	d->msg = vformat(fmt, ap);
	return code;
}

int diag_at(struct diag *d, const struct diag_src *src, size_t off,
	    const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;

	if (d->code)
		return ERR_INPUT;
	va_start(ap, fmt);
	vset(d, ERR_INPUT, fmt, ap);
	va_end(ap);
	diag_linecol(src, off, &line, &col);
	set_position(d, src, line, col);
	return ERR_INPUT;
}

int diag_vat_linecol(struct diag *d, const struct diag_src *src,
		     unsigned line, unsigned col, const char *fmt, va_list ap)
{
	if (d->code)
		return ERR_INPUT;
	vset(d, ERR_INPUT, fmt, ap);
	set_position(d, src, line, col);
	return ERR_INPUT;
}

int diag_at_linecol(struct diag *d, const struct diag_src *src,
		    unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat_linecol(d, src, line, col, fmt, ap);
	va_end(ap);
	return ERR_INPUT;
}

int diag_input(struct diag *d, const char *file, const char *fmt, ...)
{
	va_list ap;

	if (d->code)
		return ERR_INPUT;
	va_start(ap, fmt);
	vset(d, ERR_INPUT, fmt, ap);
	va_end(ap);
	d->file = file ? xstrdup(file) : NULL;
	return ERR_INPUT;
}

int diag_fail(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(d, ERR_FAIL, fmt, ap);
	va_end(ap);
	return ERR_FAIL;
}

void diag_hint(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	if (d->hint)
		return;
	va_start(ap, fmt);
	d->hint = vformat(fmt, ap);
	va_end(ap);
}

/* Write the excerpt's caret line: tabs kept so the caret lines up. */
static void print_caret(const struct diag *d, FILE *fp)
{
	const unsigned char *p = (const unsigned char *)d->excerpt;
	unsigned col = 1;

	for (; *p && col < d->caret; p++) {
		if (!starts_char(*p))
			continue;
		fputc(*p == '\t' ? '\t' : ' ', fp);
		col++;
	}
	fputs("^\n", fp);
}

void diag_print(const struct diag *d, FILE *fp)
{
	if (d->file && d->line)
		fprintf(fp, "%s:%u:%u: ", d->file, d->line, d->col);
	else if (d->file)
		fprintf(fp, "%s: ", d->file);
	else
		fputs("genship: ", fp);
	fprintf(fp, "error: %s\n", d->msg ? d->msg : "unknown error");
	if (d->excerpt && d->line) {
		int w = fprintf(fp, "%5u | ", d->line) - 2;

		fprintf(fp, "%s\n%*s| ", d->excerpt, w, "");
		print_caret(d, fp);
	}
	if (d->hint)
		fprintf(fp, "hint: %s\n", d->hint);
}

void diag_release(struct diag *d)
{
	free(d->file);
	free(d->msg);
	free(d->excerpt);
	free(d->hint);
	*d = (struct diag)DIAG_INIT;
}

/*
 * Levenshtein distance between a and b, or max + 1 when it is more than
 * max: lengths further apart than max need no table.
 */
static size_t edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row, d;

	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag_prev = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag_prev +
				(a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag_prev = up;
			row[j] = best;
		}
	}
	d = row[lb];
	free(row);
	return d > max ? max + 1 : d;
}

const char *diag_closest_within(const char *word, const char *const *cands,
				size_t n, size_t limit)
{
	const char *best = NULL;
	size_t best_d = limit + 1, i;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i], limit);

		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}

const char *diag_closest(const char *word, const char *const *cands, size_t n)
{
	size_t limit = strlen(word) / 3 + 1;

	return diag_closest_within(word, cands, n, limit < 2 ? 2 : limit);
}
