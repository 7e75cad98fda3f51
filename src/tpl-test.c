/*
 * Jinja2's tests (`x is defined`, `n is divisibleby 3`...), with their
 * sorted table.  Tests that only look at the type accept undefined
 * values; the others fail on them, as StrictUndefined does.  Semantics
 * follow jinja2/tests.py.
 */
#include "tpl-fn.h"

/* True for jinja2.Undefined (made by `a if false`), which iterates. */
static bool lenient_undef(const struct value *v)
{
	const struct tpl_undef *u = v->u.call.data;

	return v->kind == VALUE_UNDEFINED && u && u->lenient;
}

TPL_FN(t_defined)
{
	return bool_out(out, self->kind != VALUE_UNDEFINED);
}

TPL_FN(t_undefined)
{
	return bool_out(out, self->kind == VALUE_UNDEFINED);
}

TPL_FN(t_none)
{
	return bool_out(out, self->kind == VALUE_NONE);
}

TPL_FN(t_boolean)
{
	return bool_out(out, self->kind == VALUE_BOOL);
}

TPL_FN(t_true)
{
	return bool_out(out, self->kind == VALUE_BOOL && self->u.b);
}

TPL_FN(t_false)
{
	return bool_out(out, self->kind == VALUE_BOOL && !self->u.b);
}

TPL_FN(t_integer)
{
	return bool_out(out, self->kind == VALUE_INT);
}

TPL_FN(t_float)
{
	return bool_out(out, self->kind == VALUE_FLOAT);
}

TPL_FN(t_number)
{
	return bool_out(out, self->kind == VALUE_INT ||
			self->kind == VALUE_FLOAT || self->kind == VALUE_BOOL);
}

TPL_FN(t_string)
{
	return bool_out(out, self->kind == VALUE_STRING);
}

TPL_FN(t_mapping)
{
	return bool_out(out, self->kind == VALUE_DICT);
}

TPL_FN(t_sequence)
{
	return bool_out(out, self->kind == VALUE_STRING ||
			self->kind == VALUE_LIST || self->kind == VALUE_DICT);
}

TPL_FN(t_iterable)
{
	return bool_out(out, self->kind == VALUE_STRING ||
			self->kind == VALUE_LIST || self->kind == VALUE_DICT ||
			lenient_undef(self));
}

TPL_FN(t_callable)
{
	return bool_out(out, self->kind == VALUE_UNDEFINED ||
			(self->kind == VALUE_CALLABLE &&
			 ((const struct tpl_callable *)self->u.call.fn)->kind !=
			 CALLABLE_NAMESPACE));
}

TPL_FN(t_escaped)
{
	return bool_out(out, false);
}

/* Python's `is`: identity, approximated for immutable values. */
TPL_FN(t_sameas)
{
	const struct value *o = argv[0];

	if (self == o)
		return bool_out(out, true);
	if (self->kind != o->kind)
		return bool_out(out, false);
	if (self->kind == VALUE_NONE || self->kind == VALUE_BOOL)
		return bool_out(out, value_equal(self, o));
	if (self->kind == VALUE_INT)
		return bool_out(out, self->u.i == o->u.i && self->u.i >= -5 &&
				self->u.i <= 256);
	return bool_out(out, false);
}

TPL_FN(t_in)
{
	bool res;
	int rc = ev_contains(r, self, argv[0], off, &res);

	return rc ? rc : bool_out(out, res);
}

/* The comparison tests: eq, ne, lt, le, gt, ge and their aliases. */
static int compare_test(struct evaluator *r, size_t off, struct value *a,
			struct value *b, enum tok_kind op, struct value **out)
{
	bool res;
	int rc;

	if (op == TOK_EQ || op == TOK_NE) {
		rc = ev_equal(r, a, b, off, &res);
		res = op == TOK_EQ ? res : !res;
	} else {
		rc = ev_order(r, op, a, b, off, &res);
	}
	return rc ? rc : bool_out(out, res);
}

TPL_FN(t_eq)
{
	return compare_test(r, off, self, argv[0], TOK_EQ, out);
}

TPL_FN(t_ne)
{
	return compare_test(r, off, self, argv[0], TOK_NE, out);
}

TPL_FN(t_lt)
{
	return compare_test(r, off, self, argv[0], TOK_LT, out);
}

TPL_FN(t_le)
{
	return compare_test(r, off, self, argv[0], TOK_LTEQ, out);
}

TPL_FN(t_gt)
{
	return compare_test(r, off, self, argv[0], TOK_GT, out);
}

TPL_FN(t_ge)
{
	return compare_test(r, off, self, argv[0], TOK_GTEQ, out);
}

