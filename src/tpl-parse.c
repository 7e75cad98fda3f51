/*
 * The template parser: recursive descent over the lexer's tokens into an
 * AST allocated from the template's arena, with the precedence and the
 * quirks of jinja2/parser.py (left-associative **, filters binding to
 * unary operands, tuples without parentheses in {{ }} and {% set %}).
 * The first error is reported and parsing stops.
 */
#include "tpl-int.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct open_block {
	const char *tag;	/* "if" */
	const char *end;	/* "endif" */
	size_t off;
};

struct nvec;

struct parser {
	struct lexer lx;
	struct token tok, peek;
	bool has_peek;
	struct tpl_program *prog;
	struct arena *a;
	const struct tpl_delims *d;
	struct diag *err;
	const struct diag_src *src;
	size_t tag_off;		/* opener of the tag being parsed */
	enum tok_kind tag_kind;	/* TOK_VAR_BEGIN, TOK_BLOCK_BEGIN */
	unsigned depth;
	const char **names;	/* interned names: a hash table */
	size_t nnames, size;
	struct open_block blocks[TPL_MAX_DEPTH + 1];
	unsigned nblocks;
	struct nvec *defined;	/* the template's {% block %} nodes */
};

/* A growable node array in the arena. */
struct nvec {
	struct node **v;
	size_t n, alloc;
};

enum {
	TUPLE_SIMPLIFIED = 1,	/* names and literals only (targets) */
	TUPLE_NO_COND = 2,	/* no `a if b else c` */
	TUPLE_EXPLICIT = 4,	/* inside parentheses: () is allowed */
};

static int p_expr(struct parser *p, bool cond, struct node **out);
static int p_tuple(struct parser *p, int flags, const char *extra_end,
		   struct node **out);
static int p_unary(struct parser *p, bool with_filter, struct node **out);
static int p_primary(struct parser *p, struct node **out);
static int p_postfix(struct parser *p, struct node **node);
static int p_filters(struct parser *p, struct node **node);
static int p_statement(struct parser *p, struct node **out);

/* ---- tokens -------------------------------------------------------------- */

static int p_advance(struct parser *p)
{
	if (p->has_peek) {
		p->tok = p->peek;
		p->has_peek = false;
		return 0;
	}
	return lex_next(&p->lx, &p->tok);
}

static int p_look(struct parser *p, const struct token **out)
{
	int rc;

	if (!p->has_peek) {
		if ((rc = lex_next(&p->lx, &p->peek)))
			return rc;
		p->has_peek = true;
	}
	*out = &p->peek;
	return 0;
}

static bool tok_is_name(const struct token *t, const char *name)
{
	return t->kind == TOK_NAME && t->v.s.len == strlen(name) &&
	       !memcmp(t->v.s.ptr, name, t->v.s.len);
}

static bool p_is(const struct parser *p, const char *name)
{
	return tok_is_name(&p->tok, name);
}

/* Describe token t for a message: 'foo', '}}', end of template. */
static const char *p_describe(struct parser *p, const struct token *t)
{
	const char *what = lex_describe(p->d, t->kind);

	switch (t->kind) {
	case TOK_EOF:
		return what;
	case TOK_NAME:
	case TOK_INT:
	case TOK_FLOAT:
		return arena_printf(p->a, "'%.*s'", (int)(t->len > 40 ? 40 :
							  t->len),
				    p->src->text + t->off);
	case TOK_STRING:
	case TOK_TEXT:
		return arena_printf(p->a, "%s", what);
	default:
		return arena_printf(p->a, "'%s'", what);
	}
}

static int p_fail(struct parser *p, size_t off, const char *msg)
{
	return diag_at(p->err, p->src, off, "%s", msg);
}

/* Fail with "<what>, got <current token>". */
static int p_fail_got(struct parser *p, const char *what)
{
	unsigned line, col;

	if (p->tok.kind == TOK_EOF && p->tag_kind != TOK_EOF) {
		diag_linecol(p->src, p->tag_off, &line, &col);
		return diag_at(p->err, p->src, p->tok.off,
			       "unexpected end of template, expected '%s' to "
			       "close '%s' opened at line %u",
			       lex_describe(p->d, p->tag_kind + 1),
			       lex_describe(p->d, p->tag_kind), line);
	}
	return diag_at(p->err, p->src, p->tok.off, "%s, got %s", what,
		       p_describe(p, &p->tok));
}

static int p_expect(struct parser *p, enum tok_kind kind)
{
	if (p->tok.kind != kind)
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  lex_describe(p->d, kind)));
	return p_advance(p);
}

static int p_expect_name(struct parser *p, const char *name)
{
	if (!p_is(p, name))
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  name));
	return p_advance(p);
}

/* Consume the current token if it is kind; *hit tells. */
static int p_skip_if(struct parser *p, enum tok_kind kind, bool *hit)
{
	*hit = p->tok.kind == kind;
	return *hit ? p_advance(p) : 0;
}

/* ---- nodes --------------------------------------------------------------- */

static void nvec_push(struct parser *p, struct nvec *v, struct node *n)
{
	if (v->n == v->alloc) {
		size_t alloc = v->alloc ? v->alloc * 2 : 4;
		struct node **items = arena_alloc(p->a, alloc * sizeof(*items));

		if (v->n)
			memcpy(items, v->v, v->n * sizeof(*items));
		v->v = items;
		v->alloc = alloc;
	}
	v->v[v->n++] = n;
}

static struct node_list nvec_list(const struct nvec *v)
{
	struct node_list l = { v->v, v->n };

	return l;
}

static struct node *p_new(struct parser *p, enum node_kind kind, size_t off)
{
	struct node *n = ARENA_NEW(p->a, struct node);

	n->kind = kind;
	n->off = off;
	return n;
}

static void visit_list(const struct node_list *l,
		       void (*fn)(void *, struct node *), void *ctx)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fn(ctx, l->v[i]);
}

static void visit_args(const struct node_args *a,
		       void (*fn)(void *, struct node *), void *ctx)
{
	visit_list(&a->pos, fn, ctx);
	visit_list(&a->kw, fn, ctx);
}

/* Call fn on every non-NULL child among the three. */
static void visit3(struct node *a, struct node *b, struct node *c,
		   void (*fn)(void *, struct node *), void *ctx)
{
	if (a)
		fn(ctx, a);
	if (b)
		fn(ctx, b);
	if (c)
		fn(ctx, c);
}

