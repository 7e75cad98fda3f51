#include "merge.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "gitsrc.h"
#include "xalloc.h"

#define MERGE_LABEL_OURS "yours"
#define MERGE_LABEL_BASE "base"
#define MERGE_LABEL_THEIRS "template"

static const char *const kind_names[] = {
	[MERGE_UNCHANGED] = "unchanged",
	[MERGE_KEPT] = "kept",
	[MERGE_TAKEN] = "updated",
	[MERGE_ADDED] = "added",
	[MERGE_MERGED] = "merged",
	[MERGE_CONFLICT] = "conflict",
	[MERGE_BINARY_CONFLICT] = "conflict",
	[MERGE_REMOVED] = "removed",
	[MERGE_KEPT_DROPPED] = "kept",
	[MERGE_USER_DELETED] = "deleted",
};

const char *merge_kind_name(enum merge_kind kind)
{
	return kind_names[kind];
}

bool merge_kind_writes(enum merge_kind kind)
{
	return kind == MERGE_TAKEN || kind == MERGE_ADDED ||
		kind == MERGE_MERGED || kind == MERGE_CONFLICT;
}

bool merge_kind_conflicts(enum merge_kind kind)
{
	return kind == MERGE_CONFLICT || kind == MERGE_BINARY_CONFLICT;
}

bool merge_style_parse(const char *s, enum merge_style *out)
{
	if (!strcmp(s, "merge"))
		*out = MERGE_STYLE_MERGE;
	else if (!strcmp(s, "diff3"))
		*out = MERGE_STYLE_DIFF3;
	else
		return false;
	return true;
}

/*
 * The marker line kind c ('<', '|', '=' or '>') that line (n bytes, no
 * newline) is, or 0.  "=======" stands alone; the others take a label,
 * which must be genship's own unless any.
 */
static char marker_kind(const char *line, size_t n, bool any)
{
	static const char *const labels[] = {
		"<<<<<<< " MERGE_LABEL_OURS, "||||||| " MERGE_LABEL_BASE,
		">>>>>>> " MERGE_LABEL_THEIRS,
	};
	size_t i;

	if (n && line[n - 1] == '\r')
		n--;
	if (n == 7 && !memcmp(line, "=======", 7))
		return '=';
	for (i = 0; i < sizeof(labels) / sizeof(*labels); i++) {
		size_t want = any ? 8 : strlen(labels[i]);

		if (n >= want && (any || n == want) &&
		    !memcmp(line, labels[i], want))
			return labels[i][0];
	}
	return 0;
}

/*
 * The next state of the block scanner after a marker of kind k: 0 outside
 * a block, then '<', '|' (diff3 base section) and '='; a '>' after '='
 * completes a block, any other marker starts over.
 */
static char marker_next(char state, char k)
{
	if (k == '<')
		return '<';
	if (k == '|' && state == '<')
		return '|';
	if (k == '=' && (state == '<' || state == '|'))
		return '=';
	if (k == '>' && state == '=')
		return '>';
	return k ? 0 : state;
}

bool merge_has_markers(const char *data, size_t len, bool any)
{
	const char *p = data, *end = data + len;
	char state = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		state = marker_next(state, marker_kind(p, n, any));
		if (state == '>')
			return true;
		p += n + 1;
	}
	return false;
}

void merge_result_release(struct merge_result *r)
{
	free(r->data);
	*r = (struct merge_result)MERGE_RESULT_INIT;
}

static bool is_binary(const char *data, size_t len)
{
	return data && memchr(data, '\0', len) != NULL;
}

/* Point a libgit2 merge input at len bytes of data. */
static void set_input(git_merge_file_input *in, const char *data,
		      size_t len)
{
	git_merge_file_input_init(in, GIT_MERGE_FILE_INPUT_VERSION);
	in->ptr = data ? data : "";
	in->size = data ? len : 0;
}

/* True when any of in's texts is binary (holds a NUL byte). */
static bool any_binary(const struct merge_texts *in)
{
	return is_binary(in->base.data, in->base.len) ||
		is_binary(in->ours.data, in->ours.len) ||
		is_binary(in->theirs.data, in->theirs.len);
}

