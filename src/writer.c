#include "writer.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
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

int writer_check_path(const char *target, const char *path,
		      struct diag *err)
{
	return check_planned_path(target, path, err);
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
		/* mkdtemp made the staging dir 0700; a project is 0777 &~umask. */
		mode_t mask = umask(0);

		umask(mask);
		if (chmod(staging, 0777 & ~mask) == 0 &&
		    rename(staging, target) == 0)
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

/* ---- update transactions ------------------------------------------- */

#define TXN_SEALED "sealed"

void writer_fault_point(void)
{
	static long long limit = -1, count;

	if (limit < 0) {
		const char *s = getenv("GENSHIP_FAULT_AFTER");

		limit = s && *s ? strtoll(s, NULL, 10) : 0;
		if (limit < 0)
			limit = 0;
	}
	if (limit && ++count >= limit) {
		fprintf(stderr, "genship: fault injection: killed after %lld "
			"file operations\n", count);
		raise(SIGKILL);
	}
}

static char *txn_path(const char *project, const char *name)
{
	char *dir = fs_join(project, WRITER_TXN_DIR);
	char *path = name ? fs_join(dir, name) : xstrdup(dir);

	free(dir);
	return path;
}

bool writer_txn_pending(const char *project)
{
	char *sealed = txn_path(project, TXN_SEALED);
	bool yes = fs_exists(sealed);

	free(sealed);
	return yes;
}

void writer_txn_discard(const char *project)
{
	char *dir = txn_path(project, NULL);

	if (!writer_txn_pending(project))
		fs_rm_rf(dir);
	free(dir);
}

int writer_txn_begin(struct writer_txn *txn, const char *project,
		     struct diag *err)
{
	int ret;

	if (writer_txn_pending(project)) {
		diag_input(err, project, "an interrupted update is waiting in "
			   "'%s'", WRITER_TXN_DIR);
		diag_hint(err, "run 'genship update' to finish it");
		return ERR_INPUT;
	}
	txn->project = xstrdup(project);
	txn->dir = txn_path(project, NULL);
	txn->files = txn_path(project, "files");
	fs_rm_rf(txn->dir);
	ret = fs_mkdir_p(txn->files, 0777);
	if (ret)
		return diag_fail(err, "cannot create '%s': %s", txn->files,
				 strerror(-ret));
	return 0;
}

int writer_txn_stage(struct writer_txn *txn, const char *path,
		     unsigned mode, const char *data, size_t len,
		     struct diag *err)
{
	char *to = fs_join(txn->files, path);
	mode_t mask = umask(0);
	int ret;

	umask(mask);
	ret = make_parents(txn->files, path);
	if (!ret)
		ret = fs_write_new(to, data, len, mode & ~mask & 0777);
	if (ret)
		diag_fail(err, "cannot stage '%s': %s", to, strerror(-ret));
	else
		strbuf_addf(&txn->write, "%s\n", path);
	free(to);
	if (!ret)
		writer_fault_point();
	return ret ? ERR_FAIL : 0;
}

void writer_txn_delete(struct writer_txn *txn, const char *path,
		       const char *blob)
{
	strbuf_addf(&txn->del, "%s %s\n", blob, path);
}

void writer_txn_conflict(struct writer_txn *txn, const char *path)
{
	strbuf_addf(&txn->conflicts, "%s\n", path);
}

/* Write one list (or the seal) into the transaction directory. */
static int txn_write_list(const struct writer_txn *txn, const char *name,
			  const struct strbuf *sb, struct diag *err)
{
	char *path = fs_join(txn->dir, name);
	int ret = fs_write_new(path, sb->buf, sb->len, 0666);

	if (ret)
		diag_fail(err, "cannot write '%s': %s", path, strerror(-ret));
	free(path);
	if (!ret)
		writer_fault_point();
	return ret ? ERR_FAIL : 0;
}

int writer_txn_seal(struct writer_txn *txn, struct diag *err)
{
	struct strbuf none = STRBUF_INIT;
	int ret = txn_write_list(txn, "write", &txn->write, err);

	if (!ret)
		ret = txn_write_list(txn, "delete", &txn->del, err);
	if (!ret)
		ret = txn_write_list(txn, "conflicts", &txn->conflicts, err);
	if (!ret)
		ret = txn_write_list(txn, TXN_SEALED, &none, err);
	return ret;
}

void writer_txn_abort(struct writer_txn *txn)
{
	if (txn->dir)
		fs_rm_rf(txn->dir);
}

void writer_txn_release(struct writer_txn *txn)
{
	free(txn->project);
	free(txn->dir);
	free(txn->files);
	strbuf_release(&txn->write);
	strbuf_release(&txn->del);
	strbuf_release(&txn->conflicts);
	*txn = (struct writer_txn)WRITER_TXN_INIT;
}

/* Split off the next line of *p (len *n left); NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl)
		*nl++ = '\0';
	*p = nl;
	return line;
}

/* Remove the empty directories above path, up to (not including) root. */
static void prune_parents(const char *root, const char *path)
{
	char *rel = fs_dirname(path);

	while (strcmp(rel, ".") && strcmp(rel, "/")) {
		char *dir = fs_join(root, rel), *up;
		int gone = rmdir(dir);

		free(dir);
		if (gone < 0)
			break;
		up = fs_dirname(rel);
		free(rel);
		rel = up;
	}
	free(rel);
}

/* Remove path if its bytes still have blob id blob; else note it. */
static int commit_delete(const char *project, const char *blob,
			 const char *path, struct strbuf *kept,
			 struct diag *err)
{
	char *full = fs_join(project, path), *data = NULL, id[BLOB_HEXSZ + 1];
	struct diag ignore = DIAG_INIT;
	size_t len;
	int ret = 0;

