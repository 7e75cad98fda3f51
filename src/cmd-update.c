/*
 * genship update: re-render after option or template changes and merge
 * into the project without losing an edit.  project_compare() renders
 * base and theirs and decides every path (merge.h); this file reports the
 * decisions and applies them as one transaction (writer.h): staged, hooks
 * run in the staging directory, sealed, then renamed into place with the
 * answers file last.  An interrupted update is finished by the next run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "blob.h"
#include "hook.h"
#include "lock.h"
#include "project.h"
#include "signals.h"
#include "source.h"
#include "txn.h"
#include "userconfig.h"
#include "writer.h"
#include "xalloc.h"

struct update_opts {
	const char *dir;
	const char *template;
	struct cmd_sets sets;
	bool dry_run, no_hooks, trust;
	unsigned hook_timeout, lock_timeout;
	struct source_opts src;	/* --ref, --offline, --refresh */
	const char *config;	/* --config FILE */
};

enum { OPT_SET = 256, OPT_TEMPLATE, OPT_DRY_RUN, OPT_NO_HOOKS, OPT_TRUST,
       OPT_HOOK_TIMEOUT, OPT_LOCK_TIMEOUT, OPT_REF, OPT_OFFLINE, OPT_REFRESH,
       OPT_CONFIG };

static const struct cmd_opt update_opts_table[] = {
	{ "set", 0, true, OPT_SET },
	{ "template", 0, true, OPT_TEMPLATE },
	{ "dry-run", 0, false, OPT_DRY_RUN },
	{ "no-hooks", 0, false, OPT_NO_HOOKS },
	{ "trust", 0, false, OPT_TRUST },
	{ "hook-timeout", 0, true, OPT_HOOK_TIMEOUT },
	{ "lock-timeout", 0, true, OPT_LOCK_TIMEOUT },
	{ "ref", 0, true, OPT_REF },
	{ "checkout", 0, true, OPT_REF },
	{ "offline", 0, false, OPT_OFFLINE },
	{ "refresh", 0, false, OPT_REFRESH },
	{ "config", 0, true, OPT_CONFIG },
	{ NULL, 0, false, 0 }
};

/* What the run did, for the summary and the exit status. */
struct update_report {
	struct strbuf changed;	/* written or removed paths, one a line */
	struct strbuf conflicts;	/* conflicted paths, one a line */
	size_t nchanged, nconflicts;
};

#define UPDATE_REPORT_INIT { STRBUF_INIT, STRBUF_INIT, 0, 0 }

/* One parsed argument; a positional K=V is a --set, like for new. */
static int update_arg(void *ud, int key, char *arg)
{
	struct update_opts *o = ud;

	switch (key) {
	case OPT_SET: cmd_sets_add(&o->sets, arg); return 0;
	case OPT_TEMPLATE: o->template = arg; return 0;
	case OPT_DRY_RUN: o->dry_run = true; return 0;
	case OPT_NO_HOOKS: o->no_hooks = true; return 0;
	case OPT_TRUST: o->trust = true; return 0;
	case OPT_HOOK_TIMEOUT:
		return cmd_parse_seconds(cmd_find("update"), "--hook-timeout",
					 arg, &o->hook_timeout);
	case OPT_LOCK_TIMEOUT:
		return cmd_parse_seconds(cmd_find("update"), "--lock-timeout",
					 arg, &o->lock_timeout);
	case OPT_REF: o->src.ref = arg; return 0;
	case OPT_OFFLINE: o->src.offline = true; return 0;
	case OPT_REFRESH: o->src.refresh = true; return 0;
	case OPT_CONFIG: o->config = arg; return 0;
	}
	if (strchr(arg, '='))
		cmd_sets_add(&o->sets, arg);
	else if (!o->dir)
		o->dir = arg;
	else
		return cmd_usage_error(cmd_find("update"), "unexpected "
				       "argument '%s'", arg);
	return 0;
}

static void report_conflict(struct update_report *rep, const char *path)
{
	strbuf_addf(&rep->conflicts, "%s\n", path);
	rep->nconflicts++;
}

/*
 * Warn about each path an update kept because it changed under it; they
 * count as conflicts, so that the run fails and the user looks.
 */
static void report_kept(struct update_report *rep, const struct strbuf *kept)
{
	char *copy = xstrdup(kept->buf), *p = copy, *line;

	while ((line = strsep(&p, "\n")) && *line) {
		fprintf(stderr, "genship: warning: kept '%s' as it is: it "
			"changed while the update ran; run 'genship update' "
			"again to merge it\n", line);
		report_conflict(rep, line);
	}
	free(copy);
}

