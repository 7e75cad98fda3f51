#ifndef GENSHIP_PLAN_H
#define GENSHIP_PLAN_H

#include <stddef.h>

#include "diag.h"

/*
 * A plan: the files (and empty directories) one render produces, before
 * anything touches the disk.  Renderers fill plans; the writer, the
 * merger, the linters and the differ consume them.
 *
 * Ownership: a plan owns its paths and bytes; plan_release() frees them.
 */

struct plan_file {
	char *path;		/* project-relative, '/'-separated, validated */
	unsigned mode;		/* template_file_mode(), before the umask */
	char *data;		/* NUL-terminated */
	size_t len;
	const char *source;	/* the template file it was rendered from
				 * (template-relative, borrowed from the
				 * template), or NULL */
};

struct plan {
	struct plan_file *files;	/* sorted by path, unique */
	size_t nfiles, alloc;
	char **dirs;		/* directories to create even when empty
				 * (cookiecutter templates), in order */
	size_t ndirs, dirs_alloc;
	size_t bytes;		/* the sum of the files' lengths */
};

#define PLAN_INIT { NULL, 0, 0, NULL, 0, 0, 0 }

/* Bytes one render may produce over all its files (each file is also
 * capped at TPL_MAX_OUTPUT). */
#define PLAN_MAX_TOTAL ((size_t)256 << 20)

/* Add a file (data copied) and keep the plan sorted; replaces a same path. */
void plan_add(struct plan *p, const char *path, unsigned mode,
	      const char *data, size_t len);

/*
 * Add a file taking path and data (malloc'd, NUL-terminated); as
 * plan_add().  Returns the file, whose source the caller may set.
 */
struct plan_file *plan_add_owned(struct plan *p, char *path, unsigned mode,
				 char *data, size_t len);

/* Add a directory (copied) that the writer creates even when empty. */
void plan_add_dir(struct plan *p, const char *path);

/*
 * Check that len more bytes keep p within PLAN_MAX_TOTAL.  Returns 0, or
 * ERR_INPUT naming file (the template file that rendered them).
 */
int plan_check_budget(const struct plan *p, size_t len, const char *file,
		      struct diag *err);

/*
 * Return the path of a file of p that clashes with a file at path: one
 * where path needs a directory, or one inside path.  NULL when none.
 */
const char *plan_find_clash(const struct plan *p, const char *path);

/* Return the file at path, or NULL. */
const struct plan_file *plan_find(const struct plan *p, const char *path);

/* Free everything p owns and reinitialise it. */
void plan_release(struct plan *p);

#endif
