/*
 * option.c: option values: typing what a user, an answers file or a
 * manifest gives an option (option_coerce), and showing values back the
 * way a user writes them.  No I/O.
 */
#include "config.h"

#include "option.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "ly.h"
#include "manifest-schema.h"
#include "strbuf.h"
#include "value-json.h"
#include "xalloc.h"

/* ---- values: coercion and formatting ----------------------------------- */

const char *option_type_name(enum option_type t)
{
#define TYPE_NAME(word, val) word,
	static const char *const names[] = { OPTION_TYPE_WORDS(TYPE_NAME) };
#undef TYPE_NAME

	if ((size_t)t >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[t];
}

/*
 * Append v as JSON (", " and ": " between items, as Python writes it):
 * how lists of mappings are shown and passed on.
 */
static void format_json(struct strbuf *sb, const struct value *v)
{
	json_t *j = value_json_encode(v);
	char *text = json_dumps(j, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	strbuf_adds(sb, text ? text : "null");
	free(text);
	json_decref(j);
}

/* Whether v is a mapping or a list holding one. */
static bool holds_mapping(const struct value *v)
{
	size_t i;

	for (i = 0; v->kind == VALUE_LIST && i < v->u.list.len; i++)
		if (holds_mapping(v->u.list.items[i]))
			return true;
	return v->kind == VALUE_DICT;
}

/* Append v as a user types it, joining list items with sep. */
static void format_value(struct strbuf *sb, const struct value *v,
			 const char *sep)
{
	size_t i;

	if (holds_mapping(v)) {
		format_json(sb, v);
		return;
	}
	switch (v->kind) {
	case VALUE_STRING:
		strbuf_add(sb, v->u.s.ptr, v->u.s.len);
		break;
	case VALUE_BOOL:
		strbuf_adds(sb, v->u.b ? "true" : "false");
		break;
	case VALUE_INT:
		strbuf_addf(sb, "%lld", v->u.i);
		break;
	case VALUE_FLOAT:
		strbuf_addf(sb, "%g", v->u.f);
		break;
	case VALUE_LIST:
		for (i = 0; i < v->u.list.len; i++) {
			if (i)
				strbuf_adds(sb, sep);
			format_value(sb, v->u.list.items[i], sep);
		}
		break;
	default:
		break;
	}
}

void option_format_value(struct strbuf *sb, const struct value *v)
{
	format_value(sb, v, ", ");
}

void option_format_arg(struct strbuf *sb, const struct value *v)
{
	format_value(sb, v, ",");
}

/* Append the text of a scalar value to sb; false for lists and dicts. */
static bool value_ly_str(const struct value *v, struct strbuf *sb)
{
	if (v->kind != VALUE_STRING && v->kind != VALUE_BOOL &&
	    v->kind != VALUE_INT && v->kind != VALUE_FLOAT)
		return false;
	option_format_value(sb, v);
	return true;
}

/* Append o's choices as "a, b, c". */
static void choices_list(const struct option *o, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < o->nchoices; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", o->choices[i]);
}

/* Return the index of the choice spelled s (n bytes), or -1. */
static long choice_index(const struct option *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < o->nchoices; i++)
		if (strlen(o->choices[i]) == n && !memcmp(o->choices[i], s, n))
			return (long)i;
	return -1;
}

/* After "expected ...", name a list or a dict given for a scalar. */
static void add_not_scalar(const struct value *in, struct strbuf *why)
{
	if (in->kind == VALUE_LIST)
		strbuf_adds(why, ", not a sequence");
	else if (in->kind == VALUE_DICT)
		strbuf_adds(why, ", not a mapping");
}

static int coerce_bool(const struct value *in, struct value **out,
		       struct strbuf *why)
{
	static const char *const words[] = {
		"false", "true", "no", "yes", "n", "y", "off", "on", "0", "1",
	};
	size_t i;

	if (in->kind == VALUE_BOOL) {
		*out = value_bool(in->u.b);
		return 0;
	}
	if (in->kind == VALUE_INT && (in->u.i == 0 || in->u.i == 1)) {
		*out = value_bool(in->u.i);
		return 0;
	}
	for (i = 0; in->kind == VALUE_STRING && i < 10; i++) {
		if (!strcasecmp(in->u.s.ptr, words[i])) {
			*out = value_bool(i % 2);
			return 0;
		}
	}
	strbuf_adds(why, "expected true or false");
	add_not_scalar(in, why);
	return ERR_INPUT;
}

/* Parse all of s as a decimal integer. */
static bool parse_int(const char *s, long long *out)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

static int coerce_int(const struct option *o, const struct value *in,
		      struct arena *a, struct value **out, struct strbuf *why)
{
	long long i;

	if (in->kind == VALUE_INT)
		i = in->u.i;
	else if (in->kind != VALUE_STRING || !parse_int(in->u.s.ptr, &i)) {
		strbuf_adds(why, "expected an integer");
		add_not_scalar(in, why);
		return ERR_INPUT;
	}
	if ((o->has_min && i < o->min) || (o->has_max && i > o->max)) {
		if (o->has_min && o->has_max)
			strbuf_addf(why, "must be between %lld and %lld",
				    o->min, o->max);
		else if (o->has_min)
			strbuf_addf(why, "must be at least %lld", o->min);
		else
			strbuf_addf(why, "must be at most %lld", o->max);
		return ERR_INPUT;
	}
	*out = value_int(a, i);
	return 0;
}

static int coerce_string(const struct option *o, const struct value *in,
			 struct arena *a, struct value **out,
			 struct strbuf *why)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	if (!value_ly_str(in, &sb)) {
		strbuf_adds(why, "expected a string");
		add_not_scalar(in, why);
		ret = ERR_INPUT;
	} else if (o->pattern_re && regexec(o->pattern_re, sb.buf, 0, NULL,
					    0)) {
		if (o->pattern_help)
			strbuf_addf(why, "expected %s", o->pattern_help);
		else
			strbuf_addf(why, "does not match pattern '%s'",
				    o->pattern);
		ret = ERR_INPUT;
	} else {
		*out = value_strn(a, sb.buf, sb.len);
	}
	strbuf_release(&sb);
	return ret;
}

