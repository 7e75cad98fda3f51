#ifndef GENSHIP_TXN_H
#define GENSHIP_TXN_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "paths.h"
#include "strbuf.h"

/*
 * Update transactions.  An update is one transaction staged in
 * PROJECT/.genship-update (mode 0700, stamped: lock.h):
 *
 *   files/<path>  the new bytes of every file the update writes; hooks
 *                 run here
 *   write         "EXPECT NEW PATH" lines, in staging order: replace PATH
 *                 only if it still has blob id EXPECT ("-": only if it is
 *                 still absent); NEW is the staged bytes' blob id
 *   delete        "BLOB PATH" lines: remove PATH only if it is still BLOB
 *   conflicts     paths left with conflict markers, for the report
 *   sealed        created last: the transaction is complete
 *   started       created before the first change to the project
 *
 * Compare-and-swap: every replacement and removal checks, atomically
 * (renameat2 RENAME_EXCHANGE, then a look at what came out), that the
 * file still has the content the merge decision read.  One that does not
 * is put back and kept as the user has it: an edit made while hooks ran,
 * or after a crash, is never overwritten.  Before the first change, any
 * such file makes the commit stop with nothing written; once started, the
 * file is kept, the rest goes on, and the last file (the answers file) is
 * passed through a fix-up so that it records what is really on disk.
 *
 * Every step can be redone, so a sealed transaction interrupted by a
 * crash is finished by running txn_commit() again; an unsealed one is
 * simply discarded.  Every list is read back as untrusted input: paths go
 * through paths.h and writer_check_path(), and a transaction directory
 * genship did not create (a stamp that does not match) is refused and
 * left alone.  The caller holds the project lock (lock.h) throughout.
 */

#define TXN_DIR_NAME PATHS_TXN_DIR

struct txn {
	char *project;		/* the project directory */
	char *dir;		/* project/.genship-update */
	char *files;		/* dir/files: hooks run here */
	struct strbuf write, del, conflicts;	/* the lists, as staged */
};

#define TXN_INIT { NULL, NULL, NULL, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }

enum txn_state {
	TXN_NONE,		/* no transaction directory */
	TXN_UNSEALED,		/* an interrupted run's leftover */
	TXN_SEALED,		/* complete, waiting to be committed */
	TXN_FOREIGN,		/* not made by genship for this project */
};

/* The state of project's transaction directory. */
enum txn_state txn_state(const char *project);

/*
 * ERR_INPUT, with a message and a hint, when project holds a transaction
 * directory genship did not create; 0 otherwise.
 */
int txn_check_owner(const char *project, struct diag *err);

/* Remove project's transaction directory if it is genship's own. */
void txn_discard(const char *project);

/*
 * Start a transaction in project, removing an unsealed leftover first.  A
 * sealed one is ERR_INPUT (commit it first), a foreign one too.
 */
int txn_begin(struct txn *txn, const char *project, struct diag *err);

/*
 * Stage path (project-relative) with data and mode (writer_file_mode()),
 * to replace the file whose blob id is expect, or to create it when
 * expect is NULL.
 */
int txn_stage(struct txn *txn, const char *path, unsigned mode,
	      const char *data, size_t len, const char *expect,
	      struct diag *err);

/* Schedule path for removal, if it still has blob id blob at commit. */
void txn_delete(struct txn *txn, const char *path, const char *blob);

/* Record path as conflicted, for the report after an interrupted run. */
void txn_conflict(struct txn *txn, const char *path);

/*
 * Write the lists and seal the transaction.  The staged files are read
 * back here, after the hooks ran in files/: a file a hook removed is not
 * written, and NEW is the blob id of what the hook left.
 */
int txn_seal(struct txn *txn, struct diag *err);

/* Remove an unsealed transaction's directory. */
void txn_abort(struct txn *txn);

/* Free txn's memory (not its directory) and reinitialise it. */
void txn_release(struct txn *txn);

/*
 * The fix-up of the last staged file (the answers file) when paths were
 * kept: given its bytes and the kept paths (one a line), append the bytes
 * to write instead to out.  0, or < 0 with err set.
 */
typedef int txn_fix_fn(void *ud, const char *data, size_t len,
		       const char *kept, struct strbuf *out,
		       struct diag *err);

/*
 * Commit the sealed transaction in project (see above) and remove it.
 * conflicts receives the recorded conflicted paths and kept the paths
 * that changed under the update and were kept as they are, one a line;
 * either may be NULL.  fix (may be NULL) rewrites the last file when
 * paths were kept.  A file found changed before the first change aborts
 * the transaction: ERR_FAIL naming it, nothing written, the transaction
 * gone.  A failed step is ERR_FAIL and leaves the transaction sealed, so
 * that a rerun can finish it.  Corrupt or unsafe lists are ERR_INPUT.
 */
int txn_commit(const char *project, txn_fix_fn *fix, void *ud,
	       struct strbuf *conflicts, struct strbuf *kept,
	       struct diag *err);

#endif
