/* Unit tests for manifest.c: loading genship.yml and its diagnostics. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "strbuf.h"
#include "diag-text.h"
#include "tap.h"

/* The manifest of DESIGN.md, with the options its computed value uses. */
static const char example[] =
	"name: service\n"
	"version: 1.2.0\n"
	"min_genship: 0.1.0\n"
	"description: A containerised service\n"
	"options:\n"
	"  - name: project_name\n"
	"    type: string\n"
	"    default: my-service\n"
	"    pattern: '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'\n"
	"    help: DNS-safe name used for the image, k8s objects and "
	"directories\n"
	"    matrix: [my-service, svc-a]\n"
	"  - name: language\n"
	"    type: choice\n"
	"    choices: [python, node, go]\n"
	"    default: python\n"
	"  - name: extras\n"
	"    type: multi\n"
	"    choices: [metrics, tracing, profiling]\n"
	"    default: [tracing, metrics, tracing]\n"
	"  - name: port\n"
	"    type: int\n"
	"    default: 8080\n"
	"    min: 1024\n"
	"    max: 65535\n"
	"  - name: database\n"
	"    type: choice\n"
	"    choices: [none, postgres]\n"
	"  - name: kubernetes\n"
	"    type: bool\n"
	"    default: yes\n"
	"  - name: backup\n"
	"    type: bool\n"
	"    when: \"database == 'postgres' and kubernetes\"\n"
	"  - name: registry\n"
	"    type: string\n"
	"    default: ghcr.io\n"
	"    prompt: Container registry\n"
	"  - name: owner\n"
	"    type: string\n"
	"computed:\n"
	"  - name: image\n"
	"    value: \"{{ registry }}/{{ owner }}/{{ project_name }}\"\n"
	"constraints:\n"
	"  - require: \"not backup or database == 'postgres'\"\n"
	"    message: backup needs database=postgres\n"
	"files:\n"
	"  - path: \"k8s/**\"\n"
	"    when: kubernetes\n"
	"  - path: \".github/**\"\n"
	"    delimiters: [\"[[\", \"]]\"]\n"
	"  - path: \"**/*.png\"\n"
	"    render: false\n"
	"hooks:\n"
	"  pre: []\n"
	"  post: [post-gen.sh]\n";

/* The number of lines of text, each ended by a newline. */
static long long count_lines(const char *text)
{
	long long n = 0;

	for (; (text = strchr(text, '\n')); text++)
		n++;
	return n;
}

/* Load text as genship.yml, expecting success. */
static struct manifest *load_ok(const char *text)
{
	struct diag err = DIAG_INIT;
	struct manifest *m = NULL;

	if (manifest_load("genship.yml", text, strlen(text), &m, &err)) {
		char *t = diag_text(&err);

		printf("# unexpected error: %s", t);
		free(t);
	}
	diag_release(&err);
	return m;
}

/* Load text expecting failure; return the printed diagnostic. */
static char *load_err(const char *text)
{
	struct diag err = DIAG_INIT;
	struct manifest *m = NULL;
	char *t;

	if (!manifest_load("genship.yml", text, strlen(text), &m, &err)) {
		manifest_free(m);
		return strdup("(loaded)");
	}
	t = diag_text(&err);
	diag_release(&err);
	return t;
}

/* Check the diagnostic for text; one test point. */
static void is_err(const char *text, const char *want, const char *name)
{
	char *got = load_err(text);

	is_str(got, want, name);
	free(got);
}

static const char head[] = "name: t\nversion: 1.0.0\n";

/* head + body, in a static buffer for the tests below. */
static const char *with_head(const char *body)
{
	static struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb);
	strbuf_adds(&sb, head);
	strbuf_adds(&sb, body);
	return sb.buf;
}

/*
 * One manifest that uses every key of every mapping of the schema: the
 * structural check and libcyaml, both generated from manifest-schema.h,
 * must agree on all of them (a disagreement is an internal error).
 */
static const char every_key[] =
	"name: t\n"
	"version: 1.0.0\n"
	"min_genship: 0.1.0\n"
	"description: all keys\n"
	"options:\n"
	"  - name: a\n"
	"    type: string\n"
	"    default: x\n"
	"    pattern: '^x$'\n"
	"    help: h\n"
	"    prompt: p\n"
	"    when: 'true'\n"
	"    matrix: [x]\n"
	"  - name: n\n"
	"    type: int\n"
	"    min: 0x10\n"
	"    max: 010000\n"
	"    choices:\n"
	"  - name: comps\n"
	"    type: multi\n"
	"    fields:\n"
	"      - name: id\n"
	"        type: choice\n"
	"        choices: [p, q]\n"
	"        unique: YES\n"
	"        help: which\n"
	"      - name: size\n"
	"        type: int\n"
	"        default: 2\n"
	"        min: 1\n"
	"        max: 9\n"
	"      - name: tag\n"
	"        type: string\n"
	"        pattern: '^[a-z]*$'\n"
	"        default: ''\n"
	"computed:\n"
	"  - name: c\n"
	"    value: '{{ a }}'\n"
	"constraints:\n"
	"  - require: n >= 16\n"
	"    message: too small\n"
	"files:\n"
	"  - path: 'x/**'\n"
	"    when: a == 'x'\n"
	"    each: 'c in comps'\n"
	"    render: Off\n"
	"    delimiters: ['<<', '>>']\n"
	"  - path: 'y/{{ c.id }}'\n"
	"    from: tpl/one.txt\n"
	"    each: 'c in comps'\n"
	"    with: {name: c.id, n: '1'}\n"
	"hooks:\n"
	"  pre: []\n"
	"  post: [p.sh]\n";

static void test_every_key(void)
{
	struct manifest *m = load_ok(every_key);

	ok(m != NULL, "a manifest with every key of the schema loads");
	if (!m)
		return;
	is_int(m->options[1].min, 16, "min: 0x10 is hexadecimal, as in YAML");
	is_int(m->options[1].max, 4096, "max: 010000 is octal, as in YAML");
	ok(m->options[2].fields[0].unique, "unique: YES is true, any case");
	ok(!m->files[0].render, "render: Off is false, any case");
	manifest_free(m);
}