int merge_text(const struct merge_texts *in, enum merge_style style,
	       char **out, size_t *len, bool *conflict, struct diag *err)
{
	git_merge_file_input b, o, t;
	git_merge_file_options opts;
	git_merge_file_result res;

	if (any_binary(in))
		return diag_input(err, NULL, "cannot merge binary files line "
				  "by line");
	set_input(&b, in->base.data, in->base.len);
	set_input(&o, in->ours.data, in->ours.len);
	set_input(&t, in->theirs.data, in->theirs.len);
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
	opts.ancestor_label = MERGE_LABEL_BASE;
	opts.our_label = MERGE_LABEL_OURS;
	opts.their_label = MERGE_LABEL_THEIRS;
	opts.flags = style == MERGE_STYLE_DIFF3 ? GIT_MERGE_FILE_STYLE_DIFF3 :
		GIT_MERGE_FILE_STYLE_MERGE;
	memset(&res, 0, sizeof(res));
	git_libgit2_init();	/* reference-counted: callers need not */
	if (git_merge_file(&res, &b, &o, &t, &opts) < 0) {
		diag_fail(err, "line merge failed: %s", gitsrc_last_error());
		git_libgit2_shutdown();
		return ERR_FAIL;
	}
	*out = xstrndup(res.ptr ? res.ptr : "", res.len);
	*len = res.len;
	*conflict = !res.automergeable;
	git_merge_file_result_free(&res);
	git_libgit2_shutdown();
	return 0;
}

static bool same_bytes(const struct merge_side *a, const struct merge_side *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* True when side s is what genship recorded (blob id equality). */
static bool matches_blob(const struct merge_side *s, const char *blob)
{
	char id[BLOB_HEXSZ + 1];

	blob_id(s->data, s->len, id);
	return !strcmp(id, blob);
}

/* Mode to write: the user's, unless the template changed the mode. */
static unsigned result_mode(const struct merge_input *in)
{
	if (!in->ours.present)
		return in->theirs.mode;
	if (in->base.data && in->theirs.mode != in->base.mode)
		return in->theirs.mode;
	return in->ours.mode;
}

static void take(struct merge_result *r, enum merge_kind kind,
		 const struct merge_side *s, unsigned mode)
{
	r->kind = kind;
	r->data = xstrndup(s->data, s->len);
	r->len = s->len;
	r->mode = mode;
}

/* Both sides changed the file: 3-way with base bytes, else 2-way. */
static int merge_both(const struct merge_input *in, struct merge_result *r,
		      struct diag *err)
{
	struct merge_texts texts = { in->base, in->ours, in->theirs };
	bool conflict = false;
	int ret;

	if (any_binary(&texts)) {
		r->kind = MERGE_BINARY_CONFLICT;
		return 0;
	}
	ret = merge_text(&texts, in->style, &r->data, &r->len, &conflict,
			 err);
	if (ret)
		return ret;
	r->kind = conflict || !in->base.data ? MERGE_CONFLICT : MERGE_MERGED;
	r->mode = result_mode(in);
	return 0;
}

/* The template no longer generates the path. */
static void decide_dropped(const struct merge_input *in,
			   struct merge_result *r)
{
	if (!in->ours.present)
		r->kind = MERGE_UNCHANGED;
	else if (matches_blob(&in->ours, in->base_blob))
		r->kind = MERGE_REMOVED;
	else
		r->kind = MERGE_KEPT_DROPPED;
}

/* The path is new: genship never wrote it. */
static int decide_new(const struct merge_input *in, struct merge_result *r,
		      struct diag *err)
{
	struct merge_input two_way = *in;

	two_way.base = (struct merge_side){ false, NULL, 0, 0 };
	if (!in->ours.present) {
		take(r, MERGE_ADDED, &in->theirs, in->theirs.mode);
		return 0;
	}
	if (same_bytes(&in->ours, &in->theirs))
		return 0;
	return merge_both(&two_way, r, err);
}

int merge_decide(const struct merge_input *in, struct merge_result *out,
		 struct diag *err)
{
	struct merge_result r = MERGE_RESULT_INIT;
	int ret = 0;

	if (!in->base_blob && !in->theirs.present)
		r.kind = MERGE_UNCHANGED;
	else if (!in->base_blob)
		ret = decide_new(in, &r, err);
	else if (!in->theirs.present)
		decide_dropped(in, &r);
	else if (!in->ours.present)
		r.kind = MERGE_USER_DELETED;
	else if (same_bytes(&in->ours, &in->theirs))
		r.kind = MERGE_UNCHANGED;
	else if (matches_blob(&in->ours, in->base_blob))
		take(&r, MERGE_TAKEN, &in->theirs, result_mode(in));
	else if (matches_blob(&in->theirs, in->base_blob))
		r.kind = MERGE_KEPT;
	else
		ret = merge_both(in, &r, err);
	if (ret) {
		merge_result_release(&r);
		return ret;
	}
	*out = r;
	return 0;
}
