/*
 * genship validate: render option combinations in memory, lint every
 * output with the built-in checks and the external linters, and report
 * as text (a progress bar on a TTY, then the findings and a summary
 * table), JSON or JUnit XML.  Exit 0 when every combination passes, 1 on
 * findings, 2 on bad input.
 */
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "cmd.h"
#include "fsutil.h"
#include "lint.h"
#include "matrix.h"
#include "signals.h"
#include "source.h"
#include "template.h"
#include "term.h"
#include "value-json.h"
#include "xalloc.h"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_JUNIT };

struct validate_opts {
	const char *template;
	const char *answers;
	const char *shard;
	const char *lint_list;
	const char *lint_dir;
	struct cmd_sets sets;
	bool all;
	bool list_linters;
	unsigned jobs;
	enum format format;
};

enum { OPT_JOBS = 'j', OPT_SET = 256, OPT_ANSWERS, OPT_ALL, OPT_LINT,
       OPT_LINT_DIR, OPT_FORMAT, OPT_SHARD, OPT_LIST_LINTERS };

const struct cmd_opt cmd_validate_opts[] = {
	{ "all", 0, false, OPT_ALL, NULL,
	  "validate every combination (the default)" },
	{ "set", 0, CMD_ARG_REPEAT, OPT_SET, "K=V",
	  "validate only with option K=V (repeatable)" },
	{ "answers", 0, true, OPT_ANSWERS, "FILE",
	  "validate the combination these answers give" },
	{ "jobs", 'j', true, OPT_JOBS, "N",
	  "run N linters at once (default: one per CPU)" },
	{ "lint", 0, true, OPT_LINT, "LIST",
	  "comma-separated linters to run, or all or none" },
	{ "lint-dir", 0, true, OPT_LINT_DIR, "DIR",
	  "where the npm linters live (tools/lint)" },
	{ "format", 0, true, OPT_FORMAT, "text|json|junit",
	  "the report's format (default: text)" },
	{ "shard", 0, true, OPT_SHARD, "K/N",
	  "validate slice K of N of the combinations" },
	{ "list-linters", 0, false, OPT_LIST_LINTERS, NULL,
	  "show each linter's path and version" },
	CMD_OPT_END
};

static int usage(const char *fmt, const char *arg)
{
	return cmd_usage_error(cmd_find("validate"), fmt, arg);
}

static int parse_jobs(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v < 1 || v > 256)
		return usage("invalid -j '%s': expected 1 to 256 jobs", s);
	*out = (unsigned)v;
	return 0;
}

static int parse_format(const char *s, enum format *out)
{
	if (!strcmp(s, "text"))
		*out = FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*out = FORMAT_JSON;
	else if (!strcmp(s, "junit"))
		*out = FORMAT_JUNIT;
	else
		return usage("invalid --format '%s': expected text, json or "
			     "junit", s);
	return 0;
}

/* One parsed argument; a positional K=V is like --set. */
static int validate_arg(void *ud, int key, char *arg)
{
	struct validate_opts *o = ud;

	switch (key) {
	case OPT_ALL: o->all = true; return 0;
	case OPT_SET: cmd_sets_add(&o->sets, arg); return 0;
	case OPT_ANSWERS: o->answers = arg; return 0;
	case OPT_JOBS: return parse_jobs(arg, &o->jobs);
	case OPT_LINT: o->lint_list = arg; return 0;
	case OPT_LINT_DIR: o->lint_dir = arg; return 0;
	case OPT_FORMAT: return parse_format(arg, &o->format);
	case OPT_SHARD: o->shard = arg; return 0;
	case OPT_LIST_LINTERS: o->list_linters = true; return 0;
	}
	if (strchr(arg, '='))
		cmd_sets_add(&o->sets, arg);
	else if (!o->template)
		o->template = arg;
	else
		return usage("unexpected argument '%s'", arg);
	return 0;
}

/* --all, --set/--answers and --shard: which go together. */
static int check_selection(const struct validate_opts *o)
{
	bool one = o->sets.len || o->answers;

	if (o->all && one)
		return usage("%s", "--all validates every combination; it "
			     "does not combine with --set or --answers");
	if (o->shard && one)
		return usage("%s", "--shard slices the full matrix; it does "
			     "not combine with --set or --answers");
	return 0;
}

