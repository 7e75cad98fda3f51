#ifndef GENSHIP_LINT_INT_H
#define GENSHIP_LINT_INT_H

/*
 * The lint run's own types and helpers, shared by lint.c (the run) and
 * lint-external.c (the external linters) only.  Checks see the run
 * through lint.h's struct lint_ctx functions, never through this.
 */

#include <stdbool.h>
#include <stdint.h>

#include "blob.h"
#include "lint.h"

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


/* A 64-bit hash of the n bytes at p. */
uint64_t lint_data_hash(const char *p, size_t n);

/* h mixed with the content hashes of the n entries of r, in order. */
uint64_t lint_hash_entries(const struct lint_run *r, uint64_t h,
			   const size_t *entries, size_t n);

/* The index in t whose hash is h and for which eq(ud, idx), or SIZE_MAX. */
size_t lint_itab_find(const struct itab *t, uint64_t h,
		      bool (*eq)(const void *ud, size_t idx), const void *ud);

/* Add idx under hash h (the caller checked it is new). */
void lint_itab_add(struct itab *t, uint64_t h, size_t idx);

/* Append f to l. */
void lint_flist_push(struct flist *l, struct lint_finding *f);

/* The index of path in r, added when new (source: see lint.c). */
size_t lint_intern_path(struct lint_run *r, const char *path,
			const char *source);

/* The template file that rendered file (project-relative), or NULL. */
const char *lint_path_source(const struct lint_run *r, const char *file);

/* The entry a struct lint_file of the run belongs to. */
const struct entry *lint_entry_of(const struct lint_file *f);

#endif
