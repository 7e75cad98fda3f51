#ifndef GENSHIP_REDO_H
#define GENSHIP_REDO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The inputs of a merge, kept so that `genship update --redo PATH` can
 * start a conflicted file's merge over.
 *
 * An update that leaves a conflict in PATH records in the answers file
 * the blob ids of two of the merge's inputs: base (what genship wrote
 * before) and yours (the file as the update found it).  The third, the
 * template's version, is PATH's entry in `files`, which re-rendering the
 * recorded template and answers gives back.  The bytes of all three are
 * kept here, by blob id, before the update writes anything:
 *
 *   CACHE/merges/   a git object directory (loose objects, as `git
 *                   hash-object -w` writes them) in genship's cache
 *
 * Reading a blob back tries that store, then the object database of the
 * git repository that holds the project, where a version the user or a
 * bot committed before the update is.  Both are local caches that may be
 * gone, so every caller has a way on without them.  A blob read back is
 * checked against its id.  Nothing here writes into the project or its
 * repository.
 *
 * Ownership: returned buffers are caller-owned (free()).
 */

/* Where redo_find() found a blob. */
enum redo_where {
	REDO_NOWHERE,
	REDO_STORE,		/* genship's store of merge inputs */
	REDO_REPO,		/* the project's git repository */
};

/*
 * Keep len bytes of data under their blob id in the store below cache
 * (source_cache_dir()).  The store is a cache: a failure to write it
 * (a read-only cache, a full disk) is ignored.
 */
void redo_keep(const char *cache, const char *data, size_t len);

/*
 * Find the bytes of blob id (40 hex digits) in the store below cache,
 * else in the git repository that holds project.  *data (NUL-terminated,
 * caller-owned) and *len are set only when found.  Returns where.
 */
enum redo_where redo_find(const char *cache, const char *project,
			  const char *id, char **data, size_t *len);

/*
 * The bytes of path (relative to project) as committed at HEAD of the git
 * repository that holds project: *data (NUL-terminated, caller-owned) and
 * *len.  Returns false, nothing set, when there is no such repository,
 * commit or file.
 */
bool redo_committed(const char *project, const char *path, char **data,
		    size_t *len);

/* A phrase for where: "genship's store", "the project's git repository". */
const char *redo_where_name(enum redo_where where);

#endif