/* ---- finding tools/lint ----------------------------------------------- */

/* True when dir looks like tools/lint: it has package.json. */
static bool lint_dir_ok(const char *dir)
{
	char *p = fs_join(dir, "package.json");
	bool ok = !access(p, R_OK);

	free(p);
	return ok;
}

/*
 * Locate the npm linters' directory (tools/lint, installed as lint/ in
 * the helper directory): --lint-dir, else $GENSHIP_LINT_DIR, else lint/
 * in the helper directory (lint_libexec_dir), else tools/lint beside or
 * above the binary (a build tree), else ./tools/lint.  *out is an
 * absolute path, or NULL when none is found.  A --lint-dir that is not a
 * lint directory is ERR_INPUT.
 */
static int find_lint_dir(const char *given, char **out, struct diag *err)
{
	const char *env = getenv("GENSHIP_LINT_DIR");
	char *exe = fs_exe_dir(), *lib = lint_libexec_dir(), *cands[5];
	size_t i, n = 0;

	*out = NULL;
	if (given && !lint_dir_ok(given)) {
		free(exe);
		free(lib);
		diag_input(err, NULL, "--lint-dir '%s' has no package.json",
			   given);
		diag_hint(err, "point it at genship's tools/lint directory");
		return ERR_INPUT;
	}
	cands[n++] = xstrdup(given ? given : env && *env ? env : "");
	cands[n++] = lib ? fs_join(lib, "lint") : xstrdup("");
	cands[n++] = exe ? fs_join(exe, "tools/lint") : xstrdup("");
	cands[n++] = exe ? fs_join(exe, "../tools/lint") : xstrdup("");
	cands[n++] = xstrdup("tools/lint");
	for (i = 0; i < n; i++) {
		if (!*out && *cands[i] && lint_dir_ok(cands[i]))
			*out = realpath(cands[i], NULL);
		free(cands[i]);
	}
	free(exe);
	free(lib);
	return 0;
}

/*
 * --list-linters: for each linter, where its program was found and the
 * version it reports, or why it is missing.  Exits 0 either way.
 */
static int list_linters(const struct validate_opts *o, struct diag *err)
{
	char *lint_dir = NULL, *path, *version;
	int l, ret = find_lint_dir(o->lint_dir, &lint_dir, err);

	if (ret)
		return ret;
	for (l = 0; l < LINTER_COUNT; l++) {
		if (l == LINTER_BUILTIN) {
			printf("%-17s in genship %s\n", linter_name(l),
			       PACKAGE_VERSION);
			continue;
		}
		if (lint_ext_describe((enum linter)l, lint_dir, &path,
				      &version))
			printf("%-17s missing: %s\n", linter_name(l), path);
		else
			printf("%-17s %s (%s)\n", linter_name(l), path,
			       version ? version : "version unknown");
		free(path);
		free(version);
	}
	free(lint_dir);
	return 0;
}

/* ---- the combinations ------------------------------------------------- */

/* The single combination given by --answers and --set. */
static int one_combination(const struct template *t,
			   const struct validate_opts *o, struct matrix *mx,
			   struct diag *err)
{
	struct answer_set given = ANSWER_SET_INIT;
	struct template_request rq = TEMPLATE_REQUEST_INIT;
	struct arena a = ARENA_INIT;
	struct value *ctx = NULL;
	int ret = answer_set_gather(&given, o->answers, o->sets.items,
				    o->sets.len, err);

	rq.given = &given;
	if (!ret)
		ret = template_resolve(t, &rq, &a, &ctx, err);
	if (!ret)
		matrix_add_template_context(mx, t, ctx);
	answer_set_release(&given);
	arena_release(&a);
	return ret;
}

/* The combinations to check: one from --set/--answers, or the (sharded)
 * matrix.
 */
static int select_combinations(const struct template *t,
			       const struct validate_opts *o,
			       struct matrix *mx, struct diag *err)
{
	struct matrix_shard shard = { 0, 0 };
	int ret;

