/*
 * lint-yaml.c: YAML well-formedness and duplicate keys (libyaml), no
 * unrendered template markers in any text file.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lint.h"
#include "ly.h"
#include "xalloc.h"

static const struct lint_rule rules[] = {
	{ "GS-001", "the template failed to render this combination",
	  "fix the template at the reported line for these answers" },
	{ "GS-002", "the file is not valid YAML",
	  "fix the YAML syntax at the reported line" },
	{ "GS-003", "a mapping repeats a key; YAML loaders keep only one",
	  "remove or rename the repeated key" },
	{ "GS-004", "an unrendered template marker is left in the output",
	  "render the expression, or escape it with {% raw %}" },
};

const struct lint_rule_table lint_yaml_rules = {
	rules, sizeof(rules) / sizeof(rules[0])
};

/* ---- well-formedness and duplicate keys ------------------------------- */

/* Report the keys of map that repeat an earlier key, then recurse. */
static void check_dups(struct lint_ctx *lc, const struct lint_file *f,
		       yaml_document_t *d, const yaml_node_t *n,
		       unsigned depth)
{
	size_t i, j;

	if (!n || depth > 200)
		return;
	for (i = 0; i < ly_len(n); i++)
		check_dups(lc, f, d, ly_at(d, n, i), depth + 1);
	for (i = 0; i < ly_npairs(n); i++) {
		const yaml_node_t *k = ly_pair_key(d, n, i);
		const char *ks = ly_str(k);

		for (j = 0; ks && strcmp(ks, "<<") && j < i; j++) {
			if (!ly_is(ly_pair_key(d, n, j), ks))
				continue;
			lint_report(lc, "GS-003", f->path, ly_line(k),
				    ly_col(k), "duplicate key '%s' (first "
				    "on line %u)", ks,
				    ly_line(ly_pair_key(d, n, j)));
			break;
		}
		check_dups(lc, f, d, ly_pair_val(d, n, i), depth + 1);
	}
}

void lint_yaml_file(struct lint_ctx *lc, const struct lint_file *f)
{
	const struct lint_yaml *y = lint_yaml_of(lc, f);
	size_t i;

	if (y->failed)
		lint_report(lc, "GS-002", f->path, y->err_line, y->err_col,
			    "%s", y->err_msg);
	for (i = 0; i < y->ndocs; i++)
		check_dups(lc, f, &y->docs[i], ly_root(&y->docs[i]), 0);
}

/* ---- unrendered markers ----------------------------------------------- */

/* Skip a whitespace-control sign and blanks after a marker. */
static const char *after_open(const char *p)
{
	if (*p == '-' || *p == '+')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Length of the identifier at p. */
static size_t ident_len(const char *p)
{
	size_t n = 0;

	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n;
}

/*
 * True when the marker at p (on a line ending at end) is template syntax
 * left unrendered: {% tag, {# ... #}, or {{ / [[ followed by the name of
 * an option or computed value.  ${{ }} (GitHub Actions), ${# } (shell)
 * and Go templates ({{ .Field }}) are not.
 */
static bool is_marker(struct lint_ctx *lc, const char *line, const char *p,
		      const char *end)
{
	const char *q = after_open(p + 2);
	size_t n;

	if (p > line && p[-1] == '$')
		return false;
	if (p[1] == '%')
		return ident_len(q) > 0;
	if (p[1] == '#') {
		const char *close = strstr(p + 2, "#}");

		return close && close < end;
	}
	n = ident_len(q);
	return n && lint_is_context_name(lc, q, n);
}

void lint_markers_file(struct lint_ctx *lc, const struct lint_file *f)
{
	const char *line = f->data, *end = f->data + f->len;
	unsigned lineno = 1;

	if (memchr(f->data, '\0', f->len))
		return;
	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *p;

		if (!eol)
			eol = end;
		for (p = line; p + 1 < eol; p++) {
			if (!((p[0] == '{' && strchr("{%#", p[1])) ||
			      (p[0] == '[' && p[1] == '[')))
				continue;
			if (!is_marker(lc, line, p, eol))
				continue;
			lint_report(lc, "GS-004", f->path, lineno,
				    (unsigned)(p - line) + 1, "unrendered "
				    "template marker '%.*s'",
				    (int)(eol - p > 40 ? 40 : eol - p), p);
			break;
		}
		line = eol + 1;
		lineno++;
	}
}