/* Call fn on each direct child of n. */
static void node_visit(struct node *n, void (*fn)(void *, struct node *),
		       void *ctx)
{
	switch (n->kind) {
	case NODE_PRINT: case NODE_NOT: case NODE_NEG: case NODE_POS:
		fn(ctx, n->u.operand);
		break;
	case NODE_LIST: case NODE_TUPLE: case NODE_DICT: case NODE_CONCAT:
		visit_list(&n->u.items, fn, ctx);
		break;
	case NODE_GETATTR: case NODE_NSREF:
		fn(ctx, n->u.attr.obj);
		break;
	case NODE_GETITEM:
		visit3(n->u.item.obj, n->u.item.key, NULL, fn, ctx);
		break;
	case NODE_SLICE:
		visit3(n->u.slice.start, n->u.slice.stop, n->u.slice.step,
		       fn, ctx);
		break;
	case NODE_AND: case NODE_OR: case NODE_BINARY:
		visit3(n->u.bin.l, n->u.bin.r, NULL, fn, ctx);
		break;
	case NODE_COMPARE:
		fn(ctx, n->u.cmp.first);
		visit_list(&n->u.cmp.rest, fn, ctx);
		break;
	case NODE_COND:
		visit3(n->u.cond.test, n->u.cond.then, n->u.cond.otherwise,
		       fn, ctx);
		break;
	case NODE_CALL:
		fn(ctx, n->u.call.fn);
		visit_args(&n->u.call.args, fn, ctx);
		break;
	case NODE_FILTER: case NODE_TEST:
		visit3(n->u.filter.arg, NULL, NULL, fn, ctx);
		visit_args(&n->u.filter.args, fn, ctx);
		break;
	case NODE_IF:
		fn(ctx, n->u.if_.test);
		visit_list(&n->u.if_.body, fn, ctx);
		visit_list(&n->u.if_.orelse, fn, ctx);
		break;
	case NODE_FOR:
		visit3(n->u.for_.target, n->u.for_.iter, n->u.for_.cond,
		       fn, ctx);
		visit_list(&n->u.for_.body, fn, ctx);
		visit_list(&n->u.for_.orelse, fn, ctx);
		break;
	case NODE_SET: case NODE_SET_BLOCK:
		visit3(n->u.set.target, n->u.set.value, NULL, fn, ctx);
		visit_list(&n->u.set.body, fn, ctx);
		break;
	case NODE_WITH:
		visit_list(&n->u.with.targets, fn, ctx);
		visit_list(&n->u.with.values, fn, ctx);
		visit_list(&n->u.with.body, fn, ctx);
		break;
	case NODE_FILTER_BLOCK:
		fn(ctx, n->u.fblock.filter);
		visit_list(&n->u.fblock.body, fn, ctx);
		break;
	case NODE_INCLUDE: case NODE_EXTENDS:
		fn(ctx, n->u.include.name);
		break;
	case NODE_IMPORT:
		fn(ctx, n->u.import.name);
		break;
	case NODE_MACRO:
		visit_list(&n->u.macro.params, fn, ctx);
		visit_list(&n->u.macro.defaults, fn, ctx);
		visit_list(&n->u.macro.body, fn, ctx);
		break;
	case NODE_BLOCK:
		visit_list(&n->u.block.body, fn, ctx);
		break;
	default:
		break;
	}
}

static void max_height(void *ctx, struct node *child)
{
	unsigned *h = ctx;

	if (child->height > *h)
		*h = child->height;
}

/* Finish node n: compute its height and store it in *out. */
static int p_seal(struct parser *p, struct node *n, struct node **out)
{
	unsigned h = 0;

	node_visit(n, max_height, &h);
	n->height = h + 1;
	if (n->height > TPL_MAX_DEPTH)
		return diag_at(p->err, p->src, n->off,
			       "template nests deeper than %d levels",
			       TPL_MAX_DEPTH);
	*out = n;
	return 0;
}

/* Enter one more level of recursion. */
static int p_enter(struct parser *p)
{
	if (++p->depth > TPL_MAX_DEPTH)
		return diag_at(p->err, p->src, p->tok.off,
			       "template nests deeper than %d levels",
			       TPL_MAX_DEPTH);
	return 0;
}

/* The slot of the name s (n bytes) in the table of size entries. */
static size_t p_name_slot(const char **names, size_t size, const char *s,
			  size_t n)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	for (i = h & (size - 1); names[i]; i = (i + 1) & (size - 1))
		if (!strncmp(names[i], s, n) && !names[i][n])
			break;
	return i;
}

/* Double the name table. */
static void p_names_grow(struct parser *p)
{
	size_t size = p->size ? 2 * p->size : 64, i;
	const char **names = xcalloc(size, sizeof(*names));

	for (i = 0; i < p->size; i++)
		if (p->names[i])
			names[p_name_slot(names, size, p->names[i],
					  strlen(p->names[i]))] = p->names[i];
	free(p->names);
	p->names = names;
	p->size = size;
}

/* Return the interned copy of the n bytes at s: one pointer per name. */
static const char *p_intern(struct parser *p, const char *s, size_t n)
{
	size_t slot;

	if (2 * (p->nnames + 1) > p->size)
		p_names_grow(p);
	slot = p_name_slot(p->names, p->size, s, n);
	if (!p->names[slot]) {
		p->names[slot] = arena_strndup(p->a, s, n);
		p->nnames++;
	}
	return p->names[slot];
}

static struct node *p_const(struct parser *p, struct value *v, size_t off)
{
	struct node *n = p_new(p, NODE_CONST, off);

	n->u.constant = v;
	n->height = 1;
	return n;
}

/* ---- expressions --------------------------------------------------------- */

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

static int p_name_or_const(struct parser *p, struct node **out)
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

