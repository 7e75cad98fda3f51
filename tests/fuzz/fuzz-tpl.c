/*
 * fuzz-tpl: the template engine (lexer, parser, evaluator, filters)
 * against a fixed context.
 *
 * Input, by its first line:
 *   "%%expr\n" EXPR        tpl_expr_compile() + tpl_expr_eval() of EXPR,
 *                          then str() and repr() of the result;
 *   "%%syntax A B C D E F\n" TEMPLATE
 *                          TEMPLATE with custom delimiters: up to six
 *                          space-separated strings (variable, block,
 *                          comment; open then close), a missing one
 *                          keeping Jinja2's default, as `delimiters:`
 *                          in genship.yml does;
 *   anything else          the whole input as a template with the
 *                          default delimiters.
 * Templates are compiled and rendered with a loader that offers a few
 * fixed templates to {% include %}, the template itself as "self" (a
 * cycle) and "broken.j2", which fails to load.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "diag.h"
#include "fuzz.h"
#include "strbuf.h"
#include "tpl-value.h"
#include "tpl.h"
#include "value-json.h"

/*
 * A fixed world, so that no input waits on the real one: a clock that
 * stands still, UTC as the local zone and random bytes from a counter.
 */
static int world_random(void *ud, unsigned char *buf, size_t n)
{
	static unsigned char next;

	(void)ud;
	while (n--)
		*buf++ = next++;
	return 0;
}

static long long world_now(void *ud)
{
	(void)ud;
	return 1700000000;
}

static int world_to_local(void *ud, long long t, struct tm *tm)
{
	time_t tt = (time_t)t;

	(void)ud;
	return gmtime_r(&tt, tm) ? 0 : -1;
}

static int world_from_local(void *ud, struct tm *tm, long long *t)
{
	(void)ud;
	*t = (long long)timegm(tm);
	return 0;
}

static const struct tpl_env world = {
	world_random, world_now, world_to_local, world_from_local, NULL
};

#define EXPR_TAG "%%expr\n"
#define SYNTAX_TAG "%%syntax "
#define NSLOTS 6

/*
 * The context: the names the conformance cases use, the resolved context
 * of the built-in service template, and a value of every kind.
 */
static const char ctx_json[] =
	"{\"name\": \"World\", \"s\": \"hello\", \"x\": 42, \"a\": 1,"
	" \"b\": \"two\", \"c\": 1e20, \"e\": 2.5, \"f\": 1.5, \"g\": -0.0,"
	" \"h\": 100.0, \"i\": 7, \"k\": \"key\", \"n\": 3, \"z\": 0,"
	" \"t\": true, \"flag\": false, \"ok\": 1, \"none\": null,"
	" \"empty\": \"\", \"es\": \"\", \"el\": [], \"ed\": {},"
	" \"neg\": -7, \"zero\": 0, \"big\": 9223372036854775807,"
	" \"small\": -9223372036854775808, \"tiny\": 5e-324,"
	" \"word\": \"h\\u00e9llo w\\u00f6rld \\u2713 \\ud83d\\ude00\","
	" \"ws\": \" \\t a\\r\\nb \\u00a0\", \"nul\": \"a\\u0000b\","
	" \"url\": \"https://example.com/a b?c=d&e=<f>\","
	" \"xs\": [1, \"a\", null, true, 1.5, [2, 3], {\"k\": \"v\"}],"
	" \"ys\": [3, 1, 2], \"vals\": [1, 2, 3], \"m\": [1.5, -2.5],"
	" \"words\": [\"b\", \"A\", \"c\", \"a\"],"
	" \"rows\": [[1, 2], [3, 4]], \"pairs\": [[\"a\", 1], [\"b\", 2]],"
	" \"d\": {\"a\": 1, \"b\": \"two\", \"l\": [1, 2],"
	" \"n\": {\"deep\": true}},"
	" \"user\": {\"name\": \"Ann\", \"email\": null},"
	" \"users\": [{\"name\": \"Ann\", \"age\": 30},"
	" {\"name\": \"Bob\", \"age\": 25}],"
	" \"services\": [{\"name\": \"web\", \"port\": 8080},"
	" {\"name\": \"db\", \"port\": 5432}],"
	" \"cfg\": {\"debug\": false, \"level\": \"info\"},"
	" \"extra\": {\"x\": [1]}, \"kind\": \"svc\", \"answer\": \"yes\","
	" \"cookiecutter\": {\"project_name\": \"My Project\","
	" \"use_docker\": \"y\", \"license\": [\"MIT\", \"BSD\"]},"
	" \"project_name\": \"my-service\","
	" \"description\": \"A minimal HTTP service\", \"owner\": \"Acme\","
	" \"registry\": \"ghcr.io\", \"language\": \"python\", \"port\": 8080,"
	" \"database\": \"postgres\", \"postgres_version\": \"17\","
	" \"cache\": \"none\", \"kubernetes\": true, \"ingress_host\": \"\","
	" \"github_actions\": true, \"trivy\": true, \"backup\": true,"
	" \"backup_schedule\": \"0 3 * * *\", \"backup_retention_days\": 7,"
	" \"multi_arch\": false, \"signing\": false,"
	" \"container_tool\": \"podman\", \"git_init\": true,"
	" \"image\": \"ghcr.io/acme/my-service\", \"app_version\": \"0.1.0\","
	" \"host\": \"my-service.example.com\","
	" \"namespace_staging\": \"my-service-staging\","
	" \"namespace_production\": \"my-service-production\","
	" \"go_module\": \"github.com/acme/my-service\","
	" \"pg_data_dir\": \"/var/lib/postgresql/data\","
	" \"backup_job_name\": \"my-service-pg-backup\"}";

