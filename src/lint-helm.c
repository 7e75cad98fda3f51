/*
 * lint-helm.c: what helm says about a chart, as findings.
 *
 * helm lint prints "[ERROR] PATH: MESSAGE" and "[WARNING] PATH: MESSAGE"
 * blocks on stdout; helm template prints an "Error: MESSAGE" block on
 * stderr.  A message names a template line as "(CHART/templates/F:L:C)"
 * or "CHART/templates/F:L:C:", and a value that breaks values.schema.json
 * as a line "- at '/json/pointer': reason".  Each message becomes one
 * finding at the chart file it is about: the template line; the key of
 * the values file that set the value (helm names none, so the values
 * files are parsed to find it); or the key of Chart.yaml the message
 * names.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "lint.h"
#include "ly.h"
#include "strbuf.h"
#include "xalloc.h"

/* Where one finding goes. */
struct spot {
	char *file;		/* project path, caller-owned */
	unsigned line, col;
};

struct helm_parse {
	const struct lint_ext_chart *c;
	const char *values;	/* the values file added, "" for none */
	lint_helm_fn fn;
	void *ud;
	size_t count;
};

/* The chart file whose path relative to the chart is rel, or NULL. */
static const struct lint_file *chart_file(const struct lint_ext_chart *c,
					  const char *rel)
{
	size_t n = strlen(c->dir), i;

	for (i = 0; i < c->n; i++) {
		const char *p = c->files[i]->path;

		if (!strcmp(c->dir, ".") ? !strcmp(p, rel) :
		    !strncmp(p, c->dir, n) && p[n] == '/' &&
		    !strcmp(p + n + 1, rel))
			return c->files[i];
	}
	return NULL;
}

/* The project path of rel in the chart, caller-owned. */
static char *chart_path(const struct lint_ext_chart *c, const char *rel)
{
	return strcmp(c->dir, ".") ? xasprintf("%s/%s", c->dir, rel) :
		xstrdup(rel);
}

/* Hand one finding on; chart_wide when no values file bears on it. */
static void emit(struct helm_parse *hp, const struct spot *s,
		 const char *msg, bool chart_wide)
{
	hp->fn(hp->ud, s->file, s->line, s->col, msg, chart_wide);
	hp->count++;
}

/* ---- values that break the schema -------------------------------------- */

/*
 * Decode JSON pointer token tok (n bytes, "~0" and "~1" escapes) into a
 * new string.
 */
static char *pointer_token(const char *tok, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (tok[i] == '~' && i + 1 < n && (tok[i + 1] == '0' ||
						   tok[i + 1] == '1')) {
			strbuf_addch(&sb, tok[++i] == '0' ? '~' : '/');
			continue;
		}
		strbuf_addch(&sb, tok[i]);
	}
	return strbuf_detach(&sb, NULL);
}

/* True when s is a whole decimal number; its value in *out. */
static bool index_of(const char *s, size_t *out)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	*out = (size_t)strtoull(s, &end, 10);
	return !*end;
}

/*
 * Follow pointer ptr ("/a/0/b") in the values file f.  Returns how many
 * tokens were found (-1 when f does not parse); *line and *col are where
 * the last one found starts (its key in a mapping).
 */
static int pointer_find(const struct lint_file *f, const char *ptr,
			unsigned *line, unsigned *col)
{
	struct lint_yaml y;
	yaml_node_t *n, *k;
	int depth = 0;
	size_t idx;

	memset(&y, 0, sizeof(y));
	lint_yaml_parse(&y, f->data, f->len);
	n = y.ndocs ? ly_root(&y.docs[0]) : NULL;
	if (!n) {
		lint_yaml_release(&y);
		return -1;
	}
	while (n && *ptr == '/') {
		size_t len = strcspn(ptr + 1, "/");
		char *tok = pointer_token(ptr + 1, len);

		k = NULL;
		if (ly_is_map(n)) {
			k = ly_key(&y.docs[0], n, tok);
			n = ly_get(&y.docs[0], n, tok);
		} else if (index_of(tok, &idx) && idx < ly_len(n)) {
			n = k = ly_at(&y.docs[0], n, idx);
		} else {
			n = NULL;
		}
		free(tok);
		if (!n)
			break;
		*line = ly_line(k);
		*col = ly_col(k);
		depth++;
		ptr += 1 + len;
	}
	lint_yaml_release(&y);
	return depth;
}

