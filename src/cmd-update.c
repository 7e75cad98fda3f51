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
#include "change.h"
#include "hook.h"
#include "lock.h"
#include "project.h"
#include "redo.h"
#include "signals.h"
#include "source.h"
#include "term.h"
#include "txn.h"
#include "userconfig.h"
#include "writer.h"
#include "xalloc.h"

struct update_opts {
	const char *dir;
	const char *template;
	const char *answers;	/* --answers FILE */
	struct cmd_sets sets;
	struct cmd_sets redo;	/* --redo PATH, repeatable */
	bool dry_run, no_hooks, trust, json;
	unsigned hook_timeout, lock_timeout;
	enum merge_style style;	/* --conflict-style */
	struct source_opts src;	/* --ref, --offline, --refresh */
	const char *config;	/* --config FILE */
};

enum { OPT_SET = 256, OPT_TEMPLATE, OPT_DRY_RUN, OPT_NO_HOOKS, OPT_TRUST,
       OPT_HOOK_TIMEOUT, OPT_LOCK_TIMEOUT, OPT_REF, OPT_OFFLINE, OPT_REFRESH,
       OPT_CONFIG, OPT_ANSWERS, OPT_STYLE, OPT_REDO, OPT_FORMAT };

const struct cmd_opt cmd_update_opts[] = {
	{ "set", 0, CMD_ARG_REPEAT, OPT_SET, "K=V",
	  "change option K to V (repeatable)" },
	{ "template", 0, true, OPT_TEMPLATE, "SRC",
	  "move the project to this template source" },
	{ "dry-run", 0, false, OPT_DRY_RUN, NULL,
	  "list what would change; write nothing" },
	CMD_OPT_NO_HOOKS(OPT_NO_HOOKS),
	CMD_OPT_TRUST(OPT_TRUST),
	CMD_OPT_HOOK_TIMEOUT(OPT_HOOK_TIMEOUT),
	CMD_OPT_LOCK_TIMEOUT(OPT_LOCK_TIMEOUT),
	{ "ref", 0, true, OPT_REF, "REF",
	  "the tag, branch or commit to move to" },
	CMD_OPT_CHECKOUT(OPT_REF),
	CMD_OPT_OFFLINE(OPT_OFFLINE),
	CMD_OPT_REFRESH(OPT_REFRESH),
	CMD_OPT_CONFIG(OPT_CONFIG),
	{ "answers", 0, true, OPT_ANSWERS, "FILE",
	  "answers from a YAML file or .genship.yml" },
	CMD_OPT_CONFLICT_STYLE(OPT_STYLE),
	{ "redo", 0, CMD_ARG_REPEAT, OPT_REDO, "PATH",
	  "start the merge of PATH over (repeatable)" },
	CMD_OPT_FORMAT_TEXT_JSON(OPT_FORMAT),
	CMD_OPT_END
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
	case OPT_ANSWERS: o->answers = arg; return 0;
	case OPT_REDO: cmd_sets_add(&o->redo, arg); return 0;
	case OPT_STYLE:
		return cmd_parse_conflict_style(cmd_find("update"), arg,
						&o->style);
	case OPT_FORMAT:
		return cmd_parse_json_format(cmd_find("update"), arg,
					     &o->json);
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

/*
 * Seal txn, staged in dir (ret: 0 when staging went well), and commit it;
 * abort it on any failure.  txn is released either way.
 */
static int seal_commit(struct txn *txn, const char *dir, struct project *p,
		       struct update_report *rep, int ret, struct diag *err)
{
	if (!ret)
		ret = txn_seal(txn, err);
	if (ret)
		txn_abort(txn);
	else
		ret = commit(dir, p, rep, NULL, err);
	txn_release(txn);
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

/* The --format json report of cmp's decisions, with result. */
static void report_json(const struct project_cmp *cmp, const char *result)
{
	struct change_report *r = change_report_new(cmp->theirs_t);

	change_report_add_decisions(r, cmp);
	change_report_print(r, result);
}

/* Print the notes and every decision (not with json); fill rep. */
static void report(const struct project_cmp *cmp, bool json,
		   struct update_report *rep)
{
	const char *p = cmp->notes.buf, *nl;
	size_t i;

	for (; (nl = strchr(p, '\n')); p = nl + 1)
		fprintf(stderr, "genship: warning: %.*s\n", (int)(nl - p), p);
	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		if (!json)
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

/*
 * Keep the three inputs of every conflicted merge in genship's store, so
 * that `update --redo` can start it over (redo.h).
 */
static void keep_inputs(const struct update_opts *o,
			const struct project_cmp *cmp)
{
	char *cache = NULL;
	size_t i;

	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		if (f->res.kind != MERGE_CONFLICT)
			continue;
		if (!cache)
			cache = source_cache_dir(&o->src);
		if (f->base.data)
			redo_keep(cache, f->base.data, f->base.len);
		redo_keep(cache, f->ours.data, f->ours.len);
		redo_keep(cache, f->theirs.data, f->theirs.len);
	}
	free(cache);
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
	keep_inputs(o, cmp);
	if (!ret && hooks)
		ret = template_run_hooks(t, TEMPLATE_PRE_GEN, cmp->ctx, &hc,
					 err);
	if (!ret)
		ret = stage(p, cmp, &txn, err);
	if (!ret && hooks)
		ret = template_run_hooks(t, TEMPLATE_POST_GEN, cmp->ctx, &hc,
					 err);
	ret = seal_commit(&txn, dir, p, rep, ret, err);
	free(changed);
	free(abs);
	return ret;
}

/*
 * Conflicts make the run fail with the list of paths, and the hint to
 * resolve them or to start their merge over.
 */
static int finish(const struct project *p, const struct update_report *rep,
		  bool dry_run, bool is_redo, struct diag *err)
{
	struct strbuf list = STRBUF_INIT, redo = STRBUF_INIT;

	if (!rep->nconflicts)
		return 0;
	strbuf_add_quoted_lines(&list, rep->conflicts.buf);
	project_redo_command(p, rep->conflicts.buf, &redo);
	diag_fail(err, "%s in %zu file%s: %s", dry_run ? "update would "
		  "leave conflicts" : "conflicts", rep->nconflicts,
		  rep->nconflicts == 1 ? "" : "s", list.buf);
	if (!dry_run)
		diag_hint(err, "resolve the <<<<<<< ======= >>>>>>> markers by "
			  "hand, or start the merge over: '%s'%s", redo.buf,
			  is_redo ? "" : "; the answers file already records "
			  "this update");
	strbuf_release(&list);
	strbuf_release(&redo);
	return ERR_FAIL;
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
	bool hooks = false, changes = project_cmp_changes(cmp);
	int ret = changes && !o->dry_run ?
		pre_apply(o, cmp, dir, &hooks, err) : 0;

	if (ret)
		return ret;
	report(cmp, o->json, rep);
	if (!changes) {
		if (o->json)
			report_json(cmp, "up-to-date");
		term_info("'%s' is up to date with %s %s", dir, t->name,
			  t->manifest->version);
		return 0;
	}
	if (o->dry_run) {
		if (o->json)
			report_json(cmp, rep->nconflicts ? "conflict" :
				    "updated");
		term_info("dry run: %zu files would change; nothing written",
			  rep->nchanged);
		return 0;
	}
	if (!template_has(t, TEMPLATE_KIND_UPDATE_HOOKS))
		fprintf(stderr, "genship: note: %s hooks run only "
			"when a project is created, not on update\n",
			t->kind->name);
	ret = apply(o, p, cmp, dir, hooks, rep, err);
	if (!ret && o->json)
		report_json(cmp, rep->nconflicts ? "conflict" : "updated");
	if (!ret)
		term_info("updated '%s' to %s %s: %zu files changed", dir,
			  t->name, t->manifest->version, rep->nchanged);
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
	if (was && strcmp(was, t->ref))
		term_info("template '%s' at ref '%s' (commit %.12s), moved "
			  "from '%s'", t->url, t->ref, t->commit, was);
	else
		term_info("template '%s' at ref '%s' (commit %.12s)", t->url,
			  t->ref, t->commit);
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

/* ---- --redo: start a file's merge over (redo.h) ----------------------- */

/* One file's merge, started over: its inputs, the result. */
struct redo_file {
	const struct project_file *f;
	struct merge_texts in;	/* bytes malloc'd; base.data NULL: 2-way */
	enum redo_where base_at, yours_at;	/* REDO_NOWHERE: yours is
						 * HEAD's version */
	char base_id[BLOB_HEXSZ + 1], yours_id[BLOB_HEXSZ + 1];
	struct merge_result res;
};

static void redo_file_release(struct redo_file *rf)
{
	free((char *)rf->in.base.data);
	free((char *)rf->in.ours.data);
	free((char *)rf->in.theirs.data);
	merge_result_release(&rf->res);
}

/* The file of cmp at path, one genship generated; else ERR_INPUT. */
static int redo_target(const struct project *p, const struct project_cmp *cmp,
		       const char *path, struct redo_file *rf,
		       struct diag *err)
{
	struct strbuf list = STRBUF_INIT;
	size_t i;

	for (i = 0; i < cmp->nfiles; i++)
		if (cmp->files[i].recorded && !strcmp(cmp->files[i].path, path)) {
			rf->f = &cmp->files[i];
			return 0;
		}
	for (i = 0; i < p->af->nconflicts; i++)
		strbuf_addf(&list, "%s'%s'", i ? ", " : "",
			    p->af->conflicts[i].path);
	diag_input(err, p->af_file, "'%s' is not a file genship generated; "
		   "there is no merge of it to start over", path);
	diag_hint(err, "give the path relative to the project directory, as "
		  "'genship update' prints it%s%s", list.len ? "; the "
		  "recorded conflicts are " : "", list.buf);
	strbuf_release(&list);
	return ERR_INPUT;
}

/* The template's side: the recorded version re-rendered, else the store. */
static int redo_theirs(const struct project *p, const struct project_cmp *cmp,
		       const char *cache, struct redo_file *rf,
		       struct diag *err)
{
	const struct project_file *f = rf->f;
	char *data = NULL;
	size_t len = 0;

	if (f->base.data)
		rf->in.theirs = (struct merge_side){ true, xstrndup(f->base.data,
			f->base.len), f->base.len, f->base.mode };
	else if (redo_find(cache, p->dir, f->recorded, &data, &len))
		rf->in.theirs = (struct merge_side){ true, data, len, 0644 };
	if (rf->in.theirs.data)
		return 0;
	diag_fail(err, "cannot start the merge of '%s' over: the template's "
		  "version of it is gone", f->path);
	diag_hint(err, "the recorded template version %s, and genship's store "
		  "does not have it", cmp->have_base ? "renders other bytes "
		  "now" : "cannot be rendered");
	return ERR_FAIL;
}

/*
 * Your side: the file as the update found it, from the store or the
 * project's repository; else the version committed at HEAD, if it has no
 * conflict markers.
 */
static int redo_yours(const struct project *p, const char *cache,
		      const struct answers_conflict *rec, struct redo_file *rf,
		      struct diag *err)
{
	const char *path = rf->f->path;
	char *data = NULL;
	size_t len = 0;

	if (rec && *rec->yours)
		rf->yours_at = redo_find(cache, p->dir, rec->yours, &data,
					 &len);
	if (!data && redo_committed(p->dir, path, &data, &len) &&
	    merge_has_markers(data, len, true)) {
		free(data);
		data = NULL;
	}
	if (!data) {
		diag_fail(err, "cannot start the merge of '%s' over: your "
			  "version from before the update is neither in "
			  "genship's store nor in the project's git "
			  "repository, and HEAD has none without conflict "
			  "markers", path);
		diag_hint(err, "resolve the <<<<<<< ======= >>>>>>> markers by "
			  "hand");
		return ERR_FAIL;
	}
	rf->in.ours = (struct merge_side){ true, data, len, 0644 };
	blob_id(data, len, rf->yours_id);
	return 0;
}

/* The base: what genship wrote before the update, if it can be found. */
static void redo_base(const struct project *p, const char *cache,
		      const struct answers_conflict *rec, struct redo_file *rf)
{
	char *data = NULL;
	size_t len = 0;

	if (!rec || !*rec->base)
		return;
	memcpy(rf->base_id, rec->base, sizeof(rf->base_id));
	rf->base_at = redo_find(cache, p->dir, rec->base, &data, &len);
	if (data)
		rf->in.base = (struct merge_side){ true, data, len, 0644 };
}

/* Say where the inputs of rf's merge came from, on stderr. */
static void redo_say(const struct redo_file *rf)
{
	const char *path = rf->f->path;

	if (rf->yours_at == REDO_NOWHERE)
		fprintf(stderr, "genship: warning: your version of '%s' from "
			"before the update is gone; merging the one committed "
			"at HEAD\n", path);
	if (!rf->in.base.data)
		fprintf(stderr, "genship: warning: %s of '%s' is %s: a 2-way "
			"merge, in which every difference conflicts\n",
			*rf->base_id ? "the base" : "no base", path,
			*rf->base_id ? "gone" : "recorded");
	fprintf(stderr, "genship: starting the merge of '%s' over", path);
	if (rf->in.base.data)
		fprintf(stderr, ": the base from %s",
			redo_where_name(rf->base_at));
	if (rf->yours_at != REDO_NOWHERE)
		fprintf(stderr, "%s your version from %s", rf->in.base.data ?
			"," : ":", redo_where_name(rf->yours_at));
	fputc('\n', stderr);
}

/* Merge rf's inputs again, in style. */
static int redo_merge(struct redo_file *rf, enum merge_style style,
		      struct diag *err)
{
	const struct merge_texts *in = &rf->in;
	bool conflict = false;
	int ret;

	if ((in->base.data && memchr(in->base.data, '\0', in->base.len)) ||
	    memchr(in->ours.data, '\0', in->ours.len) ||
	    memchr(in->theirs.data, '\0', in->theirs.len)) {
		diag_input(err, NULL, "cannot start the merge of '%s' over: it "
			   "is binary, and genship merges text line by line",
			   rf->f->path);
		diag_hint(err, "keep your version, or copy the template's over "
			  "it by hand");
		return ERR_INPUT;
	}
	ret = merge_text(in, style, &rf->res.data, &rf->res.len, &conflict,
			 err);
	rf->res.kind = conflict ? MERGE_CONFLICT : MERGE_MERGED;
	rf->res.mode = rf->f->ours.present ? rf->f->ours.mode :
		in->theirs.mode;
	return ret;
}

/* Gather the inputs of path's merge and merge them again into rf. */
static int redo_one(const struct update_opts *o, const struct project *p,
		    const struct project_cmp *cmp, const char *cache,
		    const char *path, struct redo_file *rf, struct diag *err)
{
	const struct answers_conflict *rec =
		answers_file_conflict(p->af, path);
	int ret = redo_target(p, cmp, path, rf, err);

	if (!ret)
		ret = redo_theirs(p, cmp, cache, rf, err);
	if (!ret)
		ret = redo_yours(p, cache, rec, rf, err);
	if (!ret) {
		redo_base(p, cache, rec, rf);
		redo_say(rf);
		ret = redo_merge(rf, o->style, err);
	}
	return ret;
}

/* Print each result, fill rep, and the JSON report when asked. */
static void redo_report(const struct update_opts *o,
			const struct project_cmp *cmp,
			const struct redo_file *rfs, size_t n,
			struct update_report *rep)
{
	struct change_report *r = o->json ?
		change_report_new(cmp->theirs_t) : NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *path = rfs[i].f->path;

		if (!o->json)
			printf("%-9s %s%s\n", merge_kind_name(rfs[i].res.kind),
			       path, rfs[i].in.base.data ? "" : " (2-way)");
		else
			change_report_add_merge(r, path, rfs[i].res.kind);
		strbuf_addf(&rep->changed, "%s\n", path);
		rep->nchanged++;
		if (rfs[i].res.kind == MERGE_CONFLICT)
			report_conflict(rep, path);
	}
	if (r)
		change_report_print(r, rep->nconflicts ? "conflict" :
				    "updated");
	fflush(stdout);
}

/*
 * Write the results of the redone merges and the answers file, whose
 * conflict records now say which of them still conflict; one transaction,
 * compare-and-swap (txn.h).
 */
static int redo_apply(struct project *p, const struct redo_file *rfs,
		      size_t n, struct update_report *rep, struct diag *err)
{
	struct answers_file *recs = answers_file_new();
	struct strbuf paths = STRBUF_INIT, answers = STRBUF_INIT;
	struct txn txn = TXN_INIT;
	char id[BLOB_HEXSZ + 1];
	size_t i;
	int ret = txn_begin(&txn, p->dir, err);

	for (i = 0; !ret && i < n; i++) {
		const struct redo_file *rf = &rfs[i];

		ret = txn_stage(&txn, rf->f->path, rf->res.mode, rf->res.data,
				rf->res.len, side_blob(&rf->f->ours, id), err);
		strbuf_addf(&paths, "%s\n", rf->f->path);
		if (rf->res.kind != MERGE_CONFLICT)
			continue;
		txn_conflict(&txn, rf->f->path);
		answers_file_add_conflict(recs, rf->f->path, rf->base_id,
					  rf->yours_id);
	}
	if (!ret)
		ret = project_answers_replace_conflicts(p, paths.buf, recs,
							&answers, err);
	if (!ret)
		ret = txn_stage(&txn, PROJECT_ANSWERS_FILE, 0644, answers.buf,
				answers.len, *p->af_blob ? p->af_blob : NULL,
				err);
	ret = seal_commit(&txn, p->dir, p, rep, ret, err);
	answers_file_free(recs);
	strbuf_release(&paths);
	strbuf_release(&answers);
	return ret;
}

/* Redo the merge of every --redo path of p, then write the results. */
static int redo_all(const struct update_opts *o, struct project *p,
		    const struct project_cmp *cmp, struct update_report *rep,
		    struct diag *err)
{
	struct redo_file *rfs = xcalloc(o->redo.len, sizeof(*rfs));
	char *cache = source_cache_dir(&o->src);
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < o->redo.len; i++)
		ret = redo_one(o, p, cmp, cache, o->redo.items[i], &rfs[i],
			       err);
	if (!ret)
		redo_report(o, cmp, rfs, o->redo.len, rep);
	if (!ret && !o->dry_run)
		ret = redo_apply(p, rfs, o->redo.len, rep, err);
	if (!ret && o->dry_run)
		fputs("genship: dry run: nothing written\n", stderr);
	else if (!ret && !rep->nconflicts)
		fprintf(stderr, "genship: merged %zu file%s of '%s' again: no "
			"conflicts left\n", o->redo.len, o->redo.len == 1 ?
			"" : "s", p->dir);
	for (i = 0; i < o->redo.len; i++)
		redo_file_release(&rfs[i]);
	free(rfs);
	free(cache);
	return ret;
}

/* What an update holds for the whole command. */
struct update_state {
	const char *dir;
	struct config *cfg;
	struct lock lock;
	struct project *p;
	struct project_cmp cmp;
	struct update_report rep;
};

#define UPDATE_STATE_INIT { NULL, NULL, LOCK_INIT, NULL, PROJECT_CMP_INIT, \
			    UPDATE_REPORT_INIT }