/* An empty optional key means not given, as libcyaml reads it. */
static void test_empty_keys(void)
{
	struct manifest *m = load_ok(with_head(
		"min_genship:\n"
		"description: ''\n"
		"options:\n"
		"  - name: a\n"
		"    type: string\n"
		"    pattern:\n"
		"    help:\n"
		"    prompt:\n"
		"    when:\n"
		"    choices:\n"
		"computed:\n"
		"constraints:\n"
		"files:\n"
		"  - path: x\n"
		"    when:\n"
		"    each:\n"
		"    delimiters:\n"
		"    from:\n"
		"    with:\n"
		"hooks:\n"));

	ok(m && !m->description && !m->options[0].pattern &&
	   !m->options[0].when && !m->files[0].when && !m->files[0].from &&
	   !m->files[0].nwith && !m->npre_hooks,
	   "empty optional keys load as not given");
	manifest_free(m);
	m = load_ok(with_head("hooks:\n  pre:\n  post:\n"));
	ok(m && !m->npre_hooks && !m->npost_hooks, "empty hook lists");
	manifest_free(m);
	is_err(with_head("options: ~\n"),
	       "genship.yml:3:10: error: 'options' must be a sequence, not "
	       "a scalar\n"
	       "    3 | options: ~\n"
	       "      |          ^\n"
	       "hint: write one '- item' line per entry, or [a, b]\n",
	       "~ is not an empty sequence");
	is_err(with_head("options:\n  - name: a\n    type: int\n    min:\n"),
	       "genship.yml:6:9: error: invalid value '' for 'min' in option "
	       "'a': expected an integer\n"
	       "    6 |     min:\n"
	       "      |         ^\n",
	       "an empty min is no integer");
}

/* What the check refuses that libcyaml let through, or misreported. */
static void test_schema_strict(void)
{
	is_err(with_head("? [a]\n: 1\n"),
	       "genship.yml:3:3: error: keys in manifest must be scalars, not "
	       "a sequence\n"
	       "    3 | ? [a]\n"
	       "      |   ^\n",
	       "a sequence as a key: at the key, not 'invalid manifest'");
	is_err(with_head("options:\n  - name: a\n    type: int\n    min: 5x\n"),
	       "genship.yml:6:10: error: invalid value '5x' for 'min' in "
	       "option 'a': expected an integer\n"
	       "    6 |     min: 5x\n"
	       "      |          ^\n",
	       "min: 5x is not 5");
	is_err(with_head("options:\n"
			 "  - name: a\n"
			 "    type: int\n"
			 "    default: 1\n"
			 "    default: 2\n"),
	       "genship.yml:7:5: error: duplicate key 'default' in option "
	       "'a'\n"
	       "    7 |     default: 2\n"
	       "      |     ^\n"
	       "hint: 'default' is set at line 6 already; keep one of the "
	       "two\n",
	       "a second default is an error, not ignored");
	is_err(with_head("options:\n"
			 "  - name: a\n"
			 "    type: multi\n"
			 "    fields:\n"
			 "      - name: h\n"
			 "        type: strng\n"),
	       "genship.yml:8:15: error: invalid value 'strng' for 'type' in "
	       "field 'h' of option 'a': expected one of string, bool, int, "
	       "choice, multi\n"
	       "    8 |         type: strng\n"
	       "      |               ^\n"
	       "hint: did you mean 'string'?\n",
	       "a field's key names the field and its option");
	is_err(with_head("options:\n  - name: a\n"),
	       "genship.yml:4:5: error: missing required key 'type' in option "
	       "'a'\n"
	       "    4 |   - name: a\n"
	       "      |     ^\n"
	       "hint: add a 'type' key here: one of string, bool, int, choice, "
	       "multi\n",
	       "a missing type lists the types");
	is_err(with_head("files:\n  - path: a\n    render: \"\"\n"),
	       "genship.yml:5:13: error: invalid value '' for 'render' in "
	       "file rule 'a': expected one of true, false, yes, no, on, "
	       "off\n"
	       "    5 |     render: \"\"\n"
	       "      |             ^\n",
	       "no did-you-mean for an empty word");
	is_err(with_head("description: {a: b}\n"),
	       "genship.yml:3:14: error: 'description' must be a string, not "
	       "a mapping\n"
	       "    3 | description: {a: b}\n"
	       "      |              ^\n"
	       "hint: quote the value: YAML reads {...} as a mapping\n",
	       "a flow mapping where text belongs");
}

/* `with:` maps names to strings; its keys and values are checked. */
static void test_with_keys(void)
{
	is_err(with_head("files:\n  - path: a\n    with: [x]\n"),
	       "genship.yml:5:11: error: 'with' in file rule 'a' must be a "
	       "mapping of names to strings, not a sequence\n"
	       "    5 |     with: [x]\n"
	       "      |           ^\n"
	       "hint: write 'key: value' lines, or {key: value}\n",
	       "with must be a mapping");
	is_err(with_head("files:\n  - path: a\n    with: {x: [1]}\n"),
	       "genship.yml:5:15: error: 'x' in 'with' in file rule 'a' must "
	       "be a string, not a sequence\n"
	       "    5 |     with: {x: [1]}\n"
	       "      |               ^\n"
	       "hint: quote the value: YAML reads [...] as a sequence\n",
	       "with values are strings");
	is_err(with_head("files:\n  - path: a\n    with: {x: a, x: b}\n"),
	       "genship.yml:5:18: error: duplicate key 'x' in 'with' in file "
	       "rule 'a'\n"
	       "    5 |     with: {x: a, x: b}\n"
	       "      |                  ^\n"
	       "hint: 'x' is set at line 5 already; keep one of the two\n",
	       "a with key twice");
	is_err(with_head("files:\n  - path: a\n    with: {[x]: a}\n"),
	       "genship.yml:5:12: error: keys in 'with' in file rule 'a' must "
	       "be scalars, not a sequence\n"
	       "    5 |     with: {[x]: a}\n"
	       "      |            ^\n",
	       "with keys are scalars");
}

