/*
 * genship options: each option of a template with its type, default,
 * choices, range, pattern, condition and help, as text or as JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "manifest.h"
#include "source.h"
#include "template.h"
#include "value-json.h"

enum { OPT_FORMAT = 256 };

const struct cmd_opt cmd_options_opts[] = {
	CMD_OPT_FORMAT_TEXT_JSON(OPT_FORMAT),
	CMD_OPT_END
};

struct options_args {
	const char *spec;
	bool json;		/* --format json */
};

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

/* A string member's JSON value: the string, or null for NULL. */
static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/*
 * The JSON object for o, its keys always present and in this order, so
 * that scripts can rely on the shape: null where o has no such check.
 */
static json_t *option_json(const struct option *o)
{
	json_t *j = json_object(), *choices = json_null(), *fields;
	size_t i;

	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "type", json_string(option_type_name(o->type)));
	json_object_set_new(j, "default", o->def && !o->required ?
			    value_json_encode(o->def) : json_null());
	json_object_set_new(j, "required", json_boolean(o->required));
	json_object_set_new(j, "unique", json_boolean(o->unique));
	if (o->nchoices)
		choices = json_array();
	for (i = 0; i < o->nchoices; i++)
		json_array_append_new(choices, json_string(o->choices[i]));
	json_object_set_new(j, "choices", choices);
	json_object_set_new(j, "min", o->has_min ? json_integer(o->min) :
			    json_null());
	json_object_set_new(j, "max", o->has_max ? json_integer(o->max) :
			    json_null());
	json_object_set_new(j, "pattern", json_str_or_null(o->pattern));
	json_object_set_new(j, "when", json_str_or_null(o->when_src));
	json_object_set_new(j, "prompt", json_str_or_null(o->prompt));
	json_object_set_new(j, "help", json_str_or_null(o->help));
	fields = json_array();
	for (i = 0; i < o->nfields; i++)
		json_array_append_new(fields, option_json(&o->fields[i]));
	json_object_set_new(j, "fields", fields);
	return j;
}

/* Print m as {"template", "version", "options": [...]} on stdout. */
static void print_json(const struct manifest *m)
{
	json_t *root = json_object(), *opts = json_array();
	char *s;
	size_t i;

	json_object_set_new(root, "template", json_string(m->name));
	json_object_set_new(root, "version", json_string(m->version));
	for (i = 0; i < m->noptions; i++)
		json_array_append_new(opts, option_json(&m->options[i]));
	json_object_set_new(root, "options", opts);
	s = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	printf("%s\n", s);
	free(s);
	json_decref(root);
}

static void print_text(const struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->noptions; i++) {
		if (i)
			putchar('\n');
		print_option(&m->options[i]);
	}
}

/* One parsed argument: --format or the template. */
static int options_arg(void *ud, int key, char *arg)
{
	struct options_args *a = ud;
	const struct cmd *c = cmd_find("options");

	if (key == OPT_FORMAT)
		return cmd_parse_json_format(c, arg, &a->json);
	if (a->spec)
		return cmd_usage_error(c, "unexpected argument '%s'", arg);
	a->spec = arg;
	return 0;
}

int cmd_options(int argc, char **argv)
{
	struct diag err = DIAG_INIT;
	struct options_args a = { NULL, false };
	struct template *t = NULL;
	int ret = cmd_parse_args(cmd_find("options"), argc, argv, options_arg,
				 &a);

	if (ret)
		return ret < 0 ? 0 : ret;
	ret = source_open(a.spec, NULL, &t, &err);
	if (!ret && a.json)
		print_json(t->manifest);
	else if (!ret)
		print_text(t->manifest);
	template_free(t);
	return cmd_finish(ret, &err);
}
