/*
 * Unit tests for multi options of objects (`fields:`) and `each:` file
 * rules in manifest.c: loading, coercion of lists of mappings, messages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "strbuf.h"
#include "diag-text.h"
#include "tap.h"

static const char components[] =
	"name: t\n"
	"version: 1.0.0\n"
	"options:\n"
	"  - name: components\n"
	"    type: multi\n"
	"    default: [{name: api, language: go}]\n"
	"    fields:\n"
	"      - name: name\n"
	"        type: string\n"
	"        pattern: '^[a-z]+$'\n"
	"        unique: true\n"
	"      - name: language\n"
	"        type: choice\n"
	"        choices: [python, node, go]\n"
	"        default: python\n"
	"      - name: port\n"
	"        type: int\n"
	"        min: 1024\n"
	"        default: 8080\n"
	"      - name: public\n"
	"        type: bool\n"
	"        default: false\n"
	"    matrix:\n"
	"      - []\n"
	"      - [{name: api}, {name: web, public: yes}]\n"
	"files:\n"
	"  - path: \"services/**\"\n"
	"    each: \"c in components | selectattr('public')\"\n";

/* Load text; return the manifest, or NULL with the message in *msg. */
static struct manifest *load(const char *text, char **msg)
{
	struct diag err = DIAG_INIT;
	struct manifest *m = NULL;

	*msg = NULL;
	if (manifest_load("genship.yml", text, strlen(text), &m, &err))
		*msg = diag_text(&err);
	diag_release(&err);
	return m;
}

/* Replace the first `from` in components[] by `to` and load it. */
static char *load_err_edit(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	const char *at = strstr(components, from);
	struct manifest *m;
	char *msg;

	strbuf_add(&sb, components, (size_t)(at - components));
	strbuf_adds(&sb, to);
	strbuf_adds(&sb, at + strlen(from));
	m = load(sb.buf, &msg);
	manifest_free(m);
	strbuf_release(&sb);
	return msg ? msg : strdup("(loaded)");
}

static void is_edit_err(const char *from, const char *to, const char *want,
			const char *name)
{
	char *got = load_err_edit(from, to);

	is_str(got, want, name);
	free(got);
}

/* Coerce the string in for o; return the JSON form or "error: why". */
static char *coerce(const struct option *o, const char *in)
{
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;
	struct arena a = ARENA_INIT;
	struct value *v;

	if (option_coerce(o, value_str(&a, in), &a, &v, &why)) {
		strbuf_adds(&out, "error: ");
		strbuf_add(&out, why.buf, why.len);
	} else {
		option_format_arg(&out, v);
	}
	arena_release(&a);
	strbuf_release(&why);
	return strbuf_detach(&out, NULL);
}

static void is_coerce(const struct option *o, const char *in,
		      const char *want, const char *name)
{
	char *got = coerce(o, in);

	is_str(got, want, name);
	free(got);
}

static void test_load(void)
{
	char *msg;
	struct manifest *m = load(components, &msg);
	const struct option *o;

	ok(m != NULL, "a multi option with fields loads");
	if (!m) {
		printf("# %s", msg);
		free(msg);
		return;
	}
	o = manifest_option(m, "components");
	is_int(o->nfields, 4, "four fields");
	ok(o->fields[0].required && o->fields[0].unique, "name: required, "
	   "unique");
	ok(!o->fields[1].required && !o->fields[1].unique, "language has a "
	   "default");
	is_int(o->nchoices, 0, "no choices");
	is_int(o->def->u.list.len, 1, "default has one element");
	is_str(value_dict_get(o->def->u.list.items[0], "language")->u.s.ptr,
	       "go", "default element typed");
	is_int(value_dict_get(o->def->u.list.items[0], "port")->u.i, 8080,
	       "field default filled in");
	is_int(o->matrix->u.list.len, 2, "two matrix lists");
	ok(value_dict_get(o->matrix->u.list.items[1]->u.list.items[1],
			  "public")->u.b, "matrix entries are typed");
	is_str(m->files[0].each_var, "c", "each binds c");
	is_str(m->files[0].each_src, "components | selectattr('public')",
	       "each expression kept for messages");
	ok(m->files[0].each != NULL, "each expression compiled");
	manifest_free(m);
}

