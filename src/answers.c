/*
 * answers.c: where option values come from (defaults, answers files,
 * --set, prompts), how they become the render context, and the answers
 * file .genship.yml.
 *
 * YAML is read with libyaml's document API, which keeps every node's
 * position for diagnostics, and written with libyaml's emitter, which
 * always quotes and escapes correctly.  libcyaml's static schemas cannot
 * describe a mapping keyed by option names or file paths, so the answers
 * file's small fixed schema is a table that ly_check() walks.
 */
#include "config.h"

#include "answers.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "cond.h"
#include "fsutil.h"
#include "hostenv.h"
#include "ly.h"
#include "paths.h"
#include "utf8.h"
#include "xalloc.h"

/* ---- YAML nodes to values ---------------------------------------------- */

/* True when s is a decimal integer as answers_file_format writes one. */
static bool canonical_int(const char *s, long long *out)
{
	const char *d = *s == '-' ? s + 1 : s;
	char *end;

	if (!isdigit((unsigned char)*d) || (*d == '0' && d[1]) ||
	    !strcmp(s, "-0"))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

/*
 * Type a scalar: plain true/false are bools, plain canonical integers are
 * ints, plain nulls are "", and everything else is a string.
 */
static struct value *scalar_value(struct arena *a, const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	long long i;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return value_strn(a, s, n->data.scalar.length);
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return value_bool(true);
	if (!strcmp(s, "false") || !strcmp(s, "False") ||
	    !strcmp(s, "FALSE"))
		return value_bool(false);
	if (canonical_int(s, &i))
		return value_int(a, i);
	if (!strcmp(s, "~") || !strcasecmp(s, "null"))
		return value_str(a, "");
	return value_strn(a, s, n->data.scalar.length);
}

/* Whether sequence n has a mapping among its items: a list of objects. */
static bool seq_holds_mapping(struct ly_doc *y, const yaml_node_t *n)
{
	size_t i;

	for (i = 0; i < ly_len(n); i++)
		if (ly_is_map(ly_at(&y->doc, n, i)))
			return true;
	return false;
}

/*
 * Type node n, a scalar, a sequence of scalars or a sequence of mappings
 * (for a multi option with fields), as the answer `name`.
 */
static int node_answer(struct ly_doc *y, struct arena *a, const yaml_node_t *n,
		       const char *name, struct value **out)
{
	struct value *list;
	size_t i;

	if (n->type == YAML_SCALAR_NODE) {
		*out = scalar_value(a, n);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return ly_error(y, n, "answer '%s' must be a scalar or a "
				"sequence, not a mapping", name);
	if (seq_holds_mapping(y, n))
		return ly_value(&y->doc, n, a, out) ?
			ly_error(y, n, "answer '%s' must be a sequence of "
				 "mappings of scalars, with no key twice",
				 name) : 0;
	list = value_list(a, 0);
	for (i = 0; i < ly_len(n); i++) {
		yaml_node_t *item = ly_at(&y->doc, n, i);

		if (item->type != YAML_SCALAR_NODE)
			return ly_error(y, item, "entries of answer '%s' must "
					"be scalars, not %s", name,
					ly_kind(item));
		value_list_push(a, list, scalar_value(a, item));
	}
	*out = list;
	return 0;
}

/* The text of key k of a mapping, or an error when k is not a scalar. */
static int key_text(struct ly_doc *y, const yaml_node_t *k, const char **key)
{
	*key = ly_str(k);
	if (!*key)
		return ly_error(y, k, "keys must be scalars, not %s",
				ly_kind(k));
	return 0;
}

/* ---- answer sets ------------------------------------------------------- */

void answer_set_release(struct answer_set *set)
{
	free(set->items);
	arena_release(&set->arena);
	*set = (struct answer_set)ANSWER_SET_INIT;
}

/* Append a zeroed answer to set. */
static struct answer *answer_push(struct answer_set *set)
{
	struct answer *ans;

	XALLOC_GROW(set->items, set->len + 1, set->alloc);
	ans = &set->items[set->len++];
	memset(ans, 0, sizeof(*ans));
	return ans;
}

/* Refuse a --set argument that is not UTF-8, at its first bad byte. */
static int check_cli_utf8(const struct diag_src *src, struct diag *err)
{
	size_t bad = utf8_invalid(src->text, src->len);

	if (bad == src->len)
		return 0;
	diag_bad_utf8(err, src, bad);
	diag_hint(err, "answers are UTF-8 text, as in an answers file");
	return ERR_INPUT;
}

int answer_set_add_cli(struct answer_set *set, const char *arg,
		       struct diag *err)
{
	size_t len = strlen(arg);
	struct diag_src src = { "--set", NULL, len, 0, 0 };
	struct answer *ans;
	const char *eq;

	src.text = arena_strndup(&set->arena, arg, len);
	if (check_cli_utf8(&src, err))
		return ERR_INPUT;
	eq = strchr(src.text, '=');
	if (!eq || eq == src.text) {
		diag_at(err, &src, eq ? 0 : len, eq ? "missing option name "
			"before '='" : "missing '=' in --set argument");
		diag_hint(err, "write --set NAME=VALUE");
		return ERR_INPUT;
	}
	ans = answer_push(set);
	ans->name = arena_strndup(&set->arena, src.text,
				  (size_t)(eq - src.text));
	ans->val = value_str(&set->arena, eq + 1);
	ans->src = src;
	ans->key_line = ans->key_col = 1;
	diag_linecol(&src, (size_t)(eq + 1 - src.text), &ans->line,
		     &ans->col);
	return 0;
}

/* Add pair i of an answers mapping map: `name: value`. */
static int add_pair(struct answer_set *set, struct ly_doc *y,
		    const yaml_node_t *map, size_t i)
{
	yaml_node_t *k = ly_pair_key(&y->doc, map, i);
	yaml_node_t *v = ly_pair_val(&y->doc, map, i);
	struct answer *ans;
	struct value *val;
	const char *name;

	if (key_text(y, k, &name) || node_answer(y, &set->arena, v, name,
						 &val))
		return ERR_INPUT;
	ans = answer_push(set);
	ans->name = arena_strdup(&set->arena, name);
	ans->val = val;
	ans->src = y->src;
	ans->key_line = ly_line(k);
	ans->key_col = ly_col(k);
	ans->line = ly_line(v);
	ans->col = ly_col(v);
	return 0;
}

/*
 * Most answers one file may hold.  Templates have tens of options; the
 * cap keeps loading a hostile file fast, since dicts are looked up
 * linearly.
 */
#define ANSWERS_MAX 10000

/* Refuse an answers mapping of more than ANSWERS_MAX pairs, at map. */
static int check_answer_count(struct ly_doc *y, const yaml_node_t *map)
{
	size_t n = ly_npairs(map);

	if (n <= ANSWERS_MAX)
		return 0;
	ly_error(y, map, "%zu answers, more than the %d an answers file may "
		 "hold", n, ANSWERS_MAX);
	diag_hint(y->err, "an answers file holds one answer per option of "
		  "the template");
	return ERR_INPUT;
}

/* An option answered twice in one file is ambiguous: an error. */
static int check_duplicate_answers(struct ly_doc *y, const yaml_node_t *map)
{
	size_t dup, orig;
	yaml_node_t *k;

	if (!ly_dup_key(&y->doc, map, &dup, &orig))
		return 0;
	k = ly_pair_key(&y->doc, map, dup);
	ly_error(y, k, "duplicate answer '%s'", ly_str(k));
	diag_hint(y->err, "it is answered at line %u already; keep one of "
		  "the two", ly_line(ly_pair_key(&y->doc, map, orig)));
	return ERR_INPUT;
}

/* The answers mapping: root itself, or a .genship.yml's `answers`. */
static yaml_node_t *answers_mapping(struct ly_doc *y, yaml_node_t *root)
{
	yaml_node_t *answers = ly_get(&y->doc, root, "answers");

	if (answers && ly_get(&y->doc, root, "genship_version"))
		return answers;
	return root;
}

/*
 * Add every pair of mapping map of y to set; what ("an answers file
 * maps") starts the message when map is not a mapping.
 */
static int add_mapping(struct answer_set *set, struct ly_doc *y,
		       const yaml_node_t *map, const char *what)
{
	size_t i;
	int ret;

	if (map->type != YAML_MAPPING_NODE)
		return ly_error(y, map, "%s option names to values, not %s",
				what, ly_kind(map));
	ret = check_answer_count(y, map);
	if (!ret)
		ret = check_duplicate_answers(y, map);
	for (i = 0; !ret && i < ly_npairs(map); i++)
		ret = add_pair(set, y, map, i);
	return ret;
}

int answer_set_add_file(struct answer_set *set, const char *file,
			const char *text, size_t len, struct diag *err)
{
	struct ly_doc y = { .src = { NULL, NULL, len, 0, 0 }, .err = err };
	yaml_node_t *root;
	int ret;

	y.src.name = arena_strdup(&set->arena, file);
	y.src.text = arena_strndup(&set->arena, text, len);
	ret = ly_parse(&y);
	if (ret)
		return ret;
	root = ly_root(&y.doc);
	if (!root)
		goto out;	/* an empty file answers nothing */
	ret = add_mapping(set, &y, answers_mapping(&y, root),
			  "an answers file maps");
out:
	yaml_document_delete(&y.doc);
	return ret;
}

int answer_set_add_mapping(struct answer_set *set, struct ly_doc *y,
			   const yaml_node_t *map)
{
	size_t i = set->len;
	int ret = add_mapping(set, y, map, "answers map");

	for (; i < set->len; i++)
		set->items[i].is_default = true;
	return ret;
}

void answer_set_add_answer(struct answer_set *set, const struct answer *a)
{
	*answer_push(set) = *a;
}

int answer_set_gather(struct answer_set *set, const char *answers_path,
		      char *const *sets, size_t nsets, struct diag *err)
{
	char *text = NULL;
	size_t len, i;
	int ret = 0;

	if (answers_path &&
	    !(ret = fs_read_input(answers_path, NULL, FS_MAX_DATA, &text, &len,
				  err)))
		ret = answer_set_add_file(set, answers_path, text, len, err);
	for (i = 0; !ret && i < nsets; i++)
		ret = answer_set_add_cli(set, sets[i], err);
	free(text);
	return ret;
}

/* ---- resolving the context --------------------------------------------- */

/*
 * Most questions a resolution asks again (after a conflict or a refused
 * value) before giving up: a bound for a prompter that repeats itself.
 */
#define RESOLVE_MAX_AGAIN 1000

/* Where one option stands in a resolution. */
struct opt_state {
	struct value *val;	/* its value; NULL until resolved */
	struct value *reply;	/* the prompter's answer, kept when the
				 * resolution goes back to an earlier one */
	const struct answer *given;	/* the last given answer, or NULL */
	const char *problem;	/* why it is asked again, or NULL */
	bool active;		/* its `when` is true */
	bool asked;		/* put to the prompter at least once */
};

struct resolver {
	const struct manifest *m;
	const struct answer_set *given;
	struct answers_opts *o;		/* never NULL */
	struct arena *a;
	struct arena scratch;		/* trial evaluations */
	struct value *ctx;
	struct diag *err;
	struct opt_state *st;		/* per option */
	struct cond_deps *deps;		/* per constraint */
	size_t *ready;			/* per constraint: checked once
					 * this option is resolved */
	unsigned again;			/* questions asked again */
};

/* Every given answer must name an option. */
static int check_names(struct resolver *r)
{
	const char **names = xcalloc(r->m->noptions + 1, sizeof(*names));
	const struct answer *ans;
	const char *best;
	size_t i;
	int ret = 0;

	for (i = 0; i < r->m->noptions; i++)
		names[i] = r->m->options[i].name;
	for (i = 0; !ret && i < r->given->len; i++) {
		ans = &r->given->items[i];
		if (manifest_option(r->m, ans->name))
			continue;
		ret = diag_at_linecol(r->err, &ans->src, ans->key_line,
				      ans->key_col, "unknown option '%s'",
				      ans->name);
		best = diag_closest(ans->name, names, r->m->noptions);
		if (best)
			diag_hint(r->err, "did you mean '%s'?", best);
	}
	free(names);
	return ret;
}

/* The last given answer for name: later answers win. */
static const struct answer *last_given(const struct resolver *r,
				       const char *name)
{
	size_t i;

	for (i = r->given->len; i-- > 0;)
		if (!strcmp(r->given->items[i].name, name))
			return &r->given->items[i];
	return NULL;
}

/*
 * Append in as a message shows it: as the user would type it, and a list
 * given to an option of one value in brackets, to show it is a list.
 */
static void format_given(struct strbuf *sb, const struct option *o,
			 const struct value *in)
{
	bool bracket = in->kind == VALUE_LIST && o->type != OPTION_MULTI;

	if (bracket)
		strbuf_addch(sb, '[');
	option_format_value(sb, in);
	if (bracket)
		strbuf_addch(sb, ']');
}

/*
 * Type in as o's value.  A bad value is an error at ans (or without a
 * position for a prompt reply), with o's help as the hint for patterns
 * that the manifest does not explain in words.
 */
static int coerce_answer(struct resolver *r, const struct option *o,
			 const struct value *in, const struct answer *ans,
			 struct value **out)
{
	struct strbuf why = STRBUF_INIT, shown = STRBUF_INIT;
	int ret = option_coerce(o, in, r->a, out, &why);

	if (ret) {
		format_given(&shown, o, in);
		if (ans)
			diag_at_linecol(r->err, &ans->src, ans->line, ans->col,
					"invalid value '%s' for option '%s': "
					"%s", shown.buf, o->name, why.buf);
		else
			diag_input(r->err, NULL, "invalid value '%s' for "
				   "option '%s': %s", shown.buf, o->name,
				   why.buf);
		if (in->kind == VALUE_LIST && o->type != OPTION_MULTI)
			diag_hint(r->err, "option '%s' takes one value, "
				  "written without brackets", o->name);
		else if (o->type == OPTION_STRING && o->pattern &&
			 !o->pattern_help && o->help)
			diag_hint(r->err, "%s", o->help);
	}
	strbuf_release(&why);
	strbuf_release(&shown);
	return ret;
}

/* Whether o applies: its `when` is true in ctx. */
static int option_active(struct resolver *r, const struct option *o,
			 struct value *ctx, bool *active)
{
	struct value *v;
	int ret;

	*active = true;
	if (!o->when)
		return 0;
	ret = tpl_expr_eval(o->when, ctx, hostenv_tpl(), r->a, &v, r->err);
	if (!ret)
		*active = value_truthy(v);
	return ret;
}

/* Whether option i, which applies, is put to the prompter. */
static bool wants_asking(const struct resolver *r, size_t i)
{
	const struct opt_state *s = &r->st[i];

	if (!r->o->prompt || (s->reply && !s->problem))
		return false;
	return r->o->ask_all || !s->given || s->given->is_default ||
	       s->problem;
}

/*
 * An option that applies and that nobody answered takes its default,
 * which must pass the option's checks: the implicit "" of a string option
 * need not match its pattern, and a project made with it could never be
 * updated.
 */
static int check_default(struct resolver *r, const struct option *o,
			 const struct value *def)
{
	struct strbuf why = STRBUF_INIT;
	struct diag_src src;
	struct value *v;
	int ret = option_coerce(o, def, r->a, &v, &why);

	if (ret) {
		manifest_diag_src(r->m, &src);
		diag_at_linecol(r->err, &src, o->pos.line, o->pos.col,
				"option '%s' has no valid default: %s",
				o->name, why.buf);
		diag_hint(r->err, "give it a value with --set %s=VALUE",
			  o->name);
	}
	strbuf_release(&why);
	return ret;
}

/* ---- what a question offers -------------------------------------------- */

/* The constraint's message rendered in ctx, or its text when that fails. */
static const char *constraint_text(struct resolver *r,
				   const struct constraint *c,
				   struct value *ctx, struct arena *a)
{
	struct diag err = DIAG_INIT;
	char *msg;
	size_t len;

	if (tpl_render_string(r->m->file, c->message, strlen(c->message),
			      c->pos.line, c->pos.col, NULL, ctx, hostenv_tpl(),
			      a, &msg, &len, &err))
		msg = c->message;
	diag_release(&err);
	return msg;
}

/*
 * Why option i may not take v, given the options before it: the message
 * of a constraint that no values of the later options could satisfy, or
 * NULL.
 */
static const char *ruled_out(struct resolver *r, size_t i, struct value *v)
{
	const struct manifest *m = r->m;
	struct value *trial;
	size_t k;

	for (k = 0; k < m->nconstraints; k++) {
		if (!cond_deps_has(&r->deps[k], i) || r->deps[k].computed)
			continue;
		trial = value_dict_clone(&r->scratch, r->ctx);
		value_dict_set(&r->scratch, trial, m->options[i].name, v);
		if (!cond_possible(m, m->constraints[k].require, &r->deps[k],
				   trial, i, &r->scratch))
			return arena_strdup(r->a, constraint_text(r,
					&m->constraints[k], trial, &r->scratch));
	}
	return NULL;
}

/* The value a choice of o stands for: the choice, or a list of it. */
static struct value *choice_value(struct resolver *r, const struct option *o,
				  size_t c)
{
	struct value *v = value_str(&r->scratch, o->choices[c]), *l;

	if (o->type != OPTION_MULTI)
		return v;
	l = value_list(&r->scratch, 1);
	value_list_push(&r->scratch, l, v);
	return l;
}

/* Drop from *def what why_not rules out: elements, or the choice. */
static void offer_default(struct resolver *r, const struct option *o,
			  const char **why_not, struct value **def)
{
	struct value *kept;
	size_t c, k;

	if (o->type == OPTION_CHOICE) {
		for (c = 0; c < o->nchoices; c++)
			if (!why_not[c] && value_equal(*def, value_str(
					&r->scratch, o->choices[c])))
				return;
		for (c = 0; why_not[c]; c++)
			;
		*def = value_str(r->a, o->choices[c]);
		return;
	}
	kept = value_list(r->a, 0);
	for (k = 0; (*def)->kind == VALUE_LIST && k < (*def)->u.list.len; k++)
		for (c = 0; c < o->nchoices; c++)
			if (!why_not[c] && value_equal((*def)->u.list.items[k],
					value_str(&r->scratch, o->choices[c])))
				value_list_push(r->a, kept,
						(*def)->u.list.items[k]);
	*def = kept;
}

/*
 * The choices of option i that the options before it still allow: NULL
 * when all are, or when none is (then the conflict is with the earlier
 * answers, and the constraint check reports it).  *def loses what is
 * ruled out.
 */
static const char **offered_choices(struct resolver *r, size_t i,
				    struct value **def)
{
	const struct option *o = &r->m->options[i];
	const char **why_not;
	size_t c, out = 0;

	if ((o->type != OPTION_CHOICE && o->type != OPTION_MULTI) ||
	    o->nfields)
		return NULL;
	why_not = arena_zalloc(r->a, (o->nchoices + 1) * sizeof(*why_not));
	for (c = 0; c < o->nchoices; c++) {
		why_not[c] = ruled_out(r, i, choice_value(r, o, c));
		out += why_not[c] != NULL;
	}
	arena_release(&r->scratch);
	if (!out || out == o->nchoices)
		return NULL;
	offer_default(r, o, why_not, def);
	return why_not;
}

/* The value option k is expected to take when the interview reaches it. */
static struct value *expected_value(struct resolver *r, size_t k)
{
	const struct opt_state *s = &r->st[k];
	const struct option *o = &r->m->options[k];
	struct strbuf why = STRBUF_INIT;
	struct value *v = o->def;

	if (s->reply)
		v = s->reply;
	else if (s->given && option_coerce(o, s->given->val, &r->scratch, &v,
					   &why))
		v = o->def;
	strbuf_release(&why);
	return v;
}

/*
 * Progress for option i, offering def: its number among the questions,
 * and about how many there are, supposing the later options take their
 * answers or defaults (their `when` may change with the answers).
 */
static void progress(struct resolver *r, size_t i, struct value *def,
		     unsigned *number, unsigned *total)
{
	struct value *trial = value_dict_clone(&r->scratch, r->ctx);
	struct diag err = DIAG_INIT;
	struct value *w;
	size_t k;
	bool active;

	*number = 1;
	for (k = 0; k < i; k++)
		*number += r->st[k].active && r->st[k].asked;
	*total = *number;
	value_dict_set(&r->scratch, trial, r->m->options[i].name, def);
	for (k = i + 1; k < r->m->noptions; k++) {
		const struct option *o = &r->m->options[k];

		active = !o->when || tpl_expr_eval(o->when, trial,
				hostenv_tpl(), &r->scratch, &w, &err) ||
			 value_truthy(w);
		diag_release(&err);
		value_dict_set(&r->scratch, trial, o->name, active ?
			       expected_value(r, k) : o->def);
		*total += active && (r->st[k].reply || wants_asking(r, k));
	}
	arena_release(&r->scratch);
}

/* ---- asking -------------------------------------------------------------- */

/*
 * Put option i to the prompter, offering *cur (or, asked again because
 * *cur did not fit, the default); the reply replaces *cur.
 */
static int ask(struct resolver *r, size_t i, struct value **cur)
{
	struct opt_state *s = &r->st[i];
	const struct option *o = &r->m->options[i];
	struct answers_question q = { o, *cur, NULL, 0, 0, s->asked,
				      s->problem };
	struct value *def = s->problem ? o->def : *cur;
	char *reply = NULL;
	int ret;

	if (s->problem && ++r->again > RESOLVE_MAX_AGAIN)
		return diag_fail(r->err, "gave up on option '%s' after %d "
				 "answers that did not fit", o->name,
				 RESOLVE_MAX_AGAIN);
	q.why_not = offered_choices(r, i, &def);
	q.def = def;
	progress(r, i, def, &q.number, &q.total);
	if (r->o->prompt(r->o->prompt_ud, &q, &reply))
		return diag_fail(r->err, "no answer for option '%s'",
				 o->name);
	s->asked = true;
	s->problem = NULL;
	r->o->asked++;
	ret = coerce_answer(r, o, value_str(r->a, reply), NULL, cur);
	free(reply);
	if (!ret)
		s->reply = *cur;
	return ret;
}

/* Ask option i again while the caller's check refuses its value. */
static int check_value(struct resolver *r, size_t i, struct value **cur)
{
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	while (!ret && r->o->check(r->o->check_ud, &r->m->options[i], *cur,
				   &why)) {
		r->st[i].problem = arena_strdup(r->a, why.buf);
		strbuf_reset(&why);
		ret = ask(r, i, cur);
	}
	strbuf_release(&why);
	return ret;
}

static int resolve_option(struct resolver *r, size_t i)
{
	struct opt_state *s = &r->st[i];
	const struct option *o = &r->m->options[i];
	struct value *cur = value_copy(r->a, o->def);
	int ret = option_active(r, o, r->ctx, &s->active);

	if (!ret && s->active && s->reply)
		cur = s->reply;
	else if (!ret && s->active && s->given)
		ret = coerce_answer(r, o, s->given->val, s->given, &cur);
	else if (!ret && s->active && !r->o->prompt)
		ret = check_default(r, o, cur);
	if (!ret && s->active && wants_asking(r, i))
		ret = ask(r, i, &cur);
	if (!ret && s->active && r->o->prompt && r->o->check)
		ret = check_value(r, i, &cur);
	if (!ret) {
		value_dict_set(r->a, r->ctx, o->name, cur);
		s->val = cur;
	}
	return ret;
}

static int resolve_computed(struct resolver *r, const struct computed *c)
{
	char *out;
	size_t len;
	int ret;

	ret = tpl_render_string(r->m->file, c->value, strlen(c->value),
				c->pos.line, c->pos.col, NULL, r->ctx,
				hostenv_tpl(), r->a, &out, &len, r->err);
	if (!ret)
		value_dict_set(r->a, r->ctx, c->name,
			       value_str_borrow(r->a, out, len));
	return ret;
}

/* ---- constraints --------------------------------------------------------- */

/*
 * Name the answers a failed constraint hinges on in text ("a=x conflicts
 * with b=y") and their options in names ("'a' or 'b'"); *last is the
 * last of them that applies, or SIZE_MAX.
 */
static void clash_text(struct resolver *r, const struct constraint *c,
		       const struct cond_deps *d, struct strbuf *text,
		       struct strbuf *names, size_t *last)
{
	struct cond_culprit *cul = xcalloc(d->n + 1, sizeof(*cul));
	size_t n, k;

	cond_culprits(r->m, c->require, d, r->ctx, &r->scratch, cul, &n);
	*last = SIZE_MAX;
	for (k = 0; k < n; k++) {
		if (r->st[cul[k].opt].active)
			*last = cul[k].opt;
		strbuf_addf(names, "%s'%s'", !k ? "" : k + 1 < n ? ", " :
			    " or ", r->m->options[cul[k].opt].name);
	}
	cond_format_culprits(r->m, cul, n > 1 ? 1 : n, text);
	if (n == 1)
		strbuf_adds(text, " is not allowed");
	else if (n > 1)
		strbuf_adds(text, " conflicts with ");
	if (n > 1)
		cond_format_culprits(r->m, cul + 1, n - 1, text);
	free(cul);
	arena_release(&r->scratch);
}

/* Fail on constraint c, at the given answer of option last if any. */
static int constraint_error(struct resolver *r, const struct constraint *c,
			    size_t last, const char *text, const char *names)
{
	const struct answer *ans = last < r->m->noptions ?
		r->st[last].given : NULL;

	r->o->violated = c;
	if (ans && !ans->is_default)
		diag_at_linecol(r->err, &ans->src, ans->line, ans->col, "%s",
				text);
	else
		diag_input(r->err, NULL, "%s", text);
	if (*names)
		diag_hint(r->err, "change %s", names);
	return ERR_INPUT;
}

/*
 * Check constraint k.  When it fails and a prompter can ask the last
 * option it hinges on again, *back is that option; else it is an error.
 */
static int check_constraint(struct resolver *r, size_t k, size_t *back)
{
	const struct constraint *c = &r->m->constraints[k];
	struct strbuf text = STRBUF_INIT, names = STRBUF_INIT;
	struct value *v;
	size_t last, len;
	char *msg;
	int ret;

	ret = tpl_expr_eval(c->require, r->ctx, hostenv_tpl(), r->a, &v,
			    r->err);
	if (ret || value_truthy(v))
		return ret;
	ret = tpl_render_string(r->m->file, c->message, strlen(c->message),
				c->pos.line, c->pos.col, NULL, r->ctx,
				hostenv_tpl(), r->a, &msg, &len, r->err);
	if (ret)
		return ret;
	clash_text(r, c, &r->deps[k], &text, &names, &last);
	strbuf_addf(&text, "%s%s", text.len ? ": " : "", msg);
	if (r->o->prompt && last != SIZE_MAX) {
		r->st[last].problem = arena_strdup(r->a, text.buf);
		*back = last;
	} else {
		ret = constraint_error(r, c, last, text.buf, names.buf);
	}
	strbuf_release(&text);
	strbuf_release(&names);
	return ret;
}

/* Check the constraints decided once option i is resolved. */
static int check_ready(struct resolver *r, size_t i, size_t *back)
{
	size_t k;
	int ret = 0;

	for (k = 0; !ret && *back == SIZE_MAX && k < r->m->nconstraints;
	     k++)
		if (r->ready[k] == i)
			ret = check_constraint(r, k, back);
	return ret;
}

/* Go back to option j: forget what was resolved from there on. */
static void go_back(struct resolver *r, size_t j)
{
	size_t k;

	r->ctx = value_dict(r->a, r->m->noptions + r->m->ncomputed);
	for (k = 0; k < j; k++)
		value_dict_set(r->a, r->ctx, r->m->options[k].name,
			       r->st[k].val);
	for (k = j; k < r->m->noptions; k++)
		r->st[k].val = NULL;
}

/* ---- given values that do not apply -------------------------------------- */

/* Why option o does not apply: its `when` and the answers it hinges on. */
static void why_not_applies(struct resolver *r, const struct option *o,
			    struct strbuf *sb)
{
	struct cond_deps d = COND_DEPS_INIT;
	struct cond_culprit *cul;
	size_t n;

	cond_deps_find(r->m, o->when, &d);
	cul = xcalloc(d.n + 1, sizeof(*cul));
	strbuf_addf(sb, "applies only when %s", o->when_src);
	cond_culprits(r->m, o->when, &d, r->ctx, &r->scratch, cul, &n);
	if (n) {
		strbuf_adds(sb, ", and ");
		cond_format_culprits(r->m, cul, n, sb);
	}
	free(cul);
	cond_deps_release(&d);
	arena_release(&r->scratch);
}

/* Warn about (or with strict refuse) option i's given value, if ignored. */
static int note_ignored(struct resolver *r, size_t i)
{
	const struct option *o = &r->m->options[i];
	const struct answer *ans = r->st[i].given;
	struct strbuf why = STRBUF_INIT, reason = STRBUF_INIT;
	struct value *v;
	int ret = 0;

	if (r->st[i].active || !ans || ans->is_default ||
	    (!option_coerce(o, ans->val, r->a, &v, &why) &&
	     value_equal(v, o->def)))
		goto out;
	why_not_applies(r, o, &reason);
	if (r->o->strict) {
		ret = diag_at_linecol(r->err, &ans->src, ans->key_line,
				      ans->key_col, "option '%s' does not "
				      "apply: it %s", o->name, reason.buf);
		diag_hint(r->err, "leave the answer out, or drop --strict to "
			  "ignore it");
		goto out;
	}
	strbuf_addf(r->o->notes, "ignoring %s=", o->name);
	format_given(r->o->notes, o, ans->val);
	strbuf_addf(r->o->notes, " (%s", ans->src.name);
	if (strcmp(ans->src.name, "--set"))
		strbuf_addf(r->o->notes, ":%u", ans->key_line);
	strbuf_addf(r->o->notes, "): option '%s' %s\n", o->name, reason.buf);
out:
	strbuf_release(&why);
	strbuf_release(&reason);
	return ret;
}

/* Report every given value whose option does not apply. */
static int note_all_ignored(struct resolver *r)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && r->o->notes && i < r->m->noptions; i++)
		ret = note_ignored(r, i);
	return ret;
}

