/*
 * lint.c: the lint run.  Renders combinations, interns their files by
 * content and by (path, content), runs each built-in check once per new
 * entry or tree, hands unique contents to the external linters and
 * attributes every finding back to the combinations.
 */
#include "lint.h"

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
			  "dockerfile-utils, all, none");
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

static const struct lint_rule_table *const rule_tables[] = {
	&lint_yaml_rules, &lint_container_rules, &lint_k8s_rules,
	&lint_compose_rules, &lint_workflow_rules, &lint_trivy_rules,
};

#define NTABLES (sizeof(rule_tables) / sizeof(rule_tables[0]))

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct lint_rule *)a)->id,
		      ((const struct lint_rule *)b)->id);
}

/* Every built-in rule, sorted by id; built once. */
static const struct lint_rule *all_rules(size_t *n)
{
	static struct lint_rule *rules;
	static size_t nrules;
	size_t i, j;

	if (!rules) {
		for (i = 0; i < NTABLES; i++)
			nrules += rule_tables[i]->n;
		rules = xcalloc(nrules + 1, sizeof(*rules));
		for (i = 0, nrules = 0; i < NTABLES; i++)
			for (j = 0; j < rule_tables[i]->n; j++)
				rules[nrules++] = rule_tables[i]->rules[j];
		qsort(rules, nrules, sizeof(*rules), cmp_rule);
	}
	*n = nrules;
	return rules;
}

/* The built-in rule called id, or NULL. */
static const struct lint_rule *rule_find(const char *id)
{
	struct lint_rule key = { id, NULL, NULL };
	size_t n;
	const struct lint_rule *rules = all_rules(&n);

	return bsearch(&key, rules, n, sizeof(*rules), cmp_rule);
}

void lint_rules_foreach(void (*fn)(const struct lint_rule *r, void *ud),
			void *ud)
{
	size_t i, n;
	const struct lint_rule *rules = all_rules(&n);

	for (i = 0; i < n; i++)
		fn(&rules[i], ud);
}

/* ---- the run's tables ------------------------------------------------- */

/* A list of findings; the findings live in the run's arena. */
struct flist {
	struct lint_finding **items;
	size_t len, alloc;
};

/* A unique content. */
struct blob {
	char *data;
	size_t len;
	uint64_t hash;
	char id[BLOB_HEXSZ + 1];	/* "" until needed */
	struct lint_yaml yaml;
	bool parsed;
};

/* A unique (path, content) pair. */
struct entry {
	struct lint_file file;	/* what the checks see */
	size_t path, blob;
	uint64_t hash;
	struct flist findings;
};

/* A unique set of entries of one tree group. */
struct tree {
	unsigned group;
	size_t *entries;
	size_t n;
	uint64_t hash;
	struct flist findings;
};

/* One linted combination. */
struct combo {
	size_t *entries;
	size_t n;
	size_t *trees;
	size_t ntrees;
	struct flist own;	/* a render failure */
};

/* An open-addressing table of indices, keyed by 64-bit hashes. */
struct itab {
	struct { uint64_t h; size_t idx; } *slots;	/* idx 0: empty */
	size_t cap, n;
};

struct path {
	char *path;
	uint64_t hash;
	unsigned groups;	/* bit set of tree groups it belongs to */
	const char *source;	/* the template file rendering it, for
				 * findings (in the arena), or NULL */
};

struct lint_run {
	struct template *t;
	char *source_prefix;	/* template_files_prefix() of t */
	struct lint_options opts;
	struct arena arena;	/* findings and their strings */
	struct blob *blobs;
	size_t nblobs, blobs_alloc;
	struct entry *entries;
	size_t nentries, entries_alloc;
	struct path *paths;
	size_t npaths, paths_alloc;
	struct tree *trees;
	size_t ntrees, trees_alloc;
	struct combo *combos;
	size_t ncombos, combos_alloc;
	struct itab blob_tab, entry_tab, path_tab, tree_tab;
	struct lint_linter_report reports[LINTER_COUNT];
	struct lint_stats stats;
	const unsigned char *k8s_role;	/* during lint_run_external */
};

struct lint_ctx {
	struct lint_run *run;
	struct flist *sink;
	/* Files outside the run (a chart's rendered manifests), or NULL. */
	const struct lint_tree *detached;
	struct lint_yaml *detached_yaml;	/* parsed lazily, per file */
	bool *detached_parsed;
};

