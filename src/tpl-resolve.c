/*
 * The passes over a parsed template that resolve its names, as Jinja2's
 * compiler does before anything runs: unknown filters and tests are
 * errors (except where Jinja defers them to run time), and each scope
 * learns which names it starts without.  Both only read the tree and
 * write their findings into it; neither reads tokens.
 */
#include "tpl-parse.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

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

int p_check(struct parser *p, struct node *n)
{
	struct check c = { p, false, 0 };

	check_node(&c, n);
	return c.rc;
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

void p_resolve(struct parser *p, struct tpl_program *prog)
{
	struct symtab root = { NULL, NULL, 0, 0, NULL, 0, 0 };

	sym_scope(p, &root, &prog->body, &prog->unbound);
}

/* ---- the names an expression reads -------------------------------------- */

/* What tpl_node_names() carries through node_visit(). */
struct name_walk {
	void (*fn)(void *ud, const char *name);
	void *ud;
};

static void names_child(void *ctx, struct node *n)
{
	struct name_walk *w = ctx;

	if (n->kind == NODE_NAME)
		w->fn(w->ud, n->u.name.name);
	else
		node_visit(n, names_child, w);
}

void tpl_node_names(struct node *n, void (*fn)(void *ud, const char *name),
		    void *ud)
{
	struct name_walk w = { fn, ud };

	names_child(&w, n);
}