/* A hook missing from hooks/ is reported where m names it. */
static void test_hook_missing(const struct manifest *m)
{
	struct strbuf want = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	char *got;

	is_int(m->post_hook_pos[0].line, count_lines(m->text),
	       "post hook line: the last line");
	is_int(m->post_hook_pos[0].col, 10, "post hook column: its name's");
	is_int(manifest_hook_missing(m, "post-gen.sh", &err), ERR_INPUT,
	       "a missing hook is an input error");
	got = diag_text(&err);
	strbuf_addf(&want, "genship.yml:%u:10: error: hook 'post-gen.sh' is "
		    "not in the template's hooks/ directory\n"
		    "%5u |   post: [post-gen.sh]\n"
		    "      |          ^\n"
		    "hint: add hooks/post-gen.sh to the template, or remove "
		    "it from 'hooks'\n", m->post_hook_pos[0].line,
		    m->post_hook_pos[0].line);
	is_str(got, want.buf, "a missing hook: at its name");
	free(got);
	strbuf_release(&want);
	diag_release(&err);
}

static void test_example(void)
{
	struct manifest *m = load_ok(example);
	const struct option *o;
	struct strbuf sb = STRBUF_INIT;

	ok(m != NULL, "the DESIGN.md example loads");
	if (!m)
		return;
	is_str(m->name, "service", "name");
	is_str(m->version, "1.2.0", "version");
	is_str(m->min_genship, "0.1.0", "min_genship");
	is_str(m->description, "A containerised service", "description");
	is_int(m->noptions, 9, "nine options");
	o = manifest_option(m, "project_name");
	ok(o && o->type == OPTION_STRING, "project_name is a string");
	is_str(o->def->u.s.ptr, "my-service", "string default");
	ok(o->pattern_re != NULL, "pattern compiled");
	is_int(o->pos.line, 6, "option position: line");
	is_int(o->pos.col, 5, "option position: column");
	ok(o->matrix && o->matrix->u.list.len == 2, "matrix has two values");
	o = manifest_option(m, "language");
	is_int(o->nchoices, 3, "three choices");
	is_str(o->def->u.s.ptr, "python", "choice default");
	o = manifest_option(m, "extras");
	option_format_value(&sb, o->def);
	is_str(sb.buf, "metrics, tracing",
	       "multi default: deduplicated, in choices order");
	o = manifest_option(m, "port");
	ok(o->def->kind == VALUE_INT && o->def->u.i == 8080, "int default");
	ok(o->has_min && o->min == 1024 && o->has_max && o->max == 65535,
	   "int range");
	o = manifest_option(m, "database");
	is_str(o->def->u.s.ptr, "none", "missing choice default: first");
	o = manifest_option(m, "kubernetes");
	ok(o->def->kind == VALUE_BOOL && o->def->u.b, "bool default yes");
	o = manifest_option(m, "backup");
	ok(o->def->kind == VALUE_BOOL && !o->def->u.b,
	   "missing bool default: false");
	ok(o->when != NULL, "when compiled");
	is_str(o->when_src, "database == 'postgres' and kubernetes",
	       "when source kept");
	o = manifest_option(m, "registry");
	is_str(o->prompt, "Container registry", "prompt");
	o = manifest_option(m, "owner");
	ok(o->def->kind == VALUE_STRING && !o->def->u.s.len,
	   "missing string default: empty");
	ok(!manifest_option(m, "nope"), "unknown option lookup is NULL");
	is_int(m->ncomputed, 1, "one computed value");
	is_str(m->computed[0].name, "image", "computed name");
	is_int(m->computed[0].pos.line, 42, "computed position: line");
	is_int(m->computed[0].pos.col, 13, "computed position: past quote");
	is_int(m->nconstraints, 1, "one constraint");
	is_str(m->constraints[0].message, "backup needs database=postgres",
	       "constraint message");
	is_int(m->constraints[0].pos.line, 44, "constraint position: line");
	is_int(m->constraints[0].pos.col, 15, "constraint position: col");
	is_int(m->nfiles, 3, "three file rules");
	ok(m->files[0].when && m->files[0].render, "k8s rule");
	ok(m->files[1].has_syntax, "delimiters set");
	is_str(m->files[1].syntax.var_open, "[[", "var_open");
	is_str(m->files[1].syntax.var_close, "]]", "var_close");
	ok(!m->files[1].syntax.block_open, "block delimiters stay default");
	ok(!m->files[2].render, "render: false");
	is_int(m->npre_hooks, 0, "no pre hooks");
	is_int(m->npost_hooks, 1, "one post hook");
	is_str(m->post_hooks[0], "post-gen.sh", "post hook name");
	test_hook_missing(m);
	is_str(manifest_file_rule(m, "k8s/base/deploy.yaml")->glob, "k8s/**",
	       "first matching rule");
	is_str(manifest_file_rule(m, "k8s/logo.png")->glob, "k8s/**",
	       "first match wins over a later rule");
	is_str(manifest_file_rule(m, "docs/logo.png")->glob, "**/*.png",
	       "** spans directories");
	ok(!manifest_file_rule(m, "README.md"), "no rule matches");
	strbuf_release(&sb);
	manifest_free(m);
}

