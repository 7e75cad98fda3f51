/*
 * fuzz-set: `--set NAME=VALUE` parsing and resolution against the
 * built-in service template's manifest.
 *
 * The input is a list of NUL-separated pieces.  A piece starting with '?'
 * is one line typed at the prompt (without the '?'); every other piece is
 * one --set argument, added with answer_set_add_cli() until one fails, as
 * answer_set_gather() does.  The answers are then resolved, through the
 * interview reading the typed lines when there are any.  A
 * context that resolves must survive being recorded in .genship.yml and
 * resolved again.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "arena.h"
#include "diag.h"
#include "fuzz.h"
#include "interview.h"
#include "strbuf.h"
#include "tpl-value.h"

/* Print every value as hooks receive it in GENSHIP_OPT_*. */
static void format_args(const struct value *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ctx->u.dict.len; i++) {
		strbuf_reset(&sb);
		option_format_arg(&sb, ctx->u.dict.items[i].val);
	}
	strbuf_release(&sb);
}

/* Resolve the service template from set, typed lines in typed. */
static void resolve(const struct answer_set *set, const struct strbuf *typed)
{
	const struct manifest *m = fuzz_service_manifest();
	struct answers_opts how = { 0 };
	struct interview iv;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx = NULL;
	FILE *in = NULL;
	int ret;

	if (typed->len) {
		in = fmemopen(typed->buf, typed->len, "r");
		FUZZ_CHECK(in, "fmemopen works");
		interview_init(&iv, in, fuzz_null());
		how.prompt = interview_ask;
		how.prompt_ud = &iv;
	}
	ret = answers_resolve(m, set, &how, &a, &ctx, &err);
	if (!ret) {
		format_args(ctx);
		fuzz_check_round_trip(m, ctx, &a);
	}
	if (in)
		fclose(in);
	arena_release(&a);
	fuzz_diag_done(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_set set = ANSWER_SET_INIT;
	struct strbuf piece = STRBUF_INIT, typed = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	const char *p = (const char *)data, *end = p + size, *nul;
	int ret = 0;

	while (!ret && p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			nul = end;
		strbuf_reset(&piece);
		strbuf_add(&piece, p, (size_t)(nul - p));
		if (piece.len && piece.buf[0] == '?') {
			strbuf_add(&typed, piece.buf + 1, piece.len - 1);
			strbuf_addch(&typed, '\n');
		} else {
			ret = answer_set_add_cli(&set, piece.buf, &err);
		}
		p = nul + 1;
	}
	if (!ret)
		resolve(&set, &typed);
	answer_set_release(&set);
	strbuf_release(&piece);
	strbuf_release(&typed);
	fuzz_diag_done(&err);
	return 0;
}
