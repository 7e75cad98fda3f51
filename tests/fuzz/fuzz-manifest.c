/*
 * fuzz-manifest: the genship.yml loader (libyaml, the schema check,
 * libcyaml, patterns, expressions, defaults, matrix values, delimiters,
 * hooks).  A refused manifest must be refused as bad input: libcyaml
 * failing on text the schema check accepted is an internal error.
 *
 * The input is the manifest text.  When it loads, the harness also does
 * what the commands do next with a manifest: match the file rules against
 * the paths of the built-in template, coerce every matrix value again,
 * resolve the default context (evaluating `when`, `computed` and
 * `constraints`) and, when that succeeds, checks that the answers file
 * recorded from it resolves back to the same context (the round trip
 * `genship update` relies on).
 */
#include <stdint.h>
#include <string.h>

#include "answers.h"
#include "arena.h"
#include "diag.h"
#include "fuzz.h"
#include "manifest.h"
#include "strbuf.h"
#include "tpl-value.h"

/* Match every file rule against the built-in template's paths. */
static void match_files(const struct manifest *m)
{
	static const char prefix[] = "templates/service/template/";
	size_t i, n = strlen(prefix);

	for (i = 0; i < builtin_nfiles; i++)
		if (!strncmp(builtin_files[i].path, prefix, n))
			(void)manifest_file_rule(m, builtin_files[i].path + n);
	(void)manifest_file_rule(m, "");
	(void)manifest_file_rule(m, "a//b/../c/");
}

/*
 * Coerce o's default and matrix values again and print them.  A typed
 * matrix value must pass again; a default may be the implicit one, which
 * the loader does not check against the pattern, so it is only tried.
 */
static void coerce_values(const struct option *o, struct arena *a)
{
	struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
	struct value *v;
	size_t i;

	option_format_value(&sb, o->def);
	option_format_arg(&sb, o->def);
	(void)option_coerce(o, o->def, a, &v, &why);
	for (i = 0; o->matrix && i < o->matrix->u.list.len; i++)
		FUZZ_CHECK(!option_coerce(o, o->matrix->u.list.items[i], a,
					  &v, &why),
			   "an option's typed matrix value coerces again");
	strbuf_release(&sb);
	strbuf_release(&why);
}

/* Use a loaded manifest the way the commands do. */
static void exercise(const struct manifest *m)
{
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = NULL;
	size_t i;

	match_files(m);
	for (i = 0; i < m->noptions; i++)
		coerce_values(&m->options[i], &a);
	if (!answers_resolve(m, NULL, NULL, &a, &ctx, &err))
		fuzz_check_round_trip(m, ctx, &a);
	arena_release(&a);
	fuzz_diag_done(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag err = DIAG_INIT;
	struct manifest *m = NULL;

	if (!manifest_load("genship.yml", (const char *)data, size, &m,
			   &err))
		exercise(m);
	else
		fuzz_check_refusal(&err, "a bad manifest is refused as bad "
				   "input (exit 2)");
	manifest_free(m);
	fuzz_diag_done(&err);
	return 0;
}