	if (o->sets.len || o->answers)
		return one_combination(t, o, mx, err);
	if (o->shard && (ret = matrix_parse_shard(o->shard, &shard, err)))
		return ret;
	ret = matrix_enumerate_template(t, mx, err);
	if (!ret)
		matrix_apply_shard(mx, &shard);
	return ret;
}

/* ---- progress ----------------------------------------------------------- */

/* Seconds between progress lines off a terminal, unless overridden. */
#define PROGRESS_INTERVAL 30.0

/*
 * Progress on stderr.  On a terminal, a bar redrawn in place with the
 * elapsed time and, once part of the phase is done, an estimate of what
 * is left of it.  Otherwise (a CI log), one line each time the phase
 * passes another tenth, and every interval seconds in between, so a long
 * phase never goes quiet.
 */
struct progress {
	bool tty;		/* draw the bar (a terminal, text output) */
	bool lines;		/* print lines (stderr is no terminal) */
	double interval;	/* seconds between lines, at most */
	double start;		/* when validate began */
	const char *phase;
	double phase_start, last;	/* when the phase began; the last
					 * line or redraw */
	size_t tenths;		/* tenths of the phase reported */
	size_t fill;		/* '#'s in the bar */
};

/*
 * The interval between progress lines: GENSHIP_PROGRESS_INTERVAL seconds
 * (for tests), else PROGRESS_INTERVAL.  Anything but a number from 0.1 to
 * 86400 is ERR_INPUT.
 */
static int progress_interval(double *out, struct diag *err)
{
	const char *s = getenv("GENSHIP_PROGRESS_INTERVAL");
	char *end;
	double v;

	*out = PROGRESS_INTERVAL;
	if (!s)
		return 0;
	v = strtod(s, &end);
	if (!*s || *end || !(v >= 0.1 && v <= 86400)) {
		diag_input(err, NULL, "GENSHIP_PROGRESS_INTERVAL='%s': expected "
			   "seconds from 0.1 to 86400", s);
		return ERR_INPUT;
	}
	*out = v;
	return 0;
}

/* Append seconds as M:SS, or H:MM:SS from an hour on. */
static void add_duration(struct strbuf *sb, double seconds)
{
	unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;

	if (s >= 3600)
		strbuf_addf(sb, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60,
			    s % 60);
	else
		strbuf_addf(sb, "%lu:%02lu", s / 60, s % 60);
}

/* Append "M:SS elapsed" and, part way through, ", ~M:SS left". */
static void add_times(const struct progress *p, double now, size_t done,
		      size_t total, struct strbuf *sb)
{
	double spent = now - p->phase_start;

	add_duration(sb, now - p->start);
	strbuf_adds(sb, " elapsed");
	if (!done || done >= total)
		return;
	strbuf_adds(sb, ", ~");
	add_duration(sb, spent / (double)done * (double)(total - done));
	strbuf_adds(sb, " left");
}

/* Redraw the bar in place (a terminal): on a new '#' or a new second. */
static void progress_bar(struct progress *p, double now, size_t done,
			 size_t total)
{
	size_t width = 30, fill = total ? done * width / total : width;
	struct strbuf line = STRBUF_INIT;

	if (fill == p->fill && now - p->last < 1.0 && done != total)
		return;
	p->fill = fill;
	p->last = now;
	strbuf_addf(&line, "\r\033[K%-7s [", p->phase);
	strbuf_addchars(&line, '#', fill);
	strbuf_addchars(&line, '-', width - fill);
	strbuf_addf(&line, "] %zu/%zu  ", done, total);
	add_times(p, now, done, total, &line);
	fputs(line.buf, stderr);
	fflush(stderr);
	strbuf_release(&line);
}

/* A line (off a terminal): at each new tenth, or after interval s. */
static void progress_line(struct progress *p, double now, size_t done,
			  size_t total)
{
	size_t tenths = total ? done * 10 / total : 10;
	struct strbuf line = STRBUF_INIT;

	if (tenths <= p->tenths && now - p->last < p->interval)
		return;
	p->tenths = tenths;
	p->last = now;
	strbuf_addf(&line, "genship: validate: %s %zu/%zu (%zu%%), ",
		    p->phase, done, total, total ? done * 100 / total : 100);
	add_times(p, now, done, total, &line);
	fprintf(stderr, "%s\n", line.buf);
	strbuf_release(&line);
}