/* The values files of a render, the one added first: helm's order. */
static size_t render_values(const struct helm_parse *hp,
			    const struct lint_file **out)
{
	size_t n = 0;

	if (*hp->values && (out[n] = chart_file(hp->c, hp->values)))
		n++;
	if ((out[n] = chart_file(hp->c, "values.yaml")))
		n++;
	return n;
}

/*
 * Where the value at ptr was set: the values file that holds the whole
 * path, the one added last first; else the one that holds most of it.
 */
static void pointer_spot(const struct helm_parse *hp, const char *ptr,
			 struct spot *s)
{
	const struct lint_file *files[2];
	size_t n = render_values(hp, files), i;
	int best = -1, depth;
	unsigned line = 0, col = 0;

	s->file = NULL;
	s->line = s->col = 0;
	for (i = 0; i < n; i++) {
		depth = pointer_find(files[i], ptr, &line, &col);
		if (depth > best) {
			best = depth;
			free(s->file);
			s->file = xstrdup(files[i]->path);
			s->line = depth ? line : 0;
			s->col = depth ? col : 0;
		}
	}
	if (!s->file)
		s->file = chart_path(hp->c, *hp->values ? hp->values :
				     "values.yaml");
}

/* ptr as a dotted name: "/a/0/b" is "a[0].b". */
static char *pointer_name(const char *ptr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t idx;

	while (*ptr == '/') {
		size_t len = strcspn(ptr + 1, "/");
		char *tok = pointer_token(ptr + 1, len);

		if (index_of(tok, &idx))
			strbuf_addf(&sb, "[%zu]", idx);
		else
			strbuf_addf(&sb, "%s%s", sb.len ? "." : "", tok);
		free(tok);
		ptr += 1 + len;
	}
	return strbuf_detach(&sb, NULL);
}

/* The schema violations of one message, one per value. */
struct violations {
	char **ptrs;		/* JSON pointers */
	struct strbuf *reasons;	/* "; "-separated */
	size_t n, alloc;
};

/*
 * Add one "- at '/ptr': reason" line to v.  "additional properties 'x'
 * not allowed" is about x itself; "validation failed" and "'allOf'
 * failed", which only say that the lines below them explain, are dropped.
 */
static void violation_add(struct violations *v, const char *line)
{
	const char *end = strstr(line + 6, "': "), *extra;
	char *ptr = xstrndup(line + 6, (size_t)(end - line - 6)), *p;
	size_t i;

	if (!strcmp(end + 3, "validation failed") ||
	    !strcmp(end + 3, "'allOf' failed")) {
		free(ptr);
		return;
	}
	if ((extra = strstr(end, "additional properties '"))) {
		extra += 23;
		p = xasprintf("%s/%.*s", ptr, (int)strcspn(extra, "'"), extra);
		free(ptr);
		ptr = p;
	}
	for (i = 0; i < v->n && strcmp(v->ptrs[i], ptr); i++)
		;
	if (i == v->n) {
		XALLOC_GROW(v->ptrs, v->n + 1, v->alloc);
		v->reasons = xrealloc(v->reasons, v->alloc *
				      sizeof(*v->reasons));
		v->ptrs[v->n] = ptr;
		strbuf_init(&v->reasons[v->n++], 0);
	} else {
		free(ptr);
	}
	if (v->reasons[i].len)
		strbuf_adds(&v->reasons[i], "; ");
	strbuf_adds(&v->reasons[i], end + 3);
}

