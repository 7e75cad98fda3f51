/*
 * How a name becomes a call: the sorted tables of filters, tests, methods
 * and globals (each defined beside its functions, searched here with
 * bsearch), the binding of positional and keyword arguments to a
 * function's parameters as in Python, the conversion of arguments every
 * function shares (str, int, optional int), and "did you mean" hints.
 */
#include "tpl-fn.h"

#include <stdlib.h>
#include <string.h>

/* ---- arguments ----------------------------------------------------------- */

/* str(self) for a filter, charging its length as work. */
int arg_self_str(struct evaluator *r, struct value *v, size_t off,
		 struct value_str *s)
{
	int rc = ev_str(r, v, off, s);

	return rc ? rc : ev_charge(r, s->len, off);
}

/* A str argument of a Python method: str only, as CPython insists. */
int arg_str(struct evaluator *r, const struct value *v, size_t off,
	    const char *what, struct value_str *s)
{
	int rc;

	s->ptr = "";
	s->len = 0;
	if ((rc = ev_defined(r, v, off)))
		return rc;
	if (v->kind != VALUE_STRING)
		return ev_fail(r, off, "%s: argument must be str, not "
			       "'%s'", what, value_type_name(v));
	*s = v->u.s;
	return 0;
}

/* An integer argument (bools count), as Python's __index__. */
int arg_int(struct evaluator *r, const struct value *v, size_t off,
	    long long *i)
{
	int rc;

	*i = 0;
	if ((rc = ev_defined(r, v, off)))
		return rc;
	if (v->kind == VALUE_INT)
		*i = v->u.i;
	else if (v->kind == VALUE_BOOL)
		*i = v->u.b;
	else
		return ev_fail(r, off, "'%s' object cannot be "
			       "interpreted as an integer",
			       value_type_name(v));
	return 0;
}

/* An optional integer argument with a default. */
int arg_opt_int(struct evaluator *r, const struct value *v, size_t off,
		long long def, long long *i)
{
	*i = def;
	if (!v || v->kind == VALUE_NONE)
		return 0;
	return arg_int(r, v, off, i);
}

/* ---- binding arguments --------------------------------------------------- */

static size_t param_count(const struct tpl_func *f)
{
	size_t n = 0;

	while (n < TPL_MAX_PARAMS && f->params[n])
		n++;
	return n;
}

static int bind_kwargs(struct evaluator *r, const struct tpl_func *f,
		       const char *what, const struct tpl_args *args,
		       struct value **argv, size_t off)
{
	size_t i, j, n = param_count(f);

	if (args->nkw && (f->flags & TPL_F_NOKW))
		return ev_fail(r, off, "%s takes no keyword arguments",
			       what);
	for (i = 0; i < args->nkw; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(f->params[j], args->kwnames[i]))
				break;
		if (j == n) {
			if (f->flags & TPL_F_KWARGS)
				continue;
			return ev_fail(r, off, "%s got an unexpected "
				       "keyword argument '%s'", what,
				       args->kwnames[i]);
		}
		if (argv[j])
			return ev_fail(r, off, "%s got multiple values "
				       "for argument '%s'", what,
				       f->params[j]);
		argv[j] = args->kw[i];
	}
	return 0;
}

/* Fail on a strict undefined argument of a function that uses it. */
static int check_args(struct evaluator *r, const struct tpl_func *f,
		      const struct tpl_args *args, size_t off)
{
	size_t i;
	int rc;

	if (f->flags & TPL_F_UNDEF_ARGS)
		return 0;
	for (i = 0; i < args->npos + args->nkw; i++)
		if ((rc = ev_defined(r, args->pos[i], off)))
			return rc;
	return 0;
}

int tpl_func_call(struct evaluator *r, const struct tpl_func *f,
		  const char *what, struct value *self,
		  const struct tpl_args *args, size_t off, struct value **out)
{
	struct value *argv[TPL_MAX_PARAMS] = { NULL };
	size_t n = param_count(f), i;
	int rc;

	if (self && !(f->flags & TPL_F_UNDEF) &&
	    (rc = ev_defined(r, self, off)))
		return rc;
	if ((rc = check_args(r, f, args, off)))
		return rc;
	if (args->npos > n && !(f->flags & TPL_F_VARARGS))
		return ev_fail(r, off, "%s takes at most %zu argument%s "
			       "(%zu given)", what, n, n == 1 ? "" : "s",
			       args->npos);
	for (i = 0; i < args->npos && i < n; i++)
		argv[i] = args->pos[i];
	if ((rc = bind_kwargs(r, f, what, args, argv, off)))
		return rc;
	for (i = 0; i < f->min; i++)
		if (!argv[i])
			return ev_fail(r, off, "%s is missing the required "
				       "argument '%s'", what,
				       f->params[i]);
	return f->fn(r, off, self, argv, args, out);
}

/* ---- tables -------------------------------------------------------------- */

static const struct tpl_func_table *const tables[] = {
	[TPL_FILTERS] = &tpl_filter_table,
	[TPL_TESTS] = &tpl_test_table,
	[TPL_STR_METHODS] = &tpl_str_method_table,
	[TPL_DICT_METHODS] = &tpl_dict_method_table,
	[TPL_LIST_METHODS] = &tpl_list_method_table,
	[TPL_GLOBALS] = &tpl_global_table,
};

struct func_key {
	const char *name;
	size_t len;
};

static int cmp_func(const void *key, const void *elem)
{
	const struct func_key *k = key;
	const char *name = ((const struct tpl_func *)elem)->name;
	int c = strncmp(k->name, name, k->len);

	return c ? c : name[k->len] ? -1 : 0;
}

const struct tpl_func *tpl_func_find(enum tpl_table t, const char *name,
				     size_t len)
{
	struct func_key k = { name, len };

	if (memchr(name, '\0', len))
		return NULL;
	return bsearch(&k, tables[t]->v, tables[t]->n, sizeof(struct tpl_func),
		       cmp_func);
}

const char *tpl_hint(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word);

	return diag_closest_within(word, cands, n, len <= 2 ? 0 : len <= 4 ?
				   1 : len <= 8 ? 2 : 3);
}

const char *tpl_func_closest(enum tpl_table t, const char *name)
{
	const char *names[64];
	size_t i, n = tables[t]->n < 64 ? tables[t]->n : 64;

	for (i = 0; i < n; i++)
		names[i] = tables[t]->v[i].name;
	return tpl_hint(name, names, n);
}

bool tpl_dict_attr_is_method(const char *name, size_t len)
{
	static const char *const attrs[] = {
		"clear", "copy", "fromkeys", "get", "items", "keys", "pop",
		"popitem", "setdefault", "update", "values",
	};
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strlen(attrs[i]) == len && !memcmp(attrs[i], name, len))
			return true;
	return false;
}
