#ifndef GENSHIP_TPL_INT_H
#define GENSHIP_TPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpl.h"
#include "utf8.h"

/*
 * Engine-private declarations shared by the files of the engine: tpl.c
 * (the front door), tpl-lex.c, tpl-parse.c, the evaluator (tpl-eval.c for
 * expressions, tpl-exec.c for statements, tpl-ops.c for what operations
 * on values mean), the function tables (tpl-func.c and the files that
 * include tpl-fn.h) and tpl-value.c, tpl-unicode.c.  Nothing outside the
 * engine includes this header.
 *
 * Ownership: tokens, AST nodes, interned names and literal values live in
 * the template's arena and are never freed on their own.  Render-time
 * values live in the render's arena (tpl_render makes one per call,
 * tpl_expr_eval uses the caller's).
 */

/* Bytes of string work (copying, comparing) one render may do. */
#define TPL_MAX_WORK ((size_t)1 << 32)
/* Bytes one render may allocate for temporaries. */
#define TPL_MAX_MEMORY ((size_t)TPL_MAX_OUTPUT * 4)
/* Items one list made by a render may hold. */
#define TPL_MAX_ITEMS TPL_MAX_LOOP
/* Nesting of values that repr(), tojson and == walk before giving up. */
#define TPL_MAX_VALUE_DEPTH 512

/* ---- Unicode (tpl-unicode.c; UTF-8 itself is utf8.h) -------------- */

/* Python's str.isspace() for one code point. */
bool uc_isspace(uint32_t cp);
/* Length of the whitespace character at s, or 0 when there is none. */
size_t uc_space(const char *s, size_t n);
/* Python's str.isprintable() for one code point (approximate, see .c). */
bool uc_isprintable(uint32_t cp);
/* Python's str.isalpha(), isdigit() (ASCII digits), isalnum(). */
bool uc_isalpha(uint32_t cp);
bool uc_isdigit(uint32_t cp);
bool uc_isalnum(uint32_t cp);
/* Python's \w: letters, digits and underscore. */
bool uc_isword(uint32_t cp);
/* Python's "cased" characters: letters that have a case. */
bool uc_cased(uint32_t cp);
/* The simple lower and upper case of cp (cp itself when it has none). */
uint32_t uc_lower(uint32_t cp);
uint32_t uc_upper(uint32_t cp);
/* The value of digit c in bases up to 36, or 99 when it is none. */
int uc_digit_value(int c);
/* Append cp to sb as UTF-8. */
void uc_add_cp(struct strbuf *sb, uint32_t cp);
/* Append the full upper case of cp (title case when title is set). */
void uc_add_upper(struct strbuf *sb, uint32_t cp, bool title);
/* Append the full lower case of cp. */
void uc_add_lower(struct strbuf *sb, uint32_t cp);
/* Append cp n times. */
void uc_add_fill(struct strbuf *sb, uint32_t cp, size_t n);

/* ---- delimiters and tokens (tpl-lex.c) ---------------------------- */

enum tpl_delim { DELIM_VAR, DELIM_BLOCK, DELIM_COMMENT, DELIM_N };

struct tpl_delims {
	const char *open[DELIM_N], *close[DELIM_N];
	size_t open_len[DELIM_N], close_len[DELIM_N];
	enum tpl_delim order[DELIM_N];	/* longest opener first */
	bool first[256];		/* bytes that may start an opener */
};

/* The operators: an X-macro so that the enum and the lexer agree. */
#define TPL_OPERATORS(X)                                                   \
	X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(FLOORDIV, "//")  \
	X(MOD, "%") X(POW, "**") X(TILDE, "~") X(LBRACKET, "[")            \
	X(RBRACKET, "]") X(LPAREN, "(") X(RPAREN, ")") X(LBRACE, "{")      \
	X(RBRACE, "}") X(EQ, "==") X(NE, "!=") X(GT, ">") X(GTEQ, ">=")    \
	X(LT, "<") X(LTEQ, "<=") X(ASSIGN, "=") X(DOT, ".") X(COLON, ":")  \
	X(PIPE, "|") X(COMMA, ",") X(SEMICOLON, ";")

