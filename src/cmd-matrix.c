/*
 * genship matrix: print a template's option combinations, as a GitHub
 * Actions strategy.matrix (json) or one line per combination (lines).
 * A CI matrix job runs `genship validate TEMPLATE --shard K/N`; the note
 * on stderr says so.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "matrix.h"
#include "template.h"

struct matrix_cmd {
	const char *template;
	const char *format;
	const char *shard;
};

enum { OPT_FORMAT = 256, OPT_SHARD };

static const struct cmd_opt matrix_opts_table[] = {
	{ "format", 0, true, OPT_FORMAT },
	{ "shard", 0, true, OPT_SHARD },
	{ NULL, 0, false, 0 }
};

/* One parsed argument: --format, --shard or the template. */
static int matrix_arg(void *ud, int key, char *arg)
{
	struct matrix_cmd *o = ud;

	switch (key) {
	case OPT_FORMAT:
		if (strcmp(arg, "json") && strcmp(arg, "lines"))
			return cmd_usage_error(cmd_find("matrix"), "invalid "
					       "--format '%s': expected json "
					       "or lines", arg);
		o->format = arg;
		return 0;
	case OPT_SHARD:
		o->shard = arg;
		return 0;
	}
	if (o->template)
		return cmd_usage_error(cmd_find("matrix"), "unexpected "
				       "argument '%s'", arg);
	o->template = arg;
	return 0;
}

/* Enumerate, slice and print; the CI hint goes to stderr. */
static int print_matrix(const struct matrix_cmd *o, struct diag *err)
{
	struct matrix mx = MATRIX_INIT;
	struct matrix_shard shard = { 0, 0 };
	struct strbuf out = STRBUF_INIT;
	struct template *t = NULL;
	int ret = 0;

	if (o->shard)
		ret = matrix_parse_shard(o->shard, &shard, err);
	if (!ret)
		ret = template_open(o->template, &t, err);
	if (!ret)
		ret = matrix_enumerate_template(t, &mx, err);
	if (ret)
		goto out;
	matrix_apply_shard(&mx, &shard);
	if (!strcmp(o->format, "json"))
		matrix_format_json(&mx, &out);
	else
		matrix_format_lines(&mx, &out);
	fwrite(out.buf, 1, out.len, stdout);
	if (shard.n)
		fprintf(stderr, "genship: %zu of %zu combinations in shard "
			"%u/%u\n", mx.len, mx.total, shard.k, shard.n);
	else
		fprintf(stderr, "genship: %zu combinations\n", mx.total);
	fprintf(stderr, "genship: a CI matrix job K of N runs: genship "
		"validate %s --shard K/N\n", o->template ? o->template :
		TEMPLATE_DEFAULT);
out:
	strbuf_release(&out);
	matrix_release(&mx);
	template_free(t);
	return ret;
}

int cmd_matrix(int argc, char **argv)
{
	struct matrix_cmd o = { NULL, "lines", NULL };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("matrix"), argc, argv,
				 matrix_opts_table, matrix_arg, &o);

	if (ret)
		return ret < 0 ? 0 : ret;
	return cmd_finish(print_matrix(&o, &err), &err);
}