/* The progress callback of a lint run (lint_progress_fn). */
static void progress_show(void *ud, const char *phase, size_t done,
			  size_t total)
{
	struct progress *p = ud;
	double now = lint_clock();

	if (!p->tty && !p->lines)
		return;
	if (p->phase != phase) {
		p->phase = phase;
		p->phase_start = p->last = now;
		p->tenths = 0;
		p->fill = SIZE_MAX;
	}
	if (p->tty)
		progress_bar(p, now, done, total);
	else
		progress_line(p, now, done, total);
}

/* Clear the bar's line. */
static void progress_end(struct progress *p)
{
	if (p->tty && p->phase)
		fputs("\r\033[K", stderr);
}

/* ---- results ---------------------------------------------------------- */

/* What the reports read: the run, and each combination's findings. */
struct report {
	const struct template *t;
	const struct matrix *mx;
	const struct lint_run *run;
	const struct lint_finding ***found;	/* per combination */
	size_t *nfound;
	size_t failed;
};

/* Gather each combination's findings and count the failures. */
static void report_init(struct report *r, const struct template *t,
			const struct matrix *mx, const struct lint_run *run)
{
	size_t i;

	r->t = t;
	r->mx = mx;
	r->run = run;
	r->found = xcalloc(mx->len + 1, sizeof(*r->found));
	r->nfound = xcalloc(mx->len + 1, sizeof(*r->nfound));
	r->failed = 0;
	for (i = 0; i < mx->len; i++) {
		r->found[i] = lint_run_findings(run, i, &r->nfound[i]);
		r->failed += r->nfound[i] > 0;
	}
}

static void report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->mx->len; i++)
		free(r->found[i]);
	free(r->found);
	free(r->nfound);
}

/* Append the answers of c that differ from the defaults: "a=1, b=x". */
static void changed_answers(const struct manifest *m,
			    const struct matrix_combo *c, struct strbuf *sb)
{
	struct value *diff = NULL;
	struct arena a = ARENA_INIT;
	size_t i;

	for (i = 0; i < m->noptions; i++) {
		const struct value *v = value_dict_get(c->answers,
						       m->options[i].name);

		if (!v || value_equal(v, m->options[i].def))
			continue;
		if (!diff)
			diff = value_dict(&a, 8);
		value_dict_set(&a, diff, m->options[i].name, (struct value *)v);
	}
	if (diff)
		matrix_format_answers(diff, " ", sb);
	else
		strbuf_adds(sb, "defaults");
	arena_release(&a);
}

/* ---- text ------------------------------------------------------------- */

/* One finding in one combination, for grouping. */
struct hit {
	const struct lint_finding *f;
	size_t combo;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	const struct lint_finding *p = x->f, *q = y->f;
	int c;

	if ((c = strcmp(p->file, q->file)))
		return c;
	if (p->line != q->line)
		return p->line < q->line ? -1 : 1;
	if (p->col != q->col)
		return p->col < q->col ? -1 : 1;
	if ((c = strcmp(p->rule, q->rule)) || (c = strcmp(p->message,
							   q->message)))
		return c;
	return x->combo < y->combo ? -1 : x->combo > y->combo;
}

static bool same_finding(const struct lint_finding *p,
			 const struct lint_finding *q)
{
	return !strcmp(p->file, q->file) && p->line == q->line &&
		p->col == q->col && !strcmp(p->rule, q->rule) &&
		!strcmp(p->message, q->message);
}

/* Every (finding, combination) pair, sorted; *n is their count. */
static struct hit *all_hits(const struct report *r, size_t *n)
{
	struct hit *h = NULL;
	size_t i, j, alloc = 0;

	*n = 0;
	for (i = 0; i < r->mx->len; i++)
		for (j = 0; j < r->nfound[i]; j++) {
			XALLOC_GROW(h, *n + 1, alloc);
			h[*n].f = r->found[i][j];
			h[(*n)++].combo = i;
		}
	if (*n)
		qsort(h, *n, sizeof(*h), cmp_hit);
	return h;
}

