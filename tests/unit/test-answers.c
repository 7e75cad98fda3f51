/* Unit tests for answers.c: given answers, resolution, the answers file. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "diag-text.h"
#include "tap.h"

static const char manifest_text[] =
	"name: service\n"
	"version: 1.2.0\n"
	"options:\n"
	"  - name: project_name\n"
	"    type: string\n"
	"    default: my-service\n"
	"    pattern: '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'\n"
	"    help: DNS-safe name used for the image\n"
	"  - name: language\n"
	"    type: choice\n"
	"    choices: [python, node, go]\n"
	"  - name: extras\n"
	"    type: multi\n"
	"    choices: [metrics, tracing, profiling]\n"
	"    default: [metrics]\n"
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
	"    default: true\n"
	"  - name: backup\n"
	"    type: bool\n"
	"    when: \"database == 'postgres' and kubernetes\"\n"
	"  - name: registry\n"
	"    type: string\n"
	"    default: ghcr.io\n"
	"  - name: owner\n"
	"    type: string\n"
	"    default: acme\n"
	"computed:\n"
	"  - name: image\n"
	"    value: \"{{ registry }}/{{ owner }}/{{ project_name }}\"\n"
	"constraints:\n"
	"  - require: \"port != 9999\"\n"
	"    message: port 9999 is reserved for the sidecar\n";

static struct manifest *man;

/* Check the printed diagnostic; one test point.  Releases err. */
static void is_diag(struct diag *err, const char *want, const char *name)
{
	char *got = diag_text(err);

	is_str(got, want, name);
	free(got);
	diag_release(err);
}

/* ctx[name] as text ("True" style avoided: option_format_value). */
static char *ctx_text(const struct value *ctx, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	const struct value *v = value_dict_get(ctx, name);

	if (!v)
		return strdup("(missing)");
	strbuf_adds(&sb, v->kind == VALUE_BOOL ? "bool:" :
		    v->kind == VALUE_INT ? "int:" :
		    v->kind == VALUE_LIST ? "list:" : "");
	option_format_value(&sb, v);
	return strbuf_detach(&sb, NULL);
}

static void is_ctx(const struct value *ctx, const char *name,
		   const char *want, const char *test)
{
	char *got = ctx_text(ctx, name);

	is_str(got, want, test);
	free(got);
}

static void test_cli(void)
{
	struct answer_set set = ANSWER_SET_INIT;
	struct diag err = DIAG_INIT;

	ok(!answer_set_add_cli(&set, "port=9000", &err), "--set K=V");
	ok(!answer_set_add_cli(&set, "owner=a=b", &err), "value keeps '='");
	is_int(set.len, 2, "two answers");
	is_str(set.items[0].name, "port", "name");
	is_str(set.items[0].val->u.s.ptr, "9000", "value stays a string");
	is_int(set.items[0].col, 6, "value column");
	is_str(set.items[1].val->u.s.ptr, "a=b", "split at the first '='");
	ok(answer_set_add_cli(&set, "port", &err) == ERR_INPUT,
	   "missing '=' fails");
	is_diag(&err, "--set:1:5: error: missing '=' in --set argument\n"
		"    1 | port\n"
		"      |     ^\n"
		"hint: write --set NAME=VALUE\n", "missing '=' message");
	ok(answer_set_add_cli(&set, "=3", &err) == ERR_INPUT,
	   "empty name fails");
	is_diag(&err, "--set:1:1: error: missing option name before '='\n"
		"    1 | =3\n"
		"      | ^\n"
		"hint: write --set NAME=VALUE\n", "empty name message");
	ok(answer_set_add_cli(&set, "title=\xc3\xa9t\xe9", &err) == ERR_INPUT,
	   "a value that is not UTF-8 fails");
	is_diag(&err, "--set:1:9: error: invalid UTF-8: unexpected byte "
		"0xe9\n"
		"    1 | title=\xc3\xa9t?\n"
		"      |         ^\n"
		"hint: answers are UTF-8 text, as in an answers file\n",
		"a value that is not UTF-8: message at the byte");
	is_int(set.len, 2, "a refused --set adds no answer");
	answer_set_release(&set);
	is_int(set.len, 0, "release empties the set");
}


