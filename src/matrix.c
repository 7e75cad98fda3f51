/*
 * matrix.c: enumerate option combinations (see matrix.h for the rule).
 *
 * Two passes per combination.  A depth-first walk over the product
 * options decides which branches exist: an option whose `when` is false
 * given the options before it is pinned and does not branch.  At each
 * leaf, a second pass in manifest order gives string and int options
 * their rotated values and re-evaluates every `when` with the final
 * values, then answers_resolve() types the answers, renders the computed
 * values and checks the constraints.
 */
#include "matrix.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "hostenv.h"
#include "template.h"
#include "value-json.h"
#include "xalloc.h"

/* The values one option contributes. */
struct axis {
	const struct option *o;
	struct value **vals;
	size_t n;
	bool product;		/* choice, bool, multi: branch over vals */
	bool shapes;		/* rotated, and a product option's when reads
				 * it: decided before deduplication */
	size_t turn;		/* rotation counter for string and int */
	size_t stride;		/* turns per step of the rotation */
};

/* A set of strings, for deduplicating canonical answers. */
struct strset {
	char **slots;
	size_t n, cap;
};

struct walk {
	const struct manifest *m;
	struct axis *axes;
	struct value **pick;	/* the walk's current value per option */
	struct value *ctx;	/* options decided so far, in order */
	struct arena scratch;	/* walk contexts and expression results */
	struct strset seen;
	struct matrix *out;
	struct diag *err;
};

/* ---- a string set ----------------------------------------------------- */

/* FNV-1a of a NUL-terminated string. */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Double the table and re-place every string. */
static void strset_grow(struct strset *set)
{
	struct strset big = { NULL, 0, set->cap ? set->cap * 2 : 256 };
	size_t i, j;

	big.slots = xcalloc(big.cap, sizeof(*big.slots));
	for (i = 0; i < set->cap; i++) {
		if (!set->slots[i])
			continue;
		j = str_hash(set->slots[i]) & (big.cap - 1);
		while (big.slots[j])
			j = (j + 1) & (big.cap - 1);
		big.slots[j] = set->slots[i];
	}
	big.n = set->n;
	free(set->slots);
	*set = big;
}

/* Add s (taking it); returns false, and frees s, if it was there. */
static bool strset_add(struct strset *set, char *s)
{
	size_t j;

	if ((set->n + 1) * 2 > set->cap)
		strset_grow(set);
	j = str_hash(s) & (set->cap - 1);
	for (; set->slots[j]; j = (j + 1) & (set->cap - 1)) {
		if (!strcmp(set->slots[j], s)) {
			free(s);
			return false;
		}
	}
	set->slots[j] = s;
	set->n++;
	return true;
}

static void strset_release(struct strset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	*set = (struct strset){ NULL, 0, 0 };
}

/* ---- JSON ------------------------------------------------------------- */


/* The canonical form of answers: compact JSON with sorted keys. */
static char *canonical_answers(const struct value *answers)
{
	json_t *j = value_json_encode(answers);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS |
			     JSON_ENSURE_ASCII);

	json_decref(j);
	return s;
}

/* ---- axes ------------------------------------------------------------- */

/* Append v to ax unless an equal value is there already. */
static void axis_add(struct axis *ax, struct value *v, size_t cap)
{
	size_t i;

	for (i = 0; i < ax->n; i++)
		if (value_equal(ax->vals[i], v))
			return;
	if (ax->n < cap)
		ax->vals[ax->n++] = v;
}

/* A multi value holding only choice c, or all choices when c is NULL. */
static struct value *multi_value(struct arena *a, const struct option *o,
				 const char *c)
{
	struct value *v = value_list(a, c ? 1 : o->nchoices);
	size_t i;

	for (i = 0; i < o->nchoices; i++)
		if (!c || !strcmp(c, o->choices[i]))
			value_list_push(a, v, value_str(a, o->choices[i]));
	return v;
}

