#ifndef GENSHIP_COND_H
#define GENSHIP_COND_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "manifest.h"
#include "strbuf.h"
#include "tpl-value.h"

/*
 * Conditions over option values, the `when` of an option and the
 * `require` of a constraint, as an interview needs them: which options a
 * condition reads, which answers a false condition hinges on, and whether
 * a candidate answer still leaves the condition a way to hold once the
 * later options are answered.  Pure: no I/O, no prompts.
 *
 * Options are named by their index in the manifest.  A context is a dict
 * of option name -> value; nothing here changes one that it is given:
 * trial values go into copies.  Values and copies live in the arena a
 * that the caller passes, which may be a scratch arena.
 */

/* The options a condition reads. */
struct cond_deps {
	size_t *opts;		/* indices, ascending, no repeats; malloc'd */
	size_t n, alloc;
	bool computed;		/* it reads a computed value too, so only
				 * the whole context decides it */
};

#define COND_DEPS_INIT { NULL, 0, 0, false }

/*
 * Find the options and computed values of m that e reads into d.  Other
 * names (globals such as `range`, or undefined ones) are left out.
 */
void cond_deps_find(const struct manifest *m, const struct tpl_expr *e,
		    struct cond_deps *d);

/* Free d's array and reinitialise it. */
void cond_deps_release(struct cond_deps *d);

/*
 * After which option the condition can be decided: the last option d
 * reads, 0 when it reads none, and m->noptions when it reads a computed
 * value (once every option and computed value is resolved).
 */
size_t cond_deps_ready(const struct manifest *m, const struct cond_deps *d);

/* Whether option index i is among d's options. */
bool cond_deps_has(const struct cond_deps *d, size_t i);

/*
 * One answer a false condition hinges on, and its value as a message
 * shows it: for a multi option only the elements that clash.
 */
struct cond_culprit {
	size_t opt;
	struct value *shown;
};

/*
 * The answers e, false in ctx (which holds every option of d), hinges
 * on: the options of d whose value, changed alone, makes e true (another
 * choice, the other bool, the default, or fewer elements of a multi
 * option).  When no single change does, every option of d.  Fills
 * out[0..*n) in option order; out has room for d->n entries.
 */
void cond_culprits(const struct manifest *m, const struct tpl_expr *e,
		   const struct cond_deps *d, const struct value *ctx,
		   struct arena *a, struct cond_culprit *out, size_t *n);

/*
 * Append the culprits as answers the user gave: "a=x", "a=x and b=y",
 * "a=x, b=y and c=z" (values as --set takes them); the elements of a
 * list option by their names when they have one: "components 'api'".
 */
void cond_format_culprits(const struct manifest *m,
			  const struct cond_culprit *c, size_t n,
			  struct strbuf *sb);

/*
 * Whether e can still hold: ctx holds the options up to and including
 * option upto, and some values of the options of d after upto make e
 * true.  Later bool, choice and multi options (of at most 8 choices)
 * are tried with every value, up to 1024 combinations.  True also when
 * that cannot be decided: a later option of another type, more
 * combinations, a computed value, or an error evaluating e.
 */
bool cond_possible(const struct manifest *m, const struct tpl_expr *e,
		   const struct cond_deps *d, const struct value *ctx,
		   size_t upto, struct arena *a);

#endif
