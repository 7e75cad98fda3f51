/*
 * Template values to and from JSON (jansson), the one converter
 * (value-json.h).
 */
#include "value-json.h"

json_t *value_json_encode(const struct value *v)
{
	json_t *j;
	size_t i;

	switch (v->kind) {
	case VALUE_BOOL:
		return json_boolean(v->u.b);
	case VALUE_INT:
		return json_integer(v->u.i);
	case VALUE_FLOAT:
		return json_real(v->u.f);
	case VALUE_STRING:
		return json_stringn(v->u.s.ptr, v->u.s.len);
	case VALUE_LIST:
		j = json_array();
		for (i = 0; i < v->u.list.len; i++)
			json_array_append_new(j,
				value_json_encode(v->u.list.items[i]));
		return j;
	case VALUE_DICT:
		j = json_object();
		for (i = 0; i < v->u.dict.len; i++)
			json_object_setn_new(j, v->u.dict.items[i].key.ptr,
				v->u.dict.items[i].key.len,
				value_json_encode(v->u.dict.items[i].val));
		return j;
	default:
		return json_null();
	}
}

struct value *value_json_decode(struct arena *a, const json_t *cj)
{
	json_t *j = (json_t *)cj, *v;
	struct value *out;
	const char *key;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		out = value_dict(a, json_object_size(j));
		json_object_foreach(j, key, v)
			value_dict_set(a, out, key, value_json_decode(a, v));
		return out;
	case JSON_ARRAY:
		out = value_list(a, json_array_size(j));
		json_array_foreach(j, i, v)
			value_list_push(a, out, value_json_decode(a, v));
		return out;
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
	default:
		return VALUE_NONE_P;
	}
}

int value_json_parse(const char *file, const char *text, size_t len,
		     json_t **out, struct diag *err)
{
	struct diag_src src = { file, text, len, 0, 0 };
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
			       &je);

	if (!j) {
		if (je.line > 0)
			return diag_at_linecol(err, &src, (unsigned)je.line,
					       je.column > 0 ?
					       (unsigned)je.column : 1,
					       "invalid JSON: %s", je.text);
		return diag_input(err, file, "invalid JSON: %s", je.text);
	}
	*out = j;
	return 0;
}