/* The implicit values of a product option without a `matrix:` list. */
static void axis_fill_implicit(struct axis *ax, struct arena *a, size_t cap)
{
	const struct option *o = ax->o;
	size_t i;

	axis_add(ax, o->def, cap);
	if (o->type == OPTION_BOOL)
		axis_add(ax, value_bool(!value_truthy(o->def)), cap);
	for (i = 0; o->type == OPTION_CHOICE && i < o->nchoices; i++)
		axis_add(ax, value_str(a, o->choices[i]), cap);
	for (i = 0; o->type == OPTION_MULTI && i < o->nchoices; i++)
		axis_add(ax, multi_value(a, o, o->choices[i]), cap);
	if (o->type == OPTION_MULTI)
		axis_add(ax, multi_value(a, o, NULL), cap);
}

/* Fill ax with the values option o contributes (see matrix.h). */
static void axis_init(struct axis *ax, const struct option *o,
		      struct arena *a)
{
	size_t cap = 2 + o->nchoices, i;
	bool spans = o->type == OPTION_CHOICE || o->type == OPTION_BOOL ||
		(o->type == OPTION_MULTI && !o->nfields);

	ax->o = o;
	ax->product = spans && !o->rotate;
	if (o->matrix && o->matrix->u.list.len > cap)
		cap = o->matrix->u.list.len;
	ax->vals = arena_alloc(a, cap * sizeof(*ax->vals));
	for (i = 0; o->matrix && i < o->matrix->u.list.len; i++)
		axis_add(ax, o->matrix->u.list.items[i], cap);
	if (!ax->n && spans)
		axis_fill_implicit(ax, a, cap);
	if (!ax->n)
		axis_add(ax, o->def, cap);
}

/*
 * Rotated options step like the digits of a counter: the first changes
 * every turn, the next every k1 turns, and so on, so that over the
 * combinations every mix of their values occurs, not just fixed pairs.
 */
static void set_strides(struct axis *axes, size_t n)
{
	size_t stride[2] = { 1, 1 }, i;

	for (i = 0; i < n; i++) {
		size_t *s = &stride[axes[i].shapes];

		axes[i].stride = *s;
		if (!axes[i].product && axes[i].n > 1 && *s <= MATRIX_MAX)
			*s *= axes[i].n;
	}
}

struct shape_mark {
	struct axis *axes;
	size_t n;
	bool changed;
};

/* Mark the rotated option called name as shaping the product. */
static void mark_shapes(void *ud, const char *name)
{
	struct shape_mark *sm = ud;
	size_t i;

	for (i = 0; i < sm->n; i++)
		if (!strcmp(sm->axes[i].o->name, name) &&
		    !sm->axes[i].product && sm->axes[i].n > 1 &&
		    !sm->axes[i].shapes)
			sm->axes[i].shapes = sm->changed = true;
}

/*
 * A rotated option shapes the product when the `when` of a product
 * option reads it, directly or through the `when` of another shaping
 * option: its value decides which product options are pinned, so it is
 * decided before combinations are deduplicated.  Every other rotated
 * option is decided after, so that adding one never changes which
 * combinations there are, only the values they try.
 */
static void find_shapes(struct axis *axes, size_t n)
{
	struct shape_mark sm = { axes, n, true };
	size_t i;

	while (sm.changed) {
		sm.changed = false;
		for (i = 0; i < n; i++)
			if ((axes[i].product || axes[i].shapes) &&
			    axes[i].o->when)
				tpl_expr_names(axes[i].o->when, mark_shapes,
					       &sm);
	}
}

/* ---- the leaf: final values, dedupe, resolve -------------------------- */

/* Whether o is active given the answers so far. */
static int option_active(struct walk *w, const struct option *o,
			 const struct value *ctx, bool *active)
{
	struct value *v;
	int ret;

	*active = true;
	if (!o->when)
		return 0;
	ret = tpl_expr_eval(o->when, ctx, hostenv_tpl(), &w->scratch, &v,
			    w->err);
	if (!ret)
		*active = value_truthy(v);
	return ret;
}