enum tok_kind {
	TOK_EOF,
	TOK_TEXT,		/* template data; v.s is the text */
	TOK_VAR_BEGIN,
	TOK_VAR_END,
	TOK_BLOCK_BEGIN,
	TOK_BLOCK_END,
	TOK_NAME,		/* v.s points into the source */
	TOK_STRING,		/* v.s is the decoded value */
	TOK_INT,		/* v.i */
	TOK_FLOAT,		/* v.f */
#define X(name, text) TOK_##name,
	TPL_OPERATORS(X)
#undef X
	TOK_IN,			/* not lexed: the `in` and `not in` */
	TOK_NOTIN,		/* operators of comparison nodes */
};

struct token {
	enum tok_kind kind;
	size_t off, len;	/* bytes of source the token spans */
	union {
		struct value_str s;
		long long i;
		double f;
	} v;
};

struct lexer {
	const char *src;
	size_t len, pos;
	const struct tpl_delims *d;
	const struct diag_src *dsrc;
	struct arena *a;
	struct diag *err;
	enum tok_kind tag_end;	/* end token of the open tag */
	bool in_tag;
	bool expr_only;		/* a bare expression: no text, no tags */
	unsigned nbrackets;
	char brackets[TPL_MAX_DEPTH];
	size_t bad_utf8;	/* offset of the first byte that is not
				 * UTF-8, or len */
};

/* Fill d from syntax (NULL members mean Jinja2's defaults). */
void lex_delims_init(struct tpl_delims *d, const struct tpl_syntax *syntax);
/*
 * Start lexing src.  Strings and normalised text are allocated from a.
 * With expr_only the whole source is one expression.
 */
void lex_init(struct lexer *lx, const struct diag_src *src,
	      const struct tpl_delims *d, struct arena *a, struct diag *err,
	      bool expr_only);
/*
 * Read the next token into *tok.  Returns 0 or ERR_INPUT.  A source that
 * is not UTF-8 fails at the first call, at its first bad byte, as Jinja2
 * fails to decode it before it parses anything.
 */
int lex_next(struct lexer *lx, struct token *tok);
/* Describe kind for messages, e.g. "'}}'" or "end of template". */
const char *lex_describe(const struct tpl_delims *d, enum tok_kind kind);

/* ---- AST (tpl-parse.c) -------------------------------------------- */

enum node_kind {
	/* statements */
	NODE_TEXT,		/* u.constant */
	NODE_PRINT,		/* u.operand */
	NODE_IF,
	NODE_FOR,
	NODE_SET,
	NODE_SET_BLOCK,
	NODE_WITH,
	NODE_FILTER_BLOCK,
	NODE_INCLUDE,		/* u.include */
	NODE_EXTENDS,		/* u.include (name only) */
	NODE_MACRO,		/* u.macro */
	NODE_BLOCK,		/* u.block */
	NODE_IMPORT,		/* u.import: import and from-import */
	/* expressions */
	NODE_CONST,		/* u.constant */
	NODE_NAME,
	NODE_LIST,		/* u.items */
	NODE_TUPLE,		/* u.items */
	NODE_DICT,		/* u.items: key, value, key, value ... */
	NODE_GETATTR,
	NODE_GETITEM,
	NODE_SLICE,
	NODE_CALL,
	NODE_FILTER,
	NODE_TEST,
	NODE_NOT,		/* u.operand */
	NODE_NEG,		/* u.operand */
	NODE_POS,		/* u.operand */
	NODE_AND,		/* u.bin */
	NODE_OR,		/* u.bin */
	NODE_BINARY,		/* u.bin, op is a TOK_ arithmetic kind */
	NODE_CONCAT,		/* u.items */
	NODE_COMPARE,
	NODE_COND,
	NODE_NSREF,		/* set target ns.attr: u.attr */
};

struct node;

struct node_list {
	struct node **v;
	size_t n;
};

/*
 * Names a scope binds to "undefined" when it starts: Jinja resolves
 * names per scope at compile time, and a name whose first use in a scope
 * is an assignment is undefined there (and in nested scopes) until then.
 */
struct name_list {
	const char **v;		/* interned */
	size_t n;
};

struct node_args {
	struct node_list pos;
	struct node_list kw;	/* values of keyword arguments */
	const char **kwnames;
};

struct tpl_func;

