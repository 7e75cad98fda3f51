#ifndef GENSHIP_MERGE_H
#define GENSHIP_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "blob.h"
#include "diag.h"

/*
 * The merger: what `genship update` does with one path, given three
 * versions of it.
 *
 *   base   what genship wrote last time.  Its blob id comes from the
 *          answers file; its bytes come from re-rendering the recorded
 *          template and answers, and may be missing when that template
 *          version is no longer available.
 *   ours   the file on disk now.
 *   theirs what the current template renders with the new answers.
 *
 * The decision is pure: merge_decide() reads no files and writes none.
 * Text merges go through libgit2's git_merge_file (xdiff, as `git
 * merge-file`), with git-style conflict markers labelled "yours" and
 * "template".
 *
 * Ownership: inputs are borrowed; a merge_result owns its bytes and is
 * freed with merge_result_release().
 */

enum merge_kind {
	MERGE_UNCHANGED,	/* nothing to do */
	MERGE_KEPT,		/* user's edit kept: template unchanged */
	MERGE_TAKEN,		/* untouched file: takes the template's bytes */
	MERGE_ADDED,		/* new in the template, absent on disk */
	MERGE_MERGED,		/* both changed: clean line-level merge */
	MERGE_CONFLICT,		/* both changed: written with markers */
	MERGE_BINARY_CONFLICT,	/* both changed a binary file: ours kept */
	MERGE_REMOVED,		/* untouched, no longer generated: deleted */
	MERGE_KEPT_DROPPED,	/* edited, no longer generated: kept */
	MERGE_USER_DELETED,	/* deleted by the user: stays deleted */
};

/* One version of a file; present is false when it does not exist. */
struct merge_side {
	bool present;
	const char *data;	/* NULL for a base whose bytes are unknown */
	size_t len;
	unsigned mode;		/* 0644 or 0755 */
};

struct merge_input {
	const char *path;
	struct merge_side base;
	const char *base_blob;	/* recorded blob id; NULL when not recorded */
	struct merge_side ours, theirs;
};

struct merge_result {
	enum merge_kind kind;
	char *data;		/* bytes to write when merge_kind_writes() */
	size_t len;
	unsigned mode;
};

#define MERGE_RESULT_INIT { MERGE_UNCHANGED, NULL, 0, 0 }

/*
 * Decide what update does with in->path and compute the bytes to write.
 * A base counts as present when base_blob is set; base.data, when given,
 * must hash to base_blob (the caller checks).  Without base bytes a file
 * both sides changed becomes a 2-way conflict.  *out is caller-owned (see
 * merge_result_release()), untouched on failure.  Returns 0, or ERR_FAIL
 * when libgit2 cannot merge.
 */
int merge_decide(const struct merge_input *in, struct merge_result *out,
		 struct diag *err);

/*
 * Line-level 3-way merge of text: base may be NULL (then this is a 2-way
 * merge in which every difference conflicts).  *out (NUL-terminated,
 * caller-owned) and *len receive the result; *conflict tells whether it
 * holds markers.  A binary input is ERR_INPUT with nothing returned.
 */
int merge_text(const char *base, size_t base_len, const char *ours,
	       size_t ours_len, const char *theirs, size_t theirs_len,
	       char **out, size_t *len, bool *conflict, struct diag *err);

/*
 * True when data holds a conflict: a line "<<<<<<< LABEL" and, later, a
 * line ">>>>>>> LABEL".  With any, every label counts (for a file an
 * update recorded as conflicted); without, only the pair genship writes,
 * "<<<<<<< yours" and ">>>>>>> template", so that a file that merely
 * talks about markers is not taken for a conflict.
 */
bool merge_has_markers(const char *data, size_t len, bool any);

/* True when kind writes result bytes into the project. */
bool merge_kind_writes(enum merge_kind kind);

/* True when kind makes update exit 1. */
bool merge_kind_conflicts(enum merge_kind kind);

/* The word update prints for kind: "updated", "merged", "conflict", ... */
const char *merge_kind_name(enum merge_kind kind);

/* Free r's bytes and reinitialise it. */
void merge_result_release(struct merge_result *r);

#endif
