/*
 * JSON text of a template value, as Python's json.dumps(sort_keys=True)
 * writes it: ASCII only (ensure_ascii), keys sorted, NaN and Infinity as
 * Python spells them, optional indentation and, for the tojson filter,
 * HTML-safe escapes.  Undefined values and callables are errors.
 */
#include "tpl-fn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct json {
	struct evaluator *r;
	struct strbuf sb;
	struct value_str indent;	/* ptr NULL: no indentation */
	bool html;			/* escape < > & ' as tojson does */
	size_t off;
};

/* Append a JSON string as Python's json.dumps(ensure_ascii=True). */
static void json_string(struct json *j, const struct value_str *s)
{
	size_t i = 0;
	uint32_t cp;

	strbuf_addch(&j->sb, '"');
	while (i < s->len) {
		i += cp_at(s, i, &cp);
		if (cp == '"' || cp == '\\')
			strbuf_addf(&j->sb, "\\%c", (char)cp);
		else if (cp == '\n')
			strbuf_adds(&j->sb, "\\n");
		else if (cp == '\r')
			strbuf_adds(&j->sb, "\\r");
		else if (cp == '\t')
			strbuf_adds(&j->sb, "\\t");
		else if (cp == '\b')
			strbuf_adds(&j->sb, "\\b");
		else if (cp == '\f')
			strbuf_adds(&j->sb, "\\f");
		else if (j->html && cp < 0x80 && in_set("<>&'", (int)cp))
			strbuf_addf(&j->sb, "\\u%04x", (unsigned)cp);
		else if (cp >= 0x20 && cp < 0x7F)
			strbuf_addch(&j->sb, (int)cp);
		else if (cp < 0x10000)
			strbuf_addf(&j->sb, "\\u%04x", (unsigned)cp);
		else
			strbuf_addf(&j->sb, "\\u%04x\\u%04x",
				    (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
				    (unsigned)(0xDC00 + ((cp - 0x10000) &
							 0x3FF)));
	}
	strbuf_addch(&j->sb, '"');
}

/* A newline and indentation for nesting level, when indenting. */
static void json_newline(struct json *j, unsigned level)
{
	if (!j->indent.ptr)
		return;
	strbuf_addch(&j->sb, '\n');
	while (level--)
		strbuf_add(&j->sb, j->indent.ptr, j->indent.len);
}

static int json_value(struct json *j, const struct value *v,
		      unsigned level);

static int json_list(struct json *j, const struct value *v, unsigned level)
{
	size_t i;
	int rc;

	if (!v->u.list.len) {
		strbuf_adds(&j->sb, "[]");
		return 0;
	}
	strbuf_addch(&j->sb, '[');
	for (i = 0; i < v->u.list.len; i++) {
		if (i)
			strbuf_adds(&j->sb, j->indent.ptr ? "," : ", ");
		json_newline(j, level + 1);
		if ((rc = json_value(j, v->u.list.items[i], level + 1)))
			return rc;
	}
	json_newline(j, level);
	strbuf_addch(&j->sb, ']');
	return 0;
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct value_pair *x = *(const struct value_pair *const *)a;
	const struct value_pair *y = *(const struct value_pair *const *)b;
	size_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
	int c = n ? memcmp(x->key.ptr, y->key.ptr, n) : 0;

	if (c)
		return c;
	return x->key.len < y->key.len ? -1 : x->key.len > y->key.len;
}

/* A dict with sorted keys (json.dumps sort_keys=True). */
static int json_dict(struct json *j, const struct value *v, unsigned level)
{
	size_t n = v->u.dict.len, i;
	const struct value_pair **pairs;
	int rc = 0;

	if (!n) {
		strbuf_adds(&j->sb, "{}");
		return 0;
	}
	pairs = xmalloc(n * sizeof(*pairs));
	for (i = 0; i < n; i++)
		pairs[i] = &v->u.dict.items[i];
	qsort(pairs, n, sizeof(*pairs), cmp_pairs);
	strbuf_addch(&j->sb, '{');
	for (i = 0; i < n && !rc; i++) {
		if (i)
			strbuf_adds(&j->sb, j->indent.ptr ? "," : ", ");
		json_newline(j, level + 1);
		json_string(j, &pairs[i]->key);
		strbuf_adds(&j->sb, ": ");
		rc = json_value(j, pairs[i]->val, level + 1);
	}
	free(pairs);
	json_newline(j, level);
	strbuf_addch(&j->sb, '}');
	return rc;
}

static int json_value(struct json *j, const struct value *v, unsigned level)
{
	if (level > TPL_MAX_VALUE_DEPTH)
		return ev_fail(j->r, j->off, "value nests too deeply for "
			       "JSON");
	if (j->sb.overflow)
		return 0;
	switch (v->kind) {
	case VALUE_NONE:
		strbuf_adds(&j->sb, "null");
		return 0;
	case VALUE_BOOL:
		strbuf_adds(&j->sb, v->u.b ? "true" : "false");
		return 0;
	case VALUE_INT:
		strbuf_addf(&j->sb, "%lld", v->u.i);
		return 0;
	case VALUE_FLOAT:
		if (isnan(v->u.f) || isinf(v->u.f))
			strbuf_adds(&j->sb, isnan(v->u.f) ? "NaN" :
				    v->u.f < 0 ? "-Infinity" : "Infinity");
		else
			value_format_float(&j->sb, v->u.f);
		return 0;
	case VALUE_STRING:
		json_string(j, &v->u.s);
		return 0;
	case VALUE_LIST:
		return json_list(j, v, level);
	case VALUE_DICT:
		return json_dict(j, v, level);
	case VALUE_UNDEFINED:
		return ev_undef_error(j->r, v, j->off);
	default:
		return ev_fail(j->r, j->off, "object of type %s is not "
			       "JSON serializable", value_type_name(v));
	}
}

/* json.dumps(self, sort_keys=True, indent=indent). */
int tpl_json_dump(struct evaluator *r, size_t off, struct value *self,
		  struct value *indent, bool html, struct value **out)
{
	struct json j = { r, STRBUF_INIT, { NULL, 0 }, html, off };
	long long n;
	char *sp;
	int rc;

	if (indent && indent->kind == VALUE_STRING) {
		j.indent = indent->u.s;
	} else if (indent && indent->kind != VALUE_NONE) {
		if ((rc = arg_int(r, indent, off, &n)))
			return rc;
		n = n < 0 ? 0 : n > 1024 ? 1024 : n;
		sp = arena_alloc(r->a, (size_t)n + 1);
		memset(sp, ' ', (size_t)n);
		j.indent.ptr = sp;
		j.indent.len = (size_t)n;
	}
	sb_start(&j.sb);
	if ((rc = json_value(&j, self, 0))) {
		strbuf_release(&j.sb);
		return rc;
	}
	return ev_take(r, &j.sb, off, out);
}
