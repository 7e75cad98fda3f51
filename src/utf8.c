/*
 * The UTF-8 decoder and the walks built on it (see utf8.h).  Strict, as
 * Python's: a sequence is valid only in its shortest form, outside the
 * surrogates and at most U+10FFFF.
 */
#include "utf8.h"

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i;
	uint32_t c;

	if (cp)
		*cp = p[0];
	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xC2 || p[0] > 0xF4)
		return 0;	/* a continuation, an overlong lead, too big */
	len = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	if (len > n)
		return 0;
	c = p[0] & (0x7Fu >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3Fu);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	if (cp)
		*cp = c;
	return len;
}

size_t utf8_invalid(const char *s, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		if (!(len = utf8_decode(s + i, n - i, NULL)))
			return i;
		i += len;
	}
	return n;
}

size_t utf8_next(const char *s, size_t n, uint32_t *cp)
{
	size_t len = utf8_decode(s, n, cp);

	return len ? len : 1;
}

size_t utf8_back(const char *s, size_t start, size_t end)
{
	size_t c = end - 1;

	while (c > start && end - c < 4 && ((unsigned char)s[c] & 0xC0) ==
	       0x80)
		c--;
	return utf8_decode(s + c, end - c, NULL) == end - c ? c : end - 1;
}

size_t utf8_put(char *buf, uint32_t cp)
{
	unsigned char *b = (unsigned char *)buf;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (unsigned char)(0xF0 | (cp >> 18));
	b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	b[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_count(const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80)
			i++;
		else
			i += utf8_next(s + i, n - i, NULL);
		count++;
	}
	return count;
}

size_t utf8_offset(const char *s, size_t n, size_t i)
{
	size_t off = 0;

	while (i-- && off < n)
		off += utf8_next(s + off, n - off, NULL);
	return off;
}
