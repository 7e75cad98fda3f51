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
 * "template", and in the diff3 style a base section labelled "base":
 *
 *   <<<<<<< yours
 *   ...
 *   ||||||| base        (diff3 only)
 *   ...
 *   =======
 *   ...
 *   >>>>>>> template
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

/* How a conflict block looks: git's merge (default) or diff3 style. */
enum merge_style {
	MERGE_STYLE_MERGE,
	MERGE_STYLE_DIFF3,
};

/*
 * Parse a --conflict-style value ("merge" or "diff3") into *out.
 * Returns false, *out untouched, for anything else.
 */
bool merge_style_parse(const char *s, enum merge_style *out);

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
	enum merge_style style;	/* of conflict blocks */
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

/* The three texts of a line-level merge; base.data NULL: no base. */
struct merge_texts {
	struct merge_side base, ours, theirs;
};

/*
 * Line-level 3-way merge of in's texts: without base bytes this is a
 * 2-way merge in which every difference conflicts.  Conflict blocks are
 * in style.  *out (NUL-terminated, caller-owned) and *len receive the
 * result; *conflict tells whether it holds markers.  A binary input is
 * ERR_INPUT with nothing returned.
 */
int merge_text(const struct merge_texts *in, enum merge_style style,
	       char **out, size_t *len, bool *conflict, struct diag *err);

/*
 * True when data holds a conflict block: a line "<<<<<<< LABEL", a line
 * "=======" after it (optionally after a diff3 base section opened by
 * "||||||| LABEL"), then a line ">>>>>>> LABEL".  With any, every label
 * counts (for a file an update recorded as conflicted); without, only
 * the labels genship writes, "yours", "base" and "template", so that a
 * file that merely talks about markers is not taken for a conflict.
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
