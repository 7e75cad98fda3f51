/*
 * lint.c: the lint run.  Renders combinations, interns their files by
 * content and by (path, content), runs each check of the catalogue it is
 * given (lint-checks.c) once per new entry or tree, and attributes every
 * finding back to the combinations.  The checks call back only into this
 * file; the external linters are driven from lint-external.c.
 */
#include "lint-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "fsutil.h"
#include "ly.h"
#include "plan.h"
#include "template.h"
#include "xalloc.h"

/* ---- linters ---------------------------------------------------------- */

#define LINTER_NAME(id, name) name,
static const char *const linter_names[] = { LINTER_LIST(LINTER_NAME) };
#undef LINTER_NAME

const char *linter_name(enum linter l)
{
	return l < LINTER_COUNT ? linter_names[l] : "?";
}

/* Add the linter named by the n bytes at s to *set. */
static int linter_add(const char *s, size_t n, unsigned *set,
		      struct diag *err)
{
	char *name = xstrndup(s, n);
	const char *near;
	int i, ret = 0;

	if (!strcmp(name, "all")) {
		*set = (1u << LINTER_COUNT) - 1;
		goto out;
	}
	if (!strcmp(name, "none"))
		goto out;
	for (i = 0; i < LINTER_COUNT; i++)
		if (!strcmp(name, linter_names[i]))
			break;
	if (i < LINTER_COUNT) {
		*set |= 1u << i;
		goto out;
	}
	ret = diag_input(err, NULL, "unknown linter '%s'", name);
	near = diag_closest(name, linter_names, LINTER_COUNT);
	if (near)
		diag_hint(err, "did you mean '%s'?", near);
	else
		diag_hint(err, "linters: builtin, yamllint, shellcheck, "
			  "kustomize, helm, k8s-schema, actionlint, dclint, "
			  "dockerfile-utils, hadolint, zizmor, checkov, all, "
			  "none");
out:
	free(name);
	return ret;
}

int linter_parse_list(const char *list, unsigned *out, struct diag *err)
{
	unsigned set = 0;
	const char *p = list;
	int ret = 0;

	while (!ret) {
		size_t n = strcspn(p, ",");

		if (n)
			ret = linter_add(p, n, &set, err);
		if (!p[n])
			break;
		p += n + 1;
	}
	if (!ret)
		*out = set;
	return ret;
}

/* ---- rules ------------------------------------------------------------ */

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct lint_rule *)a)->id,
		      ((const struct lint_rule *)b)->id);
}

/* Every rule of catalogue c, sorted by id; built once per catalogue. */
static const struct lint_rule *all_rules(const struct lint_checks *c,
					 size_t *n)
{
	static const struct lint_checks *built_for;
	static struct lint_rule *rules;
	static size_t nrules;
	size_t i, j;

	if (built_for != c) {
		free(rules);
		for (i = 0, nrules = 0; i < c->nrules; i++)
			nrules += c->rules[i]->n;
		rules = xcalloc(nrules + 1, sizeof(*rules));
		for (i = 0, nrules = 0; i < c->nrules; i++)
			for (j = 0; j < c->rules[i]->n; j++)
				rules[nrules++] = c->rules[i]->rules[j];
		qsort(rules, nrules, sizeof(*rules), cmp_rule);
		built_for = c;
	}
	*n = nrules;
	return rules;
}

/* The rule of c called id, or NULL. */
static const struct lint_rule *rule_find(const struct lint_checks *c,
					 const char *id)
{
	struct lint_rule key = { id, NULL, NULL };
	size_t n;
	const struct lint_rule *rules = all_rules(c, &n);

	return bsearch(&key, rules, n, sizeof(*rules), cmp_rule);
}

void lint_rules_foreach(const struct lint_checks *c,
			void (*fn)(const struct lint_rule *r, void *ud),
			void *ud)
{
	size_t i, n;
	const struct lint_rule *rules = all_rules(c, &n);

	for (i = 0; i < n; i++)
		fn(&rules[i], ud);
}