#define LINT_CTX_INIT(run, sink) { (run), (sink), NULL, NULL, NULL }

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* A fast 64-bit hash of n bytes, eight at a time. */
static uint64_t data_hash(const char *p, size_t n)
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
static size_t itab_find(const struct itab *t, uint64_t h,
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
static void itab_add(struct itab *t, uint64_t h, size_t idx)
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

static void flist_push(struct flist *l, struct lint_finding *f)
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

static const char *path_source(const struct lint_run *r, const char *file);

void lint_report(struct lint_ctx *lc, const char *rule, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
{
	struct arena *a = &lc->run->arena;
	struct lint_finding *f = ARENA_NEW(a, struct lint_finding);
	const struct lint_rule *r = rule_find(rule);
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
	f->source = path_source(lc->run, file);
	flist_push(lc->sink, f);
}

/* ---- the check tables ------------------------------------------------- */

typedef void (*file_check_fn)(struct lint_ctx *, const struct lint_file *);
typedef void (*tree_check_fn)(struct lint_ctx *, const struct lint_tree *);

/* File checks: every check whose glob matches runs, in this order. */
static const struct {
	const char *glob;
	file_check_fn fn;
} file_checks[] = {
	{ "**/*.yaml", lint_yaml_file },
	{ "**/*.yml", lint_yaml_file },
	{ "**", lint_markers_file },
	{ "**/Containerfile", lint_containerfile_file },
	{ "**/Dockerfile", lint_containerfile_file },
	{ ".dockerignore", lint_ignorefile_file },
	{ ".containerignore", lint_ignorefile_file },
	{ "k8s/**/*.yaml", lint_k8s_file },
	{ "k8s/**/*.yml", lint_k8s_file },
	{ ".github/workflows/*.yml", lint_workflow_file },
	{ ".github/workflows/*.yaml", lint_workflow_file },
	{ ".github/dependabot.yml", lint_dependabot_file },
	{ ".github/dependabot.yaml", lint_dependabot_file },
	{ "trivy.yaml", lint_trivy_file },
	{ "trivy.yml", lint_trivy_file },
	{ ".trivyignore", lint_trivyignore_file },
};

static const char *const k8s_globs[] = { "k8s/**", ".gitignore", NULL };
static const char *const compose_globs[] = {
	"compose.yaml", "compose.yml", "compose.*.yaml", "compose.*.yml",
	"docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml",
	"docker-compose.*.yaml", NULL
};
static const char *const container_globs[] = {
	"**/Containerfile", "**/Dockerfile", "**/.dockerignore",
	"**/.containerignore", NULL
};

/* Tree checks: each sees the files of its group in one combination. */
static const struct {
	const char *const *globs;
	tree_check_fn fn;
} tree_checks[] = {
	{ k8s_globs, lint_k8s_tree },
	{ compose_globs, lint_compose_tree },
	{ container_globs, lint_container_tree },
};

#define NFILE_CHECKS (sizeof(file_checks) / sizeof(file_checks[0]))
#define NTREE_CHECKS (sizeof(tree_checks) / sizeof(tree_checks[0]))
#define TREE_K8S 0u

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
	uint64_t h = data_hash(pf->data, pf->len);
	size_t i = itab_find(&r->blob_tab, h, blob_eq, &k);
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
	itab_add(&r->blob_tab, h, r->nblobs);
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
static unsigned path_groups(const char *path)
{
	unsigned set = 0;
	size_t g, i;

	for (g = 0; g < NTREE_CHECKS; g++)
		for (i = 0; tree_checks[g].globs[i]; i++)
			if (manifest_glob_match(tree_checks[g].globs[i],
						path))
				set |= 1u << g;
	return set;
}

/* The index of path in r, or SIZE_MAX. */
static size_t find_path(const struct lint_run *r, const char *path,
			uint64_t h)
{
	struct path_key k = { r, path };

	return itab_find(&r->path_tab, h, path_eq, &k);
}

/*
 * The index of path, added (with its tree groups) when new; source (a
 * template-relative path, or NULL) is the first template file seen
 * rendering it.
 */
static size_t intern_path(struct lint_run *r, const char *path,
			  const char *source)
{
	uint64_t h = data_hash(path, strlen(path));
	size_t i = find_path(r, path, h);
	struct path *p;

	if (i == SIZE_MAX) {
		XALLOC_GROW(r->paths, r->npaths + 1, r->paths_alloc);
		i = r->npaths++;
		p = &r->paths[i];
		memset(p, 0, sizeof(*p));
		p->path = xstrdup(path);
		p->hash = h;
		p->groups = path_groups(path);
		itab_add(&r->path_tab, h, i);
	}
	p = &r->paths[i];
	if (!p->source && source)
		p->source = arena_printf(&r->arena, "%s%s", r->source_prefix,
					 source);
	return i;
}

/* The template file that renders file, for a finding; or NULL. */
static const char *path_source(const struct lint_run *r, const char *file)
{
	size_t i = find_path(r, file, data_hash(file, strlen(file)));

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
	bool helm = lint_helm_template(f->path, f->data);
	size_t i;

	for (i = 0; i < NFILE_CHECKS; i++)
		if (manifest_glob_match(file_checks[i].glob, f->path) &&
		    !(helm && file_checks[i].fn == lint_yaml_file))
			file_checks[i].fn(&lc, f);
}

/* The entry of pf; a new one gets its file checks run. */
static size_t intern_entry(struct lint_run *r, struct plan_file *pf)
{
	struct entry_key k = { r, intern_path(r, pf->path, pf->source), 0,
			       pf->mode };
	uint64_t h;
	size_t i;
	struct entry *e;

	k.blob = intern_blob(r, pf);
	h = rotl(r->paths[k.path].hash, 17) ^ r->blobs[k.blob].hash ^
		pf->mode;
	i = itab_find(&r->entry_tab, h, entry_eq, &k);
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
	itab_add(&r->entry_tab, h, r->nentries);
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
	tree_checks[t->group].fn(&lc, &view);
	free(view.files);
}

/* Intern the tree of group g made of entries (taking the array). */
static size_t intern_tree(struct lint_run *r, unsigned g, size_t *entries,
			  size_t n)
{
	struct tree_key k = { r, g, entries, n };
	uint64_t h = g;
	size_t i;
	struct tree *t;

	for (i = 0; i < n; i++)
		h = (rotl(h, 23) ^ r->entries[entries[i]].hash) *
			0x9E3779B97F4A7C15ULL;
	i = itab_find(&r->tree_tab, h, tree_eq, &k);
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
	itab_add(&r->tree_tab, h, r->ntrees);
	if (r->opts.linters & (1u << LINTER_BUILTIN))
		check_tree(r, r->ntrees);
	return r->ntrees++;
}

/* Intern the trees of combination c: one per group it has files in. */
static void combo_trees(struct lint_run *r, struct combo *c)
{
	unsigned g;
	size_t i, n;

	c->trees = xcalloc(NTREE_CHECKS, sizeof(*c->trees));
	for (g = 0; g < NTREE_CHECKS; g++) {
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
	double start = lint_clock();
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
static const struct entry *entry_of(const struct lint_file *f)
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
	e = entry_of(f);
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

/* ---- external linters ------------------------------------------------- */

/* The k8s-schema roles of entries: 1 resource, 2 patch, 0 unknown. */
struct roles {
	const struct lint_run *r;
	unsigned char *role;	/* per entry */
};

/* Record the role of f; a resource anywhere wins over a patch. */
static void note_role(void *ud, const struct lint_file *f, bool patch)
{
	struct roles *ro = ud;
	size_t idx = (size_t)(entry_of(f) - ro->r->entries);

	if (!ro->role[idx] || !patch)
		ro->role[idx] = patch ? 2 : 1;
}

/* Find which k8s entries are resources and which are patches. */
static unsigned char *k8s_roles(struct lint_run *r)
{
	struct roles ro = { r, xcalloc(r->nentries + 1, 1) };
	struct flist sink = { NULL, 0, 0 };
	struct lint_ctx lc = LINT_CTX_INIT(r, &sink);
	size_t i, j;

	for (i = 0; i < r->ntrees; i++) {
		struct tree *t = &r->trees[i];
		struct lint_tree view = { xcalloc(t->n + 1, sizeof(void *)),
					  t->n };

		if (t->group != TREE_K8S) {
			free(view.files);
			continue;
		}
		for (j = 0; j < t->n; j++)
			view.files[j] = &r->entries[t->entries[j]].file;
		lint_k8s_roles(&lc, &view, note_role, &ro);
		free(view.files);
	}
	free(sink.items);
	return ro.role;
}

/*
 * True when b is a strategic-merge patch (YAML mappings) rather than a
 * JSON 6902 patch (a list of operations), which is no object to check.
 */
static bool map_patch(struct blob *b)
{
	size_t i;

	if (!b->parsed) {
		lint_yaml_parse(&b->yaml, b->data, b->len);
		b->parsed = true;
	}
	for (i = 0; i < b->yaml.ndocs; i++)
		if (!ly_is_map(ly_root(&b->yaml.docs[i])))
			return false;
	return b->yaml.ndocs > 0;
}

/* The unique contents linter l checks, one item per blob. */
static struct lint_ext_item *ext_items(struct lint_run *r, enum linter l,
				       const unsigned char *role, size_t *n)
{
	struct lint_ext_item *items = NULL;
	size_t *seen = xcalloc(r->nblobs + 1, sizeof(*seen));
	size_t i, alloc = 0;

	*n = 0;
	for (i = 0; i < r->nentries; i++) {
		struct entry *e = &r->entries[i];
		struct blob *b = &r->blobs[e->blob];
		struct lint_ext_item *it;

		if (!lint_ext_wants(l, e->file.path, e->file.data))
			continue;
		if (l == LINTER_K8S_SCHEMA && (!role[i] || (role[i] == 2 &&
							    !map_patch(b))))
			continue;
		if (seen[e->blob]) {
			if (l == LINTER_K8S_SCHEMA && role[i] == 1)
				items[seen[e->blob] - 1].patch = false;
			continue;
		}
		if (!b->id[0])
			blob_id(b->data, b->len, b->id);
		XALLOC_GROW(items, *n + 1, alloc);
		it = &items[(*n)++];
		it->path = e->file.path;
		memcpy(it->blob, b->id, sizeof(it->blob));
		it->data = b->data;
		it->len = b->len;
		it->patch = role && role[i] == 2;
		it->owner = b;
		seen[e->blob] = *n;
	}
	free(seen);
	return items;
}

/* One object (YAML document) of an overlay's built output. */
struct built_doc {
	char *data;
	size_t len;
};

/*
 * A unique overlay build: the entries it reads, the trees holding it, and
 * the objects kustomize built from it.
 */
struct build {
	const char *overlay;
	size_t *entries;
	size_t n, alloc;
	uint64_t hash;
	size_t *trees;
	size_t ntrees, trees_alloc;
	struct built_doc *docs;
	size_t ndocs;
};

struct builds {
	struct lint_run *r;
	struct build *items;
	size_t n, alloc;
	struct itab tab;
};

struct closure_ud {
	const struct lint_run *r;
	struct build *b;
};

/* Add the entry of f to the build being collected. */
static void add_closure_entry(void *ud, const struct lint_file *f)
{
	struct closure_ud *c = ud;

	XALLOC_GROW(c->b->entries, c->b->n + 1, c->b->alloc);
	c->b->entries[c->b->n++] = (size_t)(entry_of(f) - c->r->entries);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

struct build_key {
	const struct builds *bs;
	const struct build *b;
};

static bool build_eq(const void *ud, size_t idx)
{
	const struct build_key *k = ud;
	const struct build *o = &k->bs->items[idx];

	return !strcmp(o->overlay, k->b->overlay) && o->n == k->b->n &&
		!memcmp(o->entries, k->b->entries, o->n * sizeof(*o->entries));
}

/* Record that tree ti builds overlay (a path in the run) from cand. */
static void add_build(struct builds *bs, struct build *cand, size_t ti)
{
	struct build_key k = { bs, cand };
	size_t i, idx;
	uint64_t h = data_hash(cand->overlay, strlen(cand->overlay));
	struct build *b;

	for (i = 0; i < cand->n; i++)
		h = (rotl(h, 23) ^ bs->r->entries[cand->entries[i]].hash) *
			0x9E3779B97F4A7C15ULL;
	idx = itab_find(&bs->tab, h, build_eq, &k);
	if (idx == SIZE_MAX) {
		XALLOC_GROW(bs->items, bs->n + 1, bs->alloc);
		idx = bs->n++;
		bs->items[idx] = *cand;
		bs->items[idx].hash = h;
		itab_add(&bs->tab, h, idx);
	} else {
		free(cand->entries);
	}
	b = &bs->items[idx];
	XALLOC_GROW(b->trees, b->ntrees + 1, b->trees_alloc);
	b->trees[b->ntrees++] = ti;
}

/* The overlays of k8s tree ti, each with the files it reads. */
static void tree_builds(struct builds *bs, size_t ti)
{
	struct lint_run *r = bs->r;
	struct tree *t = &r->trees[ti];
	struct lint_tree view = { xcalloc(t->n + 1, sizeof(void *)), t->n };
	struct flist sink = { NULL, 0, 0 };
	struct lint_ctx lc = LINT_CTX_INIT(r, &sink);
	size_t i;

	for (i = 0; i < t->n; i++)
		view.files[i] = &r->entries[t->entries[i]].file;
	for (i = 0; i < t->n; i++) {
		const char *p = view.files[i]->path;
		struct build cand = { 0 };
		struct closure_ud cu = { r, &cand };
		size_t pi;
		char *dir;

		if (strncmp(p, "k8s/overlays/", 13) ||
		    strcmp(strchr(p + 13, '/') ? strchr(p + 13, '/') : "",
			   "/kustomization.yaml"))
			continue;
		dir = fs_dirname(p);
		pi = intern_path(r, dir, NULL);
		cand.overlay = r->paths[pi].path;
		free(dir);
		lint_k8s_closure(&lc, &view, cand.overlay, add_closure_entry,
				 &cu);
		if (cand.n > 1)
			qsort(cand.entries, cand.n, sizeof(*cand.entries),
			      cmp_size);
		add_build(bs, &cand, ti);
	}
	free(sink.items);
	free(view.files);
}
/* One kustomize job item per unique overlay build. */
static struct lint_ext_tree *ext_trees(struct builds *bs, size_t *n)
{
	struct lint_run *r = bs->r;
	struct lint_ext_tree *trees;
	size_t i, j;

	for (i = 0; i < r->ntrees; i++)
		if (r->trees[i].group == TREE_K8S)
			tree_builds(bs, i);
	trees = xcalloc(bs->n + 1, sizeof(*trees));
	for (i = 0; i < bs->n; i++) {
		struct build *b = &bs->items[i];

		trees[i].overlay = b->overlay;
		trees[i].files = xcalloc(b->n + 1, sizeof(*trees[i].files));
		for (j = 0; j < b->n; j++)
			trees[i].files[j] = &r->entries[b->entries[j]].file;
		trees[i].n = b->n;
		trees[i].owner = b;
	}
	*n = bs->n;
	return trees;
}

static void builds_release(struct builds *bs)
{
	size_t i;

	for (i = 0; i < bs->n; i++) {
		size_t j;

		free(bs->items[i].entries);
		free(bs->items[i].trees);
		for (j = 0; j < bs->items[i].ndocs; j++)
			free(bs->items[i].docs[j].data);
		free(bs->items[i].docs);
	}
	free(bs->items);
	free(bs->tab.slots);
}

/* Copy f into the run's arena, naming file instead of f->file. */
static struct lint_finding *copy_finding(struct lint_run *r,
					 const struct lint_finding *f,
					 const char *file)
{
	struct lint_finding *c = ARENA_NEW(&r->arena, struct lint_finding);

	c->rule = arena_strdup(&r->arena, f->rule);
	c->linter = f->linter;
	c->file = file;
	c->line = f->line;
	c->col = f->col;
	c->message = arena_strdup(&r->arena, f->message);
	c->fix = f->fix;
	c->source = path_source(r, file);
	return c;
}

/* ---- Helm charts ------------------------------------------------------ */

/* One template's share of a render: its documents, by project path. */
struct rendered {
	char *path;
	struct strbuf data;
};

/* One render of a chart: the values file, and the files it rendered. */
struct chart_render {
	const char *values;	/* "" for values.yaml alone */
	struct rendered *files;
	size_t n;
};

/* A unique chart: its entries, and the combinations that generate it. */
struct chart_build {
	const char *dir;	/* a path of the run; "." for the root */
	char *release;		/* the chart's name */
	size_t *entries;	/* sorted */
	size_t n, alloc;
	uint64_t hash;
	size_t *combos;
	size_t ncombos, combos_alloc;
	const char **values;	/* values-<env>.yaml in dir, or one "" */
	size_t nvalues;
	struct chart_render *renders;	/* kept for k8s-schema */
	size_t nrenders, renders_alloc;
};

struct charts {
	struct lint_run *r;
	struct chart_build *items;
	size_t n, alloc;
	struct itab tab;
};

/* True when path lies under directory dir ("." holds everything). */
static bool under_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strcmp(dir, ".") || (!strncmp(path, dir, n) && path[n] == '/');
}

/* path relative to dir, which holds it. */
static const char *dir_rel(const char *path, const char *dir)
{
	return strcmp(dir, ".") ? path + strlen(dir) + 1 : path;
}

/* True when rel is a values-<env>.yaml directly in the chart. */
static bool is_env_values(const char *rel)
{
	size_t n = strlen(rel);

	return !strncmp(rel, "values-", 7) && !strchr(rel, '/') &&
		((n > 12 && !strcmp(rel + n - 5, ".yaml")) ||
		 (n > 11 && !strcmp(rel + n - 4, ".yml")));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct chart_key {
	const struct charts *cs;
	const struct chart_build *b;
};

static bool chart_eq(const void *ud, size_t idx)
{
	const struct chart_key *k = ud;
	const struct chart_build *o = &k->cs->items[idx];

	return o->dir == k->b->dir && o->n == k->b->n &&
		!memcmp(o->entries, k->b->entries, o->n * sizeof(*o->entries));
}

/* The name in the chart's Chart.yaml, for --release; caller-owned. */
static char *chart_name(const struct lint_run *r, const struct chart_build *b)
{
	struct lint_yaml y;
	const char *name = NULL;
	char *out;
	size_t i;

	memset(&y, 0, sizeof(y));
	for (i = 0; i < b->n; i++) {
		const struct lint_file *f = &r->entries[b->entries[i]].file;

		if (!strcmp(dir_rel(f->path, b->dir), "Chart.yaml")) {
			lint_yaml_parse(&y, f->data, f->len);
			if (y.ndocs)
				name = ly_str(ly_get(&y.docs[0],
						     ly_root(&y.docs[0]),
						     "name"));
			break;
		}
	}
	out = xstrdup(name && *name ? name : "release-name");
	lint_yaml_release(&y);
	return out;
}

/* Fill in a new chart's values files and release name. */
static void chart_describe(const struct lint_run *r, struct chart_build *b)
{
	size_t i, alloc = 0;

	for (i = 0; i < b->n; i++) {
		const char *rel = dir_rel(r->entries[b->entries[i]].file.path,
					  b->dir);

		if (is_env_values(rel)) {
			XALLOC_GROW(b->values, b->nvalues + 1, alloc);
			b->values[b->nvalues++] = rel;
		}
	}
	if (b->nvalues > 1)
		qsort(b->values, b->nvalues, sizeof(*b->values), cmp_str);
	if (!b->nvalues) {
		b->values = xcalloc(1, sizeof(*b->values));
		b->values[b->nvalues++] = "";
	}
	b->release = chart_name(r, b);
}

/* Record that combination ci generates cand (whose entries it takes). */
static void add_chart(struct charts *cs, struct chart_build *cand, size_t ci)
{
	struct chart_key k = { cs, cand };
	uint64_t h = data_hash(cand->dir, strlen(cand->dir));
	struct chart_build *b;
	size_t i, idx;

	for (i = 0; i < cand->n; i++)
		h = (rotl(h, 23) ^ cs->r->entries[cand->entries[i]].hash) *
			0x9E3779B97F4A7C15ULL;
	idx = itab_find(&cs->tab, h, chart_eq, &k);
	if (idx == SIZE_MAX) {
		XALLOC_GROW(cs->items, cs->n + 1, cs->alloc);
		idx = cs->n++;
		cs->items[idx] = *cand;
		cs->items[idx].hash = h;
		chart_describe(cs->r, &cs->items[idx]);
		itab_add(&cs->tab, h, idx);
	} else {
		free(cand->entries);
	}
	b = &cs->items[idx];
	XALLOC_GROW(b->combos, b->ncombos + 1, b->combos_alloc);
	b->combos[b->ncombos++] = ci;
}

/* The charts of combination ci: one per Chart.yaml it generates. */
static void combo_charts(struct charts *cs, size_t ci)
{
	struct lint_run *r = cs->r;
	const struct combo *c = &r->combos[ci];
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		const char *p = r->entries[c->entries[i]].file.path;
		struct chart_build cand;
		const char *slash = strrchr(p, '/');
		char *dir;

		if (strcmp(slash ? slash + 1 : p, "Chart.yaml"))
			continue;
		memset(&cand, 0, sizeof(cand));
		dir = fs_dirname(p);
		cand.dir = r->paths[intern_path(r, dir, NULL)].path;
		free(dir);
		for (j = 0; j < c->n; j++)
			if (under_dir(r->entries[c->entries[j]].file.path,
				      cand.dir)) {
				XALLOC_GROW(cand.entries, cand.n + 1,
					    cand.alloc);
				cand.entries[cand.n++] = c->entries[j];
			}
		qsort(cand.entries, cand.n, sizeof(*cand.entries), cmp_size);
		add_chart(cs, &cand, ci);
	}
}

/* One helm job chart per unique chart of the run. */
static struct lint_ext_chart *ext_charts(struct charts *cs, size_t *n)
{
	struct lint_run *r = cs->r;
	struct lint_ext_chart *charts;
	size_t i, j;

	for (i = 0; i < r->ncombos; i++)
		combo_charts(cs, i);
	charts = xcalloc(cs->n + 1, sizeof(*charts));
	for (i = 0; i < cs->n; i++) {
		struct chart_build *b = &cs->items[i];

		charts[i].dir = b->dir;
		charts[i].release = b->release;
		charts[i].files = xcalloc(b->n + 1, sizeof(*charts[i].files));
		for (j = 0; j < b->n; j++)
			charts[i].files[j] = &r->entries[b->entries[j]].file;
		charts[i].n = b->n;
		charts[i].values = b->values;
		charts[i].nvalues = b->nvalues;
		charts[i].owner = b;
	}
	*n = cs->n;
	return charts;
}

/* Free the rendered files of one render. */
static void rendered_free(struct rendered *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(files[i].path);
		strbuf_release(&files[i].data);
	}
	free(files);
}

static void charts_release(struct charts *cs)
{
	size_t i, j;

	for (i = 0; i < cs->n; i++) {
		for (j = 0; j < cs->items[i].nrenders; j++)
			rendered_free(cs->items[i].renders[j].files,
				      cs->items[i].renders[j].n);
		free(cs->items[i].renders);
		free(cs->items[i].entries);
		free(cs->items[i].combos);
		free(cs->items[i].values);
		free(cs->items[i].release);
	}
	free(cs->items);
	free(cs->tab.slots);
}

/* The rendered file for path, added when new. */
static struct rendered *rendered_for(struct rendered **list, size_t *n,
				     size_t *alloc, char *path)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*list)[i].path, path)) {
			free(path);
			strbuf_adds(&(*list)[i].data, "---\n");
			return &(*list)[i];
		}
	XALLOC_GROW(*list, *n + 1, *alloc);
	(*list)[*n].path = path;
	strbuf_init(&(*list)[*n].data, 0);
	return &(*list)[(*n)++];
}