static int coerce_choice(const struct option *o, const struct value *in,
			 struct arena *a, struct value **out,
			 struct strbuf *why)
{
	struct strbuf sb = STRBUF_INIT;
	long i = -1;

	if (value_ly_str(in, &sb))
		i = choice_index(o, sb.buf, sb.len);
	strbuf_release(&sb);
	if (i < 0) {
		strbuf_adds(why, "expected one of ");
		choices_list(o, why);
		add_not_scalar(in, why);
		return ERR_INPUT;
	}
	*out = value_str(a, o->choices[i]);
	return 0;
}

/* Mark the choice spelled s (n bytes, trimmed here) in seen. */
static int multi_mark(const struct option *o, const char *s, size_t n,
		      bool *seen, struct strbuf *why)
{
	long i;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return 0;
	i = choice_index(o, s, n);
	if (i < 0) {
		strbuf_addf(why, "'%.*s' is not one of ", (int)n, s);
		choices_list(o, why);
		return ERR_INPUT;
	}
	seen[i] = true;
	return 0;
}

/* Mark every comma-separated element of the string s. */
static int multi_mark_csv(const struct option *o, const char *s,
			  bool *seen, struct strbuf *why)
{
	const char *comma;
	int ret = 0;

	for (; !ret; s = comma + 1) {
		comma = strchr(s, ',');
		if (!comma)
			return multi_mark(o, s, strlen(s), seen, why);
		ret = multi_mark(o, s, (size_t)(comma - s), seen, why);
	}
	return ret;
}

/* Mark every element of in, a list or a comma-separated string. */
static int multi_mark_all(const struct option *o, const struct value *in,
			  bool *seen, struct strbuf *why)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (in->kind == VALUE_STRING)
		return multi_mark_csv(o, in->u.s.ptr, seen, why);
	if (in->kind != VALUE_LIST) {
		strbuf_adds(why, "expected a list of choices");
		return ERR_INPUT;
	}
	for (i = 0; !ret && i < in->u.list.len; i++) {
		strbuf_reset(&sb);
		if (!value_ly_str(in->u.list.items[i], &sb)) {
			strbuf_adds(why, "expected a list of choices");
			ret = ERR_INPUT;
		} else {
			ret = multi_mark(o, sb.buf, sb.len, seen, why);
		}
	}
	strbuf_release(&sb);
	return ret;
}

static int coerce_multi(const struct option *o, const struct value *in,
			struct arena *a, struct value **out,
			struct strbuf *why)
{
	bool *seen = xcalloc(o->nchoices + 1, sizeof(*seen));
	struct value *list;
	size_t i;
	int ret;

