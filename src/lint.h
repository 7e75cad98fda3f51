#ifndef GENSHIP_LINT_H
#define GENSHIP_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "blob.h"
#include "diag.h"
#include "matrix.h"
#include "strbuf.h"
#include "template.h"

/*
 * Linting the plans of many option combinations.
 *
 * A lint run renders each combination in memory and interns every
 * generated file twice: its content (deduplicated by bytes, named by its
 * git blob id) and its entry, the pair (path, content).  Built-in file
 * checks run once per new entry; tree checks (those that look at several
 * files at once, like a Service selector against a Deployment's labels)
 * run once per new set of entries of their group.  External linters run
 * later, once per unique content (kubectl kustomize once per unique
 * Kubernetes tree), batched and in parallel.  Every finding hangs off the
 * entry or tree that produced it, so it is reported against every
 * combination that holds that entry or tree.
 *
 * Ownership: a lint run owns every finding, path and content; findings
 * handed out stay valid until lint_run_free().
 */

/* The linters, in report order.  builtin is genship's own checks. */
#define LINTER_LIST(X)                                          \
	X(LINTER_BUILTIN, "builtin")                           \
	X(LINTER_YAMLLINT, "yamllint")                         \
	X(LINTER_SHELLCHECK, "shellcheck")                     \
	X(LINTER_KUSTOMIZE, "kustomize")                       \
	X(LINTER_HELM, "helm")                                 \
	X(LINTER_K8S_SCHEMA, "k8s-schema")                     \
	X(LINTER_ACTIONLINT, "actionlint")                     \
	X(LINTER_DCLINT, "dclint")                             \
	X(LINTER_DOCKERFILE, "dockerfile-utils")                \
	X(LINTER_HADOLINT, "hadolint")                         \
	X(LINTER_ZIZMOR, "zizmor")                             \
	X(LINTER_CHECKOV, "checkov")

#define LINTER_ENUM(id, name) id,
enum linter { LINTER_LIST(LINTER_ENUM) LINTER_COUNT };
#undef LINTER_ENUM

/* Return a linter's name. */
const char *linter_name(enum linter l);

/*
 * Parse a comma-separated list of linter names ("all" and "none" allowed)
 * into a bit set (1u << linter).  An unknown name is ERR_INPUT suggesting
 * the closest one.
 */
int linter_parse_list(const char *list, unsigned *out, struct diag *err);

/* One problem in one generated file. */
struct lint_finding {
	const char *rule;	/* "DL3007", "KSV012", "GS-301", "SC2086" */
	const char *linter;	/* linter_name() of its source */
	const char *file;	/* project-relative path */
	unsigned line, col;	/* 1-based; 0 when unknown */
	const char *message;	/* one line */
	const char *fix;	/* one line, or NULL */
	const char *source;	/* the template file that renders file, as
				 * templates/NAME/template/PATH or
				 * DIR/template/PATH (the first one seen
				 * when several do), or NULL */
};

/* What happened to one linter in a run. */
struct lint_linter_report {
	bool enabled;		/* chosen with --lint */
	bool ran;
	char *skipped;		/* why it did not run, or NULL */
	size_t files;		/* unique contents (or trees) checked */
	size_t invocations;	/* processes started */
	double seconds;		/* wall time of its invocations */
	double cpu_seconds;	/* their CPU time, user and system */
};

/*
 * Called as work advances; phase is "render" or "lint".  The lint phase
 * also calls it at least once a second while nothing completes, with the
 * same done, so that a caller can show time passing.
 */
typedef void (*lint_progress_fn)(void *ud, const char *phase, size_t done,
				 size_t total);

/* Seconds on the monotonic clock, for timings. */
double lint_clock(void);

struct lint_ctx;
struct lint_file;
struct lint_tree;
struct lint_rule_table;

/* A file check: runs on every file whose path matches glob. */
struct lint_file_check {
	const char *glob;
	void (*fn)(struct lint_ctx *lc, const struct lint_file *f);
	bool not_in_charts;	/* skipped for a Helm template */
};

/* A tree check: sees every file of a combination matching one of globs. */
struct lint_tree_check {
	const char *const *globs;	/* NULL-terminated */
	void (*fn)(struct lint_ctx *lc, const struct lint_tree *t);
};