/* Print one unique finding and the combinations it occurs in. */
static void print_group(const struct report *r, const struct hit *h,
			size_t count)
{
	const struct lint_finding *f = h->f;
	const struct matrix_combo *c = &r->mx->items[h->combo];
	struct strbuf ans = STRBUF_INIT;

	printf("%s", f->file);
	if (f->line)
		printf(":%u", f->line);
	if (f->line && f->col)
		printf(":%u", f->col);
	printf(": %s: %s [%s]\n", f->rule, f->message, f->linter);
	if (f->source)
		printf("    rendered from %s\n", f->source);
	if (f->fix)
		printf("    fix: %s\n", f->fix);
	changed_answers(r->t->manifest, c, &ans);
	printf("    in %zu of %zu combinations, e.g. %s (%s)\n", count,
	       r->mx->len, c->id, ans.buf);
	strbuf_release(&ans);
}

/* Per rule: its linter, unique findings and combinations hit. */
struct rule_row {
	const char *rule, *linter;
	size_t unique, combos, last;
};

/* One row per rule of the sorted hits, with its unique findings. */
static struct rule_row *rule_rows(const struct hit *h, size_t n,
				  size_t *nrows)
{
	struct rule_row *rows = NULL;
	size_t i, k, alloc = 0;

	*nrows = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < *nrows; k++)
			if (!strcmp(rows[k].rule, h[i].f->rule))
				break;
		if (k == *nrows) {
			XALLOC_GROW(rows, *nrows + 1, alloc);
			rows[k] = (struct rule_row){ h[i].f->rule,
						     h[i].f->linter, 0, 0,
						     SIZE_MAX };
			(*nrows)++;
		}
		if (!i || !same_finding(h[i - 1].f, h[i].f))
			rows[k].unique++;
	}
	return rows;
}

/* Count, per rule, the combinations that have at least one finding. */
static void count_rule_combos(const struct report *r, struct rule_row *rows,
			      size_t nrows)
{
	size_t i, j, k;

	for (i = 0; i < r->mx->len; i++)
		for (j = 0; j < r->nfound[i]; j++)
			for (k = 0; k < nrows; k++)
				if (!strcmp(rows[k].rule,
					    r->found[i][j]->rule) &&
				    rows[k].last != i) {
					rows[k].last = i;
					rows[k].combos++;
				}
}

/* The summary table: findings and combinations per rule. */
static void print_rule_table(const struct report *r, const struct hit *h,
			     size_t n)
{
	size_t nrows, k;
	struct rule_row *rows = rule_rows(h, n, &nrows);

	count_rule_combos(r, rows, nrows);
	if (nrows)
		printf("\n%-46s %-16s %8s %12s\n", "rule", "linter", "findings",
		       "combinations");
	for (k = 0; k < nrows; k++)
		printf("%-46s %-16s %8zu %12zu\n", rows[k].rule,
		       rows[k].linter, rows[k].unique, rows[k].combos);
	free(rows);
}

/* Which linters ran, and why the others did not. */
static void print_linters(const struct report *r)
{
	int l;

	printf("\nlinters:\n");
	for (l = 0; l < LINTER_COUNT; l++) {
		const struct lint_linter_report *lr =
			lint_run_linter(r->run, (enum linter)l);

		if (!lr->enabled)
			printf("  %-17s skipped: not chosen with --lint\n",
			       linter_name((enum linter)l));
		else if (l == LINTER_BUILTIN)
			printf("  %-17s ran: in memory on every plan\n",
			       linter_name((enum linter)l));
		else if (!lr->ran)
			printf("  %-17s skipped: %s\n",
			       linter_name((enum linter)l),
			       lr->skipped ? lr->skipped : "not run");
		else
			printf("  %-17s ran: %zu unique %s%s, %zu "
			       "invocation%s, %.1f s (%.1f s CPU)\n",
			       linter_name((enum linter)l), lr->files,
			       l == LINTER_KUSTOMIZE ? "overlay build" :
			       l == LINTER_HELM ? "chart render" : "file",
			       lr->files == 1 ? "" : "s",
			       lr->invocations,
			       lr->invocations == 1 ? "" : "s", lr->seconds,
			       lr->cpu_seconds);
	}
}

