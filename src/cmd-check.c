/*
 * genship check: the CI drift gate.  It renders the template named in the
 * answers file (as it is now: the built-in of this binary, the directory,
 * or the repository's HEAD) with the recorded answers, and names every
 * file on disk that differs from that output, in two groups:
 *
 *   edited   PATH   you changed the file since genship wrote it
 *   deleted  PATH   you removed it
 *   drift    PATH   the template now generates something else
 *   added    PATH   the template now generates a new file
 *   removed  PATH   the template no longer generates it
 *
 * The blob ids in the answers file tell the two groups apart, without any
 * git history.  Drift and unresolved conflicts exit 1; edits alone exit
 * 0, unless --strict.  With --format json the groups become one status
 * per file (change.h).
 *
 * A recorded answer for an option the template no longer has is named
 * in a warning, as update names it when it drops the answer.  It does
 * not fail the check: the gate is about files, and the files it would
 * render without that answer are what the comparison already shows.
 */
#include <stdio.h>
#include <string.h>

#include "blob.h"
#include "change.h"
#include "cmd.h"
#include "project.h"
#include "template.h"
#include "term.h"
#include "lock.h"
#include "writer.h"

/* True when side s has blob id blob. */
static bool has_blob(const struct merge_side *s, const char *blob)
{
	char id[BLOB_HEXSZ + 1];

	blob_id(s->data, s->len, id);
	return !strcmp(id, blob);
}

static bool same_side(const struct merge_side *a, const struct merge_side *b)
{
	if (a->present != b->present)
		return false;
	return !a->present ||
		(a->len == b->len && !memcmp(a->data, b->data, a->len));
}

/*
 * True when the user changed f's mode: it is neither the template's mode
 * nor what genship writes for it under the current umask.
 */
static bool mode_edited(const struct project_file *f)
{
	const struct merge_side *o = &f->ours, *t = &f->theirs;

	return o->present && t->present && o->mode != t->mode &&
		o->mode != template_file_mode(writer_file_mode(t->mode));
}

/* The user's side of f: "edited", "deleted" or NULL. */
static const char *user_change(const struct project_file *f)
{
	if (!f->recorded)
		return NULL;
	if (!f->ours.present)
		return "deleted";
	return has_blob(&f->ours, f->recorded) && !mode_edited(f) ? NULL :
		"edited";
}

/* The template's side of f: "drift", "added", "removed" or NULL. */
static const char *template_change(const struct project_file *f)
{
	if (!f->recorded)
		return f->theirs.present ? "added" : NULL;
	if (!f->theirs.present)
		return "removed";
	return has_blob(&f->theirs, f->recorded) ? NULL : "drift";
}

/* True when f differs from what the template generates now. */
static bool differs(const struct project_file *f)
{
	return !same_side(&f->ours, &f->theirs) || mode_edited(f);
}

/* Print one group (unless quiet); return how many files it names. */
static size_t print_group(const struct project_cmp *cmp,
			  const char *(*change)(const struct project_file *),
			  bool quiet)
{
	size_t i, n = 0;

	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];
		const char *what = change(f);

		if (!what || !differs(f))
			continue;
		n++;
		if (quiet)
			continue;
		printf("%-8s %s", what, f->path);
		if (mode_edited(f) && change == user_change)
			printf(" (mode %04o; generated %04o)", f->ours.mode,
			       f->theirs.mode);
		printf("\n");
	}
	return n;
}

/* Print the notes of the comparison (dropped answers) as warnings. */
static void print_notes(const struct project_cmp *cmp)
{
	const char *p = cmp->notes.buf, *nl;

	for (; (nl = strchr(p, '\n')); p = nl + 1)
		fprintf(stderr, "genship: warning: %.*s\n", (int)(nl - p), p);
	if (cmp->notes.len)
		fputs("hint: 'genship update' removes dropped answers from "
		      ".genship.yml\n", stderr);
}

/*
 * Name every file whose conflict markers are still there (unless
 * quiet); return how many.
 */
static size_t print_unresolved(const struct project_cmp *cmp, bool quiet)
{
	const char *p = cmp->unresolved.buf, *nl;
	size_t n = 0;

	for (; (nl = strchr(p, '\n')); p = nl + 1, n++)
		if (!quiet)
			printf("conflict %.*s (unresolved)\n", (int)(nl - p),
			       p);
	return n;
}

/* f's status for the JSON report: the template's side wins, but
 * "deleted"; who is whose change it is. */
static const char *file_status(const struct project_cmp *cmp,
			       const struct project_file *f,
			       enum change_who *who)
{
	const char *u = user_change(f), *t = template_change(f);

	*who = CHANGE_BOTH;
	if (strbuf_lines_contain(cmp->unresolved.buf, f->path))
		return "conflict";
	if ((!u && !t) || !differs(f)) {
		*who = CHANGE_NONE;
		return "unchanged";
	}
	if (!u || !t)
		*who = u ? CHANGE_USER : CHANGE_TEMPLATE;
	if (u && (!t || !strcmp(u, "deleted")))
		return u;
	return !strcmp(t, "drift") ? "modified" : t;
}

/* What check found: the user's edits and the template's drift. */
struct check_counts {
	size_t edited, drift, unresolved;
	bool moved;		/* the template's version moved on */
};

/*
 * The JSON report: every file's status, and the result: "unresolved",
 * "drift", "edited" or "clean".
 */
