/* Unit tests for the utilities: strbuf, arena, diag, fsutil, blob. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "blob.h"
#include "diag.h"
#include "fsutil.h"
#include "strbuf.h"
#include "tap.h"
#include "utf8.h"
#include "xalloc.h"

static void test_strbuf(void)
{
	struct strbuf sb = STRBUF_INIT, capped;
	char *p;
	size_t len;

	strbuf_adds(&sb, "abc");
	strbuf_addf(&sb, "-%d-", 42);
	strbuf_addch(&sb, 'z');
	is_str(sb.buf, "abc-42-z", "strbuf appends strings, formats, bytes");
	strbuf_setlen(&sb, 3);
	is_str(sb.buf, "abc", "strbuf_setlen truncates");
	p = strbuf_detach(&sb, &len);
	is_int((long long)len, 3, "strbuf_detach returns the length");
	is_str(sb.buf, "", "a detached strbuf is empty again");
	free(p);

	strbuf_add_shell_quoted(&sb, "a/b.yaml", 8);
	strbuf_addch(&sb, ' ');
	strbuf_add_shell_quoted(&sb, "it's", 4);
	strbuf_addch(&sb, ' ');
	strbuf_add_shell_quoted(&sb, "", 0);
	is_str(sb.buf, "a/b.yaml 'it'\\''s' ''",
	       "strbuf_add_shell_quoted quotes only when needed");
	ok(strbuf_lines_contain("a\nbc\n", "bc") &&
	   !strbuf_lines_contain("a\nbc\n", "b") &&
	   !strbuf_lines_contain("ab\n", "b"),
	   "strbuf_lines_contain matches whole lines");
	strbuf_release(&sb);

	strbuf_init(&capped, 5);
	strbuf_adds(&capped, "1234");
	ok(!capped.overflow, "writes within the cap succeed");
	strbuf_adds(&capped, "56");
	ok(capped.overflow, "a write past the cap sets overflow");
	is_str(capped.buf, "1234", "a write past the cap is dropped whole");
	strbuf_release(&capped);
}

static void test_strbuf_wrapped(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "ab: ");
	strbuf_add_wrapped(&sb, "one two  three four", 4, 2, 14);
	is_str(sb.buf, "ab: one two\n  three four",
	       "strbuf_add_wrapped fills lines to the width, then indents");
	strbuf_reset(&sb);
	strbuf_add_wrapped(&sb, "averyveryverylongword x", 0, 1, 10);
	is_str(sb.buf, "averyveryverylongword\n x",
	       "a word longer than a line stands alone");
	strbuf_reset(&sb);
	strbuf_add_wrapped(&sb, "\xc3\xa9\xc3\xa9\xc3\xa9 abc", 0, 0, 7);
	is_str(sb.buf, "\xc3\xa9\xc3\xa9\xc3\xa9 abc",
	       "columns count characters, not bytes");
	strbuf_release(&sb);
}

static void test_arena(void)
{
	struct arena a = ARENA_INIT;
	char *s = arena_strndup(&a, "hello world", 5);
	void *big = arena_alloc(&a, 1 << 20);
	int *z = arena_zalloc(&a, 16 * sizeof(int));

	is_str(s, "hello", "arena_strndup copies n bytes");
	ok(big != NULL, "an allocation bigger than a block succeeds");
	ok(((uintptr_t)big % 16) == 0, "arena blocks are 16-byte aligned");
	ok(z[0] == 0 && z[15] == 0, "arena_zalloc zeroes");
	is_str(arena_printf(&a, "%s-%d", "x", 7), "x-7", "arena_printf");
	arena_release(&a);
	ok(a.head == NULL, "arena_release empties the arena");
}

static void test_diag(void)
{
	static const char text[] = "a: 1\nb: \xc3\xa9x\n";
	struct diag_src src = { "f.yml", text, sizeof(text) - 1, 0, 0 };
	struct diag d = DIAG_INIT;
	unsigned line, col;
	const char *cands[] = { "default", "pattern", "choices" };
	const char *longs[] = { "project_name_with_a_long_prefix_x",
				"project_name_with_a_long_suffix_xy" };

	diag_linecol(&src, 9, &line, &col);
	is_int(line, 2, "offset to line");
	is_int(col, 5, "columns count characters, not bytes");
	is_int(diag_at(&d, &src, 9, "bad '%s'", "x"), ERR_INPUT,
	       "diag_at returns ERR_INPUT");
	is_str(d.file, "f.yml", "diag records the file");
	is_str(d.excerpt, "b: \xc3\xa9x", "diag records the source line");
	diag_at(&d, &src, 0, "second");
	is_str(d.msg, "bad 'x'", "the first error is kept");
	diag_release(&d);
	is_str(diag_closest("defualt", cands, 3), "default",
	       "diag_closest finds a transposition");
	ok(diag_closest("zzzzzz", cands, 3) == NULL,
	   "diag_closest rejects far words");
	ok(diag_closest_within("defualt", cands, 3, 1) == NULL,
	   "a transposition is two edits");
	is_str(diag_closest_within("pattren", cands, 3, 2), "pattern",
	       "diag_closest_within takes a limit");
	is_str(diag_closest_within("xhoices", cands, 3, 1), "choices",
	       "one substitution is one edit");
	is_str(diag_closest_within("", cands, 3, 7), "default",
	       "the first of equally close candidates wins");
	ok(diag_closest_within("a_very_long_option_name_here_and_more",
			       cands, 3, 3) == NULL,
	   "lengths further apart than the limit are not close");
	is_str(diag_closest_within("project_name_with_a_long_suffix_x", longs,
				   2, 3), longs[1],
	       "long names are compared whole");
}

/* A line of n copies of c with "XY" at 0-based column at. */
static char *long_line(size_t n, char c, size_t at)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	memcpy(s + at, "XY", 2);
	return s;
}

