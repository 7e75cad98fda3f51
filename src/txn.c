#include "txn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "fsutil.h"
#include "lock.h"
#include "writer.h"
#include "xalloc.h"

#define TXN_SEALED_FILE "sealed"
#define TXN_STARTED_FILE "started"
#define TXN_ABSENT "-"		/* EXPECT of a file that must not exist */

/* ---- paths and state ------------------------------------------------- */

/* project/.genship-update[/name], caller-owned. */
static char *txn_path(const char *project, const char *name)
{
	char *dir = fs_join(project, TXN_DIR_NAME);
	char *path = name ? fs_join(dir, name) : xstrdup(dir);

	free(dir);
	return path;
}

/* True when project's transaction has file name. */
static bool txn_has(const char *project, const char *name)
{
	char *path = txn_path(project, name);
	bool yes = fs_exists(path);

	free(path);
	return yes;
}

enum txn_state txn_state(const char *project)
{
	char *dir = txn_path(project, NULL);
	enum txn_state s = !fs_exists(dir) ? TXN_NONE :
		!lock_stamp_matches(dir) ? TXN_FOREIGN :
		txn_has(project, TXN_SEALED_FILE) ? TXN_SEALED : TXN_UNSEALED;

	free(dir);
	return s;
}

int txn_check_owner(const char *project, struct diag *err)
{
	if (txn_state(project) != TXN_FOREIGN)
		return 0;
	diag_input(err, project, "'%s' was not created by genship for this "
		   "project (it may have come with the repository or a copy); "
		   "genship leaves it alone", TXN_DIR_NAME);
	diag_hint(err, "if no update of yours was interrupted here, remove "
		  "it: rm -rf '%s/%s'", project, TXN_DIR_NAME);
	return ERR_INPUT;
}

void txn_discard(const char *project)
{
	char *dir = txn_path(project, NULL);

	if (lock_stamp_matches(dir))
		fs_rm_rf(dir);
	free(dir);
}

/* ---- staging ---------------------------------------------------------- */

/* Create the parent directories of path under root. */
static int make_parents(const char *root, const char *path)
{
	char *full = fs_join(root, path), *dir = fs_dirname(full);
	int ret = fs_mkdir_p(dir, WRITER_MODE_MAX);

	free(dir);
	free(full);
	return ret;
}

int txn_begin(struct txn *txn, const char *project, struct diag *err)
{
	int ret = txn_check_owner(project, err);

	if (ret)
		return ret;
	if (txn_state(project) == TXN_SEALED) {
		diag_input(err, project, "an interrupted update is waiting in "
			   "'%s'", TXN_DIR_NAME);
		diag_hint(err, "run 'genship update' to finish it");
		return ERR_INPUT;
	}
	txn_discard(project);
	txn->project = xstrdup(project);
	txn->dir = txn_path(project, NULL);
	txn->files = txn_path(project, "files");
	if (mkdir(txn->dir, 0700) < 0)
		return diag_fail(err, "cannot create '%s': %s", txn->dir,
				 strerror(errno));
	ret = lock_stamp_write(txn->dir, err);
	if (!ret && mkdir(txn->files, WRITER_MODE_MAX) < 0)
		ret = diag_fail(err, "cannot create '%s': %s", txn->files,
				strerror(errno));
	return ret;
}

int txn_stage(struct txn *txn, const char *path, unsigned mode,
	      const char *data, size_t len, const char *expect,
	      struct diag *err)
{
	char *to = fs_join(txn->files, path);
	int ret = make_parents(txn->files, path);

	if (!ret)
		ret = fs_write_new(to, data, len, writer_file_mode(mode));
	if (ret)
		diag_fail(err, "cannot stage '%s': %s", to, strerror(-ret));
	else
		strbuf_addf(&txn->write, "%s %s\n", expect ? expect :
			    TXN_ABSENT, path);
	free(to);
	return ret ? ERR_FAIL : writer_step(err);
}

void txn_delete(struct txn *txn, const char *path, const char *blob)
{
	strbuf_addf(&txn->del, "%s %s\n", blob, path);
}