static void test_coerce(void)
{
	char *msg;
	struct manifest *m = load(components, &msg);
	const struct option *o = manifest_option(m, "components");

	is_coerce(o, "[{name: api, port: '9000'}, {\"name\": \"web\", "
		  "\"public\": true}]",
		  "[{\"name\": \"api\", \"language\": \"python\", \"port\": "
		  "9000, \"public\": false}, {\"name\": \"web\", \"language\": "
		  "\"python\", \"port\": 8080, \"public\": true}]",
		  "YAML flow and JSON, fields in order, defaults filled");
	is_coerce(o, "", "", "an empty string is an empty list");
	is_coerce(o, "[]", "", "[] is an empty list");
	is_coerce(o, "[{name: a\"b}]", "error: element 1, field 'name': "
		  "does not match pattern '^[a-z]+$'", "field pattern");
	is_coerce(o, "[{name: api}, {name: api}]", "error: elements 1 and 2 "
		  "have the same name 'api'; each element needs its own name",
		  "unique field");
	is_coerce(o, "[{name: api, lang: go}]", "error: element 1 has "
		  "unknown field 'lang'; expected name, language, port, "
		  "public", "unknown field");
	is_coerce(o, "[{port: 9000}]", "error: element 1 lacks field "
		  "'name'", "required field");
	is_coerce(o, "[{name: api, port: 80}]", "error: element 1, field "
		  "'port': must be at least 1024", "int range");
	is_coerce(o, "[{name: api, language: cobol}]", "error: element 1, "
		  "field 'language': expected one of python, node, go",
		  "choice field");
	is_coerce(o, "[{name: api, public: maybe}]", "error: element 1, "
		  "field 'public': expected true or false", "bool field");
	is_coerce(o, "[api]", "error: element 1 must be a mapping with "
		  "fields name, language, port, public", "scalar element");
	is_coerce(o, "{name: api}", "error: expected a list of mappings "
		  "with fields name, language, port, public", "a mapping");
	is_coerce(o, "[{name: api", "error: expected a list of mappings in "
		  "YAML flow or JSON syntax, but at character 12: did not "
		  "find expected ',' or '}'", "syntax error");
	is_coerce(o, "[{name: a, name: b}]", "error: expected a list of "
		  "mappings of scalars, with no key twice and at most 10000 "
		  "values", "duplicate key");
	is_coerce(o, "[{name: [[[x]]]}]", "error: expected a list of "
		  "mappings of scalars, with no key twice and at most 10000 "
		  "values", "nested too deeply");
	is_coerce(o, "[&a {name: x}, *a, *a]", "error: elements 1 and 2 "
		  "have the same name 'x'; each element needs its own name",
		  "aliases are copies");
	manifest_free(m);
}

static void test_limits(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *msg, *got;
	struct manifest *m = load(components, &msg);
	const struct option *o = manifest_option(m, "components");
	int i;

	strbuf_addch(&sb, '[');
	for (i = 0; i < 101; i++)
		strbuf_addf(&sb, "%s{name: a}", i ? ", " : "");
	strbuf_addch(&sb, ']');
	got = coerce(o, sb.buf);
	is_str(got, "error: 101 elements is more than the limit of 100",
	       "at most 100 elements");
	free(got);
	strbuf_reset(&sb);
	strbuf_adds(&sb, "[&a [x, x, x, x, x, x, x, x, x, x], "
		    "&b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], "
		    "&c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], "
		    "[*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]]");
	got = coerce(o, sb.buf);
	is_str(got, "error: expected a list of mappings of scalars, with no "
	       "key twice and at most 10000 values", "alias expansion bound");
	free(got);
	strbuf_release(&sb);
	manifest_free(m);
}

static void test_errors(void)
{
	is_edit_err("        unique: true\n", "        unique: maybe\n",
		    "genship.yml:11:17: error: invalid value 'maybe' for "
		    "'unique' in field 'name' of option 'components': "
		    "expected one of true, false, yes, no, on, off\n"
		    "   11 |         unique: maybe\n"
		    "      |                 ^\n",
		    "unique is a bool");
	is_edit_err("      - name: port\n        type: int\n",
		    "      - name: port\n        type: multi\n",
		    "genship.yml:17:15: error: field 'port' of option "
		    "'components' cannot be multi\n"
		    "   17 |         type: multi\n"
		    "      |               ^\n",
		    "no multi fields");
	is_edit_err("      - name: public\n", "      - name: port\n",
		    "genship.yml:20:15: error: duplicate field 'port' in "
		    "option 'components'\n"
		    "   20 |       - name: port\n"
		    "      |               ^\n",
		    "duplicate field");
	is_edit_err("    type: multi\n", "    type: string\n",
		    "genship.yml:7:5: error: 'fields' needs a multi option "
		    "and at least one field, and 'components' is string with "
		    "4\n"
		    "    7 |     fields:\n"
		    "      |     ^\n",
		    "fields on a string option");
	is_edit_err("    default: [{name: api, language: go}]\n",
		    "    default: [{name: api, language: go}]\n"
		    "    choices: [a]\n",
		    "genship.yml:7:5: error: option 'components' has both "
		    "'choices' and 'fields'\n"
		    "    7 |     choices: [a]\n"
		    "      |     ^\n",
		    "choices and fields");
	is_edit_err("[{name: api, language: go}]", "[{name: api, port: 1}]",
		    "genship.yml:6:14: error: invalid default '[{\"name\": "
		    "\"api\", \"port\": \"1\"}]' for option 'components': "
		    "element 1, field 'port': must be at least 1024\n"
		    "    6 |     default: [{name: api, port: 1}]\n"
		    "      |              ^\n",
		    "a bad default element");
	is_edit_err("c in components", "components",
		    "genship.yml:28:12: error: 'each' in file rule "
		    "'services/**' must read 'NAME in EXPRESSION', not "
		    "'components | selectattr('public')'\n"
		    "   28 |     each: \"components | selectattr('public')\"\n"
		    "      |            ^\n"
		    "hint: for example: each: \"c in components\"\n",
		    "each without in");
	is_edit_err("c in components |", "c in components ||",
		    "genship.yml:28:29: error: expected a name, got '|'\n"
		    "   28 | components || selectattr('public')\n"
		    "      |             ^\n",
		    "each expression errors point into the expression");
}

int main(void)
{
	test_load();
	test_coerce();
	test_limits();
	test_errors();
	return tap_done();
}