/*
 * Commit the sealed transaction in dir, compare-and-swap; paths that
 * changed under it are kept and the answers file says so (p: the project
 * as it was before the update).
 */
static int commit(const char *dir, struct project *p,
		  struct update_report *rep, struct strbuf *conflicts,
		  struct diag *err)
{
	struct strbuf kept = STRBUF_INIT;
	int ret = txn_commit(dir, project_answers_restore, p, conflicts,
			     &kept, err);

	if (!ret)
		report_kept(rep, &kept);
	strbuf_release(&kept);
	return ret;
}

/* Finish an update that a crash interrupted after it was sealed. */
static int finish_interrupted(const char *dir, struct update_report *rep,
			      struct diag *err)
{
	struct strbuf conflicts = STRBUF_INIT;
	struct project *p = NULL;
	char *line, *rest;
	int ret = project_open(dir, &p, err);

	if (!ret)
		ret = commit(dir, p, rep, &conflicts, err);
	if (!ret)
		fprintf(stderr, "genship: finished the interrupted update of "
			"'%s'\n", dir);
	for (rest = conflicts.buf; !ret && (line = strsep(&rest, "\n")) &&
	     *line;)
		report_conflict(rep, line);
	strbuf_release(&conflicts);
	project_free(p);
	return ret;
}

/* Roll back what a crashed `genship new` into dir left, and say so. */
static int recover(const char *dir, struct diag *err)
{
	bool undone = false;
	int ret = writer_recover(dir, &undone, err);

	if (undone)
		fprintf(stderr, "genship: rolled back an interrupted 'genship "
			"new' in '%s'\n", dir);
	return ret;
}

/* Print one decision (stdout) and its warning (stderr). */
static void print_file(const struct project_file *f)
{
	enum merge_kind k = f->res.kind;
	const char *note = "";

	if (k == MERGE_UNCHANGED || k == MERGE_KEPT)
		return;
	if (k == MERGE_KEPT_DROPPED) {
		note = " (edited by you; no longer generated)";
		fprintf(stderr, "genship: warning: keeping '%s': you edited "
			"it, and the template no longer generates it\n",
			f->path);
	} else if (k == MERGE_USER_DELETED) {
		note = " (deleted by you; not restored)";
	} else if (k == MERGE_BINARY_CONFLICT) {
		note = " (binary; your version kept, the template's not "
			"applied)";
	} else if (k == MERGE_CONFLICT && !f->base.data) {
		note = f->recorded ? " (2-way: the old template version is "
			"not available)" : " (a file of yours is in the way)";
	}
	printf("%-9s %s%s\n", merge_kind_name(k), f->path, note);
}

/* Print the notes and every decision; fill rep. */
static void report(const struct project_cmp *cmp, struct update_report *rep)
{
	const char *p = cmp->notes.buf, *nl;
	size_t i;

	for (; (nl = strchr(p, '\n')); p = nl + 1)
		fprintf(stderr, "genship: warning: %.*s\n", (int)(nl - p), p);
	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		print_file(f);
		if (merge_kind_writes(f->res.kind) ||
		    f->res.kind == MERGE_REMOVED) {
			strbuf_addf(&rep->changed, "%s\n", f->path);
			rep->nchanged++;
		}
		if (merge_kind_conflicts(f->res.kind))
			report_conflict(rep, f->path);
	}
	if (!cmp->have_base && rep->nconflicts)
		fprintf(stderr, "genship: warning: cannot render the recorded "
			"template version: %s\n", cmp->base_why.buf);
	fflush(stdout);
}

/* Refuse to write or remove through a symlink or over a directory. */
static int preflight(const struct project_cmp *cmp, const char *dir,
		     struct diag *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		if (merge_kind_writes(f->res.kind) ||
		    f->res.kind == MERGE_REMOVED)
			ret = writer_check_path(dir, f->path, err);
	}
	return ret;
}

/* The blob id of side s into id, or NULL when it is absent. */
static const char *side_blob(const struct merge_side *s,
			     char id[BLOB_HEXSZ + 1])
{
	if (!s->present)
		return NULL;
	blob_id(s->data, s->len, id);
	return id;
}

/*
 * Stage every write and deletion, the answers file last; each write is
 * to replace exactly what the decision read (compare-and-swap, txn.h).
 */