/* ---- the whole resolution ------------------------------------------------ */

/*
 * Resolve from option `from` to the end: options, their constraints,
 * then computed values and the constraints that read them.  *back is
 * set when a conflict sends the resolution back to an earlier option.
 */
static int resolve_from(struct resolver *r, size_t from, size_t *back)
{
	size_t i, n = r->m->noptions;
	int ret = 0;

	*back = SIZE_MAX;
	for (i = from; !ret && *back == SIZE_MAX && i < n; i++) {
		ret = resolve_option(r, i);
		if (!ret)
			ret = check_ready(r, i, back);
	}
	if (ret || *back != SIZE_MAX)
		return ret;
	ret = note_all_ignored(r);
	for (i = 0; !ret && i < r->m->ncomputed; i++)
		ret = resolve_computed(r, &r->m->computed[i]);
	if (!ret)
		ret = check_ready(r, n, back);
	return ret;
}

/* Set up the per-option and per-constraint state. */
static void resolver_init(struct resolver *r)
{
	const struct manifest *m = r->m;
	size_t i;

	arena_init(&r->scratch);
	r->ctx = value_dict(r->a, m->noptions + m->ncomputed);
	r->st = xcalloc(m->noptions + 1, sizeof(*r->st));
	r->deps = xcalloc(m->nconstraints + 1, sizeof(*r->deps));
	r->ready = xcalloc(m->nconstraints + 1, sizeof(*r->ready));
	for (i = 0; i < m->noptions; i++)
		r->st[i].given = last_given(r, m->options[i].name);
	for (i = 0; i < m->nconstraints; i++) {
		cond_deps_find(m, m->constraints[i].require, &r->deps[i]);
		r->ready[i] = cond_deps_ready(m, &r->deps[i]);
		if (r->ready[i] >= m->noptions)
			r->ready[i] = m->noptions;
	}
}

