/*
 * genship templates: list the built-in templates with their versions, and
 * the abbreviations for git sources (built in and from the user config),
 * as two aligned tables or as JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "source.h"
#include "strbuf.h"
#include "template.h"
#include "term.h"
#include "userconfig.h"
#include "xalloc.h"

enum { OPT_CONFIG = 256, OPT_FORMAT };

const struct cmd_opt cmd_templates_opts[] = {
	CMD_OPT_CONFIG(OPT_CONFIG),
	CMD_OPT_FORMAT_TEXT_JSON(OPT_FORMAT),
	CMD_OPT_END
};

struct templates_args {
	const char *config;
	bool json;		/* --format json */
};

/* One row of a table: up to three cells, caller-owned strings. */
struct row {
	char *cell[3];
};

struct table {
	struct row *rows;
	size_t len, alloc;
	struct diag *err;	/* the first template that failed to open */
};

#define TABLE_INIT(err) { NULL, 0, 0, err }

static void table_add(struct table *tb, const char *a, const char *b,
		      const char *c)
{
	XALLOC_GROW(tb->rows, tb->len + 1, tb->alloc);
	tb->rows[tb->len++] = (struct row){ { xstrdup(a), xstrdup(b),
					      c ? xstrdup(c) : NULL } };
}

static void table_release(struct table *tb)
{
	size_t i, j;

	for (i = 0; i < tb->len; i++)
		for (j = 0; j < 3; j++)
			free(tb->rows[i].cell[j]);
	free(tb->rows);
	tb->rows = NULL;
	tb->len = tb->alloc = 0;
}

/* Add the built-in template called name: name, version, description. */
static void add_template(const char *name, void *ud)
{
	struct table *tb = ud;
	struct template *t;

	if (source_open(name, NULL, &t, tb->err))
		return;
	table_add(tb, name, t->manifest->version, t->manifest->description ?
		  t->manifest->description : "");
	template_free(t);
}

/* Add an abbreviation: its name and the URL it expands to. */
static void add_abbrev(const char *name, const char *url, void *ud)
{
	table_add(ud, name, url, NULL);
}

/* The width of column col of tb, each cell extra wider, and header h. */
static size_t column_width(const struct table *tb, size_t col, size_t extra,
			   const char *h)
{
	size_t w = strlen(h), i;

	for (i = 0; i < tb->len; i++)
		if (strlen(tb->rows[i].cell[col]) + extra > w)
			w = strlen(tb->rows[i].cell[col]) + extra;
	return w;
}

/*
 * Append tb under the headers h (two or three), columns two spaces apart;
 * the last column is wrapped to width.  The first column of an
 * abbreviation table (two columns) gets its ':'.
 */
static void add_table(struct strbuf *sb, const struct table *tb,
		      const char *const *h, size_t ncols, size_t width)
{
	size_t w0 = column_width(tb, 0, ncols == 2, h[0]) + 2, w1 = 0, i, at;

	if (ncols == 3)
		w1 = column_width(tb, 1, 0, h[1]) + 2;
	strbuf_addf(sb, "%-*s%-*s%s\n", (int)w0, h[0], (int)w1,
		    ncols == 3 ? h[1] : "", h[ncols - 1]);
	for (i = 0; i < tb->len; i++) {
		const struct row *r = &tb->rows[i];

		at = sb->len;
		strbuf_addf(sb, "%s%s", r->cell[0], ncols == 2 ? ":" : "");
		strbuf_addchars(sb, ' ', w0 - (sb->len - at));
		if (ncols == 3)
			strbuf_addf(sb, "%-*s", (int)w1, r->cell[1]);
		strbuf_add_wrapped(sb, r->cell[ncols - 1], w0 + w1, w0 + w1,
				   width);
		strbuf_addch(sb, '\n');
	}
}

static void print_text(const struct table *tpls, const struct table *abbrevs)
{
	static const char *const th[] = { "TEMPLATE", "VERSION",
					  "DESCRIPTION" };
	static const char *const ah[] = { "ABBREVIATION", "EXPANDS TO" };
	struct strbuf sb = STRBUF_INIT;
	size_t width = term_width(stdout) - 1;

	add_table(&sb, tpls, th, 3, width);
	strbuf_addch(&sb, '\n');
	add_table(&sb, abbrevs, ah, 2, width);
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

/* The rows of tb as JSON objects with the keys k (two or three). */
static json_t *table_json(const struct table *tb, const char *const *k,
			  size_t ncols)
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < tb->len; i++) {
		json_t *o = json_object();

		for (j = 0; j < ncols; j++)
			json_object_set_new(o, k[j],
					    json_string(tb->rows[i].cell[j]));
		json_array_append_new(arr, o);
	}
	return arr;
}

static void print_json(const struct table *tpls, const struct table *abbrevs)
{
	static const char *const tk[] = { "name", "version", "description" };
	static const char *const ak[] = { "name", "url" };
	json_t *root = json_object();
	char *s;

	json_object_set_new(root, "templates", table_json(tpls, tk, 3));
	json_object_set_new(root, "abbreviations", table_json(abbrevs, ak, 2));
	s = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	printf("%s\n", s);
	free(s);
	json_decref(root);
}

/* One parsed argument: --config or --format; no operands. */
static int templates_arg(void *ud, int key, char *arg)
{
	struct templates_args *a = ud;
	const struct cmd *c = cmd_find("templates");

	if (key == OPT_CONFIG)
		a->config = arg;
	else if (key == OPT_FORMAT)
		return cmd_parse_json_format(c, arg, &a->json);
	else
		return cmd_usage_error(c, "unexpected argument '%s'", arg);
	return 0;
}

int cmd_templates(int argc, char **argv)
{
	struct templates_args a = { NULL, false };
	struct diag err = DIAG_INIT;
	struct table tpls = TABLE_INIT(&err), abbrevs = TABLE_INIT(&err);
	struct config *cfg = NULL;
	int ret = cmd_parse_args(cmd_find("templates"), argc, argv,
				 templates_arg, &a);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (!config_load(a.config, &cfg, &err)) {
		struct source_opts so = { .config = cfg };

		template_list_builtin(add_template, &tpls);
		source_each_abbrev(&so, add_abbrev, &abbrevs);
	}
	if (!err.code && a.json)
		print_json(&tpls, &abbrevs);
	else if (!err.code)
		print_text(&tpls, &abbrevs);
	table_release(&tpls);
	table_release(&abbrevs);
	config_free(cfg);
	return cmd_finish(err.code, &err);
}
