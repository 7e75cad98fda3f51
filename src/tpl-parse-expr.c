/*
 * The expression parser: Jinja2's expression grammar by recursive descent
 * (jinja2/parser.py), from conditional expressions down to literals, with
 * its precedence and quirks: left-associative **, filters binding to
 * unary operands, tuples without parentheses in {{ }} and {% set %},
 * and constant folding of "-3 ** x" as Python reads the compiled code.
 */
#include "tpl-parse.h"

#include <string.h>

/* Strings; adjacent literals are concatenated: "a" 'b'. */
static int p_string(struct parser *p, struct node **out)
{
	struct value_str first = p->tok.v.s;
	struct strbuf sb = STRBUF_INIT;
	size_t off = p->tok.off;
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	if (p->tok.kind != TOK_STRING) {
		*out = p_const(p, value_str_borrow(p->a, first.ptr, first.len),
			       off);
		return 0;
	}
	strbuf_add(&sb, first.ptr, first.len);
	while (p->tok.kind == TOK_STRING) {
		strbuf_add(&sb, p->tok.v.s.ptr, p->tok.v.s.len);
		if ((rc = p_advance(p)))
			goto out;
	}
	*out = p_const(p, value_strn(p->a, sb.buf, sb.len), off);
out:
	strbuf_release(&sb);
	return rc;
}

int p_name_or_const(struct parser *p, struct node **out)
{
	const struct token *t = &p->tok;
	struct node *n;

	if (p_is(p, "true") || p_is(p, "True"))
		n = p_const(p, value_bool(true), t->off);
	else if (p_is(p, "false") || p_is(p, "False"))
		n = p_const(p, value_bool(false), t->off);
	else if (p_is(p, "none") || p_is(p, "None"))
		n = p_const(p, VALUE_NONE_P, t->off);
	else {
		n = p_new(p, NODE_NAME, t->off);
		n->u.name.name = p_intern(p, t->v.s.ptr, t->v.s.len);
		n->height = 1;
	}
	*out = n;
	return p_advance(p);
}

