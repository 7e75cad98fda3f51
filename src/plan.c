/*
 * The plan: what one render produces, kept sorted by path (plan.h).
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int cmp_plan_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct plan_file *)elem)->path);
}

const struct plan_file *plan_find(const struct plan *p, const char *path)
{
	if (!p->nfiles)
		return NULL;
	return bsearch(path, p->files, p->nfiles, sizeof(*p->files),
		       cmp_plan_path);
}

/* Index where path is or would be inserted. */
static size_t plan_slot(const struct plan *p, const char *path)
{
	size_t lo = 0, hi = p->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(p->files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Insert a file taking ownership of path and data; return it. */
static struct plan_file *plan_insert(struct plan *p, char *path,
				     unsigned mode, char *data, size_t len)
{
	size_t i = plan_slot(p, path);
	struct plan_file *f;

	if (i < p->nfiles && !strcmp(p->files[i].path, path)) {
		p->bytes -= p->files[i].len;
		free(p->files[i].path);
		free(p->files[i].data);
	} else {
		XALLOC_GROW(p->files, p->nfiles + 1, p->alloc);
		memmove(p->files + i + 1, p->files + i,
			(p->nfiles - i) * sizeof(*p->files));
		p->nfiles++;
	}
	f = &p->files[i];
	f->path = path;
	f->mode = mode;
	f->data = data;
	f->len = len;
	f->source = NULL;
	p->bytes += len;
	return f;
}

const char *plan_find_clash(const struct plan *p, const char *path)
{
	size_t n = strlen(path), i;
	char *dir = xstrdup(path), *slash;
	const struct plan_file *f = NULL;

	/* A file of the plan where path needs a directory. */
	while (!f && (slash = strrchr(dir, '/'))) {
		*slash = '\0';
		f = plan_find(p, dir);
	}
	free(dir);
	if (f)
		return f->path;
	/* A file of the plan inside path: sorted, it follows "path/". */
	dir = xasprintf("%s/", path);
	i = plan_slot(p, dir);
	free(dir);
	if (i < p->nfiles && !strncmp(p->files[i].path, path, n) &&
	    p->files[i].path[n] == '/')
		return p->files[i].path;
	return NULL;
}

int plan_check_budget(const struct plan *p, size_t len, const char *file,
		      struct diag *err)
{
	if (len <= PLAN_MAX_TOTAL && p->bytes <= PLAN_MAX_TOTAL - len)
		return 0;
	diag_input(err, file, "the generated files exceed %zu MiB in total "
		   "with this one", PLAN_MAX_TOTAL >> 20);
	diag_hint(err, "a template renders at most %zu MiB per run; render "
		  "fewer or smaller files", PLAN_MAX_TOTAL >> 20);
	return ERR_INPUT;
}

void plan_add(struct plan *p, const char *path, unsigned mode,
	      const char *data, size_t len)
{
	plan_insert(p, xstrdup(path), mode, xstrndup(data, len), len);
}

struct plan_file *plan_add_owned(struct plan *p, char *path, unsigned mode,
				 char *data, size_t len)
{
	return plan_insert(p, path, mode, data, len);
}

void plan_add_dir(struct plan *p, const char *path)
{
	XALLOC_GROW(p->dirs, p->ndirs + 1, p->dirs_alloc);
	p->dirs[p->ndirs++] = xstrdup(path);
}

void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data);
	}
	for (i = 0; i < p->ndirs; i++)
		free(p->dirs[i]);
	free(p->dirs);
	free(p->files);
	*p = (struct plan)PLAN_INIT;
}
