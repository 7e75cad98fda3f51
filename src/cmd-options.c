/*
 * genship options: each option of a template with its type, default,
 * choices, range, pattern, condition and help.
 */
#include <stdio.h>

#include "cmd.h"
#include "manifest.h"
#include "template.h"

/* Print v the way a user types it in --set. */
static void print_value(const struct value *v)
{
	struct strbuf sb = STRBUF_INIT;

	option_format_arg(&sb, v);
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

static void print_option(const struct option *o)
{
	size_t i;

	printf("%s (%s)\n  default: ", o->name, option_type_name(o->type));
	print_value(o->def);
	putchar('\n');
	for (i = 0; i < o->nchoices; i++)
		printf("%s%s", i ? ", " : "  choices: ", o->choices[i]);
	if (o->nchoices)
		putchar('\n');
	if (o->has_min && o->has_max)
		printf("  range: %lld..%lld\n", o->min, o->max);
	else if (o->has_min || o->has_max)
		printf("  range: %s %lld\n", o->has_min ? ">=" : "<=",
		       o->has_min ? o->min : o->max);
	if (o->pattern)
		printf("  pattern: %s\n", o->pattern);
	if (o->when_src)
		printf("  when: %s\n", o->when_src);
	if (o->help)
		printf("  %s\n", o->help);
}

int cmd_options(int argc, char **argv)
{
	struct diag err = DIAG_INIT;
	const char *spec = NULL;
	struct template *t = NULL;
	size_t i;
	int ret = cmd_parse_one_arg(cmd_find("options"), argc, argv, &spec);

	if (ret)
		return ret < 0 ? 0 : ret;
	ret = template_open(spec, &t, &err);
	for (i = 0; !ret && i < t->manifest->noptions; i++) {
		if (i)
			putchar('\n');
		print_option(&t->manifest->options[i]);
	}
	template_free(t);
	return cmd_finish(ret, &err);
}