struct node {
	enum node_kind kind;
	unsigned height;	/* longest path to a leaf, for depth limits */
	size_t off;		/* byte offset of the token to blame */
	union {
		struct value *constant;
		struct node *operand;
		struct node_list items;
		struct {
			const char *name;	/* interned */
		} name;
		struct {
			struct node *obj;
			const char *attr;	/* NUL-terminated */
			size_t len;
		} attr;
		struct {
			struct node *obj, *key;
		} item;
		struct {
			struct node *start, *stop, *step; /* or NULL */
		} slice;
		struct {
			struct node *l, *r;
			enum tok_kind op;
			bool const_base;	/* see p_pow() */
		} bin;
		struct {
			struct node *first;
			struct node_list rest;
			enum tok_kind *ops;	/* TOK_EQ..TOK_LTEQ, TOK_IN,
						 * TOK_NOTIN */
			size_t *offs;		/* of each operator */
		} cmp;
		struct {
			struct node *test, *then;
			struct node *otherwise;	/* or NULL */
		} cond;
		struct {
			struct node *fn;
			struct node_args args;
		} call;
		struct {
			struct node *arg;	/* NULL: the enclosing block */
			const char *name;
			const struct tpl_func *def;	/* NULL if unknown */
			struct node_args args;
		} filter;		/* NODE_FILTER and NODE_TEST */
		struct {
			struct node *test;
			struct node_list body, orelse;
			bool elif;	/* made by {% elif %} */
		} if_;
		struct {
			struct node *target, *iter, *cond;
			struct node_list body, orelse;
			const char *loop_name;	/* interned "loop" */
			struct name_list body_unbound, else_unbound;
		} for_;
		struct {
			struct node *target;
			struct node *value;	/* SET_BLOCK: its filters */
			struct node_list body;
			struct name_list unbound;	/* SET_BLOCK */
		} set;
		struct {
			struct node_list targets, values, body;
			struct name_list unbound;
		} with;
		struct {
			struct node *filter;
			struct node_list body;
			struct name_list unbound;
		} fblock;
		struct {
			struct node *name;	/* the template's name */
			bool ignore_missing;
		} include;
		struct {
			const char *name;	/* interned */
			struct node_list params;	/* NODE_NAME */
			struct node_list defaults;	/* of the last
							 * params */
			struct node_list body;
			struct name_list unbound;
		} macro;
		struct {
			const char *name;	/* interned */
			struct node_list body;
			struct name_list unbound;
		} block;
		struct {
			struct node *name;	/* the template's name */
			const char *target;	/* `as` name, or NULL for
						 * from-import */
			const char **names, **aliases;	/* interned */
			size_t n;
			bool with_context;
		} import;
	} u;
};

struct tpl_program {
	struct arena arena;
	struct diag_src src;	/* text is a copy in the arena */
	struct node_list body;	/* templates */
	struct name_list unbound;	/* of the template's scope */
	struct node_list blocks;	/* every NODE_BLOCK, in order */
	struct node *expr;	/* bare expressions */
};

/* A compiled template (tpl.h) is its program. */
struct tpl {
	struct tpl_program prog;
};

/*
 * Parse src into prog (whose arena and src are set up by the caller).
 * expr_only parses one bare expression.  Returns 0 or ERR_INPUT.
 */
int tpl_parse(struct tpl_program *prog, const struct tpl_delims *d,
	      bool expr_only, struct diag *err);

/*
 * Call fn(ud, name) for every name expression n (an expression, not a
 * template body) reads, in source order, repeats included
 * (tpl-resolve.c): tpl_expr_names() of tpl.h.
 */
void tpl_node_names(struct node *n, void (*fn)(void *ud, const char *name),
		    void *ud);

/* ---- rendering (tpl-eval.c, tpl-exec.c, tpl-ops.c) --------------- */

/*
 * Render prog with ctx, env and loader ld (NULL: none), appending at most
 * TPL_MAX_OUTPUT bytes to out: tpl_render_with() of tpl.h (tpl-exec.c).
 */
int tpl_eval_template(const struct tpl_program *prog, const struct value *ctx,
		      const struct tpl_loader *ld, const struct tpl_env *env,
		      struct strbuf *out, struct diag *err);