	ret = multi_mark_all(o, in, seen, why);
	if (!ret) {
		list = value_list(a, o->nchoices);
		for (i = 0; i < o->nchoices; i++)
			if (seen[i])
				value_list_push(a, list,
						value_str(a, o->choices[i]));
		*out = list;
	}
	free(seen);
	return ret;
}

/* ---- multi options of objects ----------------------------------------- */

/* Elements of one object list. */
#define RECORDS_MAX 100

/* Append "a, b, c": the names of o's fields. */
static void field_names(const struct option *o, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < o->nfields; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", o->fields[i].name);
}

/* Return o's field called key (n bytes), or NULL. */
static const struct option *field_named(const struct option *o,
					const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < o->nfields; i++)
		if (strlen(o->fields[i].name) == n &&
		    !memcmp(o->fields[i].name, key, n))
			return &o->fields[i];
	return NULL;
}

/* Every key of element in (number k) must name a field of o. */
static int record_check_keys(const struct option *o, const struct value *in,
			     size_t k, struct strbuf *why)
{
	size_t i;

	for (i = 0; i < in->u.dict.len; i++) {
		const struct value_str *key = &in->u.dict.items[i].key;

		if (field_named(o, key->ptr, key->len))
			continue;
		strbuf_addf(why, "element %zu has unknown field '%.*s'; "
			    "expected ", k, (int)key->len, key->ptr);
		field_names(o, why);
		return ERR_INPUT;
	}
	return 0;
}

/* Type element number k of a list for o: a dict, fields in order. */
static int coerce_record(const struct option *o, const struct value *in,
			 size_t k, struct arena *a, struct value **out,
			 struct strbuf *why)
{
	struct value *rec = value_dict(a, o->nfields), *v;
	size_t i, mark;

	if (in->kind != VALUE_DICT) {
		strbuf_addf(why, "element %zu must be a mapping with fields ",
			    k);
		field_names(o, why);
		return ERR_INPUT;
	}
	if (record_check_keys(o, in, k, why))
		return ERR_INPUT;
	for (i = 0; i < o->nfields; i++) {
		const struct option *f = &o->fields[i];
		const struct value *given = value_dict_get(in, f->name);

		v = f->def;
		if (!given && f->required) {
			strbuf_addf(why, "element %zu lacks field '%s'", k,
				    f->name);
			return ERR_INPUT;
		}
		mark = why->len;
		strbuf_addf(why, "element %zu, field '%s': ", k, f->name);
		if (given && option_coerce(f, given, a, &v, why))
			return ERR_INPUT;
		strbuf_setlen(why, mark);
		value_dict_set(a, rec, f->name, v);
	}
	*out = rec;
	return 0;
}

/*
 * Append " ('a' and 'b')": what elements i and j are called by o's first
 * unique string field, unless that is field k itself or there is none.
 */
static void add_element_names(const struct option *o, const struct value *l,
			      size_t i, size_t j, size_t k, struct strbuf *sb)
{
	const struct value *a, *b;
	size_t f;

	for (f = 0; f < o->nfields; f++)
		if (o->fields[f].unique && o->fields[f].type == OPTION_STRING)
			break;
	if (f == o->nfields || f == k)
		return;
	a = value_dict_get(l->u.list.items[i], o->fields[f].name);
	b = value_dict_get(l->u.list.items[j], o->fields[f].name);
	if (a && b && a->kind == VALUE_STRING && b->kind == VALUE_STRING)
		strbuf_addf(sb, " ('%s' and '%s')", a->u.s.ptr, b->u.s.ptr);
}

/* No two elements of list may share the value of a unique field. */
static int records_check_unique(const struct option *o,
				const struct value *list, struct strbuf *why)
{
	size_t i, j, k;

	for (k = 0; k < o->nfields; k++) {
		const char *name = o->fields[k].name;

		for (i = 0; o->fields[k].unique && i < list->u.list.len; i++)
			for (j = 0; j < i; j++) {
				struct value *a = value_dict_get(
					list->u.list.items[j], name);
				struct value *b = value_dict_get(
					list->u.list.items[i], name);

				if (!value_equal(a, b))
					continue;
				strbuf_addf(why, "elements %zu and %zu",
					    j + 1, i + 1);
				add_element_names(o, list, j, i, k, why);
				strbuf_addf(why, " have the same %s '", name);
				option_format_value(why, a);
				strbuf_addf(why, "'; each element needs its "
					    "own %s", name);
				return ERR_INPUT;
			}
	}
	return 0;
}

/*
 * Check element k's field f, which refers to the field named by
 * f->refers_to: each comma-separated word must be one of the n values
 * that field has in the list.
 */
