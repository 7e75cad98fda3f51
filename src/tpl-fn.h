#ifndef GENSHIP_TPL_FN_H
#define GENSHIP_TPL_FN_H

#include <string.h>

#include "tpl-int.h"

/*
 * Private to the engine's function files: the filters (tpl-filter.c),
 * tests (tpl-test.c), methods (tpl-str.c, tpl-filter.c) and globals
 * (tpl-global.c), and the libraries they share: argument conversion
 * (tpl-func.c), strings (tpl-str.c), formatting (tpl-format.c), JSON
 * (tpl-json.c) and slugify (tpl-slug.c).  The evaluator and the parser
 * reach these functions only through tpl-int.h.
 *
 * Every function gets the render it runs in (r), the source offset to
 * blame (off) and self; it reads its bound arguments from argv (NULL for
 * one not given), sets *out and returns 0, or fails with ev_fail() and
 * returns ERR_INPUT.  Strings a function makes live in r's arena.
 */

/* Every filter, test, method and global has this signature. */
#define TPL_FN(name)							\
	static int name(struct evaluator *r, size_t off, struct value *self, \
			struct value **argv, const struct tpl_args *args, \
			struct value **out)

/* The parameters of a table entry: P("width", "first"), or P(NULL). */
#define P(...) { __VA_ARGS__, NULL }
/* CPython's methods take positional arguments only (but str.split). */
#define M_POS TPL_F_NOKW

/* A sorted table of functions, searched by tpl_func_find(). */
struct tpl_func_table {
	const struct tpl_func *v;
	size_t n;
};

#define TPL_TABLE(t) { t, sizeof(t) / sizeof((t)[0]) }

/* The tables, one per enum tpl_table, each beside its functions. */
extern const struct tpl_func_table tpl_filter_table, tpl_test_table,
	tpl_str_method_table, tpl_dict_method_table, tpl_list_method_table,
	tpl_global_table;

/* ---- small helpers ------------------------------------------------ */

/* True when c is a (non-NUL) character of set. */
static inline bool in_set(const char *set, int c)
{
	return c && strchr(set, c);
}

/* The code point at s + i (i < n) and its length. */
static inline size_t cp_at(const struct value_str *s, size_t i,
			   uint32_t *cp)
{
	return utf8_next(s->ptr + i, s->len - i, cp);
}

/* A new string value holding n bytes at p (borrowed from a live value). */
static inline struct value *str_borrow(struct evaluator *r, const char *p,
				       size_t n)
{
	return value_str_borrow(r->a, p, n);
}

/* Start a string builder capped like every string. */
static inline void sb_start(struct strbuf *sb)
{
	strbuf_init(sb, TPL_MAX_OUTPUT);
}

/* An optional boolean argument: false when not given. */
static inline bool opt_bool(const struct value *v)
{
	return v && value_truthy(v);
}

/* Set *out to True or False and succeed. */
static inline int bool_out(struct value **out, bool b)
{
	*out = value_bool(b);
	return 0;
}

/* ---- arguments (tpl-func.c) --------------------------------------- */

/* str(v) for a filter's self, charging its length as work. */
int arg_self_str(struct evaluator *r, struct value *v, size_t off,
		 struct value_str *s);
/*
 * A str argument of a Python method: str only, as CPython insists; what
 * names the method in the message.  *s is "" on failure.
 */
int arg_str(struct evaluator *r, const struct value *v, size_t off,
	    const char *what, struct value_str *s);
/* An integer argument (bools count), as Python's __index__. */
int arg_int(struct evaluator *r, const struct value *v, size_t off,
	    long long *i);
/* An optional integer argument: def when not given or None. */
int arg_opt_int(struct evaluator *r, const struct value *v, size_t off,
		long long def, long long *i);

/* ---- the string library (tpl-str.c) ------------------------------- */

enum case_op { CASE_LOWER, CASE_UPPER, CASE_SWAP };

/*
 * The bounds [*b, *e) of s without chars (whitespace when NULL) on the
 * left and/or right.
 */
void str_strip(const struct value_str *s, const struct value_str *chars,
	       bool left, bool right, size_t *b, size_t *e);
/* Python's str.replace(old, new, count) (count < 0: all) into *out. */
int str_replace(struct evaluator *r, const struct value_str *s,
		const struct value_str *old, const struct value_str *new,
		long long count, size_t off, struct value **out);
/* Python's str.lower(), upper() or swapcase() of s into *out. */
int str_case(struct evaluator *r, const struct value_str *s,
	     enum case_op op, size_t off, struct value **out);
/* Python's str.capitalize() of s into *out. */
int str_capitalize(struct evaluator *r, const struct value_str *s,
		   size_t off, struct value **out);
/* s padded to width code points with fill; align is '<', '>' or '^'. */
int str_pad(struct evaluator *r, const struct value_str *s,
	    long long width, uint32_t fill, char align, size_t off,
	    struct value **out);
/*
 * Split s into lines as Python's str.splitlines(); returns their number.
 * (*lines)[i] excludes its line break, whose length is (*ends)[i].  Both
 * arrays live in r's arena.
 */
size_t str_split_lines(struct evaluator *r, const struct value_str *s,
		       struct value_str **lines, size_t **ends);
/*
 * Python's str.islower() (upper false) or isupper() of str(self): some
 * cased character and none of the other case.
 */
int str_case_test(struct evaluator *r, size_t off, struct value *self,
		  bool upper, struct value **out);

/* ---- formatting, JSON, slugify ------------------------------------ */

/* Python's fmt.format(*args, **kwargs) (tpl-format.c). */
int tpl_format_str(struct evaluator *r, const struct value_str *fmt,
		   const struct tpl_args *args, size_t off,
		   struct value **out);
/*
 * json.dumps(v, sort_keys=True, indent=indent) into *out (tpl-json.c).
 * indent is NULL or None (one line), a number of spaces or a string; html
 * escapes < > & ' as the tojson filter does.
 */
int tpl_json_dump(struct evaluator *r, size_t off, struct value *v,
		  struct value *indent, bool html, struct value **out);
/* The slugify filter (tpl-slug.c). */
tpl_fn tpl_slugify;

#endif