/* Templates the loader offers besides "self", compiled once. */
static const struct {
	const char *name, *src;
} parts[] = {
	{ "part.j2", "{{ name }}:{% for v in xs %}{{ loop.index }}"
		     "{% endfor %}\n" },
	{ "vars.j2", "{% set shared = [1, 2] %}{% with w = 'x' %}"
		     "{{ w * 2 }}{% endwith %}{% include 'part.j2' %}" },
	{ "fails.j2", "{{ no_such_name }}" },
};
#define NPARTS (sizeof(parts) / sizeof(*parts))

static struct arena ctx_arena;
static struct value *ctx;
static struct tpl *compiled_parts[NPARTS];

/* Build the context and compile the loader's templates, once. */
static void fuzz_once(void)
{
	struct diag err = DIAG_INIT;
	json_error_t jerr;
	json_t *j;
	size_t i;

	if (ctx)
		return;
	j = json_loads(ctx_json, JSON_ALLOW_NUL, &jerr);
	FUZZ_CHECK(j && json_is_object(j), "the fixed context parses");
	arena_init(&ctx_arena);
	ctx = value_json_decode(&ctx_arena, j);
	json_decref(j);
	value_dict_set(&ctx_arena, ctx, "gone", VALUE_UNDEFINED_P);
	for (i = 0; i < NPARTS; i++)
		FUZZ_CHECK(!tpl_compile(parts[i].name, parts[i].src,
					strlen(parts[i].src), NULL,
					&compiled_parts[i], &err),
			   "the loader's templates compile");
}

/* The tpl_loader: "self" is the template being rendered (ud). */
static int fuzz_load(void *ud, const char *name, size_t len,
		     const struct tpl **out, struct diag *err)
{
	size_t i;

	if (len == 4 && !memcmp(name, "self", 4)) {
		*out = ud;
		return 0;
	}
	if (len == 9 && !memcmp(name, "broken.j2", 9))
		return diag_input(err, "broken.j2", "does not compile");
	for (i = 0; i < NPARTS; i++) {
		if (strlen(parts[i].name) == len &&
		    !memcmp(parts[i].name, name, len)) {
			*out = compiled_parts[i];
			return 0;
		}
	}
	return 1;
}

/* Evaluate src as a bare expression and print the result two ways. */
static void fuzz_expr(const char *src, size_t len)
{
	struct diag err = DIAG_INIT;
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct tpl_expr *e = NULL;
	struct value *v;

	if (!tpl_expr_compile("when", src, len, 3, 11, &e, &err) &&
	    !tpl_expr_eval(e, ctx, &world, &a, &v, &err)) {
		value_to_string(&sb, v);
		value_repr(&sb, v);
		(void)value_truthy(v);
	}
	tpl_expr_free(e);
	strbuf_release(&sb);
	arena_release(&a);
	fuzz_diag_done(&err);
}

/* Compile and render src with syntax (NULL: the default delimiters). */
static void fuzz_template(const char *src, size_t len,
			  const struct tpl_syntax *syntax)
{
	struct diag err = DIAG_INIT;
	struct strbuf out = STRBUF_INIT;
	struct tpl *t = NULL;
	struct tpl_loader ld = { fuzz_load, NULL };

	if (!tpl_compile("fuzz.j2", src, len, syntax, &t, &err)) {
		ld.ud = t;
		(void)tpl_render_with(t, ctx, &ld, &world, &out, &err);
	}
	tpl_free(t);
	strbuf_release(&out);
	fuzz_diag_done(&err);
}

/*
 * Split the header line (len bytes at p) into up to NSLOTS delimiters
 * in a, filling syntax in tpl_syntax order.
 */
static void parse_syntax(const char *p, size_t len, struct arena *a,
			 struct tpl_syntax *syntax)
{
	const char **slots[NSLOTS] = {
		&syntax->var_open, &syntax->var_close,
		&syntax->block_open, &syntax->block_close,
		&syntax->comment_open, &syntax->comment_close,
	};
	const char *end = p + len, *word;
	size_t n = 0;

	while (p < end && n < NSLOTS) {
		while (p < end && *p == ' ')
			p++;
		for (word = p; p < end && *p != ' '; p++)
			;
		if (p > word)
			*slots[n++] = arena_strndup(a, word,
						    (size_t)(p - word));
	}
}

/* "%%syntax ...\n" TEMPLATE: render with custom delimiters. */
static void fuzz_custom(const char *src, size_t len)
{
	struct tpl_syntax syntax = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct arena a = ARENA_INIT;
	const char *nl = memchr(src, '\n', len);
	size_t head;

	if (!nl)
		return;
	head = (size_t)(nl - src);
	parse_syntax(src, head, &a, &syntax);
	fuzz_template(nl + 1, len - head - 1, &syntax);
	arena_release(&a);
}

/* True when the n bytes at s start with the NUL-terminated tag. */
static bool has_tag(const char *s, size_t n, const char *tag)
{
	size_t tn = strlen(tag);

	return n >= tn && !memcmp(s, tag, tn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;

	fuzz_once();
	if (has_tag(src, size, EXPR_TAG))
		fuzz_expr(src + strlen(EXPR_TAG), size - strlen(EXPR_TAG));
	else if (has_tag(src, size, SYNTAX_TAG))
		fuzz_custom(src + strlen(SYNTAX_TAG),
			    size - strlen(SYNTAX_TAG));
	else
		fuzz_template(src, size, NULL);
	return 0;
}
