#ifndef GENSHIP_TPL_PARSE_H
#define GENSHIP_TPL_PARSE_H

#include "tpl-int.h"

/*
 * Private to the parser: tpl-parse-core.c (machinery), tpl-parse.c
 * (statements, entry point), tpl-parse-expr.c (expressions) and
 * tpl-resolve.c (the passes over the finished tree).  Every function that can fail returns 0 or
 * ERR_INPUT with the first error set on p->err; nodes live in p->a.
 */

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

/* ---- tokens (tpl-parse-core.c) ------------------------------------ */

/* Move to the next token. */
int p_advance(struct parser *p);
/* Peek at the token after the current one, into *out. */
int p_look(struct parser *p, const struct token **out);
/* True when t is the name `name`. */
bool tok_is_name(const struct token *t, const char *name);
/* True when the current token is the name `name`. */
bool p_is(const struct parser *p, const char *name);
/* Fail at byte offset off with msg. */
int p_fail(struct parser *p, size_t off, const char *msg);
/* Fail with "<what>, got <current token>". */
int p_fail_got(struct parser *p, const char *what);
/* Consume a token of kind, or fail naming it. */
int p_expect(struct parser *p, enum tok_kind kind);
/* Consume the name `name`, or fail naming it. */
int p_expect_name(struct parser *p, const char *name);
/* Consume the current token if it is kind; *hit tells. */
int p_skip_if(struct parser *p, enum tok_kind kind, bool *hit);

/* ---- nodes (tpl-parse-core.c) ------------------------------------- */

/* Append n to v. */
void nvec_push(struct parser *p, struct nvec *v, struct node *n);
/* The nodes of v as a node list. */
struct node_list nvec_list(const struct nvec *v);
/* A new node of kind, blamed on byte offset off. */
struct node *p_new(struct parser *p, enum node_kind kind, size_t off);
/* A constant node holding v. */
struct node *p_const(struct parser *p, struct value *v, size_t off);
/* Finish node n: compute its height (failing past TPL_MAX_DEPTH). */
int p_seal(struct parser *p, struct node *n, struct node **out);
/* Enter one more level of recursion (failing past TPL_MAX_DEPTH). */
int p_enter(struct parser *p);
/* The interned copy of the n bytes at s: one pointer per name. */
const char *p_intern(struct parser *p, const char *s, size_t n);
/* Call fn on each node of l. */
void visit_list(const struct node_list *l,
		void (*fn)(void *, struct node *), void *ctx);
/* Call fn on each direct child of n. */
void node_visit(struct node *n, void (*fn)(void *, struct node *),
		void *ctx);

/* ---- expressions (tpl-parse-expr.c) ------------------------------- */

/* An expression; cond allows `a if b else c`. */
int p_expr(struct parser *p, bool cond, struct node **out);
/*
 * A tuple without parentheses (or one expression) until extra_end (a
 * name, or NULL), with TUPLE_* flags.
 */
int p_tuple(struct parser *p, int flags, const char *extra_end,
	    struct node **out);
/* A name, or the constant true, false or none that it spells. */
int p_name_or_const(struct parser *p, struct node **out);
/* One filter `|name(args)` applied to *node. */
int p_filter_one(struct parser *p, struct node **node);

/* ---- passes over the tree (tpl-resolve.c) ------------------------- */

/*
 * Fail on an unknown filter or test in n, except inside if-statements
 * and conditional expressions, where Jinja defers them to run time.
 */
int p_check(struct parser *p, struct node *n);
/* Record in prog which names each scope starts without. */
void p_resolve(struct parser *p, struct tpl_program *prog);

#endif