static void resolver_release(struct resolver *r)
{
	size_t i;

	for (i = 0; i < r->m->nconstraints; i++)
		cond_deps_release(&r->deps[i]);
	free(r->deps);
	free(r->ready);
	free(r->st);
	arena_release(&r->scratch);
}

/* Copy every resolved option that applies into o->answered. */
static void fill_answered(struct resolver *r)
{
	size_t i;

	for (i = 0; r->o->answered && i < r->m->noptions; i++)
		if (r->st[i].val && r->st[i].active)
			value_dict_set(r->a, r->o->answered,
				       r->m->options[i].name, r->st[i].val);
}

int answers_resolve(const struct manifest *m, const struct answer_set *given,
		    struct answers_opts *o, struct arena *a,
		    struct value **ctx, struct diag *err)
{
	static const struct answer_set none = ANSWER_SET_INIT;
	struct answers_opts plain = { 0 };
	struct resolver r = { m, given ? given : &none, o ? o : &plain, a,
			      ARENA_INIT, NULL, err, NULL, NULL, NULL, 0 };
	size_t back = 0;
	int ret;

	r.o->violated = NULL;
	resolver_init(&r);
	ret = check_names(&r);
	while (!ret && back != SIZE_MAX) {
		ret = resolve_from(&r, back, &back);
		if (!ret && back != SIZE_MAX)
			go_back(&r, back);
	}
	fill_answered(&r);
	if (!ret)
		*ctx = r.ctx;
	resolver_release(&r);
	return ret;
}