static int stage(const struct project *p, const struct project_cmp *cmp,
		 struct txn *txn, struct diag *err)
{
	char id[BLOB_HEXSZ + 1];
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];
		const struct merge_result *r = &f->res;

		if (merge_kind_writes(r->kind))
			ret = txn_stage(txn, f->path, r->mode, r->data, r->len,
					side_blob(&f->ours, id), err);
		else if (r->kind == MERGE_REMOVED)
			txn_delete(txn, f->path, side_blob(&f->ours, id));
		if (merge_kind_conflicts(r->kind))
			txn_conflict(txn, f->path);
	}
	if (!ret)
		ret = txn_stage(txn, PROJECT_ANSWERS_FILE, 0644,
				cmp->answers.buf, cmp->answers.len,
				*p->af_blob ? p->af_blob : NULL, err);
	return ret;
}

/* Stage, run hooks in the staging directory, seal and commit. */
static int apply(const struct update_opts *o, struct project *p,
		 const struct project_cmp *cmp, const char *dir, bool hooks,
		 struct update_report *rep, struct diag *err)
{
	const struct template *t = cmp->theirs_t;
	struct txn txn = TXN_INIT;
	char *changed = xstrndup(rep->changed.buf, rep->changed.len ?
				 rep->changed.len - 1 : 0);
	char *abs = realpath(dir, NULL);
	struct hook_ctx hc = { cmp->ctx, "update", abs ? abs : dir,
			       t->dir ? t->source : "", NULL, o->hook_timeout,
			       changed };
	int ret = txn_begin(&txn, dir, err);

	hc.cwd = txn.files;
	if (!ret && hooks)
		ret = template_run_hooks(t, TEMPLATE_PRE_GEN, cmp->ctx, &hc,
					 err);
	if (!ret)
		ret = stage(p, cmp, &txn, err);
	if (!ret && hooks)
		ret = template_run_hooks(t, TEMPLATE_POST_GEN, cmp->ctx, &hc,
					 err);
	if (!ret)
		ret = txn_seal(&txn, err);
	if (ret)
		txn_abort(&txn);
	else
		ret = commit(dir, p, rep, NULL, err);
	txn_release(&txn);
	free(changed);
	free(abs);
	return ret;
}

/* Conflicts make the run fail with the list of paths. */
static int finish(const struct update_report *rep, bool dry_run,
		  struct diag *err)
{
	struct strbuf list = STRBUF_INIT;

	if (!rep->nconflicts)
		return 0;
	strbuf_add_quoted_lines(&list, rep->conflicts.buf);
	diag_fail(err, "%s in %zu file%s: %s", dry_run ? "update would "
		  "leave conflicts" : "conflicts", rep->nconflicts,
		  rep->nconflicts == 1 ? "" : "s", list.buf);
	if (!dry_run)
		diag_hint(err, "resolve the <<<<<<< ======= >>>>>>> markers by "
			  "hand; the answers file already records this "
			  "update");
	strbuf_release(&list);
	return ERR_FAIL;
}

/* True when applying cmp writes or removes anything. */
static bool has_changes(const struct project_cmp *cmp)
{
	size_t i;

	for (i = 0; i < cmp->nfiles; i++)
		if (merge_kind_writes(cmp->files[i].res.kind) ||
		    cmp->files[i].res.kind == MERGE_REMOVED)
			return true;
	return cmp->answers_changed;
}

/*
 * Before anything is printed as if it were going to happen: refuse paths
 * that cannot be written, and settle whether hooks run.
 */
static int pre_apply(const struct update_opts *o,
		     const struct project_cmp *cmp, const char *dir,
		     bool *hooks, struct diag *err)
{
	const struct template *t = cmp->theirs_t;
	int ret = preflight(cmp, dir, err);

	if (!ret && template_has(t, TEMPLATE_KIND_UPDATE_HOOKS))
		ret = template_check_trust(t, o->no_hooks, o->trust,
					   isatty(STDIN_FILENO), hooks, err);
	return ret;
}

/* Report, then apply unless this is a dry run or there is nothing to do. */
static int run(const struct update_opts *o, struct project *p,
	       const struct project_cmp *cmp, const char *dir,
	       struct update_report *rep, struct diag *err)
{
	const struct template *t = cmp->theirs_t;
	bool hooks = false, changes = has_changes(cmp);
	int ret = changes && !o->dry_run ?
		pre_apply(o, cmp, dir, &hooks, err) : 0;

