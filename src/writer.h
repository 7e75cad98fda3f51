#ifndef GENSHIP_WRITER_H
#define GENSHIP_WRITER_H

#include <stdbool.h>

#include "blob.h"
#include "diag.h"
#include "plan.h"
#include "strbuf.h"

/*
 * The writer puts a plan on disk atomically.  Every file is written into
 * a staging directory beside the target, hooks run there, and only then
 * does anything reach the target:
 *
 *   - a target that does not exist yet is one rename(2) of the staged
 *     tree: a crash leaves no target or the complete one;
 *   - into an existing directory (empty, or with --force), each planned
 *     file is swapped into place with renameat2(RENAME_EXCHANGE), which
 *     leaves the file it replaces in the staging directory, and hook
 *     output the target lacks is moved in; the answers file goes last.
 *     A journal written before the first change lets a failure, an
 *     interruption or the next run after a crash undo every step, so the
 *     target ends up either as it was or complete.
 *
 * Nothing the writer creates is writable by others: files get their
 * declared mode masked by the umask and by WRITER_MODE_MAX, directories
 * WRITER_MODE_MAX masked by the umask, and what hooks leave is swept of
 * others' write bits before it is moved into place.
 *
 * Paths are caller-owned strings; a writer_stage owns its strings.
 */

/* No write bit for others, no set-user-id or set-group-id bit. */
#define WRITER_MODE_MAX 0775u

/* The mode a file declared as mode is written with, under the umask. */
unsigned writer_file_mode(unsigned mode);

/*
 * Check that target may receive plan: it must not exist, be an empty
 * directory, or (with force) be a directory in which no planned file or
 * directory crosses a symlink, replaces a directory with a file or the
 * reverse, or lies in a directory genship cannot write to.  ERR_INPUT
 * (ERR_FAIL for a directory that cannot be written), before anything is
 * written.
 */
int writer_check_target(const struct plan *plan, const char *target,
			bool force, struct diag *err);

/*
 * Check one planned path inside an existing target, as --force does: no
 * component may be a symlink, the last may not be a directory and the
 * others must be directories when they exist (ERR_INPUT naming it); the
 * deepest existing directory must be writable and an existing file must
 * not be immutable (ERR_FAIL).
 */
int writer_check_path(const char *target, const char *path,
		      struct diag *err);

/* A staged project for `genship new`. */
struct writer_stage {
	char *target;		/* the project directory, as given */
	char *dir;		/* beside it: .NAME.genship-PID-XXXXXX (0700,
				 * stamped, locked while this run lives) */
	char *tree;		/* dir/tree: the project; hooks run here */
	int fd;			/* dir, flock'ed: the run is alive */
	bool in_place;		/* the target existed at writer_stage_begin() */
	bool force;		/* planned files may replace the target's */
	char **seen;		/* per plan file: the blob id the target had
				 * at writer_stage_begin(), or NULL */
	size_t nseen;
};

#define WRITER_STAGE_INIT { NULL, NULL, NULL, -1, false, false, NULL, 0 }

/*
 * Create an empty staging directory beside target (and target's missing
 * parents), stamped and locked (lock.h), and note what target holds now:
 * whether it exists, and the blob id of every file of plan in it.  The
 * commit changes nothing that differs from this by then: a target that
 * appeared meanwhile is not replaced, and with force a file is replaced
 * only if it still has the content seen here.  The caller holds the lock
 * of an existing target from before this call until the commit.
 */
int writer_stage_begin(struct writer_stage *st, const char *target,
		       const struct plan *plan, bool force,
		       struct diag *err);

/*
 * Write every plan file into st->tree (modes as writer_file_mode()), then
 * create the plan's directories.  Messages name the target's paths.
 */
int writer_stage_write(struct writer_stage *st, const struct plan *plan,
		       struct diag *err);

/*
 * Move st->tree into place (see above), last (the answers file) last
 * when planned, remove the staging directory and release st.  On failure
 * the target is as it was and the staging directory is gone, unless
 * undoing failed: then it is kept, the hint names it, and the next
 * writer_recover() tries again.
 */
int writer_stage_commit(struct writer_stage *st, const struct plan *plan,
			const char *last, struct diag *err);

/*
 * The blob id of the regular file at path into id: 1, or 0 when nothing
 * is there, -1 when it is something else (a directory, a symlink) or
 * cannot be read.
 */
int writer_file_blob(const char *path, char id[BLOB_HEXSZ + 1]);

/* Remove the staging directory (before a commit) and free st's strings. */
void writer_stage_release(struct writer_stage *st);

/*
 * Clean up after runs on target that died (a crash, SIGKILL): undo what
 * the journal of an interrupted commit records and remove their staging
 * directories.  A staging directory is stale when its lock is free;
 * those of live processes are left alone, and one genship did not create
 * (its stamp does not match, lock.h) is refused, ERR_INPUT, and left
 * alone too.  Journal paths are checked like rendered ones (paths.h).
 * *undone is set when a target was rolled back.  ERR_FAIL when undoing
 * fails; the staging directory is then kept.
 */
int writer_recover(const char *target, bool *undone, struct diag *err);

/* True when a crashed run left a commit into target for writer_recover(). */
bool writer_recover_pending(const char *target);

/*
 * One step of a write: the fault-injection point (writer_fault_point()),
 * then ERR_FAIL "interrupted by SIG..." when a signal is pending (see
 * signals.h).
 */
int writer_step(struct diag *err);

/*
 * Fault injection, for crash tests only.  With GENSHIP_FAULT_AFTER=N in
 * the environment, the process kills itself with SIGKILL (status 137 in a
 * shell) right after its Nth file operation: for update a staged write, a
 * list write, the seal, a rename, an unlink or the final cleanup; for new
 * a staged write or directory, a hook list, the journal, a mkdir or rename
 * in the target, or a cleanup.  No cleanup runs, exactly as in a real
 * crash.  This is the one documented way out of the process below the
 * command layer.
 */
void writer_fault_point(void);

#endif