/* ---- the run's tables ------------------------------------------------- */

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* A fast 64-bit hash of n bytes, eight at a time. */
uint64_t lint_data_hash(const char *p, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ULL;
	uint64_t h = k ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (rotl(h, 29) ^ w) * k;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (rotl(h, 29) ^ w) * k;
	h ^= h >> 32;
	return h * 0xff51afd7ed558ccdULL;
}

/* Double the table and re-place every index. */
static void itab_grow(struct itab *t)
{
	struct itab big = { NULL, t->cap ? t->cap * 2 : 1024, t->n };
	size_t i, j;

	big.slots = xcalloc(big.cap, sizeof(*big.slots));
	for (i = 0; i < t->cap; i++) {
		if (!t->slots[i].idx)
			continue;
		for (j = t->slots[i].h & (big.cap - 1); big.slots[j].idx;
		     j = (j + 1) & (big.cap - 1))
			;
		big.slots[j] = t->slots[i];
	}
	free(t->slots);
	*t = big;
}

/*
 * Find the index whose hash is h and for which eq(ud, idx) holds.
 * Returns SIZE_MAX when there is none.
 */
size_t lint_itab_find(const struct itab *t, uint64_t h,
			bool (*eq)(const void *ud, size_t idx),
			const void *ud)
{
	size_t j;

	if (!t->cap)
		return SIZE_MAX;
	for (j = h & (t->cap - 1); t->slots[j].idx; j = (j + 1) & (t->cap - 1))
		if (t->slots[j].h == h && eq(ud, t->slots[j].idx - 1))
			return t->slots[j].idx - 1;
	return SIZE_MAX;
}

/* Add idx under hash h (the caller checked it is new). */
void lint_itab_add(struct itab *t, uint64_t h, size_t idx)
{
	size_t j;

	if ((t->n + 1) * 2 > t->cap)
		itab_grow(t);
	for (j = h & (t->cap - 1); t->slots[j].idx; j = (j + 1) & (t->cap - 1))
		;
	t->slots[j].h = h;
	t->slots[j].idx = idx + 1;
	t->n++;
}

void lint_flist_push(struct flist *l, struct lint_finding *f)
{
	XALLOC_GROW(l->items, l->len + 1, l->alloc);
	l->items[l->len++] = f;
}

double lint_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The CPU time genship itself has used so far. */
static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- what every check shares -------------------------------------- */

bool lint_helm_template(const char *path, const char *data)
{
	return (!strncmp(path, "templates/", 10) ||
		strstr(path, "/templates/")) && strstr(data, "{{");
}

/* Record the parser's problem in y. */
static void yaml_failure(struct lint_yaml *y, const yaml_parser_t *p)
{
	const yaml_mark_t *m = p->context ? &p->context_mark :
		&p->problem_mark;

	if (p->problem_mark.line || p->problem_mark.column)
		m = &p->problem_mark;
	y->failed = true;
	y->err_line = (unsigned)m->line + 1;
	y->err_col = (unsigned)m->column + 1;
	y->err_msg = xasprintf("%s%s%s", p->context ? p->context : "",
			       p->context ? ": " : "",
			       p->problem ? p->problem : "syntax error");
}

void lint_yaml_parse(struct lint_yaml *y, const char *data, size_t len)
{
	yaml_parser_t p;
	size_t alloc = 0;

	memset(y, 0, sizeof(*y));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	for (;;) {
		yaml_document_t doc;

		if (!yaml_parser_load(&p, &doc)) {
			yaml_failure(y, &p);
			break;
		}
		if (!yaml_document_get_root_node(&doc)) {
			yaml_document_delete(&doc);
			break;
		}
		XALLOC_GROW(y->docs, y->ndocs + 1, alloc);
		y->docs[y->ndocs++] = doc;
	}
	yaml_parser_delete(&p);
}

void lint_yaml_release(struct lint_yaml *y)
{
	size_t i;

	for (i = 0; i < y->ndocs; i++)
		yaml_document_delete(&y->docs[i]);
	free(y->docs);
	free(y->err_msg);
	memset(y, 0, sizeof(*y));
}

/* ---- reporting -------------------------------------------------------- */

/* printf into the run's arena. */
static char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	char *s;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return arena_strdup(a, fmt);
	s = arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}