/* The next value of rotated axis ax. */
static struct value *axis_turn(struct axis *ax)
{
	return ax->vals[(ax->turn++ / ax->stride) % ax->n];
}

/*
 * Every option's value at this leaf, in order: the walk's picks, and the
 * next turn of the rotated options that shape the product (shaping) or,
 * after deduplication, of the others, whose values in a leaf that is
 * not yet decided are their defaults.
 */
static int leaf_answers(struct walk *w, bool shaping, struct value **out)
{
	struct value *ans = value_dict(&w->scratch, w->m->noptions);
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < w->m->noptions; i++) {
		struct axis *ax = &w->axes[i];
		struct value *v = ax->o->def;
		bool active, rotates;

		ret = option_active(w, ax->o, ans, &active);
		rotates = !ret && active && !ax->product && ax->n > 1;
		if (!ret && active && ax->product)
			v = w->pick[i];
		else if (rotates && ax->shapes)
			v = shaping ? axis_turn(ax) : w->pick[i];
		else if (rotates && !shaping)
			v = axis_turn(ax);
		if (shaping && ax->shapes)
			w->pick[i] = v;
		value_dict_set(&w->scratch, ans, ax->o->name, v);
	}
	if (!ret)
		*out = ans;
	return ret;
}

/* Build the answer set that pins every option to its value in ans. */
static void given_from(const struct manifest *m, const struct value *ans,
		       struct answer_set *set)
{
	struct diag_src src;
	size_t i;

	manifest_diag_src(m, &src);
	set->items = xcalloc(m->noptions ? m->noptions : 1,
			     sizeof(*set->items));
	set->alloc = m->noptions;
	for (i = 0; i < m->noptions; i++) {
		struct answer *a = &set->items[set->len++];

		a->name = m->options[i].name;
		a->val = value_dict_get(ans, m->options[i].name);
		a->src = src;
		a->line = m->options[i].pos.line;
		a->col = m->options[i].pos.col;
	}
}

/* Append a combination for the resolved context ctx (in mx's arena). */
static void push_combo(struct matrix *mx, const struct manifest *m,
		       struct value *ctx)
{
	const struct value *vars;
	struct matrix_combo *c;
	char *canon;
	size_t i;

	XALLOC_GROW(mx->items, mx->len + 1, mx->alloc);
	c = &mx->items[mx->len];
	c->index = mx->len++;
	c->ctx = ctx;
	c->answers = value_dict(&mx->arena, m->noptions);
	vars = mx->t ? template_vars(mx->t, ctx) : ctx;
	for (i = 0; i < m->noptions; i++)
		value_dict_set(&mx->arena, c->answers, m->options[i].name,
			       value_dict_get(vars, m->options[i].name));
	canon = canonical_answers(c->answers);
	blob_id(canon, strlen(canon), c->id);
	free(canon);
	mx->total = mx->len;
}

/*
 * Resolve the answers of one leaf into a combination.  A constraint
 * failure drops the leaf; any other failure is the manifest's error.
 */
static int leaf_resolve(struct walk *w, const struct value *ans)
{
	struct answer_set given = ANSWER_SET_INIT;
	struct template_request rq = TEMPLATE_REQUEST_INIT;
	struct answers_opts how = { 0 };
	struct value *ctx;
	int ret;

	given_from(w->m, ans, &given);
	rq.given = &given;
	rq.how = &how;
	if (w->out->t)
		ret = template_resolve(w->out->t, &rq, &w->out->arena, &ctx,
				       w->err);
	else
		ret = answers_resolve(w->m, &given, &how, &w->out->arena,
				      &ctx, w->err);
	free(given.items);
	if (!ret) {
		push_combo(w->out, w->m, ctx);
	} else if (how.violated) {
		diag_release(w->err);
		ret = 0;
	}
	return ret;
}

/*
 * One leaf of the walk: the shaping values, dedupe, the other rotated
 * values, then resolve.
 */
