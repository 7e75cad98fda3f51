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
 * the generated project.  Nothing here prints or reads a terminal: an
 * interview (interview.h) plugs in as a prompter.
 *
 * Resolution order, each overriding the one before: defaults, the user
 * config's default answers, --answers FILE, --set K=V, interactive
 * prompts.  A prompter is asked for the options nobody answered (the
 * config's answers are only defaults), or for every option with
 * ask_all, offering the value so far.  An option whose `when` is false is
 * pinned to its default and not asked.  Each constraint is checked as
 * soon as every option it reads is resolved; with a prompter, a failure
 * asks the last option it hinges on again.  Then `computed` values are
 * rendered in order, and the constraints that read them are checked.
 */

/* One given answer, with where it came from for diagnostics. */
struct answer {
	char *name;
	struct value *val;	/* --set: a string, typed later; file: typed */
	struct diag_src src;	/* the text the answer came from */
	unsigned line, col;	/* of the value within src */
	unsigned key_line, key_col;	/* of the name within src */
	bool is_default;	/* from the user config: a default, still
				 * asked, and never warned about */
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
 * mapping is ERR_INPUT on y->err at its position.  For the user config:
 * the answers are marked is_default.
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

/* One question, as the resolver puts it to a prompter. */
struct answers_question {
	const struct option *opt;
	const struct value *def;	/* what an empty reply takes */
	const char *const *why_not;	/* choice and multi options: per
					 * choice, NULL when it is offered,
					 * else why earlier answers rule it
					 * out; NULL when all are offered */
	unsigned number, total;		/* progress: question number of
					 * about total; 0 when unknown */
	bool again;			/* asked before, so its help was
					 * shown already */
	const char *problem;		/* why it is asked again, or NULL */
};

/*
 * Ask question q.  On success *reply is a malloc'd string that
 * option_coerce() accepts for q->opt (a choice spelled as the manifest
 * spells it).  Returns 0, or ERR_FAIL when there is no answer (end of
 * input, an interrupt): the resolution then fails.
 */
typedef int (*answers_prompt_fn)(void *ud, const struct answers_question *q,
				 char **reply);

/*
 * Checks a value of option opt beyond its type (an interview refuses a
 * project name whose directory exists).  Returns 0, or non-zero with the
 * reason appended to why.
 */
typedef int (*answers_check_fn)(void *ud, const struct option *opt,
				const struct value *v, struct strbuf *why);

struct constraint;

/* How answers_resolve() asks and what it reports back; zero it first. */
struct answers_opts {
	answers_prompt_fn prompt;	/* NULL: ask nothing */
	void *prompt_ud;
	bool ask_all;		/* ask answered options too */
	bool strict;		/* a given value that its option's `when`
				 * leaves out is an error, not a warning */
	answers_check_fn check;	/* with prompt: refusals are asked again */
	void *check_ud;
	struct strbuf *notes;	/* warnings, one a line; NULL: none made */
	/* Results, set whether or not the resolution succeeds: */
	struct value *answered;	/* NULL, or a dict that receives every
				 * resolved option that applies (its `when`
				 * is true), in manifest order */
	const struct constraint *violated;	/* the constraint that
						 * failed, or NULL */
	unsigned asked;		/* how many questions were put */
};

/*
 * Resolve the context: a dict holding every option and computed value,
 * allocated in a.  An answer naming no option is ERR_INPUT suggesting the
 * closest name; wrong types, patterns, choices (the message lists them)
 * and ranges are ERR_INPUT, and so is a failed constraint, named by the
 * answers it hinges on ("k8s_flavor=helm conflicts with extras=alerts:
 * MESSAGE").  A prompter that gives no answer is ERR_FAIL.  o may be
 * NULL: no questions, no notes.
 */
int answers_resolve(const struct manifest *m, const struct answer_set *given,
		    struct answers_opts *o, struct arena *a,
		    struct value **ctx, struct diag *err);

/*
 * Append answers (a dict of option name -> value, as answers_resolve()
 * fills `answered`) as a YAML mapping that --answers reads back to the
 * same values, after header (comment lines, or "").
 */
void answers_format_mapping(const struct value *answers, const char *header,
			    struct strbuf *out);

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
