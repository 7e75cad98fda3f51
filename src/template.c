#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "fsutil.h"
#include "hook.h"
#include "plan.h"
#include "xalloc.h"

#define BUILTIN_PREFIX "templates/"

/* How a built-in template is recorded, and may be named explicitly. */
#define BUILTIN_SOURCE "builtin:"

static void add_file(struct template_file **arr, size_t *n, size_t *alloc,
		     const char *path, unsigned mode, const char *data,
		     size_t len)
{
	struct template_file *f;

	XALLOC_GROW(*arr, *n + 1, *alloc);
	f = &(*arr)[(*n)++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->mode = mode;
	f->data = data;
	f->len = len;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct template_file *)a)->path,
		      ((const struct template_file *)b)->path);
}

/* Keep buf alive as long as t; it backs template file data. */
static void own(struct template *t, char *buf)
{
	XALLOC_GROW(t->owned, t->nowned + 1, t->owned_alloc);
	t->owned[t->nowned++] = buf;
}

static int load_manifest(struct template *t, const char *file,
			 const char *text, size_t len, struct diag *err)
{
	int ret = manifest_load(file, text, len, &t->manifest, err);

	if (!ret)
		t->name = xstrdup(t->manifest->name);
	return ret;
}

/* ---- built-in templates ------------------------------------------- */

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Add every built-in file under prefix to arr, with the prefix removed. */
static size_t add_builtin_tree(struct template_file **arr, size_t *n,
			       const char *prefix)
{
	size_t i, alloc = *n, count = 0;

	for (i = 0; i < builtin_nfiles; i++) {
		const struct builtin_file *b = &builtin_files[i];

		if (!has_prefix(b->path, prefix))
			continue;
		add_file(arr, n, &alloc, b->path + strlen(prefix), b->mode,
			 b->data, b->len);
		count++;
	}
	return count;
}

static const struct builtin_file *builtin_find(const char *path)
{
	size_t i;

	for (i = 0; i < builtin_nfiles; i++)
		if (!strcmp(builtin_files[i].path, path))
			return &builtin_files[i];
	return NULL;
}

int template_load_builtin(struct template *t, const char *name,
			  struct diag *err)
{
	char *mpath = xasprintf(BUILTIN_PREFIX "%s/genship.yml", name);
	char *tprefix = xasprintf(BUILTIN_PREFIX "%s/template/", name);
	char *hprefix = xasprintf(BUILTIN_PREFIX "%s/hooks/", name);
	const struct builtin_file *m = builtin_find(mpath);
	int ret = 0;

	if (m) {	/* t stays untouched for a name that is not built in */
		t->builtin = true;
		t->source = xasprintf(BUILTIN_SOURCE "%s", name);
		ret = load_manifest(t, mpath, m->data, m->len, err);
	}
	if (m && !ret) {
		add_builtin_tree(&t->files, &t->nfiles, tprefix);
		if (!add_builtin_tree(&t->hooks, &t->nhooks, hprefix))
			add_builtin_tree(&t->hooks, &t->nhooks, "hooks/");
	}
	free(mpath);
	free(tprefix);
	free(hprefix);
	return m ? ret : 1;
}

void template_list_builtin(void (*fn)(const char *name, void *ud), void *ud)
{
	size_t i, plen = strlen(BUILTIN_PREFIX);

	for (i = 0; i < builtin_nfiles; i++) {
		const char *p = builtin_files[i].path;
		const char *slash;

		if (!has_prefix(p, BUILTIN_PREFIX))
			continue;
		slash = strchr(p + plen, '/');
		if (slash && !strcmp(slash, "/genship.yml")) {
			char *name = xstrndup(p + plen, (size_t)(slash - p) - plen);

			fn(name, ud);
			free(name);
		}
	}
}

/* ---- templates on disk -------------------------------------------- */

struct walk {
	struct template *t;
	struct template_file **arr;
	size_t *n, alloc;
	const char *root;	/* realpath of the walked directory */
	const char *label;	/* "template" or "hooks", for messages */
	struct diag *err;
};

static int walk_dir(struct walk *w, const char *dir, const char *rel);

/* True when real lies inside (or is) root. */
static bool path_within(const char *real, const char *root)
{
	size_t n = strlen(root);

	return !strncmp(real, root, n) && (real[n] == '/' || real[n] == '\0');
}

/* Resolve a symlink: its target must be a regular file inside the root. */
static int check_symlink(struct walk *w, const char *path, const char *rel,
			 struct stat *st)
{
	char *real = realpath(path, NULL);
	int ret = 0;

