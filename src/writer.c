#include "writer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "fsutil.h"
#include "lock.h"
#include "paths.h"
#include "signals.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- modes, steps ---------------------------------------------------- */

/* The process umask (umask(2) can only read it by setting it). */
static mode_t current_umask(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return mask;
}

unsigned writer_file_mode(unsigned mode)
{
	return mode & ~(unsigned)current_umask() & WRITER_MODE_MAX;
}

int writer_step(struct diag *err)
{
	int sig;

	writer_fault_point();
	sig = signals_pending();
	if (sig)
		return diag_fail(err, "interrupted by %s", signals_name(sig));
	return 0;
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
	ret = fs_mkdir_p(dir, WRITER_MODE_MAX);
	free(dir);
	return ret;
}

/* ---- checking the target --------------------------------------------- */

/* Refuse path (a directory, or a file when is_file) genship cannot write. */
static int check_writable(const char *path, bool is_file, struct diag *err)
{
	if (!access(path, is_file ? W_OK : W_OK | X_OK))
		return 0;
	/* Replacing a read-only file is fine; an immutable one is not. */
	if (is_file && errno != EPERM)
		return 0;
	diag_fail(err, "cannot write %s '%s': %s", is_file ? "over" : "in",
		  path, strerror(errno));
	diag_hint(err, "nothing was changed; make it writable (chmod u+w, "
		  "or chattr -i if it is immutable), or choose another "
		  "directory with -o");
	return ERR_FAIL;
}

/*
 * Walk each planned path's components inside target: a symlink would
 * lead outside the project, a directory cannot be replaced by a file nor
 * a file by a directory, and the deepest existing directory must be
 * writable.  is_dir: path is a directory the plan creates.
 */
static int check_planned_path(const char *target, const char *path,
			      bool is_dir, struct diag *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	size_t deepest = strlen(target);
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
		else if (last && !is_dir && S_ISDIR(st.st_mode))
			ret = diag_input(err, sb.buf, "is a directory, but the "
					 "template generates a file there");
		else if ((!last || is_dir) && !S_ISDIR(st.st_mode))
			ret = diag_input(err, sb.buf, "is a file, but the "
					 "template generates a directory "
					 "there");
		else if (last && !is_dir)
			ret = check_writable(sb.buf, true, err);
		else
			deepest = sb.len;
		p += n + !last;
	}
	strbuf_setlen(&sb, deepest);
	if (!ret)
		ret = check_writable(sb.buf, false, err);
	strbuf_release(&sb);
	return ret;
}

int writer_check_path(const char *target, const char *path,
		      struct diag *err)
{
	return check_planned_path(target, path, false, err);
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
	if (!force && !fs_dir_is_empty(target)) {
		diag_input(err, target, "directory exists and is not empty");
		diag_hint(err, "choose another directory with -o, or pass "
			  "--force to overwrite the generated files (other "
			  "files are kept)");
		return ERR_INPUT;
	}
	for (i = 0; !ret && i < plan->nfiles; i++)
		ret = check_planned_path(target, plan->files[i].path, false,
					 err);
	for (i = 0; !ret && i < plan->ndirs; i++)
		ret = check_planned_path(target, plan->dirs[i], true, err);
	return ret;
}

/* ---- new: staging ---------------------------------------------------- */

#define STAGE_TAG ".genship-"
#define STAGE_JOURNAL "journal"

/* target without trailing slashes ("/" stays), caller-owned. */
static char *strip_slashes(const char *target)
{
	size_t len = strlen(target);

	while (len > 1 && target[len - 1] == '/')
		len--;
	return xstrndup(target, len);
}

/*
 * Where target's staging directories go: *parent, named after *base.  A
 * target named '.' or '..' is resolved, so that the staging directory is
 * beside it, not inside.  Both caller-owned.
 */
static void stage_location(const char *target, char **parent, char **base)
{
	char *t = strip_slashes(target), *real = NULL;

	*base = fs_basename(t);
	if (!strcmp(*base, ".") || !strcmp(*base, "..")) {
		real = realpath(t, NULL);
		if (real) {
			free(*base);
			*base = fs_basename(real);
		}
	}
	*parent = fs_dirname(real ? real : t);
	free(real);
	free(t);
}