void txn_conflict(struct txn *txn, const char *path)
{
	strbuf_addf(&txn->conflicts, "%s\n", path);
}

/* Write one list (or a marker) into the transaction directory. */
static int write_list(const char *dir, const char *name,
		      const struct strbuf *sb, struct diag *err)
{
	char *path = fs_join(dir, name);
	int ret = fs_write_new(path, sb->buf, sb->len, 0600);

	if (ret)
		diag_fail(err, "cannot write '%s': %s", path, strerror(-ret));
	free(path);
	return ret ? ERR_FAIL : writer_step(err);
}

/* Turn the staged "EXPECT PATH" lines into "EXPECT NEW PATH" lines. */
static void add_new_blobs(const struct txn *txn, struct strbuf *out)
{
	const char *p = txn->write.buf, *nl;
	char id[BLOB_HEXSZ + 1];

	for (; (nl = strchr(p, '\n')); p = nl + 1) {
		const char *sp = strchr(p, ' ');
		char *rel = xstrndup(sp + 1, (size_t)(nl - sp - 1));
		char *staged = fs_join(txn->files, rel);

		if (writer_file_blob(staged, id) > 0)
			strbuf_addf(out, "%.*s %s %s\n", (int)(sp - p), p, id,
				    rel);
		free(staged);
		free(rel);
	}
}

int txn_seal(struct txn *txn, struct diag *err)
{
	struct strbuf none = STRBUF_INIT, write = STRBUF_INIT;
	int ret;

	add_new_blobs(txn, &write);
	ret = write_list(txn->dir, "write", &write, err);
	if (!ret)
		ret = write_list(txn->dir, "delete", &txn->del, err);
	if (!ret)
		ret = write_list(txn->dir, "conflicts", &txn->conflicts, err);
	if (!ret)
		ret = write_list(txn->dir, TXN_SEALED_FILE, &none, err);
	strbuf_release(&write);
	return ret;
}

void txn_abort(struct txn *txn)
{
	if (txn->dir)
		fs_rm_rf(txn->dir);
}

void txn_release(struct txn *txn)
{
	free(txn->project);
	free(txn->dir);
	free(txn->files);
	strbuf_release(&txn->write);
	strbuf_release(&txn->del);
	strbuf_release(&txn->conflicts);
	*txn = (struct txn)TXN_INIT;
}

/* ---- reading the lists back ------------------------------------------ */

/* One line of a list: a write ("EXPECT NEW PATH") or a delete. */
struct txn_op {
	char expect[BLOB_HEXSZ + 1];	/* TXN_ABSENT or a blob id */
	char new[BLOB_HEXSZ + 1];	/* writes only */
	char *path;
};

struct txn_lists {
	struct txn_op *w, *d;
	size_t nw, nd, walloc, dalloc;
	char *conflicts;
};

#define TXN_LISTS_INIT { NULL, NULL, 0, 0, 0, 0, NULL }

static bool is_blob_text(const char *s, size_t n)
{
	return n == BLOB_HEXSZ && strspn(s, "0123456789abcdef") >= n;
}

/*
 * Split the first field off *p (up to a space) into out: blob ids, or
 * TXN_ABSENT when absent_ok.  false when the field is not one.
 */
static bool take_field(char **p, char out[BLOB_HEXSZ + 1], bool absent_ok)
{
	char *sp = strchr(*p, ' ');
	size_t n = sp ? (size_t)(sp - *p) : 0;

	if (!sp || !(is_blob_text(*p, n) ||
		     (absent_ok && n == 1 && **p == '-')))
		return false;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p = sp + 1;
	return true;
}

/* Refuse a listed path genship may not touch: a located ERR_INPUT. */
static int check_listed(const char *list, size_t lineno, const char *path,
			bool last_write, const char *project, struct diag *err)
{
	const char *why = paths_problem(path);

	if (why && last_write && !strcmp(path, PATHS_ANSWERS_FILE))
		why = NULL;
	if (!why)
		return writer_check_path(project, path, err);
	diag_input(err, list, "line %zu: unsafe path '%s': %s", lineno, path,
		   why);
	diag_hint(err, "genship writes this list itself; remove '%s' if it "
		  "did not come from an interrupted update", TXN_DIR_NAME);
	return ERR_INPUT;
}

