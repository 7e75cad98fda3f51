#include "gitsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "genship-kind.h"
#include "strbuf.h"
#include "xalloc.h"

#define FILE_URL "file://"
#define MAX_LINK_HOPS 16
#define SHORT_ID 12

/* An opened repository and where the template sits in it. */
struct gitrepo {
	git_repository *repo;
	char *subdir;		/* template directory in the tree, "" at root */
	char *source;		/* what t->source records */
	char *rev;		/* the URL's #REV, or NULL */
};

/* Walking template/ or hooks/ of one commit. */
struct gitwalk {
	git_repository *repo;
	git_tree *root;		/* symlinks must resolve inside it */
	struct template *t;
	bool hook;
	const char *label;	/* "template" or "hooks", for messages */
	struct diag *err;
	int ret;
};

const char *gitsrc_last_error(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static int git_fail(struct diag *err, const char *what)
{
	return diag_fail(err, "%s: %s", what, gitsrc_last_error());
}

bool gitsrc_is_url(const char *spec)
{
	const char *colon = strstr(spec, "://");

	return colon && colon > spec && !memchr(spec, '/',
						(size_t)(colon - spec));
}

static void gitrepo_release(struct gitrepo *g)
{
	git_repository_free(g->repo);
	free(g->subdir);
	free(g->source);
	free(g->rev);
	memset(g, 0, sizeof(*g));
}

/* file:///path[#REV]: a repository whose root is the template. */
static int repo_open_url(const char *spec, struct gitrepo *g,
			 struct diag *err)
{
	const char *path = spec + strlen(FILE_URL), *hash;
	char *dir;
	int ret = 0;

	if (strncmp(spec, FILE_URL, strlen(FILE_URL)) || path[0] != '/') {
		diag_input(err, NULL, "unsupported template URL '%s'", spec);
		diag_hint(err, "git templates are https://, http://, ssh://, "
			  "git://, USER@HOST:PATH, gh:, gl: or file:// URLs");
		return ERR_INPUT;
	}
	hash = strchr(path, '#');
	dir = hash ? xstrndup(path, (size_t)(hash - path)) : xstrdup(path);
	if (git_repository_open_ext(&g->repo, dir,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		ret = diag_input(err, NULL, "cannot open git repository '%s'",
				 dir);
	g->subdir = xstrdup("");
	g->source = xstrdup(spec);
	g->rev = hash && hash[1] ? xstrdup(hash + 1) : NULL;
	free(dir);
	return ret;
}

/* A directory somewhere in a work tree (or a bare repository). */
static int repo_open_dir(const char *spec, struct gitrepo *g,
			 struct diag *err)
{
	char *real = realpath(spec, NULL), *top = NULL;
	const char *wd;
	size_t n;
	int ret = 0;

	if (!real || git_repository_open_ext(&g->repo, real, 0, NULL) < 0) {
		ret = diag_input(err, NULL, "'%s' is not in a git "
				 "repository", spec);
		goto out;
	}
	wd = git_repository_workdir(g->repo);
	top = wd ? realpath(wd, NULL) : NULL;
	n = top ? strlen(top) : 0;
	if (!top)
		g->subdir = xstrdup("");
	else if (!strncmp(real, top, n) && (!real[n] || real[n] == '/'))
		g->subdir = xstrdup(real + n + (real[n] == '/'));
	else
		ret = diag_input(err, NULL, "'%s' is outside the work tree "
				 "of its repository", spec);
	g->source = real;
	real = NULL;
out:
	free(real);
	free(top);
	return ret;
}

/* The template's tree at rev, and the commit id it came from. */
static int repo_tree(struct gitrepo *g, const char *rev, git_tree **out,
		     git_oid *id, struct diag *err)
{
	git_object *obj = NULL, *commit = NULL;
	git_tree_entry *e = NULL;
	git_tree *tree = NULL;
	int ret = 0;

	if (git_revparse_single(&obj, g->repo, rev) < 0 ||
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		ret = diag_input(err, NULL, "cannot find commit '%s' in the "
				 "template repository '%s'", rev, g->source);
		goto out;
	}
	*id = *git_object_id(commit);
	if (git_commit_tree(&tree, (git_commit *)commit) < 0) {
		ret = git_fail(err, "cannot read the commit's tree");
		goto out;
	}
	if (*g->subdir && (git_tree_entry_bypath(&e, tree, g->subdir) < 0 ||
			   git_tree_entry_type(e) != GIT_OBJECT_TREE)) {
		ret = diag_input(err, NULL, "commit %.12s of '%s' has no "
				 "directory '%s'", git_oid_tostr_s(id),
				 g->source, g->subdir);
		goto out;
	}
	if (e) {
		git_tree_free(tree);
		tree = NULL;
		if (git_tree_lookup(&tree, g->repo, git_tree_entry_id(e)) < 0)
			ret = git_fail(err, "cannot read the template tree");
	}
	if (!ret)
		*out = tree;
out:
	if (ret)
		git_tree_free(tree);
	git_tree_entry_free(e);
	git_object_free(commit);
	git_object_free(obj);
	return ret;
}

/* Copy a blob's bytes into a NUL-terminated malloc'd buffer. */
static char *blob_copy(git_blob *b, size_t *len)
{
	*len = (size_t)git_blob_rawsize(b);
	return xstrndup(git_blob_rawcontent(b), *len);
}

/* Apply link target to the directory of path, inside the walk's root. */
static int link_target(const char *path, const char *target,
		       struct strbuf *out)
{
	const char *slash = strrchr(path, '/'), *p = target;

	strbuf_reset(out);
	if (slash)
		strbuf_add(out, path, (size_t)(slash - path));
	if (*target == '/')
		return -1;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2)) {
			char *up;

			if (!out->len)
				return -1;
			up = strrchr(out->buf, '/');
			strbuf_setlen(out, up ? (size_t)(up - out->buf) : 0);
		} else if (n && !(n == 1 && *p == '.')) {
			if (out->len)
				strbuf_addch(out, '/');
			strbuf_add(out, p, n);
		}
		p += n + (p[n] == '/');
	}
	return 0;
}