	if (!real || !path_within(real, w->root)) {
		ret = diag_input(w->err, path, "symlink '%s/%s' points outside "
				 "the template", w->label, rel);
		diag_hint(w->err, "replace the link with a copy of the file");
	} else if (stat(real, st) < 0 || !S_ISREG(st->st_mode)) {
		ret = diag_input(w->err, path, "symlink '%s/%s' does not "
				 "point to a regular file", w->label, rel);
	}
	free(real);
	return ret;
}

/* A template tree nested past PATH_MAX: bad input, named by its start. */
static int too_deep(struct walk *w, const char *rel)
{
	char *name = xasprintf("%s/%s/%.*s...", w->t->dir, w->label, 64,
			       rel);
	int ret = diag_input(w->err, name, "template path is longer than %d "
			     "bytes, the limit of a path", PATH_MAX);

	diag_hint(w->err, "nest the template tree less deeply, or use "
		  "shorter names");
	free(name);
	return ret;
}

static int walk_entry(struct walk *w, const char *path, const char *rel)
{
	struct stat st;
	char *data, *shown;
	size_t len;
	int ret;

	if (lstat(path, &st) < 0)
		return errno == ENAMETOOLONG ? too_deep(w, rel) :
		       diag_fail(w->err, "cannot stat '%s': %s", path,
				 strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, path, rel);
	if (S_ISLNK(st.st_mode) && (ret = check_symlink(w, path, rel, &st)))
		return ret;
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return diag_input(w->err, path, "'%s/%s' is not a regular file",
				  w->label, rel);
	shown = xasprintf("%s/%s/%s", w->t->dir, w->label, rel);
	ret = fs_read_input(path, shown, FS_MAX_FILE, &data, &len, w->err);
	free(shown);
	if (ret)
		return ret;
	own(w->t, data);
	add_file(w->arr, w->n, &w->alloc, rel, template_file_mode(st.st_mode),
		 data, len);
	return 0;
}

static int walk_entry_cb(void *ud, const char *path, const char *rel)
{
	return walk_entry(ud, path, rel);
}

static int walk_dir(struct walk *w, const char *dir, const char *rel)
{
	return fs_each_entry(dir, rel, walk_entry_cb, w, w->err);
}

/* Load every file below dir/sub into arr; a missing sub is empty. */
static int load_tree(struct template *t, const char *sub,
		     struct template_file **arr, size_t *n, struct diag *err)
{
	char *dir = fs_join(t->dir, sub);
	char *root = realpath(dir, NULL);
	struct walk w = { t, arr, n, 0, root, sub, err };
	int ret = 0;

	if (root)
		ret = walk_dir(&w, root, "");
	else if (errno != ENOENT)
		ret = diag_fail(err, "cannot open '%s': %s", dir,
				strerror(errno));
	free(root);
	free(dir);
	return ret;
}

unsigned template_file_mode(unsigned st_mode)
{
	return (st_mode & 0755) | 0600;
}

/* A symlink of the template's top level (or of hooks/) resolves inside. */
static int check_top_entry(void *ud, const char *path, const char *rel)
{
	struct walk *w = ud;
	struct stat st;
	char *real;
	int ret = 0;

	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	real = realpath(path, NULL);
	if (!real || !path_within(real, w->root)) {
		ret = diag_input(w->err, path, "symlink '%s' points outside "
				 "the template", rel);
		diag_hint(w->err, "replace the link with a copy of what it "
			  "points to");
	}
	free(real);
	return ret;
}

/*
 * genship never follows a symlink out of a template.  The walks of
 * template/ and hooks/ check the links below them against those
 * directories; this checks what they rely on: every entry directly in
 * dir (genship.yml, template/ and hooks/ themselves, cookiecutter.json,
 * a cookiecutter project directory) and in dir/hooks, against dir.
 */
int template_check_links(const char *dir, struct diag *err)
{
	char *root = realpath(dir, NULL), *hooks = fs_join(dir, "hooks");
	struct walk w = { NULL, NULL, NULL, 0, root, "", err };
	struct stat st;
	int ret = 0;

	if (root)
		ret = fs_each_entry(dir, "", check_top_entry, &w, err);
	if (root && !ret && lstat(hooks, &st) == 0 && S_ISDIR(st.st_mode))
		ret = fs_each_entry(hooks, "hooks", check_top_entry, &w, err);
	free(hooks);
	free(root);
	return ret;
}

int template_load_dir(struct template *t, const char *dir, struct diag *err)
{
	char *mpath = fs_join(dir, "genship.yml"), *text;
	size_t len;
	int ret;

	t->dir = xstrdup(dir);
	t->source = realpath(dir, NULL);
	if (!t->source)
		t->source = xstrdup(dir);
	ret = fs_read_input(mpath, NULL, FS_MAX_DATA, &text, &len, err);
	if (!ret) {
		own(t, text);
		ret = load_manifest(t, mpath, text, len, err);
	}
	if (!ret)
		ret = load_tree(t, "template", &t->files, &t->nfiles, err);
	if (!ret)
		ret = load_tree(t, "hooks", &t->hooks, &t->nhooks, err);
	free(mpath);
	return ret;
}

