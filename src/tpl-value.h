#ifndef GENSHIP_TPL_VALUE_H
#define GENSHIP_TPL_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "strbuf.h"

/*
 * Template values, with Python/Jinja2 semantics.
 *
 * Ownership: every value lives in an arena and is never freed on its own;
 * whoever owns the arena owns the values.  Values are immutable once they
 * are shared; the builders below (push, set) are for the code that is still
 * constructing a value.  The static singletons need no arena.
 *
 * Strings are byte strings holding UTF-8, with an explicit length; `ptr`
 * is also NUL-terminated so it can be passed to C APIs.  Dict keys are
 * strings and keep insertion order, like Python dicts.
 */

enum value_kind {
	VALUE_UNDEFINED,	/* a missing name or attribute */
	VALUE_NONE,
	VALUE_BOOL,
	VALUE_INT,
	VALUE_FLOAT,
	VALUE_STRING,
	VALUE_LIST,
	VALUE_DICT,
	VALUE_CALLABLE,		/* a macro, a bound method, a loop helper */
};

struct value;

struct value_str {
	const char *ptr;
	size_t len;
};

struct value_pair {
	struct value_str key;
	struct value *val;
};

struct value {
	enum value_kind kind;
	union {
		bool b;
		long long i;
		double f;
		struct value_str s;
		struct {
			struct value **items;
			size_t len, alloc;
			bool tuple;	/* a Python tuple: (1, 2) */
			const char *view;	/* "dict_keys"...: a dict
						 * view, or NULL */
		} list;
		struct {
			struct value_pair *items;
			size_t len, alloc;
		} dict;
		struct {
			const void *fn;		/* engine-private */
			const void *data;	/* engine-private */
			struct value_str name;	/* for undefined names */
		} call;
	} u;
};

extern struct value value_undefined_v, value_none_v, value_true_v,
	value_false_v;

#define VALUE_UNDEFINED_P (&value_undefined_v)
#define VALUE_NONE_P (&value_none_v)

/* Return the shared True or False. */
struct value *value_bool(bool b);
/* Return a new int. */
struct value *value_int(struct arena *a, long long i);
/* Return a new float. */
struct value *value_float(struct arena *a, double f);
/* Return a new string holding a copy of the n bytes at s. */
struct value *value_strn(struct arena *a, const char *s, size_t n);
/* Return a new string holding a copy of the NUL-terminated s. */
struct value *value_str(struct arena *a, const char *s);
/* Return a new string that takes s (already in a) without copying. */
struct value *value_str_borrow(struct arena *a, const char *s, size_t n);
/* Return a new empty list with room for hint items. */
struct value *value_list(struct arena *a, size_t hint);
/* Return a new empty tuple (a list printed as one) with room for hint. */
struct value *value_tuple(struct arena *a, size_t hint);
/* Append item to list. */
void value_list_push(struct arena *a, struct value *list, struct value *item);
/* Return a new empty dict with room for hint pairs. */
struct value *value_dict(struct arena *a, size_t hint);
/* Set key (n bytes, copied) to val, replacing an existing key in place. */
void value_dict_setn(struct arena *a, struct value *dict, const char *key,
		     size_t n, struct value *val);
/* Set the NUL-terminated key to val. */
void value_dict_set(struct arena *a, struct value *dict, const char *key,
		    struct value *val);
/* Return dict[key] (n bytes), or NULL when absent. */
struct value *value_dict_getn(const struct value *dict, const char *key,
			      size_t n);
/* Return dict[key] for a NUL-terminated key, or NULL when absent. */
struct value *value_dict_get(const struct value *dict, const char *key);
/*
 * Return a new dict in a holding the pairs of dict d, values shared: a
 * copy whose pairs can be replaced without touching d.
 */
struct value *value_dict_clone(struct arena *a, const struct value *d);
/* Return a deep copy of v in arena a (callables are shared, not copied). */
struct value *value_copy(struct arena *a, const struct value *v);

/* Python truthiness: False for undefined, None, 0, 0.0, "", [], {}. */
bool value_truthy(const struct value *v);
/* Python ==, with 1 == 1.0 and True == 1. */
bool value_equal(const struct value *a, const struct value *b);
/* Append str(v) as Jinja2 prints it ({{ v }}): True, None, 1.5, ['a']. */
void value_to_string(struct strbuf *sb, const struct value *v);
/* Append repr(v) as Python prints it: 'a', [1, 'b'], {'k': True}. */
void value_repr(struct strbuf *sb, const struct value *v);
/* Return the Python type name of v, for messages: 'str', 'int', ... */
const char *value_type_name(const struct value *v);

/* Results of value_order(). */
enum value_ordering {
	VALUE_LESS = -1,
	VALUE_SAME = 0,
	VALUE_MORE = 1,
	VALUE_UNORDERED,	/* NaN: every comparison is false */
	VALUE_UNORDERABLE,	/* a TypeError in Python: 1 < 'a' */
};
/*
 * Python ordering of a and b: numbers (with bools) by value, strings by
 * code point, lists and tuples lexicographically.
 */
enum value_ordering value_order(const struct value *a, const struct value *b);
/* Append Python's repr() of a float: 1.0, 0.1, 1e+16, inf, nan. */
void value_format_float(struct strbuf *sb, double f);

#endif
