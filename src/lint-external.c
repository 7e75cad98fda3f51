/*
 * lint-external.c: the external linters of a lint run.  Gathers the
 * run's unique contents, the overlays to build and the charts to render,
 * hands them to lint-ext.c's runner, and maps what the linters and the
 * builds report back onto the run (lint.h: lint_run_external()).
 */
#include "lint-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fsutil.h"
#include "ly.h"
#include "plan.h"
#include "template.h"
#include "xalloc.h"



/* The k8s-schema roles of entries: 1 resource, 2 patch, 0 unknown. */
struct roles {
	const struct lint_run *r;
	unsigned char *role;	/* per entry */
};

/* Record the role of f; a resource anywhere wins over a patch. */
static void note_role(void *ud, const struct lint_file *f, bool patch)
{
	struct roles *ro = ud;
	size_t idx = (size_t)(lint_entry_of(f) - ro->r->entries);

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

		if (t->group != LINT_TREE_K8S) {
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
		memset(it, 0, sizeof(*it));
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
	c->b->entries[c->b->n++] = (size_t)(lint_entry_of(f) - c->r->entries);
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
	size_t idx;
	uint64_t h = lint_data_hash(cand->overlay, strlen(cand->overlay));
	struct build *b;

	h = lint_hash_entries(bs->r, h, cand->entries, cand->n);
	idx = lint_itab_find(&bs->tab, h, build_eq, &k);
	if (idx == SIZE_MAX) {
		XALLOC_GROW(bs->items, bs->n + 1, bs->alloc);
		idx = bs->n++;
		bs->items[idx] = *cand;
		bs->items[idx].hash = h;
		lint_itab_add(&bs->tab, h, idx);
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
		pi = lint_intern_path(r, dir, NULL);
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
		if (r->trees[i].group == LINT_TREE_K8S)
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
	c->source = lint_path_source(r, file);
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
	uint64_t h = lint_data_hash(cand->dir, strlen(cand->dir));
	struct chart_build *b;
	size_t idx;

	h = lint_hash_entries(cs->r, h, cand->entries, cand->n);
	idx = lint_itab_find(&cs->tab, h, chart_eq, &k);
	if (idx == SIZE_MAX) {
		XALLOC_GROW(cs->items, cs->n + 1, cs->alloc);
		idx = cs->n++;
		cs->items[idx] = *cand;
		cs->items[idx].hash = h;
		chart_describe(cs->r, &cs->items[idx]);
		lint_itab_add(&cs->tab, h, idx);
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
		cand.dir = r->paths[lint_intern_path(r, dir, NULL)].path;
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
 * Split helm template's output ("---\n# Source: CHART/templates/F\n...")
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

/* The environment of values file v: "values-X.yaml" is X, else "". */
static char *values_env(const char *v)
{
	return strncmp(v, "values-", 7) ? xstrdup("") :
		xstrndup(v + 7, strcspn(v + 7, "."));
}

/* Attach finding f to every combination that generates chart b. */
static void chart_attach(struct lint_run *r, const struct chart_build *b,
			 struct lint_finding *f)
{
	size_t i;

	for (i = 0; i < b->ncombos; i++)
		lint_flist_push(&r->combos[b->combos[i]].own, f);
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
	char *env;

	for (i = 0; i < n; i++) {
		files[i] = (struct lint_file){ rf[i].path, rf[i].data.buf,
					       rf[i].data.len, 0644 };
		t.files[i] = &files[i];
	}
	env = values_env(values);
	lint_k8s_rendered(&lc, &t, env);
	free(env);
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
		k->cpu_seconds += rep->cpu_seconds;
	}
	free(rep->skipped);
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
		lint_flist_push(&r->trees[b->trees[i]].findings, c);
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
	char *env;

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
	env = fs_basename(b->overlay);
	lint_k8s_rendered(&lc, &t, env);
	free(env);
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
			uint64_t h = lint_data_hash(d->data, d->len);
			struct built_item *it;

			idx = lint_itab_find(&bi->tab, h, built_eq, &k);
			if (idx == SIZE_MAX) {
				XALLOC_GROW(bi->items, bi->n + 1, bi->alloc);
				idx = bi->n++;
				memset(&bi->items[idx], 0, sizeof(*it));
				bi->items[idx].doc = d;
				bi->items[idx].hash = h;
				lint_itab_add(&bi->tab, h, idx);
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
			lint_flist_push(&r->trees[b->trees[i]].findings,
				   copy_finding(r, f, file));
		return;
	}
	for (i = 0; i < r->nentries; i++) {
		struct entry *e = &r->entries[i];

		if (&r->blobs[e->blob] == owner &&
		    lint_ext_wants(job->linter, e->file.path, e->file.data))
			lint_flist_push(&e->findings, copy_finding(r, f,
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

/* ---- what deploys: k8s-schema and checkov on built and rendered objects */

/* Where the findings on one item of the deploy checks go. */
struct deploy_owner {
	lint_ext_sink sink;
	void *owner;
};

/* Hand a deploy check's finding to its item's own sink. */
static void deploy_sink(void *ud, const struct lint_ext_job *job,
			void *owner, const struct lint_finding *f)
{
	const struct deploy_owner *o = owner;

	o->sink(ud, job, o->owner, f);
}

/* The items of the deploy checks, and where each one's findings go. */
struct deploy {
	struct lint_ext_item *items;
	struct deploy_owner *owners;
	size_t n;
};

static void deploy_add(struct lint_run *r, struct deploy *d,
		       const struct lint_ext_item *it, lint_ext_sink sink,
		       void *owner)
{
	struct lint_ext_item *x = &d->items[d->n];

	*x = *it;
	if (!x->blob[0])
		blob_id(x->data, x->len, x->blob);
	x->path = arena_strdup(&r->arena, x->path);
	d->owners[d->n] = (struct deploy_owner){ sink, owner };
	x->owner = &d->owners[d->n++];
}

/*
 * Fill d: the Containerfiles (checkov only, first), then every file the
 * charts rendered, then (group 1) every object the overlays built.  A
 * one-process linter (checkov) runs once per group: two processes that
 * each see whole renders and whole builds.  Returns how many items lead,
 * for checkov alone.
 */
static size_t deploy_items(struct lint_run *r, struct deploy *d,
			   const struct lint_ext_item *cf, size_t ncf,
			   struct schema_item *si, size_t nsi,
			   struct built_items *bi)
{
	size_t i, total = ncf + nsi + bi->n;

	d->items = xcalloc(total + 1, sizeof(*d->items));
	d->owners = xcalloc(total + 1, sizeof(*d->owners));
	d->n = 0;
	for (i = 0; i < ncf; i++)
		deploy_add(r, d, &cf[i], ext_sink, cf[i].owner);
	for (i = 0; i < nsi; i++)
		deploy_add(r, d, &(struct lint_ext_item){
				   .path = si[i].file->path,
				   .data = si[i].file->data.buf,
				   .len = si[i].file->data.len },
			   chart_schema_sink, &si[i]);
	for (i = 0; i < bi->n; i++)
		deploy_add(r, d, &(struct lint_ext_item){
				   .path = arena_printf(&r->arena,
						"%s/built.yaml",
						bi->items[i].uses[0].b->overlay),
				   .data = bi->items[i].doc->data,
				   .len = bi->items[i].doc->len, .group = 1 },
			   built_schema_sink, &bi->items[i]);
	return ncf;
}

/*
 * After the renders and builds: the strict schema check (k8s-schema) and
 * checkov on what deploys, every chart render and every built overlay
 * object, unique by content; checkov on the Containerfiles too, with the
 * project's own .checkov.yaml.  They run beside the njobs jobs at jobs
 * (which has room for two more), file linters that fill the job slots
 * while checkov's long processes run.
 */
static int deploy_checks(struct lint_run *r, const struct charts *cs,
			 const struct builds *bs, const unsigned char *role,
			 struct lint_ext_job *jobs, size_t njobs,
			 struct diag *err)
{
	struct built_items bi = { NULL, 0, 0, { NULL, 0, 0 } };
	struct lint_linter_report rep;
	struct lint_ext_item *cf = NULL;
	struct deploy d;
	size_t nsi, ncf = 0, lead, i;
	struct schema_item *si = schema_items(cs, &nsi);
	int ret;

	built_items_of(bs, &bi);
	if (r->opts.linters & (1u << LINTER_CHECKOV))
		cf = ext_items(r, LINTER_CHECKOV, role, &ncf);
	lead = deploy_items(r, &d, cf, ncf, si, nsi, &bi);
	memset(&rep, 0, sizeof(rep));
	rep.enabled = true;
	if ((r->opts.linters & (1u << LINTER_K8S_SCHEMA)) && d.n > lead)
		jobs[njobs++] = (struct lint_ext_job){
			.linter = LINTER_K8S_SCHEMA, .items = d.items + lead,
			.nitems = d.n - lead, .report = &rep,
			.sink = deploy_sink };
	if (r->opts.linters & (1u << LINTER_CHECKOV))
		jobs[njobs++] = (struct lint_ext_job){
			.linter = LINTER_CHECKOV, .items = d.items,
			.nitems = d.n, .report = &r->reports[LINTER_CHECKOV],
			.config = project_config(r, ".checkov.yaml"),
			.sink = deploy_sink };
	ret = njobs ? lint_ext_run(jobs, njobs, &r->opts, ext_sink, r,
				   err) : 0;
	merge_report(r, &rep);
	for (i = 0; i < nsi; i++)
		free(si[i].uses);
	for (i = 0; i < bi.n; i++)
		free(bi.items[i].uses);
	free(si);
	free(bi.items);
	free(bi.tab.slots);
	free(d.items);
	free(d.owners);
	free(cf);
	return ret;
}

/*
 * True when linter l runs in the first round: the overlay builds and
 * chart renders, whose output the deploy checks read, and yamllint.
 * yamllint is there for balance, measured on the built-in template: the
 * first round is then helm, kustomize and yamllint (about 290 s of CPU);
 * the second, checkov's longest process (about 95 s: the chart renders)
 * with the other file linters and the rest of checkov (about 100 s)
 * beside it.
 */
static bool first_round(enum linter l)
{
	return l == LINTER_KUSTOMIZE || l == LINTER_HELM ||
		l == LINTER_YAMLLINT;
}

/* The job of external linter l on run r. */
static struct lint_ext_job plan_job(struct lint_run *r, struct builds *bs,
				    struct charts *cs,
				    const unsigned char *role, enum linter l)
{
	struct lint_ext_job j = { .linter = l, .report = &r->reports[l] };

	if (l == LINTER_KUSTOMIZE) {
		j.trees = ext_trees(bs, &j.ntrees);
		j.output = overlay_output;
	} else if (l == LINTER_HELM) {
		j.charts = ext_charts(cs, &j.ncharts);
		j.output = chart_output;
	} else {
		j.items = ext_items(r, l, role, &j.nitems);
	}
	if (l == LINTER_ZIZMOR)
		j.config = project_config(r, ".github/zizmor.yml");
	return j;
}

/*
 * Append to jobs, from index n, the jobs of the run's chosen external
 * linters but checkov (see deploy_checks()) for which first_round() is
 * first; returns the new number of jobs.
 */
static size_t plan_round(struct lint_run *r, struct builds *bs,
			 struct charts *cs, const unsigned char *role,
			 struct lint_ext_job *jobs, size_t n, bool first)
{
	int l;

	for (l = 0; l < LINTER_COUNT; l++)
		if (l != LINTER_BUILTIN && l != LINTER_CHECKOV &&
		    (r->opts.linters & (1u << l)) &&
		    first_round((enum linter)l) == first)
			jobs[n++] = plan_job(r, bs, cs, role, (enum linter)l);
	return n;
}

static void jobs_release(struct lint_ext_job *jobs, size_t n)
{
	size_t i, t;

	for (i = 0; i < n; i++) {
		for (t = 0; t < jobs[i].ntrees; t++)
			free((void *)jobs[i].trees[t].files);
		free((void *)jobs[i].trees);
		for (t = 0; t < jobs[i].ncharts; t++)
			free((void *)jobs[i].charts[t].files);
		free((void *)jobs[i].charts);
		free((void *)jobs[i].items);
	}
}

/*
 * Two rounds: the overlay builds and chart renders (with yamllint), then
 * what reads their output (k8s-schema, checkov) beside the other file
 * linters.
 */
int lint_run_external(struct lint_run *r, struct diag *err)
{
	struct lint_ext_job jobs[LINTER_COUNT + 2];
	struct builds bs = { r, NULL, 0, 0, { NULL, 0, 0 } };
	struct charts cs = { r, NULL, 0, 0, { NULL, 0, 0 } };
	unsigned char *role = k8s_roles(r);
	double start = lint_clock();
	size_t nfirst, n;
	int ret, l;

	r->k8s_role = role;
	nfirst = plan_round(r, &bs, &cs, role, jobs, 0, true);
	n = plan_round(r, &bs, &cs, role, jobs, nfirst, false);
	ret = nfirst ? lint_ext_run(jobs, nfirst, &r->opts, ext_sink, r,
				    err) : 0;
	if (!ret)
		ret = deploy_checks(r, &cs, &bs, role, jobs + nfirst,
				    n - nfirst, err);
	jobs_release(jobs, n);
	for (l = 0; l < LINTER_COUNT; l++)
		r->stats.invocations += r->reports[l].invocations;
	r->k8s_role = NULL;
	free(role);
	builds_release(&bs);
	charts_release(&cs);
	r->stats.external_seconds = lint_clock() - start;
	return ret;
}
