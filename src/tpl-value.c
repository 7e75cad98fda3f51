#include "tpl-value.h"

#include <string.h>

struct value value_undefined_v = { .kind = VALUE_UNDEFINED };
struct value value_none_v = { .kind = VALUE_NONE };
struct value value_true_v = { .kind = VALUE_BOOL, .u.b = true };
struct value value_false_v = { .kind = VALUE_BOOL, .u.b = false };

struct value *value_bool(bool b)
{
	return b ? &value_true_v : &value_false_v;
}

static struct value *value_new(struct arena *a, enum value_kind kind)
{
	struct value *v = ARENA_NEW(a, struct value);

	v->kind = kind;
	return v;
}

struct value *value_int(struct arena *a, long long i)
{
	struct value *v = value_new(a, VALUE_INT);

	v->u.i = i;
	return v;
}

struct value *value_float(struct arena *a, double f)
{
	struct value *v = value_new(a, VALUE_FLOAT);

	v->u.f = f;
	return v;
}

struct value *value_str_borrow(struct arena *a, const char *s, size_t n)
{
	struct value *v = value_new(a, VALUE_STRING);

	v->u.s.ptr = s;
	v->u.s.len = n;
	return v;
}

struct value *value_strn(struct arena *a, const char *s, size_t n)
{
	return value_str_borrow(a, arena_strndup(a, s, n), n);
}

struct value *value_str(struct arena *a, const char *s)
{
	return value_strn(a, s, strlen(s));
}

struct value *value_list(struct arena *a, size_t hint)
{
	struct value *v = value_new(a, VALUE_LIST);

	if (hint) {
		v->u.list.items = arena_alloc(a, hint * sizeof(struct value *));
		v->u.list.alloc = hint;
	}
	return v;
}

void value_list_push(struct arena *a, struct value *list, struct value *item)
{
	if (list->u.list.len == list->u.list.alloc) {
		size_t alloc = list->u.list.alloc ? list->u.list.alloc * 2 : 4;
		struct value **items = arena_alloc(a, alloc * sizeof(*items));

		if (list->u.list.len)
			memcpy(items, list->u.list.items,
			       list->u.list.len * sizeof(*items));
		list->u.list.items = items;
		list->u.list.alloc = alloc;
	}
	list->u.list.items[list->u.list.len++] = item;
}

struct value *value_dict(struct arena *a, size_t hint)
{
	struct value *v = value_new(a, VALUE_DICT);

	if (hint) {
		v->u.dict.items = arena_alloc(a, hint * sizeof(struct value_pair));
		v->u.dict.alloc = hint;
	}
	return v;
}

struct value *value_dict_getn(const struct value *dict, const char *key,
			      size_t n)
{
	size_t i;

	for (i = 0; i < dict->u.dict.len; i++) {
		const struct value_str *k = &dict->u.dict.items[i].key;

		if (k->len == n && !memcmp(k->ptr, key, n))
			return dict->u.dict.items[i].val;
	}
	return NULL;
}

struct value *value_dict_get(const struct value *dict, const char *key)
{
	return value_dict_getn(dict, key, strlen(key));
}

void value_dict_setn(struct arena *a, struct value *dict, const char *key,
		     size_t n, struct value *val)
{
	struct value_pair *p;
	size_t i;

	for (i = 0; i < dict->u.dict.len; i++) {
		p = &dict->u.dict.items[i];
		if (p->key.len == n && !memcmp(p->key.ptr, key, n)) {
			p->val = val;
			return;
		}
	}
	if (dict->u.dict.len == dict->u.dict.alloc) {
		size_t alloc = dict->u.dict.alloc ? dict->u.dict.alloc * 2 : 8;
		struct value_pair *items = arena_alloc(a, alloc * sizeof(*items));

		if (dict->u.dict.len)
			memcpy(items, dict->u.dict.items,
			       dict->u.dict.len * sizeof(*items));
		dict->u.dict.items = items;
		dict->u.dict.alloc = alloc;
	}
	p = &dict->u.dict.items[dict->u.dict.len++];
	p->key.ptr = arena_strndup(a, key, n);
	p->key.len = n;
	p->val = val;
}

void value_dict_set(struct arena *a, struct value *dict, const char *key,
		    struct value *val)
{
	value_dict_setn(a, dict, key, strlen(key), val);
}

struct value *value_copy(struct arena *a, const struct value *v)
{
	struct value *c;
	size_t i;

	switch (v->kind) {
	case VALUE_STRING:
		return value_strn(a, v->u.s.ptr, v->u.s.len);
	case VALUE_LIST:
		c = value_list(a, v->u.list.len);
		for (i = 0; i < v->u.list.len; i++)
			value_list_push(a, c, value_copy(a, v->u.list.items[i]));
		return c;
	case VALUE_DICT:
		c = value_dict(a, v->u.dict.len);
		for (i = 0; i < v->u.dict.len; i++) {
			const struct value_pair *p = &v->u.dict.items[i];

			value_dict_setn(a, c, p->key.ptr, p->key.len,
					value_copy(a, p->val));
		}
		return c;
	case VALUE_INT:
		return value_int(a, v->u.i);
	case VALUE_FLOAT:
		return value_float(a, v->u.f);
	default:
		return (struct value *)v;
	}
}

/* value_truthy, value_equal, value_to_string, value_repr and
 * value_type_name follow: they belong to the engine's Python semantics. */
