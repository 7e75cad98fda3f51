/*
 * genship templates: list the built-in templates with their versions, and
 * the abbreviations for git sources (built in and from the user config).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "source.h"
#include "template.h"
#include "userconfig.h"

static int templates_arg(void *ud, int key, char *arg)
{
	const char **config = ud;

	if (key)
		*config = arg;
	else
		return cmd_usage_error(cmd_find("templates"), "unexpected "
				       "argument '%s'", arg);
	return 0;
}

static void print_template(const char *name, void *ud)
{
	struct diag *err = ud;
	struct template *t;

	if (source_open(name, NULL, &t, err))
		return;
	printf("%-12s %-8s %s\n", name, t->manifest->version,
	       t->manifest->description ? t->manifest->description : "");
	template_free(t);
}

static void print_abbrev(const char *name, const char *url, void *ud)
{
	(void)ud;
	printf("%s:%*s %s\n", name, name[0] && strlen(name) < 12 ?
	       (int)(11 - strlen(name)) : 0, "", url);
}

int cmd_templates(int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
		{ "config", 0, true, 1 }, { NULL, 0, false, 0 }
	};
	struct diag err = DIAG_INIT;
	struct config *cfg = NULL;
	const char *config = NULL;
	int ret = cmd_parse_args(cmd_find("templates"), argc, argv, opts,
				 templates_arg, &config);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (!config_load(config, &cfg, &err)) {
		template_list_builtin(print_template, &err);
		struct source_opts so = { .config = cfg };

		printf("\nabbreviations (NAME:REST):\n");
		source_each_abbrev(&so, print_abbrev, NULL);
	}
	config_free(cfg);
	return cmd_finish(err.code, &err);
}
