/*
 * genship diff: the unified diff that `genship update` would apply, from
 * the files on disk to what update would write, on stdout.  It renders
 * and merges exactly as update does (project_compare()), with the same
 * --set, --answers and --conflict-style, and writes nothing.  Paths are
 * shown as a/PATH and b/PATH, as git shows them.  With --format json it
 * prints each file's status instead (change.h).
 */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cmd.h"
#include "gitsrc.h"
#include "project.h"
#include "lock.h"
#include "term.h"
#include "writer.h"

/* Print the patch from old to new (either may be NULL: absent). */
static int print_patch(const char *path, const char *old, size_t old_len,
		       const char *new, size_t new_len, struct diag *err)
{
	git_patch *patch = NULL;
	git_buf buf = { NULL, 0, 0 };
	int ret = 0;

	if (git_patch_from_buffers(&patch, old, old_len, path, new, new_len,
				   path, NULL) < 0 ||
	    git_patch_to_buf(&buf, patch) < 0) {
		ret = diag_fail(err, "cannot diff '%s': %s", path,
				gitsrc_last_error());
	} else {
		term_put_diff(stdout, buf.ptr, buf.size);
	}
	git_buf_dispose(&buf);
	git_patch_free(patch);
	return ret;
}

/* The patch for one path, if update would change it. */
static int diff_file(const struct project_file *f, struct diag *err)
{
	const struct merge_result *r = &f->res;
	const struct merge_side *o = &f->ours;

	if (merge_kind_writes(r->kind))
		return print_patch(f->path, o->present ? o->data : NULL,
				   o->len, r->data, r->len, err);
	if (r->kind == MERGE_REMOVED)
		return print_patch(f->path, o->data, o->len, NULL, 0, err);
	return 0;
}

/*
 * Tell on stderr what the diff cannot show; return 1 when update would
 * leave a conflict (the exit status), else 0.
 */
static int diff_notes(const struct project_cmp *cmp)
{
	int status = 0;
	size_t i;

	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		if (merge_kind_conflicts(f->res.kind)) {
			fprintf(stderr, "genship: update would leave a "
				"conflict in '%s'\n", f->path);
			status = 1;
		} else if (f->res.kind == MERGE_KEPT_DROPPED)
			fprintf(stderr, "genship: update would keep '%s': you "
				"edited it, and the template no longer "
				"generates it\n", f->path);
	}
	return status;
}

struct diff_opts {
	const char *dir;
	const char *answers;	/* --answers FILE */
	struct cmd_sets sets;
	unsigned lock_timeout;
	enum merge_style style;	/* --conflict-style */
	bool json;		/* --format json */
};

enum { OPT_SET = 256, OPT_LOCK_TIMEOUT, OPT_ANSWERS, OPT_STYLE, OPT_FORMAT };

const struct cmd_opt cmd_diff_opts[] = {
	{ "set", 0, CMD_ARG_REPEAT, OPT_SET, "K=V",
	  "preview option K set to V (repeatable)" },
	CMD_OPT_LOCK_TIMEOUT(OPT_LOCK_TIMEOUT),
	{ "answers", 0, true, OPT_ANSWERS, "FILE",
	  "preview answers from a YAML file" },
	CMD_OPT_CONFLICT_STYLE(OPT_STYLE),
	CMD_OPT_FORMAT_TEXT_JSON(OPT_FORMAT),
	CMD_OPT_END
};

/* One parsed argument; a positional K=V is a --set, as for update. */
static int diff_arg(void *ud, int key, char *arg)
{
	struct diff_opts *o = ud;
	const struct cmd *c = cmd_find("diff");

	switch (key) {
	case OPT_LOCK_TIMEOUT:
		return cmd_parse_seconds(c, "--lock-timeout", arg,
					 &o->lock_timeout);
	case OPT_ANSWERS: o->answers = arg; return 0;
	case OPT_STYLE: return cmd_parse_conflict_style(c, arg, &o->style);
	case OPT_FORMAT: return cmd_parse_json_format(c, arg, &o->json);
	}
	if (key == OPT_SET || strchr(arg, '='))
		cmd_sets_add(&o->sets, arg);
	else if (!o->dir)
		o->dir = arg;
	else
		return cmd_usage_error(cmd_find("diff"), "unexpected "
				       "argument '%s'", arg);
	return 0;
}

/*
 * The JSON report: each file's status, and the result: "unresolved",
 * "conflict", "changes" or "up-to-date".
 */
static void diff_json(const struct project_cmp *cmp, int status)
{
	struct change_report *r = change_report_new(cmp->theirs_t);

	change_report_add_decisions(r, cmp);
	change_report_print(r, cmp->unresolved.len ? "unresolved" : status ?
			    "conflict" : project_cmp_changes(cmp) ? "changes" :
			    "up-to-date");
}

/* The patches, or the JSON report; *status is 1 on a conflict. */
static int diff_print(const struct diff_opts *o, const struct project_cmp *cmp,
		      int *status, struct diag *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; !o->json && !ret && i < cmp->nfiles; i++)
		ret = diff_file(&cmp->files[i], err);
	fflush(stdout);
	if (!ret)
		*status = diff_notes(cmp);
	if (!ret && o->json)
		diff_json(cmp, *status);
	return ret;
}

static int diff(const struct diff_opts *o, int *status, struct diag *err)
{
	const char *dir = o->dir ? o->dir : ".";
	struct project_cmp cmp = PROJECT_CMP_INIT;
	struct project *p = NULL;
	struct lock lock = LOCK_INIT;
	int ret = lock_take(&lock, dir, false, o->lock_timeout, err);

	cmp.answers_path = o->answers;
	cmp.style = o->style;
	if (!ret)
		ret = project_check_idle(dir, "run 'genship update' to finish "
					 "it first", err);
	if (!ret)
		ret = project_open(dir, &p, err);
	if (!ret)
		ret = project_compare(p, NULL, o->sets.items, o->sets.len,
				      PROJECT_CMP_BASE | PROJECT_CMP_MERGE,
				      &cmp, err);
	if (!ret && cmp.unresolved.len && o->json)
		diff_json(&cmp, 1);
	if (!ret)
		ret = project_check_resolved(p, &cmp, err);
	if (!ret)
		ret = diff_print(o, &cmp, status, err);
	project_cmp_release(&cmp);
	project_free(p);
	lock_release(&lock);
	return ret;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = { NULL, NULL, CMD_SETS_INIT, 0,
			       MERGE_STYLE_MERGE, false };
	struct diag err = DIAG_INIT;
	int status = 0;
	int ret = cmd_parse_args(cmd_find("diff"), argc, argv, diff_arg, &o);

	if (!ret)
		ret = cmd_finish(diff(&o, &status, &err), &err);
	else if (ret < 0)
		ret = 0;
	cmd_sets_release(&o.sets);
	return ret ? ret : status;
}
