#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
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

void diag_linecol(const struct diag_src *src, size_t off, unsigned *line,
		  unsigned *col)
{
	unsigned l = src->line_base ? src->line_base : 1;
	unsigned c = src->col_base ? src->col_base : 1;
	size_t i;

	if (off > src->len)
		off = src->len;
	for (i = 0; i < off; i++) {
		if (src->text[i] == '\n') {
			l++;
			c = 1;
		} else if (starts_char((unsigned char)src->text[i])) {
			c++;
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

/* Fill d's position, excerpt and caret from src at line/col. */
static void set_position(struct diag *d, const struct diag_src *src,
			 unsigned line, unsigned col)
{
	unsigned first = src->line_base ? src->line_base : 1;
	unsigned base = (line == first && src->col_base) ? src->col_base : 1;
	size_t start = line_start(src, line), end = start;

	d->file = src->name ? xstrdup(src->name) : NULL;
	d->line = line;
	d->col = col;
	while (end < src->len && src->text[end] != '\n')
		end++;
	if (end > start && src->text[end - 1] == '\r')
		end--;
	if (start < src->len || start == end) {
		d->excerpt = xstrndup(src->text + start, end - start);
		d->caret = col >= base ? col - base + 1 : 1;
	}
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

int diag_at_linecol(struct diag *d, const struct diag_src *src,
		    unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (d->code)
		return ERR_INPUT;
	va_start(ap, fmt);
	vset(d, ERR_INPUT, fmt, ap);
	va_end(ap);
	set_position(d, src, line, col);
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

/* Levenshtein distance between a and b, capped by the caller's sizes. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row = xcalloc(lb + 1, sizeof(*row)), d;

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
	return d;
}

const char *diag_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i;
	size_t limit = strlen(word) / 3 + 1;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);

		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	if (limit < 2)
		limit = 2;
	return best_d <= limit ? best : NULL;
}
