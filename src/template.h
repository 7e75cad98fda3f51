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

struct template_kind;

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
	const struct template_kind *kind;	/* how it resolves and renders */
	void *state;		/* the kind's own data, freed by kind->free */
};

/* The built-in template used when none is named. */
#define TEMPLATE_DEFAULT "service"

/*
 * Fill t with the built-in template name: its manifest, template/ and
 * hooks/ (its own, else the shared hooks/).  Returns 1, t untouched, when
 * no built-in template has that name.
 */
int template_load_builtin(struct template *t, const char *name,
			  struct diag *err);

/*
 * Fill t from the template directory dir: genship.yml, every file below
 * template/ and hooks/ (a symlink must resolve to a regular file inside
 * its tree).  Reads the disk.  ERR_INPUT names the file at fault.
 */
int template_load_dir(struct template *t, const char *dir, struct diag *err);

/*
 * genship never follows a symlink out of a template: check every entry
 * directly in dir and in dir/hooks against dir (the walks of
 * template_load_dir() check those below).  ERR_INPUT naming the link.
 */
int template_check_links(const char *dir, struct diag *err);

/* Free t. NULL is allowed. */
void template_free(struct template *t);

/*
 * Where the files of t's template/ are, for messages: "DIR/template/", or
 * "templates/NAME/template/" for a built-in template.  Caller-owned.
 */
char *template_files_prefix(const struct template *t);

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
 * template_new() makes an empty template of kind, copying source and dir; template_add_file() takes data
 * (NUL-terminated after len bytes, from malloc) and keeps it as long as t;
 * template_set_manifest() takes text the same way.  Call template_finish()
 * once after the last file.
 */
struct template *template_new(const struct template_kind *kind,
			      const char *source, const char *dir);

/* Parse the manifest text named file in errors (ERR_INPUT on failure). */
int template_set_manifest(struct template *t, const char *file, char *text,
			  size_t len, struct diag *err);

/* Add a file of template/ (hook false) or hooks/ (hook true). */
void template_add_file(struct template *t, bool hook, const char *path,
		       unsigned mode, char *data, size_t len);

/* Sort the files by path, as source_open() leaves them. */
void template_finish(struct template *t);

/* ---- template kinds ------------------------------------------------ */

/*
 * Where the answers of one resolution come from, for any kind of
 * template.  Later sources win: the recorded answers of a project, then
 * given.  A genship template types and checks them against its manifest;
 * a cookiecutter template takes given as extra context (rendered like
 * defaults) and recorded and fixed as final values, verbatim.
 */
struct template_request {
	const struct answer_set *given;	/* user config, --answers, --set */
	const struct answer_set *recorded;	/* a project's answers on
						 * update, or NULL */
	const struct value *fixed;	/* a replay file's values, or NULL */
	struct answers_opts *how;	/* questions, notes, and what the
					 * resolution reports back
					 * (answers.h); NULL: none.  A
					 * cookiecutter template uses the
					 * prompter, notes, answered and
					 * asked */
	const char *template_arg;	/* the template as named, or NULL */
	const char *output_dir;		/* where the project goes, absolute,
					 * or NULL for "." */
};

#define TEMPLATE_REQUEST_INIT { NULL, NULL, NULL, NULL, NULL, NULL }

/* When a kind's hooks run. */
enum template_stage { TEMPLATE_PRE_GEN, TEMPLATE_POST_GEN };

struct hook_ctx;
struct plan;

/*
 * A kind of template: genship's own (genship_kind, genship-kind.h) or
 * cookiecutter's (cookiecutter_kind, cookiecutter.h).  Everything that
 * differs between kinds goes through this table, so commands have one
 * path for both.  Each function's contract is the template_*() wrapper's
 * below.
 */
struct template_kind {
	const char *name;
	int (*resolve)(const struct template *t,
		       const struct template_request *rq, struct arena *a,
		       struct value **ctx, struct diag *err);
	const struct value *(*vars)(const struct value *ctx);
	int (*render)(struct template *t, const struct value *ctx,
		      struct plan *out, struct diag *err);
	int (*run_hooks)(const struct template *t, enum template_stage stage,
			 const struct value *ctx, const struct hook_ctx *hc,
			 struct diag *err);
	int (*project_dir)(const struct template *t, const struct value *ctx,
			   struct arena *a, char **name, struct diag *err);
	void (*free)(void *state);
	unsigned flags;			/* TEMPLATE_KIND_* */
};

/* Generated files keep the template file's mode exactly (no umask). */
#define TEMPLATE_KIND_EXACT_MODES	0x1
/* cookiecutter's command line: replay files, -s, a whole existing
 * project directory refused without -f. */
#define TEMPLATE_KIND_COOKIECUTTER_CLI	0x2
/* Hooks run on update too, not only when a project is created. */
#define TEMPLATE_KIND_UPDATE_HOOKS	0x4

/* True when t's kind has flag (TEMPLATE_KIND_*). */
bool template_has(const struct template *t, unsigned flag);

/*
 * Resolve t's render context from rq.  *ctx is in a.  Bad answers are
 * ERR_INPUT naming where they came from.
 */
int template_resolve(const struct template *t,
		     const struct template_request *rq, struct arena *a,
		     struct value **ctx, struct diag *err);

/*
 * The dict of ctx that holds t's option values: ctx itself, or
 * ctx["cookiecutter"] for a cookiecutter template.
 */
const struct value *template_vars(const struct template *t,
				  const struct value *ctx);

/*
 * Render every file of t with ctx into out (which must be empty), by the
 * rules of t's kind.  On failure out is released.
 */
int template_render(struct template *t, const struct value *ctx,
		    struct plan *out, struct diag *err);

/*
 * Run t's hooks for stage in hc->cwd, in order, stopping at the first
 * failure (ERR_FAIL naming the hook).
 */
int template_run_hooks(const struct template *t, enum template_stage stage,
		       const struct value *ctx, const struct hook_ctx *hc,
		       struct diag *err);

/*
 * The name of the project directory ctx asks for, in a.  A name that is
 * empty, '.', '..', absolute or has a '/' or '..' component is ERR_INPUT
 * with a hint to pass -o.
 */
int template_project_dir(const struct template *t, const struct value *ctx,
			 struct arena *a, char **name, struct diag *err);

/*
 * Decide whether t's hooks run (hook_check_trust() with t as the origin).
 */
int template_check_trust(const struct template *t, bool no_hooks,
			 bool trust, bool interactive, bool *run,
			 struct diag *err);

/*
 * List the built-in templates: calls fn once per name, in order.
 */
void template_list_builtin(void (*fn)(const char *name, void *ud), void *ud);

#endif