static void test_glob(void)
{
	static const struct {
		const char *glob, *path;
		bool match;
	} cases[] = {
		{ "k8s/**", "k8s/a.yaml", true },
		{ "k8s/**", "k8s/overlays/prod/kustomization.yaml", true },
		{ "k8s/**", "k8s", true },
		{ "k8s/**", "k8sx/a.yaml", false },
		{ "k8s/", "k8s/a/b", true },
		{ "*.md", "README.md", true },
		{ "*.md", "docs/README.md", false },
		{ "**/*.md", "docs/README.md", true },
		{ "**/*.md", "README.md", true },
		{ "a/**/b", "a/b", true },
		{ "a/**/b", "a/x/y/b", true },
		{ "a/**/b", "a/x/y/c", false },
		{ "?.txt", "a.txt", true },
		{ "?.txt", "ab.txt", false },
		{ "a?c", "a/c", false },
		{ "a*", "a/b", false },
		{ "src/*.c", "src/main.c", true },
		{ "src/*.c", "src/sub/main.c", false },
		{ ".github/**", ".github/workflows/ci.yml", true },
		{ "**", "anything/at/all", true },
		{ "*", "", true },
		/* Backtracking used to take exponential time on these. */
		{ "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
		{ "**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b",
		  "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *name = NULL;

		if (asprintf(&name, "glob '%s' %s '%s'", cases[i].glob,
			     cases[i].match ? "matches" : "does not match",
			     cases[i].path) < 0)
			return;
		ok(manifest_glob_match(cases[i].glob, cases[i].path) ==
		   cases[i].match, name);
		free(name);
	}
}

static void test_schema_errors(void)
{
	is_err(with_head("options:\n"
			 "  - name: port\n"
			 "    type: int\n"
			 "    defualt: 8080\n"),
	       "genship.yml:6:5: error: unknown key 'defualt' in option "
	       "'port'\n"
	       "    6 |     defualt: 8080\n"
	       "      |     ^\n"
	       "hint: did you mean 'default'?\n",
	       "unknown option key: position and hint");
	is_err(with_head("descripton: x\n"),
	       "genship.yml:3:1: error: unknown key 'descripton' in "
	       "manifest\n"
	       "    3 | descripton: x\n"
	       "      | ^\n"
	       "hint: did you mean 'description'?\n",
	       "unknown top-level key");
	is_err(with_head("files:\n  - path: a\n    xyzzy: 1\n"),
	       "genship.yml:5:5: error: unknown key 'xyzzy' in file rule "
	       "'a'\n"
	       "    5 |     xyzzy: 1\n"
	       "      |     ^\n"
	       "hint: valid keys are path, when, each, render, delimiters, "
	       "from, with\n",
	       "unknown key with no close match lists the valid keys");
	is_err(with_head("hooks:\n  prex: [a]\n"),
	       "genship.yml:4:3: error: unknown key 'prex' in 'hooks'\n"
	       "    4 |   prex: [a]\n"
	       "      |   ^\n"
	       "hint: did you mean 'pre'?\n",
	       "unknown key in hooks");
	is_err(with_head("options:\n"
			 "  - name: port\n"
			 "    type: int\n"
			 "    min: abc\n"),
	       "genship.yml:6:10: error: invalid value 'abc' for 'min' in "
	       "option 'port': expected an integer\n"
	       "    6 |     min: abc\n"
	       "      |          ^\n",
	       "min: abc says an integer was expected");
	is_err(with_head("options:\n"
			 "  - name: port\n"
			 "    type: strng\n"),
	       "genship.yml:5:11: error: invalid value 'strng' for 'type' "
	       "in option 'port': expected one of string, bool, int, "
	       "choice, multi\n"
	       "    5 |     type: strng\n"
	       "      |           ^\n"
	       "hint: did you mean 'string'?\n",
	       "unknown type with hint");
	is_err(with_head("options:\n"
			 "  - name: a\n"
			 "    type: bool\n"
			 "    help: [x]\n"),
	       "genship.yml:6:11: error: 'help' in option 'a' must be a "
	       "string, not a sequence\n"
	       "    6 |     help: [x]\n"
	       "      |           ^\n"
	       "hint: quote the value: YAML reads [...] as a sequence\n",
	       "a sequence where a string belongs");
	is_err(with_head("options: {a: 1}\n"),
	       "genship.yml:3:10: error: 'options' must be a sequence, not "
	       "a mapping\n"
	       "    3 | options: {a: 1}\n"
	       "      |          ^\n"
	       "hint: write one '- item' line per entry, or [a, b]\n",
	       "options must be a sequence");
	is_err(with_head("options:\n  - foo\n"),
	       "genship.yml:4:5: error: option #1 must be a mapping, not a "
	       "scalar\n"
	       "    4 |   - foo\n"
	       "      |     ^\n"
	       "hint: write 'key: value' lines, or {key: value}\n",
	       "an option must be a mapping");
	is_err(with_head("options:\n"
			 "  - name: a\n"
			 "    type: bool\n"
			 "  - type: int\n"
			 "    min: 1\n"),
	       "genship.yml:6:5: error: missing required key 'name' in "
	       "option #2\n"
	       "    6 |   - type: int\n"
	       "      |     ^\n"
	       "hint: add a 'name' key here\n",
	       "missing required key in an option");
	is_err("name: t\n",
	       "genship.yml:1:1: error: missing required key 'version' in "
	       "manifest\n"
	       "    1 | name: t\n"
	       "      | ^\n"
	       "hint: add a 'version' key here\n",
	       "missing version");
	is_err(with_head("name: u\n"),
	       "genship.yml:3:1: error: duplicate key 'name' in manifest\n"
	       "    3 | name: u\n"
	       "      | ^\n"
	       "hint: 'name' is set at line 1 already; keep one of the two\n",
	       "duplicate key");
	is_err(with_head("files:\n  - path: a\n    render: maybe\n"),
	       "genship.yml:5:13: error: invalid value 'maybe' for 'render' "
	       "in file rule 'a': expected one of true, false, yes, no, on, "
	       "off\n"
	       "    5 |     render: maybe\n"
	       "      |             ^\n",
	       "render must be a boolean");
	is_err("- a\n",
	       "genship.yml:1:1: error: manifest must be a mapping, not a "
	       "sequence\n"
	       "    1 | - a\n"
	       "      | ^\n",
	       "the manifest must be a mapping");
	is_err(with_head("---\nname: u\n"),
	       "genship.yml:3:1: error: expected one YAML document, found a "
	       "second one\n"
	       "    3 | ---\n"
	       "      | ^\n",
	       "a second YAML document");
	is_err("", "genship.yml: error: empty manifest: 'name' and 'version' "
	       "are required\n", "empty manifest");
	is_err(with_head("options: [\n"),
	       "genship.yml:4:1: error: invalid YAML: did not find expected "
	       "node content\n"
	       "    4 | \n"
	       "      | ^\n"
	       "hint: while parsing a flow node at line 4\n",
	       "YAML syntax error at libyaml's mark");
	is_err(with_head("options:\n"
			 "  - name: a\n"
			 "    type: string\n"
			 "\tdefault: x\n"),
	       "genship.yml:6:1: error: invalid YAML: found a tab character "
	       "that violates indentation\n"
	       "    6 | \tdefault: x\n"
	       "      | ^\n"
	       "hint: while scanning a plain scalar at line 5\n",
	       "a tab in indentation");
}

static void test_semantic_errors(void)
{
	struct manifest *m;

	is_err(with_head("options:\n"
			 "  - name: port\n"
			 "    type: int\n"
			 "  - name: port\n"
			 "    type: int\n"),
	       "genship.yml:6:11: error: duplicate option 'port'\n"
	       "    6 |   - name: port\n"
	       "      |           ^\n"
	       "hint: 'port' is first defined at line 4\n",
	       "duplicate option names");
	is_err(with_head("options:\n  - name: Project-Name\n"
			 "    type: string\n"),
	       "genship.yml:4:11: error: invalid option name "
	       "'Project-Name'\n"
	       "    4 |   - name: Project-Name\n"
	       "      |           ^\n"
	       "hint: names are lowercase letters, digits and '_', and do "
	       "not start with a digit\n",
	       "option name must be an identifier");
	is_err(with_head("options:\n  - name: lang\n    type: choice\n"),
	       "genship.yml:5:11: error: option 'lang' of type choice needs "
	       "'choices'\n"
	       "    5 |     type: choice\n"
	       "      |           ^\n",
	       "choice without choices");
	is_err(with_head("options:\n  - name: a\n    type: string\n"
			 "    choices: [x]\n"),
	       "genship.yml:6:5: error: 'choices' only applies to choice "
	       "and multi options, and 'a' is string\n"
	       "    6 |     choices: [x]\n"
	       "      |     ^\n",
	       "choices on a string option");
	is_err(with_head("options:\n  - name: a\n    type: choice\n"
			 "    choices: [x, y, x]\n"),
	       "genship.yml:6:21: error: duplicate choice 'x' in option "
	       "'a'\n"
	       "    6 |     choices: [x, y, x]\n"
	       "      |                     ^\n",
	       "duplicate choice");
	is_err(with_head("options:\n  - name: n\n    type: int\n"
			 "    min: 10\n    max: 5\n"),
	       "genship.yml:7:10: error: max 5 is less than min 10 in "
	       "option 'n'\n"
	       "    7 |     max: 5\n"
	       "      |          ^\n",
	       "min > max");
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    min: 1\n"),
	       "genship.yml:6:5: error: 'min' only applies to int options, "
	       "and 'n' is string\n"
	       "    6 |     min: 1\n"
	       "      |     ^\n",
	       "min on a string option");
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    pattern: '^[a-z'\n"),
	       "genship.yml:6:15: error: invalid pattern '^[a-z' in option "
	       "'n': Unmatched [, [^, [:, [., or [=\n"
	       "    6 |     pattern: '^[a-z'\n"
	       "      |               ^\n",
	       "pattern that does not compile");
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    pattern: '^[\\D]+$'\n"),
	       "genship.yml:6:15: error: invalid pattern '^[\\D]+$' in "
	       "option 'n': '\\D' cannot be used inside [...]\n"
	       "    6 |     pattern: '^[\\D]+$'\n"
	       "      |               ^\n"
	       "hint: POSIX brackets take no escapes: put ']' first and '-' "
	       "last, or write [^0-9] for \\D\n",
	       "a negated class escape inside brackets");
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    pattern: '((a{1,100}){1,100}){1,100}'\n"),
	       "genship.yml:6:15: error: invalid pattern "
	       "'((a{1,100}){1,100}){1,100}' in option 'n': its repetitions "
	       "expand to more than 1000 elements\n"
	       "    6 |     pattern: '((a{1,100}){1,100}){1,100}'\n"
	       "      |               ^\n"
	       "hint: patterns may nest 32 groups, hold 1000 elements once "
	       "each {m,n} is copied out n times, and repeat only what matches "
	       "one character or more\n",
	       "a pattern that regcomp() would expand a million times");
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    pattern: '^()++++++$'\n"),
	       "genship.yml:6:15: error: invalid pattern '^()++++++$' in "
	       "option 'n': it repeats something that can match the empty "
	       "string\n"
	       "    6 |     pattern: '^()++++++$'\n"
	       "      |               ^\n"
	       "hint: patterns may nest 32 groups, hold 1000 elements once "
	       "each {m,n} is copied out n times, and repeat only what matches "
	       "one character or more\n",
	       "a pattern that regcomp() takes minutes to compile");
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    pattern: '^(a|aa)+(b|\\1)+$'\n"),
	       "genship.yml:6:15: error: invalid pattern '^(a|aa)+(b|\\1)+$' "
	       "in option 'n': back-references such as '\\1' are not "
	       "supported\n"
	       "    6 |     pattern: '^(a|aa)+(b|\\1)+$'\n"
	       "      |               ^\n"
	       "hint: patterns may nest 32 groups, hold 1000 elements once "
	       "each {m,n} is copied out n times, and repeat only what matches "
	       "one character or more\n",
	       "a back-reference, on which regexec() backtracks");
	m = load_ok(with_head("options:\n  - name: n\n    type: string\n"
			      "    pattern: '^(a{1,10}[b-z]{0,10}){1,50}$'\n"
			      "    default: ab\n"));
	ok(m != NULL, "a pattern of exactly 1000 elements loads");
	manifest_free(m);
	is_err(with_head("options:\n  - name: n\n    type: string\n"
			 "    pattern: '((((((((((((((((((((((((((((((((("
			 "a)))))))))))))))))))))))))))))))))'\n"),
	       "genship.yml:6:15: error: invalid pattern '((((((((((((((((("
	       "((((((((((((((((a)))))))))))))))))))))))))))))))))' in "
	       "option 'n': groups nest deeper than 32\n"
	       "    6 |     pattern: '((((((((((((((((((((((((((((((((("
	       "a)))))))))))))))))))))))))))))))))'\n"
	       "      |               ^\n"
	       "hint: patterns may nest 32 groups, hold 1000 elements once "
	       "each {m,n} is copied out n times, and repeat only what matches "
	       "one character or more\n",
	       "a pattern with groups nested deeper than regcomp() can take");
	is_err(with_head("options:\n  - name: b\n    type: bool\n"
			 "    default: maybe\n"),
	       "genship.yml:6:14: error: invalid default 'maybe' for option "
	       "'b': expected true or false\n"
	       "    6 |     default: maybe\n"
	       "      |              ^\n",
	       "bool default");
	is_err(with_head("options:\n  - name: port\n    type: int\n"
			 "    min: 1024\n    default: 80\n"),
	       "genship.yml:7:14: error: invalid default '80' for option "
	       "'port': must be at least 1024\n"
	       "    7 |     default: 80\n"
	       "      |              ^\n",
	       "int default out of range");
	is_err(with_head("options:\n  - name: port\n    type: int\n"
			 "    default: [1]\n"),
	       "genship.yml:6:14: error: default for option 'port' must be "
	       "a scalar, not a sequence\n"
	       "    6 |     default: [1]\n"
	       "      |              ^\n",
	       "sequence default on an int");
	is_err(with_head("options:\n  - name: language\n    type: choice\n"
			 "    choices: [python, node, go]\n"
			 "    default: cobol\n"),
	       "genship.yml:7:14: error: invalid default 'cobol' for option "
	       "'language': expected one of python, node, go\n"
	       "    7 |     default: cobol\n"
	       "      |              ^\n",
	       "choice default not among choices");
	is_err(with_head("options:\n  - name: extras\n    type: multi\n"
			 "    choices: [metrics, tracing]\n"
			 "    default: [metrics, logs]\n"),
	       "genship.yml:7:14: error: invalid default 'metrics, logs' for "
	       "option 'extras': 'logs' is not one of metrics, tracing\n"
	       "    7 |     default: [metrics, logs]\n"
	       "      |              ^\n",
	       "multi default not a subset");
	is_err(with_head("options:\n  - name: name\n    type: string\n"
			 "    pattern: '^\\w+$'\n"
			 "    help: letters only\n"
			 "    default: 'a b'\n"),
	       "genship.yml:8:14: error: invalid default 'a b' for option "
	       "'name': does not match pattern '^\\w+$'\n"
	       "    8 |     default: 'a b'\n"
	       "      |              ^\n"
	       "hint: letters only\n",
	       "string default must match the pattern");
	is_err(with_head("options:\n  - name: v\n    type: string\n"
			 "    pattern: '^v\\d+$'\n"
			 "    matrix: [v1, v2, x]\n"),
	       "genship.yml:7:22: error: invalid matrix value 'x' for "
	       "option 'v': does not match pattern '^v\\d+$'\n"
	       "    7 |     matrix: [v1, v2, x]\n"
	       "      |                      ^\n",
	       "matrix values are checked like defaults");
	is_err(with_head("files:\n  - path: a\n    delimiters: ['[[', ']]', "
			 "'[%']\n"),
	       "genship.yml:5:17: error: 'delimiters' in file rule 'a' needs "
	       "2, 4 or 6 strings (variable, block, comment open/close), "
	       "not 3\n"
	       "    5 |     delimiters: ['[[', ']]', '[%']\n"
	       "      |                 ^\n",
	       "delimiters must come in pairs");
	is_err(with_head("files:\n  - path: a\n    delimiters: ['', ']]']\n"),
	       "genship.yml:5:18: error: empty delimiter in file rule 'a'\n"
	       "    5 |     delimiters: ['', ']]']\n"
	       "      |                  ^\n",
	       "empty delimiter");
	is_err(with_head("hooks:\n  post: [ok.sh, ../evil.sh]\n"),
	       "genship.yml:4:17: error: invalid hook name '../evil.sh'\n"
	       "    4 |   post: [ok.sh, ../evil.sh]\n"
	       "      |                 ^\n"
	       "hint: a hook is named by its file name in the template's "
	       "hooks/ directory\n",
	       "hook names are plain file names");
	is_err(with_head("options:\n  - name: a\n    type: bool\n"
			 "computed:\n  - name: a\n    value: x\n"),
	       "genship.yml:7:11: error: computed value 'a' has the name of "
	       "an option\n"
	       "    7 |   - name: a\n"
	       "      |           ^\n",
	       "computed name clashes with an option");
	is_err(with_head("computed:\n  - name: b\n    value: x\n"
			 "  - name: b\n    value: y\n"),
	       "genship.yml:6:11: error: duplicate computed value 'b'\n"
	       "    6 |   - name: b\n"
	       "      |           ^\n",
	       "duplicate computed names");
	is_err(with_head("min_genship: 99.0.0\n"),
	       "genship.yml:3:14: error: template 't' needs genship 99.0.0 "
	       "or newer, and this is " PACKAGE_VERSION "\n"
	       "    3 | min_genship: 99.0.0\n"
	       "      |              ^\n"
	       "hint: upgrade genship\n",
	       "min_genship newer than this genship");
}