/* The checks a run applies, and the rules they may report. */
struct lint_checks {
	const struct lint_rule_table *const *rules;
	size_t nrules;
	const struct lint_file_check *files;
	size_t nfiles;
	const struct lint_tree_check *trees;	/* the Kubernetes tree check
						 * first: LINT_TREE_K8S */
	size_t ntrees;
};

#define LINT_TREE_K8S 0u

/* genship's built-in checks (lint-checks.c). */
extern const struct lint_checks lint_builtin_checks;

struct lint_options {
	const struct lint_checks *checks;	/* lint_builtin_checks */
	unsigned linters;	/* bit set of enabled linters */
	unsigned jobs;		/* parallel external invocations, >= 1 */
	const char *lint_dir;	/* tools/lint, or NULL when not found */
	lint_progress_fn progress;	/* may be NULL */
	void *progress_ud;
};

/* Counters for the report and the benchmark. */
struct lint_stats {
	size_t combos;		/* combinations linted */
	size_t files;		/* files over all plans */
	size_t entries;		/* unique (path, content) pairs */
	size_t contents;	/* unique contents */
	size_t trees;		/* unique tree-check groups */
	size_t invocations;	/* external processes started */
	double render_seconds;	/* rendering plus built-in checks */
	double render_cpu_seconds;	/* the same, CPU time */
	double external_seconds;
};

struct lint_run;

/* Start a run over template t, which must outlive it. */
struct lint_run *lint_run_new(struct template *t,
			      const struct lint_options *opts);

/*
 * Render combination c and run the built-in checks on its new entries
 * and trees.  A combination that fails to render gets a GS-001 finding
 * naming the template file, line and reason: that is a result, not an
 * error.  Returns 0.
 */
int lint_run_add(struct lint_run *r, const struct matrix_combo *c);

/*
 * Run the enabled external linters on everything added so far.  A
 * missing tool is skipped and reported; a temporary directory that
 * cannot be written is ERR_FAIL.
 */
int lint_run_external(struct lint_run *r, struct diag *err);

/*
 * Return the findings of the i-th added combination, sorted by file,
 * line, rule; *n is their count.  The array is caller-owned (free()),
 * the findings are the run's.
 */
const struct lint_finding **lint_run_findings(const struct lint_run *r,
					      size_t i, size_t *n);

/* Return the report of linter l. */
const struct lint_linter_report *lint_run_linter(const struct lint_run *r,
						 enum linter l);

/* Return the run's counters. */
const struct lint_stats *lint_run_stats(const struct lint_run *r);

/* Free r and every finding. NULL is allowed. */
void lint_run_free(struct lint_run *r);

/* One rule: its id, what it means, and the one-line fix. */
struct lint_rule {
	const char *id;
	const char *summary;
	const char *fix;
};

/* Call fn once per rule of catalogue c, sorted by id. */
void lint_rules_foreach(const struct lint_checks *c,
			void (*fn)(const struct lint_rule *r, void *ud),
			void *ud);

/* ==== for the rule modules (lint-*.c) ================================= */

struct yaml_document_s;
struct yaml_node_s;

/* A parsed YAML file: its documents, or where parsing failed. */
struct lint_yaml {
	struct yaml_document_s *docs;
	size_t ndocs;
	bool failed;		/* syntax error; docs holds those before */
	unsigned err_line, err_col;
	char *err_msg;
};

/* One unique (path, content) pair, as the checks see it. */
struct lint_file {
	const char *path;
	const char *data;	/* NUL-terminated */
	size_t len;
	unsigned mode;
};

/* The files of one tree-check group in one combination, by path. */
struct lint_tree {
	const struct lint_file **files;
	size_t n;
};

/* Where checks report; owned by the run. */
struct lint_ctx;

/*
 * Report rule at file:line:col (line 0 for the whole file).  The fix is
 * the rule table's; the message is printf-formatted and one line.
 */
