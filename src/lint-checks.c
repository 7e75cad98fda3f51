/*
 * The catalogue of built-in checks: which rule tables exist, which file
 * checks run on which paths, and the tree checks with the files of their
 * group.  cmd-validate hands it to the run (struct lint_options), so the
 * run (lint.c) never calls the checks by name and the checks, which
 * report through lint.c, form no loop with it.
 */
#include "lint.h"

static const struct lint_rule_table *const rule_tables[] = {
	&lint_yaml_rules, &lint_container_rules, &lint_k8s_rules,
	&lint_compose_rules, &lint_workflow_rules, &lint_trivy_rules,
};

/* File checks: every check whose glob matches runs, in this order;
 * YAML well-formedness skips Helm templates (not YAML before rendering). */
static const struct lint_file_check file_checks[] = {
	{ "**/*.yaml", lint_yaml_file, true },
	{ "**/*.yml", lint_yaml_file, true },
	{ "**", lint_markers_file, false },
	{ "**/Containerfile", lint_containerfile_file, false },
	{ "**/Dockerfile", lint_containerfile_file, false },
	{ ".dockerignore", lint_ignorefile_file, false },
	{ ".containerignore", lint_ignorefile_file, false },
	{ "k8s/**/*.yaml", lint_k8s_file, false },
	{ "k8s/**/*.yml", lint_k8s_file, false },
	{ ".github/workflows/*.yml", lint_workflow_file, false },
	{ ".github/workflows/*.yaml", lint_workflow_file, false },
	{ ".github/dependabot.yml", lint_dependabot_file, false },
	{ ".github/dependabot.yaml", lint_dependabot_file, false },
	{ "trivy.yaml", lint_trivy_file, false },
	{ "trivy.yml", lint_trivy_file, false },
	{ ".trivyignore", lint_trivyignore_file, false },
};

static const char *const k8s_globs[] = { "k8s/**", ".gitignore", NULL };
static const char *const compose_globs[] = {
	"compose.yaml", "compose.yml", "compose.*.yaml", "compose.*.yml",
	"docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml",
	"docker-compose.*.yaml", NULL
};
static const char *const container_globs[] = {
	"**/Containerfile", "**/Dockerfile", "**/.dockerignore",
	"**/.containerignore", NULL
};

/* Tree checks: each sees the files of its group in one combination;
 * Kubernetes first (LINT_TREE_K8S). */
static const struct lint_tree_check tree_checks[] = {
	{ k8s_globs, lint_k8s_tree },
	{ compose_globs, lint_compose_tree },
	{ container_globs, lint_container_tree },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct lint_checks lint_builtin_checks = {
	rule_tables, N(rule_tables), file_checks, N(file_checks),
	tree_checks, N(tree_checks),
};