static void test_expressions(void)
{
	struct diag err = DIAG_INIT;
	struct manifest *m = NULL;
	const char *text = with_head("options:\n"
				     "  - name: a\n"
				     "    type: bool\n"
				     "    when: \"a and (\"\n");

	ok(manifest_load("genship.yml", text, strlen(text), &m, &err) ==
	   ERR_INPUT, "a bad when expression fails to load");
	is_str(err.file, "genship.yml", "its error names genship.yml");
	is_int(err.line, 6, "on the when line");
	ok(err.col >= 12, "at or after the expression's start");
	diag_release(&err);
	text = with_head("constraints:\n  - require: x ==\n");
	ok(manifest_load("genship.yml", text, strlen(text), &m, &err) ==
	   ERR_INPUT, "a bad require expression fails to load");
	is_int(err.line, 4, "its error is on the require line");
	diag_release(&err);
	text = with_head("constraints:\n  - require: x\n");
	m = load_ok(text);
	ok(m && !strcmp(m->constraints[0].message, "constraint not met: x"),
	   "a constraint without a message gets one");
	manifest_free(m);
}

static void test_patterns(void)
{
	struct manifest *m = load_ok(with_head(
		"options:\n"
		"  - name: v\n"
		"    type: string\n"
		"    pattern: '^\\d+\\.[\\w.-]+\\s?$'\n"
		"    default: 1.a_b-c\n"));
	struct arena a = ARENA_INIT;
	struct strbuf why = STRBUF_INIT;
	struct value *out;

	ok(m != NULL, "Python escapes \\d \\w \\s are translated");
	if (!m)
		return;
	ok(!option_coerce(&m->options[0], value_str(&a, "12.x "), &a, &out,
			  &why), "translated pattern matches");
	ok(option_coerce(&m->options[0], value_str(&a, "x.12"), &a, &out,
			 &why) == ERR_INPUT, "translated pattern rejects");
	is_str(why.buf, "does not match pattern '^\\d+\\.[\\w.-]+\\s?$'",
	       "the reason shows the pattern as written");
	strbuf_release(&why);
	arena_release(&a);
	manifest_free(m);
}