static int p_tuple(struct parser *p, int flags, const char *extra_end,
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
static int p_filter_one(struct parser *p, struct node **node)
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

static int p_and(struct parser *p, struct node **out)
{
	struct node *r;
	size_t off;
	int rc;

	if ((rc = p_not(p, out)))
		return rc;
	while (p_is(p, "and")) {
		off = p->tok.off;
		if ((rc = p_advance(p)) || (rc = p_not(p, &r)) ||
		    (rc = p_binary(p, NODE_AND, TOK_EOF, off, *out, r, out)))
			return rc;
	}
	return 0;
}

static int p_or(struct parser *p, struct node **out)
{
	struct node *r;
	size_t off;
	int rc;

	if ((rc = p_and(p, out)))
		return rc;
	while (p_is(p, "or")) {
		off = p->tok.off;
		if ((rc = p_advance(p)) || (rc = p_and(p, &r)) ||
		    (rc = p_binary(p, NODE_OR, TOK_EOF, off, *out, r, out)))
			return rc;
	}
	return 0;
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

static int p_expr(struct parser *p, bool cond, struct node **out)
{
	int rc;

	if ((rc = p_enter(p)))
		return rc;
	rc = cond ? p_condexpr(p, out) : p_or(p, out);
	p->depth--;
	return rc;
}

/* ---- statements ---------------------------------------------------------- */

/* True when n can be assigned to: a name or a tuple of targets. */
static bool p_assignable(const struct node *n)
{
	size_t i;

	if (n->kind == NODE_NAME)
		return true;
	if (n->kind != NODE_TUPLE || !n->u.items.n)
		return false;
	for (i = 0; i < n->u.items.n; i++)
		if (!p_assignable(n->u.items.v[i]))
			return false;
	return true;
}

/* An assignment target; with_ns allows "ns.attr". */
static int p_target(struct parser *p, const char *extra_end, bool with_ns,
		    struct node **out)
{
	const struct token *next;
	size_t off = p->tok.off;
	struct node *n;
	int rc;

	if (with_ns && p->tok.kind == TOK_NAME) {
		if ((rc = p_look(p, &next)))
			return rc;
		if (next->kind == TOK_DOT) {
			n = p_new(p, NODE_NSREF, off);
			if ((rc = p_name_or_const(p, &n->u.attr.obj)) ||
			    (rc = p_advance(p)))
				return rc;
			if (n->u.attr.obj->kind != NODE_NAME)
				return p_fail(p, off,
					      "can only assign to names");
			if (p->tok.kind != TOK_NAME)
				return p_fail_got(p, "expected a name");
			n->u.attr.attr = arena_strndup(p->a, p->tok.v.s.ptr,
						       p->tok.v.s.len);
			n->u.attr.len = p->tok.v.s.len;
			if ((rc = p_advance(p)))
				return rc;
			return p_seal(p, n, out);
		}
	}
	if ((rc = p_tuple(p, TUPLE_SIMPLIFIED, extra_end, out)))
		return rc;
	if (!p_assignable(*out))
		return p_fail(p, off, "can only assign to names");
	return 0;
}

/* End of a statement's header: an optional ':' then the tag end. */
static int p_header_end(struct parser *p)
{
	bool colon;
	int rc;

	if ((rc = p_skip_if(p, TOK_COLON, &colon)))
		return rc;
	if (p->tok.kind != TOK_BLOCK_END)
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  p->d->close[DELIM_BLOCK]));
	p->tag_kind = TOK_EOF;
	return p_advance(p);
}

/* True when the current name is one of ends. */
static bool p_at_end(const struct parser *p, const char *const *ends)
{
	for (; ends && *ends; ends++)
		if (p_is(p, *ends))
			return true;
	return false;
}

/* Parse "{{ expr }}" into a print node. */
static int p_print(struct parser *p, struct node **out)
{
	struct node *n = p_new(p, NODE_PRINT, p->tok.off);
	int rc;

	p->tag_off = p->tok.off;
	p->tag_kind = TOK_VAR_BEGIN;
	if ((rc = p_advance(p)) ||
	    (rc = p_tuple(p, 0, NULL, &n->u.operand)))
		return rc;
	if (p->tok.kind != TOK_VAR_END)
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  p->d->close[DELIM_VAR]));
	p->tag_kind = TOK_EOF;
	if ((rc = p_advance(p)))
		return rc;
	return p_seal(p, n, out);
}

/* Report the end of input inside an open block. */
static int p_fail_unclosed(struct parser *p)
{
	const struct open_block *b = &p->blocks[p->nblocks - 1];
	unsigned line, col;

	diag_linecol(p->src, b->off, &line, &col);
	return diag_at(p->err, p->src, p->tok.off,
		       "unexpected end of template, expected '%s' to close "
		       "'%s' opened at line %u", b->end, b->tag, line);
}

/*
 * Parse statements until a block tag named in ends (left as the current
 * token, just after the block opener) or the end of the template.
 */
static int p_body(struct parser *p, const char *const *ends,
		  struct node_list *out)
{
	struct nvec body = { NULL, 0, 0 };
	struct node *n;
	int rc;

	for (;;) {
		switch (p->tok.kind) {
		case TOK_EOF:
			if (ends)
				return p_fail_unclosed(p);
			*out = nvec_list(&body);
			return 0;
		case TOK_TEXT:
			n = p_new(p, NODE_TEXT, p->tok.off);
			n->u.constant = value_str_borrow(p->a, p->tok.v.s.ptr,
							 p->tok.v.s.len);
			n->height = 1;
			if ((rc = p_advance(p)))
				return rc;
			break;
		case TOK_VAR_BEGIN:
			if ((rc = p_print(p, &n)))
				return rc;
			break;
		default:
			p->tag_off = p->tok.off;
			p->tag_kind = TOK_BLOCK_BEGIN;
			if ((rc = p_advance(p)))
				return rc;
			if (p_at_end(p, ends)) {
				*out = nvec_list(&body);
				return 0;
			}
			if ((rc = p_statement(p, &n)))
				return rc;
			break;
		}
		nvec_push(p, &body, n);
	}
}

/* Push an open block for messages and the nesting limit. */
static int p_push_block(struct parser *p, const char *tag, const char *end,
			size_t off)
{
	struct open_block *b;
	int rc;

	if ((rc = p_enter(p)))
		return rc;
	b = &p->blocks[p->nblocks++];
	b->tag = tag;
	b->end = end;
	b->off = off;
	return 0;
}

static void p_pop_block(struct parser *p)
{
	p->nblocks--;
	p->depth--;
}

/* The end of a closing tag such as {% endif %}. */
static int p_tag_end(struct parser *p)
{
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	if (p->tok.kind != TOK_BLOCK_END)
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  p->d->close[DELIM_BLOCK]));
	p->tag_kind = TOK_EOF;
	return p_advance(p);
}

/* Parse a body up to the closing tag `end` and consume it. */
static int p_block_body(struct parser *p, const char *end,
			struct node_list *out)
{
	const char *ends[] = { end, NULL };
	int rc;

	if ((rc = p_header_end(p)) || (rc = p_body(p, ends, out)))
		return rc;
	return p_tag_end(p);
}

static int p_if(struct parser *p, size_t off, struct node **out)
{
	static const char *const ends[] = { "elif", "else", "endif", NULL };
	struct node *n = p_new(p, NODE_IF, off), *elif;
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_tuple(p, TUPLE_NO_COND, NULL, &n->u.if_.test)) ||
	    (rc = p_header_end(p)) || (rc = p_body(p, ends, &n->u.if_.body)))
		return rc;
	if (p_is(p, "elif")) {
		if ((rc = p_enter(p)) || (rc = p_if(p, p->tok.off, &elif)))
			return rc;
		p->depth--;
		elif->u.if_.elif = true;
		n->u.if_.orelse.v = arena_alloc(p->a, sizeof(elif));
		n->u.if_.orelse.v[0] = elif;
		n->u.if_.orelse.n = 1;
		return p_seal(p, n, out);
	}
	if (p_is(p, "else")) {
		if ((rc = p_advance(p)) ||
		    (rc = p_block_body(p, "endif", &n->u.if_.orelse)))
			return rc;
	} else if ((rc = p_tag_end(p))) {
		return rc;
	}
	return p_seal(p, n, out);
}

