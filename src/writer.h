#ifndef GENSHIP_WRITER_H
#define GENSHIP_WRITER_H

#include <stdbool.h>

#include "diag.h"
#include "render.h"
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
	char *dir;		/* beside it: .NAME.genship-PID-XXXXXX (0700) */
	char *tree;		/* dir/tree: the project; hooks run here */
};

#define WRITER_STAGE_INIT { NULL, NULL, NULL }

/*
 * Create an empty staging directory beside target (and target's missing
 * parents).  The name holds the process id, so that writer_recover() can
 * tell a crashed run's leftovers from a running one's.
 */
int writer_stage_begin(struct writer_stage *st, const char *target,
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

/* Remove the staging directory (before a commit) and free st's strings. */
void writer_stage_release(struct writer_stage *st);

/*
 * Clean up after runs on target that died (a crash, SIGKILL): undo what
 * the journal of an interrupted commit records and remove their staging
 * directories.  Staging directories of live processes are left alone.
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

/* ---- update transactions -------------------------------------------- */

/*
 * An update is one transaction staged in PROJECT/.genship-update:
 *
 *   files/<path>  the new bytes of every file the update writes
 *   write         the staged paths, one a line, in staging order
 *   delete        "BLOB PATH" lines: files to remove if still BLOB
 *   conflicts     paths left with conflict markers, for the report
 *   sealed        created last: the transaction is complete
 *
 * Nothing in the project changes until the transaction is sealed.  The
 * commit then removes the deletions, moves each staged file over its
 * place with rename(2), moves any other hook output in without replacing
 * anything, and moves the last staged file (the answers file) last.  Every
 * step can be redone, so an interrupted commit is finished by running
 * writer_txn_commit() again; an unsealed transaction is simply discarded.
 *
 * The caller owns txn; writer_txn_release() frees its memory only.
 */

#define WRITER_TXN_DIR ".genship-update"

struct writer_txn {
	char *project;		/* the project directory */
	char *dir;		/* project/.genship-update */
	char *files;		/* dir/files: hooks run here */
	struct strbuf write, del, conflicts;	/* the lists, as written */
};

#define WRITER_TXN_INIT { NULL, NULL, NULL, STRBUF_INIT, STRBUF_INIT, \
			  STRBUF_INIT }

/* True when project holds a sealed transaction waiting to be committed. */
bool writer_txn_pending(const char *project);

/* Remove what an interrupted run left of an unsealed transaction. */
void writer_txn_discard(const char *project);

/*
 * Start a transaction in project: an unsealed leftover of an interrupted
 * run is removed first; a sealed one is ERR_INPUT (commit it first).
 */
int writer_txn_begin(struct writer_txn *txn, const char *project,
		     struct diag *err);

/* Stage path (project-relative) with data and mode (writer_file_mode()). */
int writer_txn_stage(struct writer_txn *txn, const char *path,
		     unsigned mode, const char *data, size_t len,
		     struct diag *err);

/* Schedule path for removal, if it still has blob id blob at commit. */
void writer_txn_delete(struct writer_txn *txn, const char *path,
		       const char *blob);

/* Record path as conflicted, for the report after an interrupted run. */
void writer_txn_conflict(struct writer_txn *txn, const char *path);

/* Write the lists and seal the transaction. */
int writer_txn_seal(struct writer_txn *txn, struct diag *err);

/* Remove an unsealed transaction's directory. */
void writer_txn_abort(struct writer_txn *txn);

/* Free txn's memory (not its directory) and reinitialise it. */
void writer_txn_release(struct writer_txn *txn);

/*
 * Commit the sealed transaction in project (see above) and remove it.
 * conflicts receives the recorded conflicted paths and kept the paths
 * whose removal was skipped because they changed after staging, one a
 * line; either may be NULL.  A failed step is ERR_FAIL and leaves the
 * transaction sealed, so that a rerun can finish it.
 */
int writer_txn_commit(const char *project, struct strbuf *conflicts,
		      struct strbuf *kept, struct diag *err);

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