/*
 * Split helm-render's output ("---\n# Source: CHART/templates/F\n...")
 * into one file per template, named by its path in the project.
 */
static size_t split_rendered(const char *dir, const char *out,
			     struct rendered **list)
{
	struct rendered *cur = NULL;
	size_t n = 0, alloc = 0;
	const char *p = out, *nl, *src;

	*list = NULL;
	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (!strncmp(p, "---\n# Source: ", 14)) {
			src = strchr(p + 14, '/');
			nl = strchr(p + 4, '\n');
			if (!src || !nl || src > nl)
				continue;
			src++;
			cur = rendered_for(list, &n, &alloc, strcmp(dir, ".") ?
					   xasprintf("%s/%.*s", dir,
						     (int)(nl - src), src) :
					   xstrndup(src, (size_t)(nl - src)));
			strbuf_add(&cur->data, p + 4, (size_t)(nl + 1 - p - 4));
		} else if (cur) {
			strbuf_add(&cur->data, p, nl ? (size_t)(nl + 1 - p) :
				   strlen(p));
		}
	}
	return n;
}

/* Attach finding f to every combination that generates chart b. */
static void chart_attach(struct lint_run *r, const struct chart_build *b,
			 struct lint_finding *f)
{
	size_t i;

	for (i = 0; i < b->ncombos; i++)
		flist_push(&r->combos[b->combos[i]].own, f);
}