	if (!fs_exists(full)) {
		/* A crash may have come between unlink and prune. */
		prune_parents(project, path);
		goto out;
	}
	if (fs_read_file(full, &data, &len, &ignore)) {
		ret = diag_fail(err, "cannot read '%s'", full);
		goto out;
	}
	blob_id(data, len, id);
	if (strcmp(id, blob)) {
		if (kept)
			strbuf_addf(kept, "%s\n", path);
	} else if (unlink(full) < 0) {
		ret = diag_fail(err, "cannot remove '%s': %s", full,
				strerror(errno));
	} else {
		prune_parents(project, path);
		writer_fault_point();
	}
out:
	diag_release(&ignore);
	free(data);
	free(full);
	return ret;
}

/* Run every "BLOB PATH" line of list through commit_delete(). */
static int commit_deletes(const char *project, char *list,
			  struct strbuf *kept, struct diag *err)
{
	char *line;
	int ret = 0;

	while (!ret && (line = next_line(&list))) {
		char *sp = strchr(line, ' ');

		if (!sp)
			return diag_fail(err, "corrupt transaction list in "
					 "'%s'", project);
		*sp = '\0';
		ret = commit_delete(project, line, sp + 1, kept, err);
	}
	return ret;
}

/* Move staged files into place; the last one only when last is true. */
static int commit_writes(const char *project, const char *files,
			 char *list, bool last, struct diag *err)
{
	char *line;
	int ret = 0;

	while (!ret && (line = next_line(&list))) {
		char *staged;
		bool is_last = !list || !*list;

		if (is_last != last)
			continue;
		staged = fs_join(files, line);
		if (fs_exists(staged)) {
			ret = commit_file(files, project, line, err);
			if (!ret)
				writer_fault_point();
		}
		free(staged);
	}
	return ret;
}

/* Read the transaction's lists: write, delete and conflicts. */
static int txn_read_lists(const char *project, char *lists[3],
			  struct diag *err)
{
	static const char *const names[] = { "write", "delete", "conflicts" };
	size_t len, i;
	int ret = 0;

	for (i = 0; !ret && i < 3; i++) {
		char *path = txn_path(project, names[i]);

		ret = fs_read_file(path, &lists[i], &len, err);
		free(path);
	}
	return ret ? ERR_FAIL : 0;
}

/* Unseal first, so that a crash while removing leaves a discardable rest. */
static int txn_remove(const char *project, struct diag *err)
{
	char *sealed = txn_path(project, TXN_SEALED);
	char *dir = txn_path(project, NULL);
	int ret = 0;

	if (unlink(sealed) < 0)
		ret = diag_fail(err, "cannot remove '%s': %s", sealed,
				strerror(errno));
	else
		writer_fault_point();
	if (!ret && fs_rm_rf(dir) == 0)
		writer_fault_point();
	free(sealed);
	free(dir);
	return ret;
}

int writer_txn_commit(const char *project, struct strbuf *conflicts,
		      struct strbuf *kept, struct diag *err)
{
	char *lists[3] = { NULL, NULL, NULL };
	char *files = txn_path(project, "files"), *w2 = NULL;
	int ret = txn_read_lists(project, lists, err);

	if (!ret && conflicts)
		strbuf_adds(conflicts, lists[2]);
	if (!ret)
		ret = commit_deletes(project, lists[1], kept, err);
	if (!ret) {
		w2 = xstrdup(lists[0]);
		ret = commit_writes(project, files, lists[0], false, err);
	}
	if (!ret)
		ret = commit_extras(files, project, err);
	if (!ret)
		ret = commit_writes(project, files, w2, true, err);
	if (!ret)
		ret = txn_remove(project, err);
	free(w2);
	free(files);
	free(lists[0]);
	free(lists[1]);
	free(lists[2]);
	return ret;
}