/* Parse list text (read from file) into ops; writes when is_write. */
static int parse_ops(const char *file, char *text, bool is_write,
		     const char *project, struct txn_op **ops, size_t *n,
		     size_t *alloc, struct diag *err)
{
	size_t lineno = 0;
	char *line, *p = text;
	int ret = 0;

	while (!ret && (line = strsep(&p, "\n")) && (*line || p)) {
		struct txn_op op = { "", "", NULL };
		char *rest = line;

		lineno++;
		if (!take_field(&rest, op.expect, is_write) ||
		    (is_write && !take_field(&rest, op.new, false))) {
			ret = diag_input(err, file, "line %zu: corrupt "
					 "transaction list", lineno);
			break;
		}
		ret = check_listed(file, lineno, rest, is_write && p && !*p,
				   project, err);
		op.path = xstrdup(rest);
		XALLOC_GROW(*ops, *n + 1, *alloc);
		(*ops)[(*n)++] = op;
	}
	return ret;
}

/* Read one list of project's transaction; caller frees *text. */
static int read_list(const char *project, const char *name, char **text,
		     char **file, struct diag *err)
{
	size_t len;

	*file = txn_path(project, name);
	if (fs_read_file(*file, text, &len, err))
		return ERR_FAIL;
	if (memchr(*text, '\0', len) || (len && (*text)[len - 1] != '\n'))
		return diag_input(err, *file, "corrupt transaction list");
	return 0;
}

/* Check every conflicts line like any listed path. */
static int check_conflicts(const char *file, const char *text,
			   const char *project, struct diag *err)
{
	char *copy = xstrdup(text), *p = copy, *line;
	size_t lineno = 0;
	int ret = 0;

	while (!ret && (line = strsep(&p, "\n")) && *line)
		ret = check_listed(file, ++lineno, line, false, project, err);
	free(copy);
	return ret;
}

/* Read list name of project and parse it into ops (writes when is_write). */
static int read_ops(const char *project, const char *name, bool is_write,
		    struct txn_op **ops, size_t *n, size_t *alloc,
		    struct diag *err)
{
	char *text = NULL, *file = NULL;
	int ret = read_list(project, name, &text, &file, err);

	if (!ret)
		ret = parse_ops(file, text, is_write, project, ops, n, alloc,
				err);
	free(text);
	free(file);
	return ret;
}

/* Read and validate the write, delete and conflicts lists. */
static int lists_read(const char *project, struct txn_lists *l,
		      struct diag *err)
{
	char *file = NULL;
	int ret = read_ops(project, "write", true, &l->w, &l->nw, &l->walloc,
			   err);

	if (!ret)
		ret = read_ops(project, "delete", false, &l->d, &l->nd,
			       &l->dalloc, err);
	if (!ret && !(ret = read_list(project, "conflicts", &l->conflicts,
				      &file, err)))
		ret = check_conflicts(file, l->conflicts, project, err);
	free(file);
	return ret;
}

static void lists_release(struct txn_lists *l)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		free(l->w[i].path);
	for (i = 0; i < l->nd; i++)
		free(l->d[i].path);
	free(l->w);
	free(l->d);
	free(l->conflicts);
}

/* ---- compare-and-swap ------------------------------------------------- */

/*
 * Swap a and b atomically.  Where the file system cannot, b simply
 * replaces a's place (the caller checked b's content just before).
 */
