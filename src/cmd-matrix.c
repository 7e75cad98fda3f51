/*
 * genship matrix: print a template's option combinations, as a GitHub
 * Actions strategy.matrix (json) or one line per combination (lines), or,
 * with --shards N, a strategy.matrix of N shards ready for GitHub: each
 * job runs `genship validate TEMPLATE --shard K/N`; the note on stderr
 * says so.  GitHub runs at most MATRIX_MAX_JOBS jobs per matrix, so a
 * larger one is refused unless --force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "matrix.h"
#include "source.h"
#include "template.h"
#include "term.h"

#define MATRIX_MAX_JOBS 256	/* GitHub Actions' jobs per matrix */

struct matrix_cmd {
	const char *template;
	const char *format;
	const char *shard;
	unsigned shards;	/* --shards N, 0 when not given */
	bool force;
};

enum { OPT_FORMAT = 256, OPT_SHARD, OPT_SHARDS, OPT_FORCE };

const struct cmd_opt cmd_matrix_opts[] = {
	{ "format", 0, true, OPT_FORMAT, "json|lines",
	  "strategy.matrix JSON, or one combination a line" },
	{ "shard", 0, true, OPT_SHARD, "K/N",
	  "print only slice K of N of the combinations" },
	{ "shards", 0, true, OPT_SHARDS, "N",
	  "print N shards for validate --shard K/N" },
	{ "force", 0, false, OPT_FORCE, NULL,
	  "print a json matrix of more than 256 combinations" },
	CMD_OPT_END
};

/* Parse --shards N: 1 to MATRIX_MAX_JOBS. */
static int parse_shards(const char *arg, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (!*arg || *end || n < 1 || n > MATRIX_MAX_JOBS)
		return cmd_usage_error(cmd_find("matrix"), "invalid --shards "
				       "'%s': expected 1 to %d (GitHub Actions "
				       "runs at most %d jobs per matrix)", arg,
				       MATRIX_MAX_JOBS, MATRIX_MAX_JOBS);
	*out = (unsigned)n;
	return 0;
}

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
	case OPT_SHARDS:
		return parse_shards(arg, &o->shards);
	case OPT_FORCE:
		o->force = true;
		return 0;
	}
	if (o->template)
		return cmd_usage_error(cmd_find("matrix"), "unexpected "
				       "argument '%s'", arg);
	o->template = arg;
	return 0;
}

/* Print {"include":[{"shard":"1/N"},...]} for n shards. */
static void print_shards(unsigned n)
{
	unsigned k;

	fputs("{\"include\":[", stdout);
	for (k = 1; k <= n; k++)
		printf("%s{\"shard\":\"%u/%u\"}", k > 1 ? "," : "", k, n);
	fputs("]}\n", stdout);
}

/* A json matrix GitHub would refuse is an error, unless --force. */
static int check_jobs(const struct matrix_cmd *o, const struct matrix *mx,
		      struct diag *err)
{
	if (o->force || strcmp(o->format, "json") || mx->len <= MATRIX_MAX_JOBS)
		return 0;
	diag_input(err, NULL, "the matrix has %zu combinations, and GitHub "
		   "Actions runs at most %d jobs per matrix", mx->len,
		   MATRIX_MAX_JOBS);
	diag_hint(err, "print shards instead (genship matrix --shards N: each "
		  "job runs genship validate --shard K/N), or pass --force");
	return ERR_INPUT;
}

/* Print the combinations (or the shards) and the CI hint on stderr. */
static void print_result(const struct matrix_cmd *o, const struct matrix *mx,
			 const struct matrix_shard *shard)
{
	struct strbuf out = STRBUF_INIT;

	if (o->shards)
		print_shards(o->shards);
	else if (!strcmp(o->format, "json"))
		matrix_format_json(mx, &out);
	else
		matrix_format_lines(mx, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	if (shard->n)
		term_info("%zu of %zu combinations in shard %u/%u", mx->len,
			  mx->total, shard->k, shard->n);
	else
		term_info("%zu combinations%s", mx->total,
			  o->shards ? " in the shards" : "");
	term_info("a CI matrix job K of N runs: genship validate %s --shard "
		  "K/N", o->template ? o->template : TEMPLATE_DEFAULT);
}

/* Enumerate, slice and print. */
static int print_matrix(const struct matrix_cmd *o, struct diag *err)
{
	struct matrix mx = MATRIX_INIT;
	struct matrix_shard shard = { 0, 0 };
	struct template *t = NULL;
	int ret = 0;

	if (o->shard)
		ret = matrix_parse_shard(o->shard, &shard, err);
	if (!ret)
		ret = source_open(o->template, NULL, &t, err);
	if (!ret)
		ret = matrix_enumerate_template(t, &mx, err);
	if (!ret) {
		matrix_apply_shard(&mx, &shard);
		ret = check_jobs(o, &mx, err);
	}
	if (!ret)
		print_result(o, &mx, &shard);
	matrix_release(&mx);
	template_free(t);
	return ret;
}

int cmd_matrix(int argc, char **argv)
{
	struct matrix_cmd o = { NULL, "lines", NULL, 0, false };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("matrix"), argc, argv, matrix_arg,
				 &o);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (o.shards && o.shard)
		return cmd_usage_error(cmd_find("matrix"), "--shards and "
				       "--shard exclude each other");
	return cmd_finish(print_matrix(&o, &err), &err);
}