/* The part of a for loop after "in": iterable, filter, flags. */
static int p_for_head(struct parser *p, struct node *n)
{
	int rc;

	if ((rc = p_expect_name(p, "in")) ||
	    (rc = p_tuple(p, TUPLE_NO_COND, "recursive", &n->u.for_.iter)))
		return rc;
	if (p_is(p, "if") && ((rc = p_advance(p)) ||
			      (rc = p_expr(p, true, &n->u.for_.cond))))
		return rc;
	if (p_is(p, "recursive"))
		return p_fail(p, p->tok.off,
			      "recursive loops are not supported");
	return 0;
}

static int p_for(struct parser *p, size_t off, struct node **out)
{
	static const char *const ends[] = { "endfor", "else", NULL };
	struct node *n = p_new(p, NODE_FOR, off);
	int rc;

	n->u.for_.loop_name = p_intern(p, "loop", 4);
	if ((rc = p_advance(p)) ||
	    (rc = p_target(p, "in", false, &n->u.for_.target)) ||
	    (rc = p_for_head(p, n)) || (rc = p_header_end(p)) ||
	    (rc = p_body(p, ends, &n->u.for_.body)))
		return rc;
	if (p_is(p, "else")) {
		if ((rc = p_advance(p)) ||
		    (rc = p_block_body(p, "endfor", &n->u.for_.orelse)))
			return rc;
	} else if ((rc = p_tag_end(p))) {
		return rc;
	}
	return p_seal(p, n, out);
}

/* A filter chain for set and filter blocks: "f(a)|g". */
static int p_filter_chain(struct parser *p, bool first, struct node **out)
{
	int rc;

	*out = NULL;
	if (first && (rc = p_filter_one(p, out)))
		return rc;
	while (p->tok.kind == TOK_PIPE)
		if ((rc = p_advance(p)) || (rc = p_filter_one(p, out)))
			return rc;
	return 0;
}

static int p_set(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_SET, off);
	bool assign;
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_target(p, NULL, true, &n->u.set.target)) ||
	    (rc = p_skip_if(p, TOK_ASSIGN, &assign)))
		return rc;
	if (assign) {
		if ((rc = p_tuple(p, 0, NULL, &n->u.set.value)))
			return rc;
		if (p->tok.kind != TOK_BLOCK_END)
			return p_fail_got(p, arena_printf(p->a,
					  "expected '%s'",
					  p->d->close[DELIM_BLOCK]));
		p->tag_kind = TOK_EOF;
		if ((rc = p_advance(p)))
			return rc;
		return p_seal(p, n, out);
	}
	n->kind = NODE_SET_BLOCK;
	if ((rc = p_filter_chain(p, false, &n->u.set.value)) ||
	    (rc = p_block_body(p, "endset", &n->u.set.body)))
		return rc;
	return p_seal(p, n, out);
}

static int p_with(struct parser *p, size_t off, struct node **out)
{
	struct nvec targets = { NULL, 0, 0 }, values = { NULL, 0, 0 };
	struct node *n = p_new(p, NODE_WITH, off), *t, *v;
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	while (p->tok.kind != TOK_BLOCK_END) {
		if (targets.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if ((rc = p_target(p, NULL, false, &t)) ||
		    (rc = p_expect(p, TOK_ASSIGN)) ||
		    (rc = p_expr(p, true, &v)))
			return rc;
		nvec_push(p, &targets, t);
		nvec_push(p, &values, v);
	}
	n->u.with.targets = nvec_list(&targets);
	n->u.with.values = nvec_list(&values);
	if ((rc = p_block_body(p, "endwith", &n->u.with.body)))
		return rc;
	return p_seal(p, n, out);
}

static int p_filter_block(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_FILTER_BLOCK, off);
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_filter_chain(p, true, &n->u.fblock.filter)) ||
	    (rc = p_block_body(p, "endfilter", &n->u.fblock.body)))
		return rc;
	return p_seal(p, n, out);
}

/* {% print a, b %}: prints each expression. */
static int p_print_tag(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_CONCAT, off), *item;
	struct nvec items = { NULL, 0, 0 };
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	while (p->tok.kind != TOK_BLOCK_END) {
		if (items.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if ((rc = p_expr(p, true, &item)))
			return rc;
		nvec_push(p, &items, item);
	}
	n->u.items = nvec_list(&items);
	if ((rc = p_seal(p, n, &item)) || (rc = p_header_end(p)))
		return rc;
	n = p_new(p, NODE_PRINT, off);
	n->u.operand = item;
	return p_seal(p, n, out);
}

/*
 * {% now TZ [+|- OFFSET] [, FORMAT] %}: jinja2_time's tag, compiled to a
 * call of tpl_now_func() whose result is printed.
 */
static int p_now(struct parser *p, size_t off, struct node **out)
{
	static const struct tpl_callable now = { CALLABLE_FUNC, NULL,
						 "tag 'now'" };
	struct tpl_callable *k = ARENA_NEW(p->a, struct tpl_callable);
	struct value *fn = ARENA_NEW(p->a, struct value);
	struct node *call = p_new(p, NODE_CALL, off), *e, *fmt = NULL, *n;
	struct nvec args = { NULL, 0, 0 };
	bool comma;
	int rc;

	if ((rc = p_advance(p)) || (rc = p_expr(p, true, &e)) ||
	    (rc = p_skip_if(p, TOK_COMMA, &comma)) ||
	    (comma && (rc = p_expr(p, true, &fmt))) ||
	    (rc = p_header_end(p)))
		return rc;
	*k = now;
	k->func = tpl_now_func();
	fn->kind = VALUE_CALLABLE;
	fn->u.call.fn = k;
	fn->u.call.name.ptr = "function";
	fn->u.call.name.len = 8;
	call->u.call.fn = p_const(p, fn, off);
	if (e->kind == NODE_BINARY && (e->u.bin.op == TOK_ADD ||
				       e->u.bin.op == TOK_SUB)) {
		nvec_push(p, &args, e->u.bin.l);
		nvec_push(p, &args, p_const(p, value_str(p->a, e->u.bin.op ==
					TOK_ADD ? "+" : "-"), e->off));
		nvec_push(p, &args, e->u.bin.r);
	} else {
		nvec_push(p, &args, e);
		nvec_push(p, &args, p_const(p, VALUE_NONE_P, off));
		nvec_push(p, &args, p_const(p, VALUE_NONE_P, off));
	}
	nvec_push(p, &args, fmt ? fmt : p_const(p, VALUE_NONE_P, off));
	call->u.call.args.pos = nvec_list(&args);
	if ((rc = p_seal(p, call, &call)))
		return rc;
	n = p_new(p, NODE_PRINT, off);
	n->u.operand = call;
	return p_seal(p, n, out);
}