/* A file of more answers than a template could have is refused. */
static void test_answer_cap(void)
{
	struct answer_set set = ANSWER_SET_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	int i;

	for (i = 0; i < 10000; i++)
		strbuf_addf(&sb, "k%d: v\n", i);
	ok(!answer_set_add_file(&set, "g.yml", sb.buf, sb.len, &err),
	   "10000 answers load");
	is_int((long long)set.len, 10000, "all of them");
	answer_set_release(&set);
	strbuf_adds(&sb, "k: v\n");
	ok(answer_set_add_file(&set, "g.yml", sb.buf, sb.len, &err) ==
	   ERR_INPUT, "10001 answers fail");
	is_diag(&err, "g.yml:1:1: error: 10001 answers, more than the 10000 "
		"an answers file may hold\n"
		"    1 | k0: v\n"
		"      | ^\n"
		"hint: an answers file holds one answer per option of the "
		"template\n", "the answer cap");
	is_int((long long)set.len, 0, "a refused file adds no answer");
	answer_set_release(&set);
	strbuf_release(&sb);
}
static void test_file(void)
{
	static const char plain[] =
		"port: 9000\n"
		"language: \"go\"\n"
		"extras: [tracing, metrics]\n"
		"kubernetes: false\n"
		"owner: '42'\n";
	static const char dotfile[] =
		"genship_version: 0.1.0\n"
		"template: {name: service, source: builtin:service, "
		"version: 1.2.0}\n"
		"answers:\n"
		"  database: postgres\n";
	struct answer_set set = ANSWER_SET_INIT;
	struct diag err = DIAG_INIT;
	const struct answer *a;

	ok(!answer_set_add_file(&set, "a.yml", plain, strlen(plain), &err),
	   "plain answers file");
	is_int(set.len, 5, "five answers");
	a = &set.items[0];
	ok(a->val->kind == VALUE_INT && a->val->u.i == 9000, "plain int");
	is_int(a->line, 1, "value line");
	is_int(a->col, 7, "value column");
	is_int(a->key_col, 1, "key column");
	ok(set.items[1].val->kind == VALUE_STRING, "quoted string");
	ok(set.items[2].val->kind == VALUE_LIST &&
	   set.items[2].val->u.list.len == 2, "sequence is a list");
	ok(set.items[3].val->kind == VALUE_BOOL && !set.items[3].val->u.b,
	   "plain false is a bool");
	ok(set.items[4].val->kind == VALUE_STRING, "quoted '42' stays text");
	ok(!answer_set_add_file(&set, ".genship.yml", dotfile,
				strlen(dotfile), &err),
	   "a .genship.yml as answers file");
	is_int(set.len, 6, "only its answers mapping is used");
	is_str(set.items[5].name, "database", "its answer");
	is_int(set.items[5].line, 4, "position inside .genship.yml");
	ok(answer_set_add_file(&set, "b.yml", "port: [1\n", 9, &err) ==
	   ERR_INPUT, "malformed YAML fails");
	is_diag(&err, "b.yml:2:1: error: invalid YAML: did not find expected "
		"',' or ']'\n"
		"    2 | \n"
		"      | ^\n"
		"hint: while parsing a flow sequence at line 1\n",
		"malformed YAML at libyaml's mark");
	ok(answer_set_add_file(&set, "c.yml", "- a\n", 4, &err) == ERR_INPUT,
	   "a sequence is not an answers file");
	is_diag(&err, "c.yml:1:1: error: an answers file maps option names "
		"to values, not a sequence\n"
		"    1 | - a\n"
		"      | ^\n", "not a mapping");
	ok(answer_set_add_file(&set, "d.yml", "x: {a: 1}\n", 10, &err) ==
	   ERR_INPUT, "a mapping value fails");
	is_diag(&err, "d.yml:1:4: error: answer 'x' must be a scalar or a "
		"sequence, not a mapping\n"
		"    1 | x: {a: 1}\n"
		"      |    ^\n", "mapping value message");
	ok(!answer_set_add_file(&set, "e.yml", "", 0, &err),
	   "an empty file answers nothing");
	ok(answer_set_add_file(&set, "f.yml", "b: 1\na: 2\nc: 3\na: 4\n"
			       "b: 5\n", 25, &err) == ERR_INPUT,
	   "an option answered twice fails");
	is_diag(&err, "f.yml:4:1: error: duplicate answer 'a'\n"
		"    4 | a: 4\n"
		"      | ^\n"
		"hint: it is answered at line 2 already; keep one of the two\n",
		"the first repeated key in file order, and where it was first");
	is_int(set.len, 6, "a refused file adds no answer");
	test_answer_cap();
	answer_set_release(&set);
}

/* Resolve with the given set and no prompts; NULL on error (in err). */
static struct value *resolve(struct answer_set *set, struct arena *a,
			     struct diag *err)
{
	struct value *ctx = NULL;

	if (answers_resolve(man, set, NULL, a, &ctx, err))
		return NULL;
	return ctx;
}

/* Add --set arguments, NULL-terminated. */
static void add_sets(struct answer_set *set, ...)
{
	struct diag err = DIAG_INIT;
	const char *arg;
	va_list ap;

	va_start(ap, set);
	while ((arg = va_arg(ap, const char *)))
		if (answer_set_add_cli(set, arg, &err))
			printf("# bad --set %s\n", arg);
	va_end(ap);
	diag_release(&err);
}

