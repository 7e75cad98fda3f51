#ifndef GENSHIP_CHANGE_H
#define GENSHIP_CHANGE_H

#include "merge.h"
#include "project.h"
#include "template.h"

/*
 * What happened to each file of a project, in the words `update`, `diff`
 * and `check` share, and their `--format json` report:
 *
 *   {"result": RESULT, "template": {"name": N, "version": V},
 *    "files": [{"path": P, "status": S, "change": C}, ...]}
 *
 * in that key order, files sorted by path, on one line.  S is one of
 * unchanged, edited, deleted, modified, added, removed, merged and
 * conflict; C, whose change it is, is one of none, user, template and
 * both.  Each command documents its RESULT words.
 *
 * Ownership: a change_report owns its JSON; change_report_print() frees it.
 */

enum change_who { CHANGE_NONE, CHANGE_USER, CHANGE_TEMPLATE, CHANGE_BOTH };

/* The status and the author of an update decision of kind k. */
void change_of_merge(enum merge_kind k, const char **status,
		     enum change_who *who);

struct change_report;

/* Start a report on a project of template t. */
struct change_report *change_report_new(const struct template *t);

/* Add one file; files must come in path order. */
void change_report_add(struct change_report *r, const char *path,
		       const char *status, enum change_who who);

/* Add one file with the status of an update decision of kind k. */
void change_report_add_merge(struct change_report *r, const char *path,
			     enum merge_kind k);

/*
 * Add every file of cmp with its update decision (PROJECT_CMP_MERGE), a
 * file whose conflict is unresolved as a conflict.
 */
void change_report_add_decisions(struct change_report *r,
				 const struct project_cmp *cmp);

/* Print r with result and a newline to stdout, then free r. */
void change_report_print(struct change_report *r, const char *result);

#endif
