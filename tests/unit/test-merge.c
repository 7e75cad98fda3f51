/*
 * The merger: merge_text() (libgit2's line merge) and every branch of
 * merge_decide(), asserting the kind, the bytes and the mode.
 */
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "tap.h"

#define BASE "name: demo\nport: 8080\nreplicas: 1\nimage: app\nlog: info\n"
#define OURS_TOP "name: mine\nport: 8080\nreplicas: 1\nimage: app\nlog: info\n"
#define THEIRS_BOTTOM \
	"name: demo\nport: 8080\nreplicas: 1\nimage: app\nlog: debug\n"
#define BOTH "name: mine\nport: 8080\nreplicas: 1\nimage: app\nlog: debug\n"
#define OURS_PORT "name: demo\nport: 9090\nreplicas: 1\nimage: app\nlog: info\n"
#define THEIRS_PORT \
	"name: demo\nport: 8081\nreplicas: 1\nimage: app\nlog: info\n"
#define PORT_CONFLICT "name: demo\n<<<<<<< yours\nport: 9090\n=======\n" \
	"port: 8081\n>>>>>>> template\nreplicas: 1\nimage: app\nlog: info\n"
#define PORT_DIFF3 "name: demo\n<<<<<<< yours\nport: 9090\n" \
	"||||||| base\nport: 8080\n=======\nport: 8081\n>>>>>>> template\n" \
	"replicas: 1\nimage: app\nlog: info\n"

static char base_blob[BLOB_HEXSZ + 1];

static struct merge_side side(const char *s, unsigned mode)
{
	struct merge_side m = { s != NULL, s, s ? strlen(s) : 0, mode };

	return m;
}

/* An input whose base was recorded as BASE, with bytes known or not. */
static struct merge_input input(const char *ours, const char *theirs,
				bool base_known)
{
	struct merge_input in = { "f.yaml", side(BASE, 0644), base_blob,
				  side(ours, 0644), side(theirs, 0644),
				  MERGE_STYLE_MERGE };

	if (!base_known)
		in.base.data = NULL;
	return in;
}

static void decide(const struct merge_input *in, struct merge_result *r)
{
	struct diag err = DIAG_INIT;

	*r = (struct merge_result)MERGE_RESULT_INIT;
	if (merge_decide(in, r, &err))
		printf("# merge_decide failed: %s\n", err.msg);
	diag_release(&err);
}

/* The texts of a line merge; b may be NULL (no base). */
static struct merge_texts texts(const char *b, const char *o, const char *t)
{
	struct merge_texts in = { side(b, 0644), side(o, 0644),
				  side(t, 0644) };

	return in;
}

static void test_merge_text(void)
{
	struct diag err = DIAG_INIT;
	struct merge_texts in = texts(BASE, OURS_TOP, THEIRS_BOTTOM);
	char *out = NULL;
	size_t len = 0;
	bool conflict = true;
	int ret;

	ret = merge_text(&in, MERGE_STYLE_MERGE, &out, &len, &conflict, &err);
	is_int(ret, 0, "merge_text: disjoint edits merge");
	ok(!conflict, "merge_text: no conflict for disjoint edits");
	is_str(out, BOTH, "merge_text: both edits are in the result");
	is_int((long long)len, (long long)strlen(BOTH), "merge_text: length");
	free(out);

	in = texts(BASE, OURS_PORT, THEIRS_PORT);
	ret = merge_text(&in, MERGE_STYLE_MERGE, &out, &len, &conflict, &err);
	ok(!ret && conflict, "merge_text: same line changed conflicts");
	is_str(out, PORT_CONFLICT, "merge_text: git-style labelled markers");
	free(out);

	ret = merge_text(&in, MERGE_STYLE_DIFF3, &out, &len, &conflict, &err);
	ok(!ret && conflict, "merge_text: diff3 conflicts too");
	is_str(out, PORT_DIFF3, "merge_text: diff3 shows the base section");
	free(out);

	in = texts(NULL, "a\nb\n", "a\nc\n");
	ret = merge_text(&in, MERGE_STYLE_MERGE, &out, &len, &conflict, &err);
	ok(!ret && conflict, "merge_text: 2-way difference conflicts");
	is_str(out, "a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> template\n",
	       "merge_text: 2-way keeps common lines outside the markers");
	free(out);

	out = NULL;
	in = texts("a\n", NULL, "c\n");
	in.ours = (struct merge_side){ true, "a\0b", 3, 0644 };
	ret = merge_text(&in, MERGE_STYLE_MERGE, &out, &len, &conflict, &err);
	is_int(ret, ERR_INPUT, "merge_text: binary input is refused");
	is_str(err.msg, "cannot merge binary files line by line",
	       "merge_text: binary message");
	ok(out == NULL, "merge_text: nothing returned on failure");
	diag_release(&err);
}