/* ---- the answers file: loading ----------------------------------------- */

struct answers_file *answers_file_new(void)
{
	struct answers_file *af = xcalloc(1, sizeof(*af));

	arena_init(&af->arena);
	af->answers = value_dict(&af->arena, 0);
	return af;
}

void answers_file_add_file(struct answers_file *af, const char *path,
			   const char *blob)
{
	struct answers_file_entry *e;

	XALLOC_GROW(af->files, af->nfiles + 1, af->files_alloc);
	e = &af->files[af->nfiles++];
	e->path = arena_strdup(&af->arena, path);
	snprintf(e->blob, sizeof(e->blob), "%s", blob);
}

void answers_file_add_conflict(struct answers_file *af, const char *path,
			       const char *base, const char *yours)
{
	struct answers_conflict *c;

	XALLOC_GROW(af->conflicts, af->nconflicts + 1, af->conflicts_alloc);
	c = &af->conflicts[af->nconflicts++];
	c->path = arena_strdup(&af->arena, path);
	snprintf(c->base, sizeof(c->base), "%s", base ? base : "");
	snprintf(c->yours, sizeof(c->yours), "%s", yours ? yours : "");
}

const struct answers_conflict *answers_file_conflict(
	const struct answers_file *af, const char *path)
{
	size_t i;

	for (i = 0; i < af->nconflicts; i++)
		if (!strcmp(af->conflicts[i].path, path))
			return &af->conflicts[i];
	return NULL;
}