struct template *template_new(const struct template_kind *kind,
			      const char *source, const char *dir)
{
	struct template *t = xcalloc(1, sizeof(*t));

	t->kind = kind;

	t->source = xstrdup(source);
	t->dir = xstrdup(dir);
	return t;
}

int template_set_manifest(struct template *t, const char *file, char *text,
			  size_t len, struct diag *err)
{
	own(t, text);
	return load_manifest(t, file, text, len, err);
}

void template_add_file(struct template *t, bool hook, const char *path,
		       unsigned mode, char *data, size_t len)
{
	size_t alloc = hook ? t->nhooks : t->nfiles;

	own(t, data);
	if (hook)
		add_file(&t->hooks, &t->nhooks, &alloc, path, mode, data, len);
	else
		add_file(&t->files, &t->nfiles, &alloc, path, mode, data, len);
}

/* Sort files by path; qsort must not see the NULL of an empty list. */
static void sort_files(struct template_file *files, size_t n)
{
	if (n > 1)
		qsort(files, n, sizeof(*files), cmp_file);
}

void template_finish(struct template *t)
{
	sort_files(t->files, t->nfiles);
	sort_files(t->hooks, t->nhooks);
}

static void free_files(struct template_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(files[i].path);
		tpl_free(files[i].compiled);
	}
	free(files);
}

char *template_files_prefix(const struct template *t)
{
	return t->dir ? xasprintf("%s/template/", t->dir) :
		xasprintf("templates/%s/template/", t->name);
}

void template_free(struct template *t)
{
	size_t i;

	if (!t)
		return;
	free_files(t->files, t->nfiles);
	free_files(t->hooks, t->nhooks);
	for (i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	manifest_free(t->manifest);
	if (t->kind && t->kind->free)
		t->kind->free(t->state);
	free(t->name);
	free(t->source);
	free(t->dir);
	free(t->commit);
	free(t->url);
	free(t->ref);
	free(t->subdir);
	free(t);
}

/* Find path among n files sorted by path. */
static struct template_file *find_sorted(struct template_file *files,
					 size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(files[mid].path, path);

		if (!c)
			return &files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct template_file *template_find_file(struct template_file *files,
					 size_t n, const char *name,
					 size_t len)
{
	struct strbuf norm = STRBUF_INIT;
	struct template_file *f = NULL;
	const char *p = name, *end = name + len;

	while (p < end) {
		size_t k = strcspn(p, "/");

		if (k > (size_t)(end - p))
			k = (size_t)(end - p);
		if (k == 2 && !strncmp(p, "..", 2))
			goto out;
		if (k && !(k == 1 && *p == '.'))
			strbuf_addf(&norm, "%s%.*s", norm.len ? "/" : "",
				    (int)k, p);
		p += k + 1;
	}
	f = find_sorted(files, n, norm.buf);
out:
	strbuf_release(&norm);
	return f;
}

const struct template_file *template_hook(const struct template *t,
					  const char *name)
{
	size_t i;

	for (i = 0; i < t->nhooks; i++)
		if (!strcmp(t->hooks[i].path, name))
			return &t->hooks[i];
	return NULL;
}

bool template_has(const struct template *t, unsigned flag)
{
	return t->kind->flags & flag;
}

int template_resolve(const struct template *t,
		     const struct template_request *rq, struct arena *a,
		     struct value **ctx, struct diag *err)
{
	return t->kind->resolve(t, rq, a, ctx, err);
}

const struct value *template_vars(const struct template *t,
				  const struct value *ctx)
{
	return t->kind->vars(ctx);
}

int template_render(struct template *t, const struct value *ctx,
		    struct plan *out, struct diag *err)
{
	int ret = t->kind->render(t, ctx, out, err);

	if (ret)
		plan_release(out);
	return ret;
}

int template_run_hooks(const struct template *t, enum template_stage stage,
		       const struct value *ctx, const struct hook_ctx *hc,
		       struct diag *err)
{
	return t->kind->run_hooks(t, stage, ctx, hc, err);
}

int template_project_dir(const struct template *t, const struct value *ctx,
			 struct arena *a, char **name, struct diag *err)
{
	return t->kind->project_dir(t, ctx, a, name, err);
}

int template_check_trust(const struct template *t, bool no_hooks,
			 bool trust, bool interactive, bool *run,
			 struct diag *err)
{
	const struct manifest *m = t->manifest;
	struct hook_origin o = { t->name, t->source, t->dir, t->url, t->commit,
				 t->builtin, m->npre_hooks || m->npost_hooks };

	return hook_check_trust(&o, no_hooks, trust, interactive, run, err);
}
