#ifndef GENSHIP_VALUE_JSON_H
#define GENSHIP_VALUE_JSON_H

#include <jansson.h>

#include "arena.h"
#include "diag.h"
#include "tpl-value.h"

/*
 * The one converter between template values and JSON, used for matrix
 * entries, validate reports, cookiecutter.json, replay files and
 * .cruft.json.  Dict keys keep their order both ways.
 */

/*
 * v as a new JSON value (caller's reference): bools, ints, floats,
 * strings, lists and dicts map one to one; anything else (none, undefined,
 * a callable) is null.
 */
json_t *value_json_encode(const struct value *v);

/* The JSON value j as a template value in a; null becomes none. */
struct value *value_json_decode(struct arena *a, const json_t *j);

/*
 * Parse the JSON text (len bytes, named file in messages) into *out
 * (caller's reference, untouched on failure).  Any value may be at the
 * top; NUL bytes in strings are allowed.  Malformed JSON is ERR_INPUT at
 * jansson's line and column.
 */
int value_json_parse(const char *file, const char *text, size_t len,
		     json_t **out, struct diag *err);

#endif