/*
 * The start of every update: the user config, the lock, what earlier
 * runs left (settle()), the project.
 */
static int update_begin(struct update_opts *o, struct update_state *st,
			struct diag *err)
{
	int ret = load_config(o, &st->cfg, err);

	st->dir = o->dir ? o->dir : ".";
	signals_catch();
	if (!ret)
		ret = lock_take(&st->lock, st->dir, !o->dry_run,
				o->lock_timeout, err);
	if (!ret)
		ret = settle(o, st->dir, &st->rep, err);
	if (!ret)
		ret = project_open(st->dir, &st->p, err);
	return ret;
}

static void update_end(struct update_state *st)
{
	project_cmp_release(&st->cmp);
	project_free(st->p);
	lock_release(&st->lock);
	config_free(st->cfg);
	strbuf_release(&st->rep.changed);
	strbuf_release(&st->rep.conflicts);
}

/*
 * update --redo: render the recorded template and answers (the
 * template's side of the last merge), find the other two sides, merge
 * again.  Nothing else in the project changes.
 */
static int redo(struct update_opts *o, struct diag *err)
{
	struct update_state st = UPDATE_STATE_INIT;
	int ret = update_begin(o, &st, err);

	if (!ret)
		ret = project_compare(st.p, NULL, NULL, 0, PROJECT_CMP_BASE,
				      &st.cmp, err);
	if (!ret)
		ret = redo_all(o, st.p, &st.cmp, &st.rep, err);
	if (!ret)
		ret = finish(st.p, &st.rep, o->dry_run, true, err);
	update_end(&st);
	return ret;
}

