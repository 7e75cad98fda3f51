/*
 * genship options: each option of a template with its type, default,
 * choices, range, pattern, condition and help.
 */
#include <stdio.h>

#include "cmd.h"
#include "manifest.h"
#include "source.h"
#include "template.h"

/* Print v the way a user types it in --set. */
static void print_value(const struct value *v)
{
	struct strbuf sb = STRBUF_INIT;

	option_format_arg(&sb, v);
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

/* Print o's choices, range and pattern, one per line, after indent. */
static void print_checks(const struct option *o, const char *indent)
{
	size_t i;

	if (o->nchoices) {
		printf("%schoices: ", indent);
		for (i = 0; i < o->nchoices; i++)
			printf("%s%s", i ? ", " : "", o->choices[i]);
		putchar('\n');
	}
	if (o->has_min && o->has_max)
		printf("%srange: %lld..%lld\n", indent, o->min, o->max);
	else if (o->has_min || o->has_max)
		printf("%srange: %s %lld\n", indent, o->has_min ? ">=" : "<=",
		       o->has_min ? o->min : o->max);
	if (o->pattern)
		printf("%spattern: %s\n", indent, o->pattern);
}

/* Print a field of a multi option's elements. */
static void print_field(const struct option *f)
{
	printf("    %s (%s%s)\n", f->name, option_type_name(f->type),
	       f->unique ? ", unique" : "");
	if (f->required) {
		puts("      required");
	} else {
		fputs("      default: ", stdout);
		print_value(f->def);
		putchar('\n');
	}
	print_checks(f, "      ");
	if (f->help)
		printf("      %s\n", f->help);
}

static void print_option(const struct option *o)
{
	size_t i;

	printf("%s (%s%s)\n  default: ", o->name, option_type_name(o->type),
	       o->nfields ? " of objects" : "");
	print_value(o->def);
	if (o->nfields && !o->def->u.list.len)
		fputs("[]", stdout);
	putchar('\n');
	print_checks(o, "  ");
	if (o->when_src)
		printf("  when: %s\n", o->when_src);
	if (o->help)
		printf("  %s\n", o->help);
	if (o->nfields)
		puts("  fields:");
	for (i = 0; i < o->nfields; i++)
		print_field(&o->fields[i]);
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
	ret = source_open(spec, NULL, &t, &err);
	for (i = 0; !ret && i < t->manifest->noptions; i++) {
		if (i)
			putchar('\n');
		print_option(&t->manifest->options[i]);
	}
	template_free(t);
	return cmd_finish(ret, &err);
}
