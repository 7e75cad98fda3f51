#ifndef GENSHIP_ARENA_H
#define GENSHIP_ARENA_H

#include <stddef.h>

/*
 * A bump allocator: many small allocations, one free.  Blocks handed out
 * are aligned for any type and live until arena_release().  Tokens, AST
 * nodes, template values and render temporaries all come from arenas.
 */
struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;		/* bytes used in head */
	size_t total;		/* bytes handed out over the arena's life */
};

#define ARENA_INIT { NULL, 0, 0 }

/* Initialise an empty arena. */
void arena_init(struct arena *a);
/* Free every block; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);
/* Return n bytes, uninitialised. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Return n zeroed bytes. */
void *arena_zalloc(struct arena *a, size_t n);
/* Return a NUL-terminated copy of the first n bytes of s. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Return a copy of the NUL-terminated string s. */
char *arena_strdup(struct arena *a, const char *s);
/* Return a printf-formatted string. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARENA_NEW(a, type) ((type *)arena_zalloc((a), sizeof(type)))

#endif