/* Render base and theirs, merge every path, report, apply. */
static int update(struct update_opts *o, struct diag *err)
{
	struct update_state st = UPDATE_STATE_INIT;
	struct project_cmp *cmp = &st.cmp;
	int ret = update_begin(o, &st, err);

	cmp->src = &o->src;
	cmp->answers_path = o->answers;
	cmp->style = o->style;
	if (!ret)
		ret = project_compare(st.p, o->template, o->sets.items,
				      o->sets.len, PROJECT_CMP_BASE |
				      PROJECT_CMP_MERGE, cmp, err);
	if (!ret && cmp->unresolved.len && o->json)
		report_json(cmp, "unresolved");
	if (!ret)
		ret = project_check_resolved(st.p, cmp, err);
	if (!ret) {
		report_ref(st.p, cmp->theirs_t);
		o->trust |= config_trusts(st.cfg, cmp->theirs_t->source,
					  cmp->theirs_t->url);
		ret = run(o, st.p, cmp, st.dir, &st.rep, err);
	}
	if (!ret)
		ret = finish(st.p, &st.rep, o->dry_run, false, err);
	update_end(&st);
	return ret;
}

int cmd_update(int argc, char **argv)
{
	struct update_opts o = { 0 };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("update"), argc, argv, update_arg,
				 &o);

	if (!ret && o.redo.len && (o.sets.len || o.answers || o.template ||
				   o.src.ref))
		ret = cmd_usage_error(cmd_find("update"), "--redo starts a "
				      "file's merge over with the recorded "
				      "template and answers; it does not "
				      "combine with --set, --answers, "
				      "--template or --ref");
	if (ret) {
		cmd_sets_release(&o.sets);
		cmd_sets_release(&o.redo);
		return ret < 0 ? 0 : ret;
	}
	ret = cmd_finish(o.redo.len ? redo(&o, &err) : update(&o, &err),
			 &err);
	cmd_sets_release(&o.sets);
	cmd_sets_release(&o.redo);
	signals_reraise();
	return ret;
}
