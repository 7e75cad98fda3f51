#ifndef GENSHIP_GITSRC_H
#define GENSHIP_GITSRC_H

#include <stdbool.h>

#include "diag.h"
#include "template.h"

/*
 * Templates kept in git.  A template read from git is loaded with libgit2
 * straight from the object database into the usual in-memory struct
 * template: no checkout, no temporary work tree, and nothing in the
 * user's project is touched.  This is how update renders its base, the
 * template as it was at the commit recorded in .genship.yml.
 *
 * Sources:
 *   file:///path/to/repo[#REV]   a repository (bare or not) whose root
 *                                holds genship.yml; REV defaults to HEAD
 *   /path/inside/a/work/tree     a template directory anywhere in a git
 *                                work tree (a subdirectory is fine)
 * Other URL schemes are ERR_INPUT: genship does no network access.
 *
 * Ownership: templates returned are caller-owned (template_free()).
 */

/* True when spec looks like a URL ("scheme://..."). */
bool gitsrc_is_url(const char *spec);

/*
 * Load the template spec names at commit-ish rev (NULL: the URL's #REV,
 * else HEAD).  t->source is the URL as given, or the directory's real
 * path; t->commit is the full commit id; t->dir is "SOURCE@SHORTID" for
 * messages.  A repository, revision or template directory that cannot be
 * found is ERR_INPUT.  *out is untouched on failure.
 */
int gitsrc_open(const char *spec, const char *rev, struct template **out,
		struct diag *err);

/*
 * Load the template in directory subdir ("" or NULL: the root) of the bare
 * repository at path, at commit-ish rev.  label (a URL) stands for the
 * repository in t->dir and in messages.  As gitsrc_open() otherwise.
 */
int gitsrc_open_repo(const char *path, const char *rev, const char *subdir,
		     const char *label, struct template **out,
		     struct diag *err);

/* True when rev's directory subdir in the bare repository path has a
 * file called name.  Never fails. */
bool gitsrc_tree_has(const char *path, const char *rev, const char *subdir,
		     const char *name);

/*
 * Write rev's directory subdir of the bare repository path into the new
 * directory dest: files with mode 0644 or 0755, symlinks as symlinks
 * (source_open() then refuses those that point outside).  For
 * cookiecutter templates, whose loader reads a directory.  label names
 * the repository in messages.  An entry named '.', '..' or '.git' is
 * ERR_INPUT.
 */
int gitsrc_export(const char *path, const char *rev, const char *subdir,
		  const char *label, const char *dest, struct diag *err);

/*
 * t was read from a directory: when that directory is in a git work tree
 * and HEAD holds exactly t's manifest, files, modes and hooks, set
 * t->commit to HEAD's id.  Otherwise (no repository, uncommitted or
 * untracked changes) leave it NULL.  Never fails.
 */
void gitsrc_match_commit(struct template *t);

/*
 * The message of the last libgit2 error of this thread, or "unknown
 * libgit2 error": the one way genship words a libgit2 failure.
 */
const char *gitsrc_last_error(void);

#endif