/*
 * Run the Kubernetes object rules on one render of a chart.  Findings
 * name the template and say which values file and which line of its
 * rendered output they are about.
 */
static void chart_output(void *ud, const struct lint_ext_job *job,
			 void *owner, const char *values, const char *out,
			 size_t len)
{
	struct lint_run *r = ud;
	struct chart_build *b = owner;
	struct rendered *rf;
	size_t n = split_rendered(b->dir, out, &rf), i;
	struct lint_file *files = xcalloc(n + 1, sizeof(*files));
	struct lint_tree t = { xcalloc(n + 1, sizeof(*t.files)), n };
	struct flist sink = { NULL, 0, 0 };
	struct lint_ctx lc = { r, &sink, &t,
			       xcalloc(n + 1, sizeof(struct lint_yaml)),
			       xcalloc(n + 1, sizeof(bool)) };

	for (i = 0; i < n; i++) {
		files[i] = (struct lint_file){ rf[i].path, rf[i].data.buf,
					       rf[i].data.len, 0644 };
		t.files[i] = &files[i];
	}
	lint_k8s_rendered(&lc, &t);
	for (i = 0; i < sink.len; i++) {
		struct lint_finding *f = sink.items[i];

		f->message = arena_printf(&r->arena, "%s (rendered with "
					  "%s/%s, line %u)", f->message,
					  b->dir, *values ? values :
					  "values.yaml", f->line);
		f->line = f->col = 0;
		chart_attach(r, b, f);
	}
	for (i = 0; i < n; i++)
		if (lc.detached_parsed[i])
			lint_yaml_release(&lc.detached_yaml[i]);
	XALLOC_GROW(b->renders, b->nrenders + 1, b->renders_alloc);
	b->renders[b->nrenders++] = (struct chart_render){ values, rf, n };
	free(lc.detached_yaml);
	free(lc.detached_parsed);
	free(sink.items);
	free(t.files);
	free(files);
}