/* Follow the symlink at path to a regular file inside the walk's root. */
static int resolve_link(struct gitwalk *w, const char *path,
			const git_tree_entry *link, git_blob **out,
			unsigned *mode)
{
	struct strbuf at = STRBUF_INIT, next = STRBUF_INIT;
	git_tree_entry *e = NULL;
	int hops, ret = 0;

	if (git_tree_entry_dup(&e, link) < 0)
		return git_fail(w->err, "cannot read a template file");
	strbuf_adds(&at, path);
	for (hops = 0; !ret && e && hops < MAX_LINK_HOPS; hops++) {
		git_filemode_t fm = git_tree_entry_filemode(e);
		git_blob *b = NULL;
		char *target;
		size_t len;

		if (git_blob_lookup(&b, w->repo, git_tree_entry_id(e)) < 0) {
			ret = git_fail(w->err, "cannot read a template file");
			break;
		}
		if (fm != GIT_FILEMODE_LINK) {
			*out = b;
			*mode = fm == GIT_FILEMODE_BLOB_EXECUTABLE ?
				0755 : 0644;
			break;
		}
		target = blob_copy(b, &len);
		git_blob_free(b);
		git_tree_entry_free(e);
		e = NULL;
		if (link_target(at.buf, target, &next) < 0 ||
		    git_tree_entry_bypath(&e, w->root, next.buf) < 0)
			ret = diag_input(w->err, NULL, "symlink '%s/%s' points "
					 "outside the template", w->label,
					 path);
		else if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			ret = diag_input(w->err, NULL, "symlink '%s/%s' does "
					 "not point to a regular file",
					 w->label, path);
		strbuf_reset(&at);
		strbuf_add(&at, next.buf, next.len);
		free(target);
	}
	if (!ret && hops == MAX_LINK_HOPS)
		ret = diag_input(w->err, NULL, "symlink '%s/%s' has too many "
				 "levels", w->label, path);
	git_tree_entry_free(e);
	strbuf_release(&at);
	strbuf_release(&next);
	return ret;
}

/* git_tree_walk() callback: add each file to the template. */
static int walk_entry(const char *root, const git_tree_entry *entry,
		      void *payload)
{
	struct gitwalk *w = payload;
	char *path, *data;
	git_blob *b = NULL;
	unsigned mode = 0644;
	size_t len;

	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		return 0;
	path = xasprintf("%s%s", root, git_tree_entry_name(entry));
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		w->ret = diag_input(w->err, NULL, "'%s/%s' is a submodule, "
				    "not a file", w->label, path);
	else
		w->ret = resolve_link(w, path, entry, &b, &mode);
	if (!w->ret) {
		data = blob_copy(b, &len);
		template_add_file(w->t, w->hook, path, mode, data, len);
	}
	git_blob_free(b);
	free(path);
	return w->ret ? -1 : 0;
}

/* Load the subtree called name (template or hooks); missing is empty. */
static int load_subtree(git_repository *repo, git_tree *tree,
			const char *name, struct template *t,
			struct diag *err)
{
	const git_tree_entry *e = git_tree_entry_byname(tree, name);
	struct gitwalk w = { repo, NULL, t, !strcmp(name, "hooks"), name,
			     err, 0 };