static int walk_leaf(struct walk *w)
{
	struct value *ans;
	char *canon;
	int ret = leaf_answers(w, true, &ans);

	if (ret)
		return ret;
	canon = canonical_answers(ans);
	if (!strset_add(&w->seen, canon))
		return 0;
	ret = leaf_answers(w, false, &ans);
	if (ret)
		return ret;
	if (w->out->len >= MATRIX_MAX) {
		diag_input(w->err, w->m->file, "more than %d option "
			   "combinations", MATRIX_MAX);
		diag_hint(w->err, "give large options a short 'matrix:' list "
			  "of the values worth validating");
		return ERR_INPUT;
	}
	return leaf_resolve(w, ans);
}

/* ---- the walk --------------------------------------------------------- */

/*
 * Decide option d and recurse.  w->ctx holds exactly the options before
 * d: its length is cut back to d, which hides the values a sibling
 * branch set for later options, as answers_resolve() would see them.
 */
static int walk(struct walk *w, size_t d)
{
	struct axis *ax;
	bool active;
	size_t i, n;
	int ret;

	if (d == w->m->noptions)
		return walk_leaf(w);
	ax = &w->axes[d];
	w->ctx->u.dict.len = d;
	ret = option_active(w, ax->o, w->ctx, &active);
	n = active && ax->product ? ax->n : 1;
	for (i = 0; !ret && i < n; i++) {
		w->pick[d] = n > 1 || (active && ax->product) ?
			ax->vals[i] : ax->o->def;
		w->ctx->u.dict.len = d;
		value_dict_set(&w->scratch, w->ctx, ax->o->name, w->pick[d]);
		ret = walk(w, d + 1);
	}
	return ret;
}