/* Coerce text for option o; return the formatted value or the reason. */
static char *coerce(const struct option *o, const struct value *in)
{
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct value *out;

	if (option_coerce(o, in, &a, &out, &sb))
		strbuf_addf(&sb, " (error)");
	else
		option_format_value(&sb, out);
	arena_release(&a);
	return strbuf_detach(&sb, NULL);
}

static void check_coerce(const struct option *o, const struct value *in,
			 const char *want, const char *name)
{
	char *got = coerce(o, in);

	is_str(got, want, name);
	free(got);
}

static void test_coerce(void)
{
	struct manifest *m = load_ok(example);
	struct arena a = ARENA_INIT;
	const struct option *b, *port, *lang, *extras;
	struct value *list;

	if (!m)
		return;
	b = manifest_option(m, "backup");
	port = manifest_option(m, "port");
	lang = manifest_option(m, "language");
	extras = manifest_option(m, "extras");
	check_coerce(b, value_str(&a, "YES"), "true", "bool from YES");
	check_coerce(b, value_str(&a, "n"), "false", "bool from n");
	check_coerce(b, value_str(&a, "Off"), "false", "bool from Off");
	check_coerce(b, value_str(&a, "1"), "true", "bool from 1");
	check_coerce(b, value_int(&a, 0), "false", "bool from int 0");
	check_coerce(b, value_str(&a, "maybe"),
		     "expected true or false (error)", "bool from maybe");
	check_coerce(port, value_str(&a, "9000"), "9000", "int from text");
	check_coerce(port, value_str(&a, "90x"),
		     "expected an integer (error)", "int: whole string");
	check_coerce(port, value_str(&a, " 9000"),
		     "expected an integer (error)", "int: no blanks");
	check_coerce(port, value_str(&a, "99999999999999999999"),
		     "expected an integer (error)", "int: overflow");
	check_coerce(port, value_int(&a, 80),
		     "must be between 1024 and 65535 (error)", "int range");
	check_coerce(lang, value_str(&a, "go"), "go", "choice");
	check_coerce(lang, value_str(&a, "cobol"),
		     "expected one of python, node, go (error)",
		     "choice lists the valid choices");
	check_coerce(extras, value_str(&a, "profiling, metrics,metrics"),
		     "metrics, profiling", "multi from a comma string");
	check_coerce(extras, value_str(&a, ""), "", "multi from empty");
	list = value_list(&a, 0);
	value_list_push(&a, list, value_str(&a, "tracing"));
	value_list_push(&a, list, value_str(&a, "metrics"));
	check_coerce(extras, list, "metrics, tracing", "multi from a list");
	value_list_push(&a, list, value_str(&a, "logs"));
	check_coerce(extras, list, "'logs' is not one of metrics, tracing, "
		     "profiling (error)", "multi names the bad element");
	check_coerce(manifest_option(m, "owner"), value_int(&a, 42), "42",
		     "string from an int");
	is_str(option_type_name(OPTION_MULTI), "multi", "option_type_name");
	arena_release(&a);
	manifest_free(m);
}

