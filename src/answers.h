#ifndef GENSHIP_ANSWERS_H
#define GENSHIP_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "manifest.h"
#include "strbuf.h"
#include "tpl-value.h"

/*
 * Answers: where option values come from, how they are resolved into the
 * render context, and the answers file `.genship.yml` that records them in
 * the generated project.
 *
 * Resolution order, each overriding the one before: defaults, the user
 * config's default answers, --answers FILE, --set K=V, interactive
 * prompts (which offer the value so far as their default).  An option whose `when` is false is
 * pinned to its default and not asked.  Then `computed` values are rendered
 * in order and `constraints` are checked.
 */

/* One given answer, with where it came from for diagnostics. */
struct answer {
	char *name;
	struct value *val;	/* --set: a string, typed later; file: typed */
	struct diag_src src;	/* the text the answer came from */
	unsigned line, col;	/* of the value within src */
	unsigned key_line, key_col;	/* of the name within src */
};

/* An ordered collection of given answers; later entries win. */
struct answer_set {
	struct answer *items;
	size_t len, alloc;
	struct arena arena;	/* values and copied source text */
};

#define ANSWER_SET_INIT { NULL, 0, 0, ARENA_INIT }

/* Free everything in set and reinitialise it. */
void answer_set_release(struct answer_set *set);

/*
 * Add one `--set K=V` argument.  A missing '=' or empty key is ERR_INPUT
 * with the argument as the diagnostic source.
 */
int answer_set_add_cli(struct answer_set *set, const char *arg,
		       struct diag *err);

/*
 * Add every answer from a YAML answers file: a mapping of option name to
 * value, or a `.genship.yml` (whose `answers:` mapping is used).  Values
 * are typed as in answers_file_load().  Malformed YAML is ERR_INPUT at
 * libyaml's problem mark.  The set keeps a copy of text for diagnostics.
 */
int answer_set_add_file(struct answer_set *set, const char *file,
			const char *text, size_t len, struct diag *err);

/*
 * Add the answers of mapping map of y (whose source text must outlive
 * set), typed as answer_set_add_file() types them.  A node that is not a
 * mapping is ERR_INPUT on y->err at its position.  For the user config.
 */
struct ly_doc;
struct yaml_node_s;
int answer_set_add_mapping(struct answer_set *set, struct ly_doc *y,
			   const struct yaml_node_s *map);

/* Append answer a, sharing its strings and value: its set must outlive
 * set. */
void answer_set_add_answer(struct answer_set *set, const struct answer *a);

/*
 * Add the answers of the file at answers_path (NULL for none), then the
 * nsets `K=V` arguments, so --set overrides the file.  A missing file is
 * ERR_INPUT.
 */
int answer_set_gather(struct answer_set *set, const char *answers_path,
		      char *const *sets, size_t nsets, struct diag *err);

/*
 * Asks for one option on a terminal.  def is the value that applies when
 * the user just presses enter.  On success *reply is a malloc'd string.
 * Returns 0, or ERR_FAIL on EOF or read error.
 */
typedef int (*answers_prompt_fn)(void *ud, const struct option *opt,
				 const struct value *def, char **reply);

/* Streams for answers_prompt_tty(); NULL members mean stdin/stderr. */
struct answers_tty {
	FILE *in, *out;
};

/*
 * The prompter used on a TTY: prints the option's help, its question,
 * its choices and the default to stderr, and reads a line from stdin; an
 * empty line takes the default.  An invalid reply is explained and asked
 * again.  ud is NULL, or a struct answers_tty naming other streams.
 */
int answers_prompt_tty(void *ud, const struct option *opt,
		       const struct value *def, char **reply);

/*
 * Resolve the context: a dict holding every option and computed value,
 * allocated in a.  An answer naming no option is ERR_INPUT suggesting the
 * closest name; wrong types, patterns, choices (the message lists them),
 * ranges and failed constraints are ERR_INPUT.  prompt may be NULL.
 */
int answers_resolve(const struct manifest *m, const struct answer_set *given,
		    answers_prompt_fn prompt, void *prompt_ud,
		    struct arena *a, struct value **ctx, struct diag *err);

/* ---- the answers file, .genship.yml -------------------------------- */

struct answers_file_entry {
	char *path;		/* project-relative */
	char blob[41];		/* git blob id of the bytes genship wrote */
};

/*
 * A conflict an update left, with the blob ids of two of its merge's
 * inputs (the third, the template's, is the path's entry in `files`),
 * so that `update --redo` can start the merge over.
 */
struct answers_conflict {
	char *path;		/* project-relative */
	char base[41];		/* what genship wrote before; "" unknown */
	char yours[41];		/* the file before the merge; "" unknown */
};

/*
 * The strings and values of an answers file live in its arena; the files
 * array is malloc'd.  answers_file_free() frees both.
 */
struct answers_file {
	char *template_name;
	char *template_source;	/* "builtin:service", a path or a URL */
	char *template_version;
	char *template_commit;	/* git commit, or NULL */
	char *template_url;	/* a remote template: its git URL, or NULL */
	char *template_ref;	/* the ref it was read at, or NULL */
	char *template_directory;	/* its directory there, or NULL */
	char *genship_version;
	struct value *answers;	/* dict of option name -> value, in arena */
	struct answers_file_entry *files;	/* sorted by path */
	size_t nfiles, files_alloc;
	struct answers_conflict *conflicts;	/* left by an update,
						 * not yet resolved */
	size_t nconflicts, conflicts_alloc;
	struct arena arena;
};

/* Return a new, empty answers file (answers is an empty dict). */
struct answers_file *answers_file_new(void);

/* Record that genship wrote blob id blob (40 hex digits) at path. */
void answers_file_add_file(struct answers_file *af, const char *path,
			   const char *blob);

/*
 * Record that an update left a conflict in path; base and yours are blob
 * ids (40 hex digits), or NULL or "" when unknown.
 */
void answers_file_add_conflict(struct answers_file *af, const char *path,
			       const char *base, const char *yours);

/* The conflict af records for path, or NULL. */
const struct answers_conflict *answers_file_conflict(
	const struct answers_file *af, const char *path);

/*
 * Parse .genship.yml: `genship_version`, `template` (name, source,
 * version, optional commit, url, ref and directory), `answers`, `files`
 * and the optional `conflicts` (a mapping of paths to their `base` and
 * `yours` blob ids; the older sequence of paths is read too); any other
 * key is
 * an error.  Answers are typed: plain true/false are bools, plain decimal
 * integers are ints, sequences are lists, and everything else (quoted
 * scalars included) is a string.  *out is caller-owned, untouched on
 * failure.  Returns 0 or ERR_INPUT.
 */
int answers_file_load(const char *file, const char *text, size_t len,
		      struct answers_file **out, struct diag *err);

/*
 * Append af as YAML (with a header comment) to out, emitted by libyaml.
 * Strings that would read back as another type are quoted and files are
 * sorted by path, so the output round-trips through answers_file_load()
 * and is the same bytes for the same content.
 */
void answers_file_format(const struct answers_file *af, struct strbuf *out);

/* Free af. NULL is allowed. */
void answers_file_free(struct answers_file *af);

#endif
