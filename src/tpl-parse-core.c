/*
 * The parser's machinery, shared by the statement grammar (tpl-parse.c),
 * the expression grammar (tpl-parse-expr.c) and the passes over the tree
 * (tpl-resolve.c): the token cursor with its "expected X, got Y"
 * messages, node construction under the nesting limit, node lists, the
 * walk over a node's children, and name interning (one pointer per name
 * per template, so that lookups compare pointers first).
 */
#include "tpl-parse.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- tokens -------------------------------------------------------------- */

int p_advance(struct parser *p)
{
	if (p->has_peek) {
		p->tok = p->peek;
		p->has_peek = false;
		return 0;
	}
	return lex_next(&p->lx, &p->tok);
}

int p_look(struct parser *p, const struct token **out)
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

bool tok_is_name(const struct token *t, const char *name)
{
	return t->kind == TOK_NAME && t->v.s.len == strlen(name) &&
	       !memcmp(t->v.s.ptr, name, t->v.s.len);
}

bool p_is(const struct parser *p, const char *name)
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

int p_fail(struct parser *p, size_t off, const char *msg)
{
	return diag_at(p->err, p->src, off, "%s", msg);
}

/* Fail with "<what>, got <current token>". */
int p_fail_got(struct parser *p, const char *what)
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

int p_expect(struct parser *p, enum tok_kind kind)
{
	if (p->tok.kind != kind)
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  lex_describe(p->d, kind)));
	return p_advance(p);
}

int p_expect_name(struct parser *p, const char *name)
{
	if (!p_is(p, name))
		return p_fail_got(p, arena_printf(p->a, "expected '%s'",
						  name));
	return p_advance(p);
}

/* Consume the current token if it is kind; *hit tells. */
int p_skip_if(struct parser *p, enum tok_kind kind, bool *hit)
{
	*hit = p->tok.kind == kind;
	return *hit ? p_advance(p) : 0;
}

/* ---- nodes --------------------------------------------------------------- */

void nvec_push(struct parser *p, struct nvec *v, struct node *n)
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

struct node_list nvec_list(const struct nvec *v)
{
	struct node_list l = { v->v, v->n };

	return l;
}

struct node *p_new(struct parser *p, enum node_kind kind, size_t off)
{
	struct node *n = ARENA_NEW(p->a, struct node);

	n->kind = kind;
	n->off = off;
	return n;
}

void visit_list(const struct node_list *l,
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
void node_visit(struct node *n, void (*fn)(void *, struct node *),
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
int p_seal(struct parser *p, struct node *n, struct node **out)
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
int p_enter(struct parser *p)
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
const char *p_intern(struct parser *p, const char *s, size_t n)
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

struct node *p_const(struct parser *p, struct value *v, size_t off)
{
	struct node *n = p_new(p, NODE_CONST, off);

	n->u.constant = v;
	n->height = 1;
	return n;
}
