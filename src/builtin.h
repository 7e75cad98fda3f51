#ifndef GENSHIP_BUILTIN_H
#define GENSHIP_BUILTIN_H

#include <stddef.h>

/*
 * Files compiled into the binary by embed-gen at build time: the built-in
 * templates (templates/NAME/...) and their shared hooks (hooks/...).
 * Paths are source-tree relative and sorted; data is NUL-terminated.
 */
struct builtin_file {
	const char *path;
	unsigned mode;		/* 0755 or 0644 */
	const char *data;
	size_t len;
};

extern const struct builtin_file builtin_files[];
extern const size_t builtin_nfiles;

#endif