/* The finding of one value that breaks the schema, at the key that set it. */
static void violation_emit(struct helm_parse *hp, const char *ptr,
			   const char *reasons)
{
	char *name = pointer_name(ptr), *msg, *schema;
	struct spot s;

	pointer_spot(hp, ptr, &s);
	schema = chart_path(hp->c, "values.schema.json");
	msg = xasprintf("%s%s%s does not match the schema: %s; change the "
			"value, or the schema in %s", *name ? "value '" :
			"the values", name, *name ? "'" : "", reasons, schema);
	emit(hp, &s, msg, false);
	free(msg);
	free(schema);
	free(name);
	free(s.file);
}

/* Emit one finding per value the schema lines of body name; false when
 * body has no such line. */
static bool schema_findings(struct helm_parse *hp, const char *body)
{
	struct violations v = { NULL, NULL, 0, 0 };
	const char *p;
	bool any;
	size_t i;

	for (p = body; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char *line = xstrndup(p, strcspn(p, "\n"));

		if (!strncmp(line, "- at '", 6) && strstr(line + 6, "': "))
			violation_add(&v, line);
		free(line);
	}
	any = v.n > 0;
	for (i = 0; i < v.n; i++) {
		violation_emit(hp, v.ptrs[i], v.reasons[i].buf);
		free(v.ptrs[i]);
		strbuf_release(&v.reasons[i]);
	}
	free(v.ptrs);
	free(v.reasons);
	return any;
}

/* ---- template lines ----------------------------------------------------- */

/*
 * Find "NAME/PATH:LINE[:COL]" in text, NAME being the chart's name; sets
 * *s (the project path) and *after (the text past the location and its
 * "): " or ": ").  False when there is none.
 */
static bool template_spot(const struct helm_parse *hp, const char *text,
			  struct spot *s, const char **after)
{
	size_t n = strlen(hp->c->release);
	const char *p, *q;
	char *rel, *end;

	for (p = strstr(text, hp->c->release); p;
	     p = strstr(p + 1, hp->c->release)) {
		if (p[n] != '/' || (p > text && p[-1] != ' ' &&
				    p[-1] != '(' && p[-1] != '"'))
			continue;
		q = p + n + 1 + strcspn(p + n + 1, ":) \"\n");
		rel = xstrndup(p + n + 1, (size_t)(q - p - n - 1));
		s->file = chart_path(hp->c, rel);
		free(rel);
		s->line = s->col = 0;
		if (*q == ':' && q[1] >= '0' && q[1] <= '9') {
			s->line = (unsigned)strtoul(q + 1, &end, 10);
			q = end;
			if (*q == ':' && q[1] >= '0' && q[1] <= '9') {
				s->col = (unsigned)strtoul(q + 1, &end, 10);
				q = end;
			}
		}
		*after = !strncmp(q, "): ", 3) ? q + 3 :
			!strncmp(q, ": ", 2) && s->line ? q + 2 : text;
		return true;
	}
	return false;
}

/* ---- Chart.yaml --------------------------------------------------------- */

/*
 * The key of Chart.yaml that msg is about: the one in 'unknown field
 * "X"', else msg's first word when Chart.yaml has such a key.
 */
static void chart_key_spot(const struct helm_parse *hp, const char *msg,
			   struct spot *s)
{
	const struct lint_file *f = chart_file(hp->c, "Chart.yaml");
	const char *u = strstr(msg, "unknown field \"");
	struct lint_yaml y;
	yaml_node_t *k = NULL;
	char *key;

	s->file = chart_path(hp->c, "Chart.yaml");
	s->line = s->col = 0;
	if (!f)
		return;
	key = u ? xstrndup(u + 15, strcspn(u + 15, "\"")) :
		xstrndup(msg, strcspn(msg, " :'\""));
	memset(&y, 0, sizeof(y));
	lint_yaml_parse(&y, f->data, f->len);
	if (y.ndocs && *key)
		k = ly_key(&y.docs[0], ly_root(&y.docs[0]), key);
	if (k) {
		s->line = ly_line(k);
		s->col = ly_col(k);
	}
	lint_yaml_release(&y);
	free(key);
}