/*
 * Evaluate the bare expression of prog against ctx and env; *out is a
 * copy in a: tpl_expr_eval() of tpl.h (tpl-eval.c).
 */
int tpl_eval_expr(const struct tpl_program *prog, const struct value *ctx,
		  const struct tpl_env *env, struct arena *a,
		  struct value **out, struct diag *err);

struct binding {
	const char *name;	/* interned */
	struct value *val;
};

/*
 * A window of bindings hidden from name lookup: [keep, start).  Macro
 * calls and blocks see their own frame and the top-level names of their
 * template, not the scopes of their caller.
 */
struct scope_link {
	size_t start, keep;
	const struct scope_link *prev;
};

/*
 * Bindings captured as one frame: the top-level names of an imported
 * template once it ran, or the names a macro defined in a nested scope
 * sees.
 */
struct tpl_frame {
	struct binding *v;
	size_t n;
};

/* One {% block %} of an extends chain, child first. */
struct tpl_block_ref {
	const struct node *node;
	const struct tpl_program *prog;
};

struct evaluator {
	const struct tpl_program *prog;
	struct arena *a;
	struct strbuf *out;
	const struct value *ctx;
	const struct tpl_env *env;	/* clock, randomness; may be NULL */
	struct diag *err;
	struct binding *vars;
	size_t nvars, alloc;
	size_t frame;		/* first binding of the innermost scope */
	unsigned depth;
	unsigned long iterations;
	size_t work;
	size_t mem_base;	/* a->total when the render started */
	size_t out_start;	/* out->len when the render started */
	struct value *block_input;	/* for {% filter %} and set blocks */
	const struct tpl_loader *loader;	/* for {% include %}, or NULL */
	const struct tpl_program *chain[TPL_MAX_INCLUDE];	/* includers */
	unsigned nchain;
	const struct scope_link *link;	/* innermost hidden window */
	bool at_top;		/* the innermost frame is a top level */
	size_t top_n;		/* end of the top-level frame's bindings */
	struct tpl_frame *module;	/* set while an import runs */
	struct tpl_block_ref *blocks;	/* of every running template */
	size_t nblocks, ablocks, blocks_base;
	size_t cur_block;	/* 1 + index of the running block, or 0 */
	const struct tpl_program *parent;	/* set by {% extends %} */
	size_t extends_len;	/* out->len at the {% extends %} */
};

/* Undefined values made by the engine carry this in u.call.data. */
struct tpl_undef {
	const char *msg;
	const struct tpl_program *owner;	/* where off points */
	size_t off;
	bool lenient;		/* jinja2.Undefined, not StrictUndefined */
	const char *name;	/* the missing name, for a hint, or NULL */
	const struct value *keys;	/* a dict whose keys it may be */
};

/* Evaluated call arguments. */
struct tpl_args {
	struct value **pos;
	size_t npos;
	const char *const *kwnames;
	struct value **kw;
	size_t nkw;
};

/*
 * Python semantics with the render's errors and limits (tpl-ops.c), for
 * the evaluator and the function files.
 */