/*
 * {% include NAME [ignore missing] [with context | without context] %}:
 * the loader given to tpl_render_with() finds NAME at render time.
 */
static int p_include(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_INCLUDE, off);
	int rc;

	if ((rc = p_advance(p)) || (rc = p_expr(p, true, &n->u.include.name)))
		return rc;
	if (p_is(p, "ignore")) {
		if ((rc = p_advance(p)))
			return rc;
		if (!p_is(p, "missing"))
			return p_fail_got(p, "expected 'missing'");
		if ((rc = p_advance(p)))
			return rc;
		n->u.include.ignore_missing = true;
	}
	if (p_is(p, "with") || p_is(p, "without")) {
		if ((rc = p_advance(p)))
			return rc;
		if (!p_is(p, "context"))
			return p_fail_got(p, "expected 'context'");
		if ((rc = p_advance(p)))
			return rc;
	}
	if ((rc = p_header_end(p)))
		return rc;
	return p_seal(p, n, out);
}

/* {% extends NAME %}: the loader finds the parent template at render time. */
static int p_extends(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_EXTENDS, off);
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_expr(p, true, &n->u.include.name)) ||
	    (rc = p_header_end(p)))
		return rc;
	return p_seal(p, n, out);
}

/* A name to bind (a macro parameter, an import target), interned. */
static int p_bind_name(struct parser *p, const char *what, const char **name)
{
	if (p->tok.kind != TOK_NAME)
		return p_fail_got(p, arena_printf(p->a, "expected %s", what));
	*name = p_intern(p, p->tok.v.s.ptr, p->tok.v.s.len);
	return p_advance(p);
}

/* One macro parameter `name` or `name=default`. */
static int p_param(struct parser *p, struct nvec *params,
		   struct nvec *defaults)
{
	struct node *n = p_new(p, NODE_NAME, p->tok.off), *def;
	bool assign;
	int rc;

	n->height = 1;
	if ((rc = p_bind_name(p, "a parameter name", &n->u.name.name)) ||
	    (rc = p_skip_if(p, TOK_ASSIGN, &assign)))
		return rc;
	nvec_push(p, params, n);
	if (assign) {
		if ((rc = p_expr(p, true, &def)))
			return rc;
		nvec_push(p, defaults, def);
	} else if (defaults->n) {
		return p_fail(p, n->off, "non-default argument follows "
			      "default argument");
	}
	return 0;
}

/* {% macro name(a, b=default) %}...{% endmacro %} */
static int p_macro(struct parser *p, size_t off, struct node **out)
{
	struct nvec params = { NULL, 0, 0 }, defaults = { NULL, 0, 0 };
	struct node *n = p_new(p, NODE_MACRO, off);
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_bind_name(p, "a macro name", &n->u.macro.name)) ||
	    (rc = p_expect(p, TOK_LPAREN)))
		return rc;
	while (p->tok.kind != TOK_RPAREN) {
		if (params.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if ((rc = p_param(p, &params, &defaults)))
			return rc;
	}
	n->u.macro.params = nvec_list(&params);
	n->u.macro.defaults = nvec_list(&defaults);
	if ((rc = p_advance(p)) ||
	    (rc = p_block_body(p, "endmacro", &n->u.macro.body)))
		return rc;
	return p_seal(p, n, out);
}

/* Register block n, failing when the template already has one so named. */
static int p_define_block(struct parser *p, struct node *n)
{
	size_t i;

	for (i = 0; i < p->defined->n; i++)
		if (p->defined->v[i]->u.block.name == n->u.block.name)
			return p_fail(p, n->off, arena_printf(p->a,
				      "block '%s' defined twice",
				      n->u.block.name));
	nvec_push(p, p->defined, n);
	return 0;
}

/* {% endblock [name] %} closing the block called name. */
static int p_endblock(struct parser *p, const char *name)
{
	int rc;

	if ((rc = p_advance(p)))
		return rc;
	if (p->tok.kind == TOK_NAME) {
		if (p->tok.v.s.len != strlen(name) ||
		    memcmp(p->tok.v.s.ptr, name, p->tok.v.s.len))
			return p_fail_got(p, arena_printf(p->a,
					  "expected '%s'", name));
		if ((rc = p_advance(p)))
			return rc;
	}
	if (p->tok.kind != TOK_BLOCK_END)
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  p->d->close[DELIM_BLOCK]));
	p->tag_kind = TOK_EOF;
	return p_advance(p);
}

/* {% block name [scoped] [required] %}...{% endblock [name] %} */
static int p_block(struct parser *p, size_t off, struct node **out)
{
	static const char *const ends[] = { "endblock", NULL };
	struct node *n = p_new(p, NODE_BLOCK, off);
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_bind_name(p, "a block name", &n->u.block.name)))
		return rc;
	while (p_is(p, "scoped") || p_is(p, "required"))
		if ((rc = p_advance(p)))
			return rc;
	if ((rc = p_define_block(p, n)) || (rc = p_header_end(p)) ||
	    (rc = p_body(p, ends, &n->u.block.body)) ||
	    (rc = p_endblock(p, n->u.block.name)))
		return rc;
	return p_seal(p, n, out);
}

/* An optional `with context` or `without context`; *hit tells. */
static int p_import_context(struct parser *p, struct node *n, bool *hit)
{
	const struct token *next;
	bool with = p_is(p, "with");
	int rc;

	*hit = false;
	if (!with && !p_is(p, "without"))
		return 0;
	if ((rc = p_look(p, &next)) || !tok_is_name(next, "context"))
		return rc;
	*hit = true;
	n->u.import.with_context = with;
	if ((rc = p_advance(p)))
		return rc;
	return p_advance(p);
}

/* The end of an import tag: optional context, then the tag end. */
static int p_import_end(struct parser *p, struct node *n, struct node **out)
{
	bool hit;
	int rc;

	if ((rc = p_import_context(p, n, &hit)) || (rc = p_header_end(p)))
		return rc;
	return p_seal(p, n, out);
}

/* {% import NAME as target [with context] %} */
static int p_import(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_IMPORT, off);
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_expr(p, true, &n->u.import.name)) ||
	    (rc = p_expect_name(p, "as")) ||
	    (rc = p_bind_name(p, "a name", &n->u.import.target)))
		return rc;
	return p_import_end(p, n, out);
}

/* A copy of the n names at v in an arena array of size entries. */
static const char **p_grow_names(struct parser *p, const char **v, size_t n,
				 size_t size)
{
	const char **w = arena_alloc(p->a, size * sizeof(*w));

	if (n)
		memcpy(w, v, n * sizeof(*w));
	return w;
}

