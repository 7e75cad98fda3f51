#ifndef GENSHIP_OPTION_H
#define GENSHIP_OPTION_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"
#include "tpl.h"
#include "tpl-value.h"

/*
 * Options: the typed variables a template asks for (genship.yml's
 * `options`), and their values.  manifest.c builds options; this module
 * types the values given to them and shows values back.
 *
 * Ownership: values are allocated in the arena the caller passes; an
 * option's strings belong to its manifest.
 */

enum option_type {
	OPTION_STRING,
	OPTION_BOOL,
	OPTION_INT,
	OPTION_CHOICE,
	OPTION_MULTI,
};

struct src_pos {
	unsigned line, col;	/* 1-based position in the manifest */
};

struct option {
	char *name;
	enum option_type type;
	struct value *def;	/* typed default, never NULL after load */
	char *pattern;		/* POSIX extended regex source, or NULL */
	regex_t *pattern_re;	/* compiled pattern, or NULL */
	char *pattern_help;	/* the pattern in words, completing
				 * "expected ...", or NULL */
	char **choices;		/* choice and multi only */
	size_t nchoices;
	bool has_min, has_max;	/* int only */
	long long min, max;
	char *when_src;		/* NULL: always asked */
	struct tpl_expr *when;
	char *help;
	char *prompt;		/* the question; NULL means use the name */
	struct value *matrix;	/* list of values validate tries, or NULL */
	bool rotate;		/* a choice, bool or multi option whose
				 * values rotate instead of multiplying */
	struct option *fields;	/* multi of objects: each element's typed
				 * fields (options without when, matrix or
				 * fields of their own); NULL otherwise */
	size_t nfields;
	bool required;		/* a field without a default */
	bool unique;		/* a field no two elements may share */
	char *refers_to;	/* a field listing, comma-separated, values
				 * of this other field of the elements */
	struct src_pos pos;
};

/* Return "string", "bool", "int", "choice" or "multi". */
const char *option_type_name(enum option_type t);

/*
 * Convert `in` to a value of o's type and validate it: bool from
 * true/false/yes/no/y/n/on/off/1/0 (any case), int from a whole decimal
 * string within min/max, a choice among o's choices, multi from a list or
 * a comma-separated string (duplicates dropped, in choices order), and a
 * string checked against o's pattern.  A multi option with fields takes a
 * list of mappings, or a string holding one in YAML flow (JSON) syntax:
 * each element becomes a dict with every field in field order, typed as
 * above, defaults filled in, and `unique` fields distinct.  *out is new
 * in a, untouched on failure.  Returns 0, or ERR_INPUT with the reason
 * appended to why (e.g. "expected one of python, node, go").
 */
int option_coerce(const struct option *o, const struct value *in,
		  struct arena *a, struct value **out, struct strbuf *why);

/*
 * Append v as a user would type it: strings as they are, true/false,
 * decimal ints, lists as "a, b", and lists of mappings as JSON.  Used in
 * prompts and messages.
 */
void option_format_value(struct strbuf *sb, const struct value *v);

/*
 * Append v as --set takes it back, and as hooks receive it in
 * GENSHIP_OPT_*: like option_format_value(), but lists joined by ",".
 */
void option_format_arg(struct strbuf *sb, const struct value *v);

#endif