/* Note the blob id of every file of plan that target holds now. */
static void stage_snapshot(struct writer_stage *st, const struct plan *plan)
{
	size_t i;

	st->in_place = fs_exists(st->target);
	st->seen = xcalloc(plan->nfiles + 1, sizeof(*st->seen));
	st->nseen = plan->nfiles;
	for (i = 0; st->in_place && i < plan->nfiles; i++) {
		char *path = fs_join(st->target, plan->files[i].path);
		char id[BLOB_HEXSZ + 1];

		if (writer_file_blob(path, id) > 0)
			st->seen[i] = xstrdup(id);
		free(path);
	}
}

/* Make st->dir (a fresh name beside target) and lock and stamp it. */
static int stage_make_dir(struct writer_stage *st, const char *parent,
			  struct diag *err)
{
	int ret = fs_mkdir_p(parent, WRITER_MODE_MAX);

	if (!ret && !mkdtemp(st->dir))
		ret = -errno;
	if (!ret && (st->fd = open(st->dir, O_RDONLY | O_DIRECTORY |
				   O_CLOEXEC)) < 0)
		ret = -errno;
	if (!ret && !lock_try(st->fd))
		ret = -errno;
	if (ret)
		return diag_fail(err, "cannot create a staging directory in "
				 "'%s': %s", parent, strerror(-ret));
	return lock_stamp_write(st->dir, err);
}

int writer_stage_begin(struct writer_stage *st, const char *target,
		       const struct plan *plan, bool force,
		       struct diag *err)
{
	char *parent, *base;
	int ret;

	stage_location(target, &parent, &base);
	st->target = strip_slashes(target);
	st->force = force;
	st->dir = xasprintf("%s/.%s" STAGE_TAG "%ld-XXXXXX", parent, base,
			    (long)getpid());
	ret = stage_make_dir(st, parent, err);
	if (!ret) {
		st->tree = fs_join(st->dir, "tree");
		if (mkdir(st->tree, WRITER_MODE_MAX) < 0)
			ret = diag_fail(err, "cannot create '%s': %s",
					st->tree, strerror(errno));
	}
	if (ret)
		writer_stage_release(st);
	else
		stage_snapshot(st, plan);
	free(parent);
	free(base);
	return ret;
}

/* Say why path (target-relative) could not be written, with a hint. */
static int write_failed(const struct writer_stage *st, const char *what,
			const char *path, int errnum, struct diag *err)
{
	diag_fail(err, "cannot %s '%s/%s': %s", what, st->target, path,
		  strerror(errnum));
	if (errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG)
		diag_hint(err, "nothing was written; free some space or raise "
			  "the file size limit (ulimit -f), then run the "
			  "command again");
	return ERR_FAIL;
}

int writer_stage_write(struct writer_stage *st, const struct plan *plan,
		       struct diag *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		char *path = fs_join(st->tree, f->path);

		ret = make_parents(st->tree, f->path);
		if (!ret)
			ret = fs_write_new(path, f->data, f->len,
					   writer_file_mode(f->mode));
		free(path);
		ret = ret ? write_failed(st, "write", f->path, -ret, err) :
			writer_step(err);
	}
	for (i = 0; !ret && i < plan->ndirs; i++) {
		char *dir = fs_join(st->tree, plan->dirs[i]);

		ret = fs_mkdir_p(dir, WRITER_MODE_MAX);
		free(dir);
		ret = ret ? write_failed(st, "create directory", plan->dirs[i],
					 -ret, err) : writer_step(err);
	}
	return ret;
}

void writer_stage_release(struct writer_stage *st)
{
	size_t i;

	if (st->fd >= 0)
		close(st->fd);	/* first: removing needs a descriptor */
	if (st->dir)
		fs_rm_rf(st->dir);
	for (i = 0; i < st->nseen; i++)
		free(st->seen[i]);
	free(st->seen);
	free(st->target);
	free(st->dir);
	free(st->tree);
	*st = (struct writer_stage)WRITER_STAGE_INIT;
}

int writer_file_blob(const char *path, char id[BLOB_HEXSZ + 1])
{
	struct diag ignore = DIAG_INIT;
	struct stat st;
	char *data = NULL;
	size_t len;
	int ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (!S_ISREG(st.st_mode))
		return -1;
	ret = fs_read_file(path, &data, &len, &ignore) ? -1 : 1;
	if (ret > 0)
		blob_id(data, len, id);
	diag_release(&ignore);
	free(data);
	return ret;
}

