/*
 * lint-trivy.c: trivy.yaml may use only keys Trivy reads (its own schema
 * lets typos through silently), and .trivyignore entries need a
 * justification and a real expiry date.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lint.h"
#include "ly.h"
#include "xalloc.h"

static const struct lint_rule rules[] = {
	{ "GS-501", "trivy.yaml has a key Trivy does not read",
	  "fix the key: Trivy ignores unknown keys silently" },
	{ "GS-502", ".trivyignore has an invalid exp: date",
	  "write exp:YYYY-MM-DD with a real date" },
	{ "GS-503", ".trivyignore entry without a justification",
	  "put a # comment explaining the exception above the ID" },
	{ "GS-504", "a malformed .trivyignore line",
	  "write one ID per line, optionally followed by exp:YYYY-MM-DD" },
	{ "GS-505", "trivy.yaml has an unknown scanner or severity",
	  "use scanners vuln, misconfig, secret, license and severities "
	  "UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL" },
};

const struct lint_rule_table lint_trivy_rules = {
	rules, sizeof(rules) / sizeof(rules[0])
};

/* Top-level keys, then "section:child child ..." ("*": any child). */
static const char *const top_keys =
	" cache-dir debug insecure quiet timeout exit-code exit-on-eol format "
	"output output-plugin-arg report severity template dependency-tree "
	"list-all-pkgs ignorefile ignore-policy show-suppressed table-mode "
	"compliance generate-default-config config ";

static const struct {
	const char *name, *children;
} sections[] = {
	{ "cache", " backend ttl redis " },
	{ "db", " repository skip-update no-progress java-repository "
	  "java-skip-update download-only download-java-only "
	  "light " },
	{ "image", " input removed-pkgs platform docker podman source "
	  "max-size " },
	{ "kubernetes", "*" },
	{ "license", " full ignored confidence-level forbidden restricted "
	  "reciprocal notice permissive unencumbered " },
	{ "misconfiguration", " scanners include-non-failures "
	  "checks-bundle-repository config-file-schemas "
	  "policy-bundle-repository cloudformation helm terraform "
	  "render-cause check-namespaces skip-check-update raw-config " },
	{ "module", " dir enable-modules " },
	{ "pkg", " types relationships include-dev-deps " },
	{ "registry", " username password token mirrors " },
	{ "rego", " data namespaces policy trace skip-check-update "
	  "include-deprecated-checks " },
	{ "repository", " branch commit tag " },
	{ "scan", " scanners skip-dirs skip-files file-patterns offline "
	  "parallel slow detection-priority distro disable-telemetry "
	  "skip-version-check show-suppressed " },
	{ "secret", " config " },
	{ "server", " addr custom-headers token token-header " },
	{ "vulnerability", " ignore-unfixed ignore-status type "
	  "skip-vex-repo-update vex " },
};

#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* True when word is in the space-separated list (padded with spaces). */
static bool listed(const char *list, const char *word)
{
	char *w = xasprintf(" %s ", word);
	bool hit = strstr(list, w) != NULL;

	free(w);
	return hit;
}

/* Where an unknown key probably belongs, for the message. */
static const char *section_of(const char *key)
{
	size_t i;

	for (i = 0; i < NSECTIONS; i++)
		if (strcmp(sections[i].children, "*") &&
		    listed(sections[i].children, key))
			return sections[i].name;
	return NULL;
}

/* Every item of seq must be one of the words in allowed. */
static void check_values(struct lint_ctx *lc, const struct lint_file *f,
			 yaml_document_t *d, yaml_node_t *seq,
			 const char *what, const char *allowed)
{
	size_t i;

	if (ly_str(seq) && !strchr(ly_str(seq), ','))
		seq = NULL;
	for (i = 0; i < ly_len(seq); i++) {
		yaml_node_t *v = ly_at(d, seq, i);

		if (ly_str(v) && !listed(allowed, ly_str(v)))
			lint_report(lc, "GS-505", f->path, ly_line(v),
				    ly_col(v), "unknown %s '%s'", what,
				    ly_str(v));
	}
}