static int exchange(const char *a, const char *b)
{
	if (!renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	return rename(a, b) < 0 ? -errno : 0;
}

/* True when the file at path has blob id want (TXN_ABSENT: is absent). */
static bool has_blob(const char *path, const char *want)
{
	char id[BLOB_HEXSZ + 1];
	int r = writer_file_blob(path, id);

	if (!strcmp(want, TXN_ABSENT))
		return r == 0;
	return r > 0 && !strcmp(id, want);
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

/* Where and what one commit works on. */
struct txn_commit {
	const char *project;
	char *dir, *files, *trash;
	struct strbuf kept;		/* every path kept, one a line */
	struct strbuf kept_writes;	/* the kept writes, for the fix-up */
	struct diag *err;
};

static int io_failed(struct txn_commit *c, const char *what,
		     const char *path, int errnum)
{
	return diag_fail(c->err, "cannot %s '%s/%s': %s", what, c->project,
			 path, strerror(errnum));
}

/* Note that path was kept as it is on disk. */
static void keep(struct txn_commit *c, const struct txn_op *op, bool write)
{
	strbuf_addf(&c->kept, "%s\n", op->path);
	if (write)
		strbuf_addf(&c->kept_writes, "%s\n", op->path);
}

/*
 * The staged file came out of an exchange whose check a crash cut short:
 * the new bytes are in place, and staged holds what was there.  If that
 * is neither the expected nor the new content, it is an edit of the
 * user's: swap it back and keep it.
 */
static int finish_exchange(struct txn_commit *c, const struct txn_op *op,
			   const char *staged, const char *to)
{
	if (has_blob(staged, op->expect) || has_blob(staged, op->new)) {
		if (unlink(staged) < 0)
			return io_failed(c, "remove staged", op->path, errno);
		return 0;
	}
	if (exchange(staged, to) < 0)
		return io_failed(c, "restore", op->path, errno);
	keep(c, op, true);
	return 0;
}

/* A file that did not exist: move it in only if it still does not. */
static int create_file(struct txn_commit *c, const struct txn_op *op,
		       const char *staged, const char *to)
{
	char *dir = fs_dirname(to);
	int ret = fs_mkdir_p(dir, WRITER_MODE_MAX);

	free(dir);
	if (!ret)
		ret = fs_move_noreplace(staged, to);
	if (ret == -EEXIST || ret == -ENOTDIR || ret == -EISDIR) {
		keep(c, op, true);
		return 0;
	}
	if (ret)
		return io_failed(c, "move into place", op->path, -ret);
	writer_fault_point();
	return 0;
}

/* Swap the staged file in; swap back unless what came out was expected. */
static int replace_file(struct txn_commit *c, const struct txn_op *op,
			const char *staged, const char *to)
{
	int ret;

	if (!has_blob(to, op->expect)) {
		keep(c, op, true);	/* changed, deleted or replaced */
		return 0;
	}
	ret = exchange(staged, to);
	if (ret)
		return io_failed(c, "move into place", op->path, -ret);
	writer_fault_point();
	if (fs_exists(staged) && !has_blob(staged, op->expect))
		return finish_exchange(c, op, staged, to);
	if (fs_exists(staged) && unlink(staged) < 0)
		return io_failed(c, "remove staged", op->path, errno);
	writer_fault_point();
	return 0;
}

/* Carry out one write, compare-and-swap; safe to repeat. */
static int commit_write(struct txn_commit *c, const struct txn_op *op)
{
	char *staged = fs_join(c->files, op->path);
	char *to = fs_join(c->project, op->path);
	int ret = 0;

	if (!fs_exists(staged))
		ret = 0;	/* done before a crash */
	else if (has_blob(to, op->new))
		ret = finish_exchange(c, op, staged, to);
	else if (!strcmp(op->expect, TXN_ABSENT))
		ret = create_file(c, op, staged, to);
	else
		ret = replace_file(c, op, staged, to);
	free(staged);
	free(to);
	return ret;
}

/*
 * Put a file the delete moved aside back at to; if something took its
 * place meanwhile, beside it as PATH.genship-recovered.
 */
static int put_back(struct txn_commit *c, const struct txn_op *op,
		    const char *aside, const char *to)
{
	char *other = xasprintf("%s.genship-recovered", to);
	int ret = fs_move_noreplace(aside, to);

	if (ret == -EEXIST)
		ret = fs_move_noreplace(aside, other);
	free(other);
	keep(c, op, false);
	return ret ? io_failed(c, "restore", op->path, -ret) : 0;
}

/* Carry out one delete, compare-and-swap: aside, look, then unlink. */
static int commit_delete(struct txn_commit *c, const struct txn_op *op)
{
	char *to = fs_join(c->project, op->path);
	char *aside = fs_join(c->trash, op->path), *dir = fs_dirname(aside);
	int ret = 0;

	if (fs_exists(aside))
		;	/* moved aside before a crash: look at it below */
	else if (!fs_exists(to))
		goto pruned;
	else if (!has_blob(to, op->expect))
		goto kept;
	else if ((ret = fs_mkdir_p(dir, 0700)) ||
		 (ret = fs_move_noreplace(to, aside)))
		goto failed;
	writer_fault_point();
	if (!has_blob(aside, op->expect)) {
		ret = put_back(c, op, aside, to);
		goto out;
	}
	if (unlink(aside) < 0) {
		ret = -errno;
		goto failed;
	}
	writer_fault_point();
pruned:
	prune_parents(c->project, op->path);
	goto out;
kept:
	keep(c, op, false);
	goto out;
failed:
	ret = io_failed(c, "remove", op->path, -ret);
out:
	free(dir);
	free(aside);
	free(to);
	return ret;
}

/* ---- the commit ------------------------------------------------------- */

/*
 * Before the first change: the first listed file that no longer has the
 * content the decision read, or NULL.
 */
static const char *first_changed(const struct txn_commit *c,
				 const struct txn_lists *l)
{
	size_t i;

	for (i = 0; i < l->nw; i++) {
		char *to = fs_join(c->project, l->w[i].path);
		bool same = has_blob(to, l->w[i].expect);

		free(to);
		if (!same)
			return l->w[i].path;
	}
	for (i = 0; i < l->nd; i++) {
		char *to = fs_join(c->project, l->d[i].path);
		bool same = !fs_exists(to) || has_blob(to, l->d[i].expect);

		free(to);
		if (!same)
			return l->d[i].path;
	}
	return NULL;
}

/*
 * Start: refuse, with nothing written, when a file changed since the
 * decision; then mark the transaction started.  A started one goes on.
 */
static int start(struct txn_commit *c, const struct txn_lists *l)
{
	struct strbuf none = STRBUF_INIT;
	const char *changed;

	if (txn_has(c->project, TXN_STARTED_FILE))
		return 0;
	changed = first_changed(c, l);
	if (!changed)
		return write_list(c->dir, TXN_STARTED_FILE, &none, c->err);
	diag_fail(c->err, "'%s/%s' changed while the update was running, "
		  "after genship had read it; nothing was written",
		  c->project, changed);
	diag_hint(c->err, "run 'genship update' again: it merges the file as "
		  "it is now");
	fs_rm_rf(c->dir);
	return ERR_FAIL;
}

/* True when path is a directory, not a symlink to one. */
static bool is_real_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Move what is left in from (hook output) into to, at rel, without
 * replacing anything and never into a reserved path: an existing file of
 * the user's wins.  Only real directories on both sides are merged, so no
 * symlink is ever followed.
 */
static int commit_extras(const char *from, const char *to, const char *rel,
			 struct diag *err)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int ret = 0;

	while (d && !ret && (e = readdir(d))) {
		char *src, *dst, *r;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		r = *rel ? fs_join(rel, e->d_name) : xstrdup(e->d_name);
		src = fs_join(from, e->d_name);
		dst = fs_join(to, e->d_name);
		if (paths_problem(r))
			;	/* never .git, nor genship's own */
		else if (!fs_exists(dst) && rename(src, dst) < 0)
			ret = diag_fail(err, "cannot move '%s' into place: %s",
					dst, strerror(errno));
		else if (is_real_dir(src) && is_real_dir(dst))
			ret = commit_extras(src, dst, r, err);
		free(src);
		free(dst);
		free(r);
	}
	if (d)
		closedir(d);
	return ret;
}

/* Replace the staged last file and its write line with fixed bytes. */
static int store_fixed(struct txn_commit *c, struct txn_lists *l,
		       const struct strbuf *fixed)
{
	struct txn_op *last = &l->w[l->nw - 1];
	char *staged = fs_join(c->files, last->path);
	char *tmp = xasprintf("%s.fixed", staged);
	struct strbuf list = STRBUF_INIT;
	size_t i;
	int ret;

	unlink(tmp);
	ret = fs_write_new(tmp, fixed->buf, fixed->len, 0644);
	if (!ret && rename(tmp, staged) < 0)
		ret = -errno;
	blob_id(fixed->buf, fixed->len, last->new);
	for (i = 0; !ret && i < l->nw; i++)
		strbuf_addf(&list, "%s %s %s\n", l->w[i].expect, l->w[i].new,
			    l->w[i].path);
	free(tmp);
	tmp = txn_path(c->project, "write.fixed");
	unlink(tmp);
	if (!ret && !(ret = fs_write_new(tmp, list.buf, list.len, 0600))) {
		char *write = txn_path(c->project, "write");

		ret = rename(tmp, write) < 0 ? -errno : 0;
		free(write);
	}
	if (ret)
		diag_fail(c->err, "cannot rewrite '%s': %s", staged,
			  strerror(-ret));
	strbuf_release(&list);
	free(tmp);
	free(staged);
	return ret ? ERR_FAIL : writer_step(c->err);
}

/* When writes were kept, pass the staged last file through fix. */
static int fix_last(struct txn_commit *c, struct txn_lists *l,
		    txn_fix_fn *fix, void *ud)
{
	struct strbuf fixed = STRBUF_INIT;
	char *staged, *data = NULL;
	size_t len;
	int ret = 0;

	if (!fix || !c->kept_writes.len || !l->nw)
		return 0;
	staged = fs_join(c->files, l->w[l->nw - 1].path);
	if (fs_exists(staged) &&
	    !(ret = fs_read_file(staged, &data, &len, c->err)) &&
	    !(ret = fix(ud, data, len, c->kept_writes.buf, &fixed, c->err)))
		ret = store_fixed(c, l, &fixed);
	strbuf_release(&fixed);
	free(data);
	free(staged);
	return ret;
}

/* Unseal first, so that a crash while removing leaves a discardable rest. */
static int txn_remove(struct txn_commit *c)
{
	char *sealed = fs_join(c->dir, TXN_SEALED_FILE);
	int ret = 0;

	if (unlink(sealed) < 0)
		ret = diag_fail(c->err, "cannot remove '%s': %s", sealed,
				strerror(errno));
	else
		writer_fault_point();
	if (!ret && fs_rm_rf(c->dir) == 0)
		writer_fault_point();
	free(sealed);
	return ret;
}

/* Apply the lists: deletes, writes but the last, extras, then the last. */
static int apply(struct txn_commit *c, struct txn_lists *l, txn_fix_fn *fix,
		 void *ud)
{
	size_t i;
	int ret = start(c, l);

	for (i = 0; !ret && i < l->nd; i++)
		ret = commit_delete(c, &l->d[i]);
	for (i = 0; !ret && i + 1 < l->nw; i++)
		ret = commit_write(c, &l->w[i]);
	if (!ret)
		ret = commit_extras(c->files, c->project, "", c->err);
	if (!ret)
		ret = fix_last(c, l, fix, ud);
	if (!ret && l->nw)
		ret = commit_write(c, &l->w[l->nw - 1]);
	return ret;
}

int txn_commit(const char *project, txn_fix_fn *fix, void *ud,
	       struct strbuf *conflicts, struct strbuf *kept,
	       struct diag *err)
{
	struct txn_lists l = TXN_LISTS_INIT;
	struct txn_commit c = { project, txn_path(project, NULL),
				txn_path(project, "files"),
				txn_path(project, "trash"), STRBUF_INIT,
				STRBUF_INIT, err };
	int ret = txn_check_owner(project, err);

	if (!ret)
		ret = lists_read(project, &l, err);
	if (!ret)
		ret = apply(&c, &l, fix, ud);
	if (!ret)
		ret = txn_remove(&c);
	if (!ret && conflicts)
		strbuf_adds(conflicts, l.conflicts);
	if (!ret && kept)
		strbuf_add(kept, c.kept.buf, c.kept.len);
	lists_release(&l);
	strbuf_release(&c.kept);
	strbuf_release(&c.kept_writes);
	free(c.dir);
	free(c.files);
	free(c.trash);
	return ret;
}
