/* genship templates: list the built-in templates with their versions. */
#include <stdio.h>

#include "cmd.h"
#include "template.h"

static int templates_arg(void *ud, int key, char *arg)
{
	return cmd_usage_error(cmd_find("templates"), "unexpected argument "
			       "'%s'", arg);
}

static void print_template(const char *name, void *ud)
{
	struct diag *err = ud;
	struct template *t;

	if (template_open(name, &t, err))
		return;
	printf("%-12s %-8s %s\n", name, t->manifest->version,
	       t->manifest->description ? t->manifest->description : "");
	template_free(t);
}

int cmd_templates(int argc, char **argv)
{
	static const struct cmd_opt none[] = { { NULL, 0, false, 0 } };
	struct diag err = DIAG_INIT;
	int ret = cmd_parse_args(cmd_find("templates"), argc, argv, none,
				 templates_arg, NULL);

	if (ret)
		return ret < 0 ? 0 : ret;
	template_list_builtin(print_template, &err);
	return cmd_finish(err.code, &err);
}