/* One `name [as alias]` of a from-import, appended to n. */
static int p_from_name(struct parser *p, struct node *n, size_t *alloc)
{
	size_t off = p->tok.off;
	const char *name, *alias;
	int rc;

	if ((rc = p_bind_name(p, "a name", &name)))
		return rc;
	if (name[0] == '_')
		return p_fail(p, off, "names starting with an underline can "
			      "not be imported");
	alias = name;
	if (p_is(p, "as") && ((rc = p_advance(p)) ||
			      (rc = p_bind_name(p, "a name", &alias))))
		return rc;
	if (n->u.import.n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 4;
		n->u.import.names = p_grow_names(p, n->u.import.names,
						 n->u.import.n, *alloc);
		n->u.import.aliases = p_grow_names(p, n->u.import.aliases,
						   n->u.import.n, *alloc);
	}
	n->u.import.names[n->u.import.n] = name;
	n->u.import.aliases[n->u.import.n++] = alias;
	return 0;
}

/* {% from NAME import a, b as c [with context] %} */
static int p_from(struct parser *p, size_t off, struct node **out)
{
	struct node *n = p_new(p, NODE_IMPORT, off);
	size_t alloc = 0;
	bool hit;
	int rc;

	if ((rc = p_advance(p)) ||
	    (rc = p_expr(p, true, &n->u.import.name)) ||
	    (rc = p_expect_name(p, "import")))
		return rc;
	for (;;) {
		if (n->u.import.n && (rc = p_expect(p, TOK_COMMA)))
			return rc;
		if ((rc = p_import_context(p, n, &hit)))
			return rc;
		if (hit)
			break;
		if ((rc = p_from_name(p, n, &alloc)))
			return rc;
		if ((rc = p_import_context(p, n, &hit)))
			return rc;
		if (hit || p->tok.kind != TOK_COMMA)
			break;
	}
	if ((rc = p_header_end(p)))
		return rc;
	return p_seal(p, n, out);
}

/* Report a tag that is not a statement here. */
static int p_fail_tag(struct parser *p)
{
	static const char *const unsupported[] = {
		"autoescape", "call", NULL
	};
	static const char *const known[] = {
		"elif", "else", "endblock", "endfilter", "endfor", "endif",
		"endmacro", "endset", "endwith", "block", "extends", "filter",
		"for", "from", "if", "import", "include", "macro", "now",
		"print", "raw", "set", "with",
	};
	const char *name = arena_strndup(p->a, p->tok.v.s.ptr,
					 p->tok.v.s.len);
	const struct open_block *b = p->nblocks ?
				     &p->blocks[p->nblocks - 1] : NULL;
	const char *hint;
	unsigned line, col;
	size_t i;

	for (i = 0; unsupported[i]; i++)
		if (!strcmp(name, unsupported[i]))
			return diag_at(p->err, p->src, p->tok.off,
				       "'%s' tags are not supported", name);
	for (i = 0; i < 9; i++) {	/* the middle and end tags */
		if (strcmp(name, known[i]))
			continue;
		if (!b)
			return diag_at(p->err, p->src, p->tok.off,
				       "unexpected '%s'", name);
		diag_linecol(p->src, b->off, &line, &col);
		return diag_at(p->err, p->src, p->tok.off,
			       "unexpected '%s', expected '%s' to close '%s' "
			       "opened at line %u", name, b->end, b->tag,
			       line);
	}
	diag_at(p->err, p->src, p->tok.off, "unknown tag '%s'", name);
	hint = tpl_hint(name, known, sizeof(known) / sizeof(known[0]));
	if (hint)
		diag_hint(p->err, "did you mean '%s'?", hint);
	return ERR_INPUT;
}

static int p_statement(struct parser *p, struct node **out)
{
	static const struct {
		const char *tag, *end;
		int (*fn)(struct parser *, size_t, struct node **);
	} tags[] = {
		{ "block", "endblock", p_block },
		{ "extends", NULL, p_extends },
		{ "filter", "endfilter", p_filter_block },
		{ "for", "endfor", p_for },
		{ "from", NULL, p_from },
		{ "if", "endif", p_if },
		{ "import", NULL, p_import },
		{ "include", NULL, p_include },
		{ "macro", "endmacro", p_macro },
		{ "now", NULL, p_now },
		{ "print", NULL, p_print_tag },
		{ "set", "endset", p_set },
		{ "with", "endwith", p_with },
	};
	size_t i, off = p->tok.off;
	int rc;

	if (p->tok.kind != TOK_NAME)
		return p_fail_got(p, "expected a tag name");
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		if (!p_is(p, tags[i].tag))
			continue;
		if ((rc = p_push_block(p, tags[i].tag, tags[i].end, off)))
			return rc;
		rc = tags[i].fn(p, off, out);
		p_pop_block(p);
		return rc;
	}
	return p_fail_tag(p);
}

/* ---- checks after parsing ------------------------------------------------ */

struct check {
	struct parser *p;
	bool soft;
	int rc;
};

static void check_node(void *ctx, struct node *n);

/* Visit n's children with softness soft. */
static void check_children(struct check *c, struct node *n, bool soft)
{
	bool saved = c->soft;

	c->soft = soft;
	node_visit(n, check_node, c);
	c->soft = saved;
}

/* Report an unknown filter or test outside if-blocks, as Jinja does. */
static int check_unknown(struct parser *p, const struct node *n)
{
	bool test = n->kind == NODE_TEST;
	const char *hint;

	diag_at(p->err, p->src, n->off, "unknown %s '%s'",
		test ? "test" : "filter", n->u.filter.name);
	hint = tpl_func_closest(test ? TPL_TESTS : TPL_FILTERS,
				n->u.filter.name);
	if (hint)
		diag_hint(p->err, "did you mean '%s'?", hint);
	return ERR_INPUT;
}

static void check_for(struct check *c, struct node *n)
{
	bool saved = c->soft;

	check_node(c, n->u.for_.iter);
	c->soft = false;
	if (n->u.for_.cond)
		check_node(c, n->u.for_.cond);
	visit_list(&n->u.for_.body, check_node, c);
	visit_list(&n->u.for_.orelse, check_node, c);
	c->soft = saved;
}

/*
 * Unknown filters and tests are compile-time errors, except inside
 * if-statements and conditional expressions, where Jinja defers them to
 * the moment they run.
 */
static void check_node(void *ctx, struct node *n)
{
	struct check *c = ctx;

	if (c->rc)
		return;
	switch (n->kind) {
	case NODE_FILTER: case NODE_TEST:
		if (!n->u.filter.def && !c->soft) {
			c->rc = check_unknown(c->p, n);
			return;
		}
		check_children(c, n, c->soft);
		break;
	case NODE_IF: case NODE_COND:
		check_children(c, n, true);
		break;
	case NODE_FOR:
		check_for(c, n);
		break;
	case NODE_SET_BLOCK: case NODE_WITH: case NODE_FILTER_BLOCK:
		check_children(c, n, false);
		break;
	default:
		check_children(c, n, c->soft);
		break;
	}
}

