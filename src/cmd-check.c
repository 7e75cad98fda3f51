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
 * git history.  Exit 0 when everything matches, 1 otherwise.
 *
 * A recorded answer for an option the template no longer has is named
 * in a warning, as update names it when it drops the answer.  It does
 * not fail the check: the gate is about files, and the files it would
 * render without that answer are what the comparison already shows.
 */
#include <stdio.h>
#include <string.h>

#include "blob.h"
#include "cmd.h"
#include "project.h"
#include "template.h"
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

/* Print one group; return how many files it named. */
static size_t print_group(const struct project_cmp *cmp,
			  const char *(*change)(const struct project_file *))
{
	size_t i, n = 0;

	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];
		const char *what = change(f);

		if (!what || (same_side(&f->ours, &f->theirs) &&
			      !mode_edited(f)))
			continue;
		printf("%-8s %s", what, f->path);
		if (mode_edited(f) && change == user_change)
			printf(" (mode %04o; generated %04o)", f->ours.mode,
			       f->theirs.mode);
		printf("\n");
		n++;
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

/* Print both groups and the verdict; return the exit status. */
static int verdict(const struct project *p, const struct project_cmp *cmp)
{
	const struct template *t = cmp->theirs_t;
	size_t edited = print_group(cmp, user_change);
	size_t drift = print_group(cmp, template_change);

	fflush(stdout);
	print_notes(cmp);
	if (strcmp(t->manifest->version, p->af->template_version))
		fprintf(stderr, "genship: template '%s' is now version %s; "
			"the project records %s\n", t->name,
			t->manifest->version, p->af->template_version);
	if (!edited && !drift) {
		fprintf(stderr, "genship: check: '%s' matches template '%s' "
			"and its recorded answers\n", p->dir, t->name);
		return 0;
	}
	fprintf(stderr, "genship: check failed: %zu edited by you, %zu "
		"changed in the template '%s'\n", edited, drift, t->name);
	fputs("hint: 'genship diff' shows what 'genship update' would "
	      "change\n", stderr);
	return 1;
}

static int check(const char *dir, unsigned lock_timeout, int *status,
		 struct diag *err)
{
	struct project_cmp cmp = PROJECT_CMP_INIT;
	struct project *p = NULL;
	struct lock lock = LOCK_INIT;
	int ret = lock_take(&lock, dir, false, lock_timeout, err);

	if (!ret)
		ret = project_check_idle(dir, "run 'genship update' to finish "
					 "it first", err);
	if (!ret)
		ret = project_open(dir, &p, err);
	if (!ret)
		ret = project_compare(p, NULL, NULL, 0, 0, &cmp, err);
	if (!ret)
		*status = verdict(p, &cmp);
	project_cmp_release(&cmp);
	project_free(p);
	lock_release(&lock);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	const char *dir = ".";
	struct diag err = DIAG_INIT;
	unsigned lock_timeout = 0;
	int status = 0;
	int ret = cmd_parse_project_args(cmd_find("check"), argc, argv, &dir,
					 &lock_timeout);

	if (ret)
		return ret < 0 ? 0 : ret;
	ret = cmd_finish(check(dir, lock_timeout, &status, &err), &err);
	return ret ? ret : status;
}
