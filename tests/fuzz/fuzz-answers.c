/*
 * fuzz-answers: the answers-file loaders.
 *
 * The same input is read two ways:
 *   - answers_file_load(), as `genship update` and `check` read a
 *     project's .genship.yml.  A file that loads must format to text that
 *     loads again and formats to the same bytes (answers_file_format()
 *     promises the round trip);
 *   - answer_set_add_file(), as `--answers FILE` reads it, then
 *     answers_resolve() against the built-in service manifest.
 */
#include <stdint.h>
#include <string.h>

#include "answers.h"
#include "arena.h"
#include "diag.h"
#include "fuzz.h"
#include "strbuf.h"

/* format(load(text)) loads again and formats to the same bytes. */
static void check_format(const struct answers_file *af)
{
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	struct answers_file *again = NULL;
	struct diag err = DIAG_INIT;

	answers_file_format(af, &once);
	if (answers_file_load(".genship.yml", once.buf, once.len, &again,
			      &err))
		fuzz_fail("a formatted answers file loads", &err, once.buf);
	answers_file_format(again, &twice);
	if (once.len != twice.len || memcmp(once.buf, twice.buf, once.len))
		fuzz_fail("a reloaded answers file formats to the same bytes",
			  NULL, twice.buf);
	answers_file_free(again);
	strbuf_release(&once);
	strbuf_release(&twice);
	diag_release(&err);
}

/* Read text as a project's .genship.yml. */
static void fuzz_answers_file(const char *text, size_t len)
{
	struct answers_file *af = NULL;
	struct diag err = DIAG_INIT;

	if (!answers_file_load(".genship.yml", text, len, &af, &err))
		check_format(af);
	else
		fuzz_check_refusal(&err, "a bad answers file is refused as "
				   "bad input (exit 2)");
	answers_file_free(af);
	fuzz_diag_done(&err);
}

/* Read text as --answers FILE and resolve the service template with it. */
static void fuzz_answer_set(const char *text, size_t len)
{
	struct answer_set set = ANSWER_SET_INIT;
	struct diag err = DIAG_INIT;
	struct arena a = ARENA_INIT;
	struct value *ctx;

	if (!answer_set_add_file(&set, "answers.yml", text, len, &err))
		(void)answers_resolve(fuzz_service_manifest(), &set, NULL,
				      &a, &ctx, &err);
	answer_set_release(&set);
	arena_release(&a);
	fuzz_diag_done(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_answers_file((const char *)data, size);
	fuzz_answer_set((const char *)data, size);
	return 0;
}