/* A rendered file that k8s-schema checks, and the renders that made it. */
struct schema_item {
	const struct rendered *file;
	struct { const struct chart_build *b; const char *values; } *uses;
	size_t nuses, alloc;
};

/* The rendered files of every chart render, unique by path and content. */
static struct schema_item *schema_items(const struct charts *cs, size_t *n)
{
	struct schema_item *items = NULL;
	size_t alloc = 0, i, j, k, m;

	*n = 0;
	for (i = 0; i < cs->n; i++)
		for (j = 0; j < cs->items[i].nrenders; j++)
			for (k = 0; k < cs->items[i].renders[j].n; k++) {
				const struct chart_render *rd =
					&cs->items[i].renders[j];
				const struct rendered *f = &rd->files[k];

				for (m = 0; m < *n; m++)
					if (!strcmp(items[m].file->path,
						    f->path) &&
					    items[m].file->data.len ==
					    f->data.len &&
					    !memcmp(items[m].file->data.buf,
						    f->data.buf, f->data.len))
						break;
				if (m == *n) {
					XALLOC_GROW(items, *n + 1, alloc);
					memset(&items[m], 0, sizeof(items[m]));
					items[m].file = f;
					(*n)++;
				}
				XALLOC_GROW(items[m].uses, items[m].nuses + 1,
					    items[m].alloc);
				items[m].uses[items[m].nuses].b =
					&cs->items[i];
				items[m].uses[items[m].nuses++].values =
					rd->values;
			}
	return items;
}

