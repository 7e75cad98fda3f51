/*
 * lint-workflow.c: GitHub Actions rules no offline tool enforces (zizmor
 * ids where zizmor has the rule): actions pinned to a commit with a
 * version comment, no untrusted expressions in run:, least privilege,
 * non-persisted checkout credentials, timeouts, concurrency, and the
 * dependabot configuration.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lint.h"
#include "ly.h"
#include "xalloc.h"

static const struct lint_rule rules[] = {
	{ "GS-401", "a pinned action without a version comment",
	  "add the release after the SHA: uses: o/a@<sha> # v1.2.3" },
	{ "GS-402", "a job without timeout-minutes",
	  "set timeout-minutes on every job" },
	{ "GS-403", "a workflow without concurrency",
	  "add concurrency: {group: ..., cancel-in-progress: true}" },
	{ "GS-404", "a deploy job whose concurrency cancels runs",
	  "use one group per environment with cancel-in-progress: false" },
	{ "GS-405", "trivy-action without a pinned Trivy version",
	  "set with.version: to a release such as v0.65.0" },
	{ "GS-406", "dependabot: version 2 with github-actions, docker and "
	  "the language ecosystem",
	  "list the three ecosystems under version: 2" },
	{ "GS-407", "a dependabot update without schedule or groups",
	  "give every update a schedule and groups" },
	{ "artipacked", "checkout persists its credentials",
	  "set with.persist-credentials: false on actions/checkout" },
	{ "dangerous-triggers", "pull_request_target runs untrusted code "
	  "with secrets", "use pull_request" },
	{ "dependabot-cooldown", "dependabot without a 7-day cooldown",
	  "add cooldown: {default-days: 7}" },
	{ "excessive-permissions", "permissions broader than a job needs",
	  "set top-level permissions: {} and grant each job only what it "
	  "uses" },
	{ "template-injection", "an untrusted expression inside run:",
	  "pass it through env: and use \"$VAR\" in the script" },
	{ "unpinned-uses", "an action not pinned to a full commit SHA",
	  "pin uses: to a 40-hex commit SHA with a # vX.Y.Z comment" },
};

const struct lint_rule_table lint_workflow_rules = {
	rules, sizeof(rules) / sizeof(rules[0])
};

struct wf {
	struct lint_ctx *lc;
	const struct lint_file *f;
	yaml_document_t *d;
	yaml_node_t *root;
};

#define WREPORT(w, n, rule, ...) \
	lint_report((w)->lc, (rule), (w)->f->path, ly_line(n), ly_col(n), \
		    __VA_ARGS__)

/* The text of line (1-based) of f, without its newline, and its length. */
static const char *line_text(const struct lint_file *f, unsigned line,
			     size_t *n)
{
	const char *p = f->data;

	while (--line && p)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p) {
		*n = 0;
		return "";
	}
	*n = strcspn(p, "\n");
	return p;
}

/* True when the line of node n has a "# v1..." comment. */
static bool version_comment(const struct wf *w, yaml_node_t *n)
{
	size_t len;
	const char *s = line_text(w->f, ly_line(n), &len);
	const char *hash = memchr(s, '#', len);

	if (!hash)
		return false;
	hash++;
	while (*hash == ' ')
		hash++;
	return hash[0] == 'v' && isdigit((unsigned char)hash[1]);
}

/* True when ref is 40 hex digits. */
static bool full_sha(const char *ref)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)ref[i]) ||
		    isupper((unsigned char)ref[i]))
			return false;
	return ref[40] == '\0';
}

/* uses: pinned to a full SHA, with a version comment. */
static void check_uses(const struct wf *w, yaml_node_t *uses)
{
	const char *s = ly_str(uses), *at;

	if (!s || !strncmp(s, "./", 2) || !strncmp(s, "docker://", 9))
		return;
	at = strchr(s, '@');
	if (!at || !full_sha(at + 1))
		WREPORT(w, uses, "unpinned-uses", "'%s' is not pinned to a "
			"commit SHA", s);
	else if (!version_comment(w, uses))
		WREPORT(w, uses, "GS-401", "'%s' has no # vX.Y.Z comment", s);
}

