#ifndef GENSHIP_LY_H
#define GENSHIP_LY_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "arena.h"
#include "diag.h"
#include "tpl-value.h"

/*
 * ly: the one set of helpers for libyaml's document tree, shared by the
 * manifest, the answers files, the user config and the linters.
 *
 * - Parsing: one YAML document with positioned syntax errors, and a cap
 *   on what aliases expand to.
 * - Reading: lookups that take NULL or a node of the wrong kind and
 *   answer NULL, 0 or false, so that callers chain them without checks.
 * - Errors: a diagnostic at a node's line and column.
 * - Checking: ly_check() walks a node against a table of keys (struct
 *   ly_schema) and reports unknown, duplicate and missing keys and values
 *   of the wrong type, each at its line and column with the fix.
 *
 * Ownership: nodes belong to their document; every pointer returned here
 * points into it and lives as long as it does.  Lines and columns are
 * 1-based.
 */

/* A parsed document, the text its positions refer to, and where errors go. */
struct ly_doc {
	yaml_document_t doc;
	struct diag_src src;
	struct diag *err;
};

/* ---- parsing ----------------------------------------------------------- */

/*
 * Parse y->src as one YAML document into y->doc.  A syntax error is
 * ERR_INPUT at libyaml's problem mark, a second document ERR_INPUT at its
 * start, out of memory ERR_FAIL; all on y->err.  On success the caller
 * frees y->doc with yaml_document_delete(); on failure there is nothing
 * to free.
 */
int ly_parse(struct ly_doc *y);

/*
 * Refuse src when its aliases would expand past 100,000 nodes in all, or
 * when it defines more than 1,000 anchors ("billion laughs"), counting on
 * libyaml's events without expanding anything.  Syntax errors are left to
 * ly_parse().  Returns 0, or ERR_INPUT on err at the alias or anchor.
 */
int ly_check_aliases(const struct diag_src *src, struct diag *err);

/* ---- reading nodes ----------------------------------------------------- */

/* Return a node's scalar text, or NULL when it is not a scalar. */
const char *ly_str(const yaml_node_t *n);
/* True when n is a scalar equal to s. */
bool ly_is(const yaml_node_t *n, const char *s);
/* True when n is the YAML boolean true (or false, for ly_false). */
bool ly_true(const yaml_node_t *n);
bool ly_false(const yaml_node_t *n);
/* True when n is YAML's null: a plain empty, ~, null, Null or NULL. */
bool ly_null(const yaml_node_t *n);
/* True when n is a plain (unquoted) scalar. */
bool ly_plain(const yaml_node_t *n);
/* Parse n as a whole decimal integer into *out (untouched on false). */
bool ly_int(const yaml_node_t *n, long long *out);
/* True when n is a mapping (ly_is_map) or a sequence (ly_is_seq). */
bool ly_is_map(const yaml_node_t *n);
bool ly_is_seq(const yaml_node_t *n);
/* "a scalar", "a sequence" or "a mapping"; "nothing" for NULL. */
const char *ly_kind(const yaml_node_t *n);
/* The line and column where n starts; 0 for NULL. */
unsigned ly_line(const yaml_node_t *n);
unsigned ly_col(const yaml_node_t *n);
/* The column of n's text: past the opening quote of a quoted scalar. */
unsigned ly_text_col(const yaml_node_t *n);
/* The root node of d, or NULL for an empty document. */
yaml_node_t *ly_root(yaml_document_t *d);
/* map[key], or NULL when map is not a mapping or has no such key. */
yaml_node_t *ly_get(yaml_document_t *d, const yaml_node_t *map,
		    const char *key);
/* The key node of map[key], or NULL; for positions of keys. */
yaml_node_t *ly_key(yaml_document_t *d, const yaml_node_t *map,
		    const char *key);
/* Follow a dotted path of keys ("spec.template.spec"); NULL if absent. */
yaml_node_t *ly_path(yaml_document_t *d, const yaml_node_t *n,
		     const char *path);