	if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return 0;
	if (git_tree_lookup(&w.root, repo, git_tree_entry_id(e)) < 0)
		return git_fail(err, "cannot read the template tree");
	if (git_tree_walk(w.root, GIT_TREEWALK_PRE, walk_entry, &w) < 0 &&
	    !w.ret)
		w.ret = git_fail(err, "cannot walk the template tree");
	git_tree_free(w.root);
	return w.ret;
}

/* Read genship.yml from tree into t. */
static int load_genship_yml(git_repository *repo, git_tree *tree,
			 struct template *t, struct diag *err)
{
	const git_tree_entry *e = git_tree_entry_byname(tree, "genship.yml");
	char *file = xasprintf("%s/genship.yml", t->dir), *text;
	git_blob *b = NULL;
	size_t len;
	int ret;

	if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		ret = diag_input(err, NULL, "'%s' has no genship.yml or "
				 "cookiecutter.json at commit %s", t->source,
				 t->commit);
		diag_hint(err, "a template has genship.yml at the top of its "
			  "directory; pass --directory SUBDIR when it is in "
			  "a subdirectory of the repository");
	} else if (git_blob_lookup(&b, repo, git_tree_entry_id(e)) < 0)
		ret = git_fail(err, "cannot read genship.yml");
	else {
		text = blob_copy(b, &len);
		ret = template_set_manifest(t, file, text, len, err);
	}
	git_blob_free(b);
	free(file);
	return ret;
}

/* Build a template from the repository's tree at rev. */
static int load_commit(struct gitrepo *g, const char *rev,
		       struct template **out, struct diag *err)
{
	char hex[GIT_OID_HEXSZ + 1], *dir;
	git_tree *tree = NULL;
	struct template *t;
	git_oid id;
	int ret = repo_tree(g, rev, &tree, &id, err);

	if (ret)
		return ret;
	git_oid_tostr(hex, sizeof(hex), &id);
	dir = xasprintf("%s@%.*s", g->source, SHORT_ID, hex);
	t = template_new(&genship_kind, g->source, dir);
	t->commit = xstrdup(hex);
	ret = load_genship_yml(g->repo, tree, t, err);
	if (!ret)
		ret = load_subtree(g->repo, tree, "template", t, err);
	if (!ret)
		ret = load_subtree(g->repo, tree, "hooks", t, err);
	if (!ret) {
		template_finish(t);
		*out = t;
	} else {
		template_free(t);
	}
	git_tree_free(tree);
	free(dir);
	return ret;
}

int gitsrc_open(const char *spec, const char *rev, struct template **out,
		struct diag *err)
{
	struct gitrepo g = { NULL, NULL, NULL, NULL };
	int ret;

	git_libgit2_init();	/* reference-counted: callers need not */
	ret = gitsrc_is_url(spec) ? repo_open_url(spec, &g, err) :
		repo_open_dir(spec, &g, err);
	if (!ret)
		ret = load_commit(&g, rev ? rev : g.rev ? g.rev : "HEAD", out,
				  err);
	gitrepo_release(&g);
	git_libgit2_shutdown();
	return ret;
}

int gitsrc_open_repo(const char *path, const char *rev, const char *subdir,
		     const char *label, struct template **out,
		     struct diag *err)
{
	struct gitrepo g = { NULL, NULL, NULL, NULL };
	int ret = 0;

	git_libgit2_init();
	if (git_repository_open_bare(&g.repo, path) < 0)
		ret = git_fail(err, "cannot open the cached repository");
	g.subdir = xstrdup(subdir ? subdir : "");
	g.source = xstrdup(label);
	if (!ret)
		ret = load_commit(&g, rev, out, err);
	gitrepo_release(&g);
	git_libgit2_shutdown();
	return ret;
}

/* Open the bare repository at path and find rev's tree at subdir. */
static int repo_at(const char *path, const char *rev, const char *subdir,
		   const char *label, struct gitrepo *g, git_tree **tree,
		   struct diag *err)
{
	git_oid id;

	if (git_repository_open_bare(&g->repo, path) < 0)
		return git_fail(err, "cannot open the cached repository");
	g->subdir = xstrdup(subdir ? subdir : "");
	g->source = xstrdup(label);
	return repo_tree(g, rev, tree, &id, err);
}

bool gitsrc_tree_has(const char *path, const char *rev, const char *subdir,
		     const char *name)
{
	struct gitrepo g = { NULL, NULL, NULL, NULL };
	struct diag quiet = DIAG_INIT;
	git_tree *tree = NULL;
	const git_tree_entry *e;
	bool yes = false;

	git_libgit2_init();
	if (!repo_at(path, rev, subdir, path, &g, &tree, &quiet)) {
		e = git_tree_entry_byname(tree, name);
		yes = e && git_tree_entry_type(e) == GIT_OBJECT_BLOB;
	}
	git_tree_free(tree);
	gitrepo_release(&g);
	diag_release(&quiet);
	git_error_clear();
	git_libgit2_shutdown();
	return yes;
}

