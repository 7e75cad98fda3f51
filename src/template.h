#ifndef GENSHIP_TEMPLATE_H
#define GENSHIP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "answers.h"
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
	unsigned mode;		/* template_file_mode(); a cookiecutter
				 * file's own; 0755 or 0644 from git */
	const char *data;	/* NUL-terminated */
	size_t len;
	struct tpl *compiled;	/* cache filled by the renderer */
	bool compile_failed;
	/* cookiecutter templates only, set when opened: */
	bool binary;		/* binaryornot's verdict: copied as is */
	const char *newline;	/* "\n", "\r\n", "\r", or NULL for none */
};

struct cookiecutter;

struct template {
	char *name;		/* the manifest's name */
	char *source;		/* "builtin:NAME", the directory path or URL */
	char *dir;		/* on-disk root, NULL when built in; for a
				 * template read from git, "SOURCE@COMMIT",
				 * used in messages only */
	char *commit;		/* git commit the files are, or NULL */
	char *url;		/* a remote template's git URL, or NULL */
	char *ref;		/* the ref it was read at, or NULL */
	char *subdir;		/* its directory in the repository, or NULL */
	bool builtin;
	struct manifest *manifest;
	struct template_file *files;	/* sorted by path */
	size_t nfiles;
	struct template_file *hooks;	/* the hooks/ directory */
	size_t nhooks;
	char **owned;		/* buffers read from disk */
	size_t nowned, owned_alloc;
	struct cookiecutter *cc;	/* a cookiecutter template, or NULL */
};

/* The built-in template used when none is named. */
#define TEMPLATE_DEFAULT "service"

/*
 * Open spec: a built-in name, a directory holding genship.yml and
 * template/, a cookiecutter template directory (cookiecutter.h), or a
 * file:// URL of a git repository (see gitsrc.h).  A
 * directory inside a git work tree whose files are exactly those of HEAD
 * gets t->commit set.  *out is caller-owned, untouched on failure.  A
 * template symlink that points outside the template is ERR_INPUT.
 */
int template_open(const char *spec, struct template **out, struct diag *err);

/*
 * Open spec as template_open() does, and also the remote sources of
 * source.h, shaped by o (--ref, --directory, --offline, --refresh, the
 * user config; NULL for none).
 */
struct source_opts;
int template_open_src(const char *spec, const struct source_opts *o,
		      struct template **out, struct diag *err);

/* Free t. NULL is allowed. */
void template_free(struct template *t);

/*
 * Find the file that a template names with name (len bytes, as an
 * {% include %} spells it) among n files sorted by path.  Empty and '.'
 * components are dropped; a '..' component finds nothing, as in Jinja.
 * Returns the file or NULL.
 */
struct template_file *template_find_file(struct template_file *files,
					 size_t n, const char *name,
					 size_t len);

/*
 * The mode a file of a template directory declares, from its st_mode: its
 * read and execute bits, and write permission for the owner only (who
 * always has read and write), so 0644, 0755, 0600 and 0700 stay as they
 * are and 0664 or 0666 become 0644.  The writer then masks it with the
 * umask.
 */
unsigned template_file_mode(unsigned st_mode);

/* Return the hook file called name, or NULL. */
const struct template_file *template_hook(const struct template *t,
					  const char *name);

/*
 * Building a template from memory, for templates read from git.
 * template_new() copies source and dir; template_add_file() takes data
 * (NUL-terminated after len bytes, from malloc) and keeps it as long as t;
 * template_set_manifest() takes text the same way.  Call template_finish()
 * once after the last file.
 */
struct template *template_new(const char *source, const char *dir);

/* Parse the manifest text named file in errors (ERR_INPUT on failure). */
int template_set_manifest(struct template *t, const char *file, char *text,
			  size_t len, struct diag *err);

/* Add a file of template/ (hook false) or hooks/ (hook true). */
void template_add_file(struct template *t, bool hook, const char *path,
		       unsigned mode, char *data, size_t len);

/* Sort the files by path, as template_open() leaves them. */
void template_finish(struct template *t);

/*
 * Resolve t's render context from given answers, prompting with prompt
 * (may be NULL): answers_resolve() for a genship manifest,
 * cookiecutter_resolve() (given as extra context, `_output_dir` the
 * current directory) for a cookiecutter template.  *ctx is in a.
 */
int template_resolve(const struct template *t, const struct answer_set *given,
		     answers_prompt_fn prompt, void *prompt_ud,
		     struct arena *a, struct value **ctx, struct diag *err);

/*
 * The dict of ctx that holds t's option values: ctx itself, or
 * ctx["cookiecutter"] for a cookiecutter template.
 */
const struct value *template_vars(const struct template *t,
				  const struct value *ctx);

/*
 * List the built-in templates: calls fn once per name, in order.
 */
void template_list_builtin(void (*fn)(const char *name, void *ud), void *ud);

#endif