/* Attach a k8s-schema finding on a rendered file to its renders. */
static void chart_schema_sink(void *ud, const struct lint_ext_job *job,
			      void *owner, const struct lint_finding *f)
{
	struct lint_run *r = ud;
	const struct schema_item *it = owner;
	size_t i;

	for (i = 0; i < it->nuses; i++) {
		const char *v = it->uses[i].values;
		struct lint_finding *c = copy_finding(
			r, f, arena_strdup(&r->arena, f->file));

		c->message = arena_printf(&r->arena, "%s (rendered with %s/%s, "
					  "line %u)", f->message,
					  it->uses[i].b->dir,
					  *v ? v : "values.yaml", f->line);
		c->line = c->col = 0;
		chart_attach(r, it->uses[i].b, c);
	}
}

/* Add what a k8s-schema run on rendered charts did to the run's report. */
static void merge_report(struct lint_run *r, struct lint_linter_report *rep)
{
	struct lint_linter_report *k = &r->reports[LINTER_K8S_SCHEMA];

	if (rep->ran) {
		if (!k->ran) {
			free(k->skipped);
			k->skipped = NULL;
			k->ran = true;
		}
		k->files += rep->files;
		k->invocations += rep->invocations;
		k->seconds += rep->seconds;
	}
	free(rep->skipped);
}

/*
 * Run k8s-schema on the manifests the charts rendered to, after the
 * renders: the same strict schema check the kustomize resources get.
 */
static int chart_schema(struct lint_run *r, const struct charts *cs,
			struct diag *err)
{
	struct lint_linter_report rep;
	struct lint_ext_job job;
	struct lint_ext_item *ext;
	size_t n, i;
	struct schema_item *items = schema_items(cs, &n);
	int ret;

	if (!n)
		return 0;
	memset(&rep, 0, sizeof(rep));
	memset(&job, 0, sizeof(job));
	rep.enabled = true;
	ext = xcalloc(n + 1, sizeof(*ext));
	for (i = 0; i < n; i++) {
		ext[i].path = items[i].file->path;
		blob_id(items[i].file->data.buf, items[i].file->data.len,
			ext[i].blob);
		ext[i].data = items[i].file->data.buf;
		ext[i].len = items[i].file->data.len;
		ext[i].owner = &items[i];
	}
	job.linter = LINTER_K8S_SCHEMA;
	job.items = ext;
	job.nitems = n;
	job.report = &rep;
	ret = lint_ext_run(&job, 1, &r->opts, chart_schema_sink, r, err);
	merge_report(r, &rep);
	for (i = 0; i < n; i++)
		free(items[i].uses);
	free(items);
	free(ext);
	return ret;
}

/* ---- built overlays: the same rules on what deploys ------------------- */

/* Split a kustomize build ("DOC---\nDOC...") into its documents. */
static void split_built(struct build *b, const char *out, size_t len)
{
	const char *p = out, *end = out + len, *start = out, *nl;
	size_t alloc = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl - p == 3 && !strncmp(p, "---", 3)) {
			XALLOC_GROW(b->docs, b->ndocs + 1, alloc);
			b->docs[b->ndocs++] = (struct built_doc){
				xstrndup(start, (size_t)(p - start)),
				(size_t)(p - start) };
			start = nl + 1;
		}
		if (nl == end)
			break;
	}
	if (start < end) {
		XALLOC_GROW(b->docs, b->ndocs + 1, alloc);
		b->docs[b->ndocs++] = (struct built_doc){
			xstrndup(start, (size_t)(end - start)),
			(size_t)(end - start) };
	}
}

#define KEY_DEPTH 32

/* The keys from a document's root to the node at line:col ("" = item). */
struct key_path {
	const char *keys[KEY_DEPTH];
	size_t n;
};

static bool at(const yaml_node_t *n, unsigned line, unsigned col)
{
	return n && ly_line(n) == line && (!col || ly_col(n) == col);
}

/* Fill kp with the path from n to the node at line:col; true if found. */
static bool find_key_path(yaml_document_t *d, yaml_node_t *n, unsigned line,
			  unsigned col, struct key_path *kp)
{
	size_t i;

	if (kp->n == KEY_DEPTH)
		return false;
	for (i = 0; ly_is_map(n) && i < ly_npairs(n); i++) {
		yaml_node_t *k = ly_pair_key(d, n, i), *v = ly_pair_val(d, n, i);

		kp->keys[kp->n++] = ly_str(k) ? ly_str(k) : "";
		if (at(k, line, col) || at(v, line, col) ||
		    find_key_path(d, v, line, col, kp))
			return true;
		kp->n--;
	}
	for (i = 0; ly_is_seq(n) && i < ly_len(n); i++) {
		yaml_node_t *v = ly_at(d, n, i);

		kp->keys[kp->n++] = "";
		if (at(v, line, col) || find_key_path(d, v, line, col, kp))
			return true;
		kp->n--;
	}
	return false;
}

/* The node at kp (from depth i) under n, any item for "", or NULL. */
static yaml_node_t *follow(yaml_document_t *d, yaml_node_t *n,
			   const struct key_path *kp, size_t i)
{
	yaml_node_t *hit = NULL;
	size_t j;

	if (i == kp->n)
		return n;
	if (*kp->keys[i])
		return follow(d, ly_get(d, n, kp->keys[i]), kp, i + 1);
	for (j = 0; !hit && j < ly_len(n); j++)
		hit = follow(d, ly_at(d, n, j), kp, i + 1);
	return hit;
}

/* Where a built object's field came from: a file, and a line there. */
struct origin {
	const char *file;
	unsigned line, col;
};

/*
 * Search the build's entries of role (2: patches, 1: resources) for a
 * document of kind (and name, for resources) holding kp.
 */
