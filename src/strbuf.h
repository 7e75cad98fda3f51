#ifndef GENSHIP_STRBUF_H
#define GENSHIP_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A growable byte buffer, always NUL-terminated.  An optional size cap
 * bounds untrusted output: a write that would pass `max` is dropped and
 * sets `overflow`, which the caller checks once at the end.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max;		/* 0: no cap */
	bool overflow;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0, 0, false }

/* Initialise sb as empty, with an optional cap (0 for none). */
void strbuf_init(struct strbuf *sb, size_t max);
/* Free the buffer and reinitialise sb as empty. */
void strbuf_release(struct strbuf *sb);
/* Return the buffer, caller-owned, and reinitialise sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Truncate to zero length, keeping the allocation. */
void strbuf_reset(struct strbuf *sb);
/* Truncate to len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Make room for extra more bytes. Returns false if the cap forbids it. */
bool strbuf_grow(struct strbuf *sb, size_t extra);
/* Append n bytes of data. */
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
/* Append the NUL-terminated string s. */
void strbuf_adds(struct strbuf *sb, const char *s);
/* Append one byte. */
void strbuf_addch(struct strbuf *sb, int c);
/* Append n copies of byte c. */
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
/* Append the n bytes at s for a message: newline as \n, other control
 * bytes as \xNN, everything else as it is. */
void strbuf_add_printable(struct strbuf *sb, const char *s, size_t n);
/*
 * Append the n bytes at s as one word for a POSIX shell: as they are
 * when that is safe, else in single quotes (an empty s too).
 */
void strbuf_add_shell_quoted(struct strbuf *sb, const char *s, size_t n);
/* True when one line of lines (each newline-terminated) is s. */
bool strbuf_lines_contain(const char *lines, const char *s);
/*
 * Append each line of lines (newline-terminated) quoted and joined for a
 * message: 'a', 'b', 'c'.  Returns how many lines there were.
 */
size_t strbuf_add_quoted_lines(struct strbuf *sb, const char *lines);
/*
 * Append the words of text (split at spaces) filled to width columns: the
 * first line continues from column col (what the caller already wrote on
 * it), later lines start with indent spaces.  A word longer than a line
 * stands alone, unbroken.  Columns count UTF-8 characters.  No final
 * newline is added.
 */
void strbuf_add_wrapped(struct strbuf *sb, const char *text, size_t col,
			size_t indent, size_t width);
/* Append printf-formatted text. */
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
