#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max;
	sb->overflow = false;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, sb->max);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p = sb->alloc ? sb->buf : xstrdup("");

	if (len)
		*len = sb->len;
	strbuf_init(sb, sb->max);
	return p;
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

bool strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need;

	if (sb->overflow)
		return false;
	if (extra > (size_t)-1 - sb->len - 1 ||
	    (sb->max && sb->len + extra > sb->max)) {
		sb->overflow = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return true;
	if (need < sb->alloc * 2)
		need = sb->alloc * 2;
	if (need < 64)
		need = 64;
	if (!sb->alloc) {
		sb->buf = xmalloc(need);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, need);
	}
	sb->alloc = need;
	return true;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!n || !strbuf_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, data, n);
	strbuf_setlen(sb, sb->len + n);
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	if (!n || !strbuf_grow(sb, n))
		return;
	memset(sb->buf + sb->len, c, n);
	strbuf_setlen(sb, sb->len + n);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || !strbuf_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_add_printable(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			strbuf_adds(sb, "\\n");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
}

size_t strbuf_add_quoted_lines(struct strbuf *sb, const char *lines)
{
	const char *p = lines, *nl;
	size_t n = 0;

	for (; p && (nl = strchr(p, '\n')); p = nl + 1, n++)
		strbuf_addf(sb, "%s'%.*s'", n ? ", " : "", (int)(nl - p), p);
	return n;
}

/* True when s needs quoting to reach a POSIX shell as one word. */
static bool needs_shell_quotes(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return true;
	for (i = 0; i < n; i++)
		if (!s[i] || !strchr("abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789_@%+=:,./-", s[i]))
			return true;
	return false;
}

void strbuf_add_shell_quoted(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	if (!needs_shell_quotes(s, n)) {
		strbuf_add(sb, s, n);
		return;
	}
	strbuf_addch(sb, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addch(sb, s[i]);
	}
	strbuf_addch(sb, '\'');
}

bool strbuf_lines_contain(const char *lines, const char *s)
{
	size_t n = strlen(s);
	const char *p;

	for (p = lines; (p = strstr(p, s)); p++)
		if ((p == lines || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

void strbuf_add_wrapped(struct strbuf *sb, const char *text, size_t col,
			size_t indent, size_t width)
{
	size_t start = col;

	while (*text) {
		size_t n = strcspn(text, " "), w = utf8_count(text, n);

		if (col > start && col + 1 + w > width) {
			strbuf_addch(sb, '\n');
			strbuf_addchars(sb, ' ', indent);
			col = start = indent;
		} else if (col > start) {
			strbuf_addch(sb, ' ');
			col++;
		}
		strbuf_add(sb, text, n);
		col += w;
		text += n;
		text += strspn(text, " ");
	}
}
