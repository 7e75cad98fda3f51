/*
 * Unit tests for matrix.c: the product, `when` collapse, constraints,
 * rotation of string values, ids, shards and the two output formats.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "tap.h"
#include "xalloc.h"

/* Load manifest text; NULL (and a failed test point) on error. */
static struct manifest *load(const char *text)
{
	struct manifest *m = NULL;
	struct diag err = DIAG_INIT;

	if (manifest_load("genship.yml", text, strlen(text), &m, &err)) {
		ok(0, "manifest loads");
		diag_print(&err, stdout);
	}
	diag_release(&err);
	return m;
}

/* Enumerate m into mx; returns the count, or -1 on error. */
static long enumerate(const struct manifest *m, struct matrix *mx)
{
	struct diag err = DIAG_INIT;
	long n = -1;

	if (!matrix_enumerate(m, mx, &err))
		n = (long)mx->len;
	else
		diag_print(&err, stdout);
	diag_release(&err);
	return n;
}

/* The answer `name` of c as a string ("true", "a,b", ...). */
static char *answer(const struct matrix_combo *c, const char *name)
{
	struct value *v = value_dict_get(c->answers, name);
	struct strbuf sb = STRBUF_INIT;

	if (v)
		option_format_value(&sb, v);
	return strbuf_detach(&sb, NULL);
}

/* How many combinations have answer name == want. */
static size_t count_answer(const struct matrix *mx, const char *name,
			   const char *want)
{
	size_t i, n = 0;

	for (i = 0; i < mx->len; i++) {
		char *a = answer(&mx->items[i], name);

		n += !strcmp(a, want);
		free(a);
	}
	return n;
}

