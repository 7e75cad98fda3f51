#ifndef GENSHIP_MANIFEST_H
#define GENSHIP_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "option.h"
#include "tpl.h"
#include "tpl-value.h"

/*
 * The template manifest, genship.yml.  One table (manifest-schema.h)
 * gives both a structural check of the YAML tree, which reports an
 * unknown, duplicate, missing or mistyped key at its line and column, and
 * the strict libcyaml schema that then loads the checked text.  Fields
 * libcyaml's static schema cannot type (an option's `default` and
 * `matrix`, which are scalars or sequences) are read from the YAML tree
 * and checked against the option's type.
 *
 * Ownership: a manifest owns everything reachable from it (strings, values
 * in its arena, compiled expressions) and is freed with manifest_free().
 */

struct computed {
	char *name;
	char *value;		/* a template string */
	struct src_pos pos;	/* of the value */
};

struct constraint {
	char *require_src;
	struct tpl_expr *require;
	char *message;		/* a template string, rendered on failure */
	struct src_pos pos;	/* of the require expression */
};

/* One `with:` binding of a file rule: name bound to expr's value. */
struct file_binding {
	char *name;
	struct tpl_expr *expr;
};

/*
 * A file rule.  Without `from`, path is a glob over the template tree and
 * the first rule matching a file decides how it renders.  With `from`,
 * path is an output path (rendered like a file name of the tree) and the
 * rule renders the files `from` names there; it matches no tree file.
 */
struct file_rule {
	char *glob;		/* `path:`: template-relative; `**` spans
				 * directories */
	char *when_src;
	struct tpl_expr *when;	/* NULL: always */
	bool render;		/* false: copy byte for byte */
	bool has_syntax;
	struct tpl_syntax syntax;	/* from `delimiters:` */
	char *each_var;		/* `each: "VAR in EXPR"`: the name bound to */
	struct tpl_expr *each;	/* each element of EXPR's list; NULL: once */
	char *each_src;		/* EXPR, for messages */
	struct file_binding *with;	/* `with:`, in manifest order */
	size_t nwith;
	char **from;		/* `from:` paths or globs of template files,
				 * as the tree spells them; NULL: none */
	struct src_pos *from_pos;	/* of each entry */
	size_t nfrom;
	bool from_dir;		/* path names a directory: `from` is a list
				 * or a glob */
	char *from_base;	/* with from_dir: the deepest directory
				 * holding every entry ("" for the top);
				 * each file keeps its path below it */
	struct src_pos path_pos;	/* of the path's text */
	struct src_pos pos;
};

struct manifest {
	char *file;		/* name used in diagnostics */
	char *name;
	char *version;
	char *min_genship;	/* may be NULL */
	char *description;	/* may be NULL */
	struct option *options;
	size_t noptions;
	struct computed *computed;
	size_t ncomputed;
	struct constraint *constraints;
	size_t nconstraints;
	struct file_rule *files;
	size_t nfiles;
	char **pre_hooks;
	size_t npre_hooks;
	char **post_hooks;
	size_t npost_hooks;
	struct src_pos *pre_hook_pos;	/* of each hook name, for errors */
	struct src_pos *post_hook_pos;
	char *text;		/* a copy of the manifest, for diagnostics */
	size_t text_len;
	struct arena arena;	/* strings, arrays, defaults, matrix lists */
};

/*
 * Parse the manifest text (len bytes) named `file` in diagnostics.
 * *out is caller-owned, untouched on failure.  Returns 0 or ERR_INPUT.
 */
int manifest_load(const char *file, const char *text, size_t len,
		  struct manifest **out, struct diag *err);

/* Free m and everything it owns. NULL is allowed. */
void manifest_free(struct manifest *m);

/* Return the option named name, or NULL. */
const struct option *manifest_option(const struct manifest *m,
				     const char *name);

/*
 * Set the input error that hook `name`, which m names in `hooks`, is not
 * in the template's hooks/ directory, at the name in genship.yml (the
 * first place m names it).  Returns ERR_INPUT.
 */
int manifest_hook_missing(const struct manifest *m, const char *name,
			  struct diag *err);

/*
 * Return the first file rule without `from` whose glob matches relpath,
 * or NULL.
 */
const struct file_rule *manifest_file_rule(const struct manifest *m,
					   const char *relpath);

/*
 * Match a template-relative path against a glob: `*` and `?` stay within
 * one path component, `**` matches any number of whole components, and a
 * trailing `**` component matches everything below its directory.
 */
bool manifest_glob_match(const char *glob, const char *path);

/* Fill src so that diagnostics can point into m's genship.yml. */
void manifest_diag_src(const struct manifest *m, struct diag_src *src);

#endif
