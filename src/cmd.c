#include "cmd.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "strbuf.h"
#include "xalloc.h"

static const struct cmd cmd_table[] = {
	{ "new", "[TEMPLATE] [-o DIR] [--set K=V]... [--answers FILE] "
	  "[--no-input] [--dry-run] [-f|--force] [-s|--skip-if-file-exists] "
	  "[--no-hooks] [--trust] [--hook-timeout S] [--lock-timeout S] "
	  "[--replay | --replay-file FILE] [--ref REF] [--directory SUBDIR] "
	  "[--offline | --refresh] [--config FILE] [K=V]...",
	  "generate a project from a template", cmd_new, 0 },
	{ "update", "[DIR] [--set K=V]... [--answers FILE] [--template SRC] "
	  "[--dry-run] [--conflict-style merge|diff3] [--redo PATH]... "
	  "[--format text|json] [--no-hooks] [--trust] [--hook-timeout S] "
	  "[--lock-timeout S] [--ref REF] [--offline | --refresh] "
	  "[--config FILE]",
	  "regenerate after option or template changes, keeping edits",
	  cmd_update, CMD_NEEDS_GIT },
	{ "diff", "[DIR] [--set K=V]... [--answers FILE] "
	  "[--conflict-style merge|diff3] [--format text|json] "
	  "[--lock-timeout S]",
	  "show what update would change, as a unified diff",
	  cmd_diff, CMD_NEEDS_GIT },
	{ "check", "[DIR] [--strict] [--format text|json] [--lock-timeout S]",
	  "exit 1 on template drift or an unresolved conflict (CI gate)",
	  cmd_check, CMD_NEEDS_GIT },
	{ "validate", "[TEMPLATE] [--all | --set K=V... | --answers FILE] "
	  "[-j N] [--lint LIST] [--lint-dir DIR] [--format text|json|junit] "
	  "[--shard K/N] [--list-linters]",
	  "generate option combinations and lint every output", cmd_validate, 0 },
	{ "matrix", "[TEMPLATE] [--format json|lines] [--shard K/N | --shards N] "
	  "[--force]",
	  "print the option combinations for a CI matrix", cmd_matrix, 0 },
	{ "options", "[TEMPLATE]",
	  "list a template's options: type, default, choices, condition",
	  cmd_options, 0 },
	{ "templates", "[--config FILE]",
	  "list the built-in templates and the configured abbreviations",
	  cmd_templates, 0 },
};

#define NCMDS (sizeof(cmd_table) / sizeof(cmd_table[0]))

const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

void cmd_print_help(FILE *fp)
{
	size_t i;

	fputs("usage: genship COMMAND [ARGS]\n"
	      "       genship --help | --version\n\n"
	      "genship bootstraps the deployment layer of a new service "
	      "from a template.\n\ncommands:\n", fp);
	for (i = 0; i < NCMDS; i++)
		fprintf(fp, "  %-10s %s\n", cmd_table[i].name,
			cmd_table[i].summary);
	fputs("\n'genship COMMAND --help' shows a command's options; "
	      "'man genship' has the rest.\n", fp);
}

void cmd_print_usage(const struct cmd *c, FILE *fp)
{
	fprintf(fp, "usage: genship %s %s\n", c->name, c->usage);
}

int cmd_finish(int ret, struct diag *err)
{
	if (err->code)
		diag_print(err, stderr);
	diag_release(err);
	if (ret == ERR_INPUT)
		return 2;
	return ret ? 1 : 0;
}

int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fputs("genship: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_print_usage(c, stderr);
	return 2;
}

#define CMD_KEY_HELP (-1000)

/* Translate opts into getopt_long's tables. */
static struct option *build_longopts(const struct cmd_opt *opts,
				     struct strbuf *shorts)
{
	size_t n = 0, i;
	struct option *lo;

	while (opts[n].name)
		n++;
	lo = xcalloc(n + 2, sizeof(*lo));
	for (i = 0; i < n; i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].has_arg ? required_argument :
			no_argument;
		lo[i].val = opts[i].key;
		if (opts[i].short_name)
			strbuf_addf(shorts, "%c%s", opts[i].short_name,
				    opts[i].has_arg ? ":" : "");
	}
	lo[n].name = "help";
	lo[n].val = CMD_KEY_HELP;
	return lo;
}