/* nftw() callback: take others' write bit (and set-id bits) away. */
static int sweep_entry(const char *path, const struct stat *sb, int flag,
		       struct FTW *ftw)
{
	mode_t keep;

	(void)ftw;
	if (flag != FTW_F && flag != FTW_D)
		return 0;	/* a symlink, or an entry nftw could not stat */
	keep = S_ISDIR(sb->st_mode) ? 07775 : 0775;
	if (sb->st_mode & 07777 & ~keep)
		chmod(path, sb->st_mode & keep);
	return 0;
}

/* Nothing hooks leave in the tree may be writable by others. */
static void sweep_modes(const char *tree)
{
	nftw(tree, sweep_entry, 32, FTW_PHYS);
}

/* ---- new: moving the staged tree into place -------------------------- */

/*
 * One step of an in-place commit, as the journal records it:
 *   'd'  create directory PATH in the target
 *   'n'  move the staged file PATH in (the target has none)
 *   'x'  swap the staged file PATH with the target's
 *   'e'  move hook output PATH in (the target has none)
 * ino is the staged entry's inode number and old the replaced file's
 * ('x' only).  Undoing looks at which inode is where, so it is safe to
 * repeat, and after a crash it knows which steps happened.
 */
struct op {
	char kind;
	unsigned long long ino, old;
	char *path;
};

struct commit {
	const struct writer_stage *st;
	const char *target, *tree;
	struct diag *err;
	char *old;		/* replaced files when RENAME_EXCHANGE fails */
	const struct plan *plan;
	struct op *ops;
	size_t nops, alloc;
};

/*
 * Start an empty list of steps from tree (in dir) into target; st is the
 * run's stage, or NULL when recovering.
 */
static void commit_init(struct commit *c, const struct writer_stage *st,
			const char *target, const char *dir, const char *tree,
			const struct plan *plan, struct diag *err)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->err = err;
	c->target = target;
	c->tree = tree;
	c->old = fs_join(dir, "old");
	c->plan = plan;
}

/* Free c's memory. */
static void commit_release(struct commit *c)
{
	size_t i;

	for (i = 0; i < c->nops; i++)
		free(c->ops[i].path);
	free(c->ops);
	free(c->old);
}

/* Append a step (path copied). */
static void add_op(struct commit *c, char kind, unsigned long long ino,
		   unsigned long long old, const char *path)
{
	XALLOC_GROW(c->ops, c->nops + 1, c->alloc);
	c->ops[c->nops++] = (struct op){ kind, ino, old, xstrdup(path) };
}

/* True when a step creates directory path. */
static bool has_dir_op(const struct commit *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nops; i++)
		if (c->ops[i].kind == 'd' && !strcmp(c->ops[i].path, path))
			return true;
	return false;
}

/* Plan a 'd' for every missing directory above path (and path, if dir). */
static void plan_dirs(struct commit *c, const char *path, bool dir)
{
	struct strbuf rel = STRBUF_INIT;
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");
		bool last = p[n] == '\0';
		char *full;

		if (last && !dir)
			break;
		if (rel.len)
			strbuf_addch(&rel, '/');
		strbuf_add(&rel, p, n);
		full = fs_join(c->target, rel.buf);
		if (!fs_exists(full) && !has_dir_op(c, rel.buf))
			add_op(c, 'd', 0, 0, rel.buf);
		free(full);
		p += n + !last;
	}
	strbuf_release(&rel);
}

/* The blob id the target's file at path had at writer_stage_begin(). */
static const char *seen_blob(const struct commit *c, const char *path)
{
	const struct plan_file *f = plan_find(c->plan, path);

	return f ? c->st->seen[f - c->plan->files] : NULL;
}

/*
 * The target has a file at path now: replace it only with --force, and
 * only if it still has the content seen when the run began.
 */
static int may_replace(const struct commit *c, const char *path,
		       const char *to)
{
	const char *seen = seen_blob(c, path);
	char id[BLOB_HEXSZ + 1];

	if (c->st->force && seen && writer_file_blob(to, id) > 0 &&
	    !strcmp(id, seen))
		return 0;
	diag_fail(c->err, "'%s' %s while genship was running", to,
		  seen ? "changed" : "appeared");
	diag_hint(c->err, "nothing was changed; run the command again%s",
		  c->st->force ? "" : ", or pass --force to replace the "
		  "generated files");
	return ERR_FAIL;
}

