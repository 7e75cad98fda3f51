#ifndef GENSHIP_MATRIX_H
#define GENSHIP_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "blob.h"
#include "diag.h"
#include "manifest.h"
#include "strbuf.h"
#include "tpl-value.h"

/*
 * The option combinations that `genship validate` renders and `genship
 * matrix` prints.  The rule, which template authors can rely on:
 *
 * - choice, bool and multi options span a product.  Each contributes the
 *   values of its `matrix:` list when the manifest gives one, otherwise
 *   every choice (choice), the default and then its negation (bool), or
 *   the default, each single choice and all choices (multi, duplicates
 *   dropped), so a multi option adds at most n + 2 values, not 2^n.
 * - string and int options, multi options of objects (with `fields`),
 *   and options marked `rotate: true` do not multiply the product.  A
 *   rotated choice, bool or multi option rotates through the values it
 *   would otherwise span (its `matrix:` list, or the implicit values
 *   above); the others take their default, or rotate through their
 *   `matrix:` list.  A rotating option steps over the combinations in
 *   which it is active: the i-th such combination gets value
 *   (i / s) mod k, where k is the list's length and s the product of the
 *   list lengths of the rotated options before it.  The rotated options
 *   count like the digits of a number, so every value, and every mix of
 *   their values, is tried next to many different others.
 * - a rotated option that the `when` of a product option reads (directly
 *   or through another such option) shapes the product: it is decided
 *   before deduplication, and it counts with the other shaping options.
 *   Every other rotated option is decided after deduplication, counting
 *   the combinations kept, so adding one changes the values the
 *   combinations try but never which combinations there are.
 * - options are decided in manifest order.  An option whose `when` is
 *   false, given the options before it, is pinned to its default and
 *   does not branch, so equivalent combinations collapse into one.
 *   Combinations are also deduplicated by their effective answers.
 * - a combination that fails a constraint is dropped.
 * - the order is deterministic: depth first in manifest order, values in
 *   the order above.
 * - the id is the first 8 hex digits of the git blob id of the
 *   combination's canonical JSON answers (keys sorted, compact), so it
 *   stays the same whatever the order or the shard.
 * - shard K/N (1 <= K <= N) holds the combinations whose position i
 *   (0-based, in the full order) has i mod N == K - 1: the N shards
 *   partition the set exactly and differ in size by at most one.
 *
 * Ownership: a matrix owns its combinations and every value in them (in
 * its arena); matrix_release() frees them.
 */

#define MATRIX_ID_LEN 8		/* hex digits in an id, at least */
#define MATRIX_MAX 100000	/* combinations one enumeration may make */

struct matrix_combo {
	char id[BLOB_HEXSZ + 1];	/* MATRIX_ID_LEN or more hex digits */
	size_t index;		/* position in the full, unsharded order */
	struct value *answers;	/* option -> effective value, in order */
	struct value *ctx;	/* the resolved render context */
};

struct template;

struct matrix {
	struct matrix_combo *items;
	size_t len, alloc;
	size_t total;		/* combinations before sharding */
	struct arena arena;
	const struct template *t;	/* resolves contexts, or NULL: the
					 * manifest's answers_resolve() */
};

#define MATRIX_INIT { NULL, 0, 0, 0, ARENA_INIT, NULL }

struct matrix_shard {
	unsigned k, n;		/* shard k of n, 1-based; 0/0 means all */
};

/*
 * Enumerate every combination of m's options into out (which must be
 * empty), following the rule above.  A matrix value that fails to
 * resolve (a computed value that cannot render, a when that cannot be
 * evaluated) is ERR_INPUT naming the manifest; more than MATRIX_MAX
 * combinations is ERR_INPUT with a hint to use `matrix:` lists.  On
 * failure out is released.
 */
int matrix_enumerate(const struct manifest *m, struct matrix *out,
		     struct diag *err);

/*
 * As matrix_enumerate() on t's manifest, with every combination resolved
 * by template_resolve(): the choice and bool variables of a cookiecutter
 * template span the product, and each combination's answers are the
 * values its context holds.
 */
int matrix_enumerate_template(const struct template *t, struct matrix *out,
			      struct diag *err);

/*
 * Add the single combination whose resolved context is ctx (from
 * answers_resolve()) to mx: for `validate --set` and `--answers`.  ctx is
 * copied into mx's arena.
 */
void matrix_add_context(struct matrix *mx, const struct manifest *m,
			const struct value *ctx);

/* As matrix_add_context() for a context that template_resolve() made. */
void matrix_add_template_context(struct matrix *mx, const struct template *t,
				 const struct value *ctx);

/*
 * Parse "K/N" into *out.  Anything but two decimal numbers with
 * 1 <= K <= N <= 100000 is ERR_INPUT with the reason.
 */
int matrix_parse_shard(const char *spec, struct matrix_shard *out,
		       struct diag *err);

/* Keep only the combinations of shard s (no-op for 0/0), in order. */
void matrix_apply_shard(struct matrix *mx, const struct matrix_shard *s);

/*
 * Append `{"include":[{...answers, "id": ...}, ...]}` and a newline to out,
 * for a GitHub Actions strategy.matrix.  Answers keep their JSON types
 * (multi values are arrays); "id" comes last and wins over an option of
 * that name.
 */
void matrix_format_json(const struct matrix *mx, struct strbuf *out);

/*
 * Append one line per combination: the id, then `key=value` for every
 * option, values quoted for a POSIX shell when needed and multi values
 * comma-joined, so a line's fields can be passed back as --set K=V.
 */
void matrix_format_lines(const struct matrix *mx, struct strbuf *out);


/* Append `key=value` pairs of answers separated by sep, shell-quoted. */
void matrix_format_answers(const struct value *answers, const char *sep,
			   struct strbuf *out);

/* Free everything mx owns and reinitialise it. */
void matrix_release(struct matrix *mx);

#endif