/* value % num == want, for odd, even and divisibleby. */
static int mod_test(struct evaluator *r, size_t off, struct value *v,
		    long long num, long long want, struct value **out)
{
	struct value n = { .kind = VALUE_INT, .u.i = num };
	struct value w = { .kind = VALUE_INT, .u.i = want };
	struct value *m;
	int rc = ev_arith(r, TOK_MOD, v, &n, off, &m);

	return rc ? rc : bool_out(out, value_equal(m, &w));
}

TPL_FN(t_odd)
{
	return mod_test(r, off, self, 2, 1, out);
}

TPL_FN(t_even)
{
	return mod_test(r, off, self, 2, 0, out);
}

TPL_FN(t_divisibleby)
{
	struct value zero = { .kind = VALUE_INT, .u.i = 0 };
	struct value *m;
	int rc = ev_arith(r, TOK_MOD, self, argv[0], off, &m);

	return rc ? rc : bool_out(out, value_equal(m, &zero));
}

TPL_FN(t_lower)
{
	return str_case_test(r, off, self, false, out);
}

TPL_FN(t_upper)
{
	return str_case_test(r, off, self, true, out);
}

/* `is filter` and `is test`: whether the name exists. */
static int has_name(struct evaluator *r, size_t off, struct value *self,
		    enum tpl_table t, struct value **out)
{
	struct value_str s;
	int rc = ev_str(r, self, off, &s);

	return rc ? rc : bool_out(out, tpl_func_find(t, s.ptr, s.len));
}

TPL_FN(t_filter)
{
	return has_name(r, off, self, TPL_FILTERS, out);
}

TPL_FN(t_test)
{
	return has_name(r, off, self, TPL_TESTS, out);
}

/* ---- table --------------------------------------------------------------- */

/* Tests that only look at the type accept undefined values. */
#define T_TYPE TPL_F_UNDEF

static const struct tpl_func tests[] = {
	{ "!=", t_ne, P("other"), 1, 0 },
	{ "<", t_lt, P("other"), 1, 0 },
	{ "<=", t_le, P("other"), 1, 0 },
	{ "==", t_eq, P("other"), 1, 0 },
	{ ">", t_gt, P("other"), 1, 0 },
	{ ">=", t_ge, P("other"), 1, 0 },
	{ "boolean", t_boolean, P(NULL), 0, T_TYPE },
	{ "callable", t_callable, P(NULL), 0, T_TYPE },
	{ "defined", t_defined, P(NULL), 0, T_TYPE },
	{ "divisibleby", t_divisibleby, P("num"), 1, 0 },
	{ "eq", t_eq, P("other"), 1, 0 },
	{ "equalto", t_eq, P("other"), 1, 0 },
	{ "escaped", t_escaped, P(NULL), 0, T_TYPE },
	{ "even", t_even, P(NULL), 0, 0 },
	{ "false", t_false, P(NULL), 0, T_TYPE },
	{ "filter", t_filter, P(NULL), 0, 0 },
	{ "float", t_float, P(NULL), 0, T_TYPE },
	{ "ge", t_ge, P("other"), 1, 0 },
	{ "greaterthan", t_gt, P("other"), 1, 0 },
	{ "gt", t_gt, P("other"), 1, 0 },
	{ "in", t_in, P("seq"), 1, 0 },
	{ "integer", t_integer, P(NULL), 0, T_TYPE },
	{ "iterable", t_iterable, P(NULL), 0, 0 },
	{ "le", t_le, P("other"), 1, 0 },
	{ "lessthan", t_lt, P("other"), 1, 0 },
	{ "lower", t_lower, P(NULL), 0, 0 },
	{ "lt", t_lt, P("other"), 1, 0 },
	{ "mapping", t_mapping, P(NULL), 0, T_TYPE },
	{ "ne", t_ne, P("other"), 1, 0 },
	{ "none", t_none, P(NULL), 0, T_TYPE },
	{ "number", t_number, P(NULL), 0, T_TYPE },
	{ "odd", t_odd, P(NULL), 0, 0 },
	{ "sameas", t_sameas, P("other"), 1, T_TYPE | TPL_F_UNDEF_ARGS },
	{ "sequence", t_sequence, P(NULL), 0, T_TYPE },
	{ "string", t_string, P(NULL), 0, T_TYPE },
	{ "test", t_test, P(NULL), 0, 0 },
	{ "true", t_true, P(NULL), 0, T_TYPE },
	{ "undefined", t_undefined, P(NULL), 0, T_TYPE },
	{ "upper", t_upper, P(NULL), 0, 0 },
};

const struct tpl_func_table tpl_test_table = TPL_TABLE(tests);
