#ifndef GENSHIP_TPL_H
#define GENSHIP_TPL_H

#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"
#include "tpl-value.h"

/*
 * The template engine: a Jinja2 subset with Jinja2's semantics as
 * cookiecutter configures it (keep_trailing_newline=True, StrictUndefined).
 * tpl.c is the front door: it compiles with tpl-lex.c and the parser
 * (tpl-parse.c, tpl-parse-expr.c, tpl-resolve.c; the AST lives in the
 * template's arena) and runs programs with the evaluator (tpl-exec.c for
 * statements, tpl-eval.c for expressions, tpl-ops.c for what operations
 * on values mean), over values in tpl-value.c and with the filters,
 * tests, methods and globals that tpl-func.c finds in the tables of
 * tpl-filter.c, tpl-test.c, tpl-str.c and tpl-global.c.  The engine does
 * no I/O and spawns nothing: the clock, randomness and time zone come in
 * through struct tpl_env.
 *
 * Ownership: a compiled template owns its arena (tokens, AST, literals)
 * and is freed with tpl_free().  Rendering never modifies the template or
 * the context, so one compiled template may be rendered many times, with
 * many contexts.  Every out-parameter is caller-owned and untouched on
 * failure.  Errors fill `err` (file:line:col of the offending token, the
 * first error only) and return ERR_INPUT.
 */

/* Hard limits against hostile templates. */
#define TPL_MAX_DEPTH 256		/* nesting of blocks and expressions */
#define TPL_MAX_OUTPUT (64u << 20)	/* bytes one render may produce */
#define TPL_MAX_LOOP 1000000		/* iterations one render may run */
#define TPL_MAX_INCLUDE 32		/* nesting of include, import, extends */

/*
 * Delimiters; a NULL member means Jinja2's default ({{ }}, {% %}, {# #}).
 * line_base/col_base place the text inside a bigger file (an expression
 * inside genship.yml), so positions in errors point into that file.
 */
struct tpl_syntax {
	const char *var_open, *var_close;
	const char *block_open, *block_close;
	const char *comment_open, *comment_close;
};

struct tpl;
struct tpl_expr;

/*
 * What a render needs from the world, passed in by the caller: the
 * engine reads no clock, no randomness and no environment itself.
 * hostenv.h has the process's; tests pass fixed ones.  ud is passed to
 * every member.  Without random (or with a NULL env) uuid4() and
 * random_ascii_string() fail; without now, {% now %} fails; without
 * to_local and from_local, {% now 'local' %} fails.
 */
struct tpl_env {
	/* Fill buf with n random bytes.  Returns 0, or -1 when it cannot. */
	int (*random)(void *ud, unsigned char *buf, size_t n);
	/* The current time, in seconds since the epoch. */
	long long (*now)(void *ud);
	/* Set *tm to the local time of t (localtime()).  0, or -1. */
	int (*to_local)(void *ud, long long t, struct tm *tm);
	/*
	 * Set *t to the time of local time *tm, normalising *tm's fields
	 * as mktime() does.  0, or -1.
	 */
	int (*from_local)(void *ud, struct tm *tm, long long *t);
	void *ud;
};

/*
 * Compile src (len bytes, need not be NUL-terminated) named `name` in
 * errors.  syntax may be NULL.  On success *out is a new template.
 */
int tpl_compile(const char *name, const char *src, size_t len,
		const struct tpl_syntax *syntax, struct tpl **out,
		struct diag *err);

/*
 * Render t with ctx (a VALUE_DICT of top-level names) and env (NULL: none)
 * and append the output to out.  On failure out may hold partial output;
 * the caller discards it.
 */
int tpl_render(const struct tpl *t, const struct value *ctx,
	       const struct tpl_env *env, struct strbuf *out, struct diag *err);

/*
 * Where {% include %}, {% import %}, {% from %} and {% extends %} find
 * templates.  load() looks up the template
 * called name (len bytes, as the template spelled it) and sets *out to
 * its compiled form, which the loader owns and keeps alive for the
 * render.  It returns 0, 1 when there is no such template, or ERR_INPUT
 * with err set when the template does not compile.
 */
struct tpl_loader {
	int (*load)(void *ud, const char *name, size_t len,
		    const struct tpl **out, struct diag *err);
	void *ud;
};

/*
 * As tpl_render(), with loader ld (NULL: none) for the tags above.  An
 * included template sees the includer's variables; an imported one runs
 * apart (without the context unless `with context`) and exports its
 * top-level macros and variables; an extended one renders with the
 * child's blocks.  A missing template is an error at the tag (unless
 * `ignore missing`), and so are loading a template already being
 * rendered (a cycle) and nesting deeper than TPL_MAX_INCLUDE.
 */
int tpl_render_with(const struct tpl *t, const struct value *ctx,
		    const struct tpl_loader *ld, const struct tpl_env *env,
		    struct strbuf *out, struct diag *err);

/* Free t and everything in its arena. NULL is allowed. */
void tpl_free(struct tpl *t);

/*
 * Compile a bare expression, e.g. a `when:` condition.  src sits at
 * line/col (1-based) of file `name`, so error positions point there.
 */
int tpl_expr_compile(const char *name, const char *src, size_t len,
		     unsigned line, unsigned col, struct tpl_expr **out,
		     struct diag *err);

/*
 * Evaluate e against ctx, with env as tpl_render() has it.  *out lives in
 * arena a (or is a static value).  Undefined names are errors, as in
 * templates.
 */
int tpl_expr_eval(const struct tpl_expr *e, const struct value *ctx,
		  const struct tpl_env *env, struct arena *a,
		  struct value **out, struct diag *err);

/*
 * Call fn(ud, name) for every name e reads from its context (variables,
 * and globals such as `range`), in source order, repeats included: what
 * e depends on.
 */
void tpl_expr_names(const struct tpl_expr *e,
		    void (*fn)(void *ud, const char *name), void *ud);

/* Free e. NULL is allowed. */
void tpl_expr_free(struct tpl_expr *e);

/*
 * Render a short template string in one call (compile, render, free):
 * for path names and computed values.  *out is NUL-terminated, in a.
 */
int tpl_render_string(const char *name, const char *src, size_t len,
		      unsigned line, unsigned col,
		      const struct tpl_syntax *syntax, const struct value *ctx,
		      const struct tpl_env *env, struct arena *a, char **out,
		      size_t *out_len, struct diag *err);

#endif