/* Text: each unique finding once, the rule table, the linters. */
static void report_text(const struct report *r)
{
	const struct lint_stats *st = lint_run_stats(r->run);
	size_t n, i, start, groups = 0;
	struct hit *h = all_hits(r, &n);

	for (start = 0, i = 1; start < n; i++) {
		if (i < n && same_finding(h[start].f, h[i].f))
			continue;
		print_group(r, &h[start], i - start);
		groups++;
		start = i;
	}
	print_rule_table(r, h, n);
	print_linters(r);
	printf("\n%s %s: %zu combination%s, %zu passed, %zu failed; "
	       "%zu unique finding%s\n", r->t->name, r->t->manifest->version,
	       r->mx->len, r->mx->len == 1 ? "" : "s",
	       r->mx->len - r->failed, r->failed, groups,
	       groups == 1 ? "" : "s");
	printf("%zu files rendered, %zu unique, %zu unique contents; "
	       "render and built-in checks %.2f s (%.2f s CPU), external "
	       "linters %.1f s (%zu invocations)\n", st->files, st->entries,
	       st->contents, st->render_seconds, st->render_cpu_seconds,
	       st->external_seconds, st->invocations);
	free(h);
}

/* ---- JSON ------------------------------------------------------------- */

static json_t *finding_json(const struct lint_finding *f)
{
	json_t *j = json_object();

	json_object_set_new(j, "rule", json_string(f->rule));
	json_object_set_new(j, "linter", json_string(f->linter));
	json_object_set_new(j, "file", json_string(f->file));
	json_object_set_new(j, "source", f->source ? json_string(f->source) :
			    json_null());
	json_object_set_new(j, "line", json_integer(f->line));
	json_object_set_new(j, "column", json_integer(f->col));
	json_object_set_new(j, "message", json_string(f->message));
	json_object_set_new(j, "fix", f->fix ? json_string(f->fix) :
			    json_null());
	return j;
}

/* The linters array of the JSON report. */
static json_t *linters_json(const struct report *r)
{
	json_t *arr = json_array();
	int l;

	for (l = 0; l < LINTER_COUNT; l++) {
		const struct lint_linter_report *lr =
			lint_run_linter(r->run, (enum linter)l);
		json_t *j = json_object();
		const char *why = !lr->enabled ? "not chosen with --lint" :
			lr->skipped;

		json_object_set_new(j, "name",
				    json_string(linter_name((enum linter)l)));
		json_object_set_new(j, "ran", json_boolean(lr->ran));
		json_object_set_new(j, "skipped", why && !lr->ran ?
				    json_string(why) : json_null());
		json_object_set_new(j, "files", json_integer(lr->files));
		json_object_set_new(j, "invocations",
				    json_integer(lr->invocations));
		json_object_set_new(j, "seconds", json_real(lr->seconds));
		json_object_set_new(j, "cpu_seconds",
				    json_real(lr->cpu_seconds));
		json_array_append_new(arr, j);
	}
	return arr;
}

/* One result per combination: id, answers, passed, findings. */
static json_t *results_json(const struct report *r)
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < r->mx->len; i++) {
		json_t *c = json_object(), *fs = json_array();

		json_object_set_new(c, "id", json_string(r->mx->items[i].id));
		json_object_set_new(c, "answers",
				    value_json_encode(r->mx->items[i].answers));
		json_object_set_new(c, "passed",
				    json_boolean(!r->nfound[i]));
		for (j = 0; j < r->nfound[i]; j++)
			json_array_append_new(fs, finding_json(r->found[i][j]));
		json_object_set_new(c, "findings", fs);
		json_array_append_new(arr, c);
	}
	return arr;
}