/* Aliases are fine until what they would copy passes the limit. */
static void test_aliases(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct manifest *m = load_ok(with_head(
		"options:\n"
		"  - name: a\n    type: choice\n"
		"    choices: &langs [go, node]\n    default: go\n"
		"  - name: b\n    type: multi\n"
		"    choices: *langs\n    default: *langs\n"));
	const struct option *o = m ? manifest_option(m, "b") : NULL;
	char prev = 'a', c, *got;
	int i;

	ok(o && o->nchoices == 2 && !strcmp(o->choices[1], "node"),
	   "an alias stands for its anchor's value");
	manifest_free(m);
	strbuf_adds(&sb, "description: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (c = 'b'; c <= 'g'; c++, prev++) {
		strbuf_addf(&sb, "%c: &%c [", c, c);
		for (i = 0; i < 10; i++)
			strbuf_addf(&sb, "%s*%c", i ? ", " : "", prev);
		strbuf_adds(&sb, "]\n");
	}
	is_err(with_head(sb.buf),
	       "genship.yml:7:36: error: YAML aliases expand to more than "
	       "100000 nodes\n"
	       "    7 | e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	       "      |                                    ^\n"
	       "hint: every alias stands for a copy of its anchor's value; "
	       "write the values out, or use fewer aliases\n",
	       "aliases of aliases are refused where they pass the limit");
	strbuf_reset(&sb);
	strbuf_adds(&sb, "description: [");
	for (i = 0; i <= 1000; i++)
		strbuf_addf(&sb, "%s&a%d x", i ? ", " : "", i);
	strbuf_adds(&sb, "]\n");
	got = load_err(with_head(sb.buf));
	ok(strstr(got, "error: more than 1000 YAML anchors\n") != NULL,
	   "anchors are counted too");
	free(got);
	strbuf_release(&sb);
}