static void test_markers(void)
{
	static const char other[] = "<<<<<<< HEAD\na\n=======\nb\n"
		">>>>>>> topic\n";
	static const char no_sep[] = "<<<<<<< yours\na\n>>>>>>> template\n";
	static const char crlf[] = "<<<<<<< yours\r\na\r\n=======\r\n"
		"b\r\n>>>>>>> template\r\n";
	enum merge_style st = MERGE_STYLE_MERGE;

	ok(merge_has_markers(PORT_CONFLICT, strlen(PORT_CONFLICT), false),
	   "markers: genship's merge-style block");
	ok(merge_has_markers(PORT_DIFF3, strlen(PORT_DIFF3), false),
	   "markers: genship's diff3 block");
	ok(merge_has_markers(crlf, strlen(crlf), false),
	   "markers: CRLF lines");
	ok(!merge_has_markers(other, strlen(other), false),
	   "markers: another tool's labels are not genship's");
	ok(merge_has_markers(other, strlen(other), true),
	   "markers: any labels in a recorded conflict");
	ok(!merge_has_markers(no_sep, strlen(no_sep), true),
	   "markers: no ======= line, no block");
	ok(!merge_has_markers(BOTH, strlen(BOTH), true),
	   "markers: none in a clean file");
	ok(merge_style_parse("diff3", &st) && st == MERGE_STYLE_DIFF3,
	   "style: diff3");
	ok(!merge_style_parse("zdiff3", &st) && st == MERGE_STYLE_DIFF3,
	   "style: an unknown name is refused, *out untouched");
}

static void test_decide_basic(void)
{
	struct merge_input in;
	struct merge_result r;

	in = input(BASE, THEIRS_PORT, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_TAKEN, "untouched file takes theirs");
	is_str(r.data, THEIRS_PORT, "untouched file: theirs' bytes");
	merge_result_release(&r);

	in = input(OURS_PORT, BASE, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_KEPT, "template unchanged keeps the edit");
	ok(r.data == NULL, "kept: nothing to write");

	in = input(OURS_TOP, THEIRS_BOTTOM, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_MERGED, "both changed, disjoint: merged");
	is_str(r.data, BOTH, "merged bytes");
	merge_result_release(&r);

	in = input(OURS_PORT, THEIRS_PORT, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_CONFLICT, "both changed one line: conflict");
	is_str(r.data, PORT_CONFLICT, "conflict bytes carry markers");
	merge_result_release(&r);

	in = input(THEIRS_PORT, THEIRS_PORT, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_UNCHANGED, "ours equals theirs: unchanged");

	in = input(BASE, BASE, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_UNCHANGED, "nothing changed: unchanged");
}