/* The JSON report on stdout. */
static void report_json(const struct report *r)
{
	const struct lint_stats *st = lint_run_stats(r->run);
	json_t *root = json_object(), *stats = json_object();
	char *s;

	json_object_set_new(root, "template", json_string(r->t->name));
	json_object_set_new(root, "version",
			    json_string(r->t->manifest->version));
	json_object_set_new(root, "combinations", json_integer(r->mx->len));
	json_object_set_new(root, "total", json_integer(r->mx->total));
	json_object_set_new(root, "passed",
			    json_integer(r->mx->len - r->failed));
	json_object_set_new(root, "failed", json_integer(r->failed));
	json_object_set_new(root, "linters", linters_json(r));
	json_object_set_new(stats, "files", json_integer(st->files));
	json_object_set_new(stats, "unique_files", json_integer(st->entries));
	json_object_set_new(stats, "unique_contents",
			    json_integer(st->contents));
	json_object_set_new(stats, "invocations",
			    json_integer(st->invocations));
	json_object_set_new(stats, "render_seconds",
			    json_real(st->render_seconds));
	json_object_set_new(stats, "render_cpu_seconds",
			    json_real(st->render_cpu_seconds));
	json_object_set_new(stats, "external_seconds",
			    json_real(st->external_seconds));
	json_object_set_new(root, "stats", stats);
	json_object_set_new(root, "results", results_json(r));
	s = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	printf("%s\n", s);
	free(s);
	json_decref(root);
}

/* ---- JUnit ------------------------------------------------------------ */

/* Append s with XML's special characters escaped; drop control bytes. */
static void xml_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': strbuf_adds(sb, "&amp;"); break;
		case '<': strbuf_adds(sb, "&lt;"); break;
		case '>': strbuf_adds(sb, "&gt;"); break;
		case '"': strbuf_adds(sb, "&quot;"); break;
		case '\'': strbuf_adds(sb, "&apos;"); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' ||
			    *s == '\t')
				strbuf_addch(sb, *s);
		}
	}
}

/* Append "name" (escaped) = "value" (escaped). */
static void xml_attr(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, " %s=\"", name);
	xml_escape(sb, value);
	strbuf_addch(sb, '"');
}

/*
 * One <testcase> for combination i, failing with its findings.  Its name
 * is short: the combination's id and the answers that differ from the
 * template's defaults, "ID (a=1 b=x)" or "ID (defaults)".
 */
static void junit_case(const struct report *r, size_t i, struct strbuf *sb)
{
	struct strbuf name = STRBUF_INIT, text = STRBUF_INIT;
	char *msg = xasprintf("%zu findings", r->nfound[i]);
	size_t j;

	strbuf_addf(&name, "%s (", r->mx->items[i].id);
	changed_answers(r->t->manifest, &r->mx->items[i], &name);
	strbuf_addch(&name, ')');
	strbuf_adds(sb, "    <testcase");
	xml_attr(sb, "classname", r->t->name);
	xml_attr(sb, "name", name.buf);
	strbuf_adds(sb, " time=\"0\"");
	if (!r->nfound[i]) {
		strbuf_adds(sb, "/>\n");
		goto out;
	}
	for (j = 0; j < r->nfound[i]; j++) {
		const struct lint_finding *f = r->found[i][j];

		strbuf_addf(&text, "%s:%u:%u: %s: %s%s%s\n", f->file, f->line,
			    f->col, f->rule, f->message, f->fix ? "; fix: " :
			    "", f->fix ? f->fix : "");
		if (f->source)
			strbuf_addf(&text, "    rendered from %s\n",
				    f->source);
	}
	strbuf_adds(sb, ">\n      <failure");
	xml_attr(sb, "message", msg);
	xml_attr(sb, "type", "lint");
	strbuf_addch(sb, '>');
	xml_escape(sb, text.buf);
	strbuf_adds(sb, "</failure>\n    </testcase>\n");
out:
	free(msg);
	strbuf_release(&name);
	strbuf_release(&text);
}

/* The linters as testsuite properties. */
static void junit_properties(const struct report *r, struct strbuf *sb)
{
	int l;

	strbuf_adds(sb, "    <properties>\n");
	for (l = 0; l < LINTER_COUNT; l++) {
		const struct lint_linter_report *lr =
			lint_run_linter(r->run, (enum linter)l);
		char *name = xasprintf("linter.%s",
				       linter_name((enum linter)l));
		const char *val = lr->ran ? "ran" : !lr->enabled ?
			"skipped: not chosen with --lint" : lr->skipped;
		char *v = lr->ran || !lr->enabled ? xstrdup(val) :
			xasprintf("skipped: %s", val ? val : "not run");

		strbuf_adds(sb, "      <property");
		xml_attr(sb, "name", name);
		xml_attr(sb, "value", v);
		strbuf_adds(sb, "/>\n");
		free(name);
		free(v);
	}
	strbuf_adds(sb, "    </properties>\n");
}

