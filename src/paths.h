#ifndef GENSHIP_PATHS_H
#define GENSHIP_PATHS_H

#include <stdbool.h>

/*
 * Project-relative paths: the one place that says which paths genship may
 * write, delete or record.  Every path a template renders, an answers file
 * lists, or a transaction or journal names goes through these checks, so a
 * path read back from a working tree (input from a stranger) is held to
 * the same rules as one genship rendered itself.
 *
 * Reserved paths belong to git or to genship, never to a template:
 *
 *   .git            any component so named, in any letter case (git on
 *                   case-insensitive systems reads .GIT as .git)
 *   .genship.yml    the answers file, at the top
 *   .genship-update the update transaction directory, at the top
 */

#define PATHS_ANSWERS_FILE ".genship.yml"
#define PATHS_TXN_DIR ".genship-update"

/*
 * True when rel is a plain relative path inside the project: not empty,
 * not absolute, no empty, '.' or '..' component, no trailing '/'.
 */
bool paths_is_inside(const char *rel);

/*
 * The reserved name rel is or lies under (".git", ".genship.yml" or
 * ".genship-update"), or NULL when rel is free for a template.
 */
const char *paths_reserved(const char *rel);

/*
 * Why rel may not appear in a plan, an answers file or a transaction, as
 * a clause for a message ("paths must stay inside the project", "'.git'
 * belongs to git, ..."), or NULL when it may.
 */
const char *paths_problem(const char *rel);

#endif