/* The keys of section s, and the scanner names under scan:. */
static void check_section(struct lint_ctx *lc, const struct lint_file *f,
			  yaml_document_t *d, size_t s, yaml_node_t *map)
{
	size_t i;

	if (!strcmp(sections[s].children, "*"))
		return;
	for (i = 0; i < ly_npairs(map); i++) {
		yaml_node_t *k = ly_pair_key(d, map, i);

		if (ly_str(k) && !listed(sections[s].children, ly_str(k)))
			lint_report(lc, "GS-501", f->path, ly_line(k),
				    ly_col(k), "unknown key '%s.%s'",
				    sections[s].name, ly_str(k));
	}
	if (!strcmp(sections[s].name, "scan"))
		check_values(lc, f, d, ly_get(d, map, "scanners"), "scanner",
			     " vuln misconfig secret license ");
}

/* One top-level key: a section, a known key, or a misplaced one. */
static void check_top_key(struct lint_ctx *lc, const struct lint_file *f,
			  yaml_document_t *d, yaml_node_t *k, yaml_node_t *v)
{
	const char *key = ly_str(k), *home;
	size_t s;

	if (!key)
		return;
	for (s = 0; s < NSECTIONS; s++)
		if (!strcmp(sections[s].name, key)) {
			check_section(lc, f, d, s, v);
			return;
		}
	if (listed(top_keys, key))
		return;
	home = section_of(key);
	if (home)
		lint_report(lc, "GS-501", f->path, ly_line(k), ly_col(k),
			    "'%s' belongs under '%s:', not at the top level",
			    key, home);
	else
		lint_report(lc, "GS-501", f->path, ly_line(k), ly_col(k),
			    "unknown key '%s'", key);
}

void lint_trivy_file(struct lint_ctx *lc, const struct lint_file *f)
{
	const struct lint_yaml *y = lint_yaml_of(lc, f);
	yaml_document_t *d;
	yaml_node_t *root;
	size_t i;

	if (!y->ndocs || !ly_is_map(ly_root(&y->docs[0])))
		return;
	d = &y->docs[0];
	root = ly_root(d);
	for (i = 0; i < ly_npairs(root); i++)
		check_top_key(lc, f, d, ly_pair_key(d, root, i),
			      ly_pair_val(d, root, i));
	check_values(lc, f, d, ly_get(d, root, "severity"), "severity",
		     " UNKNOWN LOW MEDIUM HIGH CRITICAL ");
}

/* ---- .trivyignore ----------------------------------------------------- */

/* True when s (10 bytes) is a real YYYY-MM-DD date. */
static bool valid_date(const char *s, size_t n)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int y, m, d, i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 &&
						 y % 400)));
}

/* One entry line: ID, then optionally exp:DATE, then optionally # why. */
static void check_entry(struct lint_ctx *lc, const struct lint_file *f,
			const char *s, size_t n, unsigned line,
			bool justified)
{
	const char *hash = memchr(s, '#', n), *p;
	size_t len = hash ? (size_t)(hash - s) : n, id;

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	for (id = 0; id < len && s[id] != ' ' && s[id] != '\t'; id++)
		;
	p = s + id;
	while (p < s + len && (*p == ' ' || *p == '\t'))
		p++;
	if (p + 4 <= s + len && !strncmp(p, "exp:", 4)) {
		size_t dn = 0;

		while (p + 4 + dn < s + len && p[4 + dn] != ' ' &&
		       p[4 + dn] != '\t')
			dn++;

		if (!valid_date(p + 4, dn))
			lint_report(lc, "GS-502", f->path, line,
				    (unsigned)(p - s) + 1, "'%.*s' is not a "
				    "valid date", (int)(dn + 4), p);
		p += 4 + dn;
		while (p < s + len && (*p == ' ' || *p == '\t'))
			p++;
	}
	if (p < s + len)
		lint_report(lc, "GS-504", f->path, line, (unsigned)(p - s) + 1,
			    "unexpected '%.*s' after the ID",
			    (int)(s + len - p), p);
	if (!justified && !hash)
		lint_report(lc, "GS-503", f->path, line, 1, "'%.*s' has no "
			    "justification comment", (int)id, s);
}

void lint_trivyignore_file(struct lint_ctx *lc, const struct lint_file *f)
{
	const char *p = f->data;
	unsigned line = 1;
	bool comment = false;

	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *s = p;

		while (s < p + n && (*s == ' ' || *s == '\t'))
			s++;
		if (s == p + n || *s == '\r')
			comment = false;
		else if (*s == '#')
			comment = true;
		else
			check_entry(lc, f, s, (size_t)(p + n - s), line,
				    comment);
		p += n + (p[n] == '\n');
		line++;
	}
}