static bool origin_in(struct lint_run *r, const struct build *b,
		      const unsigned char *role, unsigned char want,
		      const char *kind, const char *name,
		      const struct key_path *kp, struct origin *o)
{
	struct flist sink = { NULL, 0, 0 };
	struct lint_ctx lc = LINT_CTX_INIT(r, &sink);
	size_t i, j;

	for (i = 0; i < b->n; i++) {
		const struct entry *e = &r->entries[b->entries[i]];
		const struct lint_yaml *y;

		if (!role || role[b->entries[i]] != want)
			continue;
		y = lint_yaml_of(&lc, &e->file);
		for (j = 0; y && j < y->ndocs; j++) {
			yaml_document_t *d = &y->docs[j];
			yaml_node_t *root = ly_root(d), *hit;
			const char *k = ly_str(ly_get(d, root, "kind"));
			const char *nm = ly_str(ly_path(d, root,
							"metadata.name"));

			if ((k && strcmp(k, kind)) ||
			    (want == 1 && (!nm || !name || strcmp(nm, name))))
				continue;
			hit = follow(d, root, kp, 0);
			if (hit) {
				*o = (struct origin){ e->file.path,
						      ly_line(hit),
						      ly_col(hit) };
				free(sink.items);
				return true;
			}
		}
	}
	free(sink.items);
	return false;
}

/* True when list holds a finding of rule with message msg. */
static bool flist_has(const struct flist *l, const char *rule,
		      const char *msg)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if (!strcmp(l->items[i]->rule, rule) &&
		    !strcmp(l->items[i]->message, msg))
			return true;
	return false;
}

/* True when the sources of b already report rule with msg. */
static bool source_has(const struct lint_run *r, const struct build *b,
		       const char *rule, const char *msg)
{
	size_t i;

	for (i = 0; i < b->ntrees; i++)
		if (flist_has(&r->trees[b->trees[i]].findings, rule, msg))
			return true;
	for (i = 0; i < b->n; i++)
		if (flist_has(&r->entries[b->entries[i]].findings, rule, msg))
			return true;
	return false;
}

/*
 * Report finding f, found at f->line:f->col of document di of build b,
 * against every tree that builds b, unless the source files report it
 * already.  It names the overlay and the object, and is put on the patch
 * (or else the resource) that set the field, or on the overlay's
 * kustomization when neither can be told.
 */
static void built_finding(struct lint_run *r, const struct build *b,
			  size_t di,
			  const struct lint_finding *f)
{
	struct lint_yaml y;
	struct key_path kp = { { NULL }, 0 };
	struct origin o = { NULL, 0, 0 };
	const char *kind = NULL, *name = NULL;
	struct lint_finding *c;
	size_t i;

	if (source_has(r, b, f->rule, f->message))
		return;
	lint_yaml_parse(&y, b->docs[di].data, b->docs[di].len);
	if (y.ndocs) {
		yaml_document_t *d = &y.docs[0];
		yaml_node_t *root = ly_root(d);

		kind = ly_str(ly_get(d, root, "kind"));
		name = ly_str(ly_path(d, root, "metadata.name"));
		if (f->line)
			find_key_path(d, root, f->line, f->col, &kp);
		if (kind && !origin_in(r, b, r->k8s_role, 2, kind, name, &kp,
				       &o))
			origin_in(r, b, r->k8s_role, 1, kind, name, &kp, &o);
	}
	for (i = 0; i < b->ntrees; i++) {
		c = copy_finding(r, f, o.file ? arena_strdup(&r->arena, o.file) :
				 arena_printf(&r->arena, "%s/kustomization.yaml",
					      b->overlay));
		c->line = o.line;
		c->col = o.col;
		c->message = arena_printf(&r->arena, "%s (built by %s: %s/%s)",
					  f->message, b->overlay,
					  kind ? kind : "?", name ? name : "?");
		flist_push(&r->trees[b->trees[i]].findings, c);
	}
	lint_yaml_release(&y);
}

/*
 * Run the Kubernetes object rules on one overlay's built output, one
 * document per file so that a finding tells its object.
 */
static void overlay_output(void *ud, const struct lint_ext_job *job,
			   void *owner, const char *overlay, const char *out,
			   size_t len)
{
	struct lint_run *r = ud;
	struct build *b = owner;
	struct lint_file *files;
	struct lint_tree t;
	struct flist sink = { NULL, 0, 0 };
	struct lint_ctx lc;
	size_t i, j;

	(void)job;
	(void)overlay;
	split_built(b, out, len);
	files = xcalloc(b->ndocs + 1, sizeof(*files));
	t = (struct lint_tree){ xcalloc(b->ndocs + 1, sizeof(*t.files)),
				b->ndocs };
	lc = (struct lint_ctx){ r, &sink, &t,
				xcalloc(b->ndocs + 1, sizeof(struct lint_yaml)),
				xcalloc(b->ndocs + 1, sizeof(bool)) };
	for (i = 0; i < b->ndocs; i++) {
		files[i] = (struct lint_file){
			xasprintf("%s/#%zu", b->overlay, i), b->docs[i].data,
			b->docs[i].len, 0644 };
		t.files[i] = &files[i];
	}
	lint_k8s_rendered(&lc, &t);
	for (i = 0; i < sink.len; i++)
		for (j = 0; j < b->ndocs; j++)
			if (!strcmp(sink.items[i]->file, files[j].path)) {
				built_finding(r, b, j, sink.items[i]);
				break;
			}
	for (i = 0; i < b->ndocs; i++) {
		if (lc.detached_parsed[i])
			lint_yaml_release(&lc.detached_yaml[i]);
		free((char *)files[i].path);
	}
	free(lc.detached_yaml);
	free(lc.detached_parsed);
	free(sink.items);
	free(t.files);
	free(files);
}

/* A unique built object that k8s-schema checks, and the builds holding it. */
struct built_item {
	const struct built_doc *doc;
	uint64_t hash;
	struct { const struct build *b; size_t di; } *uses;
	size_t nuses, alloc;
};

struct built_items {
	struct built_item *items;
	size_t n, alloc;
	struct itab tab;
};

struct built_key {
	const struct built_items *bi;
	const struct built_doc *doc;
};

static bool built_eq(const void *ud, size_t idx)
{
	const struct built_key *k = ud;
	const struct built_doc *o = k->bi->items[idx].doc;

	return o->len == k->doc->len && !memcmp(o->data, k->doc->data, o->len);
}