static void test_defaults(void)
{
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = resolve(NULL, &a, &err);

	ok(ctx != NULL, "defaults resolve");
	if (!ctx)
		return;
	is_ctx(ctx, "project_name", "my-service", "string default");
	is_ctx(ctx, "language", "python", "choice default: first choice");
	is_ctx(ctx, "extras", "list:metrics", "multi default");
	is_ctx(ctx, "port", "int:8080", "int default");
	is_ctx(ctx, "kubernetes", "bool:true", "bool default");
	is_ctx(ctx, "backup", "bool:false", "inactive option: its default");
	is_ctx(ctx, "image", "ghcr.io/acme/my-service", "computed value");
	is_int(ctx->u.dict.len, 10, "nine options and one computed value");
	is_str(ctx->u.dict.items[0].key.ptr, "project_name",
	       "context in manifest order");
	arena_release(&a);
}

static void test_precedence(void)
{
	static const char file[] = "port: 9000\nlanguage: node\n"
				   "backup: true\nextras: [tracing]\n";
	struct answer_set set = ANSWER_SET_INIT;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx;

	answer_set_add_file(&set, "a.yml", file, strlen(file), &err);
	add_sets(&set, "port=9100", "kubernetes=no", "owner=me", NULL);
	ctx = resolve(&set, &a, &err);
	ok(ctx != NULL, "file and --set answers resolve");
	if (!ctx)
		return;
	is_ctx(ctx, "port", "int:9100", "--set beats the file");
	is_ctx(ctx, "language", "node", "file beats the default");
	is_ctx(ctx, "extras", "list:tracing", "multi from a YAML sequence");
	is_ctx(ctx, "kubernetes", "bool:false", "bool from 'no'");
	is_ctx(ctx, "backup", "bool:false",
	       "an answer for an inactive option is ignored");
	is_ctx(ctx, "image", "ghcr.io/me/my-service",
	       "computed values see the answers");
	arena_release(&a);
	add_sets(&set, "database=postgres", "kubernetes=on",
		 "extras=profiling,metrics, profiling", NULL);
	ctx = resolve(&set, &a, &err);
	ok(ctx != NULL, "active when resolves");
	if (ctx) {
		is_ctx(ctx, "backup", "bool:true",
		       "an active option takes its answer");
		is_ctx(ctx, "extras", "list:metrics, profiling",
		       "multi from commas: deduplicated, in choices order");
	}
	arena_release(&a);
	answer_set_release(&set);
}

/* An unanswered option whose implicit default fails its pattern. */
static void test_default_pattern(void)
{
	static const char text[] =
		"name: t\nversion: 1.0.0\noptions:\n"
		"  - name: custom\n    type: bool\n"
		"  - name: owner\n    type: string\n"
		"    pattern: '^[a-z]+$'\n    when: custom\n";
	struct answer_set set = ANSWER_SET_INIT;
	struct manifest *m = NULL;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = NULL;

	if (manifest_load("p.yml", text, strlen(text), &m, &err)) {
		ok(0, "pattern manifest loads");
		diag_release(&err);
		return;
	}
	ok(!answers_resolve(m, &set, NULL, &a, &ctx, &err),
	   "an inactive option keeps its default unchecked");
	add_sets(&set, "custom=true", NULL);
	ok(answers_resolve(m, &set, NULL, &a, &ctx, &err) == ERR_INPUT,
	   "an active option needs a default that passes its pattern");
	is_diag(&err, "p.yml:6:5: error: option 'owner' has no valid "
		"default: does not match pattern '^[a-z]+$'\n"
		"    6 |   - name: owner\n"
		"      |     ^\n"
		"hint: give it a value with --set owner=VALUE\n",
		"no valid default message");
	add_sets(&set, "owner=abc", NULL);
	ok(!answers_resolve(m, &set, NULL, &a, &ctx, &err),
	   "an answer replaces the invalid default");
	is_ctx(ctx, "owner", "abc", "the answer is used");
	answer_set_release(&set);
	arena_release(&a);
	manifest_free(m);
}

/* Resolve --set args expecting failure; check the printed diagnostic. */
static void is_resolve_err(const char *arg, const char *want,
			   const char *name)
{
	struct answer_set set = ANSWER_SET_INIT;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;

	add_sets(&set, arg, NULL);
	ok(!resolve(&set, &a, &err) && err.code == ERR_INPUT, name);
	is_diag(&err, want, name);
	arena_release(&a);
	answer_set_release(&set);
}

