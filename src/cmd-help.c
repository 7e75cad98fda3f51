/*
 * genship help [COMMAND] and genship version, and the help texts, all
 * printed from the command table (cmd.c).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "strbuf.h"
#include "term.h"

const struct cmd_opt cmd_help_opts[] = { CMD_OPT_END };
const struct cmd_opt cmd_version_opts[] = { CMD_OPT_END };

void cmd_print_help(FILE *fp)
{
	const struct cmd *cmds;
	size_t n, i;

	cmds = cmd_list(&n);
	fputs("usage: genship COMMAND [OPTIONS] [ARGS]\n"
	      "       genship -h | --help | -V | --version\n\n"
	      "genship bootstraps the deployment layer of a new service "
	      "from a template.\n\ncommands:\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "  %-11s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\n'genship help COMMAND' shows a command's options and "
	      "examples;\n'man genship' has the rest.\n", fp);
}

/* Append o's flags column: "  -o, --output DIR" or "      --set K=V". */
static void add_flags(struct strbuf *sb, const struct cmd_opt *o)
{
	if (o->short_name)
		strbuf_addf(sb, "  -%c, ", o->short_name);
	else
		strbuf_adds(sb, "      ");
	strbuf_addf(sb, "--%s", o->name);
	if (o->has_arg)
		strbuf_addf(sb, " %s", o->arg ? o->arg : "VALUE");
}

/* The width of c's flags column: its widest entry, at most 34. */
static size_t flags_width(const struct cmd *c)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cmd_opt *o;
	size_t w = 0;

	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o)) {
		strbuf_reset(&sb);
		add_flags(&sb, o);
		if (sb.len > w)
			w = sb.len;
	}
	strbuf_release(&sb);
	return w > 34 ? 34 : w;
}

/* Append one line per option of c, help wrapped to width columns. */
static void add_options(struct strbuf *sb, const struct cmd *c,
			size_t width)
{
	size_t col = flags_width(c) + 2, start;
	const struct cmd_opt *o;

	strbuf_adds(sb, "options:\n");
	for (o = cmd_opt_next(c, NULL); o; o = cmd_opt_next(c, o)) {
		start = sb->len;
		add_flags(sb, o);
		if (sb->len - start + 2 > col) {
			strbuf_addch(sb, '\n');
			strbuf_addchars(sb, ' ', col);
		} else {
			strbuf_addchars(sb, ' ', col - (sb->len - start));
		}
		strbuf_add_wrapped(sb, o->help ? o->help : "", col, col,
				   width);
		strbuf_addch(sb, '\n');
	}
}

void cmd_print_command_help(const struct cmd *c, FILE *fp)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addf(&sb, "usage: genship %s [OPTIONS]%s%s\n\n%s\n\n", c->name,
		    *c->usage ? " " : "", c->usage, c->summary);
	add_options(&sb, c, term_width(fp) - 1);
	if (c->examples[0])
		strbuf_adds(&sb, "\nexamples:\n");
	for (i = 0; c->examples[i]; i++)
		strbuf_addf(&sb, "  %s\n", c->examples[i]);
	fputs(sb.buf, fp);
	strbuf_release(&sb);
}

int cmd_help(int argc, char **argv)
{
	const char *name = NULL;
	const struct cmd *c;
	int ret = cmd_parse_operand(cmd_find("help"), argc, argv, &name);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (!name) {
		cmd_print_help(stdout);
		return 0;
	}
	c = cmd_find(name);
	if (!c)
		return cmd_unknown(name);
	cmd_print_command_help(c, stdout);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	int ret = cmd_parse_operand(cmd_find("version"), argc, argv, NULL);

	if (ret)
		return ret < 0 ? 0 : ret;
	printf("genship %s\n", PACKAGE_VERSION);
	return 0;
}