static void test_diag_window(void)
{
	char *line = long_line(1000, 'a', 500);
	struct diag_src src = { "big", line, 1000, 0, 0 };
	struct diag d = DIAG_INIT;

	diag_at(&d, &src, 500, "bad");
	is_int((long long)strlen(d.excerpt), 3 + DIAG_EXCERPT_COLS + 3,
	       "a long line is cut to a window with a mark at each cut");
	ok(!strncmp(d.excerpt, "...", 3) &&
	   !strcmp(d.excerpt + strlen(d.excerpt) - 3, "..."),
	   "both cuts are marked");
	is_int(d.col, 501, "the column stays the column in the file");
	ok(!strncmp(d.excerpt + d.caret - 1, "XY", 2),
	   "the caret stays under the character it points at");
	diag_release(&d);

	diag_at(&d, &src, 0, "bad");
	ok(strncmp(d.excerpt, "...", 3) && d.caret == 1,
	   "a caret near the start: no cut before it");
	diag_release(&d);

	diag_at(&d, &src, 1000, "bad");
	is_int(d.caret, 3 + DIAG_EXCERPT_COLS + 1,
	       "a caret past the end: after the last column shown");
	ok(strcmp(d.excerpt + strlen(d.excerpt) - 3, "..."),
	   "a caret past the end: no cut after it");
	diag_release(&d);
	free(line);

	src.text = "ok \xff\x1b[31m \xc3\xa9!";
	src.len = strlen(src.text);
	diag_at(&d, &src, src.len - 1, "bad");
	is_str(d.excerpt, "ok ??[31m \xc3\xa9!",
	       "bad bytes and controls show as '?'");
	is_int(d.col, 12, "a bad byte is one column");
	is_int(d.caret, 12, "the caret counts a bad byte as one column");
	diag_release(&d);
}