static void test_errors(void)
{
	static const char file[] = "language: go\nport: 80\n";
	struct answer_set set = ANSWER_SET_INIT;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;

	is_resolve_err("language=cobol",
		       "--set:1:10: error: invalid value 'cobol' for option "
		       "'language': expected one of python, node, go\n"
		       "    1 | language=cobol\n"
		       "      |          ^\n", "bad choice lists the choices");
	is_resolve_err("langauge=go",
		       "--set:1:1: error: unknown option 'langauge'\n"
		       "    1 | langauge=go\n"
		       "      | ^\n"
		       "hint: did you mean 'language'?\n",
		       "unknown option with a suggestion");
	is_resolve_err("port=http",
		       "--set:1:6: error: invalid value 'http' for option "
		       "'port': expected an integer\n"
		       "    1 | port=http\n"
		       "      |      ^\n", "int that is not a number");
	is_resolve_err("kubernetes=maybe",
		       "--set:1:12: error: invalid value 'maybe' for option "
		       "'kubernetes': expected true or false\n"
		       "    1 | kubernetes=maybe\n"
		       "      |            ^\n", "bad bool");
	is_resolve_err("extras=metrics,logs",
		       "--set:1:8: error: invalid value 'metrics,logs' for "
		       "option 'extras': 'logs' is not one of metrics, "
		       "tracing, profiling\n"
		       "    1 | extras=metrics,logs\n"
		       "      |        ^\n", "bad multi element");
	is_resolve_err("project_name=My Service",
		       "--set:1:14: error: invalid value 'My Service' for "
		       "option 'project_name': does not match pattern "
		       "'^[a-z][a-z0-9-]{1,38}[a-z0-9]$'\n"
		       "    1 | project_name=My Service\n"
		       "      |              ^\n"
		       "hint: DNS-safe name used for the image\n",
		       "pattern mismatch shows the pattern and the help");
	is_resolve_err("port=9999",
		       "--set:1:6: error: port=9999 is not allowed: port 9999 "
		       "is reserved for the sidecar\n"
		       "    1 | port=9999\n"
		       "      |      ^\n"
		       "hint: change 'port'\n",
		       "a failed constraint names the answer, at its place");
	answer_set_add_file(&set, "a.yml", file, strlen(file), &err);
	ok(!resolve(&set, &a, &err), "out-of-range answer in a file fails");
	is_diag(&err, "a.yml:2:7: error: invalid value '80' for option "
		"'port': must be between 1024 and 65535\n"
		"    2 | port: 80\n"
		"      |       ^\n", "file answer error points into the file");
	answer_set_release(&set);
	answer_set_add_file(&set, "b.yml", "language: [go]\n", 15, &err);
	ok(!resolve(&set, &a, &err), "a sequence for a choice fails");
	is_diag(&err, "b.yml:1:11: error: invalid value '[go]' for option "
		"'language': expected one of python, node, go, not a sequence\n"
		"    1 | language: [go]\n"
		"      |           ^\n"
		"hint: option 'language' takes one value, written without "
		"brackets\n", "a sequence for a choice: a type error");
	answer_set_release(&set);
	answer_set_add_file(&set, "c.yml", "kubernetes: [yes]\n", 18, &err);
	ok(!resolve(&set, &a, &err), "a sequence for a bool fails");
	is_diag(&err, "c.yml:1:13: error: invalid value '[yes]' for option "
		"'kubernetes': expected true or false, not a sequence\n"
		"    1 | kubernetes: [yes]\n"
		"      |             ^\n"
		"hint: option 'kubernetes' takes one value, written without "
		"brackets\n", "a sequence for a bool: a type error");
	arena_release(&a);
	answer_set_release(&set);
}

/* A scripted prompter: replies in order, records what it was offered. */
struct script {
	const char *const *replies;
	size_t next;
	struct strbuf log;
};

/*
 * Log "name(n/total)[default]" and, when set, "{ruled out: choices}" and
 * "!problem", then reply.
 */
static int scripted(void *ud, const struct answers_question *q, char **reply)
{
	struct script *s = ud;
	size_t c;

	strbuf_addf(&s->log, "%s(%u/%u)[", q->opt->name, q->number,
		    q->total);
	option_format_value(&s->log, q->def);
	strbuf_adds(&s->log, "]");
	for (c = 0; q->why_not && c < q->opt->nchoices; c++)
		if (q->why_not[c])
			strbuf_addf(&s->log, "{%s}", q->opt->choices[c]);
	if (q->again)
		strbuf_adds(&s->log, "+again");
	if (q->problem)
		strbuf_addf(&s->log, "!%s", q->problem);
	strbuf_addch(&s->log, ' ');
	if (!s->replies[s->next])
		return ERR_FAIL;
	*reply = strdup(s->replies[s->next++]);
	return 0;
}