/* True when s has an untrusted expression inside ${{ }}. */
static const char *untrusted(const char *s)
{
	const char *open;

	for (open = strstr(s, "${{"); open; open = strstr(open + 3, "${{")) {
		const char *close = strstr(open, "}}");
		const char *ev = strstr(open, "github.event.");
		const char *hr = strstr(open, "github.head_ref");

		if (!close)
			return NULL;
		if ((ev && ev < close) || (hr && hr < close))
			return open;
	}
	return NULL;
}

/* One step: pinning, injection, checkout credentials, trivy version. */
static void check_step(const struct wf *w, yaml_node_t *step)
{
	yaml_node_t *uses = ly_get(w->d, step, "uses");
	yaml_node_t *run = ly_get(w->d, step, "run");
	const char *u = ly_str(uses), *bad;

	if (uses)
		check_uses(w, uses);
	if (run && ly_str(run) && (bad = untrusted(ly_str(run))))
		WREPORT(w, run, "template-injection", "run: uses '%.*s' "
			"directly", (int)(strstr(bad, "}}") - bad + 2), bad);
	if (u && !strncmp(u, "actions/checkout@", 17) &&
	    !ly_false(ly_path(w->d, step, "with.persist-credentials")))
		WREPORT(w, uses, "artipacked", "actions/checkout without "
			"persist-credentials: false");
	if (u && !strncmp(u, "aquasecurity/trivy-action@", 26)) {
		yaml_node_t *v = ly_path(w->d, step, "with.version");

		if (!ly_str(v) || !strcmp(ly_str(v), "latest"))
			WREPORT(w, v ? v : uses, "GS-405", "trivy-action "
				"without a pinned version: input");
	}
}

/* True when permissions node p grants write-all or read-all. */
static bool broad(const struct wf *w, yaml_node_t *p)
{
	(void)w;
	return ly_is(p, "write-all") || ly_is(p, "read-all");
}

/* One job: permissions, timeout, steps and deploy concurrency. */
static void check_job(const struct wf *w, const char *name, yaml_node_t *job,
		      yaml_node_t *wconc)
{
	yaml_node_t *steps = ly_get(w->d, job, "steps");
	yaml_node_t *perm = ly_get(w->d, job, "permissions");
	yaml_node_t *conc = ly_get(w->d, job, "concurrency");
	yaml_node_t *cancel;
	size_t i;

	if (!perm || broad(w, perm))
		WREPORT(w, perm ? perm : job, "excessive-permissions", "job "
			"'%s' %s", name, perm ? "grants broad permissions" :
			"does not set its permissions");
	if (ly_get(w->d, job, "uses"))
		check_uses(w, ly_get(w->d, job, "uses"));
	else if (!ly_get(w->d, job, "timeout-minutes"))
		WREPORT(w, job, "GS-402", "job '%s' has no timeout-minutes",
			name);
	for (i = 0; i < ly_len(steps); i++)
		check_step(w, ly_at(w->d, steps, i));
	cancel = ly_get(w->d, conc ? conc : wconc, "cancel-in-progress");
	if (ly_get(w->d, job, "environment") && ly_true(cancel))
		WREPORT(w, cancel, "GS-404", "deploy job '%s' cancels "
			"in-progress runs", name);
}

/* The triggers: no pull_request_target. */
static void check_on(const struct wf *w)
{
	yaml_node_t *on = ly_get(w->d, w->root, "on");
	size_t i;

	if (ly_is(on, "pull_request_target") ||
	    ly_get(w->d, on, "pull_request_target"))
		WREPORT(w, on, "dangerous-triggers", "the workflow runs on "
			"pull_request_target");
	for (i = 0; i < ly_len(on); i++)
		if (ly_is(ly_at(w->d, on, i), "pull_request_target"))
			WREPORT(w, on, "dangerous-triggers", "the workflow "
				"runs on pull_request_target");
}

/*
 * True for a reusable workflow (on: workflow_call): its runs belong to
 * the caller's concurrency group, and a group of its own named after
 * github.workflow (the caller's name) would deadlock with it.
 */
