#ifndef GENSHIP_TEMPLATE_H
#define GENSHIP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "manifest.h"
#include "tpl.h"

/*
 * A template package loaded into memory: its manifest, the files under
 * template/ and the hooks, whether built in or read from a directory.
 * Everything downstream (render, validate, update) works on this in-memory
 * form, which is why the renderer never touches the disk.
 *
 * Ownership: a template owns its files, manifest and compiled-template
 * cache; template_free() releases all of it.
 */

struct template_file {
	char *path;		/* relative to template/, '/'-separated */
	unsigned mode;		/* 0755 or 0644 */
	const char *data;	/* NUL-terminated */
	size_t len;
	struct tpl *compiled;	/* cache filled by the renderer */
	bool compile_failed;
};

struct template {
	char *name;		/* the manifest's name */
	char *source;		/* "builtin:NAME" or the directory path */
	char *dir;		/* on-disk root, NULL when built in */
	bool builtin;
	struct manifest *manifest;
	struct template_file *files;	/* sorted by path */
	size_t nfiles;
	struct template_file *hooks;	/* the hooks/ directory */
	size_t nhooks;
	char **owned;		/* buffers read from disk */
	size_t nowned, owned_alloc;
};

/* The built-in template used when none is named. */
#define TEMPLATE_DEFAULT "service"

/*
 * Open spec: a built-in name, or a directory holding genship.yml and
 * template/.  *out is caller-owned, untouched on failure.  A template
 * symlink that points outside the template is ERR_INPUT.
 */
int template_open(const char *spec, struct template **out, struct diag *err);

/* Free t. NULL is allowed. */
void template_free(struct template *t);

/* Return the hook file called name, or NULL. */
const struct template_file *template_hook(const struct template *t,
					  const char *name);

/*
 * List the built-in templates: calls fn once per name, in order.
 */
void template_list_builtin(void (*fn)(const char *name, void *ud), void *ud);

#endif