static void test_prompt(void)
{
	static const char *const replies[] = {
		"svc", "go", "", "postgres", "y", "yes", "quay.io", "me", NULL,
	};
	static const char *const bad[] = { "svc", "go", "", "soon", NULL };
	struct script s = { replies, 0, STRBUF_INIT };
	struct answer_set set = ANSWER_SET_INIT;
	struct answers_opts how = { 0 };
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = NULL;

	add_sets(&set, "port=3000", NULL);
	how.prompt = scripted;
	how.prompt_ud = &s;
	how.answered = value_dict(&a, 0);
	ok(!answers_resolve(man, &set, &how, &a, &ctx, &err),
	   "prompted resolve");
	is_str(s.log.buf, "project_name(1/7)[my-service] "
	       "language(2/7)[python] extras(3/7)[metrics] "
	       "database(4/7)[none] kubernetes(5/8)[true] "
	       "backup(6/8)[false] registry(7/8)[ghcr.io] owner(8/8)[acme] ",
	       "options nobody answered are asked; the count follows when");
	is_int(how.asked, 8, "eight questions");
	if (ctx) {
		is_ctx(ctx, "port", "int:3000", "--set is not asked again");
		is_ctx(ctx, "backup", "bool:true", "when sees earlier replies");
		is_ctx(ctx, "extras", "list:", "an empty reply is an answer");
		is_ctx(ctx, "image", "quay.io/me/svc",
		       "computed after prompts");
	}
	is_int(how.answered->u.dict.len, 9, "answered: every option");
	arena_release(&a);
	how.ask_all = true;
	how.answered = NULL;
	s.replies = bad;
	s.next = 0;
	strbuf_reset(&s.log);
	ok(answers_resolve(man, &set, &how, &a, &ctx, &err) ==
	   ERR_INPUT, "an invalid reply fails");
	is_str(s.log.buf, "project_name(1/8)[my-service] "
	       "language(2/8)[python] extras(3/8)[metrics] "
	       "port(4/8)[3000] ", "--ask-all asks given options too");
	is_diag(&err, "genship: error: invalid value 'soon' for option "
		"'port': expected an integer\n", "invalid reply message");
	arena_release(&a);
	s.replies = bad + 4;
	s.next = 0;
	ok(answers_resolve(man, &set, &how, &a, &ctx, &err) ==
	   ERR_FAIL, "no reply (EOF) is a failure");
	is_diag(&err, "genship: error: no answer for option 'project_name'\n",
		"EOF message");
	arena_release(&a);
	strbuf_release(&s.log);
	answer_set_release(&set);
}