static int record_check_ref(const struct option *f, const struct value *rec,
			    size_t k, const char *const *values, size_t n,
			    struct strbuf *why)
{
	const struct value *v = value_dict_get(rec, f->name);
	const char *p, *end, *best;
	char *word;
	size_t i;

	for (p = v && v->kind == VALUE_STRING ? v->u.s.ptr : ""; *p; p = end) {
		end = p + strcspn(p, ",");
		word = xstrndup(p, (size_t)(end - p));
		for (i = 0; i < n && strcmp(values[i], word); i++)
			;
		if (*word && i == n) {
			strbuf_addf(why, "element %zu, field '%s': no element "
				    "has %s '%s'", k, f->name, f->refers_to,
				    word);
			best = diag_closest(word, values, n);
			if (best)
				strbuf_addf(why, "; did you mean '%s'?", best);
			free(word);
			return ERR_INPUT;
		}
		free(word);
		end += *end == ',';
	}
	return 0;
}

/* The fields with `refers_to` must name values their elements have. */
static int records_check_refs(const struct option *o,
			      const struct value *list, struct strbuf *why)
{
	size_t n = list->u.list.len, i, k;
	const char **values = xcalloc(n + 1, sizeof(*values));
	int ret = 0;

	for (k = 0; !ret && k < o->nfields; k++) {
		const struct option *f = &o->fields[k];

		for (i = 0; f->refers_to && i < n; i++) {
			const struct value *v = value_dict_get(
				list->u.list.items[i], f->refers_to);

			values[i] = v && v->kind == VALUE_STRING ?
				    v->u.s.ptr : "";
		}
		for (i = 0; !ret && f->refers_to && i < n; i++)
			ret = record_check_ref(f, list->u.list.items[i], i + 1,
					       values, n, why);
	}
	free(values);
	return ret;
}

/* Parse text (YAML flow or JSON) into an untyped value. */
static int parse_flow(const char *text, size_t len, struct arena *a,
		      struct value **out, struct strbuf *why)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = ERR_INPUT;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		strbuf_addf(why, "expected a list of mappings in YAML flow "
			    "or JSON syntax, but at character %zu: %s",
			    p.problem_mark.index + 1,
			    p.problem ? p.problem : "syntax error");
		yaml_parser_delete(&p);
		return ERR_INPUT;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		*out = value_list(a, 0), ret = 0;
	else if (ly_value(&doc, root, a, out))
		strbuf_adds(why, "expected a list of mappings of scalars, "
			    "with no key twice and at most 10000 values");
	else
		ret = 0;
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return ret;
}

static int coerce_records(const struct option *o, const struct value *in,
			  struct arena *a, struct value **out,
			  struct strbuf *why)
{
	struct value *list, *rec, *parsed;
	size_t i;

	if (in->kind == VALUE_STRING) {
		if (parse_flow(in->u.s.ptr, in->u.s.len, a, &parsed, why))
			return ERR_INPUT;
		in = parsed;
	}
	if (in->kind != VALUE_LIST) {
		strbuf_adds(why, "expected a list of mappings with fields ");
		field_names(o, why);
		return ERR_INPUT;
	}
	if (in->u.list.len > RECORDS_MAX) {
		strbuf_addf(why, "%zu elements is more than the limit of %d",
			    in->u.list.len, RECORDS_MAX);
		return ERR_INPUT;
	}
	list = value_list(a, in->u.list.len);
	for (i = 0; i < in->u.list.len; i++) {
		if (coerce_record(o, in->u.list.items[i], i + 1, a, &rec,
				  why))
			return ERR_INPUT;
		value_list_push(a, list, rec);
	}
	if (records_check_unique(o, list, why) ||
	    records_check_refs(o, list, why))
		return ERR_INPUT;
	*out = list;
	return 0;
}

int option_coerce(const struct option *o, const struct value *in,
		  struct arena *a, struct value **out, struct strbuf *why)
{
	switch (o->type) {
	case OPTION_BOOL:
		return coerce_bool(in, out, why);
	case OPTION_INT:
		return coerce_int(o, in, a, out, why);
	case OPTION_CHOICE:
		return coerce_choice(o, in, a, out, why);
	case OPTION_MULTI:
		if (o->nfields)
			return coerce_records(o, in, a, out, why);
		return coerce_multi(o, in, a, out, why);
	case OPTION_STRING:
	default:
		return coerce_string(o, in, a, out, why);
	}
}