static const char product_yml[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: lang\n    type: choice\n    choices: [py, js, go]\n"
	"  - name: k8s\n    type: bool\n    default: true\n"
	"  - name: extras\n    type: multi\n    choices: [a, b]\n"
	"    default: [a]\n";

static void test_product(void)
{
	struct manifest *m = load(product_yml);
	struct matrix mx = MATRIX_INIT;

	if (!m)
		return;
	/* 3 languages x 2 bools x {[a], [b], [a, b]} ([a] is the default). */
	is_int(enumerate(m, &mx), 18, "product of choice, bool and multi");
	is_int(count_answer(&mx, "extras", "a, b"), 6, "multi: all choices");
	is_int(count_answer(&mx, "extras", "b"), 6, "multi: each single");
	is_int(count_answer(&mx, "k8s", "true"), 9, "bool: both values");
	is_int(strspn(mx.items[0].id, "0123456789abcdef"), MATRIX_ID_LEN,
	       "ids are 8 hex digits");
	is_int(strlen(mx.items[0].id), MATRIX_ID_LEN, "ids have 8 digits");
	matrix_release(&mx);
	manifest_free(m);
}

static const char when_yml[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: database\n    type: choice\n    choices: [none, postgres]\n"
	"  - name: version\n    type: choice\n    choices: ['16', '17']\n"
	"    default: '17'\n    when: \"database == 'postgres'\"\n"
	"  - name: backup\n    type: bool\n"
	"    when: \"database == 'postgres'\"\n";

static void test_when_collapse(void)
{
	struct manifest *m = load(when_yml);
	struct matrix mx = MATRIX_INIT;
	size_t i, pinned = 0;

	if (!m)
		return;
	/* none: 1 (version and backup pinned); postgres: 2 x 2. */
	is_int(enumerate(m, &mx), 5, "options disabled by when collapse");
	for (i = 0; i < mx.len; i++) {
		char *db = answer(&mx.items[i], "database");
		char *v = answer(&mx.items[i], "version");
		char *b = answer(&mx.items[i], "backup");

		if (!strcmp(db, "none"))
			pinned += !strcmp(v, "17") && !strcmp(b, "false");
		free(db);
		free(v);
		free(b);
	}
	is_int(pinned, 1, "the collapsed combination has the defaults");
	matrix_release(&mx);
	manifest_free(m);
}

static const char constraint_yml[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: gha\n    type: bool\n"
	"  - name: signing\n    type: bool\n"
	"constraints:\n"
	"  - require: \"not signing or gha\"\n"
	"    message: signing needs gha\n";

static void test_constraints(void)
{
	struct manifest *m = load(constraint_yml);
	struct matrix mx = MATRIX_INIT;

	if (!m)
		return;
	is_int(enumerate(m, &mx), 3, "constraints filter combinations");
	is_int(count_answer(&mx, "signing", "true"), 1,
	       "signing only with gha");
	matrix_release(&mx);
	manifest_free(m);
}

static const char rotate_yml[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: name\n    type: string\n    default: app\n"
	"    matrix: [app, a-much-longer-name]\n"
	"  - name: registry\n    type: string\n    default: ghcr.io\n"
	"    matrix: [ghcr.io, registry.example.com]\n"
	"  - name: port\n    type: int\n    default: 8080\n"
	"  - name: lang\n    type: choice\n    choices: [py, js, go, rs]\n"
	"  - name: k8s\n    type: bool\n";

static void test_rotation(void)
{
	struct manifest *m = load(rotate_yml);
	struct matrix mx = MATRIX_INIT;
	size_t i, mixes[4] = { 0 };

	if (!m)
		return;
	is_int(enumerate(m, &mx), 8, "string matrix values do not multiply");
	for (i = 0; i < mx.len; i++) {
		char *n = answer(&mx.items[i], "name");
		char *r = answer(&mx.items[i], "registry");

		mixes[(!strcmp(n, "app") ? 0 : 2) +
		      (!strcmp(r, "ghcr.io") ? 0 : 1)]++;
		free(n);
		free(r);
	}
	ok(mixes[0] && mixes[1] && mixes[2] && mixes[3],
	   "every mix of two rotated options occurs");
	is_int(count_answer(&mx, "port", "8080"), 8, "int takes its default");
	matrix_release(&mx);
	manifest_free(m);
}

static const char rotate_choice_yml[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: lang\n    type: choice\n    choices: [py, js, go]\n"
	"  - name: file\n    type: choice\n    choices: [Containerfile, Dockerfile]\n"
	"    rotate: true\n"
	"  - name: runner\n    type: choice\n    choices: [make, task, just]\n"
	"    matrix: [make, task]\n    rotate: true\n"
	"  - name: dev\n    type: bool\n    rotate: true\n";

/* rotate: true turns a choice or bool axis into a rotating one. */
static void test_rotate_choice(void)
{
	struct manifest *m = load(rotate_choice_yml);
	struct matrix mx = MATRIX_INIT;

	if (!m)
		return;
	is_int(enumerate(m, &mx), 3, "rotated options do not multiply");
	is_int(count_answer(&mx, "file", "Containerfile"), 2,
	       "a rotated choice starts at its first value");
	is_int(count_answer(&mx, "file", "Dockerfile"), 1,
	       "a rotated choice reaches its other values");
	is_int(count_answer(&mx, "runner", "just"), 0,
	       "a rotated choice keeps to its matrix list");
	is_int(count_answer(&mx, "runner", "task"), 1,
	       "the second rotated option steps after the first");
	matrix_release(&mx);
	manifest_free(m);
}

#define SHAPE_YML \
	"name: t\nversion: 1.0.0\noptions:\n" \
	"  - name: comps\n    type: multi\n    default: []\n" \
	"    fields: [{name: n, type: string}]\n" \
	"    matrix: [[], [{n: a}], [{n: b}]]\n" \
	"  - name: lang\n    type: choice\n    choices: [py, js, go]\n" \
	"    when: not comps\n" \
	"  - name: db\n    type: bool\n"

/*
 * A rotated option that a product option's when reads shapes the
 * combinations; one that nothing reads only changes their values.
 */
static void test_shaping(void)
{
	struct manifest *plain = load(SHAPE_YML);
	struct manifest *more = load(SHAPE_YML
		"  - name: file\n    type: choice\n    rotate: true\n"
		"    choices: [Containerfile, Dockerfile]\n"
		"  - name: tag\n    type: string\n    default: a\n"
		"    matrix: [a, b, c]\n");
	struct matrix a = MATRIX_INIT, b = MATRIX_INIT;
	long na, nb;

	if (!plain || !more)
		return;
	na = enumerate(plain, &a);
	nb = enumerate(more, &b);
	ok(na > 2 && na == nb, "free rotated options add no combinations");
	ok(count_answer(&a, "comps", "") > 0 &&
	   count_answer(&a, "comps", "") < (size_t)na,
	   "the shaping option tries the empty and the other lists");
	ok(count_answer(&b, "file", "Dockerfile") > 0 &&
	   count_answer(&b, "tag", "c") > 0,
	   "the free rotated options reach every value");
	matrix_release(&a);
	matrix_release(&b);
	manifest_free(plain);
	manifest_free(more);
}

/* Two enumerations give the same ids in the same order, all distinct. */
static void test_ids(void)
{
	struct manifest *m = load(product_yml);
	struct matrix a = MATRIX_INIT, b = MATRIX_INIT;
	size_t i, j, same = 0, clash = 0;

	if (!m)
		return;
	enumerate(m, &a);
	enumerate(m, &b);
	for (i = 0; i < a.len && i < b.len; i++)
		same += !strcmp(a.items[i].id, b.items[i].id);
	for (i = 0; i < a.len; i++)
		for (j = i + 1; j < a.len; j++)
			clash += !strcmp(a.items[i].id, a.items[j].id);
	is_int(same, a.len, "ids are stable");
	is_int(clash, 0, "ids are unique");
	matrix_release(&a);
	matrix_release(&b);
	manifest_free(m);
}

/* For N = 1..7, the shards K/N partition the matrix, evenly. */
static void test_shards(void)
{
	struct manifest *m = load(product_yml);
	struct matrix full = MATRIX_INIT;
	unsigned n, k;
	bool partition = true, even = true;

	if (!m)
		return;
	enumerate(m, &full);
	for (n = 1; n <= 7; n++) {
		size_t *seen = calloc(full.len, sizeof(*seen));
		size_t lo = (size_t)-1, hi = 0, i;

		for (k = 1; k <= n; k++) {
			struct matrix mx = MATRIX_INIT;
			struct matrix_shard s = { k, n };

			enumerate(m, &mx);
			matrix_apply_shard(&mx, &s);
			for (i = 0; i < mx.len; i++)
				seen[mx.items[i].index]++;
			lo = mx.len < lo ? mx.len : lo;
			hi = mx.len > hi ? mx.len : hi;
			partition &= mx.total == full.len;
			matrix_release(&mx);
		}
		for (i = 0; i < full.len; i++)
			partition &= seen[i] == 1;
		even &= hi - lo <= 1;
		free(seen);
	}
	ok(partition, "shards K/N partition the combinations (N = 1..7)");
	ok(even, "shard sizes differ by at most one");
	matrix_release(&full);
	manifest_free(m);
}

static void shard_error(const char *spec, const char *want)
{
	struct matrix_shard s;
	struct diag err = DIAG_INIT;
	int ret = matrix_parse_shard(spec, &s, &err);

	is_int(ret, ERR_INPUT, spec);
	ok(err.msg && strstr(err.msg, want), want);
	diag_release(&err);
}

static void test_parse_shard(void)
{
	struct matrix_shard s = { 0, 0 };
	struct diag err = DIAG_INIT;

	is_int(matrix_parse_shard("2/5", &s, &err), 0, "2/5 parses");
	ok(s.k == 2 && s.n == 5, "2/5 is shard 2 of 5");
	shard_error("0/3", "invalid shard '0/3'");
	shard_error("4/3", "K must not be greater than N");
	shard_error("1/", "expected K/N");
	shard_error("a/b", "expected K/N");
	shard_error("1/2/3", "expected K/N");
	diag_release(&err);
}

static const char quote_yml[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: schedule\n    type: string\n    default: '0 3 * * *'\n"
	"  - name: host\n    type: string\n    default: ''\n"
	"  - name: extras\n    type: multi\n    choices: [a, b]\n"
	"    default: [a, b]\n    matrix: [[a, b]]\n"
	"  - name: on\n    type: bool\n    matrix: [true]\n";

static void test_formats(void)
{
	struct manifest *m = load(quote_yml);
	struct matrix mx = MATRIX_INIT;
	struct strbuf out = STRBUF_INIT;
	char *want;
	json_t *j, *e;
	json_error_t jerr;

	if (!m)
		return;
	is_int(enumerate(m, &mx), 1, "matrix: lists pin product options");
	matrix_format_lines(&mx, &out);
	want = xasprintf("%s 'schedule=0 3 * * *' 'host=' extras=a,b "
			 "on=true\n", mx.items[0].id);
	is_str(out.buf, want, "lines quote values for a shell");
	free(want);
	strbuf_reset(&out);
	matrix_format_json(&mx, &out);
	j = json_loads(out.buf, 0, &jerr);
	e = json_array_get(json_object_get(j, "include"), 0);
	ok(j && json_array_size(json_object_get(j, "include")) == 1,
	   "json has one include entry");
	ok(json_is_array(json_object_get(e, "extras")), "multi is an array");
	ok(json_is_true(json_object_get(e, "on")), "bool is true");
	is_str(json_string_value(json_object_get(e, "id")), mx.items[0].id,
	       "the entry carries the id");
	json_decref(j);
	strbuf_release(&out);
	matrix_release(&mx);
	manifest_free(m);
}

int main(void)
{
	test_product();
	test_when_collapse();
	test_constraints();
	test_rotation();
	test_rotate_choice();
	test_shaping();
	test_ids();
	test_shards();
	test_parse_shard();
	test_formats();
	return tap_done();
}
