#include "writer.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "strbuf.h"
#include "xalloc.h"

/*
 * With --force, walk each planned path's components inside target: a
 * symlink would lead outside the project and a directory cannot be
 * replaced by a file.
 */
static int check_planned_path(const char *target, const char *path,
			      struct diag *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	struct stat st;
	int ret = 0;

	strbuf_adds(&sb, target);
	while (!ret && *p) {
		size_t n = strcspn(p, "/");
		bool last = p[n] == '\0';

		strbuf_addch(&sb, '/');
		strbuf_add(&sb, p, n);
		if (lstat(sb.buf, &st) < 0)
			break;
		if (S_ISLNK(st.st_mode))
			ret = diag_input(err, sb.buf, "is a symlink; genship "
					 "does not write through symlinks");
		else if (last && S_ISDIR(st.st_mode))
			ret = diag_input(err, sb.buf, "is a directory, but the "
					 "template generates a file there");
		else if (!last && !S_ISDIR(st.st_mode))
			ret = diag_input(err, sb.buf, "is a file, but the "
					 "template generates a directory "
					 "there");
		p += n + !last;
	}
	strbuf_release(&sb);
	return ret;
}

int writer_check_target(const struct plan *plan, const char *target,
			bool force, struct diag *err)
{
	struct stat st;
	size_t i;
	int ret = 0;

	if (lstat(target, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
		return diag_input(err, target, "exists and is not a directory");
	if (fs_dir_is_empty(target))
		return 0;
	if (!force) {
		diag_input(err, target, "directory exists and is not empty");
		diag_hint(err, "choose another directory with -o, or pass "
			  "--force to overwrite the generated files (other "
			  "files are kept)");
		return ERR_INPUT;
	}
	for (i = 0; !ret && i < plan->nfiles; i++)
		ret = check_planned_path(target, plan->files[i].path, err);
	return ret;
}

int writer_stage_dir(const char *target, char **staging, struct diag *err)
{
	char *parent = fs_dirname(target), *base = fs_basename(target);
	char *tmpl = xasprintf("%s/.%s.genship-XXXXXX", parent, base);
	int ret = fs_mkdir_p(parent, 0777);

	if (!ret && !mkdtemp(tmpl))
		ret = -errno;
	if (ret) {
		diag_fail(err, "cannot create a staging directory in '%s': %s",
			  parent, strerror(-ret));
		free(tmpl);
	} else {
		*staging = tmpl;
	}
	free(parent);
	free(base);
	return ret ? ERR_FAIL : 0;
}

/* Create the parent directories of path (relative to root). */
static int make_parents(const char *root, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int ret;

	if (!slash)
		return 0;
	dir = xasprintf("%s/%.*s", root, (int)(slash - path), path);
	ret = fs_mkdir_p(dir, 0777);
	free(dir);
	return ret;
}

int writer_write(const struct plan *plan, const char *staging,
		 struct diag *err)
{
	mode_t mask = umask(0);
	size_t i;
	int ret = 0;

	umask(mask);
	for (i = 0; !ret && i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		char *path = fs_join(staging, f->path);

		ret = make_parents(staging, f->path);
		if (!ret)
			ret = fs_write_new(path, f->data, f->len,
					   f->mode & ~mask & 0777);
		if (ret)
			diag_fail(err, "cannot write '%s': %s", path,
				  strerror(-ret));
		free(path);
	}
	return ret ? ERR_FAIL : 0;
}

/* Move one staged file over its place in target. */
static int commit_file(const char *staging, const char *target,
		       const char *path, struct diag *err)
{
	char *from = fs_join(staging, path), *to = fs_join(target, path);
	int ret = make_parents(target, path);

	if (!ret && rename(from, to) < 0)
		ret = -errno;
	if (ret)
		diag_fail(err, "cannot move '%s' into place: %s", to,
			  strerror(-ret));
	free(from);
	free(to);
	return ret ? ERR_FAIL : 0;
}

/*
 * Move what is left in staging after the planned files (hook output such
 * as .git) into target, without replacing anything already there: an
 * existing file of the user's wins.
 */
static int commit_extras(const char *from, const char *to, struct diag *err)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (e = readdir(d))) {
		char *src, *dst;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		src = fs_join(from, e->d_name);
		dst = fs_join(to, e->d_name);
		if (lstat(dst, &st) < 0) {
			if (rename(src, dst) < 0)
				ret = diag_fail(err, "cannot move '%s' into "
						"place: %s", dst,
						strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			ret = commit_extras(src, dst, err);
		}
		free(src);
		free(dst);
	}
	closedir(d);
	return ret;
}

int writer_commit(const struct plan *plan, const char *staging,
		  const char *target, struct diag *err)
{
	size_t i;
	int ret = 0;

	if (!fs_exists(target) || fs_dir_is_empty(target)) {
		if (rename(staging, target) == 0)
			return 0;
		return diag_fail(err, "cannot move the project into '%s': %s",
				 target, strerror(errno));
	}
	for (i = 0; !ret && i < plan->nfiles; i++)
		ret = commit_file(staging, target, plan->files[i].path, err);
	if (!ret)
		ret = commit_extras(staging, target, err);
	writer_abort(staging);
	return ret;
}

void writer_abort(const char *staging)
{
	if (staging)
		fs_rm_rf(staging);
}
