#ifndef GENSHIP_FUZZ_H
#define GENSHIP_FUZZ_H

/*
 * Helpers shared by the libFuzzer harnesses in tests/fuzz/.  Each harness
 * is one translation unit that includes this header once, so the helpers
 * are static inline.
 *
 * Contract of every harness: LLVMFuzzerTestOneInput() frees everything it
 * allocates for an input (LeakSanitizer runs after each one), and only
 * state built once by fuzz_once() lives across inputs, reachable from
 * static pointers.  A property that must hold (a round trip, say) is
 * checked with FUZZ_CHECK(), which aborts so that libFuzzer reports it
 * like a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "builtin.h"
#include "diag.h"
#include "manifest.h"
#include "strbuf.h"
#include "tpl-value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false: a broken property. */
#define FUZZ_CHECK(cond, what)                                           \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "fuzz: property failed: %s\n",   \
				(what));                                 \
			abort();                                         \
		}                                                        \
	} while (0)

/* A stream that swallows output, opened once. */
static inline FILE *fuzz_null(void)
{
	static FILE *fp;

	if (!fp)
		fp = fopen("/dev/null", "w");
	if (!fp)
		abort();
	return fp;
}

/*
 * Print err as the command layer would (exercising diag_print() on every
 * diagnostic the fuzzer provokes), then release it.
 */
static inline void fuzz_diag_done(struct diag *err)
{
	if (err->code)
		diag_print(err, fuzz_null());
	diag_release(err);
}

/* The embedded file at path (builtin-data.c), or abort. */
static inline const struct builtin_file *fuzz_builtin(const char *path)
{
	size_t i;

	for (i = 0; i < builtin_nfiles; i++)
		if (!strcmp(builtin_files[i].path, path))
			return &builtin_files[i];
	fprintf(stderr, "fuzz: no built-in file '%s'\n", path);
	abort();
}

/*
 * The built-in service manifest (templates/service/genship.yml), loaded
 * on the first call and kept for the whole run.  Aborts if it does not
 * load: the harness would test nothing.
 */
static inline const struct manifest *fuzz_service_manifest(void)
{
	static struct manifest *m;
	const struct builtin_file *f;
	struct diag err = DIAG_INIT;

	if (m)
		return m;
	f = fuzz_builtin("templates/service/genship.yml");
	if (manifest_load("genship.yml", f->data, f->len, &m, &err)) {
		diag_print(&err, stderr);
		abort();
	}
	return m;
}

/* Report a broken property with its diagnostic and text, and abort. */
static inline void fuzz_fail(const char *what, const struct diag *err,
			     const char *text)
{
	fprintf(stderr, "fuzz: property failed: %s\n", what);
	if (err && err->code)
		diag_print(err, stderr);
	if (text)
		fprintf(stderr, "--- text:\n%s\n---\n", text);
	abort();
}

/*
 * A loader refuses bad input with ERR_INPUT (exit 2).  ERR_FAIL from
 * parsing text is a bug, say libcyaml refusing what genship's own schema
 * check let through, unless memory ran out.
 */
static inline void fuzz_check_refusal(const struct diag *err,
				      const char *what)
{
	if (err->code == ERR_FAIL && !strstr(err->msg, "out of memory"))
		fuzz_fail(what, err, NULL);
}

/* Append ctx, recorded as genship records it in .genship.yml, to out. */
static inline void fuzz_record(const struct manifest *m,
			       const struct value *ctx, struct strbuf *out)
{
	struct answers_file *af = answers_file_new();
	size_t i;

	af->template_name = m->name;
	af->template_source = (char *)"fuzz";
	af->template_version = m->version;
	for (i = 0; i < m->noptions; i++)
		value_dict_set(&af->arena, af->answers, m->options[i].name,
			       value_dict_get(ctx, m->options[i].name));
	answers_file_format(af, out);
	answers_file_free(af);
}

/*
 * The answers recorded from ctx (a context m resolved) load as an
 * answers file and resolve to the same option values: what `genship
 * update` relies on.  Scratch values go to a.
 */
static inline void fuzz_check_round_trip(const struct manifest *m,
					 const struct value *ctx,
					 struct arena *a)
{
	struct answer_set set = ANSWER_SET_INIT;
	struct strbuf text = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	struct value *again = NULL;
	size_t i;

	fuzz_record(m, ctx, &text);
	if (answer_set_add_file(&set, ".genship.yml", text.buf, text.len,
				&err) ||
	    answers_resolve(m, &set, NULL, a, &again, &err))
		fuzz_fail("recorded answers resolve", &err, text.buf);
	for (i = 0; i < m->noptions; i++)
		if (!value_equal(value_dict_get(ctx, m->options[i].name),
				 value_dict_get(again, m->options[i].name)))
			fuzz_fail("recorded answers resolve to the same "
				  "values", NULL, text.buf);
	answer_set_release(&set);
	strbuf_release(&text);
	diag_release(&err);
}

#endif