void answers_file_free(struct answers_file *af)
{
	if (!af)
		return;
	free(af->conflicts);
	free(af->files);
	arena_release(&af->arena);
	free(af);
}

/* The keys of .genship.yml and of its `template` mapping. */
static const struct ly_field template_fields[] = {
	{ "name", LY_STR, LY_REQUIRED, NULL, NULL, NULL },
	{ "source", LY_STR, LY_REQUIRED, NULL, NULL, NULL },
	{ "version", LY_STR, LY_REQUIRED, NULL, NULL, NULL },
	{ "commit", LY_STR, 0, NULL, NULL, NULL },
	{ "url", LY_STR, 0, NULL, NULL, NULL },
	{ "ref", LY_STR, 0, NULL, NULL, NULL },
	{ "directory", LY_STR, 0, NULL, NULL, NULL },
};

static const struct ly_schema template_schema = {
	NULL, NULL, template_fields,
	sizeof(template_fields) / sizeof(template_fields[0]),
};

static const struct ly_field af_fields[] = {
	{ "genship_version", LY_STR, LY_REQUIRED, NULL, NULL, NULL },
	{ "template", LY_MAP, LY_REQUIRED, &template_schema, NULL, NULL },
	{ "answers", LY_MAPPING, 0, NULL, NULL, NULL },
	{ "files", LY_MAPPING, 0, NULL, NULL,
	  "a mapping of paths to blob ids" },
	{ "conflicts", LY_ANY, 0, NULL, NULL, "a mapping of paths" },
};