void lint_report(struct lint_ctx *lc, const char *rule, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Return f parsed as YAML, parsing it once per content. */
const struct lint_yaml *lint_yaml_of(struct lint_ctx *lc,
				     const struct lint_file *f);

/* Return the file at path in tree, or NULL. */
const struct lint_file *lint_tree_find(const struct lint_tree *t,
				       const char *path);

/* ---- the checks, one group per module --------------------------------- */

/* lint-yaml.c: syntax, duplicate keys, unrendered template markers. */
void lint_yaml_file(struct lint_ctx *lc, const struct lint_file *f);
void lint_markers_file(struct lint_ctx *lc, const struct lint_file *f);
/* lint-containerfile.c */
void lint_containerfile_file(struct lint_ctx *lc, const struct lint_file *f);
void lint_ignorefile_file(struct lint_ctx *lc, const struct lint_file *f);
void lint_container_tree(struct lint_ctx *lc, const struct lint_tree *t);
/* lint-k8s.c */
void lint_k8s_file(struct lint_ctx *lc, const struct lint_file *f);
void lint_k8s_tree(struct lint_ctx *lc, const struct lint_tree *t);
/*
 * The object rules of lint_k8s_tree on rendered manifests (a chart's
 * output, an overlay's build): every document of every file is a whole
 * resource, and there are no kustomizations.  env names the environment
 * they deploy to: the overlay's directory name, the X of the chart's
 * values-X.yaml, or "" (values.yaml alone).  The availability rules
 * (GS-213's minReplicas >= 2, GS-214) skip a one-replica environment.
 */
void lint_k8s_rendered(struct lint_ctx *lc, const struct lint_tree *t,
		       const char *env);
/*
 * True when env (as for lint_k8s_rendered) is a one-replica development
 * environment, "local" (kind or Minikube): the quality bar's availability
 * rules apply to staging and production.
 */
bool lint_k8s_single_replica_env(const char *env);
/* lint-compose.c */
void lint_compose_tree(struct lint_ctx *lc, const struct lint_tree *t);
/* lint-workflow.c */
void lint_workflow_file(struct lint_ctx *lc, const struct lint_file *f);
void lint_dependabot_file(struct lint_ctx *lc, const struct lint_file *f);
/* lint-trivy.c */
void lint_trivy_file(struct lint_ctx *lc, const struct lint_file *f);
void lint_trivyignore_file(struct lint_ctx *lc, const struct lint_file *f);

/* Each module's rules (id, summary, fix), for lint_report's fixes. */
struct lint_rule_table {
	const struct lint_rule *rules;
	size_t n;
};
extern const struct lint_rule_table lint_yaml_rules, lint_container_rules,
	lint_k8s_rules, lint_compose_rules, lint_workflow_rules,
	lint_trivy_rules;

/* ---- external linters (lint-ext.c) ------------------------------------ */

/* One unique content an external linter checks. */
struct lint_ext_item {
	const char *path;	/* project-relative path it was generated as */
	char blob[BLOB_HEXSZ + 1];
	const char *data;
	size_t len;
	bool patch;		/* k8s-schema: a partial object (a patch) */
	/* Items of different groups never share an invocation; a job's
	 * items are sorted by group. */
	unsigned group;
	void *owner;		/* the run's handle, for the sink */
};

/* One overlay and every file kubectl kustomize reads to build it. */
struct lint_ext_tree {
	const char *overlay;	/* its directory, k8s/overlays/X */
	const struct lint_file **files;
	size_t n;
	void *owner;
};

/*
 * One Helm chart (every file under its directory) and the renders to
 * make of it: per values file (each with the chart's values.yaml
 * underneath), `helm lint --strict` and `helm template`.
 */
struct lint_ext_chart {
	const char *dir;	/* the directory holding Chart.yaml */
	const char *release;	/* --release, the chart's name */
	const struct lint_file **files;	/* paths keep the dir/ prefix */
	size_t n;
	const char **values;	/* values-<env>.yaml names in dir, or "" */
	size_t nvalues;		/* for values.yaml alone */
	void *owner;
};

/*
 * Receives one finding of helm: a project path, 1-based or 0 positions;
 * chart_wide when it is about the chart whatever the values (Chart.yaml).
 */
typedef void (*lint_helm_fn)(void *ud, const char *file, unsigned line,
			     unsigned col, const char *msg, bool chart_wide);

/*
 * lint-helm.c: turn what helm printed about chart c into findings.  text
 * is the stdout of `helm lint` (lint true) or the stderr of `helm
 * template`; values is the values file the run added ("" for none), used
 * to find the key a schema violation is about.  Calls fn once per
 * finding and returns their number.
 */
size_t lint_helm_parse(const struct lint_ext_chart *c, const char *values,
		       bool lint, const char *text, lint_helm_fn fn,
		       void *ud);

struct lint_ext_job;

/*
 * Receives the manifests of one successful chart render.  values is the
 * values file it used ("" for values.yaml alone); out is NUL-terminated.
 */
typedef void (*lint_ext_output_fn)(void *ud, const struct lint_ext_job *job,
				   void *owner, const char *values,
				   const char *out, size_t len);

/* Receives one finding of job's linter for an item's or tree's owner. */
typedef void (*lint_ext_sink)(void *ud, const struct lint_ext_job *job,
			      void *owner, const struct lint_finding *f);

/* The work of one linter. */
struct lint_ext_job {
	enum linter linter;
	const struct lint_ext_item *items;	/* unique contents */
	size_t nitems;
	const struct lint_ext_tree *trees;	/* kustomize only */
	size_t ntrees;
	const struct lint_ext_chart *charts;	/* helm only */
	size_t ncharts;
	lint_ext_output_fn output;	/* helm: gets each render's output */
	/* The project's own config for the tool (zizmor, checkov), or NULL. */
	const struct lint_file *config;
	struct lint_linter_report *report;	/* filled in */
	lint_ext_sink sink;	/* gets its findings; NULL: the run's sink */
};

/*
 * True when path is a Helm chart template: a file under a templates/
 * directory whose text holds "{{".  Such files are Go templates, not
 * YAML, so the YAML checks skip them; the helm linter renders them.
 */
bool lint_helm_template(const char *path, const char *data);

/* True when path is a file linter l checks (data for #! lines). */
bool lint_ext_wants(enum linter l, const char *path, const char *data);

/*
 * Run every job: write the items and trees under a private temporary
 * directory, batch them, and run up to opts->jobs processes at once
 * across all jobs.  The helpers are found through their variable
 * ($GENSHIP_HELM ...), then lint_libexec_dir(), then the build tree the
 * binary sits in, then PATH.  A missing tool
 * sets the job's report->skipped (a string the caller frees) and is not
 * an error.  Returns 0, or ERR_FAIL when the temporary files cannot be
 * written.
 */
int lint_ext_run(struct lint_ext_job *jobs, size_t njobs,
		 const struct lint_options *opts, lint_ext_sink sink,
		 void *sink_ud, struct diag *err);

/*
 * Return genship's helper directory, caller-owned: $GENSHIP_LIBEXECDIR
 * when set, else where `make install` puts the helpers, found relative
 * to the running binary ($(pkglibexecdir) seen from $(bindir)); NULL
 * when there is none.  It holds bin/ (helm, kustomize-build, hadolint,
 * zizmor, checkov) and lint/ (the npm linters).
 */
char *lint_libexec_dir(void);

/*
 * Describe external linter l for --list-linters: when its program is
 * found, *path is how it is run and *version what it says of its version
 * (NULL when it cannot tell), and 0 is returned; otherwise *path says why
 * it is missing and -1 is returned.  Both strings are caller-owned.
 */
int lint_ext_describe(enum linter l, const char *lint_dir, char **path,
		      char **version);

/* ---- internal helpers shared by lint.c and the rule modules ----------- */

/* Parse data into y: every document up to the end or the first error. */
void lint_yaml_parse(struct lint_yaml *y, const char *data, size_t len);
/* Free what lint_yaml_parse() made. */
void lint_yaml_release(struct lint_yaml *y);
/* True when the n bytes at s name an option or computed value. */
bool lint_is_context_name(struct lint_ctx *lc, const char *s, size_t n);
/*
 * Call fn for every file of a Kubernetes tree that a kustomization lists
 * as a resource (patch false) or as a patch (patch true).
 */
void lint_k8s_roles(struct lint_ctx *lc, const struct lint_tree *t,
		    void (*fn)(void *ud, const struct lint_file *f,
			       bool patch),
		    void *ud);
/*
 * Call fn for every file of tree t that `kubectl kustomize dir` reads:
 * the kustomizations, resources, components, patches and generator
 * files it reaches (X.example standing in for a missing env file X).
 */
void lint_k8s_closure(struct lint_ctx *lc, const struct lint_tree *t,
		      const char *dir,
		      void (*fn)(void *ud, const struct lint_file *f),
		      void *ud);

#endif