/* Every document of every build, unique by content. */
static void built_items_of(const struct builds *bs, struct built_items *bi)
{
	size_t i, j, idx;

	for (i = 0; i < bs->n; i++)
		for (j = 0; j < bs->items[i].ndocs; j++) {
			const struct built_doc *d = &bs->items[i].docs[j];
			struct built_key k = { bi, d };
			uint64_t h = data_hash(d->data, d->len);
			struct built_item *it;

			idx = itab_find(&bi->tab, h, built_eq, &k);
			if (idx == SIZE_MAX) {
				XALLOC_GROW(bi->items, bi->n + 1, bi->alloc);
				idx = bi->n++;
				memset(&bi->items[idx], 0, sizeof(*it));
				bi->items[idx].doc = d;
				bi->items[idx].hash = h;
				itab_add(&bi->tab, h, idx);
			}
			it = &bi->items[idx];
			XALLOC_GROW(it->uses, it->nuses + 1, it->alloc);
			it->uses[it->nuses].b = &bs->items[i];
			it->uses[it->nuses++].di = j;
		}
}

/* Report a k8s-schema finding on a built object against its builds. */
static void built_schema_sink(void *ud, const struct lint_ext_job *job,
			      void *owner, const struct lint_finding *f)
{
	const struct built_item *it = owner;
	size_t i;

	(void)job;
	for (i = 0; i < it->nuses; i++)
		built_finding(ud, it->uses[i].b, it->uses[i].di, f);
}

/*
 * Run k8s-schema on the objects the overlays built to: the same strict
 * schema check the source files get.
 */
static int built_schema(struct lint_run *r, const struct builds *bs,
			struct diag *err)
{
	struct built_items bi = { NULL, 0, 0, { NULL, 0, 0 } };
	struct lint_linter_report rep;
	struct lint_ext_job job;
	struct lint_ext_item *ext;
	size_t i;
	int ret = 0;

	built_items_of(bs, &bi);
	if (!bi.n)
		return 0;
	memset(&rep, 0, sizeof(rep));
	memset(&job, 0, sizeof(job));
	rep.enabled = true;
	ext = xcalloc(bi.n + 1, sizeof(*ext));
	for (i = 0; i < bi.n; i++) {
		blob_id(bi.items[i].doc->data, bi.items[i].doc->len,
			ext[i].blob);
		ext[i].path = arena_printf(&r->arena, "%s/built.yaml",
					   bi.items[i].uses[0].b->overlay);
		ext[i].data = bi.items[i].doc->data;
		ext[i].len = bi.items[i].doc->len;
		ext[i].owner = &bi.items[i];
	}
	job.linter = LINTER_K8S_SCHEMA;
	job.items = ext;
	job.nitems = bi.n;
	job.report = &rep;
	ret = lint_ext_run(&job, 1, &r->opts, built_schema_sink, r, err);
	merge_report(r, &rep);
	for (i = 0; i < bi.n; i++)
		free(bi.items[i].uses);
	free(bi.items);
	free(bi.tab.slots);
	free(ext);
	return ret;
}

/* Attach an external finding to every entry holding its content. */
static void ext_sink(void *ud, const struct lint_ext_job *job, void *owner,
		     const struct lint_finding *f)
{
	struct lint_run *r = ud;
	size_t i;

	if (job->linter == LINTER_HELM) {
		const char *file = arena_strdup(&r->arena, f->file);

		chart_attach(r, owner, copy_finding(r, f, file));
		return;
	}
	if (job->linter == LINTER_KUSTOMIZE) {
		struct build *b = owner;
		const char *file = arena_strdup(&r->arena, f->file);

		for (i = 0; i < b->ntrees; i++)
			flist_push(&r->trees[b->trees[i]].findings,
				   copy_finding(r, f, file));
		return;
	}
	for (i = 0; i < r->nentries; i++) {
		struct entry *e = &r->entries[i];

		if (&r->blobs[e->blob] == owner &&
		    lint_ext_wants(job->linter, e->file.path, e->file.data))
			flist_push(&e->findings, copy_finding(r, f,
							      e->file.path));
	}
}

/*
 * The project's own config for a tool, generated at path: the first
 * combination's, so a template should generate one content for it.
 * NULL when no combination generates it.
 */
static const struct lint_file *project_config(const struct lint_run *r,
					      const char *path)
{
	size_t i;

	for (i = 0; i < r->nentries; i++)
		if (!strcmp(r->entries[i].file.path, path))
			return &r->entries[i].file;
	return NULL;
}

int lint_run_external(struct lint_run *r, struct diag *err)
{
	struct lint_ext_job jobs[LINTER_COUNT];
	struct builds bs = { r, NULL, 0, 0, { NULL, 0, 0 } };
	struct charts cs = { r, NULL, 0, 0, { NULL, 0, 0 } };
	unsigned char *role = k8s_roles(r);
	double start = lint_clock();

	r->k8s_role = role;
	size_t n = 0, i;
	int l, ret;

	memset(jobs, 0, sizeof(jobs));
	for (l = 0; l < LINTER_COUNT; l++) {
		if (l == LINTER_BUILTIN || !(r->opts.linters & (1u << l)))
			continue;
		jobs[n].linter = (enum linter)l;
		jobs[n].report = &r->reports[l];
		if (l == LINTER_KUSTOMIZE) {
			jobs[n].trees = ext_trees(&bs, &jobs[n].ntrees);
			jobs[n].output = overlay_output;
		} else if (l == LINTER_HELM) {
			jobs[n].charts = ext_charts(&cs, &jobs[n].ncharts);
			jobs[n].output = chart_output;
		} else {
			jobs[n].items = ext_items(r, (enum linter)l, role,
						  &jobs[n].nitems);
		}
		if (l == LINTER_ZIZMOR)
			jobs[n].config = project_config(r, ".github/zizmor.yml");
		n++;
	}
	ret = lint_ext_run(jobs, n, &r->opts, ext_sink, r, err);
	if (!ret && (r->opts.linters & (1u << LINTER_K8S_SCHEMA)))
		ret = chart_schema(r, &cs, err);
	if (!ret && (r->opts.linters & (1u << LINTER_K8S_SCHEMA)))
		ret = built_schema(r, &bs, err);
	for (i = 0; i < n; i++) {
		size_t t;

		for (t = 0; t < jobs[i].ntrees; t++)
			free((void *)jobs[i].trees[t].files);
		free((void *)jobs[i].trees);
		for (t = 0; t < jobs[i].ncharts; t++)
			free((void *)jobs[i].charts[t].files);
		free((void *)jobs[i].charts);
		free((void *)jobs[i].items);
		r->stats.invocations += jobs[i].report->invocations;
	}
	r->k8s_role = NULL;
	free(role);
	builds_release(&bs);
	charts_release(&cs);
	r->stats.external_seconds = lint_clock() - start;
	return ret;
}
