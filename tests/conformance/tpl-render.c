/*
 * tpl-render: the driver of the Jinja2 conformance suite (run.sh).
 *
 *   tpl-render TEMPLATE [CONTEXT.json]
 *
 * Compiles the bytes of TEMPLATE (named in errors exactly as given),
 * renders it with the JSON object in CONTEXT (an absent or empty file is
 * {}) and writes the output bytes to stdout.  On any error it prints the
 * diagnostic to stderr, writes nothing to stdout and exits 2.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "diag.h"
#include "fsutil.h"
#include "strbuf.h"
#include "tpl-value.h"
#include "tpl.h"

static struct value *from_json(struct arena *a, json_t *j);

/* Convert a JSON object, keeping its key order. */
static struct value *from_object(struct arena *a, json_t *j)
{
	struct value *d = value_dict(a, json_object_size(j));
	const char *key;
	json_t *v;

	json_object_foreach(j, key, v)
		value_dict_set(a, d, key, from_json(a, v));
	return d;
}

/* Convert a JSON array. */
static struct value *from_array(struct arena *a, json_t *j)
{
	struct value *l = value_list(a, json_array_size(j));
	size_t i;
	json_t *v;

	json_array_foreach(j, i, v)
		value_list_push(a, l, from_json(a, v));
	return l;
}

/* Convert any JSON value into a template value in a. */
static struct value *from_json(struct arena *a, json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return from_object(a, j);
	case JSON_ARRAY:
		return from_array(a, j);
	case JSON_STRING:
		return value_strn(a, json_string_value(j),
				  json_string_length(j));
	case JSON_INTEGER:
		return value_int(a, json_integer_value(j));
	case JSON_REAL:
		return value_float(a, json_real_value(j));
	case JSON_TRUE:
		return value_bool(true);
	case JSON_FALSE:
		return value_bool(false);
	case JSON_NULL:
		break;
	}
	return VALUE_NONE_P;
}

/*
 * Load the context object from path into a.  NULL or an empty file gives
 * an empty dict.  *out is untouched on failure.
 */
static int load_context(const char *path, struct arena *a,
			struct value **out, struct diag *err)
{
	struct diag_src src = { path, NULL, 0, 0, 0 };
	json_error_t jerr;
	json_t *j = NULL;
	char *data = NULL;
	size_t len = 0;
	int ret = 0;

	if (path && (ret = fs_read_file(path, &data, &len, err)) < 0)
		return ret;
	if (!len) {
		*out = value_dict(a, 0);
		goto out;
	}
	j = json_loadb(data, len, JSON_PRESERVE_ORDER | JSON_REJECT_DUPLICATES,
		       &jerr);
	src.text = data;
	src.len = len;
	if (!j)
		ret = diag_at(err, &src, (size_t)jerr.position,
			      "invalid JSON: %s", jerr.text);
	else if (!json_is_object(j))
		ret = diag_input(err, path, "the context is not a JSON object");
	else
		*out = from_json(a, j);
out:
	json_decref(j);
	free(data);
	return ret;
}

/* Write the rendered bytes to stdout. */
static int write_output(const struct strbuf *sb, struct diag *err)
{
	if (fwrite(sb->buf, 1, sb->len, stdout) != sb->len ||
	    fflush(stdout) != 0)
		return diag_fail(err, "cannot write the output");
	return 0;
}

int main(int argc, char **argv)
{
	struct diag err = DIAG_INIT;
	struct arena a = ARENA_INIT;
	struct strbuf out = STRBUF_INIT;
	struct value *ctx = NULL;
	struct tpl *t = NULL;
	char *src = NULL;
	size_t len = 0;
	int status = 2;

	if (argc < 2 || argc > 3) {
		fputs("usage: tpl-render TEMPLATE [CONTEXT.json]\n", stderr);
		return 2;
	}
	if (fs_read_file(argv[1], &src, &len, &err) < 0 ||
	    load_context(argc > 2 && *argv[2] ? argv[2] : NULL, &a, &ctx,
			 &err) < 0 ||
	    tpl_compile(argv[1], src, len, NULL, &t, &err) < 0 ||
	    tpl_render(t, ctx, &out, &err) < 0 ||
	    write_output(&out, &err) < 0) {
		diag_print(&err, stderr);
		goto out;
	}
	status = 0;
out:
	tpl_free(t);
	strbuf_release(&out);
	arena_release(&a);
	free(src);
	diag_release(&err);
	return status;
}
