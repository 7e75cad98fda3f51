#ifndef GENSHIP_MANIFEST_H
#define GENSHIP_MANIFEST_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "tpl.h"
#include "tpl-value.h"

/*
 * The template manifest, genship.yml.  One table (manifest-schema.h)
 * gives both a structural check of the YAML tree, which reports an
 * unknown, duplicate, missing or mistyped key at its line and column, and
 * the strict libcyaml schema that then loads the checked text.  Fields
 * libcyaml's static schema cannot type (an option's `default` and
 * `matrix`, which are scalars or sequences) are read from the YAML tree
 * and checked against the option's type.
 *
 * Ownership: a manifest owns everything reachable from it (strings, values
 * in its arena, compiled expressions) and is freed with manifest_free().
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
	char **choices;		/* choice and multi only */
	size_t nchoices;
	bool has_min, has_max;	/* int only */
	long long min, max;
	char *when_src;		/* NULL: always asked */
	struct tpl_expr *when;
	char *help;
	char *prompt;		/* the question; NULL means use the name */
	struct value *matrix;	/* list of values validate tries, or NULL */
	struct option *fields;	/* multi of objects: each element's typed
				 * fields (options without when, matrix or
				 * fields of their own); NULL otherwise */
	size_t nfields;
	bool required;		/* a field without a default */
	bool unique;		/* a field no two elements may share */
	struct src_pos pos;
};

struct computed {
	char *name;
	char *value;		/* a template string */
	struct src_pos pos;	/* of the value */
};

struct constraint {
	char *require_src;
	struct tpl_expr *require;
	char *message;		/* a template string, rendered on failure */
	struct src_pos pos;	/* of the require expression */
};

struct file_rule {
	char *glob;		/* template-relative; `**` spans directories */
	char *when_src;
	struct tpl_expr *when;	/* NULL: always */
	bool render;		/* false: copy byte for byte */
	bool has_syntax;
	struct tpl_syntax syntax;	/* from `delimiters:` */
	char *each_var;		/* `each: "VAR in EXPR"`: the name bound to */
	struct tpl_expr *each;	/* each element of EXPR's list; NULL: once */
	char *each_src;		/* EXPR, for messages */
	struct src_pos pos;
};

struct manifest {
	char *file;		/* name used in diagnostics */
	char *name;
	char *version;
	char *min_genship;	/* may be NULL */
	char *description;	/* may be NULL */
	struct option *options;
	size_t noptions;
	struct computed *computed;
	size_t ncomputed;
	struct constraint *constraints;
	size_t nconstraints;
	struct file_rule *files;
	size_t nfiles;
	char **pre_hooks;
	size_t npre_hooks;
	char **post_hooks;
	size_t npost_hooks;
	struct src_pos *pre_hook_pos;	/* of each hook name, for errors */
	struct src_pos *post_hook_pos;
	char *text;		/* a copy of the manifest, for diagnostics */
	size_t text_len;
	struct arena arena;	/* strings, arrays, defaults, matrix lists */
};

/*
 * Parse the manifest text (len bytes) named `file` in diagnostics.
 * *out is caller-owned, untouched on failure.  Returns 0 or ERR_INPUT.
 */
int manifest_load(const char *file, const char *text, size_t len,
		  struct manifest **out, struct diag *err);

/* Free m and everything it owns. NULL is allowed. */
void manifest_free(struct manifest *m);

/* Return the option named name, or NULL. */
const struct option *manifest_option(const struct manifest *m,
				     const char *name);

/*
 * Set the input error that hook `name`, which m names in `hooks`, is not
 * in the template's hooks/ directory, at the name in genship.yml (the
 * first place m names it).  Returns ERR_INPUT.
 */
int manifest_hook_missing(const struct manifest *m, const char *name,
			  struct diag *err);

/* Return the first file rule whose glob matches relpath, or NULL. */
const struct file_rule *manifest_file_rule(const struct manifest *m,
					   const char *relpath);

/*
 * Match a template-relative path against a glob: `*` and `?` stay within
 * one path component, `**` matches any number of whole components, and a
 * trailing `**` component matches everything below its directory.
 */
bool manifest_glob_match(const char *glob, const char *path);

/* Return "string", "bool", "int", "choice" or "multi". */
const char *option_type_name(enum option_type t);

/* Fill src so that diagnostics can point into m's genship.yml. */
void manifest_diag_src(const struct manifest *m, struct diag_src *src);

/*
 * Convert `in` to a value of o's type and validate it: bool from
 * true/false/yes/no/y/n/on/off/1/0 (any case), int from a whole decimal
 * string within min/max, a choice among o's choices, multi from a list or
 * a comma-separated string (duplicates dropped, in choices order), and a
 * string checked against o's pattern.  A multi option with fields takes a
 * list of mappings, or a string holding one in YAML flow (JSON) syntax:
 * each element becomes a dict with every field in field order, typed as
 * above, defaults filled in, and `unique` fields distinct.  *out is new in a, untouched on
 * failure.  Returns 0, or ERR_INPUT with the reason appended to why
 * (e.g. "expected one of python, node, go").
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