/* ---- messages ------------------------------------------------------------ */

/*
 * One message of helm: path is what helm lint put before it ("Chart.yaml",
 * "templates/", "values.yaml"; NULL from helm template), body its lines.
 */
static void message(struct helm_parse *hp, const char *path, char *body)
{
	struct spot s = { NULL, 0, 0 };
	const char *after = body;
	bool chart_yaml = path && !strcmp(path, "Chart.yaml");

	if (schema_findings(hp, body))
		return;
	if (!template_spot(hp, body, &s, &after)) {
		if (chart_yaml)
			chart_key_spot(hp, body, &s);
		else
			s.file = chart_path(hp->c, path && *path &&
					    path[strlen(path) - 1] != '/' ?
					    path : "Chart.yaml");
	}
	emit(hp, &s, after, chart_yaml);
	free(s.file);
}

/* Append line to body, "; " between lines; blank lines are dropped. */
static void body_add(struct strbuf *body, const char *line, size_t n)
{
	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
		     line[n - 1] == '\r'))
		n--;
	if (!n)
		return;
	if (body->len)
		strbuf_adds(body, !strncmp(line, "- at '", 6) ? "\n" : "; ");
	strbuf_add(body, line, n);
}

/* How a line of helm's output starts a block, or does not. */
enum line_kind { LINE_MORE, LINE_FINDING, LINE_SKIP };

static enum line_kind line_kind(const char *p, bool lint, size_t *skip)
{
	static const char *const finding[] = { "[ERROR] ", "[WARNING] ",
					       "Error: " };
	static const char *const other[] = { "[INFO] ", "==> ", "level=",
					     "Use --debug flag" };
	size_t i;

	for (i = lint ? 0 : 2; i < (lint ? 2u : 3u); i++)
		if (!strncmp(p, finding[i], strlen(finding[i]))) {
			*skip = strlen(finding[i]);
			return LINE_FINDING;
		}
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (!strncmp(p, other[i], strlen(other[i])))
			return LINE_SKIP;
	return LINE_MORE;
}

/* Finish the block being read, if any. */
static void block_end(struct helm_parse *hp, bool lint, struct strbuf *body,
		      bool *open)
{
	char *path = NULL, *text = body->buf;
	const char *colon = strstr(body->buf, ": ");

	if (!*open)
		return;
	if (lint && colon && !memchr(body->buf, ' ', (size_t)(colon -
							      body->buf))) {
		path = xstrndup(body->buf, (size_t)(colon - body->buf));
		text = body->buf + (colon - body->buf) + 2;
	}
	/* "1 chart(s) linted, 1 chart(s) failed" is helm's summary. */
	if (*text && !strstr(text, " chart(s) linted, "))
		message(hp, path, text);
	free(path);
	strbuf_setlen(body, 0);
	*open = false;
}

size_t lint_helm_parse(const struct lint_ext_chart *c, const char *values,
		       bool lint, const char *text, lint_helm_fn fn, void *ud)
{
	struct helm_parse hp = { c, values, fn, ud, 0 };
	struct strbuf body = STRBUF_INIT;
	const char *p;
	bool open = false;
	size_t skip = 0;

	for (p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ?
						    1 : 0)) {
		size_t n = strcspn(p, "\n");

		switch (line_kind(p, lint, &skip)) {
		case LINE_FINDING:
			block_end(&hp, lint, &body, &open);
			open = true;
			body_add(&body, p + skip, n - skip);
			break;
		case LINE_SKIP:
			block_end(&hp, lint, &body, &open);
			break;
		case LINE_MORE:
			if (open)
				body_add(&body, p, n);
			break;
		}
	}
	block_end(&hp, lint, &body, &open);
	strbuf_release(&body);
	return hp.count;
}