/* The JUnit XML report on stdout. */
static void report_junit(const struct report *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(&sb, "<testsuites name=\"genship validate\" tests=\"%zu\" "
		    "failures=\"%zu\">\n", r->mx->len, r->failed);
	strbuf_adds(&sb, "  <testsuite");
	xml_attr(&sb, "name", r->t->name);
	strbuf_addf(&sb, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		    "skipped=\"0\">\n", r->mx->len, r->failed);
	junit_properties(r, &sb);
	for (i = 0; i < r->mx->len; i++)
		junit_case(r, i, &sb);
	strbuf_adds(&sb, "  </testsuite>\n</testsuites>\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

/* ---- the command ------------------------------------------------------ */

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* Render and check every combination, then run the external linters. */
static int lint_all(const struct matrix *mx, struct lint_run *run,
		    struct progress *pg, struct diag *err)
{
	size_t i;

	for (i = 0; i < mx->len; i++) {
		if (signals_pending())
			return diag_fail(err, "interrupted by %s",
					 signals_name(signals_pending()));
		lint_run_add(run, &mx->items[i]);
		progress_show(pg, "render", i + 1, mx->len);
	}
	return lint_run_external(run, err);
}

/* The command: options, template, combinations, linting, report. */
static int validate(const struct validate_opts *o, struct diag *err)
{
	bool tty = isatty(STDERR_FILENO), show = !term_quiet();
	struct progress pg = { show && tty && o->format == FORMAT_TEXT,
			       show && !tty, PROGRESS_INTERVAL, lint_clock(),
			       NULL, 0, 0, 0, 0 };
	struct lint_options lo = { &lint_builtin_checks,
				   (1u << LINTER_COUNT) - 1, o->jobs,
				   NULL, progress_show, &pg };
	struct matrix mx = MATRIX_INIT;
	struct template *t = NULL;
	struct lint_run *run = NULL;
	struct report rep;
	char *lint_dir = NULL;
	int ret = 0;

	ret = progress_interval(&pg.interval, err);
	if (!ret && o->lint_list)
		ret = linter_parse_list(o->lint_list, &lo.linters, err);
	if (!ret)
		ret = find_lint_dir(o->lint_dir, &lint_dir, err);
	if (!ret)
		ret = source_open(o->template, NULL, &t, err);
	if (!ret)
		ret = select_combinations(t, o, &mx, err);
	if (ret)
		goto out;
	lo.lint_dir = lint_dir;
	run = lint_run_new(t, &lo);
	ret = lint_all(&mx, run, &pg, err);
	progress_end(&pg);
	if (ret)
		goto out;
	/* The temporary files are gone: a closed stdout may kill us now. */
	signal(SIGPIPE, SIG_DFL);
	report_init(&rep, t, &mx, run);
	if (o->format == FORMAT_JSON)
		report_json(&rep);
	else if (o->format == FORMAT_JUNIT)
		report_junit(&rep);
	else
		report_text(&rep);
	ret = rep.failed ? ERR_FAIL : 0;
	report_release(&rep);
out:
	lint_run_free(run);
	matrix_release(&mx);
	template_free(t);
	free(lint_dir);
	return ret;
}

int cmd_validate(int argc, char **argv)
{
	struct validate_opts o = { 0 };
	struct diag err = DIAG_INIT;
	int ret;

	o.jobs = default_jobs();
	ret = cmd_parse_args(cmd_find("validate"), argc, argv, validate_arg,
			     &o);
	if (!ret)
		ret = check_selection(&o);
	if (ret) {
		cmd_sets_release(&o.sets);
		return ret < 0 ? 0 : ret;
	}
	signals_catch();
	ret = cmd_finish(o.list_linters ? list_linters(&o, &err) :
			 validate(&o, &err), &err);
	cmd_sets_release(&o.sets);
	signals_reraise();
	return ret;
}
