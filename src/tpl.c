/*
 * The engine's front door: the public API of tpl.h.  Compiling runs the
 * lexer and the parser (tpl-lex.c, tpl-parse.c) into a program that owns
 * its arena; rendering and evaluating hand that program to the evaluator
 * (tpl-eval.c).  Nothing else in the engine calls both sides, so the
 * evaluator never depends on the parser.
 */
#include "tpl-int.h"

#include <stdlib.h>

#include "xalloc.h"

struct tpl_expr {
	struct tpl_program prog;
};

/* Set up prog's arena and source (a copy of src). */
static void program_init(struct tpl_program *prog, const char *name,
			 const char *src, size_t len, unsigned line,
			 unsigned col)
{
	arena_init(&prog->arena);
	prog->src.name = arena_strdup(&prog->arena, name ? name : "<template>");
	prog->src.text = arena_strndup(&prog->arena, src, len);
	prog->src.len = len;
	prog->src.line_base = line;
	prog->src.col_base = col;
}

/*
 * Set up prog (a copy of src, at line/col of its file) and parse it, as
 * a template or (expr_only) a bare expression.  On failure prog holds
 * nothing.
 */
static int program_compile(struct tpl_program *prog, const char *name,
			   const char *src, size_t len, unsigned line,
			   unsigned col, const struct tpl_syntax *syntax,
			   bool expr_only, struct diag *err)
{
	struct tpl_delims d;
	int rc;

	program_init(prog, name, src, len, line, col);
	lex_delims_init(&d, syntax);
	if ((rc = tpl_parse(prog, &d, expr_only, err)))
		arena_release(&prog->arena);
	return rc;
}

/* Compile a template whose text starts at line/col of its file. */
static int compile_at(const char *name, const char *src, size_t len,
		      unsigned line, unsigned col,
		      const struct tpl_syntax *syntax, struct tpl **out,
		      struct diag *err)
{
	struct tpl *t = xcalloc(1, sizeof(*t));
	int rc;

	if ((rc = program_compile(&t->prog, name, src, len, line, col, syntax,
				  false, err))) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int tpl_compile(const char *name, const char *src, size_t len,
		const struct tpl_syntax *syntax, struct tpl **out,
		struct diag *err)
{
	return compile_at(name, src, len, 0, 0, syntax, out, err);
}

int tpl_render(const struct tpl *t, const struct value *ctx,
	       const struct tpl_env *env, struct strbuf *out, struct diag *err)
{
	return tpl_eval_template(&t->prog, ctx, NULL, env, out, err);
}

int tpl_render_with(const struct tpl *t, const struct value *ctx,
		    const struct tpl_loader *ld, const struct tpl_env *env,
		    struct strbuf *out, struct diag *err)
{
	return tpl_eval_template(&t->prog, ctx, ld, env, out, err);
}

void tpl_free(struct tpl *t)
{
	if (!t)
		return;
	arena_release(&t->prog.arena);
	free(t);
}

int tpl_expr_compile(const char *name, const char *src, size_t len,
		     unsigned line, unsigned col, struct tpl_expr **out,
		     struct diag *err)
{
	struct tpl_expr *e = xcalloc(1, sizeof(*e));
	int rc;

	if ((rc = program_compile(&e->prog, name, src, len, line, col, NULL,
				  true, err))) {
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

int tpl_expr_eval(const struct tpl_expr *e, const struct value *ctx,
		  const struct tpl_env *env, struct arena *a,
		  struct value **out, struct diag *err)
{
	return tpl_eval_expr(&e->prog, ctx, env, a, out, err);
}

void tpl_expr_names(const struct tpl_expr *e,
		    void (*fn)(void *ud, const char *name), void *ud)
{
	tpl_node_names(e->prog.expr, fn, ud);
}

void tpl_expr_free(struct tpl_expr *e)
{
	if (!e)
		return;
	arena_release(&e->prog.arena);
	free(e);
}

int tpl_render_string(const char *name, const char *src, size_t len,
		      unsigned line, unsigned col,
		      const struct tpl_syntax *syntax, const struct value *ctx,
		      const struct tpl_env *env, struct arena *a, char **out,
		      size_t *out_len, struct diag *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct tpl *t;
	int rc;

	if ((rc = compile_at(name, src, len, line, col, syntax, &t, err)))
		return rc;
	rc = tpl_render(t, ctx, env, &sb, err);
	if (!rc) {
		*out = arena_strndup(a, sb.buf, sb.len);
		if (out_len)
			*out_len = sb.len;
	}
	strbuf_release(&sb);
	tpl_free(t);
	return rc;
}