/* utf8_decode() of the n bytes at s: "len U+XXXX", or "0 (0xNN)". */
static const char *decoded(const char *s, size_t n)
{
	static char buf[32];
	uint32_t cp = 0xFFFFFFFF;
	size_t len = utf8_decode(s, n, &cp);

	snprintf(buf, sizeof(buf), len ? "%zu U+%04X" : "%zu (0x%02X)", len,
		 (unsigned)cp);
	return buf;
}

static void test_utf8_decode(void)
{
	char buf[4];

	is_str(decoded("a", 1), "1 U+0061", "ASCII is one byte");
	is_str(decoded("\x00", 1), "1 U+0000", "NUL is a character");
	is_str(decoded("\xc2\x80", 2), "2 U+0080", "the first 2-byte form");
	is_str(decoded("\xdf\xbf", 2), "2 U+07FF", "the last 2-byte form");
	is_str(decoded("\xe0\xa0\x80", 3), "3 U+0800", "the first 3-byte form");
	is_str(decoded("\xed\x9f\xbf", 3), "3 U+D7FF", "just below surrogates");
	is_str(decoded("\xee\x80\x80", 3), "3 U+E000", "just above surrogates");
	is_str(decoded("\xef\xbf\xbf", 3), "3 U+FFFF", "the last 3-byte form");
	is_str(decoded("\xf0\x90\x80\x80", 4), "4 U+10000",
	       "the first 4-byte form");
	is_str(decoded("\xf4\x8f\xbf\xbf", 4), "4 U+10FFFF",
	       "the last code point");
	is_str(decoded("\xed\xa0\x80", 3), "0 (0xED)",
	       "a high surrogate is no character");
	is_str(decoded("\xed\xbf\xbf", 3), "0 (0xED)",
	       "a low surrogate is no character");
	is_str(decoded("\xc0\x80", 2), "0 (0xC0)", "an overlong NUL is bad");
	is_str(decoded("\xc1\xbf", 2), "0 (0xC1)", "an overlong 2-byte form");
	is_str(decoded("\xe0\x9f\xbf", 3), "0 (0xE0)",
	       "an overlong 3-byte form");
	is_str(decoded("\xf0\x8f\xbf\xbf", 4), "0 (0xF0)",
	       "an overlong 4-byte form");
	is_str(decoded("\xf4\x90\x80\x80", 4), "0 (0xF4)",
	       "past U+10FFFF is bad");
	is_str(decoded("\xf5\x80\x80\x80", 4), "0 (0xF5)",
	       "a lead byte past F4 is bad");
	is_str(decoded("\x80", 1), "0 (0x80)", "a lone continuation is bad");
	is_str(decoded("\xe2\x82", 2), "0 (0xE2)", "a truncated sequence");
	is_str(decoded("\xe2\x82\xac", 2), "0 (0xE2)",
	       "n bounds the sequence");
	is_str(decoded("\xe2(\xac", 3), "0 (0xE2)", "a missing continuation");
	is_int((long long)utf8_decode("\xc3\xa9", 2, NULL), 2,
	       "the code point is optional");
	is_int((long long)utf8_next("\xed\xa0\x80", 3, NULL), 1,
	       "utf8_next steps over a surrogate byte by byte");
	is_int((long long)utf8_count("a\xed\xa0\x80\xc3\xa9", 6), 5,
	       "utf8_count counts each bad byte as one");
	is_int((long long)utf8_offset("\xc3\xa9\xe2\x82\xacz", 6, 2), 5,
	       "utf8_offset of a character index");
	is_int((long long)utf8_offset("ab", 2, 9), 2,
	       "utf8_offset past the end is the length");
	is_int((long long)utf8_back("a\xe2\x82\xac", 0, 4), 1,
	       "utf8_back finds the start of a character");
	is_int((long long)utf8_back("a\x82\xac", 0, 3), 2,
	       "utf8_back steps back one bad byte");
	is_int((long long)utf8_put(buf, 0x20AC), 3, "utf8_put's length");
	ok(!memcmp(buf, "\xe2\x82\xac", 3), "utf8_put's bytes");
	is_int((long long)utf8_put(buf, 0x10FFFF), 4, "utf8_put of the last");
	ok(!memcmp(buf, "\xf4\x8f\xbf\xbf", 4), "utf8_put round-trips");
}