static int cmp_combo_id(const void *a, const void *b)
{
	const struct matrix_combo *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* Length of the common prefix of a and b. */
static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

/*
 * Cut the full blob ids to MATRIX_ID_LEN digits, or to one digit more
 * than a clashing neighbour shares, so that each id names one
 * combination.
 */
static void shorten_ids(struct matrix *mx)
{
	struct matrix_combo **by_id = xcalloc(mx->len + 1, sizeof(*by_id));
	size_t *need = xcalloc(mx->len + 1, sizeof(*need));
	size_t i, p;

	for (i = 0; i < mx->len; i++)
		by_id[i] = &mx->items[i];
	qsort(by_id, mx->len, sizeof(*by_id), cmp_combo_id);
	for (i = 0; i < mx->len; i++)
		need[i] = MATRIX_ID_LEN;
	for (i = 1; i < mx->len; i++) {
		p = common_prefix(by_id[i - 1]->id, by_id[i]->id) + 1;
		if (p > BLOB_HEXSZ)
			p = BLOB_HEXSZ;
		if (p > need[i - 1])
			need[i - 1] = p;
		if (p > need[i])
			need[i] = p;
	}
	for (i = 0; i < mx->len; i++)
		by_id[i]->id[need[i]] = '\0';
	free(by_id);
	free(need);
}

int matrix_enumerate(const struct manifest *m, struct matrix *out,
		     struct diag *err)
{
	struct walk w = { m, NULL, NULL, NULL, ARENA_INIT, { NULL, 0, 0 },
			  out, err };
	size_t i;
	int ret;

	w.axes = xcalloc(m->noptions + 1, sizeof(*w.axes));
	w.pick = xcalloc(m->noptions + 1, sizeof(*w.pick));
	for (i = 0; i < m->noptions; i++)
		axis_init(&w.axes[i], &m->options[i], &w.scratch);
	find_shapes(w.axes, m->noptions);
	set_strides(w.axes, m->noptions);
	w.ctx = value_dict(&w.scratch, m->noptions);
	ret = walk(&w, 0);
	if (!ret)
		shorten_ids(out);
	else
		matrix_release(out);
	strset_release(&w.seen);
	arena_release(&w.scratch);
	free(w.axes);
	free(w.pick);
	return ret;
}

int matrix_enumerate_template(const struct template *t, struct matrix *out,
			      struct diag *err)
{
	out->t = t;
	return matrix_enumerate(t->manifest, out, err);
}

void matrix_add_template_context(struct matrix *mx, const struct template *t,
				 const struct value *ctx)
{
	mx->t = t;
	matrix_add_context(mx, t->manifest, ctx);
}

void matrix_add_context(struct matrix *mx, const struct manifest *m,
			const struct value *ctx)
{
	push_combo(mx, m, value_copy(&mx->arena, ctx));
	mx->items[mx->len - 1].id[MATRIX_ID_LEN] = '\0';
}

/* ---- shards ----------------------------------------------------------- */

/* Parse a decimal number from 1 to MATRIX_MAX ending at *end. */
static bool parse_count(const char *s, char **end, unsigned *out)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, end, 10);
	if (v < 1 || v > MATRIX_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

int matrix_parse_shard(const char *spec, struct matrix_shard *out,
		       struct diag *err)
{
	struct matrix_shard s = { 0, 0 };
	char *end = NULL;

	if (!parse_count(spec, &end, &s.k) || *end != '/' ||
	    !parse_count(end + 1, &end, &s.n) || *end) {
		diag_input(err, NULL, "invalid shard '%s': expected K/N, two "
			   "numbers from 1 to %d", spec, MATRIX_MAX);
		diag_hint(err, "'--shard 2/4' takes the second of four "
			  "slices");
		return ERR_INPUT;
	}
	if (s.k > s.n)
		return diag_input(err, NULL, "invalid shard '%s': K must not "
				  "be greater than N", spec);
	*out = s;
	return 0;
}

void matrix_apply_shard(struct matrix *mx, const struct matrix_shard *s)
{
	size_t i, kept = 0;

	if (!s->n)
		return;
	for (i = 0; i < mx->len; i++)
		if (mx->items[i].index % s->n == s->k - 1)
			mx->items[kept++] = mx->items[i];
	mx->len = kept;
}

/* ---- output ----------------------------------------------------------- */

void matrix_format_json(const struct matrix *mx, struct strbuf *out)
{
	json_t *root = json_object(), *inc = json_array();
	char *s;
	size_t i;

	for (i = 0; i < mx->len; i++) {
		json_t *e = value_json_encode(mx->items[i].answers);

		json_object_set_new(e, "id", json_string(mx->items[i].id));
		json_array_append_new(inc, e);
	}
	json_object_set_new(root, "include", inc);
	s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	strbuf_adds(out, s);
	strbuf_addch(out, '\n');
	free(s);
	json_decref(root);
}

/*
 * Append key=value, single-quoting the whole word when the value needs
 * it (an empty value too: 'key=').
 */
static void shell_pair(struct strbuf *out, const struct value_str *key,
		       const struct value *v)
{
	struct strbuf word = STRBUF_INIT;

	strbuf_add(&word, key->ptr, key->len);
	strbuf_addch(&word, '=');
	option_format_arg(&word, v);
	if (word.len == key->len + 1)
		strbuf_addf(out, "'%s'", word.buf);
	else
		strbuf_add_shell_quoted(out, word.buf, word.len);
	strbuf_release(&word);
}

void matrix_format_answers(const struct value *answers, const char *sep,
			   struct strbuf *out)
{
	size_t i;

	for (i = 0; i < answers->u.dict.len; i++) {
		if (i)
			strbuf_adds(out, sep);
		shell_pair(out, &answers->u.dict.items[i].key,
			   answers->u.dict.items[i].val);
	}
}

void matrix_format_lines(const struct matrix *mx, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < mx->len; i++) {
		strbuf_adds(out, mx->items[i].id);
		if (mx->items[i].answers->u.dict.len)
			strbuf_addch(out, ' ');
		matrix_format_answers(mx->items[i].answers, " ", out);
		strbuf_addch(out, '\n');
	}
}

void matrix_release(struct matrix *mx)
{
	free(mx->items);
	arena_release(&mx->arena);
	*mx = (struct matrix)MATRIX_INIT;
}