static const char clash_text[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: flavor\n    type: choice\n    choices: [kustomize, helm]\n"
	"  - name: extras\n    type: multi\n    default: [gitleaks]\n"
	"    choices: [alerts, gitleaks, smoke]\n"
	"  - name: notify\n    type: choice\n    choices: [none, slack]\n"
	"  - name: port\n    type: int\n    default: 8080\n"
	"constraints:\n"
	"  - require: \"flavor == 'kustomize' or ('alerts' not in extras "
	"and 'smoke' not in extras and notify == 'none')\"\n"
	"    message: alerts and notifications need kustomize\n"
	"  - require: \"port != 5432\"\n"
	"    message: port 5432 is taken\n";

/* Resolve m with --set args and a script; the log in s, *ctx set. */
static int resolve_scripted(const struct manifest *m, const char *sets,
			    struct script *s, struct answers_opts *how,
			    struct arena *a, struct value **ctx,
			    struct diag *err)
{
	struct answer_set set = ANSWER_SET_INIT;
	char *copy = strdup(sets), *arg, *save = NULL;
	int ret;

	for (arg = strtok_r(copy, " ", &save); arg;
	     arg = strtok_r(NULL, " ", &save))
		add_sets(&set, arg, NULL);
	how->prompt = s ? scripted : NULL;
	how->prompt_ud = s;
	ret = answers_resolve(m, &set, how, a, ctx, err);
	answer_set_release(&set);
	free(copy);
	return ret;
}

static void test_constraint_clash(void)
{
	static const char *const replies[] = {
		"helm", "alerts", "none", "gitleaks", "5432", "80", NULL,
	};
	struct script s = { replies, 0, STRBUF_INIT };
	struct answers_opts how = { 0 };
	struct manifest *m = NULL;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = NULL;

	if (manifest_load("t.yml", clash_text, strlen(clash_text), &m,
			  &err)) {
		ok(0, "conflict manifest loads");
		diag_release(&err);
		return;
	}
	ok(resolve_scripted(m, "flavor=helm extras=alerts,gitleaks", NULL,
			    &how, &a, &ctx, &err) == ERR_INPUT,
	   "a conflict without a terminal fails");
	ok(how.violated == &m->constraints[0], "it names the constraint");
	is_diag(&err, "--set:1:8: error: flavor=helm conflicts with "
		"extras=alerts: alerts and notifications need kustomize\n"
		"    1 | extras=alerts,gitleaks\n"
		"      |        ^\n"
		"hint: change 'flavor' or 'extras'\n",
		"the clashing answers in the user's terms, no more");
	ok(!resolve_scripted(m, "", &s, &how, &a, &ctx, &err),
	   "a conflict on a terminal is asked again");
	is_str(s.log.buf, "flavor(1/4)[kustomize] "
	       "extras(2/4)[gitleaks]{alerts}{smoke} notify(3/4)[none] "
	       "extras(2/4)[gitleaks]{alerts}{smoke}+again!flavor=helm "
	       "conflicts with extras=alerts: alerts and notifications need "
	       "kustomize port(4/4)[8080] port(4/4)[8080]+again!port=5432 is "
	       "not allowed: port 5432 is taken ",
	       "ruled-out choices, then the last option involved again");
	is_int(how.asked, 6, "six questions, two of them again");
	if (ctx) {
		is_ctx(ctx, "extras", "list:gitleaks", "the new reply counts");
		is_ctx(ctx, "notify", "none", "a later reply is kept");
	}
	arena_release(&a);
	strbuf_release(&s.log);
	manifest_free(m);
}

static void test_ignored(void)
{
	struct strbuf notes = STRBUF_INIT;
	struct answers_opts how = { 0 };
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = NULL;

	how.notes = &notes;
	how.answered = value_dict(&a, 0);
	ok(!resolve_scripted(man, "backup=true database=none", NULL, &how,
			     &a, &ctx, &err), "an ignored value is no error");
	is_str(notes.buf, "ignoring backup=true (--set): option 'backup' "
	       "applies only when database == 'postgres' and kubernetes, "
	       "and database=none\n", "a warning names the option and why");
	ok(!value_dict_get(how.answered, "backup"),
	   "answered leaves out what does not apply");
	strbuf_reset(&notes);
	ok(!resolve_scripted(man, "backup=false", NULL, &how, &a, &ctx,
			     &err), "the default value of a pinned option");
	is_str(notes.buf, "", "is no news");
	how.strict = true;
	ok(resolve_scripted(man, "backup=yes kubernetes=no", NULL, &how, &a,
			    &ctx, &err) == ERR_INPUT, "--strict refuses it");
	is_diag(&err, "--set:1:1: error: option 'backup' does not apply: it "
		"applies only when database == 'postgres' and kubernetes, and "
		"database=none\n"
		"    1 | backup=yes\n"
		"      | ^\n"
		"hint: leave the answer out, or drop --strict to ignore it\n",
		"--strict message");
	strbuf_release(&notes);
	arena_release(&a);
}

static const char af_text[] =
	"# Generated by genship. Do not edit the files section by hand;\n"
	"# `genship update` and `genship check` rely on it.\n"
	"genship_version: 0.1.0\n"
	"template:\n"
	"  name: service\n"
	"  source: builtin:service\n"
	"  version: 1.0.0\n"
	"answers:\n"
	"  project_name: my-service\n"
	"  port: 8080\n"
	"  kubernetes: true\n"
	"  extras: [metrics, tracing]\n"
	"  none: []\n"
	"  digits: '8080'\n"
	"  word: 'yes'\n"
	"  empty: ''\n"
	"  colon: 'a: b'\n"
	"  version: '1.0'\n"
	"files:\n"
	"  .github/workflows/ci.yml: 0123456789abcdef0123456789abcdef01234567\n"
	"  Containerfile: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\n";

static void test_answers_file(void)
{
	struct answers_file *af = answers_file_new(), *back = NULL;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct arena *a = &af->arena;
	struct diag err = DIAG_INIT;
	struct value *list = value_list(a, 0);

	af->genship_version = arena_strdup(a, "0.1.0");
	af->template_name = arena_strdup(a, "service");
	af->template_source = arena_strdup(a, "builtin:service");
	af->template_version = arena_strdup(a, "1.0.0");
	value_dict_set(a, af->answers, "project_name",
		       value_str(a, "my-service"));
	value_dict_set(a, af->answers, "port", value_int(a, 8080));
	value_dict_set(a, af->answers, "kubernetes", value_bool(true));
	value_list_push(a, list, value_str(a, "metrics"));
	value_list_push(a, list, value_str(a, "tracing"));
	value_dict_set(a, af->answers, "extras", list);
	value_dict_set(a, af->answers, "none", value_list(a, 0));
	value_dict_set(a, af->answers, "digits", value_str(a, "8080"));
	value_dict_set(a, af->answers, "word", value_str(a, "yes"));
	value_dict_set(a, af->answers, "empty", value_str(a, ""));
	value_dict_set(a, af->answers, "colon", value_str(a, "a: b"));
	value_dict_set(a, af->answers, "version", value_str(a, "1.0"));
	answers_file_add_file(af, "Containerfile",
			      "3b18e512dba79e4c8300dd08aeb37f8e728b8dad");
	answers_file_add_file(af, ".github/workflows/ci.yml",
			      "0123456789abcdef0123456789abcdef01234567");
	answers_file_format(af, &out);
	is_str(out.buf, af_text, "format: exact bytes, files sorted");
	ok(!answers_file_load(".genship.yml", out.buf, out.len, &back, &err),
	   "the output loads");
	if (back) {
		answers_file_format(back, &again);
		is_str(again.buf, out.buf, "load + format is byte-identical");
		is_str(back->template_source, "builtin:service", "source");
		ok(!back->template_commit, "no commit");
		ok(value_dict_get(back->answers, "port")->kind == VALUE_INT,
		   "plain int loads as int");
		ok(value_dict_get(back->answers, "digits")->kind ==
		   VALUE_STRING, "quoted digits load as a string");
		ok(value_dict_get(back->answers, "kubernetes")->kind ==
		   VALUE_BOOL, "plain true loads as bool");
		is_str(value_dict_get(back->answers, "word")->u.s.ptr, "yes",
		       "quoted yes stays a string");
		is_int(back->nfiles, 2, "two files");
		is_str(back->files[1].blob,
		       "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", "blob id");
	}
	answers_file_free(back);
	af->template_commit = arena_strdup(a, "abc123");
	strbuf_reset(&out);
	answers_file_format(af, &out);
	ok(strstr(out.buf, "  version: 1.0.0\n  commit: abc123\nanswers:"),
	   "commit written when set");
	strbuf_release(&out);
	strbuf_release(&again);
	answers_file_free(af);
}

/* Strings that plain YAML would read as something else must round-trip. */
static void test_answers_file_quoting(void)
{
	static const char *const strs[] = {
		"true", "False", "yes", "N", "on", "null", "~", "", "8080",
		"-5", "007", "1.5", ".5", "12e3", "0x1f", "1:30", "2024-01-31",
		".inf", "1.2.0", "- x", "#c", "x #c", "a: b", "'q'", "\"d\"",
		"line1\nline2", " lead", "trail ", "h\xc3\xa9llo", "*a", "!t",
		"[a]", "{a}", "%p", "@a", "a\tb",
	};
	struct answers_file *af = answers_file_new(), *back = NULL;
	struct strbuf out = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	size_t i, same = 0, n = sizeof(strs) / sizeof(*strs);
	const struct value *v;

	af->template_name = af->template_source = af->template_version =
		arena_strdup(&af->arena, "x");
	for (i = 0; i < n; i++)
		value_dict_set(&af->arena, af->answers,
			       arena_printf(&af->arena, "k%zu", i),
			       value_str(&af->arena, strs[i]));
	answers_file_format(af, &out);
	ok(!answers_file_load("q.yml", out.buf, out.len, &back, &err),
	   "tricky strings load back");
	for (i = 0; back && i < n; i++) {
		v = back->answers->u.dict.items[i].val;
		if (v->kind == VALUE_STRING && !strcmp(v->u.s.ptr, strs[i]))
			same++;
		else
			printf("# string %zu did not round-trip\n", i);
	}
	is_int(same, n, "every tricky string reads back as the same string");
	ok(strstr(out.buf, "k18: 1.2.0\n") != NULL, "a version stays plain");
	ok(strstr(out.buf, "k25: \"line1\\nline2\"\n") != NULL,
	   "multi-line strings are double-quoted");
	answers_file_free(back);
	answers_file_free(af);
	strbuf_release(&out);
	diag_release(&err);
}

/* Load text as .genship.yml expecting failure; check the diagnostic. */
static void is_af_err(const char *text, const char *want, const char *name)
{
	struct answers_file *af = NULL;
	struct diag err = DIAG_INIT;

	ok(answers_file_load(".genship.yml", text, strlen(text), &af, &err) ==
	   ERR_INPUT, name);
	is_diag(&err, want, name);
	answers_file_free(af);
}

/* Every recorded path that leaves the project is an error at its key. */
static void test_unsafe_paths(const char *head)
{
	static const char *const unsafe[] = {
		"/etc/passwd", "a/../../x", "..", "a//b", "./a", "a/",
	};
	static const char blob[] = "0123456789abcdef0123456789abcdef01234567";
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(unsafe) / sizeof(*unsafe); i++) {
		strbuf_reset(&sb);
		strbuf_reset(&want);
		strbuf_addf(&sb, "%sfiles:\n  '%s': %s\n", head, unsafe[i],
			    blob);
		strbuf_addf(&want, ".genship.yml:4:3: error: unsafe path '%s' "
			    "in 'files': paths must stay inside the project\n"
			    "    4 |   '%s': %s\n"
			    "      |   ^\n"
			    "hint: genship writes this section itself; restore "
			    "the answers file from version control\n",
			    unsafe[i], unsafe[i], blob);
		is_af_err(sb.buf, want.buf, unsafe[i]);
	}
	strbuf_release(&sb);
	strbuf_release(&want);
}
/* The conflicts record: the mapping round-trips, the old list loads. */
static void test_conflicts(void)
{
	static const char head[] =
		"genship_version: 0.1.0\n"
		"template: {name: s, source: s, version: '1'}\n";
	static const char base[] = "0123456789abcdef0123456789abcdef01234567",
		yours[] = "89abcdef0123456789abcdef0123456789abcdef";
	struct answers_file *af = NULL;
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	struct diag err = DIAG_INIT;

	strbuf_addf(&sb, "%sconflicts:\n  a.yaml:\n    base: %s\n"
		    "    yours: %s\n  b.txt: {yours: %s}\n", head, base, yours,
		    yours);
	ok(!answers_file_load(".genship.yml", sb.buf, sb.len, &af, &err),
	   "conflicts: the mapping loads");
	if (af) {
		is_int((long long)af->nconflicts, 2, "conflicts: two");
		is_str(answers_file_conflict(af, "a.yaml")->base, base,
		       "conflicts: base id");
		is_str(answers_file_conflict(af, "b.txt")->base, "",
		       "conflicts: no base");
		is_str(answers_file_conflict(af, "b.txt")->yours, yours,
		       "conflicts: yours id");
		ok(!answers_file_conflict(af, "c"), "conflicts: not recorded");
		answers_file_format(af, &out);
		ok(strstr(out.buf, "conflicts:\n  a.yaml:\n    base: ") &&
		   strstr(out.buf, "\n  b.txt:\n    yours: "),
		   "conflicts: written back as a mapping");
	}
	answers_file_free(af);
	af = NULL;
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%sconflicts:\n- a.yaml\n", head);
	ok(!answers_file_load(".genship.yml", sb.buf, sb.len, &af, &err) &&
	   af->nconflicts == 1 && !*af->conflicts[0].yours,
	   "conflicts: the older list of paths loads, without ids");
	answers_file_free(af);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%sconflicts:\n  a.yaml: {base: x}\n", head);
	is_af_err(sb.buf, ".genship.yml:4:18: error: invalid blob id for "
		  "'base' of 'a.yaml' in 'conflicts': expected 40 hex digits\n"
		  "    4 |   a.yaml: {base: x}\n"
		  "      |                  ^\n", "conflicts: bad blob id");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%sconflicts:\n  ../x: {}\n", head);
	is_af_err(sb.buf, ".genship.yml:4:3: error: unsafe path '../x' in "
		  "'conflicts': paths must stay inside the project\n"
		  "    4 |   ../x: {}\n"
		  "      |   ^\n", "conflicts: unsafe path");
	strbuf_release(&sb);
	strbuf_release(&out);
}