static const struct ly_schema af_schema = {
	"answers file", NULL, af_fields,
	sizeof(af_fields) / sizeof(af_fields[0]),
};

/* A copy of the text of map[key] (a scalar ly_check() let through). */
static char *af_string(struct ly_doc *y, struct answers_file *af,
		       const yaml_node_t *map, const char *key)
{
	const char *s = ly_str(ly_get(&y->doc, map, key));

	return s ? arena_strdup(&af->arena, s) : NULL;
}

/* True when ref can name a git tag, branch or commit (git's rules). */
static bool ref_name_ok(const char *ref)
{
	const char *p;

	if (!*ref || *ref == '-' || *ref == '/' || strstr(ref, "..") ||
	    strstr(ref, "@{"))
		return false;
	for (p = ref; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f ||
		    strchr("~^:?*[\\", *p))
			return false;
	return true;
}

/*
 * The recorded remote source is input from a stranger too: its ref must
 * be a ref name and its directory a path inside the repository.
 */
static int af_check_remote(struct ly_doc *y, const struct answers_file *af,
			   const yaml_node_t *n)
{
	const char *dir = af->template_directory, *ref = af->template_ref;

	if (dir && !paths_is_inside(dir))
		return ly_error(y, ly_get(&y->doc, n, "directory"), "unsafe "
				"directory '%s' in 'template': it must stay "
				"inside the repository", dir);
	if (ref && !ref_name_ok(ref))
		return ly_error(y, ly_get(&y->doc, n, "ref"), "'%s' in "
				"'template' is not a git ref name", ref);
	return 0;
}

static int af_template(struct ly_doc *y, struct answers_file *af,
		       const yaml_node_t *n)
{
	af->template_name = af_string(y, af, n, "name");
	af->template_source = af_string(y, af, n, "source");
	af->template_version = af_string(y, af, n, "version");
	af->template_commit = af_string(y, af, n, "commit");
	af->template_url = af_string(y, af, n, "url");
	af->template_ref = af_string(y, af, n, "ref");
	af->template_directory = af_string(y, af, n, "directory");
	return af_check_remote(y, af, n);
}

static int af_answers(struct ly_doc *y, struct answers_file *af,
		      const yaml_node_t *n)
{
	struct value *val;
	const char *name;
	size_t i;

	if (check_answer_count(y, n))
		return ERR_INPUT;
	for (i = 0; i < ly_npairs(n); i++) {
		const yaml_node_t *k = ly_pair_key(&y->doc, n, i);

		if (key_text(y, k, &name))
			return ERR_INPUT;
		if (value_dict_get(af->answers, name))
			return ly_error(y, k, "duplicate answer '%s'", name);
		if (node_answer(y, &af->arena, ly_pair_val(&y->doc, n, i),
				name, &val))
			return ERR_INPUT;
		value_dict_set(&af->arena, af->answers, name, val);
	}
	return 0;
}