/* Map a short option letter back to its key. */
static int short_key(const struct cmd_opt *opts, int ch)
{
	for (; opts->name; opts++)
		if (opts->short_name == ch)
			return opts->key;
	return ch;
}

int cmd_parse_args(const struct cmd *c, int argc, char **argv,
		   const struct cmd_opt *opts,
		   int (*fn)(void *ud, int key, char *arg), void *ud)
{
	struct strbuf shorts = STRBUF_INIT;
	struct option *lo = build_longopts(opts, &shorts);
	int ch, ret = 0;

	optind = 0;
	opterr = 1;
	while (!ret && (ch = getopt_long(argc, argv, shorts.buf, lo,
					 NULL)) != -1) {
		if (ch == CMD_KEY_HELP) {
			cmd_print_usage(c, stdout);
			ret = -1;
		} else if (ch == '?') {
			cmd_print_usage(c, stderr);
			ret = 2;
		} else {
			ret = fn(ud, short_key(opts, ch), optarg);
		}
	}
	for (; !ret && optind < argc; optind++)
		ret = fn(ud, 0, argv[optind]);
	free(lo);
	strbuf_release(&shorts);
	return ret;
}

void cmd_sets_add(struct cmd_sets *s, char *kv)
{
	XALLOC_GROW(s->items, s->len + 1, s->alloc);
	s->items[s->len++] = kv;
}

void cmd_sets_release(struct cmd_sets *s)
{
	free(s->items);
	*s = (struct cmd_sets)CMD_SETS_INIT;
}

int cmd_parse_seconds(const struct cmd *c, const char *opt, const char *s,
		      unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > 86400)
		return cmd_usage_error(c, "invalid %s '%s': expected seconds "
				       "from 1 to 86400", opt, s);
	*out = (unsigned)v;
	return 0;
}

int cmd_parse_json_format(const struct cmd *c, const char *s, bool *json)
{
	if (strcmp(s, "text") && strcmp(s, "json"))
		return cmd_usage_error(c, "invalid --format '%s': expected "
				       "text or json", s);
	*json = !strcmp(s, "json");
	return 0;
}

int cmd_parse_conflict_style(const struct cmd *c, const char *s,
			     enum merge_style *out)
{
	if (!merge_style_parse(s, out))
		return cmd_usage_error(c, "invalid --conflict-style '%s': "
				       "expected merge or diff3", s);
	return 0;
}

struct one_arg {
	const struct cmd *c;
	const char **arg;
	bool seen;
	unsigned *lock_timeout;
};

enum { OPT_LOCK_TIMEOUT = 256 };

static int take_one_arg(void *ud, int key, char *arg)
{
	struct one_arg *o = ud;

	if (key == OPT_LOCK_TIMEOUT)
		return cmd_parse_seconds(o->c, "--lock-timeout", arg,
					 o->lock_timeout);
	if (o->seen)
		return cmd_usage_error(o->c, "unexpected argument '%s'", arg);
	o->seen = true;
	*o->arg = arg;
	return 0;
}

int cmd_parse_one_arg(const struct cmd *c, int argc, char **argv,
		      const char **arg)
{
	static const struct cmd_opt none[] = { { NULL, 0, false, 0 } };
	struct one_arg o = { c, arg, false, NULL };

	return cmd_parse_args(c, argc, argv, none, take_one_arg, &o);
}

int cmd_parse_project_args(const struct cmd *c, int argc, char **argv,
			   const char **dir, unsigned *lock_timeout)
{
	static const struct cmd_opt opts[] = {
		{ "lock-timeout", 0, true, OPT_LOCK_TIMEOUT },
		{ NULL, 0, false, 0 }
	};
	struct one_arg o = { c, dir, false, lock_timeout };

	return cmd_parse_args(c, argc, argv, opts, take_one_arg, &o);
}