static void test_answers_file_errors(void)
{
	static const char head[] =
		"genship_version: 0.1.0\n"
		"template: {name: s, source: s, version: '1'}\n";
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%sanswer:\n  a: 1\n", head);
	is_af_err(sb.buf, ".genship.yml:3:1: error: unknown key 'answer' in "
		  "answers file\n"
		  "    3 | answer:\n"
		  "      | ^\n"
		  "hint: did you mean 'answers'?\n", "unknown top-level key");
	is_af_err("genship_version: 0.1.0\n",
		  ".genship.yml:1:1: error: missing required key 'template' "
		  "in answers file\n"
		  "    1 | genship_version: 0.1.0\n"
		  "      | ^\n"
		  "hint: add a 'template' key here\n", "missing template");
	is_af_err("genship_version: 0.1.0\ntemplate: {name: s, sorce: x}\n",
		  ".genship.yml:2:21: error: unknown key 'sorce' in "
		  "'template'\n"
		  "    2 | template: {name: s, sorce: x}\n"
		  "      |                     ^\n"
		  "hint: did you mean 'source'?\n", "unknown template key");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%sfiles:\n  a: xyz\n", head);
	is_af_err(sb.buf, ".genship.yml:4:6: error: invalid blob id for 'a': "
		  "expected 40 hex digits\n"
		  "    4 |   a: xyz\n"
		  "      |      ^\n", "bad blob id");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%sfiles:\n  a: %s\n  a: %s\n", head,
		    "0123456789abcdef0123456789abcdef01234567",
		    "0123456789abcdef0123456789abcdef01234567");
	is_af_err(sb.buf, ".genship.yml:5:3: error: duplicate file 'a' in "
		  "'files'\n"
		  "    5 |   a: 0123456789abcdef0123456789abcdef01234567\n"
		  "      |   ^\n", "duplicate file");
	test_unsafe_paths(head);
	is_af_err("genship_version: [1\n",
		  ".genship.yml:2:1: error: invalid YAML: did not find "
		  "expected ',' or ']'\n"
		  "    2 | \n"
		  "      | ^\n"
		  "hint: while parsing a flow sequence at line 1\n",
		  "malformed YAML");
	strbuf_release(&sb);
}

int main(void)
{
	struct diag err = DIAG_INIT;

	if (manifest_load("genship.yml", manifest_text, strlen(manifest_text),
			  &man, &err)) {
		char *t = diag_text(&err);

		printf("Bail out! test manifest does not load: %s", t);
		free(t);
		return 1;
	}
	test_cli();
	test_file();
	test_defaults();
	test_precedence();
	test_errors();
	test_default_pattern();
	test_prompt();
	test_constraint_clash();
	test_ignored();
	test_answers_file();
	test_answers_file_quoting();
	test_answers_file_errors();
	test_conflicts();
	manifest_free(man);
	return tap_done();
}