/* True when s is a git blob id: 40 lowercase hex digits. */
static bool is_blob_id(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

/* Refuse a recorded path (at key k) that leaves the project or is reserved. */
static int check_recorded_path(struct ly_doc *y, const yaml_node_t *k,
			       const char *path)
{
	const char *why = paths_problem(path);

	if (!why)
		return 0;
	ly_error(y, k, "unsafe path '%s' in 'files': %s", path, why);
	diag_hint(y->err, "genship writes this section itself; restore the "
		  "answers file from version control");
	return ERR_INPUT;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct answers_file_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int af_files(struct ly_doc *y, struct answers_file *af,
		    const yaml_node_t *n)
{
	const char *path, *blob;
	size_t i, dup, orig;

	for (i = 0; i < ly_npairs(n); i++) {
		const yaml_node_t *k = ly_pair_key(&y->doc, n, i);
		const yaml_node_t *v = ly_pair_val(&y->doc, n, i);

		if (key_text(y, k, &path) || check_recorded_path(y, k, path))
			return ERR_INPUT;
		blob = ly_str(v);
		if (!blob || !is_blob_id(blob))
			return ly_error(y, v, "invalid blob id for '%s': "
					"expected 40 hex digits", path);
		answers_file_add_file(af, path, blob);
	}
	if (ly_dup_key(&y->doc, n, &dup, &orig))
		return ly_error(y, ly_pair_key(&y->doc, n, dup), "duplicate "
				"file '%s' in 'files'",
				ly_str(ly_pair_key(&y->doc, n, dup)));
	if (af->nfiles)
		qsort(af->files, af->nfiles, sizeof(*af->files), entry_cmp);
	return 0;
}

/* A path in `conflicts` (node n): one genship may write, listed once. */
static int conflict_path(struct ly_doc *y, const struct answers_file *af,
			 const yaml_node_t *n, const char **path)
{
	const char *why;

	*path = ly_str(n);
	if (!*path)
		return ly_error(y, n, "'conflicts' lists paths, not %s",
				ly_kind(n));
	why = paths_problem(*path);
	if (why)
		return ly_error(y, n, "unsafe path '%s' in 'conflicts': %s",
				*path, why);
	if (answers_file_conflict(af, *path))
		return ly_error(y, n, "duplicate path '%s' in 'conflicts'",
				*path);
	return 0;
}

/* The blob id of key (base or yours) of conflict n into *out, or NULL. */
static int conflict_blob(struct ly_doc *y, const yaml_node_t *n,
			 const char *path, const char *key, const char **out)
{
	const yaml_node_t *v = ly_get(&y->doc, n, key);

	*out = v ? ly_str(v) : NULL;
	if (v && (!*out || !is_blob_id(*out)))
		return ly_error(y, v, "invalid blob id for '%s' of '%s' in "
				"'conflicts': expected 40 hex digits", key,
				path);
	return 0;
}

static const struct ly_field conflict_fields[] = {
	{ "base", LY_STR, 0, NULL, NULL, "a blob id" },
	{ "yours", LY_STR, 0, NULL, NULL, "a blob id" },
};

static const struct ly_schema conflict_schema = {
	"conflict", NULL, conflict_fields,
	sizeof(conflict_fields) / sizeof(conflict_fields[0]),
};

/* One `path: {base: ID, yours: ID}` pair (i) of the `conflicts` mapping. */
static int af_conflict(struct ly_doc *y, struct answers_file *af,
		       const yaml_node_t *map, size_t i)
{
	const yaml_node_t *v = ly_pair_val(&y->doc, map, i);
	const char *path, *base = NULL, *yours = NULL;
	int ret = conflict_path(y, af, ly_pair_key(&y->doc, map, i), &path);

	if (!ret && !ly_is_map(v))
		ret = ly_error(y, v, "conflict '%s' must be a mapping with "
			       "'base' and 'yours', not %s", path, ly_kind(v));
	if (!ret)
		ret = ly_check(y, v, &conflict_schema);
	if (!ret)
		ret = conflict_blob(y, v, path, "base", &base);
	if (!ret)
		ret = conflict_blob(y, v, path, "yours", &yours);
	if (!ret)
		answers_file_add_conflict(af, path, base, yours);
	return ret;
}

/*
 * `conflicts`: a mapping of paths to the blob ids of their merge, or the
 * older sequence of paths (no blob ids).
 */
static int af_conflicts(struct ly_doc *y, struct answers_file *af,
			const yaml_node_t *n)
{
	const char *path;
	size_t i;
	int ret = 0;

	if (ly_is_map(n)) {
		for (i = 0; !ret && i < ly_npairs(n); i++)
			ret = af_conflict(y, af, n, i);
		return ret;
	}
	if (!ly_is_seq(n))
		return ly_error(y, n, "'conflicts' must be a mapping of "
				"paths, not %s", ly_kind(n));
	for (i = 0; !ret && i < ly_len(n); i++) {
		ret = conflict_path(y, af, ly_at(&y->doc, n, i), &path);
		if (!ret)
			answers_file_add_conflict(af, path, NULL, NULL);
	}
	return ret;
}

/* Read the top-level mapping of a .genship.yml into af. */
static int af_top(struct ly_doc *y, struct answers_file *af,
		  const yaml_node_t *root)
{
	yaml_node_t *v;
	int ret = ly_check(y, root, &af_schema);

	if (ret)
		return ret;
	af->genship_version = af_string(y, af, root, "genship_version");
	ret = af_template(y, af, ly_get(&y->doc, root, "template"));
	if (!ret && (v = ly_get(&y->doc, root, "answers")))
		ret = af_answers(y, af, v);
	if (!ret && (v = ly_get(&y->doc, root, "files")))
		ret = af_files(y, af, v);
	if (!ret && (v = ly_get(&y->doc, root, "conflicts")))
		ret = af_conflicts(y, af, v);
	return ret;
}

int answers_file_load(const char *file, const char *text, size_t len,
		      struct answers_file **out, struct diag *err)
{
	struct ly_doc y = { .src = { file, text, len, 0, 0 }, .err = err };
	struct answers_file *af = answers_file_new();
	yaml_node_t *root;
	int ret;

	ret = ly_parse(&y);
	if (ret)
		goto out;
	root = ly_root(&y.doc);
	if (root)
		ret = af_top(&y, af, root);
	else
		ret = diag_input(err, file, "empty answers file");
	yaml_document_delete(&y.doc);
out:
	if (ret)
		answers_file_free(af);
	else
		*out = af;
	return ret;
}

/* ---- the answers file: writing ----------------------------------------- */

static const char af_header[] =
	"# Generated by genship. Do not edit the files section by hand;\n"
	"# `genship update` and `genship check` rely on it.\n";

static int emit_write(void *data, unsigned char *buf, size_t size)
{
	strbuf_add(data, buf, size);
	return 1;
}

/*
 * True when s starts like a number or a date that YAML 1.1 or 1.2 readers
 * would not read as a string: 12, -1_000, 1.5, .5, 6e3, 0x1f, 1:30,
 * 2024-01-31.  Versions such as 1.2.0 and blob ids stay plain.
 */
static bool looks_numeric(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	size_t digits = 0, dots = 0;

	if (strlen(p) >= 10 && isdigit((unsigned char)p[0]) && p[4] == '-' &&
	    strspn(p, "0123456789") == 4)
		return true;	/* a timestamp */
	if (*p == '0' && p[1] && strchr("xXoObB", p[1]))
		return true;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			digits++;
		} else if (*p == '.') {
			dots++;
		} else if ((*p == 'e' || *p == 'E') && digits) {
			p += p[1] == '-' || p[1] == '+';
			return p[1] && strspn(p + 1, "0123456789") ==
			       strlen(p + 1) && dots <= 1;
		} else if (*p != '_' && *p != ':') {
			return false;
		}
	}
	return digits && dots <= 1;
}

/*
 * True when a plain s would read back as something other than that
 * string, here or in other YAML readers: empty, null, booleans (YAML 1.1
 * ones included), infinities and numbers.
 */
static bool needs_quotes(const char *s)
{
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null",
		"~", ".inf", "-.inf", "+.inf", ".nan",
	};
	size_t i;

	if (!*s || looks_numeric(s))
		return true;
	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* Replace bytes that are not UTF-8 with U+FFFD, which libyaml requires. */
static void utf8_sanitize(const char *s, size_t n, struct strbuf *out)
{
	size_t i = 0, len;

	while (i < n) {
		if ((len = utf8_decode(s + i, n - i, NULL)))
			strbuf_add(out, s + i, len);
		else
			strbuf_adds(out, "\xef\xbf\xbd");
		i += len ? len : 1;
	}
}

/* Emit one event; false once the emitter has failed. */
static bool emit(yaml_emitter_t *e, yaml_event_t *ev, bool ok)
{
	if (!ok)
		return false;
	return yaml_emitter_emit(e, ev) != 0;
}

/* Emit the string s (n bytes) as a scalar, quoted when plain would lie. */
static bool emit_str(yaml_emitter_t *e, const char *s, size_t n)
{
	yaml_scalar_style_t style = memchr(s, '\n', n) ?
		YAML_DOUBLE_QUOTED_SCALAR_STYLE : needs_quotes(s) ?
		YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
	struct strbuf clean = STRBUF_INIT;
	yaml_event_t ev;
	bool ok;

	ok = yaml_scalar_event_initialize(&ev, NULL, NULL,
					  (yaml_char_t *)s, (int)n, 1, 1,
					  style);
	if (!ok) {
		utf8_sanitize(s, n, &clean);
		ok = yaml_scalar_event_initialize(&ev, NULL, NULL,
				(yaml_char_t *)clean.buf, (int)clean.len, 1, 1,
				style);
	}
	ok = emit(e, &ev, ok);
	strbuf_release(&clean);
	return ok;
}

/* Emit a plain scalar: true, false or a number. */
static bool emit_plain(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)s, (int)strlen(s), 1, 0,
		    YAML_PLAIN_SCALAR_STYLE));
}

static bool emit_cstr(yaml_emitter_t *e, const char *s)
{
	return emit_str(e, s, strlen(s));
}

/* Emit the start of a block mapping, or a flow one when empty. */
static bool emit_map_start(yaml_emitter_t *e, bool empty)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL,
		    NULL, 1, empty ? YAML_FLOW_MAPPING_STYLE :
		    YAML_BLOCK_MAPPING_STYLE));
}

static bool emit_map_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

