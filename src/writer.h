#ifndef GENSHIP_WRITER_H
#define GENSHIP_WRITER_H

#include <stdbool.h>

#include "diag.h"
#include "render.h"

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

#endif