/* A list literal: [a, b, ]. */
static int p_list(struct parser *p, struct node **out)
{
	struct node *n = p_new(p, NODE_LIST, p->tok.off), *item;
	struct nvec items = { NULL, 0, 0 };
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	while (p->tok.kind != TOK_RBRACKET) {
		if (items.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if (p->tok.kind == TOK_RBRACKET)
			break;
		if ((rc = p_expr(p, true, &item)))
			return rc;
		nvec_push(p, &items, item);
	}
	n->u.items = nvec_list(&items);
	if ((rc = p_advance(p)))
		return rc;
	return p_seal(p, n, out);
}

/* A dict literal: {k: v, }. */
static int p_dict(struct parser *p, struct node **out)
{
	struct node *n = p_new(p, NODE_DICT, p->tok.off), *item;
	struct nvec items = { NULL, 0, 0 };
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	while (p->tok.kind != TOK_RBRACE) {
		if (items.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if (p->tok.kind == TOK_RBRACE)
			break;
		if ((rc = p_expr(p, true, &item)))
			return rc;
		nvec_push(p, &items, item);
		if ((rc = p_expect(p, TOK_COLON)) ||
		    (rc = p_expr(p, true, &item)))
			return rc;
		nvec_push(p, &items, item);
	}
	n->u.items = nvec_list(&items);
	if ((rc = p_advance(p)))
		return rc;
	return p_seal(p, n, out);
}

static int p_primary(struct parser *p, struct node **out)
{
	int rc;

	switch (p->tok.kind) {
	case TOK_NAME:
		return p_name_or_const(p, out);
	case TOK_STRING:
		return p_string(p, out);
	case TOK_INT:
		*out = p_const(p, value_int(p->a, p->tok.v.i), p->tok.off);
		return p_advance(p);
	case TOK_FLOAT:
		*out = p_const(p, value_float(p->a, p->tok.v.f), p->tok.off);
		return p_advance(p);
	case TOK_LPAREN:
		if ((rc = p_enter(p)) || (rc = p_advance(p)) ||
		    (rc = p_tuple(p, TUPLE_EXPLICIT, NULL, out)))
			return rc;
		p->depth--;
		return p_expect(p, TOK_RPAREN);
	case TOK_LBRACKET:
		if ((rc = p_enter(p)) || (rc = p_list(p, out)))
			return rc;
		p->depth--;
		return 0;
	case TOK_LBRACE:
		if ((rc = p_enter(p)) || (rc = p_dict(p, out)))
			return rc;
		p->depth--;
		return 0;
	default:
		return p_fail_got(p, "expected an expression");
	}
}

/* True at the end of a tuple: a tag end, ')' or the extra name. */
static bool p_tuple_end(const struct parser *p, const char *extra)
{
	switch (p->tok.kind) {
	case TOK_VAR_END: case TOK_BLOCK_END: case TOK_RPAREN: case TOK_EOF:
		return true;
	default:
		return extra && p_is(p, extra);
	}
}

int p_tuple(struct parser *p, int flags, const char *extra_end,
	    struct node **out)
{
	struct node *n = p_new(p, NODE_TUPLE, p->tok.off), *item;
	struct nvec items = { NULL, 0, 0 };
	bool is_tuple = false;
	int rc;

	for (;;) {
		if (items.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if (p_tuple_end(p, extra_end))
			break;
		rc = flags & TUPLE_SIMPLIFIED ? p_primary(p, &item) :
		     p_expr(p, !(flags & TUPLE_NO_COND), &item);
		if (rc)
			return rc;
		nvec_push(p, &items, item);
		if (p->tok.kind != TOK_COMMA)
			break;
		is_tuple = true;
	}
	if (!is_tuple && items.n) {
		*out = items.v[0];
		return 0;
	}
	if (!is_tuple && !(flags & TUPLE_EXPLICIT))
		return p_fail_got(p, "expected an expression");
	n->u.items = nvec_list(&items);
	return p_seal(p, n, out);
}

/* Parse "name(.name)*" for a filter or test name. */
static int p_dotted_name(struct parser *p, const char **name, size_t *off)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	*off = p->tok.off;
	if (p->tok.kind != TOK_NAME)
		return p_fail_got(p, "expected a name");
	for (;;) {
		strbuf_add(&sb, p->tok.v.s.ptr, p->tok.v.s.len);
		if ((rc = p_advance(p)))
			goto out;
		if (p->tok.kind != TOK_DOT)
			break;
		strbuf_addch(&sb, '.');
		if ((rc = p_advance(p)))
			goto out;
		if (p->tok.kind != TOK_NAME) {
			rc = p_fail_got(p, "expected a name");
			goto out;
		}
	}
	*name = arena_strndup(p->a, sb.buf, sb.len);
out:
	strbuf_release(&sb);
	return rc;
}

/* One call argument: positional or name=value. */
static int p_call_arg(struct parser *p, struct nvec *pos, struct nvec *kw,
		      struct strbuf *names)
{
	const struct token *next;
	struct node *value;
	const char *name;
	int rc;

	if (p->tok.kind == TOK_MUL || p->tok.kind == TOK_POW)
		return p_fail(p, p->tok.off,
			      "'*' and '**' arguments are not supported");
	if (p->tok.kind == TOK_NAME) {
		if ((rc = p_look(p, &next)))
			return rc;
		if (next->kind == TOK_ASSIGN) {
			name = arena_strndup(p->a, p->tok.v.s.ptr,
					     p->tok.v.s.len);
			if ((rc = p_advance(p)) || (rc = p_advance(p)) ||
			    (rc = p_expr(p, true, &value)))
				return rc;
			strbuf_add(names, &name, sizeof(name));
			nvec_push(p, kw, value);
			return 0;
		}
	}
	if (kw->n)
		return p_fail(p, p->tok.off,
			      "positional argument follows keyword argument");
	if ((rc = p_expr(p, true, &value)))
		return rc;
	nvec_push(p, pos, value);
	return 0;
}

/* Call arguments "(a, b, k=v)" into args. */
static int p_call_args(struct parser *p, struct node_args *args)
{
	struct nvec pos = { NULL, 0, 0 }, kw = { NULL, 0, 0 };
	struct strbuf names = STRBUF_INIT;
	int rc;

	if ((rc = p_expect(p, TOK_LPAREN)))
		return rc;
	while (p->tok.kind != TOK_RPAREN) {
		if (pos.n + kw.n) {
			if ((rc = p_expect(p, TOK_COMMA)))
				goto out;
			if (p->tok.kind == TOK_RPAREN)
				break;
		}
		if ((rc = p_call_arg(p, &pos, &kw, &names)))
			goto out;
	}
	args->pos = nvec_list(&pos);
	args->kw = nvec_list(&kw);
	if (kw.n) {
		args->kwnames = arena_alloc(p->a, names.len);
		memcpy(args->kwnames, names.buf, names.len);
	}
	rc = p_advance(p);
out:
	strbuf_release(&names);
	return rc;
}

static int p_call(struct parser *p, struct node **node)
{
	struct node *n = p_new(p, NODE_CALL, p->tok.off);
	int rc;

	n->u.call.fn = *node;
	if ((rc = p_call_args(p, &n->u.call.args)))
		return rc;
	return p_seal(p, n, node);
}

/* After '.': a name (attribute) or an integer (item). */
static int p_dot(struct parser *p, struct node **node, size_t off)
{
	struct node *n;
	int rc;

	if (p->tok.kind == TOK_NAME) {
		n = p_new(p, NODE_GETATTR, p->tok.off);
		n->u.attr.obj = *node;
		n->u.attr.attr = arena_strndup(p->a, p->tok.v.s.ptr,
					       p->tok.v.s.len);
		n->u.attr.len = p->tok.v.s.len;
	} else if (p->tok.kind == TOK_INT) {
		n = p_new(p, NODE_GETITEM, p->tok.off);
		n->u.item.obj = *node;
		n->u.item.key = p_const(p, value_int(p->a, p->tok.v.i),
					p->tok.off);
	} else {
		return p_fail_got(p, "expected a name or number");
	}
	if ((rc = p_advance(p)))
		return rc;
	return p_seal(p, n, node);
}

/* One slice bound, or NULL when the next token ends it. */
static int p_slice_part(struct parser *p, struct node **out)
{
	*out = NULL;
	if (p->tok.kind == TOK_COLON || p->tok.kind == TOK_RBRACKET ||
	    p->tok.kind == TOK_COMMA)
		return 0;
	return p_expr(p, true, out);
}

/* A subscript: an expression or a slice a:b:c. */
static int p_subscribed(struct parser *p, struct node **out)
{
	struct node *n = p_new(p, NODE_SLICE, p->tok.off), *start = NULL;
	bool colon;
	int rc;

	if (p->tok.kind != TOK_COLON) {
		if ((rc = p_expr(p, true, &start)))
			return rc;
		if (p->tok.kind != TOK_COLON) {
			*out = start;
			return 0;
		}
	}
	n->u.slice.start = start;
	if ((rc = p_advance(p)) ||
	    (rc = p_slice_part(p, &n->u.slice.stop)) ||
	    (rc = p_skip_if(p, TOK_COLON, &colon)))
		return rc;
	if (colon && (rc = p_slice_part(p, &n->u.slice.step)))
		return rc;
	return p_seal(p, n, out);
}

/* After '[': subscripts up to ']'. */
static int p_bracket(struct parser *p, struct node **node, size_t off)
{
	struct node *n = p_new(p, NODE_GETITEM, off), *key = NULL;
	struct nvec keys = { NULL, 0, 0 };
	int rc;

	while (p->tok.kind != TOK_RBRACKET) {
		if (keys.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if ((rc = p_subscribed(p, &key)))
			return rc;
		nvec_push(p, &keys, key);
	}
	if (!keys.n)
		return p_fail_got(p, "expected a subscript");
	if ((rc = p_advance(p)))
		return rc;
	if (keys.n == 1) {
		key = keys.v[0];
	} else {
		key = p_new(p, NODE_TUPLE, off);
		key->u.items = nvec_list(&keys);
		if ((rc = p_seal(p, key, &key)))
			return rc;
	}
	n->u.item.obj = *node;
	n->u.item.key = key;
	n->off = keys.v[0]->off;
	return p_seal(p, n, node);
}

static int p_postfix(struct parser *p, struct node **node)
{
	size_t off;
	int rc;

	for (;;) {
		off = p->tok.off;
		if (p->tok.kind == TOK_DOT) {
			if ((rc = p_advance(p)) || (rc = p_dot(p, node, off)))
				return rc;
		} else if (p->tok.kind == TOK_LBRACKET) {
			if ((rc = p_advance(p)) ||
			    (rc = p_bracket(p, node, off)))
				return rc;
		} else if (p->tok.kind == TOK_LPAREN) {
			if ((rc = p_call(p, node)))
				return rc;
		} else {
			return 0;
		}
	}
}

/* One filter "name(args)" applied to *node (NULL in filter blocks). */
int p_filter_one(struct parser *p, struct node **node)
{
	struct node *n = p_new(p, NODE_FILTER, p->tok.off);
	size_t off;
	int rc;

	if ((rc = p_dotted_name(p, &n->u.filter.name, &off)))
		return rc;
	n->off = off;
	n->u.filter.arg = *node;
	n->u.filter.def = tpl_func_find(TPL_FILTERS, n->u.filter.name,
					strlen(n->u.filter.name));
	if (p->tok.kind == TOK_LPAREN &&
	    (rc = p_call_args(p, &n->u.filter.args)))
		return rc;
	return p_seal(p, n, node);
}

/* True when the current token may start a test's bare argument. */
static bool p_test_arg_start(const struct parser *p)
{
	switch (p->tok.kind) {
	case TOK_NAME:
		return !p_is(p, "else") && !p_is(p, "or") && !p_is(p, "and");
	case TOK_STRING: case TOK_INT: case TOK_FLOAT: case TOK_LPAREN:
	case TOK_LBRACKET: case TOK_LBRACE:
		return true;
	default:
		return false;
	}
}

/* "is [not] name [args]" applied to *node. */
static int p_test(struct parser *p, struct node **node)
{
	struct node *n = p_new(p, NODE_TEST, p->tok.off), *arg, *neg;
	bool negate = false;
	size_t off;
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	if (p_is(p, "not")) {
		negate = true;
		if ((rc = p_advance(p)))
			return rc;
	}
	if ((rc = p_dotted_name(p, &n->u.filter.name, &off)))
		return rc;
	n->off = off;
	n->u.filter.arg = *node;
	n->u.filter.def = tpl_func_find(TPL_TESTS, n->u.filter.name,
					strlen(n->u.filter.name));
	if (p->tok.kind == TOK_LPAREN) {
		if ((rc = p_call_args(p, &n->u.filter.args)))
			return rc;
	} else if (p_test_arg_start(p)) {
		if (p_is(p, "is"))
			return p_fail(p, p->tok.off,
				      "tests cannot be chained with 'is'");
		if ((rc = p_primary(p, &arg)) || (rc = p_postfix(p, &arg)))
			return rc;
		n->u.filter.args.pos.v = arena_alloc(p->a, sizeof(arg));
		n->u.filter.args.pos.v[0] = arg;
		n->u.filter.args.pos.n = 1;
	}
	if ((rc = p_seal(p, n, node)) || !negate)
		return rc;
	neg = p_new(p, NODE_NOT, n->off);
	neg->u.operand = n;
	return p_seal(p, neg, node);
}

static int p_filters(struct parser *p, struct node **node)
{
	int rc;

	for (;;) {
		if (p->tok.kind == TOK_PIPE) {
			if ((rc = p_advance(p)) || (rc = p_filter_one(p, node)))
				return rc;
		} else if (p_is(p, "is")) {
			if ((rc = p_test(p, node)))
				return rc;
		} else if (p->tok.kind == TOK_LPAREN) {
			if ((rc = p_call(p, node)))
				return rc;
		} else {
			return 0;
		}
	}
}

static int p_unary(struct parser *p, bool with_filter, struct node **out)
{
	enum tok_kind k = p->tok.kind;
	struct node *n;
	int rc;

	if (k == TOK_SUB || k == TOK_ADD) {
		n = p_new(p, k == TOK_SUB ? NODE_NEG : NODE_POS, p->tok.off);
		if ((rc = p_enter(p)) || (rc = p_advance(p)) ||
		    (rc = p_unary(p, false, &n->u.operand)))
			return rc;
		p->depth--;
		if ((rc = p_seal(p, n, out)))
			return rc;
	} else if ((rc = p_primary(p, out))) {
		return rc;
	}
	if ((rc = p_postfix(p, out)))
		return rc;
	return with_filter ? p_filters(p, out) : 0;
}

/* Make a binary node of kind with operator op. */
static int p_binary(struct parser *p, enum node_kind kind, enum tok_kind op,
		    size_t off, struct node *l, struct node *r,
		    struct node **out)
{
	struct node *n = p_new(p, kind, off);

	n->u.bin.l = l;
	n->u.bin.r = r;
	n->u.bin.op = op;
	return p_seal(p, n, out);
}

/* True for filters that Jinja2 never folds (they use the context). */
static bool p_context_filter(const char *name)
{
	static const char *const names[] = {
		"map", "reject", "rejectattr", "select", "selectattr",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

struct const_walk {
	bool ok;
};

static void p_const_child(void *ctx, struct node *n);

/* True when Jinja2's optimizer folds n into a constant at compile time. */
static bool p_const_expr(struct node *n)
{
	struct const_walk w = { true };

	switch (n->kind) {
	case NODE_CONST:
		return true;
	case NODE_NAME: case NODE_CALL: case NODE_NSREF:
		return false;
	case NODE_COND:
		if (!n->u.cond.otherwise)
			return false;
		break;
	case NODE_FILTER: case NODE_TEST:
		if (!n->u.filter.def || !n->u.filter.arg ||
		    p_context_filter(n->u.filter.name))
			return false;
		break;
	default:
		break;
	}
	node_visit(n, p_const_child, &w);
	return w.ok;
}

static void p_const_child(void *ctx, struct node *n)
{
	struct const_walk *w = ctx;

	w->ok = w->ok && p_const_expr(n);
}

/*
 * a ** b, left-associative.  Jinja2 compiles a constant left operand to
 * its Python repr, so a negative one reads as -(3 ** x) when the right
 * operand is not constant too: const_base asks the evaluator for that.
 */
static int p_pow(struct parser *p, struct node **out)
{
	struct node *r;
	size_t off;
	int rc;

	if ((rc = p_unary(p, true, out)))
		return rc;
	while (p->tok.kind == TOK_POW) {
		off = p->tok.off;
		if ((rc = p_advance(p)) || (rc = p_unary(p, true, &r)))
			return rc;
		if ((rc = p_binary(p, NODE_BINARY, TOK_POW, off, *out, r, out)))
			return rc;
		(*out)->u.bin.const_base = p_const_expr((*out)->u.bin.l) &&
					   !p_const_expr(r);
	}
	return 0;
}

static int p_math2(struct parser *p, struct node **out)
{
	enum tok_kind k;
	struct node *r;
	size_t off;
	int rc;

	if ((rc = p_pow(p, out)))
		return rc;
	while ((k = p->tok.kind) == TOK_MUL || k == TOK_DIV ||
	       k == TOK_FLOORDIV || k == TOK_MOD) {
		off = p->tok.off;
		if ((rc = p_advance(p)) || (rc = p_pow(p, &r)) ||
		    (rc = p_binary(p, NODE_BINARY, k, off, *out, r, out)))
			return rc;
	}
	return 0;
}

static int p_concat(struct parser *p, struct node **out)
{
	struct nvec items = { NULL, 0, 0 };
	struct node *n, *item;
	int rc;

	if ((rc = p_math2(p, out)))
		return rc;
	if (p->tok.kind != TOK_TILDE)
		return 0;
	n = p_new(p, NODE_CONCAT, p->tok.off);
	nvec_push(p, &items, *out);
	while (p->tok.kind == TOK_TILDE) {
		if ((rc = p_advance(p)) || (rc = p_math2(p, &item)))
			return rc;
		nvec_push(p, &items, item);
	}
	n->u.items = nvec_list(&items);
	return p_seal(p, n, out);
}

static int p_math1(struct parser *p, struct node **out)
{
	enum tok_kind k;
	struct node *r;
	size_t off;
	int rc;

	if ((rc = p_concat(p, out)))
		return rc;
	while ((k = p->tok.kind) == TOK_ADD || k == TOK_SUB) {
		off = p->tok.off;
		if ((rc = p_advance(p)) || (rc = p_concat(p, &r)) ||
		    (rc = p_binary(p, NODE_BINARY, k, off, *out, r, out)))
			return rc;
	}
	return 0;
}

/* The comparison operator at the current token, or TOK_EOF. */
static int p_cmp_op(struct parser *p, enum tok_kind *op)
{
	const struct token *next;
	int rc;

	*op = TOK_EOF;
	switch (p->tok.kind) {
	case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LTEQ: case TOK_GT:
	case TOK_GTEQ:
		*op = p->tok.kind;
		return p_advance(p);
	default:
		break;
	}
	if (p_is(p, "in")) {
		*op = TOK_IN;
		return p_advance(p);
	}
	if (!p_is(p, "not"))
		return 0;
	if ((rc = p_look(p, &next)) || !tok_is_name(next, "in"))
		return rc;
	*op = TOK_NOTIN;
	if ((rc = p_advance(p)))
		return rc;
	return p_advance(p);
}

/* Append op at off to the arena arrays of n elements of n's compare. */
static void p_push_op(struct parser *p, struct node *cmp, size_t n,
		      enum tok_kind op, size_t off)
{
	if (!(n & (n - 1))) {	/* 0, 1, 2, 4, ...: grow */
		enum tok_kind *ops = arena_alloc(p->a, (n ? 2 * n : 1) *
						 sizeof(*ops));
		size_t *offs = arena_alloc(p->a, (n ? 2 * n : 1) *
					   sizeof(*offs));

		if (n) {
			memcpy(ops, cmp->u.cmp.ops, n * sizeof(*ops));
			memcpy(offs, cmp->u.cmp.offs, n * sizeof(*offs));
		}
		cmp->u.cmp.ops = ops;
		cmp->u.cmp.offs = offs;
	}
	cmp->u.cmp.ops[n] = op;
	cmp->u.cmp.offs[n] = off;
}

static int p_compare(struct parser *p, struct node **out)
{
	struct nvec rest = { NULL, 0, 0 };
	struct node *n = NULL, *r;
	enum tok_kind op;
	int rc;

	if ((rc = p_math1(p, out)))
		return rc;
	for (;;) {
		size_t off = p->tok.off;

		if ((rc = p_cmp_op(p, &op)))
			return rc;
		if (op == TOK_EOF)
			break;
		if (!n)
			n = p_new(p, NODE_COMPARE, off);
		if ((rc = p_math1(p, &r)))
			return rc;
		p_push_op(p, n, rest.n, op, off);
		nvec_push(p, &rest, r);
	}
	if (!n)
		return 0;
	n->u.cmp.first = *out;
	n->u.cmp.rest = nvec_list(&rest);
	return p_seal(p, n, out);
}

static int p_not(struct parser *p, struct node **out)
{
	struct node *n;
	int rc;

	if (!p_is(p, "not"))
		return p_compare(p, out);
	n = p_new(p, NODE_NOT, p->tok.off);
	if ((rc = p_enter(p)) || (rc = p_advance(p)) ||
	    (rc = p_not(p, &n->u.operand)))
		return rc;
	p->depth--;
	return p_seal(p, n, out);
}

/*
 * A left-associative chain "x WORD y WORD z" of kind, each operand parsed
 * by operand.
 */
static int p_chain(struct parser *p, const char *word, enum node_kind kind,
		   int (*operand)(struct parser *, struct node **),
		   struct node **out)
{
	struct node *r;
	size_t off;
	int rc;

	if ((rc = operand(p, out)))
		return rc;
	while (p_is(p, word)) {
		off = p->tok.off;
		if ((rc = p_advance(p)) || (rc = operand(p, &r)) ||
		    (rc = p_binary(p, kind, TOK_EOF, off, *out, r, out)))
			return rc;
	}
	return 0;
}

static int p_and(struct parser *p, struct node **out)
{
	return p_chain(p, "and", NODE_AND, p_not, out);
}

static int p_or(struct parser *p, struct node **out)
{
	return p_chain(p, "or", NODE_OR, p_and, out);
}

/* "a if b else c" chains: the else part recurses. */
static int p_condexpr(struct parser *p, struct node **out)
{
	struct node *n;
	bool hit;
	int rc;

	if ((rc = p_or(p, out)))
		return rc;
	while (p_is(p, "if")) {
		n = p_new(p, NODE_COND, p->tok.off);
		n->u.cond.then = *out;
		if ((rc = p_advance(p)) || (rc = p_or(p, &n->u.cond.test)))
			return rc;
		hit = p_is(p, "else");
		if (hit && ((rc = p_advance(p)) ||
			    (rc = p_expr(p, true, &n->u.cond.otherwise))))
			return rc;
		if ((rc = p_seal(p, n, out)))
			return rc;
	}
	return 0;
}

int p_expr(struct parser *p, bool cond, struct node **out)
{
	int rc;

	if ((rc = p_enter(p)))
		return rc;
	rc = cond ? p_condexpr(p, out) : p_or(p, out);
	p->depth--;
	return rc;
}