/* Writing a tree out: where it goes and what went wrong. */
struct gitexport {
	git_repository *repo;
	const char *dest;
	const char *label;
	struct diag *err;
	int ret;
};

/* Write blob id to path with mode, or as a symlink for a link entry. */
static int export_blob(struct gitexport *x, const git_tree_entry *e,
		       const char *path)
{
	git_filemode_t fm = git_tree_entry_filemode(e);
	git_blob *b = NULL;
	char *data;
	size_t len;
	int ret = 0;

	if (git_blob_lookup(&b, x->repo, git_tree_entry_id(e)) < 0)
		return git_fail(x->err, "cannot read a template file");
	data = blob_copy(b, &len);
	if (fm == GIT_FILEMODE_LINK ? symlink(data, path) < 0 :
	    fs_write_new(path, data, len, fm == GIT_FILEMODE_BLOB_EXECUTABLE ?
			 0755 : 0644) < 0)
		ret = diag_fail(x->err, "cannot write '%s': %s", path,
				strerror(errno));
	free(data);
	git_blob_free(b);
	return ret;
}

/* git_tree_walk() callback: create each directory, file and link. */
static int export_entry(const char *root, const git_tree_entry *e,
			void *payload)
{
	struct gitexport *x = payload;
	const char *name = git_tree_entry_name(e);
	char *path;

	if (!strcmp(name, ".") || !strcmp(name, "..") ||
	    !strcmp(name, ".git") || strchr(name, '/')) {
		x->ret = diag_input(x->err, NULL, "'%s' holds a tree entry "
				    "named '%s%s'", x->label, root, name);
		return -1;
	}
	path = xasprintf("%s/%s%s", x->dest, root, name);
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (mkdir(path, 0755) < 0)
			x->ret = diag_fail(x->err, "cannot create '%s': %s",
					   path, strerror(errno));
	} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		x->ret = export_blob(x, e, path);
	} else {
		x->ret = diag_input(x->err, NULL, "'%s%s' of '%s' is a "
				    "submodule, not a file", root, name,
				    x->label);
	}
	free(path);
	return x->ret ? -1 : 0;
}

int gitsrc_export(const char *path, const char *rev, const char *subdir,
		  const char *label, const char *dest, struct diag *err)
{
	struct gitrepo g = { NULL, NULL, NULL, NULL };
	struct gitexport x = { NULL, dest, label, err, 0 };
	git_tree *tree = NULL;

	git_libgit2_init();
	x.ret = repo_at(path, rev, subdir, label, &g, &tree, err);
	x.repo = g.repo;
	if (!x.ret && mkdir(dest, 0755) < 0)
		x.ret = diag_fail(err, "cannot create '%s': %s", dest,
				  strerror(errno));
	if (!x.ret && git_tree_walk(tree, GIT_TREEWALK_PRE, export_entry,
				    &x) < 0 && !x.ret)
		x.ret = git_fail(err, "cannot walk the template tree");
	git_tree_free(tree);
	gitrepo_release(&g);
	git_libgit2_shutdown();
	return x.ret;
}

static bool same_files(const struct template_file *a, size_t na,
		       const struct template_file *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i].path, b[i].path) || a[i].mode != b[i].mode ||
		    a[i].len != b[i].len ||
		    memcmp(a[i].data, b[i].data, a[i].len))
			return false;
	return true;
}

static bool same_template(const struct template *a, const struct template *b)
{
	const struct manifest *ma = a->manifest, *mb = b->manifest;

	return ma->text_len == mb->text_len &&
		!memcmp(ma->text, mb->text, ma->text_len) &&
		same_files(a->files, a->nfiles, b->files, b->nfiles) &&
		same_files(a->hooks, a->nhooks, b->hooks, b->nhooks);
}

void gitsrc_match_commit(struct template *t)
{
	struct gitrepo g = { NULL, NULL, NULL, NULL };
	struct diag quiet = DIAG_INIT;
	struct template *head = NULL;

	git_libgit2_init();
	if (!repo_open_dir(t->dir, &g, &quiet) &&
	    !load_commit(&g, "HEAD", &head, &quiet) &&
	    same_template(t, head))
		t->commit = xstrdup(head->commit);
	template_free(head);
	gitrepo_release(&g);
	diag_release(&quiet);
	git_error_clear();
	git_libgit2_shutdown();
}