static bool called(const struct wf *w)
{
	yaml_node_t *on = ly_get(w->d, w->root, "on");
	size_t i;

	if (ly_is(on, "workflow_call") || ly_key(w->d, on, "workflow_call"))
		return true;
	for (i = 0; i < ly_len(on); i++)
		if (ly_is(ly_at(w->d, on, i), "workflow_call"))
			return true;
	return false;
}

void lint_workflow_file(struct lint_ctx *lc, const struct lint_file *f)
{
	const struct lint_yaml *y = lint_yaml_of(lc, f);
	struct wf w = { lc, f, NULL, NULL };
	yaml_node_t *perm, *jobs, *conc;
	size_t i;

	if (!y->ndocs || !ly_is_map(ly_root(&y->docs[0])))
		return;
	w.d = &y->docs[0];
	w.root = ly_root(w.d);
	perm = ly_get(w.d, w.root, "permissions");
	jobs = ly_get(w.d, w.root, "jobs");
	conc = ly_get(w.d, w.root, "concurrency");
	if (!ly_is_map(perm) || ly_npairs(perm))
		WREPORT(&w, perm ? perm : w.root, "excessive-permissions",
			"top-level permissions are not {}");
	check_on(&w);
	if (!conc && !called(&w))
		for (i = 0; i < ly_npairs(jobs); i++)
			if (!ly_get(w.d, ly_pair_val(w.d, jobs, i),
				    "concurrency")) {
				WREPORT(&w, w.root, "GS-403", "the workflow "
					"sets no concurrency");
				break;
			}
	for (i = 0; i < ly_npairs(jobs); i++)
		check_job(&w, ly_str(ly_pair_key(w.d, jobs, i)) ?
			  ly_str(ly_pair_key(w.d, jobs, i)) : "?",
			  ly_pair_val(w.d, jobs, i), conc);
}

/* ---- dependabot ------------------------------------------------------- */

/* One dependabot update: schedule, groups and cooldown. */
static void check_update(const struct wf *w, yaml_node_t *u)
{
	yaml_node_t *eco = ly_get(w->d, u, "package-ecosystem");
	yaml_node_t *days = ly_path(w->d, u, "cooldown.default-days");
	long long n = 0;

	if (!ly_path(w->d, u, "schedule.interval") ||
	    !ly_npairs(ly_get(w->d, u, "groups")))
		WREPORT(w, u, "GS-407", "update '%s' lacks schedule.interval "
			"or groups", ly_str(eco) ? ly_str(eco) : "?");
	if (!ly_int(days, &n) || n < 7)
		WREPORT(w, days ? days : u, "dependabot-cooldown", "update "
			"'%s' has no cooldown of at least 7 days",
			ly_str(eco) ? ly_str(eco) : "?");
}

void lint_dependabot_file(struct lint_ctx *lc, const struct lint_file *f)
{
	static const char *const langs[] = {
		"pip", "uv", "npm", "gomod", "cargo", "bundler", "maven",
		"gradle", "composer", "nuget", "mix", "pub",
	};
	const struct lint_yaml *y = lint_yaml_of(lc, f);
	struct wf w = { lc, f, NULL, NULL };
	yaml_node_t *ups;
	bool gha = false, docker = false, lang = false;
	size_t i, j;

	if (!y->ndocs || !ly_is_map(ly_root(&y->docs[0])))
		return;
	w.d = &y->docs[0];
	w.root = ly_root(w.d);
	ups = ly_get(w.d, w.root, "updates");
	for (i = 0; i < ly_len(ups); i++) {
		yaml_node_t *u = ly_at(w.d, ups, i);
		yaml_node_t *eco = ly_get(w.d, u, "package-ecosystem");

		gha |= ly_is(eco, "github-actions");
		docker |= ly_is(eco, "docker");
		for (j = 0; j < sizeof(langs) / sizeof(langs[0]); j++)
			lang |= ly_is(eco, langs[j]);
		check_update(&w, u);
	}
	if (!ly_is(ly_get(w.d, w.root, "version"), "2"))
		WREPORT(&w, w.root, "GS-406", "dependabot.yml is not "
			"version: 2");
	if (!gha || !docker || !lang)
		WREPORT(&w, ups ? ups : w.root, "GS-406", "dependabot.yml "
			"does not update %s", !gha ? "github-actions" :
			!docker ? "docker" : "the language's packages");
}
