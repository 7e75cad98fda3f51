#ifndef GENSHIP_UTF8_H
#define GENSHIP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * UTF-8: the one decoder of the program, shared by the diagnostics, the
 * input checks and the template engine.  Valid UTF-8 is what Python's
 * strict decoder accepts: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing past U+10FFFF and no truncated sequence.
 *
 * Strings are byte strings with an explicit length; nothing here
 * allocates, and every function accepts any bytes.
 */

/*
 * Decode the code point at s (n > 0 bytes left).  Return the length of
 * the valid sequence at s, or 0 when s[0] starts none.  cp may be NULL;
 * otherwise *cp is the code point, or the byte s[0] when there is none.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/*
 * Return the offset of the first byte of s (n bytes) that starts no
 * valid sequence, or n when all of s is UTF-8.
 */
size_t utf8_invalid(const char *s, size_t n);
/*
 * Walk one character: as utf8_decode(), but a byte that starts no valid
 * sequence decodes as itself with length 1, so every byte string can be
 * walked.  Returns at least 1.
 */
size_t utf8_next(const char *s, size_t n, uint32_t *cp);
/*
 * Return the start of the character that ends at end (start < end), the
 * inverse of utf8_next(): a byte that ends no valid sequence is one.
 */
size_t utf8_back(const char *s, size_t start, size_t end);
/* Encode cp (at most U+10FFFF) into buf (room for 4 bytes); the length. */
size_t utf8_put(char *buf, uint32_t cp);
/* Return the number of characters utf8_next() walks in the n bytes at s. */
size_t utf8_count(const char *s, size_t n);
/* Return the byte offset of character index i (n if past the end). */
size_t utf8_offset(const char *s, size_t n, size_t i);

#endif
