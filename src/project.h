#ifndef GENSHIP_PROJECT_H
#define GENSHIP_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "answers.h"
#include "arena.h"
#include "diag.h"
#include "merge.h"
#include "paths.h"
#include "plan.h"
#include "strbuf.h"
#include "template.h"

/*
 * Project state: a generated project directory and its answers file, and
 * the comparison that update, diff and check share.
 *
 *   recorded  the answers file: template source, version and commit, the
 *             answers, and the blob id of every file genship generated
 *   base      plan(template at the recorded version, recorded answers)
 *   theirs    plan(current or --template template, recorded answers
 *             overridden by --set)
 *   ours      the files on disk
 *
 * A base file is trusted only when its blob id equals the recorded one;
 * otherwise (or when the recorded version cannot be loaded) its bytes
 * count as unknown and merge.h falls back to the blob ids.
 *
 * Ownership: a project and a project_cmp own everything they point to and
 * are freed with project_free() and project_cmp_release().
 */

#define PROJECT_ANSWERS_FILE PATHS_ANSWERS_FILE
/* A cruft project's state, read when there is no answers file. */
#define PROJECT_CRUFT_FILE ".cruft.json"

struct project {
	char *dir;
	char *real;		/* realpath(dir): no file is read outside it */
	char *af_file;		/* DIR/.genship.yml, for messages */
	char *af_text;		/* its bytes */
	size_t af_len;
	struct answers_file *af;
	char af_blob[BLOB_HEXSZ + 1];	/* of .genship.yml on disk; "" when
					 * it has none (a cruft project) */
};

/*
 * Open the project in dir: read and parse its answers file, or else a
 * cruft project's .cruft.json (its answers; no blob ids, so every file
 * counts as possibly edited until update writes .genship.yml).  A
 * directory without either is ERR_INPUT, and so is either file being a
 * symlink that points outside dir: genship never follows a symlink out
 * of a project, here or when project_compare() reads the files.  *out is
 * caller-owned, untouched on failure.
 */
int project_open(const char *dir, struct project **out, struct diag *err);

/*
 * Refuse to read dir while an interrupted update waits in it, or while a
 * crashed `genship new` into it left a commit to roll back: a read-only
 * command (diff, check, update --dry-run) would see a half-applied tree.
 * Returns 0, or ERR_INPUT with a hint naming the command that finishes it.
 */
int project_check_idle(const char *dir, const char *finish_hint,
		       struct diag *err);

/* Free p. NULL is allowed. */
void project_free(struct project *p);

/*
 * The fix-up of a staged answers file (txn_fix_fn, ud is the project as
 * it was before the update) when the update kept paths that changed
 * under it: each kept path gets back the blob id p recorded for it, or
 * no entry when p had none, so that the next update merges it.  The
 * result goes to out.
 */
int project_answers_restore(void *p, const char *data, size_t len,
			    const char *kept, struct strbuf *out,
			    struct diag *err);

/*
 * The answers file of p with the conflict records of paths (one a line)
 * replaced by those of conflicts (for `update --redo`): each of paths
 * loses its record, then every record of conflicts is added.  The result
 * goes to out.  0, or ERR_INPUT when p's answers file does not load.
 */
int project_answers_replace_conflicts(const struct project *p,
				      const char *paths,
				      const struct answers_file *conflicts,
				      struct strbuf *out, struct diag *err);

/*
 * Append the answers file for t, ctx and plan to out: t's name, source,
 * version and commit, the value of each of t's options in ctx, the blob
 * id of every file in plan, and the conflicts recorded in conflicts (or
 * NULL): the files an update leaves with conflict markers.
 */
void project_format_answers(const struct template *t,
			    const struct value *ctx, const struct plan *plan,
			    const struct answers_file *conflicts,
			    struct strbuf *out);

/* Add the answers file for t, ctx and plan to plan itself (for new). */
void project_add_answers_file(const struct template *t,
			      const struct value *ctx, struct plan *plan);

/*
 * A template may not generate genship's own paths: the answers file and
 * the update transaction directory.  ERR_INPUT naming the path.
 */
int project_check_reserved(const struct plan *plan, struct diag *err);

/* One path in the comparison. */
struct project_file {
	char *path;
	const char *recorded;	/* recorded blob id, or NULL */
	struct merge_side base;	/* data NULL when unknown */
	struct merge_side ours;	/* bytes owned by the project_cmp */
	struct merge_side theirs;
	struct merge_result res;	/* with PROJECT_CMP_MERGE */
};

struct project_cmp {
	struct template *base_t, *theirs_t;	/* base_t may be theirs_t */
	struct arena arena;	/* contexts */
	struct value *ctx;	/* theirs' context */
	struct plan base, theirs;
	bool have_base;		/* the recorded version could be rendered */
	struct strbuf base_why;	/* why not, when have_base is false */
	size_t base_mismatch;	/* base files whose blob id did not match */
	struct strbuf notes;	/* warnings for the user, one a line */
	struct project_file *files;	/* sorted by path */
	size_t nfiles, alloc;
	struct strbuf answers;	/* the new answers file */
	bool answers_changed;	/* it differs from the one on disk */
	struct strbuf unresolved;	/* paths whose conflict markers are
					 * still there, one a line */
	/* set by update before project_compare(), NULL otherwise: how to
	 * open a remote template; a recorded remote source then moves to
	 * src->ref or to its newest tag (source_next_ref()) */
	const struct source_opts *src;
	/* set by the caller before project_compare(): */
	const char *answers_path;	/* --answers FILE for theirs, or NULL */
	enum merge_style style;		/* of conflict blocks */
};

#define PROJECT_CMP_INIT { NULL, NULL, ARENA_INIT, NULL, PLAN_INIT, \
			   PLAN_INIT, false, STRBUF_INIT, 0, STRBUF_INIT, \
			   NULL, 0, 0, STRBUF_INIT, false, STRBUF_INIT, \
			   NULL, NULL, MERGE_STYLE_MERGE }

enum {
	PROJECT_CMP_BASE = 1 << 0,	/* render the recorded version */
	PROJECT_CMP_MERGE = 1 << 1,	/* run merge_decide() per path */
};

/*
 * Compare project p with the template spec names (NULL: the recorded
 * source), rendered with the recorded answers overridden by the answers
 * file cmp->answers_path (when set), then by sets (nsets "K=V" strings).  Every path that is recorded or rendered gets a
 * project_file, the answers file excepted.  Failing to render base is not
 * an error: have_base stays false and base_why says why.  cmp must be
 * PROJECT_CMP_INIT; release it with project_cmp_release() either way.
 */
int project_compare(const struct project *p, const char *spec, char **sets,
		    size_t nsets, unsigned flags, struct project_cmp *cmp,
		    struct diag *err);

/*
 * ERR_FAIL naming every file of cmp whose conflict markers are still
 * there (cmp->unresolved), with the hint to resolve them or to start the
 * merge over (project_redo_command()); 0 when none.
 */
int project_check_resolved(const struct project *p,
			   const struct project_cmp *cmp, struct diag *err);

/*
 * Append the command that starts the merge of paths (one a line) of p
 * over: "genship update [DIR] --redo PATH", DIR left out when it is ".",
 * and PATH standing for the path when there are several.
 */
void project_redo_command(const struct project *p, const char *paths,
			  struct strbuf *out);

/*
 * True when applying cmp's decisions (PROJECT_CMP_MERGE) writes or
 * removes a file, or changes the answers file.
 */
bool project_cmp_changes(const struct project_cmp *cmp);

/* Free everything cmp owns and reinitialise it. */
void project_cmp_release(struct project_cmp *cmp);

#endif
