#ifndef GENSHIP_WRITER_H
#define GENSHIP_WRITER_H

#include <stdbool.h>

#include "diag.h"
#include "render.h"
#include "strbuf.h"

/*
 * The writer puts a plan on disk atomically: every file is written into a
 * staging directory beside the target, hooks run there, and only then is
 * the staging directory renamed into place.  A failure at any point
 * removes the staging directory and leaves the target as it was.
 *
 * Paths are caller-owned strings; *staging is caller-owned (free()).
 */

/*
 * Check that target may receive plan: it must not exist, be an empty
 * directory, or (with force) be a directory in which no planned path
 * crosses a symlink or replaces a directory.  ERR_INPUT otherwise, before
 * anything is written.
 */
int writer_check_target(const struct plan *plan, const char *target,
			bool force, struct diag *err);

/* Create an empty staging directory beside target. */
int writer_stage_dir(const char *target, char **staging, struct diag *err);

/* Write every plan file into the staging directory, modes masked by umask. */
int writer_write(const struct plan *plan, const char *staging,
		 struct diag *err);

/*
 * Move the staged tree into place: one rename when target does not exist
 * or is empty; with force, one rename per planned file (files genship does
 * not generate are never touched).  The staging directory is gone after.
 */
int writer_commit(const struct plan *plan, const char *staging,
		  const char *target, struct diag *err);

/* Remove the staging directory and everything in it. */
void writer_abort(const char *staging);

/*
 * Check one planned path inside an existing target, as --force does: no
 * component may be a symlink, the last may not be a directory and the
 * others must be directories when they exist.  ERR_INPUT naming it.
 */
int writer_check_path(const char *target, const char *path,
		      struct diag *err);

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

/* Stage path (project-relative) with data and mode (masked by umask). */
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
 * shell) right after its Nth transaction file operation: a staged write,
 * a list write, the seal, a rename, an unlink or the final cleanup.  No
 * cleanup runs, exactly as in a real crash.  This is the one documented
 * way out of the process below the command layer.
 */
void writer_fault_point(void);

#endif