/* Lists of scalars in flow style, lists of mappings one per block item. */
static yaml_sequence_style_t list_style(const struct value *v)
{
	return v->u.list.len && v->u.list.items[0]->kind == VALUE_DICT ?
	       YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE;
}

/* Emit an answer: bools and ints plain, lists as list_style() says. */
static bool emit_value(yaml_emitter_t *e, const struct value *v)
{
	struct strbuf sb = STRBUF_INIT;
	yaml_event_t ev;
	bool ok = true;
	size_t i;

	switch (v->kind) {
	case VALUE_STRING:
		return emit_str(e, v->u.s.ptr, v->u.s.len);
	case VALUE_BOOL:
		return emit_plain(e, v->u.b ? "true" : "false");
	case VALUE_LIST:
		ok = emit(e, &ev, yaml_sequence_start_event_initialize(&ev,
			  NULL, NULL, 1, list_style(v)));
		for (i = 0; ok && i < v->u.list.len; i++)
			ok = emit_value(e, v->u.list.items[i]);
		return emit(e, &ev, ok &&
			    yaml_sequence_end_event_initialize(&ev));
	case VALUE_DICT:
		ok = emit_map_start(e, !v->u.dict.len);
		for (i = 0; ok && i < v->u.dict.len; i++)
			ok = emit_str(e, v->u.dict.items[i].key.ptr,
				      v->u.dict.items[i].key.len) &&
			     emit_value(e, v->u.dict.items[i].val);
		return ok && emit_map_end(e);
	default:
		option_format_value(&sb, v);
		ok = v->kind == VALUE_INT ? emit_plain(e, sb.buf) :
		     emit_str(e, sb.buf, sb.len);
		strbuf_release(&sb);
		return ok;
	}
}

static bool emit_template(yaml_emitter_t *e, const struct answers_file *af)
{
	const char *fields[][2] = {
		{ "name", af->template_name },
		{ "source", af->template_source },
		{ "version", af->template_version },
		{ "commit", af->template_commit },
		{ "url", af->template_url },
		{ "ref", af->template_ref },
		{ "directory", af->template_directory },
	};
	bool ok = emit_cstr(e, "template") && emit_map_start(e, false);
	size_t i;

	for (i = 0; ok && i < sizeof(fields) / sizeof(*fields); i++)
		if (fields[i][1])
			ok = emit_cstr(e, fields[i][0]) &&
			     emit_cstr(e, fields[i][1]);
	return ok && emit_map_end(e);
}

/* Emit the mapping of option name -> answer (NULL: an empty one). */
static bool emit_answer_map(yaml_emitter_t *e, const struct value *answers)
{
	size_t n = answers ? answers->u.dict.len : 0, i;
	bool ok = emit_map_start(e, !n);

	for (i = 0; ok && i < n; i++) {
		const struct value_pair *p = &answers->u.dict.items[i];

		ok = emit_str(e, p->key.ptr, p->key.len) &&
		     emit_value(e, p->val);
	}
	return ok && emit_map_end(e);
}

static bool emit_answers(yaml_emitter_t *e, const struct value *answers)
{
	return emit_cstr(e, "answers") && emit_answer_map(e, answers);
}

static int entry_ptr_cmp(const void *a, const void *b)
{
	return entry_cmp(*(const void *const *)a, *(const void *const *)b);
}

static bool emit_files(yaml_emitter_t *e, const struct answers_file *af)
{
	const struct answers_file_entry **sorted;
	bool ok = emit_cstr(e, "files") && emit_map_start(e, !af->nfiles);
	size_t i;

	sorted = xcalloc(af->nfiles + 1, sizeof(*sorted));
	for (i = 0; i < af->nfiles; i++)
		sorted[i] = &af->files[i];
	qsort(sorted, af->nfiles, sizeof(*sorted), entry_ptr_cmp);
	for (i = 0; ok && i < af->nfiles; i++)
		ok = emit_cstr(e, sorted[i]->path) &&
		     emit_cstr(e, sorted[i]->blob);
	free(sorted);
	return ok && emit_map_end(e);
}

/* One conflict: its path, then its known blob ids. */
static bool emit_conflict(yaml_emitter_t *e, const struct answers_conflict *c)
{
	bool ok = emit_cstr(e, c->path) &&
		emit_map_start(e, !*c->base && !*c->yours);

	if (ok && *c->base)
		ok = emit_cstr(e, "base") && emit_cstr(e, c->base);
	if (ok && *c->yours)
		ok = emit_cstr(e, "yours") && emit_cstr(e, c->yours);
	return ok && emit_map_end(e);
}

/* The `conflicts` mapping, only when there are any. */
static bool emit_conflicts(yaml_emitter_t *e, const struct answers_file *af)
{
	bool ok;
	size_t i;

	if (!af->nconflicts)
		return true;
	ok = emit_cstr(e, "conflicts") && emit_map_start(e, false);
	for (i = 0; ok && i < af->nconflicts; i++)
		ok = emit_conflict(e, &af->conflicts[i]);
	return ok && emit_map_end(e);
}

/* The top-level mapping of .genship.yml. */
static bool emit_project_map(yaml_emitter_t *e, const void *data)
{
	const struct answers_file *af = data;

	return emit_map_start(e, false) &&
	       emit_cstr(e, "genship_version") &&
	       emit_cstr(e, af->genship_version ? af->genship_version :
			 PACKAGE_VERSION) &&
	       emit_template(e, af) && emit_answers(e, af->answers) &&
	       emit_files(e, af) && emit_conflicts(e, af) && emit_map_end(e);
}

/* A mapping of answers alone, as --answers reads it. */
static bool emit_answers_only(yaml_emitter_t *e, const void *data)
{
	return emit_answer_map(e, data);
}

/* Emit one whole document (stream and document events) around body. */
static bool emit_document(yaml_emitter_t *e,
			  bool (*body)(yaml_emitter_t *, const void *),
			  const void *data)
{
	yaml_event_t ev;
	bool ok;

	ok = emit(e, &ev, yaml_stream_start_event_initialize(&ev,
		  YAML_UTF8_ENCODING));
	ok = emit(e, &ev, ok && yaml_document_start_event_initialize(&ev,
		  NULL, NULL, NULL, 1));
	ok = ok && body(e, data);
	ok = emit(e, &ev, ok && yaml_document_end_event_initialize(&ev, 1));
	return emit(e, &ev, ok && yaml_stream_end_event_initialize(&ev));
}

/*
 * Append header, then one YAML document with body's content, emitted as
 * both formats write: UTF-8 as it is, no line folding, indent 2.
 */
static void format_document(struct strbuf *out, const char *header,
			    bool (*body)(yaml_emitter_t *, const void *),
			    const void *data)
{
	yaml_emitter_t e;

	strbuf_adds(out, header);
	if (!yaml_emitter_initialize(&e))
		return;
	yaml_emitter_set_output(&e, emit_write, out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	emit_document(&e, body, data);
	yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
}

void answers_format_mapping(const struct value *answers, const char *header,
			    struct strbuf *out)
{
	format_document(out, header, emit_answers_only, answers);
}

void answers_file_format(const struct answers_file *af, struct strbuf *out)
{
	format_document(out, af_header, emit_project_map, af);
}
