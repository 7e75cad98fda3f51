#include "redo.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "fsutil.h"
#include "xalloc.h"

#define STORE_DIR "merges"

void redo_keep(const char *cache, const char *data, size_t len)
{
	char *dir = fs_join(cache, STORE_DIR);
	git_odb *odb = NULL;
	git_oid oid;

	git_libgit2_init();	/* reference-counted: callers need not */
	if (!fs_mkdir_p(dir, 0700) && !git_odb_open(&odb, dir))
		(void)git_odb_write(&oid, odb, data, len, GIT_OBJECT_BLOB);
	git_odb_free(odb);
	git_libgit2_shutdown();
	free(dir);
}

/* Copy blob id out of odb into *data and *len if it is there and sound. */
static bool odb_read(git_odb *odb, const char *id, char **data, size_t *len)
{
	git_odb_object *obj = NULL;
	char got[BLOB_HEXSZ + 1];
	git_oid oid;
	bool ok = false;

	if (git_oid_fromstr(&oid, id) || git_odb_read(&obj, odb, &oid) ||
	    git_odb_object_type(obj) != GIT_OBJECT_BLOB)
		goto out;
	blob_id(git_odb_object_data(obj), git_odb_object_size(obj), got);
	if (strcmp(got, id))
		goto out;
	*len = git_odb_object_size(obj);
	*data = xstrndup(git_odb_object_data(obj), *len);
	ok = true;
out:
	git_odb_object_free(obj);
	return ok;
}

/* Blob id from the store below cache. */
static bool store_read(const char *cache, const char *id, char **data,
		       size_t *len)
{
	char *dir = fs_join(cache, STORE_DIR);
	git_odb *odb = NULL;
	bool ok = fs_exists(dir) && !git_odb_open(&odb, dir) &&
		odb_read(odb, id, data, len);

	git_odb_free(odb);
	free(dir);
	return ok;
}

/* Open the git repository that holds project; NULL when there is none. */
static git_repository *open_repo(const char *project)
{
	git_repository *repo = NULL;

	if (git_repository_open_ext(&repo, project, 0, NULL) < 0)
		return NULL;
	return repo;
}

/* Blob id from the object database of the repository holding project. */
static bool repo_read(const char *project, const char *id, char **data,
		      size_t *len)
{
	git_repository *repo = open_repo(project);
	git_odb *odb = NULL;
	bool ok = repo && !git_repository_odb(&odb, repo) &&
		odb_read(odb, id, data, len);

	git_odb_free(odb);
	git_repository_free(repo);
	return ok;
}

enum redo_where redo_find(const char *cache, const char *project,
			  const char *id, char **data, size_t *len)
{
	enum redo_where where = REDO_NOWHERE;

	git_libgit2_init();
	if (store_read(cache, id, data, len))
		where = REDO_STORE;
	else if (repo_read(project, id, data, len))
		where = REDO_REPO;
	git_libgit2_shutdown();
	return where;
}

/*
 * The path of project/path relative to repo's work tree, caller-owned;
 * NULL when the project is not inside it.
 */
static char *repo_relative(git_repository *repo, const char *project,
			   const char *path)
{
	const char *wd = git_repository_workdir(repo);
	char *top = wd ? realpath(wd, NULL) : NULL;
	char *real = realpath(project, NULL), *rel = NULL;
	size_t n = top ? strlen(top) : 0;

	if (top && real && !strncmp(real, top, n) &&
	    (!real[n] || real[n] == '/'))
		rel = real[n] ? xasprintf("%s/%s", real + n + 1, path) :
			xstrdup(path);
	free(top);
	free(real);
	return rel;
}

/* The blob at rel in HEAD's tree of repo, into *data and *len. */
static bool head_read(git_repository *repo, const char *rel, char **data,
		      size_t *len)
{
	git_object *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	bool ok = false;

	if (git_revparse_single(&tree, repo, "HEAD^{tree}") ||
	    git_tree_entry_bypath(&entry, (git_tree *)tree, rel) ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_blob_lookup(&blob, repo, git_tree_entry_id(entry)))
		goto out;
	*len = (size_t)git_blob_rawsize(blob);
	*data = xstrndup(git_blob_rawcontent(blob), *len);
	ok = true;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_object_free(tree);
	return ok;
}

bool redo_committed(const char *project, const char *path, char **data,
		    size_t *len)
{
	git_repository *repo;
	char *rel = NULL;
	bool ok = false;

	git_libgit2_init();
	repo = open_repo(project);
	if (repo)
		rel = repo_relative(repo, project, path);
	if (rel)
		ok = head_read(repo, rel, data, len);
	free(rel);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ok;
}

const char *redo_where_name(enum redo_where where)
{
	return where == REDO_STORE ? "genship's store" :
		where == REDO_REPO ? "the project's git repository" :
		"nowhere";
}
