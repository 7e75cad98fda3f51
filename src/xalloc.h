#ifndef GENSHIP_XALLOC_H
#define GENSHIP_XALLOC_H

#include <stddef.h>

/*
 * Allocation wrappers that never return NULL: on out-of-memory they print
 * "out of memory" to stderr and exit 1 (a failed operation, as for any
 * other resource), never abort().  genship is a command-line tool, so callers
 * do not check the result.
 */

/* Return a new block of n bytes. */
void *xmalloc(size_t n);
/* Return a new zeroed block of nmemb * size bytes; dies on overflow. */
void *xcalloc(size_t nmemb, size_t size);
/* Resize p to n bytes; p may be NULL. */
void *xrealloc(void *p, size_t n);
/* Return a new copy of the NUL-terminated string s. */
char *xstrdup(const char *s);
/* Return a new NUL-terminated copy of the first n bytes of s. */
char *xstrndup(const char *s, size_t n);
/* Return a new string formatted as by printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *alloc elements of size elem) to hold at least need. */
#define XALLOC_GROW(arr, need, alloc)                                        \
	do {                                                                 \
		if ((need) > (alloc)) {                                      \
			(alloc) = (alloc) ? (alloc) * 2 : 8;                 \
			if ((alloc) < (need))                                \
				(alloc) = (need);                            \
			(arr) = xrealloc((arr), (alloc) * sizeof(*(arr)));   \
		}                                                            \
	} while (0)

#endif