static void test_utf8_invalid(void)
{
	static const char good[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	struct diag_src src = { "t", "ab\xff", 3, 0, 0 };
	struct diag d = DIAG_INIT;

	is_int((long long)utf8_invalid(good, sizeof(good) - 1),
	       (long long)sizeof(good) - 1, "valid UTF-8 has no bad byte");
	is_int((long long)utf8_invalid("ab\xc3(", 4), 2,
	       "a truncated sequence is bad where it starts");
	is_int((long long)utf8_invalid("\xc0\xaf", 2), 0,
	       "an overlong form is bad");
	is_int((long long)utf8_invalid("x\xed\xa0\x80", 4), 1,
	       "a surrogate is bad");
	is_int((long long)utf8_invalid("\xf4\x90\x80\x80", 4), 0,
	       "a code point past U+10FFFF is bad");
	is_int((long long)utf8_invalid("", 0), 0, "nothing is valid");
	is_int(diag_bad_utf8(&d, &src, 2), ERR_INPUT,
	       "diag_bad_utf8 is an input error");
	is_str(d.msg, "invalid UTF-8: unexpected byte 0xff",
	       "diag_bad_utf8 names the byte");
	is_int(d.col, 3, "diag_bad_utf8 points at the byte");
	diag_release(&d);
}

static void test_fsutil_blob(void)
{
	char hex[BLOB_HEXSZ + 1];
	char *d = fs_dirname("a/b/c.txt"), *b = fs_basename("a/b/c.txt/");

	is_str(d, "a/b", "fs_dirname");
	is_str(b, "c.txt", "fs_basename ignores a trailing slash");
	free(d);
	free(b);
	blob_id("hello\n", 6, hex);
	is_str(hex, "ce013625030ba8dba906f756967f9e9ca394464a",
	       "blob_id matches git hash-object");
	blob_id("", 0, hex);
	is_str(hex, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
	       "blob_id of empty content");
}

/* fs_read_input: regular files only, never blocking, with a size cap. */
static void test_fsutil_read_input(void)
{
	char dir[] = "/tmp/test-util.XXXXXX", *fifo, *file, *data = NULL;
	struct diag err = DIAG_INIT;
	size_t len = 0;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	fifo = fs_join(dir, "fifo");
	file = fs_join(dir, "file");
	ok(mkfifo(fifo, 0600) == 0, "mkfifo");
	is_int(fs_read_input(fifo, "shown", 8, &data, &len, &err), ERR_INPUT,
	       "a FIFO is refused without blocking");
	is_str(err.msg, "cannot read file: not a regular file",
	       "the FIFO's message");
	is_str(err.file, "shown", "errors name the shown name");
	diag_release(&err);
	is_int(fs_read_file("/dev/zero", &data, &len, &err), ERR_INPUT,
	       "a character device is refused");
	diag_release(&err);
	fs_write_new(file, "123456789", 9, 0600);
	is_int(fs_read_input(file, NULL, 8, &data, &len, &err), ERR_INPUT,
	       "a file past the cap is refused");
	is_str(err.msg, "file exceeds 8 bytes", "the cap's message");
	is_int((int)err.col, 9, "located at the first byte past the cap");
	ok(data == NULL, "*data untouched on failure");
	diag_release(&err);
	is_int(fs_read_input(file, NULL, 9, &data, &len, &err), 0,
	       "a file at the cap is read");
	is_str(data, "123456789", "whole");
	free(data);
	unlink(fifo);
	unlink(file);
	rmdir(dir);
	free(fifo);
	free(file);
}

int main(void)
{
	test_strbuf();
	test_strbuf_wrapped();
	test_arena();
	test_diag();
	test_diag_window();
	test_utf8_decode();
	test_utf8_invalid();
	test_fsutil_blob();
	test_fsutil_read_input();
	return tap_done();
}