static void report_json(const struct project_cmp *cmp,
			const struct check_counts *n)
{
	struct change_report *r = change_report_new(cmp->theirs_t);
	enum change_who who;
	size_t i;

	for (i = 0; i < cmp->nfiles; i++) {
		const char *st = file_status(cmp, &cmp->files[i], &who);

		change_report_add(r, cmp->files[i].path, st, who);
	}
	change_report_print(r, n->unresolved ? "unresolved" : n->drift ||
			    n->moved ? "drift" : n->edited ? "edited" :
			    "clean");
}

/* How to resolve the unresolved conflicts of cmp, or start over. */
static void print_resolve_hint(const struct project *p,
			       const struct project_cmp *cmp)
{
	struct strbuf redo = STRBUF_INIT;

	project_redo_command(p, cmp->unresolved.buf, &redo);
	fprintf(stderr, "hint: remove the <<<<<<< ======= >>>>>>> markers, "
		"keeping what you want; or start the merge over: '%s'\n",
		redo.buf);
	strbuf_release(&redo);
}

/* Say what was found, and the verdict; return the exit status. */
static int verdict_line(const struct project *p,
			const struct project_cmp *cmp,
			const struct check_counts *n, bool strict)
{
	const struct template *t = cmp->theirs_t;
	bool drift = n->drift || n->unresolved || n->moved;

	if (!n->edited && !drift) {
		term_info("check: '%s' matches template '%s' and its "
			  "recorded answers", p->dir, t->name);
		return 0;
	}
	if (!drift && !strict) {
		term_info("check passed: %zu edited by you (update keeps "
			  "them), no drift from template '%s'", n->edited,
			  t->name);
		if (!term_quiet())
			fputs("hint: pass --strict to fail on edits as "
			      "well\n", stderr);
		return 0;
	}
	fprintf(stderr, "genship: check failed: %zu edited by you, %zu "
		"changed in the template '%s'", n->edited, n->drift, t->name);
	if (n->unresolved)
		fprintf(stderr, ", %zu unresolved conflict%s", n->unresolved,
			n->unresolved == 1 ? "" : "s");
	fputc('\n', stderr);
	if (n->unresolved)
		print_resolve_hint(p, cmp);
	else
		fputs("hint: 'genship diff' shows what 'genship update' would "
		      "change\n", stderr);
	return 1;
}

/* Print both groups (or JSON) and the verdict; return the exit status. */
static int verdict(const struct project *p, const struct project_cmp *cmp,
		   bool strict, bool json)
{
	const struct template *t = cmp->theirs_t;
	struct check_counts n = { 0, 0, 0, false };

	n.edited = print_group(cmp, user_change, json);
	n.drift = print_group(cmp, template_change, json);
	n.unresolved = print_unresolved(cmp, json);
	n.moved = *p->af->template_version &&
		strcmp(t->manifest->version, p->af->template_version);
	if (json)
		report_json(cmp, &n);
	fflush(stdout);
	print_notes(cmp);
	if (n.moved)
		fprintf(stderr, "genship: template '%s' is now version %s; "
			"the project records %s\n", t->name,
			t->manifest->version, p->af->template_version);
	return verdict_line(p, cmp, &n, strict);
}

struct check_opts {
	const char *dir;
	unsigned lock_timeout;
	bool strict, json;
};

enum { OPT_LOCK_TIMEOUT = 256, OPT_STRICT, OPT_FORMAT };

const struct cmd_opt cmd_check_opts[] = {
	CMD_OPT_LOCK_TIMEOUT(OPT_LOCK_TIMEOUT),
	{ "strict", 0, false, OPT_STRICT, NULL,
	  "fail on your own edits too, not only on drift" },
	CMD_OPT_FORMAT_TEXT_JSON(OPT_FORMAT),
	CMD_OPT_END
};

/* One parsed argument: an option, or the project directory. */
static int check_arg(void *ud, int key, char *arg)
{
	struct check_opts *o = ud;

	if (key == OPT_LOCK_TIMEOUT)
		return cmd_parse_seconds(cmd_find("check"), "--lock-timeout",
					 arg, &o->lock_timeout);
	if (key == OPT_STRICT) {
		o->strict = true;
		return 0;
	}
	if (key == OPT_FORMAT)
		return cmd_parse_json_format(cmd_find("check"), arg, &o->json);
	if (o->dir)
		return cmd_usage_error(cmd_find("check"), "unexpected "
				       "argument '%s'", arg);
	o->dir = arg;
	return 0;
}

static int check(const struct check_opts *o, int *status, struct diag *err)
{
	const char *dir = o->dir ? o->dir : ".";
	struct project_cmp cmp = PROJECT_CMP_INIT;
	struct project *p = NULL;
	struct lock lock = LOCK_INIT;
	int ret = lock_take(&lock, dir, false, o->lock_timeout, err);

	if (!ret)
		ret = project_check_idle(dir, "run 'genship update' to finish "
					 "it first", err);
	if (!ret)
		ret = project_open(dir, &p, err);
	if (!ret)
		ret = project_compare(p, NULL, NULL, 0, 0, &cmp, err);
	if (!ret)
		*status = verdict(p, &cmp, o->strict, o->json);
	project_cmp_release(&cmp);
	project_free(p);
	lock_release(&lock);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = { NULL, 0, false, false };
	struct diag err = DIAG_INIT;
	int status = 0;
	int ret = cmd_parse_args(cmd_find("check"), argc, argv, check_arg,
				 &o);

	if (ret)
		return ret < 0 ? 0 : ret;
	ret = cmd_finish(check(&o, &status, &err), &err);
	return ret ? ret : status;
}