void lint_report(struct lint_ctx *lc, const char *rule, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
{
	struct arena *a = &lc->run->arena;
	struct lint_finding *f = ARENA_NEW(a, struct lint_finding);
	const struct lint_rule *r = rule_find(lc->run->opts.checks, rule);
	va_list ap;

	va_start(ap, fmt);
	f->message = arena_vprintf(a, fmt, ap);
	va_end(ap);
	f->rule = r ? r->id : arena_strdup(a, rule);
	f->linter = linter_name(LINTER_BUILTIN);
	f->file = arena_strdup(a, file);
	f->line = line;
	f->col = col;
	f->fix = r ? r->fix : NULL;
	f->source = lint_path_source(lc->run, file);
	lint_flist_push(lc->sink, f);
}

/* ---- interning -------------------------------------------------------- */

struct blob_key {
	const struct lint_run *r;
	const char *data;
	size_t len;
};

static bool blob_eq(const void *ud, size_t idx)
{
	const struct blob_key *k = ud;
	const struct blob *b = &k->r->blobs[idx];

	return b->len == k->len && !memcmp(b->data, k->data, k->len);
}

/* Intern the content of pf, taking its bytes when they are new. */
static size_t intern_blob(struct lint_run *r, struct plan_file *pf)
{
	struct blob_key k = { r, pf->data, pf->len };
	uint64_t h = lint_data_hash(pf->data, pf->len);
	size_t i = lint_itab_find(&r->blob_tab, h, blob_eq, &k);
	struct blob *b;

	if (i != SIZE_MAX)
		return i;
	XALLOC_GROW(r->blobs, r->nblobs + 1, r->blobs_alloc);
	b = &r->blobs[r->nblobs];
	memset(b, 0, sizeof(*b));
	b->data = pf->data;
	b->len = pf->len;
	b->hash = h;
	pf->data = NULL;
	lint_itab_add(&r->blob_tab, h, r->nblobs);
	return r->nblobs++;
}

struct path_key {
	const struct lint_run *r;
	const char *path;
};

static bool path_eq(const void *ud, size_t idx)
{
	const struct path_key *k = ud;

	return !strcmp(k->r->paths[idx].path, k->path);
}

/* The tree groups path belongs to. */
static unsigned path_groups(const struct lint_checks *ck, const char *path)
{
	unsigned set = 0;
	size_t g, i;

	for (g = 0; g < ck->ntrees; g++)
		for (i = 0; ck->trees[g].globs[i]; i++)
			if (manifest_glob_match(ck->trees[g].globs[i],
						path))
				set |= 1u << g;
	return set;
}

/* The index of path in r, or SIZE_MAX. */
static size_t find_path(const struct lint_run *r, const char *path,
			uint64_t h)
{
	struct path_key k = { r, path };

	return lint_itab_find(&r->path_tab, h, path_eq, &k);
}

/*
 * The index of path, added (with its tree groups) when new; source (a
 * template-relative path, or NULL) is the first template file seen
 * rendering it.
 */
size_t lint_intern_path(struct lint_run *r, const char *path,
			  const char *source)
{
	uint64_t h = lint_data_hash(path, strlen(path));
	size_t i = find_path(r, path, h);
	struct path *p;

	if (i == SIZE_MAX) {
		XALLOC_GROW(r->paths, r->npaths + 1, r->paths_alloc);
		i = r->npaths++;
		p = &r->paths[i];
		memset(p, 0, sizeof(*p));
		p->path = xstrdup(path);
		p->hash = h;
		p->groups = path_groups(r->opts.checks, path);
		lint_itab_add(&r->path_tab, h, i);
	}
	p = &r->paths[i];
	if (!p->source && source)
		p->source = arena_printf(&r->arena, "%s%s", r->source_prefix,
					 source);
	return i;
}

/* The template file that renders file, for a finding; or NULL. */
const char *lint_path_source(const struct lint_run *r, const char *file)
{
	size_t i = find_path(r, file, lint_data_hash(file, strlen(file)));

	return i == SIZE_MAX ? NULL : r->paths[i].source;
}

struct entry_key {
	const struct lint_run *r;
	size_t path, blob;
	unsigned mode;
};

static bool entry_eq(const void *ud, size_t idx)
{
	const struct entry_key *k = ud;
	const struct entry *e = &k->r->entries[idx];

	return e->path == k->path && e->blob == k->blob &&
		e->file.mode == k->mode;
}

/*
 * Run every file check whose glob matches e's path; a Helm template is
 * not YAML until rendered, so the YAML syntax checks skip it.
 */
static void check_entry(struct lint_run *r, size_t idx)
{
	struct lint_ctx lc = LINT_CTX_INIT(r, &r->entries[idx].findings);
	const struct lint_file *f = &r->entries[idx].file;
	const struct lint_checks *ck = r->opts.checks;
	bool helm = lint_helm_template(f->path, f->data);
	size_t i;

	for (i = 0; i < ck->nfiles; i++)
		if (manifest_glob_match(ck->files[i].glob, f->path) &&
		    !(helm && ck->files[i].not_in_charts))
			ck->files[i].fn(&lc, f);
}

/* The entry of pf; a new one gets its file checks run. */
static size_t intern_entry(struct lint_run *r, struct plan_file *pf)
{
	struct entry_key k = { r, lint_intern_path(r, pf->path, pf->source), 0,
			       pf->mode };
	uint64_t h;
	size_t i;
	struct entry *e;

	k.blob = intern_blob(r, pf);
	h = rotl(r->paths[k.path].hash, 17) ^ r->blobs[k.blob].hash ^
		pf->mode;
	i = lint_itab_find(&r->entry_tab, h, entry_eq, &k);
	if (i != SIZE_MAX)
		return i;
	XALLOC_GROW(r->entries, r->nentries + 1, r->entries_alloc);
	e = &r->entries[r->nentries];
	memset(e, 0, sizeof(*e));
	e->path = k.path;
	e->blob = k.blob;
	e->hash = h;
	e->file.path = r->paths[k.path].path;
	e->file.data = r->blobs[k.blob].data;
	e->file.len = r->blobs[k.blob].len;
	e->file.mode = pf->mode;
	lint_itab_add(&r->entry_tab, h, r->nentries);
	if (r->opts.linters & (1u << LINTER_BUILTIN))
		check_entry(r, r->nentries);
	return r->nentries++;
}

/* ---- trees ------------------------------------------------------------ */

struct tree_key {
	const struct lint_run *r;
	unsigned group;
	const size_t *entries;
	size_t n;
};

static bool tree_eq(const void *ud, size_t idx)
{
	const struct tree_key *k = ud;
	const struct tree *t = &k->r->trees[idx];

	return t->group == k->group && t->n == k->n &&
		!memcmp(t->entries, k->entries, k->n * sizeof(*k->entries));
}

/* Run group g's tree check on the entries of a new tree. */
static void check_tree(struct lint_run *r, size_t idx)
{
	struct tree *t = &r->trees[idx];
	struct lint_ctx lc = LINT_CTX_INIT(r, &t->findings);
	struct lint_tree view;
	size_t i;

	view.n = t->n;
	view.files = xcalloc(t->n + 1, sizeof(*view.files));
	for (i = 0; i < t->n; i++)
		view.files[i] = &r->entries[t->entries[i]].file;
	r->opts.checks->trees[t->group].fn(&lc, &view);
	free(view.files);
}

uint64_t lint_hash_entries(const struct lint_run *r, uint64_t h,
			   const size_t *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (rotl(h, 23) ^ r->entries[entries[i]].hash) *
			0x9E3779B97F4A7C15ULL;
	return h;
}

/* Intern the tree of group g made of entries (taking the array). */
static size_t intern_tree(struct lint_run *r, unsigned g, size_t *entries,
			  size_t n)
{
	struct tree_key k = { r, g, entries, n };
	uint64_t h = g;
	size_t i;
	struct tree *t;

	h = lint_hash_entries(r, h, entries, n);
	i = lint_itab_find(&r->tree_tab, h, tree_eq, &k);
	if (i != SIZE_MAX) {
		free(entries);
		return i;
	}
	XALLOC_GROW(r->trees, r->ntrees + 1, r->trees_alloc);
	t = &r->trees[r->ntrees];
	memset(t, 0, sizeof(*t));
	t->group = g;
	t->entries = entries;
	t->n = n;
	t->hash = h;
	lint_itab_add(&r->tree_tab, h, r->ntrees);
	if (r->opts.linters & (1u << LINTER_BUILTIN))
		check_tree(r, r->ntrees);
	return r->ntrees++;
}

/* Intern the trees of combination c: one per group it has files in. */
static void combo_trees(struct lint_run *r, struct combo *c)
{
	unsigned g;
	size_t i, n;

	c->trees = xcalloc(r->opts.checks->ntrees, sizeof(*c->trees));
	for (g = 0; g < r->opts.checks->ntrees; g++) {
		size_t *members = xcalloc(c->n + 1, sizeof(*members));

		for (i = 0, n = 0; i < c->n; i++)
			if (r->paths[r->entries[c->entries[i]].path].groups &
			    (1u << g))
				members[n++] = c->entries[i];
		if (!n) {
			free(members);
			continue;
		}
		c->trees[c->ntrees++] = intern_tree(r, g, members, n);
	}
}

/* ---- the run ---------------------------------------------------------- */

struct lint_run *lint_run_new(struct template *t,
			      const struct lint_options *opts)
{
	struct lint_run *r = xcalloc(1, sizeof(*r));
	int l;

	r->t = t;
	r->source_prefix = template_files_prefix(t);
	r->opts = *opts;
	if (!r->opts.jobs)
		r->opts.jobs = 1;
	arena_init(&r->arena);
	for (l = 0; l < LINTER_COUNT; l++)
		r->reports[l].enabled = opts->linters & (1u << l);
	r->reports[LINTER_BUILTIN].ran =
		r->reports[LINTER_BUILTIN].enabled;
	return r;
}

/* Turn a render failure into a GS-001 finding of c. */
static void render_failure(struct lint_run *r, struct combo *c,
			   const struct diag *err)
{
	struct lint_ctx lc = LINT_CTX_INIT(r, &c->own);

	lint_report(&lc, "GS-001", err->file ? err->file : "(template)",
		    err->line, err->col, "%s", err->msg ? err->msg :
		    "render failed");
}

int lint_run_add(struct lint_run *r, const struct matrix_combo *mc)
{
	struct plan plan = PLAN_INIT;
	struct diag err = DIAG_INIT;
	double start = lint_clock(), cpu = cpu_seconds();
	struct combo *c;
	size_t i;

	XALLOC_GROW(r->combos, r->ncombos + 1, r->combos_alloc);
	c = &r->combos[r->ncombos++];
	memset(c, 0, sizeof(*c));
	if (template_render(r->t, mc->ctx, &plan, &err)) {
		render_failure(r, c, &err);
	} else {
		c->n = plan.nfiles;
		c->entries = xcalloc(plan.nfiles + 1, sizeof(*c->entries));
		for (i = 0; i < plan.nfiles; i++)
			c->entries[i] = intern_entry(r, &plan.files[i]);
		combo_trees(r, c);
		r->stats.files += plan.nfiles;
	}
	plan_release(&plan);
	diag_release(&err);
	r->stats.combos = r->ncombos;
	r->stats.render_seconds += lint_clock() - start;
	r->stats.render_cpu_seconds += cpu_seconds() - cpu;
	return 0;
}

const struct lint_linter_report *lint_run_linter(const struct lint_run *r,
						 enum linter l)
{
	return &r->reports[l];
}

const struct lint_stats *lint_run_stats(const struct lint_run *r)
{
	struct lint_run *w = (struct lint_run *)r;

	w->stats.entries = r->nentries;
	w->stats.contents = r->nblobs;
	w->stats.trees = r->ntrees;
	return &r->stats;
}

/* ---- the checks' view of the run -------------------------------------- */

/* The entry whose file view f is. */
const struct entry *lint_entry_of(const struct lint_file *f)
{
	return (const struct entry *)(const void *)
		((const char *)f - offsetof(struct entry, file));
}

/* The parse of detached file f, or NULL when f is an entry of the run. */
static const struct lint_yaml *detached_yaml(struct lint_ctx *lc,
					     const struct lint_file *f)
{
	size_t i;

	for (i = 0; lc->detached && i < lc->detached->n; i++) {
		if (lc->detached->files[i] != f)
			continue;
		if (!lc->detached_parsed[i]) {
			lint_yaml_parse(&lc->detached_yaml[i], f->data, f->len);
			lc->detached_parsed[i] = true;
		}
		return &lc->detached_yaml[i];
	}
	return NULL;
}

const struct lint_yaml *lint_yaml_of(struct lint_ctx *lc,
				     const struct lint_file *f)
{
	const struct lint_yaml *dy = detached_yaml(lc, f);
	const struct entry *e;
	struct blob *b;

	if (dy)
		return dy;
	e = lint_entry_of(f);
	b = &lc->run->blobs[e->blob];

	if (!b->parsed) {
		lint_yaml_parse(&b->yaml, b->data, b->len);
		b->parsed = true;
	}
	return &b->yaml;
}

const struct lint_file *lint_tree_find(const struct lint_tree *t,
				       const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->files[i]->path, path))
			return t->files[i];
	return NULL;
}