/* Set an error at byte offset off of the running template. */
int ev_fail(struct evaluator *r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Return a new strict undefined value with message msg, made at off. */
struct value *ev_undef(struct evaluator *r, size_t off, const char *msg);
/* Fail with v's undefined message when v is (strictly) undefined. */
int ev_defined(struct evaluator *r, const struct value *v, size_t off);
/* Fail with v's message even for a lenient undefined. */
int ev_undef_error(struct evaluator *r, const struct value *v, size_t off);
/* Charge n bytes of work; fails when the render is too expensive. */
int ev_charge(struct evaluator *r, size_t n, size_t off);
/* Charge a substring search: at worst hay times needle bytes. */
int ev_charge_search(struct evaluator *r, size_t hay, size_t needle,
		     size_t off);
/* Python str(v) into *s (borrowed for strings, else in r's arena). */
int ev_str(struct evaluator *r, const struct value *v, size_t off,
	   struct value_str *s);
/* Turn sb into a string value in r's arena and release sb. */
int ev_take(struct evaluator *r, struct strbuf *sb, size_t off,
	    struct value **out);
/* Jinja's getattr(obj, name) (attribute, then item). */
int ev_getattr(struct evaluator *r, struct value *obj, const char *name,
	       size_t len, size_t off, struct value **out);
/* Jinja's getitem(obj, key) (item, then attribute). */
int ev_getitem(struct evaluator *r, struct value *obj, struct value *key,
	       size_t off, struct value **out);
/*
 * Python iter(v) as an array: list items (borrowed), dict keys, string
 * characters.  Lenient undefined is empty; other types are errors.
 */
int ev_items(struct evaluator *r, const struct value *v, size_t off,
	     struct value ***items, size_t *n);
/* Python <, <=, >, >= between a and b (op is TOK_LT...); sets *res. */
int ev_order(struct evaluator *r, enum tok_kind op, const struct value *a,
	     const struct value *b, size_t off, bool *res);
/* Python ==, failing on strict undefined. */
int ev_equal(struct evaluator *r, const struct value *a,
	     const struct value *b, size_t off, bool *res);
/* Python `a in b`. */
int ev_contains(struct evaluator *r, const struct value *item,
		const struct value *seq, size_t off, bool *res);
/* Call the filter or test name on v, for map, select... (tpl-eval.c). */
int ev_call_named(struct evaluator *r, bool test, const char *name,
		  struct value *v, const struct tpl_args *args,
		  size_t off, struct value **out);
/* The truthiness of v, failing on strict undefined. */
int ev_truthy(struct evaluator *r, const struct value *v, size_t off,
	      bool *res);
/* Python arithmetic a <op> b, op one of TOK_ADD ... TOK_POW. */
int ev_arith(struct evaluator *r, enum tok_kind op, struct value *a,
	     struct value *b, size_t off, struct value **out);
/* Python type of v for messages: 'dict object', 'None'. */
const char *ev_type_repr(struct evaluator *r, const struct value *v);
/* A lenient undefined (jinja2.Undefined), for `a if false`. */
struct value *ev_undef_lenient(struct evaluator *r, size_t off,
			       const char *msg);
/* The named undefined of a missing name, with keys to hint from. */
struct value *ev_undef_named(struct evaluator *r, size_t off,
			     const char *msg, const char *name, size_t len,
			     const struct value *keys);
/* v looked up in a dict: a stored undefined becomes "'name' is undefined". */
struct value *ev_dict_value(struct evaluator *r, struct value *v,
			    const char *name, size_t len, size_t off);
/* An int or bool key as an index into *i; false for other kinds. */
bool ev_key_index(const struct value *key, long long *i);
/* Fail on undefined operands of an operator (b may be NULL). */
int ev_check_operands(struct evaluator *r, const struct value *a,
		      const struct value *b, size_t off);

/* ---- the evaluator's own parts (tpl-eval.c, tpl-exec.c) ---------- */

struct tpl_loop;

/* The state a scope restores when it ends. */
struct scope_mark {
	size_t frame, nvars;
	bool at_top;
};

/* Set up r to run prog with its arena a, output out, ctx and env. */
void ev_init(struct evaluator *r, const struct tpl_program *prog,
	     struct arena *a, struct strbuf *out, const struct value *ctx,
	     const struct tpl_env *env, struct diag *err);
/* Evaluate the expression n into *out. */
int ev_eval(struct evaluator *r, const struct node *n, struct value **out);
/* Open a scope; ev_scope_pop() with the mark closes it. */
struct scope_mark ev_scope_push(struct evaluator *r);
void ev_scope_pop(struct evaluator *r, struct scope_mark m);
/* Bind name (interned) to v in the innermost scope. */
void ev_scope_set(struct evaluator *r, const char *name, struct value *v);
/* Bind the names a scope starts without (see struct name_list). */
void ev_scope_unbind(struct evaluator *r, const struct name_list *names);
/* True for the value of a name bound but not yet assigned. */
bool ev_scope_unbound(const struct value *v);
/* The `loop` variable of a for-loop over l (tpl-ops.c). */
struct value *ev_loop_value(struct evaluator *r, struct tpl_loop *l);
/* Call loop.cycle() or loop.changed() (tpl-ops.c). */
int ev_loop_call(struct evaluator *r, const struct value *callee,
		 const struct tpl_args *args, size_t off, struct value **out);
/* Call the macro fn with args; its output becomes *out (tpl-exec.c). */
int ev_call_macro(struct evaluator *r, const struct value *fn,
		  const struct tpl_args *args, size_t off, struct value **out);
/* Call super() of the running block (tpl-exec.c). */
int ev_call_super(struct evaluator *r, const struct value *fn, size_t off,
		  struct value **out);
/* The value of `super` inside a block (tpl-exec.c). */
struct value *ev_super_value(struct evaluator *r);

/* ---- filters, tests, methods and globals (tpl-func.c) ------------- */

typedef int tpl_fn(struct evaluator *r, size_t off, struct value *self,
		   struct value **argv, const struct tpl_args *args,
		   struct value **out);

#define TPL_MAX_PARAMS 6

enum {
	TPL_F_UNDEF = 1,	/* self may be undefined */
	TPL_F_VARARGS = 2,	/* extra positional arguments allowed */
	TPL_F_KWARGS = 4,	/* unknown keyword arguments allowed */
	TPL_F_NOKW = 8,		/* positional arguments only (Python C
				 * methods) */
	TPL_F_UNDEF_ARGS = 16,	/* arguments may be undefined */
};

struct tpl_func {
	const char *name;
	tpl_fn *fn;
	const char *params[TPL_MAX_PARAMS];	/* NULL-terminated */
	unsigned char min;	/* required parameters */
	unsigned char flags;
};

enum tpl_table {
	TPL_FILTERS,
	TPL_TESTS,
	TPL_STR_METHODS,
	TPL_DICT_METHODS,
	TPL_LIST_METHODS,
	TPL_GLOBALS,
};

/* Find name (len bytes) in table t, or NULL. */
const struct tpl_func *tpl_func_find(enum tpl_table t, const char *name,
				     size_t len);
/*
 * The candidate closest to word for a "did you mean" hint: a likely typo
 * (diag_closest_within() with a limit by length), or NULL.
 */
const char *tpl_hint(const char *word, const char *const *cands, size_t n);
/* The entry of t closest to name, for "did you mean" hints, or NULL. */
const char *tpl_func_closest(enum tpl_table t, const char *name);
/*
 * Bind args to f's parameters and call it.  what names the callee in
 * messages ("filter 'indent'").
 */
int tpl_func_call(struct evaluator *r, const struct tpl_func *f,
		  const char *what, struct value *self,
		  const struct tpl_args *args, size_t off, struct value **out);
/* True when a dict attribute name is a Python dict method. */
bool tpl_dict_attr_is_method(const char *name, size_t len);
/* The function behind the {% now %} tag, jinja2_time's (tpl-global.c). */
const struct tpl_func *tpl_now_func(void);
/* Python `fmt % args` for a string fmt, printf-style (tpl-format.c). */
int tpl_format_percent(struct evaluator *r, const struct value *fmt,
		       const struct value *args, size_t off,
		       struct value **out);

/* ---- callables (tpl-ops.c, tpl-exec.c) --------------------------- */

enum tpl_callable_kind {
	CALLABLE_FUNC,		/* a bound method or a global */
	CALLABLE_LOOP,		/* the `loop` variable */
	CALLABLE_LOOP_METHOD,	/* loop.cycle, loop.changed */
	CALLABLE_NAMESPACE,	/* namespace(): a mutable dict */
	CALLABLE_MACRO,		/* a {% macro %}: data is a tpl_macro */
	CALLABLE_SUPER,		/* super() in a block: data is a size_t */
};

/* A defined macro.  frame NULL: the live top-level names of its template. */
struct tpl_macro {
	const struct node *def;
	const struct tpl_program *prog;
	const struct value *ctx;
	const struct tpl_frame *frame;
};

/* What u.call.fn points to for VALUE_CALLABLE values made here. */
struct tpl_callable {
	enum tpl_callable_kind kind;
	const struct tpl_func *func;	/* CALLABLE_FUNC */
	const char *what;	/* "method 'str.upper'" */
};

struct tpl_loop {
	struct value **items;
	size_t n, i;
	struct value *last_changed;
};

/* Return a callable value of kind k with data (u.call.data) and name. */
struct value *ev_callable(struct evaluator *r, const struct tpl_callable *k,
			  const void *data, const char *name);

#endif
