#ifndef GENSHIP_MANIFEST_SCHEMA_H
#define GENSHIP_MANIFEST_SCHEMA_H

/*
 * The schema of genship.yml, written once (jq's opcode_list.h).
 *
 * Each mapping of the manifest is an X-macro list of its keys,
 *
 *   X(S, KEY, TYPE, REQ, SUB)
 *
 *   S     passed through: the struct raw_S the expansion fills
 *   KEY   the key, and the member of struct raw_S that libcyaml fills
 *   TYPE  STR   a string
 *         INT   an integer
 *         WORD  one of the words of the list SUB_WORDS
 *         BOOL  true, false, yes, no, on or off, in any case
 *         STRS  a sequence of strings
 *         LIST  a sequence of SUB mappings
 *         MAP   a SUB mapping
 *         DICT  a mapping of strings to strings (read from the node tree)
 *         ANY   anything (read from the node tree and checked there:
 *               typed by the option, or a file rule's `from`)
 *   REQ   REQ (required) or OPT; an optional STR, STRS, LIST, MAP or DICT
 *         may also be empty (`key:`), which means not given
 *   SUB   the mapping (LIST, MAP) or word list (WORD); _ otherwise
 *
 * and each list of words is X(WORD, VALUE).  manifest.c expands every list
 * three times: into the members of the struct libcyaml fills, into
 * libcyaml's schema, and into the table that ly_check() walks first, so
 * that libcyaml only ever loads text the check accepted, and the three
 * cannot drift apart.  Order matters: messages list keys and words in
 * this order, and option_type_name() indexes OPTION_TYPE_WORDS.
 */

#define MANIFEST_KEYS(X, S) \
	X(S, name,        STR,  REQ, _) \
	X(S, version,     STR,  REQ, _) \
	X(S, min_genship, STR,  OPT, _) \
	X(S, description, STR,  OPT, _) \
	X(S, options,     LIST, OPT, option) \
	X(S, computed,    LIST, OPT, computed) \
	X(S, constraints, LIST, OPT, constraint) \
	X(S, files,       LIST, OPT, file) \
	X(S, hooks,       MAP,  OPT, hooks)

/* The keys an option and a field of a list option's elements share. */
#define TYPED_VALUE_KEYS(X, S) \
	X(S, name,        STR,  REQ, _) \
	X(S, type,        WORD, REQ, option_type) \
	X(S, default,     ANY,  OPT, _) \
	X(S, pattern,     STR,  OPT, _) \
	X(S, pattern_help, STR, OPT, _) \
	X(S, help,        STR,  OPT, _) \
	X(S, choices,     STRS, OPT, _) \
	X(S, min,         INT,  OPT, _) \
	X(S, max,         INT,  OPT, _)

#define OPTION_ONLY_KEYS(X, S) \
	X(S, prompt,      STR,  OPT, _) \
	X(S, when,        STR,  OPT, _) \
	X(S, matrix,      ANY,  OPT, _) \
	X(S, rotate,      BOOL, OPT, _) \
	X(S, fields,      LIST, OPT, field)

#define FIELD_ONLY_KEYS(X, S) \
	X(S, unique,      BOOL, OPT, _) \
	X(S, refers_to,   STR,  OPT, _)

#define OPTION_KEYS(X, S) TYPED_VALUE_KEYS(X, S) OPTION_ONLY_KEYS(X, S)
#define FIELD_KEYS(X, S) TYPED_VALUE_KEYS(X, S) FIELD_ONLY_KEYS(X, S)

#define COMPUTED_KEYS(X, S) \
	X(S, name,        STR,  REQ, _) \
	X(S, value,       STR,  REQ, _)

#define CONSTRAINT_KEYS(X, S) \
	X(S, require,     STR,  REQ, _) \
	X(S, message,     STR,  OPT, _)

#define FILE_KEYS(X, S) \
	X(S, path,        STR,  REQ, _) \
	X(S, when,        STR,  OPT, _) \
	X(S, each,        STR,  OPT, _) \
	X(S, render,      BOOL, OPT, _) \
	X(S, delimiters,  STRS, OPT, _) \
	X(S, from,        ANY,  OPT, _) \
	X(S, with,        DICT, OPT, _)

#define HOOKS_KEYS(X, S) \
	X(S, pre,         STRS, OPT, _) \
	X(S, post,        STRS, OPT, _)

/* In enum option_type order. */
#define OPTION_TYPE_WORDS(X) \
	X("string", OPTION_STRING) \
	X("bool",   OPTION_BOOL) \
	X("int",    OPTION_INT) \
	X("choice", OPTION_CHOICE) \
	X("multi",  OPTION_MULTI)

/* BOOL keys: libcyaml's own bool takes any word for true; this is strict. */
#define BOOL_WORDS(X) \
	X("true",  RAW_BOOL_TRUE) \
	X("false", RAW_BOOL_FALSE) \
	X("yes",   RAW_BOOL_TRUE) \
	X("no",    RAW_BOOL_FALSE) \
	X("on",    RAW_BOOL_TRUE) \
	X("off",   RAW_BOOL_FALSE)

#endif