/* The number of items of a sequence (0 for anything else). */
size_t ly_len(const yaml_node_t *n);
/* The i-th item of a sequence, or NULL past its end or for a non-sequence. */
yaml_node_t *ly_at(yaml_document_t *d, const yaml_node_t *seq, size_t i);
/* The number of pairs of a mapping (0 for anything else). */
size_t ly_npairs(const yaml_node_t *n);
/* The key and the value of pair i of mapping map (i < ly_npairs(map)). */
yaml_node_t *ly_pair_key(yaml_document_t *d, const yaml_node_t *map,
			 size_t i);
yaml_node_t *ly_pair_val(yaml_document_t *d, const yaml_node_t *map,
			 size_t i);
/*
 * Of the scalar keys of map that repeat an earlier one, find the first in
 * document order: *dup is its pair index and *orig that of the earlier
 * one.  O(n log n) however many keys map has.  Returns false (and leaves
 * both alone) when no key repeats.
 */
bool ly_dup_key(yaml_document_t *d, const yaml_node_t *map, size_t *dup,
		size_t *orig);

/*
 * Convert node n of d into an untyped value: scalars become strings,
 * sequences lists and mappings dicts (scalar keys, none twice), at most
 * four levels deep and 10,000 nodes, an alias counting each time it is
 * used.  *out is new in a, untouched on failure.  Returns 0 or ERR_INPUT
 * without a diagnostic: the caller reports at n.
 */
int ly_value(yaml_document_t *d, const yaml_node_t *n, struct arena *a,
	     struct value **out);

/* ---- errors ------------------------------------------------------------ */

/* Set an input error on y->err where n starts. Returns ERR_INPUT. */
int ly_error(struct ly_doc *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, at the text of scalar n (ly_text_col()). Returns ERR_INPUT. */
int ly_error_text(struct ly_doc *y, const yaml_node_t *n, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

/* ---- checking a node against a table of keys ------------------------- */

enum ly_type {
	LY_STR,		/* a scalar */
	LY_INT,		/* a scalar that is a whole number: decimal, 0x hex
			 * or 0 octal, within long long */
	LY_WORD,	/* a scalar among `words` */
	LY_STRS,	/* a sequence of scalars */
	LY_LIST,	/* a sequence of `sub` mappings */
	LY_MAP,		/* a `sub` mapping */
	LY_DICT,	/* a mapping of scalars to scalars, any keys */
	LY_MAPPING,	/* a mapping, any keys and values */
	LY_ANY,		/* anything */
};

#define LY_REQUIRED 1u	/* the key must be there */
#define LY_NULLABLE 2u	/* an empty scalar stands for "not given" */
#define LY_ANYCASE 4u	/* LY_WORD: ignore ASCII case */

struct ly_schema;

/* One key of a mapping. */
struct ly_field {
	const char *key;
	enum ly_type type;
	unsigned flags;			/* LY_REQUIRED, ... */
	const struct ly_schema *sub;	/* LY_LIST, LY_MAP */
	const char *const *words;	/* LY_WORD: NULL-terminated */
	const char *expect;		/* what messages say is expected,
					 * or NULL for the type's own */
};

/* The keys of a mapping, and how messages name it. */
struct ly_schema {
	const char *noun;	/* the root ("manifest") or an entry of a
				 * list ("option"); NULL: named by its key */
	const char *label;	/* the key whose scalar names an entry
				 * ("name": option 'port'), or NULL: #N */
	const struct ly_field *fields;
	size_t nfields;
};

/*
 * Check node root of y against schema s, depth first in document order,
 * and report the first problem on y->err at its line and column:
 * - a non-scalar key, an unknown key (with the closest known one, or the
 *   list of known ones), a key given twice, a required key missing;
 * - a value of the wrong kind, a scalar that is not an integer or not
 *   one of the words (with the closest word).
 * Messages name where they are: "'min' in option 'port'", "field 'host'
 * of option 'servers'", "entry 2 of 'choices' in option 'a'".  Returns 0
 * or ERR_INPUT.
 */
int ly_check(struct ly_doc *y, const yaml_node_t *root,
	     const struct ly_schema *s);

#endif
