/*
 * The template parser: recursive descent over the lexer's tokens into an
 * AST allocated from the template's arena, with the quirks of
 * jinja2/parser.py.  This file holds the statements ({% if %}, {% for %},
 * {% macro %}...) and the entry point; expressions are tpl-parse-expr.c's,
 * the passes over the finished tree tpl-resolve.c's and the machinery
 * all three share (tokens, nodes, interned names) tpl-parse-core.c's.
 * The first error is reported and parsing stops.
 */
#include "tpl-parse.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int p_statement(struct parser *p, struct node **out);

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

/* ---- entry point --------------------------------------------------------- */

/* A whole template: its statements, then the passes over them. */
static int p_template(struct parser *p)
{
	struct nvec defined = { NULL, 0, 0 };
	size_t i;
	int rc;

	p->defined = &defined;
	if ((rc = p_body(p, NULL, &p->prog->body)))
		return rc;
	p->prog->blocks = nvec_list(&defined);
	for (i = 0; i < p->prog->body.n; i++)
		if ((rc = p_check(p, p->prog->body.v[i])))
			return rc;
	p_resolve(p, p->prog);
	return 0;
}

/* A bare expression, e.g. a `when:` condition. */
static int p_bare_expr(struct parser *p)
{
	int rc;

	if ((rc = p_expr(p, true, &p->prog->expr)))
		return rc;
	if (p->tok.kind != TOK_EOF)
		return p_fail_got(p, "expected the end of the expression");
	return p_check(p, p->prog->expr);
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