/* Plan staged file path: 'x' over the target's file, else 'n'. */
static int plan_file(struct commit *c, const char *path)
{
	char *from = fs_join(c->tree, path), *to = fs_join(c->target, path);
	struct stat sf, st;
	int ret = 0;

	if (lstat(from, &sf) < 0)
		goto out;	/* a hook removed it */
	plan_dirs(c, path, false);
	if (lstat(to, &st) == 0 && !(ret = may_replace(c, path, to)))
		add_op(c, 'x', sf.st_ino, st.st_ino, path);
	else if (!ret && errno == ENOENT)
		add_op(c, 'n', sf.st_ino, 0, path);
	else if (!ret)
		ret = diag_fail(c->err, "cannot read '%s': %s", to,
				strerror(errno));
out:
	free(from);
	free(to);
	return ret;
}

static int plan_extra_cb(void *ud, const char *path, const char *rel);

/*
 * Plan hook output at rel (path in the tree) that is not planned: move it
 * in when the target lacks it, look inside when both are directories;
 * otherwise the target's own entry wins.
 */
static int plan_extra(struct commit *c, const char *path, const char *rel)
{
	char *to = fs_join(c->target, rel);
	struct stat sf, st;
	bool dir, there;
	int ret = 0;

	if (lstat(path, &sf) < 0) {
		ret = diag_fail(c->err, "cannot read '%s': %s", path,
				strerror(errno));
		goto out;
	}
	dir = S_ISDIR(sf.st_mode);
	there = lstat(to, &st) == 0;
	if (there && paths_reserved(rel))
		;	/* never into the target's .git or genship's state */
	else if (dir && ((there && S_ISDIR(st.st_mode)) || has_dir_op(c, rel)))
		ret = fs_each_entry(path, rel, plan_extra_cb, c, c->err);
	else if (!there && !plan_find(c->plan, rel))
		add_op(c, 'e', sf.st_ino, 0, rel);
out:
	free(to);
	return ret;
}

/* fs_each_entry() callback for plan_extra(). */
static int plan_extra_cb(void *ud, const char *path, const char *rel)
{
	return plan_extra(ud, path, rel);
}

/*
 * Plan every step: directories as files need them, the planned files but
 * last, the hook output, then last (the answers file) when planned.
 */
static int plan_ops(struct commit *c, const char *last)
{
	const struct plan *plan = c->plan;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < plan->nfiles; i++)
		if (!last || strcmp(plan->files[i].path, last))
			ret = plan_file(c, plan->files[i].path);
	for (i = 0; !ret && i < plan->ndirs; i++)
		plan_dirs(c, plan->dirs[i], true);
	if (!ret)
		ret = fs_each_entry(c->tree, "", plan_extra_cb, c, c->err);
	if (!ret && last && plan_find(plan, last))
		ret = plan_file(c, last);
	return ret;
}

/* ---- the journal ---- */

/* Write the steps to dir/journal: "K INO OLD PATH" records, NUL-ended. */
static int journal_write(const struct commit *c, const char *dir)
{
	char *tmp = fs_join(dir, STAGE_JOURNAL ".tmp");
	char *path = fs_join(dir, STAGE_JOURNAL);
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret;

	for (i = 0; i < c->nops; i++) {
		const struct op *op = &c->ops[i];

		strbuf_addf(&sb, "%c %llu %llu %s", op->kind, op->ino, op->old,
			    op->path);
		strbuf_addch(&sb, '\0');
	}
	ret = fs_write_new(tmp, sb.buf, sb.len, 0600);
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		diag_fail(c->err, "cannot write '%s': %s", path,
			  strerror(-ret));
	strbuf_release(&sb);
	free(tmp);
	free(path);
	return ret ? ERR_FAIL : writer_step(c->err);
}

/* Read the steps back from a journal's bytes; -1 when they are corrupt. */
static int journal_parse(struct commit *c, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		unsigned long long ino, old;
		char kind;
		int off = 0;

		if (p + n == end ||
		    sscanf(p, "%c %llu %llu%n", &kind, &ino, &old, &off) != 3 ||
		    p[off] != ' ' || !strchr("dnxe", kind) || !kind)
			return -1;
		add_op(c, kind, ino, old, p + off + 1);
		p += n + 1;
	}
	return 0;
}

/* ---- doing and undoing a step ---- */

/*
 * Swap the staged file into place.  Where the file system has no
 * RENAME_EXCHANGE, the target's file moves to old/ first.
 */