bool lint_is_context_name(struct lint_ctx *lc, const char *s, size_t n)
{
	const struct manifest *m = lc->run->t->manifest;
	size_t i;

	for (i = 0; i < m->noptions; i++)
		if (strlen(m->options[i].name) == n &&
		    !memcmp(m->options[i].name, s, n))
			return true;
	for (i = 0; i < m->ncomputed; i++)
		if (strlen(m->computed[i].name) == n &&
		    !memcmp(m->computed[i].name, s, n))
			return true;
	return false;
}

/* ---- findings per combination ----------------------------------------- */

static int cmp_finding(const void *a, const void *b)
{
	const struct lint_finding *x = *(const struct lint_finding *const *)a;
	const struct lint_finding *y = *(const struct lint_finding *const *)b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if ((c = strcmp(x->rule, y->rule)))
		return c;
	return strcmp(x->message, y->message);
}

static void gather(const struct flist *l, const struct lint_finding ***out,
		   size_t *n, size_t *alloc)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		XALLOC_GROW(*out, *n + 1, *alloc);
		(*out)[(*n)++] = l->items[i];
	}
}

const struct lint_finding **lint_run_findings(const struct lint_run *r,
					      size_t idx, size_t *n)
{
	const struct combo *c = &r->combos[idx];
	const struct lint_finding **out = NULL;
	size_t i, alloc = 0;

	*n = 0;
	gather(&c->own, &out, n, &alloc);
	for (i = 0; i < c->n; i++)
		gather(&r->entries[c->entries[i]].findings, &out, n, &alloc);
	for (i = 0; i < c->ntrees; i++)
		gather(&r->trees[c->trees[i]].findings, &out, n, &alloc);
	if (*n)
		qsort(out, *n, sizeof(*out), cmp_finding);
	return out;
}

/* ---- freeing ---------------------------------------------------------- */

void lint_run_free(struct lint_run *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nblobs; i++) {
		free(r->blobs[i].data);
		if (r->blobs[i].parsed)
			lint_yaml_release(&r->blobs[i].yaml);
	}
	for (i = 0; i < r->nentries; i++)
		free(r->entries[i].findings.items);
	for (i = 0; i < LINTER_COUNT; i++)
		free(r->reports[i].skipped);
	for (i = 0; i < r->npaths; i++)
		free(r->paths[i].path);
	for (i = 0; i < r->ntrees; i++) {
		free(r->trees[i].entries);
		free(r->trees[i].findings.items);
	}
	for (i = 0; i < r->ncombos; i++) {
		free(r->combos[i].entries);
		free(r->combos[i].trees);
		free(r->combos[i].own.items);
	}
	free(r->blobs);
	free(r->entries);
	free(r->paths);
	free(r->trees);
	free(r->combos);
	free(r->blob_tab.slots);
	free(r->entry_tab.slots);
	free(r->path_tab.slots);
	free(r->tree_tab.slots);
	free(r->source_prefix);
	arena_release(&r->arena);
	free(r);
}