	if (ret)
		return ret;
	report(cmp, rep);
	if (!changes) {
		fprintf(stderr, "genship: '%s' is up to date with %s %s\n",
			dir, t->name, t->manifest->version);
		return 0;
	}
	if (o->dry_run) {
		fprintf(stderr, "genship: dry run: %zu files would change; "
			"nothing written\n", rep->nchanged);
		return 0;
	}
	if (!template_has(t, TEMPLATE_KIND_UPDATE_HOOKS))
		fprintf(stderr, "genship: note: %s hooks run only "
			"when a project is created, not on update\n",
			t->kind->name);
	ret = apply(o, p, cmp, dir, hooks, rep, err);
	if (!ret)
		fprintf(stderr, "genship: updated '%s' to %s %s: %zu files "
			"changed\n", dir, t->name, t->manifest->version,
			rep->nchanged);
	return ret;
}

/*
 * Settle what earlier runs left in dir, under the lock: a foreign
 * transaction is refused, a crashed `new` rolled back, a sealed update
 * finished and an unsealed one discarded.  A dry run only looks.
 */
static int settle(const struct update_opts *o, const char *dir,
		  struct update_report *rep, struct diag *err)
{
	int ret = txn_check_owner(dir, err);

	if (!ret && o->dry_run)
		return project_check_idle(dir, "run 'genship update' without "
					  "--dry-run to finish it first", err);
	if (!ret)
		ret = recover(dir, err);
	if (!ret && txn_state(dir) == TXN_SEALED)
		ret = finish_interrupted(dir, rep, err);
	if (!ret)
		txn_discard(dir);
	return ret;
}

/* Say which ref of a remote template the update moves to. */
static void report_ref(const struct project *p, const struct template *t)
{
	const char *was = p->af->template_ref;

	if (!t->url || !t->ref)
		return;
	fprintf(stderr, "genship: template '%s' at ref '%s' (commit %.12s)",
		t->url, t->ref, t->commit);
	if (was && strcmp(was, t->ref))
		fprintf(stderr, ", moved from '%s'", was);
	fputc('\n', stderr);
}

/* Load the user config; trust the template's hooks if it says so. */
static int load_config(struct update_opts *o, struct config **cfg,
		       struct diag *err)
{
	int ret = config_load(o->config, cfg, err);

	o->src.config = *cfg;
	if (!ret && o->src.offline && o->src.refresh)
		ret = diag_input(err, NULL, "--offline and --refresh "
				 "exclude each other");
	return ret;
}

static int update(struct update_opts *o, struct diag *err)
{
	struct config *cfg = NULL;
	const char *dir = o->dir ? o->dir : ".";
	struct update_report rep = UPDATE_REPORT_INIT;
	struct project_cmp cmp = PROJECT_CMP_INIT;
	struct project *p = NULL;
	struct lock lock = LOCK_INIT;
	int ret;

	ret = load_config(o, &cfg, err);
	cmp.src = &o->src;
	signals_catch();
	if (!ret)
		ret = lock_take(&lock, dir, !o->dry_run, o->lock_timeout, err);
	if (!ret)
		ret = settle(o, dir, &rep, err);
	if (!ret)
		ret = project_open(dir, &p, err);
	if (!ret)
		ret = project_compare(p, o->template, o->sets.items, o->sets.len,
				      PROJECT_CMP_BASE | PROJECT_CMP_MERGE,
				      &cmp, err);
	if (!ret)
		ret = project_check_resolved(&cmp, err);
	if (!ret) {
		report_ref(p, cmp.theirs_t);
		o->trust |= config_trusts(cfg, cmp.theirs_t->source,
					  cmp.theirs_t->url);
		ret = run(o, p, &cmp, dir, &rep, err);
	}
	if (!ret)
		ret = finish(&rep, o->dry_run, err);
	project_cmp_release(&cmp);
	project_free(p);
	lock_release(&lock);
	config_free(cfg);
	strbuf_release(&rep.changed);
	strbuf_release(&rep.conflicts);
	return ret;
}

int cmd_update(int argc, char **argv)
{
	struct update_opts o = { 0 };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("update"), argc, argv,
				 update_opts_table, update_arg, &o);

	if (ret) {
		cmd_sets_release(&o.sets);
		return ret < 0 ? 0 : ret;
	}
	ret = cmd_finish(update(&o, &err), &err);
	cmd_sets_release(&o.sets);
	signals_reraise();
	return ret;
}