/* `from:` and `with:`: what a good rule holds, and each bad one. */
static void test_file_from(void)
{
	struct manifest *m = load_ok(with_head(
		"files:\n"
		"  - path: \"svc/{{ c.name }}\"\n"
		"    from: [\"k8s/base/*.yaml\", k8s/base/x/y.yaml]\n"
		"    each: \"c in components\"\n"
		"    with: {port: c.port, name: \"name ~ '-' ~ c.name\"}\n"
		"  - path: host.yaml\n"
		"    from: k8s/overlays/staging/ingress-host.yaml\n"
		"  - path: \"k8s/**\"\n"));
	const struct file_rule *r = m ? &m->files[0] : NULL;

	ok(r && r->nfrom == 2 && r->from_dir &&
	   !strcmp(r->from_base, "k8s/base") && r->nwith == 2 &&
	   !strcmp(r->with[1].name, "name") && r->from_pos[1].line == 5 &&
	   r->from_pos[1].col == 31,
	   "a list of sources: a directory below their deepest common one");
	ok(m && !m->files[1].from_dir && m->files[1].nfrom == 1,
	   "one plain source: path names the file");
	ok(m && manifest_file_rule(m, "k8s/base/a.yaml") == &m->files[2],
	   "a rule with from matches no file of the tree");
	manifest_free(m);
	is_err(with_head("files:\n  - path: a\n    from: {x: 1}\n"),
	       "genship.yml:5:11: error: 'from' in file rule 'a' must be a "
	       "template file's path or a sequence of them, not a mapping\n"
	       "    5 |     from: {x: 1}\n"
	       "      |           ^\n"
	       "hint: for example: from: app/server.py, or from: "
	       "[\"app/**\", pyproject.toml]\n",
	       "from: a mapping");
	is_err(with_head("files:\n  - path: a\n    from: []\n"),
	       "genship.yml:5:11: error: 'from' in file rule 'a' must be a "
	       "template file's path or a sequence of them, not an empty "
	       "sequence\n"
	       "    5 |     from: []\n"
	       "      |           ^\n"
	       "hint: for example: from: app/server.py, or from: "
	       "[\"app/**\", pyproject.toml]\n",
	       "from: an empty sequence");
	is_err(with_head("files:\n  - path: a\n    from: [b, ../genship.yml]\n"),
	       "genship.yml:5:15: error: 'from' entry '../genship.yml' in "
	       "file rule 'a' is not a relative path inside template/\n"
	       "    5 |     from: [b, ../genship.yml]\n"
	       "      |               ^\n"
	       "hint: name files as template/ spells them, e.g. "
	       "app/server.py, or with a glob such as app/**\n",
	       "from: an entry outside template/");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    delimiters: [\"[[\", \"]]\"]\n"),
	       "genship.yml:6:5: error: 'delimiters' does not apply to file "
	       "rule 'a': a rule with 'from' renders each file as the file's "
	       "own rule says\n"
	       "    6 |     delimiters: [\"[[\", \"]]\"]\n"
	       "      |     ^\n"
	       "hint: set 'delimiters' on a rule whose path matches the "
	       "source file\n",
	       "from with delimiters");
	is_err(with_head("files:\n  - path: a\n    render: false\n"
			 "    from: b\n"),
	       "genship.yml:5:5: error: 'render' does not apply to file "
	       "rule 'a': a rule with 'from' renders each file as the file's "
	       "own rule says\n"
	       "    5 |     render: false\n"
	       "      |     ^\n"
	       "hint: set 'render' on a rule whose path matches the source "
	       "file\n",
	       "from with render");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    with: [port, c.port]\n"),
	       "genship.yml:6:11: error: 'with' in file rule 'a' must be a "
	       "mapping of names to strings, not a sequence\n"
	       "    6 |     with: [port, c.port]\n"
	       "      |           ^\n"
	       "hint: write 'key: value' lines, or {key: value}\n",
	       "with: not a mapping");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    with: {Port: c.port}\n"),
	       "genship.yml:6:12: error: invalid variable name 'Port'\n"
	       "    6 |     with: {Port: c.port}\n"
	       "      |            ^\n"
	       "hint: names are lowercase letters, digits and '_', and do "
	       "not start with a digit\n",
	       "with: a key that is no variable name");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    with: {port: c.port, port: 1}\n"),
	       "genship.yml:6:26: error: duplicate key 'port' in 'with' in "
	       "file rule 'a'\n"
	       "    6 |     with: {port: c.port, port: 1}\n"
	       "      |                          ^\n"
	       "hint: 'port' is set at line 6 already; keep one of the two\n",
	       "with: a name bound twice");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    with: {port: [1, 2]}\n"),
	       "genship.yml:6:18: error: 'port' in 'with' in file rule 'a' "
	       "must be a string, not a sequence\n"
	       "    6 |     with: {port: [1, 2]}\n"
	       "      |                  ^\n"
	       "hint: quote the value: YAML reads [...] as a sequence\n",
	       "with: a value that is no expression");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    with: {port: }\n"),
	       "genship.yml:6:18: error: 'with' in file rule 'a' binds "
	       "'port' to nothing, not an expression\n"
	       "    6 |     with: {port: }\n"
	       "      |                  ^\n"
	       "hint: write the value as an expression, e.g. port: "
	       "\"c.port\"\n",
	       "with: a name bound to nothing");
	is_err(with_head("files:\n  - path: a\n    from: b\n"
			 "    with: {port: \"c.port +\"}\n"),
	       "genship.yml:6:27: error: expected an expression, got end "
	       "of template\n"
	       "    6 | c.port +\n"
	       "      |         ^\n",
	       "with: an expression that does not compile");
}

int main(void)
{
	test_example();
	test_glob();
	test_schema_errors();
	test_every_key();
	test_empty_keys();
	test_schema_strict();
	test_with_keys();
	test_semantic_errors();
	test_expressions();
	test_patterns();
	test_coerce();
	test_aliases();
	test_file_from();
	return tap_done();
}