static void test_decide_presence(void)
{
	struct merge_input in;
	struct merge_result r;

	in = input(BASE, NULL, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_REMOVED, "dropped and untouched: removed");

	in = input(OURS_PORT, NULL, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_KEPT_DROPPED, "dropped but edited: kept");

	in = input(NULL, NULL, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_UNCHANGED, "dropped and already gone");

	in = input(NULL, THEIRS_PORT, true);
	decide(&in, &r);
	is_int(r.kind, MERGE_USER_DELETED, "deleted by the user stays "
	       "deleted even when the template changed it");
	ok(r.data == NULL, "user deleted: nothing to write");

	in = input(NULL, "new\n", true);
	in.base_blob = NULL;
	decide(&in, &r);
	is_int(r.kind, MERGE_ADDED, "new template file is added");
	is_str(r.data, "new\n", "added bytes");
	merge_result_release(&r);

	in = input("mine\n", "new\n", true);
	in.base_blob = NULL;
	decide(&in, &r);
	is_int(r.kind, MERGE_CONFLICT, "new file colliding with a user file "
	       "is a conflict");
	is_str(r.data, "<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> template\n",
	       "collision: 2-way markers");
	merge_result_release(&r);

	in = input("new\n", "new\n", true);
	in.base_blob = NULL;
	decide(&in, &r);
	is_int(r.kind, MERGE_UNCHANGED, "identical user file: no conflict");
}

static void test_decide_no_base(void)
{
	struct merge_input in;
	struct merge_result r;

	in = input(BASE, THEIRS_PORT, false);
	decide(&in, &r);
	is_int(r.kind, MERGE_TAKEN, "no base bytes: untouched by blob id");
	merge_result_release(&r);

	in = input(OURS_PORT, BASE, false);
	decide(&in, &r);
	is_int(r.kind, MERGE_KEPT, "no base bytes: template unchanged by "
	       "blob id");

	in = input(OURS_TOP, THEIRS_BOTTOM, false);
	decide(&in, &r);
	is_int(r.kind, MERGE_CONFLICT, "no base bytes: both changed is a "
	       "2-way conflict");
	ok(r.data && strstr(r.data, "<<<<<<< yours\nname: mine\n") &&
	   strstr(r.data, ">>>>>>> template\n"), "2-way conflict markers");
	merge_result_release(&r);
}

static void test_decide_binary_and_mode(void)
{
	static const char bin_ours[] = "x\0ours", bin_theirs[] = "x\0theirs";
	struct merge_input in = input(NULL, NULL, true);
	struct merge_result r;

	in.ours = (struct merge_side){ true, bin_ours, sizeof(bin_ours), 0644 };
	in.theirs = (struct merge_side){ true, bin_theirs, sizeof(bin_theirs),
					 0644 };
	decide(&in, &r);
	is_int(r.kind, MERGE_BINARY_CONFLICT, "binary both changed");
	ok(r.data == NULL, "binary conflict: ours is kept, nothing written");

	in = input(BASE, THEIRS_PORT, true);
	in.theirs.mode = 0755;
	decide(&in, &r);
	is_int(r.mode, 0755, "template's new mode applies to an untouched "
	       "file");
	merge_result_release(&r);

	in = input(OURS_TOP, THEIRS_BOTTOM, true);
	in.ours.mode = 0755;
	decide(&in, &r);
	is_int(r.mode, 0755, "user's chmod survives a merge");
	merge_result_release(&r);
}

static void test_kinds(void)
{
	is_str(merge_kind_name(MERGE_TAKEN), "updated", "name: updated");
	is_str(merge_kind_name(MERGE_BINARY_CONFLICT), "conflict",
	       "name: binary conflict");
	ok(merge_kind_writes(MERGE_CONFLICT) &&
	   !merge_kind_writes(MERGE_BINARY_CONFLICT) &&
	   !merge_kind_writes(MERGE_REMOVED), "writes: conflicts only with "
	   "markers");
	ok(merge_kind_conflicts(MERGE_BINARY_CONFLICT) &&
	   !merge_kind_conflicts(MERGE_MERGED), "conflicts: exit 1 kinds");
}

int main(void)
{
	git_libgit2_init();
	blob_id(BASE, strlen(BASE), base_blob);
	test_merge_text();
	test_markers();
	test_decide_basic();
	test_decide_presence();
	test_decide_no_base();
	test_decide_binary_and_mode();
	test_kinds();
	git_libgit2_shutdown();
	return tap_done();
}