/* ---- scopes: Jinja's compile-time name resolution ------------------------ */

/*
 * Jinja2 decides at compile time where each name of a scope comes from
 * (jinja2/idtracking.py): from the context, from an enclosing scope, or
 * nowhere yet when the scope's first use of the name assigns it.  The
 * last kind is undefined until assigned, even inside nested scopes that
 * run before the assignment, and even when the context has the name.
 * These passes find those names; the evaluator binds them to undefined
 * when the scope starts.  Everything else resolves dynamically with the
 * same result.
 */

enum sym_load { SYM_RESOLVE, SYM_ALIAS, SYM_UNBOUND, SYM_PARAM };

struct sym {
	const char *name;	/* interned */
	enum sym_load load;
};

struct symtab {
	const struct symtab *parent;
	struct sym *refs;
	size_t nrefs, arefs;
	const char **stores;
	size_t nstores, astores;
};

static struct sym *sym_find(const struct symtab *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nrefs; i++)
		if (s->refs[i].name == name)
			return &s->refs[i];
	return NULL;
}

static bool sym_has_ref(const struct symtab *s, const char *name)
{
	for (; s; s = s->parent)
		if (sym_find(s, name))
			return true;
	return false;
}

static void sym_define(struct symtab *s, const char *name,
		       enum sym_load load)
{
	struct sym *e = sym_find(s, name);

	if (!e) {
		XALLOC_GROW(s->refs, s->nrefs + 1, s->arefs);
		e = &s->refs[s->nrefs++];
		e->name = name;
	}
	e->load = load;
}

static bool sym_stored(const struct symtab *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nstores; i++)
		if (s->stores[i] == name)
			return true;
	return false;
}

static void sym_add_store(struct symtab *s, const char *name)
{
	if (sym_stored(s, name))
		return;
	XALLOC_GROW(s->stores, s->nstores + 1, s->astores);
	s->stores[s->nstores++] = name;
}

static void sym_load(struct symtab *s, const char *name)
{
	if (!sym_has_ref(s, name))
		sym_define(s, name, SYM_RESOLVE);
}

static void sym_store(struct symtab *s, const char *name)
{
	sym_add_store(s, name);
	if (!sym_find(s, name))
		sym_define(s, name, sym_has_ref(s->parent, name) ? SYM_ALIAS :
			   SYM_UNBOUND);
}

static void sym_copy(struct symtab *dst, const struct symtab *src)
{
	*dst = *src;
	dst->refs = xmalloc((src->nrefs + 1) * sizeof(*dst->refs));
	dst->stores = xmalloc((src->nstores + 1) * sizeof(*dst->stores));
	if (src->nrefs)
		memcpy(dst->refs, src->refs, src->nrefs * sizeof(*dst->refs));
	if (src->nstores)
		memcpy(dst->stores, src->stores,
		       src->nstores * sizeof(*dst->stores));
	dst->arefs = src->nrefs + 1;
	dst->astores = src->nstores + 1;
}

static void sym_release(struct symtab *s)
{
	free(s->refs);
	free(s->stores);
}

/* How many of the n branches assign name, which s did not assign. */
static size_t sym_count_stores(const struct symtab *s,
			       const struct symtab *br, size_t n,
			       const char *name)
{
	size_t i, count = 0;

	for (i = 0; i < n && !sym_stored(s, name); i++)
		count += sym_stored(&br[i], name);
	return count;
}

/*
 * Merge the n branches of an if-statement into s: a name assigned in some
 * branches only comes from the enclosing scope or the context.
 */
static void sym_merge(struct symtab *s, struct symtab *br, size_t n)
{
	struct symtab partial = { NULL, NULL, 0, 0, NULL, 0, 0 };
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < br[i].nstores; j++)
			if (sym_count_stores(s, br, n, br[i].stores[j]) < n &&
			    !sym_stored(s, br[i].stores[j]))
				sym_add_store(&partial, br[i].stores[j]);
	for (i = 0; i < n; i++) {
		for (j = 0; j < br[i].nrefs; j++)
			sym_define(s, br[i].refs[j].name, br[i].refs[j].load);
		for (j = 0; j < br[i].nstores; j++)
			sym_add_store(s, br[i].stores[j]);
	}
	for (j = 0; j < partial.nstores; j++)
		sym_define(s, partial.stores[j],
			   sym_has_ref(s->parent, partial.stores[j]) ?
			   SYM_ALIAS : SYM_RESOLVE);
	sym_release(&partial);
}

static void sym_expr(void *ctx, struct node *n)
{
	if (n->kind == NODE_NAME)
		sym_load(ctx, n->u.name.name);
	else
		node_visit(n, sym_expr, ctx);
}

/* An assignment target: names are stored (or declared parameters). */
static void sym_target(struct symtab *s, const struct node *t, bool param)
{
	size_t i;

	if (t->kind == NODE_NAME && param) {
		sym_add_store(s, t->u.name.name);
		sym_define(s, t->u.name.name, SYM_PARAM);
	} else if (t->kind == NODE_NAME) {
		sym_store(s, t->u.name.name);
	} else if (t->kind == NODE_NSREF) {
		sym_load(s, t->u.attr.obj->u.name.name);
	} else {
		for (i = 0; i < t->u.items.n; i++)
			sym_target(s, t->u.items.v[i], param);
	}
}

static void sym_body(struct symtab *s, const struct node_list *body);

/* One elif: Jinja treats it as an if-statement without an else. */
static void sym_elif(struct symtab *s, const struct node *n)
{
	struct symtab br[3];
	int i;

	sym_expr(s, n->u.if_.test);
	for (i = 0; i < 3; i++)
		sym_copy(&br[i], s);
	sym_body(&br[0], &n->u.if_.body);
	sym_merge(s, br, 3);
	for (i = 0; i < 3; i++)
		sym_release(&br[i]);
}

/* An if-statement: body, elifs and else each see a copy of s. */
static void sym_if(struct symtab *s, const struct node *n)
{
	const struct node_list *orelse = &n->u.if_.orelse;
	struct symtab br[3];
	int i;

	sym_expr(s, n->u.if_.test);
	for (i = 0; i < 3; i++)
		sym_copy(&br[i], s);
	sym_body(&br[0], &n->u.if_.body);
	while (orelse->n == 1 && orelse->v[0]->kind == NODE_IF &&
	       orelse->v[0]->u.if_.elif) {
		sym_elif(&br[1], orelse->v[0]);
		orelse = &orelse->v[0]->u.if_.orelse;
	}
	sym_body(&br[2], orelse);
	sym_merge(s, br, 3);
	for (i = 0; i < 3; i++)
		sym_release(&br[i]);
}

