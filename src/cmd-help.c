/*
 * genship help [COMMAND] and genship version; the help texts are printed
 * from the command table by cmd.c.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "strbuf.h"
#include "term.h"

const struct cmd_opt cmd_help_opts[] = { CMD_OPT_END };
const struct cmd_opt cmd_version_opts[] = { CMD_OPT_END };

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