static int swap_in(const struct commit *c, const struct op *op,
		   const char *from, const char *to)
{
	char *aside, *dir;
	int ret;

	if (!renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	aside = fs_join(c->old, op->path);
	dir = fs_dirname(aside);
	ret = fs_mkdir_p(dir, 0700);
	if (!ret && rename(to, aside) < 0)
		ret = -errno;
	if (!ret)
		writer_fault_point();
	if (!ret && rename(from, to) < 0)
		ret = -errno;
	free(dir);
	free(aside);
	return ret;
}

/*
 * Compare-and-swap: what op swapped out (now at from, or set aside in
 * old/) must be what the run saw; -ECANCELED when it changed just before
 * the swap, which the caller then undoes.
 */
static int check_swapped_out(const struct commit *c, const struct op *op,
			     const char *from)
{
	char *aside = fs_join(c->old, op->path), id[BLOB_HEXSZ + 1];
	const char *seen = seen_blob(c, op->path);
	const char *out = fs_exists(from) ? from : aside;
	int ret = seen && writer_file_blob(out, id) > 0 && !strcmp(id, seen) ?
		0 : -ECANCELED;

	free(aside);
	return ret;
}

/* Carry out op.  Returns 0 or -errno. */
static int op_do(const struct commit *c, const struct op *op)
{
	char *from = fs_join(c->tree, op->path);
	char *to = fs_join(c->target, op->path);
	int ret;

	if (op->kind == 'd')
		ret = mkdir(to, WRITER_MODE_MAX) < 0 ? -errno : 0;
	else if (op->kind == 'x')
		ret = swap_in(c, op, from, to);
	else
		ret = fs_move_noreplace(from, to);
	if (!ret && op->kind == 'x')
		ret = check_swapped_out(c, op, from);
	free(from);
	free(to);
	return ret;
}

/* True when path (not followed) is inode ino. */
static bool inode_at(const char *path, unsigned long long ino)
{
	struct stat st;

	return lstat(path, &st) == 0 && (unsigned long long)st.st_ino == ino;
}

/* Put the file that op replaced back; the new one goes. */
static int undo_swap(const struct commit *c, const struct op *op,
		     const char *staged, const char *to)
{
	char *aside = fs_join(c->old, op->path);
	bool ours = inode_at(to, op->ino);
	int ret = 0;

	if (fs_exists(aside) && (ours || !fs_exists(to)))
		ret = rename(aside, to) < 0 ? -errno : 0;
	else if (ours && fs_exists(staged))
		ret = rename(staged, to) < 0 ? -errno : 0;
	else if (ours)
		ret = -ESTALE;	/* the replaced file is not where it went */
	free(aside);
	return ret;
}

/* Undo op if it was done: safe to repeat.  Returns 0 or -errno. */
static int op_undo(const struct commit *c, const struct op *op)
{
	char *staged = fs_join(c->tree, op->path);
	char *to = fs_join(c->target, op->path);
	int ret = 0;

	if (op->kind == 'd')
		rmdir(to);	/* kept when something else is in it */
	else if (op->kind == 'x')
		ret = undo_swap(c, op, staged, to);
	else if (inode_at(to, op->ino) && !fs_exists(staged))
		ret = rename(to, staged) < 0 ? -errno : 0;
	free(staged);
	free(to);
	return ret;
}

/* Undo every step, last first.  Returns 0, or the first -errno. */
static int undo_all(const struct commit *c, const char **failed)
{
	size_t i = c->nops;
	int ret = 0, r;

	while (i--) {
		r = op_undo(c, &c->ops[i]);
		if (r && !ret) {
			ret = r;
			*failed = c->ops[i].path;
		}
	}
	return ret;
}

/* ---- the commit ---- */

/* Undo after a failed step; true when that worked, with a hint either way. */
static bool roll_back(const struct commit *c, const char *dir)
{
	const char *failed = NULL;
	int ret = undo_all(c, &failed);

	if (!ret) {
		diag_hint(c->err, "nothing was changed: '%s' is as it was",
			  c->target);
		return true;
	}
	diag_hint(c->err, "could not restore '%s/%s' (%s); the files this "
		  "run replaced are kept in '%s', and the next run puts "
		  "them back", c->target, failed, strerror(-ret), dir);
	return false;
}

/* Report a failed step. */
static int step_failed(const struct commit *c, const struct op *op,
		       int errnum)
{
	if (errnum == ECANCELED)
		return diag_fail(c->err, "'%s/%s' changed while genship was "
				 "running", c->target, op->path);
	if (errnum == EEXIST)
		return diag_fail(c->err, "'%s/%s' appeared while genship was "
				 "running", c->target, op->path);
	return diag_fail(c->err, "cannot %s '%s/%s': %s",
			 op->kind == 'd' ? "create directory" : "move into "
			 "place", c->target, op->path, strerror(errnum));
}

/*
 * Commit into an existing target: journal the steps, carry them out,
 * and undo them all on any failure.  *keep: the staging directory holds
 * files that could not be put back.
 */
static int commit_in_place(const struct writer_stage *st,
			   const struct plan *plan, const char *last,
			   bool *keep, struct diag *err)
{
	struct commit c;
	char *journal = fs_join(st->dir, STAGE_JOURNAL);
	size_t i;
	int ret;

	commit_init(&c, st, st->target, st->dir, st->tree, plan, err);
	ret = plan_ops(&c, last);
	if (!ret)
		ret = journal_write(&c, st->dir);
	for (i = 0; !ret && i < c.nops; i++) {
		int r = op_do(&c, &c.ops[i]);

		ret = r ? step_failed(&c, &c.ops[i], -r) : writer_step(err);
	}
	/* The commit point: without its journal the run is done. */
	if (!ret && unlink(journal) < 0)
		ret = diag_fail(err, "cannot remove '%s': %s", journal,
				strerror(errno));
	if (ret && fs_exists(journal))
		*keep = !roll_back(&c, st->dir);
	free(journal);
	commit_release(&c);
	return ret;
}

/*
 * Commit into a target that did not exist: one rename, which never
 * replaces what another process put there meanwhile.
 */
static int commit_rename(const struct writer_stage *st, struct diag *err)
{
	int ret = fs_move_noreplace(st->tree, st->target);

	if (ret == -EEXIST || ret == -ENOTEMPTY) {
		diag_fail(err, "'%s' appeared while genship was generating it; "
			  "another process created it", st->target);
		diag_hint(err, "nothing was written there and its files are "
			  "as they were; choose another directory with -o");
		return ERR_FAIL;
	}
	if (ret)
		return diag_fail(err, "cannot move the project into '%s': %s",
				 st->target, strerror(-ret));
	writer_fault_point();
	return 0;
}

int writer_stage_commit(struct writer_stage *st, const struct plan *plan,
			const char *last, struct diag *err)
{
	bool keep = false;
	int ret;

	sweep_modes(st->tree);
	if (!st->in_place)
		ret = commit_rename(st, err);
	else
		ret = commit_in_place(st, plan, last, &keep, err);
	if (keep) {
		free(st->dir);
		st->dir = NULL;
	} else {
		fs_rm_rf(st->dir);
		writer_fault_point();
	}
	writer_stage_release(st);
	return ret;
}

/* ---- new: recovering from a crash ------------------------------------ */

/*
 * True when name is a staging directory of the target ("BASE.genship-PID-
 * XXXXXX") whose run is gone: its lock is free.  *fd then holds the lock,
 * so that no other recovery takes the same directory.
 */
static bool stage_is_stale(const char *parent, const char *name,
			   const char *prefix, int *fd)
{
	char *dir;

	if (strncmp(name, prefix, strlen(prefix)))
		return false;
	dir = fs_join(parent, name);
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(dir);
	if (*fd >= 0 && lock_try(*fd))
		return true;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return false;
}

/* Refuse a staging directory genship did not create, and leave it. */
static int refuse_foreign(const char *target, const char *dir,
			  struct diag *err)
{
	diag_input(err, dir, "looks like a staging directory of '%s', but "
		   "genship did not create it (it may have come with a "
		   "repository or a copy); genship leaves it alone", target);
	diag_hint(err, "if no 'genship new' of yours was interrupted here, "
		  "remove it");
	return ERR_INPUT;
}

/* True when a directory above path in target is a symlink. */
static bool crosses_symlink(const char *target, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	struct stat st;
	bool link = false;

	strbuf_adds(&sb, target);
	while (!link && *p && p[strcspn(p, "/")]) {
		size_t n = strcspn(p, "/");

		strbuf_addch(&sb, '/');
		strbuf_add(&sb, p, n);
		link = lstat(sb.buf, &st) == 0 && S_ISLNK(st.st_mode);
		p += n + 1;
	}
	strbuf_release(&sb);
	return link;
}

/*
 * A journal is input from a stranger too: every path must stay inside
 * the target without crossing a symlink, and only hook output ('e', such
 * as the .git a hook's `git init` made) may be a reserved path.
 */
static int journal_check(const struct commit *c, const char *file,
			 struct diag *err)
{
	size_t i;

	for (i = 0; i < c->nops; i++) {
		const struct op *op = &c->ops[i];
		const char *why = paths_problem(op->path);

		if (why && paths_is_inside(op->path) &&
		    (op->kind == 'e' || !strcmp(op->path, PATHS_ANSWERS_FILE)))
			why = NULL;
		if (!why && crosses_symlink(c->target, op->path))
			why = "it crosses a symlink";
		if (why)
			return diag_input(err, file, "step %zu: unsafe path "
					  "'%s': %s", i + 1, op->path, why);
	}
	return 0;
}

/*
 * Undo what the journal in dir (a stale staging directory) records, then
 * remove dir.  Without a journal the dead run changed nothing.  On
 * failure dir is kept: it holds the files that run replaced.
 */
static int recover_one(const char *target, const char *dir, bool *undone,
		       struct diag *err)
{
	char *path, *tree, *data = NULL;
	const char *failed = NULL;
	struct commit c;
	size_t len;
	int ret = 0;

	if (!lock_stamp_matches(dir))
		return refuse_foreign(target, dir, err);
	path = fs_join(dir, STAGE_JOURNAL);
	tree = fs_join(dir, "tree");
	commit_init(&c, NULL, target, dir, tree, NULL, err);
	if (fs_exists(path) && (ret = fs_read_file(path, &data, &len, err)))
		ret = ERR_FAIL;
	else if (data && journal_parse(&c, data, len) < 0)
		ret = diag_input(err, path, "corrupt journal");
	else if (data && (ret = journal_check(&c, path, err)))
		;
	else if (data && (ret = undo_all(&c, &failed)))
		ret = diag_fail(err, "cannot roll back the interrupted run on "
				"'%s': '%s/%s': %s", target, target, failed,
				strerror(-ret));
	if (ret)
		diag_hint(err, "the files that run replaced are in '%s'", dir);
	else
		fs_rm_rf(dir);
	*undone = *undone || (!ret && data);
	commit_release(&c);
	free(data);
	free(path);
	free(tree);
	return ret;
}

/*
 * Call fn(ud, target, dir) for each staging directory of target that a
 * dead process left, until it returns non-zero; returns that.
 */
static int each_stale_stage(const char *target,
			    int (*fn)(void *ud, const char *target,
				      const char *dir), void *ud)
{
	char *parent, *base, *prefix, *t = strip_slashes(target);
	struct dirent *e;
	DIR *d;
	int ret = 0;

	stage_location(target, &parent, &base);
	prefix = xasprintf(".%s" STAGE_TAG, base);
	d = opendir(parent);
	while (d && !ret && (e = readdir(d))) {
		char *dir;
		int fd;

		if (!stage_is_stale(parent, e->d_name, prefix, &fd))
			continue;
		dir = fs_join(parent, e->d_name);
		ret = fn(ud, t, dir);
		close(fd);
		free(dir);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(parent);
	free(base);
	free(t);
	return ret;
}

struct recovery {
	bool *undone;
	struct diag *err;
};

/* each_stale_stage() callback: roll one staging directory back. */
static int recover_cb(void *ud, const char *target, const char *dir)
{
	struct recovery *r = ud;

	return recover_one(target, dir, r->undone, r->err);
}

int writer_recover(const char *target, bool *undone, struct diag *err)
{
	struct recovery r = { undone, err };

	*undone = false;
	return each_stale_stage(target, recover_cb, &r);
}

/* each_stale_stage() callback: 1 when dir holds a journal. */
static int journal_cb(void *ud, const char *target, const char *dir)
{
	char *journal = fs_join(dir, STAGE_JOURNAL);
	bool yes = fs_exists(journal);

	(void)ud;
	(void)target;
	free(journal);
	return yes;
}

bool writer_recover_pending(const char *target)
{
	return each_stale_stage(target, journal_cb, NULL) > 0;
}

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
		_exit(137);	/* PID 1 of a namespace ignores its own kill */
	}
}