/* An import binds its target or its aliases. */
static void sym_import(struct symtab *s, const struct node *n)
{
	size_t i;

	sym_expr(s, n->u.import.name);
	if (n->u.import.target)
		sym_store(s, n->u.import.target);
	for (i = 0; i < n->u.import.n; i++)
		sym_store(s, n->u.import.aliases[i]);
}

/* The uses of names by one statement in its own scope. */
static void sym_stmt(struct symtab *s, const struct node *n)
{
	size_t i;

	switch (n->kind) {
	case NODE_PRINT:
		sym_expr(s, n->u.operand);
		break;
	case NODE_SET:
		sym_expr(s, n->u.set.value);
		sym_target(s, n->u.set.target, false);
		break;
	case NODE_SET_BLOCK:
		sym_target(s, n->u.set.target, false);
		break;
	case NODE_IF:
		sym_if(s, n);
		break;
	case NODE_FOR:
		sym_expr(s, n->u.for_.iter);
		break;
	case NODE_WITH:
		for (i = 0; i < n->u.with.values.n; i++)
			sym_expr(s, n->u.with.values.v[i]);
		break;
	case NODE_FILTER_BLOCK:
		sym_expr(s, n->u.fblock.filter);
		break;
	case NODE_INCLUDE: case NODE_EXTENDS:
		sym_expr(s, n->u.include.name);
		break;
	case NODE_IMPORT:
		sym_import(s, n);
		break;
	case NODE_MACRO:
		sym_store(s, n->u.macro.name);
		break;
	default:
		break;
	}
}

static void sym_body(struct symtab *s, const struct node_list *body)
{
	size_t i;

	for (i = 0; i < body->n; i++)
		sym_stmt(s, body->v[i]);
}

static void sym_children(struct parser *p, struct symtab *s,
			 const struct node_list *body);

/*
 * Finish the scope s of body: record its unbound names in *out, then
 * analyse the scopes nested in it.  Releases s.
 */
static void sym_scope(struct parser *p, struct symtab *s,
		      const struct node_list *body, struct name_list *out)
{
	size_t i, n = 0;

	sym_body(s, body);
	for (i = 0; i < s->nrefs; i++)
		n += s->refs[i].load == SYM_UNBOUND;
	out->v = n ? arena_alloc(p->a, n * sizeof(*out->v)) : NULL;
	out->n = 0;
	for (i = 0; i < s->nrefs; i++)
		if (s->refs[i].load == SYM_UNBOUND)
			out->v[out->n++] = s->refs[i].name;
	sym_children(p, s, body);
	sym_release(s);
}

/* A macro's scope: parameters, then defaults, then the body. */
static void sym_macro(struct parser *p, struct symtab *c, struct node *n)
{
	size_t i;

	for (i = 0; i < n->u.macro.params.n; i++)
		sym_target(c, n->u.macro.params.v[i], true);
	for (i = 0; i < n->u.macro.defaults.n; i++)
		sym_expr(c, n->u.macro.defaults.v[i]);
	sym_scope(p, c, &n->u.macro.body, &n->u.macro.unbound);
}

/* Analyse the scopes that the statements of body open. */
static void sym_children(struct parser *p, struct symtab *s,
			 const struct node_list *body)
{
	struct node *n;
	size_t i, j;

	for (i = 0; i < body->n; i++) {
		struct symtab c = { s, NULL, 0, 0, NULL, 0, 0 };
		struct symtab e = { s, NULL, 0, 0, NULL, 0, 0 };

		switch ((n = body->v[i])->kind) {
		case NODE_IF:
			sym_children(p, s, &n->u.if_.body);
			sym_children(p, s, &n->u.if_.orelse);
			break;
		case NODE_FOR:
			sym_target(&c, n->u.for_.target, true);
			sym_scope(p, &c, &n->u.for_.body,
				  &n->u.for_.body_unbound);
			sym_scope(p, &e, &n->u.for_.orelse,
				  &n->u.for_.else_unbound);
			break;
		case NODE_WITH:
			for (j = 0; j < n->u.with.targets.n; j++)
				sym_target(&c, n->u.with.targets.v[j], true);
			sym_scope(p, &c, &n->u.with.body, &n->u.with.unbound);
			break;
		case NODE_FILTER_BLOCK:
			sym_expr(&c, n->u.fblock.filter);
			sym_scope(p, &c, &n->u.fblock.body,
				  &n->u.fblock.unbound);
			break;
		case NODE_SET_BLOCK:
			sym_scope(p, &c, &n->u.set.body, &n->u.set.unbound);
			break;
		case NODE_MACRO:
			sym_macro(p, &c, n);
			break;
		case NODE_BLOCK:
			e.parent = NULL;	/* blocks see the context */
			sym_scope(p, &e, &n->u.block.body,
				  &n->u.block.unbound);
			break;
		default:
			break;
		}
	}
}

/* ---- entry point --------------------------------------------------------- */

static int p_template(struct parser *p)
{
	struct symtab root = { NULL, NULL, 0, 0, NULL, 0, 0 };
	struct check c = { p, false, 0 };
	struct nvec defined = { NULL, 0, 0 };
	size_t i;
	int rc;

	p->defined = &defined;
	if ((rc = p_body(p, NULL, &p->prog->body)))
		return rc;
	p->prog->blocks = nvec_list(&defined);
	for (i = 0; i < p->prog->body.n && !c.rc; i++)
		check_node(&c, p->prog->body.v[i]);
	if (!c.rc)
		sym_scope(p, &root, &p->prog->body, &p->prog->unbound);
	return c.rc;
}

static int p_bare_expr(struct parser *p)
{
	struct check c = { p, false, 0 };
	int rc;

	if ((rc = p_expr(p, true, &p->prog->expr)))
		return rc;
	if (p->tok.kind != TOK_EOF)
		return p_fail_got(p, "expected the end of the expression");
	check_node(&c, p->prog->expr);
	return c.rc;
}

int tpl_parse(struct tpl_program *prog, const struct tpl_delims *d,
	      bool expr_only, struct diag *err)
{
	struct parser *p = xcalloc(1, sizeof(*p));
	int rc;

	p->prog = prog;
	p->a = &prog->arena;
	p->d = d;
	p->err = err;
	p->src = &prog->src;
	p->tag_kind = TOK_EOF;
	lex_init(&p->lx, &prog->src, d, p->a, err, expr_only);
	rc = p_advance(p);
	if (!rc)
		rc = expr_only ? p_bare_expr(p) : p_template(p);
	free(p->names);
	free(p);
	return rc;
}
