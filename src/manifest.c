/*
 * manifest.c: load genship.yml.
 *
 * manifest-schema.h describes every mapping of the manifest once.  From
 * it come three things: the structs libcyaml fills, libcyaml's schema,
 * and the table of a structural check over libyaml's node tree.  libyaml
 * parses first and reports syntax errors at exact marks; the check
 * (ly_check) then reports unknown, duplicate and missing keys and
 * mistyped values at their line and column; only then does libcyaml load
 * the text, which it can no longer refuse.  Fields the static schema
 * cannot type (`default`, `matrix`) libcyaml skips; they are read from the
 * node tree and typed against the option.  So are a file rule's `from`
 * (a path or a sequence of them) and `with` (checked as a mapping).
 */
#include "config.h"

#include "manifest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "ly.h"
#include "manifest-schema.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- the schema, expanded from manifest-schema.h ----------------------- */

enum raw_bool { RAW_BOOL_UNSET, RAW_BOOL_FALSE, RAW_BOOL_TRUE };

/* The struct each mapping loads into; a field loads like an option. */
#define RAW_option struct raw_option
#define RAW_field struct raw_option
#define RAW_computed struct raw_computed
#define RAW_constraint struct raw_constraint
#define RAW_file struct raw_file
#define RAW_hooks struct raw_hooks

/* The members libcyaml fills, per type; it skips DICT and ANY keys. */
#define RAW_MEMBER(S, key, type, req, sub) RAW_##type(key, sub)
#define RAW_STR(key, sub) char *key;
#define RAW_INT(key, sub) long long *key;
#define RAW_WORD(key, sub) int key;
#define RAW_BOOL(key, sub) int key;	/* enum raw_bool */
#define RAW_STRS(key, sub) char **key; unsigned key##_count;
#define RAW_LIST(key, sub) RAW_##sub *key; unsigned key##_count;
#define RAW_MAP(key, sub) RAW_##sub *key;
#define RAW_DICT(key, sub)
#define RAW_ANY(key, sub)

struct raw_option {
	OPTION_KEYS(RAW_MEMBER, _)
	FIELD_ONLY_KEYS(RAW_MEMBER, _)
};

struct raw_computed { COMPUTED_KEYS(RAW_MEMBER, _) };
struct raw_constraint { CONSTRAINT_KEYS(RAW_MEMBER, _) };
struct raw_file { FILE_KEYS(RAW_MEMBER, _) };
struct raw_hooks { HOOKS_KEYS(RAW_MEMBER, _) };
struct raw_manifest { MANIFEST_KEYS(RAW_MEMBER, _) };

/*
 * libcyaml's side.  An optional pointer takes an empty scalar as NULL
 * (CYAML_FLAG_POINTER_NULL), which is what LY_NULLABLE accepts below.
 */
#define CY_PTR_REQ CYAML_FLAG_POINTER
#define CY_PTR_OPT (CYAML_FLAG_POINTER_NULL | CYAML_FLAG_OPTIONAL)
#define CY_VAL_REQ CYAML_FLAG_DEFAULT
#define CY_VAL_OPT CYAML_FLAG_OPTIONAL
#define CY_FIELD(S, key, type, req, sub) \
	CY_##type(#key, req, struct raw_##S, key, sub),
#define CY_STR(k, req, st, m, sub) \
	CYAML_FIELD_STRING_PTR(k, CY_PTR_##req, st, m, 0, CYAML_UNLIMITED)
#define CY_INT(k, req, st, m, sub) \
	CYAML_FIELD_INT_PTR(k, CYAML_FLAG_POINTER | CY_VAL_##req, st, m)
#define CY_WORD(k, req, st, m, sub) \
	CYAML_FIELD_ENUM(k, CYAML_FLAG_STRICT | CY_VAL_##req, st, m, \
			 sub##_cy, CYAML_ARRAY_LEN(sub##_cy))
#define CY_BOOL(k, req, st, m, sub) \
	CYAML_FIELD_ENUM(k, CYAML_FLAG_STRICT | CYAML_FLAG_CASE_INSENSITIVE | \
			 CY_VAL_##req, st, m, bool_cy, CYAML_ARRAY_LEN(bool_cy))
#define CY_STRS(k, req, st, m, sub) \
	CYAML_FIELD_SEQUENCE(k, CY_PTR_##req, st, m, &string_entry, 0, \
			     CYAML_UNLIMITED)
#define CY_LIST(k, req, st, m, sub) \
	CYAML_FIELD_SEQUENCE(k, CY_PTR_##req, st, m, &sub##_entry, 0, \
			     CYAML_UNLIMITED)
#define CY_MAP(k, req, st, m, sub) \
	CYAML_FIELD_MAPPING_PTR(k, CY_PTR_##req, st, m, sub##_cy_fields)
#define CY_DICT(k, req, st, m, sub) CYAML_FIELD_IGNORE(k, CY_VAL_##req)
#define CY_ANY(k, req, st, m, sub) CYAML_FIELD_IGNORE(k, CY_VAL_##req)

/* The structural check's side: a struct ly_field per key. */
#define CK_PTR_REQ LY_REQUIRED
#define CK_PTR_OPT LY_NULLABLE
#define CK_VAL_REQ LY_REQUIRED
#define CK_VAL_OPT 0u
#define CK_FIELD(S, key, type, req, sub) CK_##type(#key, req, sub),
#define CK_STR(k, req, sub) { k, LY_STR, CK_PTR_##req, NULL, NULL, NULL }
#define CK_INT(k, req, sub) { k, LY_INT, CK_VAL_##req, NULL, NULL, NULL }
#define CK_WORD(k, req, sub) \
	{ k, LY_WORD, CK_VAL_##req, NULL, sub##_words, NULL }
#define CK_BOOL(k, req, sub) \
	{ k, LY_WORD, CK_VAL_##req | LY_ANYCASE, NULL, bool_words, NULL }
#define CK_STRS(k, req, sub) { k, LY_STRS, CK_PTR_##req, NULL, NULL, NULL }
#define CK_LIST(k, req, sub) \
	{ k, LY_LIST, CK_PTR_##req, &sub##_schema, NULL, NULL }
#define CK_MAP(k, req, sub) \
	{ k, LY_MAP, CK_PTR_##req, &sub##_schema, NULL, NULL }
#define CK_DICT(k, req, sub) { k, LY_DICT, CK_PTR_##req, NULL, NULL, \
			       "a mapping of names to strings" }
#define CK_ANY(k, req, sub) { k, LY_ANY, CK_VAL_##req, NULL, NULL, NULL }

/* Word lists, for both sides. */
#define WORD_CY(word, val) { word, val },
#define WORD_TEXT(word, val) word,
static const cyaml_strval_t option_type_cy[] = { OPTION_TYPE_WORDS(WORD_CY) };
static const char *const option_type_words[] = {
	OPTION_TYPE_WORDS(WORD_TEXT) NULL
};
static const cyaml_strval_t bool_cy[] = { BOOL_WORDS(WORD_CY) };
static const char *const bool_words[] = { BOOL_WORDS(WORD_TEXT) NULL };

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

/*
 * Mapping NAME, whose keys are LIST, loaded into struct raw_S: its check
 * table NAME_schema (messages call an entry NOUN, labelled by the key
 * LABEL) and libcyaml's NAME_cy_fields.  SCHEMA_ENTRY adds NAME_entry for
 * a mapping that is an entry of a sequence.
 */
#define SCHEMA(name, S, LIST, noun, label) \
	static const struct ly_field name##_fields[] = { \
		LIST(CK_FIELD, S) \
	}; \
	static const struct ly_schema name##_schema = { \
		noun, label, name##_fields, CYAML_ARRAY_LEN(name##_fields) \
	}; \
	static const cyaml_schema_field_t name##_cy_fields[] = { \
		LIST(CY_FIELD, S) CYAML_FIELD_END \
	};
#define SCHEMA_ENTRY(name, S) \
	static const cyaml_schema_value_t name##_entry = { \
		CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_##S, \
				    name##_cy_fields), \
	};

SCHEMA(field, option, FIELD_KEYS, "field", "name")
SCHEMA_ENTRY(field, option)
SCHEMA(option, option, OPTION_KEYS, "option", "name")
SCHEMA_ENTRY(option, option)
SCHEMA(computed, computed, COMPUTED_KEYS, "computed value", "name")
SCHEMA_ENTRY(computed, computed)
SCHEMA(constraint, constraint, CONSTRAINT_KEYS, "constraint", NULL)
SCHEMA_ENTRY(constraint, constraint)
SCHEMA(file, file, FILE_KEYS, "file rule", "path")
SCHEMA_ENTRY(file, file)
SCHEMA(hooks, hooks, HOOKS_KEYS, NULL, NULL)
SCHEMA(manifest, manifest, MANIFEST_KEYS, "manifest", NULL)

static const cyaml_schema_value_t manifest_cy = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_manifest,
			    manifest_cy_fields),
};

/* ---- loading ----------------------------------------------------------- */

/* The loader's state: the source, its libyaml tree and the result. */
struct loader {
	struct ly_doc y;
	yaml_node_t *root;
	struct manifest *m;
};

/* Where node n starts, as a manifest keeps positions. */
static struct src_pos node_pos(const yaml_node_t *n)
{
	struct src_pos pos = { ly_line(n), ly_col(n) };

	return pos;
}

/* Where the text of scalar n starts: past an opening quote. */
static struct src_pos text_pos(const yaml_node_t *n)
{
	struct src_pos pos = { ly_line(n), ly_text_col(n) };

	return pos;
}

/*
 * Load the checked text with libcyaml into *raw.  The check accepts only
 * what this schema loads, so a refusal here is a bug: ERR_FAIL, never an
 * input error that would blame the template.
 */
static int cy_load(struct loader *ld, struct raw_manifest **raw)
{
	cyaml_config_t cfg = {
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_DEFAULT,
	};
	cyaml_err_t e;

	e = cyaml_load_data((const uint8_t *)ld->y.src.text, ld->y.src.len,
			    &cfg, &manifest_cy, (cyaml_data_t **)raw, NULL);
	if (e == CYAML_OK)
		return 0;
	if (e == CYAML_ERR_OOM)
		return diag_fail(ld->y.err, "out of memory loading %s",
				 ld->y.src.name);
	return diag_fail(ld->y.err, "%s: internal error: libcyaml refused "
			 "what the schema check accepted: %s",
			 ld->y.src.name, cyaml_strerror(e));
}

static void cy_free(struct raw_manifest *raw)
{
	cyaml_config_t cfg = {
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
	};

	if (raw)
		cyaml_free(&cfg, &manifest_cy, raw, 0);
}

/* ---- building the manifest from the raw load --------------------------- */

/* Copy s into the manifest's arena; NULL stays NULL. */
static char *adup(struct loader *ld, const char *s)
{
	return s ? arena_strdup(&ld->m->arena, s) : NULL;
}

/* The key node `key` of mapping map, or map itself: where errors go. */
static const yaml_node_t *key_at(struct loader *ld, const yaml_node_t *map,
				 const char *key)
{
	const yaml_node_t *k = ly_key(&ld->y.doc, map, key);

	return k ? k : map;
}

/* True when s is [a-z_][a-z0-9_]*. */
static bool is_identifier(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z')))
		return false;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Check that name (at node) is an identifier; what is "option", ... */
static int check_identifier(struct loader *ld, const char *name,
			    const yaml_node_t *node, const char *what)
{
	if (is_identifier(name))
		return 0;
	ly_error(&ld->y, node, "invalid %s name '%s'", what, name);
	diag_hint(ld->y.err, "names are lowercase letters, digits and '_', "
		  "and do not start with a digit");
	return ERR_INPUT;
}

/* Compile the expression in scalar node n into *out. */
static int compile_expr(struct loader *ld, const char *src,
			const yaml_node_t *n, struct tpl_expr **out)
{
	return tpl_expr_compile(ld->y.src.name, src, strlen(src), ly_line(n),
				ly_text_col(n), out, ld->y.err);
}

static int build_choices(struct loader *ld, const struct raw_option *r,
			 const yaml_node_t *node, struct option *o)
{
	bool wants = o->type == OPTION_CHOICE ||
		(o->type == OPTION_MULTI && !r->fields_count);
	yaml_node_t *seq = ly_get(&ld->y.doc, node, "choices");
	unsigned i, j;

	if (o->type == OPTION_MULTI && r->fields_count && r->choices_count)
		return ly_error(&ld->y, key_at(ld, node, "choices"), "option "
				"'%s' has both 'choices' and 'fields'",
				o->name);
	if (!wants && r->choices_count)
		return ly_error(&ld->y, key_at(ld, node, "choices"),
				"'choices' only applies to choice and multi "
				"options, and '%s' is %s", o->name,
				option_type_name(o->type));
	if (wants && !r->choices_count)
		return ly_error(&ld->y, ly_get(&ld->y.doc, node, "type"),
				"option '%s' of type %s needs 'choices'",
				o->name, option_type_name(o->type));
	o->choices = arena_alloc(&ld->m->arena,
				 (r->choices_count + 1) * sizeof(char *));
	for (i = 0; i < r->choices_count; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(r->choices[i], r->choices[j]))
				return ly_error(&ld->y, ly_at(&ld->y.doc, seq,
						i), "duplicate choice '%s' in "
						"option '%s'", r->choices[i],
						o->name);
		o->choices[i] = adup(ld, r->choices[i]);
	}
	o->nchoices = r->choices_count;
	return 0;
}

static int build_range(struct loader *ld, const struct raw_option *r,
		       const yaml_node_t *node, struct option *o)
{
	if (o->type != OPTION_INT && (r->min || r->max))
		return ly_error(&ld->y, key_at(ld, node, r->min ? "min" :
						    "max"), "'%s' only applies "
				"to int options, and '%s' is %s",
				r->min ? "min" : "max", o->name,
				option_type_name(o->type));
	o->has_min = r->min != NULL;
	o->has_max = r->max != NULL;
	o->min = r->min ? *r->min : 0;
	o->max = r->max ? *r->max : 0;
	if (o->has_min && o->has_max && o->min > o->max)
		return ly_error(&ld->y, ly_get(&ld->y.doc, node, "max"),
				"max %lld is less than min %lld in option "
				"'%s'", o->max, o->min, o->name);
	return 0;
}

/* Python-style class escapes and their POSIX spellings. */
static const struct {
	char esc;
	const char *out;	/* outside a bracket expression */
	const char *in;		/* inside one; NULL: not expressible */
} re_classes[] = {
	{ 'd', "[0-9]", "0-9" },
	{ 'w', "[[:alnum:]_]", "[:alnum:]_" },
	{ 's', "[[:space:]]", "[:space:]" },
	{ 'D', "[^0-9]", NULL },
	{ 'W', "[^[:alnum:]_]", NULL },
	{ 'S', "[^[:space:]]", NULL },
};

/*
 * Translate the escape at p (just past the backslash) into out.  Returns
 * false when it cannot be written inside a bracket expression.
 */
static bool re_escape(const char *p, bool in_bracket, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < CYAML_ARRAY_LEN(re_classes); i++) {
		if (re_classes[i].esc != *p)
			continue;
		if (in_bracket && !re_classes[i].in)
			return false;
		strbuf_adds(out, in_bracket ? re_classes[i].in :
			    re_classes[i].out);
		return true;
	}
	if (!in_bracket) {
		strbuf_addch(out, '\\');
	} else if (*p == ']' || *p == '-' || *p == '^') {
		return false;
	}
	strbuf_addch(out, *p);
	return true;
}

/*
 * Rewrite a pattern's Python escapes (\d \w \s \D \W \S) as POSIX ERE.
 * Returns 0, or -1 with *bad set to an escape that has no POSIX spelling
 * inside brackets.
 */
static int re_translate(const char *re, struct strbuf *out, char *bad)
{
	bool in_br = false;
	const char *p;

	for (p = re; *p; p++) {
		if (*p == '\\' && p[1]) {
			if (!re_escape(++p, in_br, out)) {
				*bad = *p;
				return -1;
			}
			continue;
		}
		strbuf_addch(out, *p);
		if (!in_br && *p == '[') {
			in_br = true;
			if (p[1] == '^')
				strbuf_addch(out, *++p);
			if (p[1] == ']')
				strbuf_addch(out, *++p);
		} else if (in_br && *p == '[' && p[1] == ':') {
			const char *end = strstr(p + 2, ":]");

			if (end) {
				strbuf_add(out, p + 1, (size_t)(end + 1 - p));
				p = end + 1;
			}
		} else if (in_br && *p == ']') {
			in_br = false;
		}
	}
	return 0;
}

/*
 * Limits on a pattern, which comes from a template and so may be hostile.
 * glibc's regcomp() recurses once per group (20,000 nested groups crash
 * it), copies an atom once per repetition that {m,n} asks for, so that
 * nested bounds multiply (`[a-z]{1,32767}` takes 8 GB), and takes time
 * exponential in the nesting of repetitions of what can match the empty
 * string (`()++++++` runs for minutes).  POSIX leaves stacked repetitions
 * such as `a**` undefined anyway.  regexec() backtracks exponentially on
 * back-references (`^(a|aa)+(b|\1)+$`), a GNU extension to ERE.
 */
#define RE_MAX_DEPTH 32		/* nesting of groups */
#define RE_MAX_COST 1000	/* atoms once repetitions are expanded */

/* One group being measured: its atoms so far and its last atom. */
struct re_frame {
	size_t sum, last;	/* atoms, saturated past RE_MAX_COST */
	bool has_last;		/* there is a last atom to repeat */
	bool last_empty;	/* the last atom can match "" */
	bool before_empty;	/* the branch before the last atom can */
	bool alt_empty;		/* an earlier branch of the group can */
};

#define RE_FRAME_INIT { 0, 0, false, false, true, false }

/* a + b, saturated just past RE_MAX_COST (a, b <= RE_MAX_COST + 1). */
static size_t re_add(size_t a, size_t b)
{
	return a + b > RE_MAX_COST ? RE_MAX_COST + 1 : a + b;
}

/* a * b, saturated just past RE_MAX_COST. */
static size_t re_mul(size_t a, size_t b)
{
	return b && a > RE_MAX_COST / b ? RE_MAX_COST + 1 : a * b;
}

/* True when the group f, as measured so far, can match "". */
static bool re_frame_empty(const struct re_frame *f)
{
	return f->alt_empty ||
	       (f->before_empty && (!f->has_last || f->last_empty));
}

/* Add an atom of cost c, which can match "" when empty, to f. */
static void re_atom(struct re_frame *f, size_t c, bool empty)
{
	f->before_empty = f->before_empty && (!f->has_last || f->last_empty);
	f->sum = re_add(f->sum, c);
	f->last = c;
	f->has_last = true;
	f->last_empty = empty;
}

/*
 * Repeat the last atom of f so that there are k >= 1 copies of it, the
 * result matching "" when opt.  Returns -1 when the atom can match "".
 */
static int re_repeat(struct re_frame *f, size_t k, bool opt)
{
	if (!f->has_last)
		return 0;	/* nothing to repeat: regcomp() says so */
	if (f->last_empty)
		return -1;
	f->sum = re_add(f->sum, re_mul(f->last, k - 1));
	f->last = re_mul(f->last, k);
	f->last_empty = opt;
	return 0;
}

/* End the current branch of f at a '|'. */
static void re_branch(struct re_frame *f)
{
	f->alt_empty = re_frame_empty(f);
	f->has_last = false;
	f->before_empty = true;
}

/* Return the end of the bracket expression that starts at p ('['). */
static const char *re_skip_bracket(const char *p)
{
	const char *end;

	p += 1 + (p[1] == '^');
	p += *p == ']';
	for (; *p && *p != ']'; p++) {
		char close[3] = { p[1], ']', '\0' };

		if (*p == '[' && p[1] && strchr(":=.", p[1]) &&
		    (end = strstr(p + 2, close)))
			p = end + 1;
	}
	return *p ? p + 1 : p;
}

/*
 * Parse the interval {m}, {m,}, {,n} or {m,n} at p ('{').  Returns its
 * end, sets *copies to how many copies of the atom regcomp() makes (at
 * least 1) and *opt when m is 0, or returns NULL when p starts no
 * interval.
 */
static const char *re_interval(const char *p, size_t *copies, bool *opt)
{
	unsigned long m = 0, n;
	bool digits = false;
	char *end = (char *)p + 1;

	if (isdigit((unsigned char)*end)) {
		m = strtoul(end, &end, 10);
		digits = true;
	}
	n = m;
	if (*end == ',') {
		end++;
		n = m + 1;
		if (isdigit((unsigned char)*end)) {
			n = strtoul(end, &end, 10);
			digits = true;
		}
	}
	if (!digits || *end != '}')
		return NULL;
	*copies = n > RE_MAX_COST ? RE_MAX_COST + 1 : n ? n : 1;
	*opt = !m;
	return end + 1;
}

/*
 * Measure the element at p (anything but a group) into f.  Returns the
 * end of the element, or NULL with *why set when it passes a limit.
 */
static const char *re_element(const char *p, struct re_frame *f,
			      const char **why)
{
	const char *next;
	size_t k;
	bool opt;

	*why = "it repeats something that can match the empty string";
	if (*p == '{' && (next = re_interval(p, &k, &opt)))
		return re_repeat(f, k, opt) ? NULL : next;
	if (*p == '*' || *p == '?' || *p == '+')
		return re_repeat(f, *p == '+' ? 2 : 1, *p != '+') ? NULL :
		       p + 1;
	*why = "back-references such as '\\1' are not supported";
	if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
		return NULL;
	if (*p == '|')
		re_branch(f);
	else if (*p == '^' || *p == '$')
		re_atom(f, 0, true);
	else
		re_atom(f, 1, false);
	if (*p == '[')
		return re_skip_bracket(p);
	return p + 1 + (*p == '\\' && p[1]);
}

/*
 * Check ERE re against the limits above.  Returns 0, or -1 with *why set
 * to the one it passes.
 */
static int re_check_limits(const char *re, const char **why)
{
	struct re_frame st[RE_MAX_DEPTH + 1] = { RE_FRAME_INIT };
	size_t depth = 0;
	const char *p = re;

	while (*p) {
		if (*p == '(' && depth == RE_MAX_DEPTH) {
			*why = "groups nest deeper than 32";
			return -1;
		} else if (*p == '(') {
			st[++depth] = (struct re_frame)RE_FRAME_INIT;
			p++;
		} else if (*p == ')' && depth) {
			depth--;
			re_atom(&st[depth], st[depth + 1].sum ?
				st[depth + 1].sum : 1,
				re_frame_empty(&st[depth + 1]));
			p++;
		} else if (!(p = re_element(p, &st[depth], why))) {
			return -1;
		}
	}
	for (; depth; depth--)
		re_atom(&st[depth - 1], st[depth].sum, false);
	if (st[0].sum <= RE_MAX_COST)
		return 0;
	*why = "its repetitions expand to more than 1000 elements";
	return -1;
}

/*
 * True when regcomp() has room to work.  glibc's regcomp() frees its work
 * area twice when an allocation fails halfway (free_workarea_compile after
 * a failed analyze), so it must never run out: patterns are bounded by
 * re_check_limits(), and this much address space covers the largest.
 */
#define REGCOMP_HEADROOM ((size_t)4 << 20)
static bool regcomp_headroom(void)
{
	void *p = malloc(REGCOMP_HEADROOM);

	free(p);
	return p != NULL;
}

static int build_pattern(struct loader *ld, const struct raw_option *r,
			 const yaml_node_t *node, struct option *o)
{
	struct strbuf ere = STRBUF_INIT;
	const yaml_node_t *at = ly_get(&ld->y.doc, node, "pattern");
	regex_t *re = arena_zalloc(&ld->m->arena, sizeof(*re));
	const char *why;
	char bad = 0, *msg;
	int ret = 0, rc;
	size_t n;

	if (!r->pattern && r->pattern_help)
		return ly_error(&ld->y, key_at(ld, node, "pattern_help"),
				"'pattern_help' explains a 'pattern', and "
				"'%s' has none", o->name);
	if (!r->pattern)
		return 0;
	if (o->type != OPTION_STRING)
		return ly_error(&ld->y, key_at(ld, node, "pattern"),
				"'pattern' only applies to string options, "
				"and '%s' is %s", o->name,
				option_type_name(o->type));
	o->pattern = adup(ld, r->pattern);
	o->pattern_help = adup(ld, r->pattern_help);
	if (re_translate(r->pattern, &ere, &bad)) {
		ret = ly_error_text(&ld->y, at, "invalid pattern '%s' in "
				    "option '%s': '\\%c' cannot be used inside "
				    "[...]", r->pattern, o->name, bad);
		diag_hint(ld->y.err, "POSIX brackets take no escapes: put ']' "
			  "first and '-' last, or write [^0-9] for \\D");
	} else if (re_check_limits(ere.buf, &why)) {
		ret = ly_error_text(&ld->y, at, "invalid pattern '%s' in "
				    "option '%s': %s", r->pattern, o->name,
				    why);
		diag_hint(ld->y.err, "patterns may nest 32 groups, hold 1000 "
			  "elements once each {m,n} is copied out n times, and "
			  "repeat only what matches one character or more");
	} else if (!regcomp_headroom()) {
		ret = diag_fail(ld->y.err, "out of memory");
	} else if ((rc = regcomp(re, ere.buf, REG_EXTENDED | REG_NOSUB)) ==
		   REG_ESPACE) {
		ret = diag_fail(ld->y.err, "out of memory");
	} else if (rc) {
		n = regerror(rc, re, NULL, 0);
		msg = xmalloc(n);
		regerror(rc, re, msg, n);
		ret = ly_error_text(&ld->y, at, "invalid pattern '%s' in "
				    "option '%s': %s", r->pattern, o->name,
				    msg);
		free(msg);
	} else {
		o->pattern_re = re;
	}
	strbuf_release(&ere);
	return ret;
}

/*
 * Read node n (a default or a matrix entry) as an untyped value: a scalar
 * becomes a string and, for multi options, a sequence of scalars a list
 * of strings.  option_coerce() types it afterwards.
 */
static int node_value(struct loader *ld, const yaml_node_t *n,
		      const struct option *o, const char *what,
		      struct value **out)
{
	struct arena *a = &ld->m->arena;
	const char *text = ly_str(n);
	const yaml_node_t *item;
	size_t i;

	if (text) {
		*out = value_strn(a, text, n->data.scalar.length);
		return 0;
	}
	if (o->nfields && n->type == YAML_SEQUENCE_NODE)
		return ly_value(&ld->y.doc, n, a, out) ?
			ly_error(&ld->y, n, "%s for option '%s' must be a "
				 "sequence of mappings of scalars", what,
				 o->name) : 0;
	if (n->type != YAML_SEQUENCE_NODE || o->type != OPTION_MULTI)
		return ly_error(&ld->y, n, "%s for option '%s' must be %s, "
				"not %s", what, o->name,
				o->type == OPTION_MULTI ? "a sequence" :
				"a scalar", ly_kind(n));
	*out = value_list(a, 0);
	for (i = 0; (item = ly_at(&ld->y.doc, n, i)); i++) {
		if (!(text = ly_str(item)))
			return ly_error(&ld->y, item, "entries of %s for "
					"option '%s' must be scalars, not %s",
					what, o->name, ly_kind(item));
		value_list_push(a, *out, value_strn(a, text,
						   item->data.scalar.length));
	}
	return 0;
}

/* Type and check the value of node n for o; what is "default", ... */
static int typed_value(struct loader *ld, const yaml_node_t *n,
		       const struct option *o, const char *what,
		       struct value **out)
{
	struct strbuf why = STRBUF_INIT, shown = STRBUF_INIT;
	struct value *raw = NULL;
	int ret;

	ret = node_value(ld, n, o, what, &raw);
	if (ret)
		return ret;
	ret = option_coerce(o, raw, &ld->m->arena, out, &why);
	if (ret) {
		option_format_value(&shown, raw);
		ly_error(&ld->y, n, "invalid %s '%s' for option '%s': %s",
			 what, shown.buf, o->name, why.buf);
		if (o->type == OPTION_STRING && o->pattern && o->help)
			diag_hint(ld->y.err, "%s", o->help);
	}
	strbuf_release(&why);
	strbuf_release(&shown);
	return ret;
}

/* The default of an option that has none: "", false, 0, first, []. */
static struct value *implicit_default(struct loader *ld,
				      const struct option *o)
{
	struct arena *a = &ld->m->arena;
	long long i = 0;

	switch (o->type) {
	case OPTION_BOOL:
		return value_bool(false);
	case OPTION_INT:
		if (o->has_min && i < o->min)
			i = o->min;
		if (o->has_max && i > o->max)
			i = o->max;
		return value_int(a, i);
	case OPTION_CHOICE:
		return value_str(a, o->choices[0]);
	case OPTION_MULTI:
		return value_list(a, 0);
	case OPTION_STRING:
	default:
		return value_str(a, "");
	}
}

static int build_default(struct loader *ld, const yaml_node_t *node,
			 struct option *o)
{
	yaml_node_t *d = ly_get(&ld->y.doc, node, "default");

	if (!d || ly_null(d)) {
		o->def = implicit_default(ld, o);
		return 0;
	}
	return typed_value(ld, d, o, "default", &o->def);
}

/* `matrix:` is one value or a sequence of values to try. */
static int build_matrix(struct loader *ld, const yaml_node_t *node,
			struct option *o)
{
	yaml_node_t *mx = ly_get(&ld->y.doc, node, "matrix");
	const yaml_node_t *item;
	struct value *v;
	size_t i;
	int ret = 0;

	if (!mx || ly_null(mx))
		return 0;
	o->matrix = value_list(&ld->m->arena, 0);
	if (mx->type == YAML_MAPPING_NODE)
		return ly_error(&ld->y, mx, "'matrix' for option '%s' "
				"must be a value or a sequence of values, "
				"not a mapping", o->name);
	if (mx->type == YAML_SCALAR_NODE) {
		ret = typed_value(ld, mx, o, "matrix value", &v);
		if (!ret)
			value_list_push(&ld->m->arena, o->matrix, v);
		return ret;
	}
	for (i = 0; !ret && (item = ly_at(&ld->y.doc, mx, i)); i++) {
		ret = typed_value(ld, item, o, "matrix value", &v);
		if (!ret)
			value_list_push(&ld->m->arena, o->matrix, v);
	}
	return ret;
}

/* Check o's name: an identifier not used by an earlier option. */
static int check_option_name(struct loader *ld, const struct option *o,
			     size_t index, const yaml_node_t *node)
{
	const yaml_node_t *name = ly_get(&ld->y.doc, node, "name");
	size_t i;

	if (check_identifier(ld, o->name, name, "option"))
		return ERR_INPUT;
	for (i = 0; i < index; i++) {
		if (strcmp(ld->m->options[i].name, o->name))
			continue;
		ly_error(&ld->y, name, "duplicate option '%s'",
			 o->name);
		diag_hint(ld->y.err, "'%s' is first defined at line %u",
			  o->name, ld->m->options[i].pos.line);
		return ERR_INPUT;
	}
	return 0;
}

/* Check a field's name: an identifier its option has not used yet. */
static int check_field_name(struct loader *ld, const struct option *o,
			    size_t index, const yaml_node_t *node)
{
	const yaml_node_t *name = ly_get(&ld->y.doc, node, "name");
	size_t i;

	if (check_identifier(ld, o->fields[index].name, name, "field"))
		return ERR_INPUT;
	for (i = 0; i < index; i++)
		if (!strcmp(o->fields[i].name, o->fields[index].name))
			return ly_error(&ld->y, name, "duplicate field "
					"'%s' in option '%s'",
					o->fields[i].name, o->name);
	return 0;
}

/* Field index of o, typed like an option; without a default, required. */
static int build_field(struct loader *ld, const struct raw_option *r,
		       size_t index, const yaml_node_t *node,
		       struct option *o)
{
	struct option *f = &o->fields[index];
	yaml_node_t *def = ly_get(&ld->y.doc, node, "default");
	int ret;

	f->name = adup(ld, r->name);
	f->type = (enum option_type)r->type;
	f->help = adup(ld, r->help);
	f->unique = r->unique == RAW_BOOL_TRUE;
	f->refers_to = adup(ld, r->refers_to);
	f->pos = node_pos(node);
	if (f->type == OPTION_MULTI)
		return ly_error(&ld->y, ly_get(&ld->y.doc, node, "type"),
				"field '%s' of option '%s' cannot be multi",
				f->name, o->name);
	ret = check_field_name(ld, o, index, node);
	if (!ret)
		ret = build_choices(ld, r, node, f);
	if (!ret)
		ret = build_range(ld, r, node, f);
	if (!ret)
		ret = build_pattern(ld, r, node, f);
	f->required = !def || ly_null(def);
	if (!ret && !f->required)
		ret = typed_value(ld, def, f, "default", &f->def);
	return ret;
}

/* `fields:` turns a multi option into a list of typed objects. */
/*
 * `refers_to: F` makes a string field a comma-separated list of values
 * of another string field F of the same elements.
 */
static int check_refers_to(struct loader *ld, const struct option *o,
			   size_t index, const yaml_node_t *node)
{
	const struct option *f = &o->fields[index], *to = NULL;
	size_t i;

	if (!f->refers_to)
		return 0;
	for (i = 0; i < o->nfields; i++)
		if (i != index && !strcmp(o->fields[i].name, f->refers_to))
			to = &o->fields[i];
	if (f->type == OPTION_STRING && to && to->type == OPTION_STRING)
		return 0;
	ly_error(&ld->y, ly_get(&ld->y.doc, node, "refers_to"), "'refers_to' "
		 "of field '%s' must name another string field of option "
		 "'%s', not '%s'", f->name, o->name, f->refers_to);
	diag_hint(ld->y.err, "both fields are strings: this one lists, "
		  "comma-separated, values the other field has");
	return ERR_INPUT;
}

static int build_fields(struct loader *ld, const struct raw_option *r,
			const yaml_node_t *node, struct option *o)
{
	yaml_node_t *seq = ly_get(&ld->y.doc, node, "fields");
	size_t i;
	int ret = 0;

	if (!seq)
		return 0;
	if (o->type != OPTION_MULTI || !r->fields_count)
		return ly_error(&ld->y, key_at(ld, node, "fields"),
				"'fields' needs a multi option and at least "
				"one field, and '%s' is %s with %u", o->name,
				option_type_name(o->type), r->fields_count);
	o->fields = arena_zalloc(&ld->m->arena,
				 r->fields_count * sizeof(*o->fields));
	o->nfields = r->fields_count;
	for (i = 0; !ret && i < o->nfields; i++)
		ret = build_field(ld, &r->fields[i], i,
				  ly_at(&ld->y.doc, seq, i), o);
	for (i = 0; !ret && i < o->nfields; i++)
		ret = check_refers_to(ld, o, i, ly_at(&ld->y.doc, seq, i));
	return ret;
}

static int build_option(struct loader *ld, const struct raw_option *r,
			size_t index, const yaml_node_t *node)
{
	struct option *o = &ld->m->options[index];
	int ret;

	o->name = adup(ld, r->name);
	o->type = (enum option_type)r->type;
	o->help = adup(ld, r->help);
	o->prompt = adup(ld, r->prompt);
	o->when_src = adup(ld, r->when);
	o->rotate = r->rotate == RAW_BOOL_TRUE;
	o->pos = node_pos(node);
	ret = check_option_name(ld, o, index, node);
	if (!ret)
		ret = build_fields(ld, r, node, o);
	if (!ret)
		ret = build_choices(ld, r, node, o);
	if (!ret)
		ret = build_range(ld, r, node, o);
	if (!ret)
		ret = build_pattern(ld, r, node, o);
	if (!ret && r->when)
		ret = compile_expr(ld, r->when,
				   ly_get(&ld->y.doc, node, "when"), &o->when);
	if (!ret)
		ret = build_default(ld, node, o);
	if (!ret)
		ret = build_matrix(ld, node, o);
	return ret;
}

static int build_options(struct loader *ld, const struct raw_manifest *raw)
{
	yaml_node_t *seq = ly_get(&ld->y.doc, ld->root, "options");
	size_t i;
	int ret = 0;

	ld->m->options = arena_zalloc(&ld->m->arena, (raw->options_count + 1)
				      * sizeof(struct option));
	ld->m->noptions = raw->options_count;
	for (i = 0; !ret && i < raw->options_count; i++)
		ret = build_option(ld, &raw->options[i], i,
				   ly_at(&ld->y.doc, seq, i));
	return ret;
}

/* Check a computed name: an identifier no option or computed uses. */
static int check_computed_name(struct loader *ld, const char *name,
			       size_t index, const yaml_node_t *node)
{
	size_t i;

	if (check_identifier(ld, name, node, "computed value"))
		return ERR_INPUT;
	if (manifest_option(ld->m, name))
		return ly_error(&ld->y, node, "computed value '%s' has the "
				"name of an option", name);
	for (i = 0; i < index; i++)
		if (!strcmp(ld->m->computed[i].name, name))
			return ly_error(&ld->y, node, "duplicate computed "
					"value '%s'", name);
	return 0;
}

static int build_computed(struct loader *ld, const struct raw_manifest *raw)
{
	yaml_node_t *seq = ly_get(&ld->y.doc, ld->root, "computed"), *node;
	struct manifest *m = ld->m;
	size_t i;

	m->computed = arena_zalloc(&m->arena, (raw->computed_count + 1) *
				   sizeof(struct computed));
	for (i = 0; i < raw->computed_count; i++) {
		struct computed *c = &m->computed[i];

		node = ly_at(&ld->y.doc, seq, i);
		if (check_computed_name(ld, raw->computed[i].name, i,
					ly_get(&ld->y.doc, node, "name")))
			return ERR_INPUT;
		c->name = adup(ld, raw->computed[i].name);
		c->value = adup(ld, raw->computed[i].value);
		c->pos = text_pos(ly_get(&ld->y.doc, node, "value"));
		m->ncomputed = i + 1;
	}
	return 0;
}

static int build_constraints(struct loader *ld,
			     const struct raw_manifest *raw)
{
	yaml_node_t *seq = ly_get(&ld->y.doc, ld->root, "constraints"), *req;
	struct manifest *m = ld->m;
	size_t i;
	int ret = 0;

	m->constraints = arena_zalloc(&m->arena, (raw->constraints_count +
				      1) * sizeof(struct constraint));
	m->nconstraints = raw->constraints_count;
	for (i = 0; !ret && i < raw->constraints_count; i++) {
		const struct raw_constraint *r = &raw->constraints[i];
		struct constraint *c = &m->constraints[i];

		req = ly_get(&ld->y.doc, ly_at(&ld->y.doc, seq, i), "require");
		c->require_src = adup(ld, r->require);
		c->message = r->message ? adup(ld, r->message) :
			     arena_printf(&m->arena, "constraint not met: %s",
					  r->require);
		c->pos = text_pos(req);
		ret = compile_expr(ld, r->require, req, &c->require);
	}
	return ret;
}

/* `delimiters:` sets 2, 4 or 6 of the tpl_syntax strings, in order. */
static int build_delimiters(struct loader *ld, const struct raw_file *r,
			    const yaml_node_t *node, struct file_rule *f)
{
	const char **slots[] = {
		&f->syntax.var_open, &f->syntax.var_close,
		&f->syntax.block_open, &f->syntax.block_close,
		&f->syntax.comment_open, &f->syntax.comment_close,
	};
	yaml_node_t *seq = ly_get(&ld->y.doc, node, "delimiters");
	unsigned i;

	if (!r->delimiters_count)
		return 0;
	if (r->delimiters_count % 2 || r->delimiters_count > 6)
		return ly_error(&ld->y, seq, "'delimiters' in file rule "
				"'%s' needs 2, 4 or 6 strings (variable, "
				"block, comment open/close), not %u",
				f->glob, r->delimiters_count);
	for (i = 0; i < r->delimiters_count; i++) {
		if (!*r->delimiters[i])
			return ly_error(&ld->y, ly_at(&ld->y.doc, seq, i),
					"empty delimiter in file rule '%s'",
					f->glob);
		*slots[i] = adup(ld, r->delimiters[i]);
	}
	f->has_syntax = true;
	return 0;
}

/*
 * `each: "VAR in EXPR"`: VAR an identifier, EXPR an expression whose
 * value is a list.  The expression is compiled at its own column.
 */
static int build_each(struct loader *ld, const char *src,
		      const yaml_node_t *n, struct file_rule *f)
{
	struct src_pos pos = text_pos(n);
	size_t var = strspn(src, "abcdefghijklmnopqrstuvwxyz0123456789_"),
	       gap = strspn(src + var, " ");
	const char *expr = src + var + gap + 2;

	f->each_var = arena_strndup(&ld->m->arena, src, var);
	if (!var || !gap || strncmp(src + var + gap, "in", 2) ||
	    !strchr(" ", *expr) || !is_identifier(f->each_var)) {
		ly_error_text(&ld->y, n, "'each' in file rule '%s' must read "
			      "'NAME in EXPRESSION', not '%s'", f->glob, src);
		diag_hint(ld->y.err, "for example: each: \"c in components\"");
		return ERR_INPUT;
	}
	expr += strspn(expr, " ");
	f->each_src = adup(ld, expr);
	return tpl_expr_compile(ld->y.src.name, expr, strlen(expr), pos.line,
				pos.col + (unsigned)(expr - src), &f->each,
				ld->y.err);
}

/* ---- file rules: `from` and `with` ------------------------------------ */

/* True when the n bytes at s hold a glob character. */
static bool has_wildcard(const char *s, size_t n)
{
	return memchr(s, '*', n) || memchr(s, '?', n);
}

/* True when e is a relative path of plain components; a final '/' is
 * allowed (a directory, as in `path:`). */
static bool from_entry_ok(const char *e)
{
	const char *p = e;

	if (!*e || *e == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && *p == '.') ||
		    (n == 2 && !strncmp(p, "..", 2)))
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

/*
 * Length of the directory that holds every file entry e names: up to the
 * first component with a wildcard, else its directory (all of it when it
 * ends with '/').
 */
static size_t from_entry_dir(const char *e)
{
	const char *p = e;
	size_t dir = 0;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (has_wildcard(p, n) || p[n] != '/')
			break;
		dir = (size_t)(p + n - e);
		p += n + 1;
	}
	return dir;
}

/* Length of the deepest directory that both a (an) and b (bn) lie in. */
static size_t common_dir(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i, last = 0, n = an < bn ? an : bn;

	for (i = 0; i < n && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if (i == n && (an == bn || (an > n ? a[n] : b[n]) == '/'))
		return n;
	return last;
}

/* Set f->from_dir and f->from_base from f's entries; seq: `from` is a
 * sequence. */
static void from_set_base(struct loader *ld, struct file_rule *f, bool seq)
{
	const char *e = f->from[0];
	size_t base = from_entry_dir(e), i;

	f->from_dir = seq || has_wildcard(e, strlen(e)) ||
		      e[strlen(e) - 1] == '/';
	for (i = 1; i < f->nfrom; i++)
		base = common_dir(e, base, f->from[i],
				  from_entry_dir(f->from[i]));
	f->from_base = arena_strndup(&ld->m->arena, e, base);
}

/* Report that `from` (at n) in f must be one path or a non-empty
 * sequence of them, and is got. */
static int from_bad_shape(struct loader *ld, const yaml_node_t *n,
			  const struct file_rule *f, const char *got)
{
	ly_error(&ld->y, n, "'from' in file rule '%s' must be a template "
		 "file's path or a sequence of them, not %s", f->glob, got);
	diag_hint(ld->y.err, "for example: from: app/server.py, or "
		  "from: [\"app/**\", pyproject.toml]");
	return ERR_INPUT;
}

/* Copy entry i of `from` (scalar node n) into f. */
static int from_add(struct loader *ld, const yaml_node_t *n,
		    struct file_rule *f, size_t i)
{
	const char *e = ly_str(n);

	if (!e || ly_null(n))
		return from_bad_shape(ld, n, f, e ? "nothing" : ly_kind(n));
	f->from[i] = adup(ld, e);
	f->from_pos[i] = text_pos(n);
	if (from_entry_ok(e))
		return 0;
	ly_error_text(&ld->y, n, "'from' entry '%s' in file rule '%s' is not "
		      "a relative path inside template/", e, f->glob);
	diag_hint(ld->y.err, "name files as template/ spells them, e.g. "
		  "app/server.py, or with a glob such as app/**");
	return ERR_INPUT;
}

/* Refuse key, which a rule with `from` takes from its source's rule. */
static int from_refuses(struct loader *ld, const yaml_node_t *node,
			const struct file_rule *f, const char *key)
{
	ly_error(&ld->y, key_at(ld, node, key), "'%s' does not apply to file "
		 "rule '%s': a rule with 'from' renders each file as the "
		 "file's own rule says", key, f->glob);
	diag_hint(ld->y.err, "set '%s' on a rule whose path matches the "
		  "source file", key);
	return ERR_INPUT;
}

/* `from:` one template path or glob, or a sequence of them. */
static int build_from(struct loader *ld, const struct raw_file *r,
		      const yaml_node_t *node, struct file_rule *f)
{
	const yaml_node_t *fr = ly_get(&ld->y.doc, node, "from");
	bool seq = ly_is_seq(fr);
	size_t n = seq ? ly_len(fr) : 1, i;
	int ret = 0;

	if (!fr || ly_null(fr))	/* empty: not given */
		return 0;
	if (ly_is_map(fr) || !n)
		return from_bad_shape(ld, fr, f, n ? "a mapping" :
				      "an empty sequence");
	f->from = arena_zalloc(&ld->m->arena, n * sizeof(*f->from));
	f->from_pos = arena_zalloc(&ld->m->arena, n * sizeof(*f->from_pos));
	f->nfrom = n;
	for (i = 0; !ret && i < n; i++)
		ret = from_add(ld, seq ? ly_at(&ld->y.doc, fr, i) : fr, f, i);
	if (!ret && r->render != RAW_BOOL_UNSET)
		ret = from_refuses(ld, node, f, "render");
	if (!ret && r->delimiters_count)
		ret = from_refuses(ld, node, f, "delimiters");
	if (!ret)
		from_set_base(ld, f, seq);
	return ret;
}

/*
 * Pair i of `with:` (mapping w, checked as a mapping of scalars with no
 * key twice): a variable name and the expression bound to it.
 */
static int build_binding(struct loader *ld, const yaml_node_t *w, size_t i,
			 struct file_rule *f)
{
	const yaml_node_t *k = ly_pair_key(&ld->y.doc, w, i),
			  *v = ly_pair_val(&ld->y.doc, w, i);
	const char *name = ly_str(k), *src = ly_str(v);
	struct file_binding *b = &f->with[f->nwith];

	if (check_identifier(ld, name, k, "variable"))
		return ERR_INPUT;
	if (ly_null(v)) {
		ly_error(&ld->y, v, "'with' in file rule '%s' binds '%s' to "
			 "nothing, not an expression", f->glob, name);
		diag_hint(ld->y.err, "write the value as an expression, e.g. "
			  "%s: \"c.%s\"", name, name);
		return ERR_INPUT;
	}
	b->name = adup(ld, name);
	f->nwith++;
	return compile_expr(ld, src, v, &b->expr);
}

/* `with:` a mapping of variable names to expressions. */
static int build_with(struct loader *ld, const yaml_node_t *node,
		      struct file_rule *f)
{
	const yaml_node_t *w = ly_get(&ld->y.doc, node, "with");
	size_t i, n = ly_npairs(w);
	int ret = 0;

	if (!w || !ly_is_map(w))	/* empty: not given */
		return 0;
	f->with = arena_zalloc(&ld->m->arena, (n + 1) * sizeof(*f->with));
	for (i = 0; !ret && i < n; i++)
		ret = build_binding(ld, w, i, f);
	return ret;
}

static int build_file(struct loader *ld, const struct raw_file *r,
		      const yaml_node_t *node, struct file_rule *f)
{
	const yaml_node_t *path = ly_get(&ld->y.doc, node, "path");

	f->glob = adup(ld, r->path);
	f->when_src = adup(ld, r->when);
	f->render = r->render != RAW_BOOL_FALSE;
	f->pos = node_pos(node);
	f->path_pos = text_pos(path);
	if (!*r->path || r->path[0] == '/')
		return ly_error(&ld->y, path, "file rule path '%s' must be a "
				"non-empty relative %s", r->path,
				ly_get(&ld->y.doc, node, "from") ? "path" :
				"glob");
	if (r->when && compile_expr(ld, r->when,
				    ly_get(&ld->y.doc, node, "when"), &f->when))
		return ERR_INPUT;
	if (r->each && build_each(ld, r->each,
				  ly_get(&ld->y.doc, node, "each"), f))
		return ERR_INPUT;
	if (build_from(ld, r, node, f) || build_with(ld, node, f))
		return ERR_INPUT;
	return build_delimiters(ld, r, node, f);
}

static int build_files(struct loader *ld, const struct raw_manifest *raw)
{
	yaml_node_t *seq = ly_get(&ld->y.doc, ld->root, "files");
	struct manifest *m = ld->m;
	size_t i;
	int ret = 0;

	m->files = arena_zalloc(&m->arena, (raw->files_count + 1) *
				sizeof(struct file_rule));
	m->nfiles = raw->files_count;
	for (i = 0; !ret && i < raw->files_count; i++)
		ret = build_file(ld, &raw->files[i], ly_at(&ld->y.doc, seq, i),
				 &m->files[i]);
	return ret;
}

/*
 * Copy hook names, each a plain file name in the template's hooks/, and
 * where each is written into *pos.
 */
static int build_hook_list(struct loader *ld, char **names, unsigned n,
			   const char *key, char ***out, size_t *nout,
			   struct src_pos **pos)
{
	yaml_document_t *d = &ld->y.doc;
	yaml_node_t *seq = ly_get(d, ly_get(d, ld->root, "hooks"), key);
	unsigned i;

	*out = arena_zalloc(&ld->m->arena, (n + 1) * sizeof(char *));
	*pos = arena_zalloc(&ld->m->arena, (n + 1) * sizeof(**pos));
	for (i = 0; i < n; i++) {
		(*pos)[i] = node_pos(ly_at(&ld->y.doc, seq, i));
		if (!*names[i] || strchr(names[i], '/') ||
		    !strcmp(names[i], ".") || !strcmp(names[i], "..")) {
			ly_error(&ld->y, ly_at(&ld->y.doc, seq, i),
				 "invalid hook name '%s'", names[i]);
			diag_hint(ld->y.err, "a hook is named by its file name "
				  "in the template's hooks/ directory");
			return ERR_INPUT;
		}
		(*out)[i] = adup(ld, names[i]);
	}
	*nout = n;
	return 0;
}

/* Parse a version "X[.Y[.Z]]" of decimal numbers into v[3]. */
static bool version_parse(const char *s, unsigned long v[3])
{
	char *end;
	int i;

	v[0] = v[1] = v[2] = 0;
	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v[i] = strtoul(s, &end, 10);
		if (!*end)
			return true;
		if (*end != '.')
			return false;
		s = end + 1;
	}
	return false;
}

/* Refuse a template that needs a newer genship than this one. */
static int check_min_genship(struct loader *ld, const char *want)
{
	const yaml_node_t *at = ly_get(&ld->y.doc, ld->root, "min_genship");
	unsigned long w[3], have[3];
	int i;

	if (!want)
		return 0;
	if (!version_parse(want, w))
		return ly_error(&ld->y, at, "invalid version '%s' for "
				"'min_genship': expected X.Y.Z", want);
	version_parse(PACKAGE_VERSION, have);
	for (i = 0; i < 3 && w[i] == have[i]; i++)
		;
	if (i < 3 && w[i] > have[i]) {
		ly_error(&ld->y, at, "template '%s' needs genship %s or newer, "
			 "and this is %s", ld->m->name, want, PACKAGE_VERSION);
		diag_hint(ld->y.err, "upgrade genship");
		return ERR_INPUT;
	}
	return 0;
}

static int build_manifest(struct loader *ld, const struct raw_manifest *raw)
{
	struct manifest *m = ld->m;
	const struct raw_hooks *h = raw->hooks;
	int ret;

	m->name = adup(ld, raw->name);
	m->version = adup(ld, raw->version);
	m->min_genship = adup(ld, raw->min_genship);
	m->description = adup(ld, raw->description);
	ret = check_min_genship(ld, raw->min_genship);
	if (!ret)
		ret = build_options(ld, raw);
	if (!ret)
		ret = build_computed(ld, raw);
	if (!ret)
		ret = build_constraints(ld, raw);
	if (!ret)
		ret = build_files(ld, raw);
	if (!ret && h)
		ret = build_hook_list(ld, h->pre, h->pre_count, "pre",
				      &m->pre_hooks, &m->npre_hooks,
				      &m->pre_hook_pos);
	if (!ret && h)
		ret = build_hook_list(ld, h->post, h->post_count, "post",
				      &m->post_hooks, &m->npost_hooks,
				      &m->post_hook_pos);
	return ret;
}

/* ---- public API -------------------------------------------------------- */

int manifest_load(const char *file, const char *text, size_t len,
		  struct manifest **out, struct diag *err)
{
	struct loader ld = { .y = { .err = err } };
	struct raw_manifest *raw = NULL;
	bool have_doc = false;
	int ret;

	ld.m = xcalloc(1, sizeof(*ld.m));
	arena_init(&ld.m->arena);
	ld.m->file = arena_strdup(&ld.m->arena, file);
	ld.m->text = arena_strndup(&ld.m->arena, text, len);
	ld.m->text_len = len;
	manifest_diag_src(ld.m, &ld.y.src);
	ret = ly_parse(&ld.y);
	if (ret)
		goto out;
	have_doc = true;
	ld.root = ly_root(&ld.y.doc);
	if (!ld.root) {
		ret = diag_input(err, file, "empty manifest: 'name' and "
				 "'version' are required");
		goto out;
	}
	ret = ly_check_aliases(&ld.y.src, err);
	if (!ret)
		ret = ly_check(&ld.y, ld.root, &manifest_schema);
	if (!ret)
		ret = cy_load(&ld, &raw);
	if (!ret)
		ret = build_manifest(&ld, raw);
out:
	cy_free(raw);
	if (have_doc)
		yaml_document_delete(&ld.y.doc);
	if (ret)
		manifest_free(ld.m);
	else
		*out = ld.m;
	return ret;
}

/* Free what o and its fields hold outside the arena: compiled patterns. */
static void option_release(struct option *o)
{
	size_t i;

	if (o->pattern_re)
		regfree(o->pattern_re);
	for (i = 0; o->fields && i < o->nfields; i++)
		option_release(&o->fields[i]);
}

void manifest_free(struct manifest *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->noptions; i++) {
		option_release(&m->options[i]);
		tpl_expr_free(m->options[i].when);
	}
	for (i = 0; i < m->nconstraints; i++)
		tpl_expr_free(m->constraints[i].require);
	for (i = 0; i < m->nfiles; i++) {
		tpl_expr_free(m->files[i].when);
		tpl_expr_free(m->files[i].each);
		for (j = 0; j < m->files[i].nwith; j++)
			tpl_expr_free(m->files[i].with[j].expr);
	}
	arena_release(&m->arena);
	free(m);
}

/* Where hook name is in the list names (n, at pos), or NULL. */
static const struct src_pos *hook_pos(char **names, size_t n,
				      const struct src_pos *pos,
				      const char *name)
{
	size_t i;

	for (i = 0; pos && i < n; i++)
		if (!strcmp(names[i], name))
			return &pos[i];
	return NULL;
}

int manifest_hook_missing(const struct manifest *m, const char *name,
			  struct diag *err)
{
	const struct src_pos *pos = hook_pos(m->pre_hooks, m->npre_hooks,
					     m->pre_hook_pos, name);
	struct diag_src src;

	if (!pos)
		pos = hook_pos(m->post_hooks, m->npost_hooks,
			       m->post_hook_pos, name);
	manifest_diag_src(m, &src);
	if (pos)
		diag_at_linecol(err, &src, pos->line, pos->col, "hook '%s' is "
				"not in the template's hooks/ directory", name);
	else
		diag_input(err, m->file, "hook '%s' is not in the template's "
			   "hooks/ directory", name);
	diag_hint(err, "add hooks/%s to the template, or remove it from "
		  "'hooks'", name);
	return ERR_INPUT;
}

void manifest_diag_src(const struct manifest *m, struct diag_src *src)
{
	src->name = m->file;
	src->text = m->text;
	src->len = m->text_len;
	src->line_base = 0;
	src->col_base = 0;
}

const struct option *manifest_option(const struct manifest *m,
				     const char *name)
{
	size_t i;

	for (i = 0; i < m->noptions; i++)
		if (!strcmp(m->options[i].name, name))
			return &m->options[i];
	return NULL;
}

const struct file_rule *manifest_file_rule(const struct manifest *m,
					   const char *relpath)
{
	size_t i;

	for (i = 0; i < m->nfiles; i++)
		if (!m->files[i].from &&
		    manifest_glob_match(m->files[i].glob, relpath))
			return &m->files[i];
	return NULL;
}

/* ---- globs ------------------------------------------------------------- */

/*
 * Match one path component (n bytes) against a pattern (gn bytes): `*`
 * spans any bytes and `?` one.  On a mismatch only the last `*` takes one
 * more byte, so the cost is O(gn * n) however many stars a hostile
 * template writes.
 */
static bool glob_component(const char *g, size_t gn, const char *s,
			   size_t n)
{
	size_t gi = 0, si = 0, star = gn, mark = 0;

	while (si < n) {
		if (gi < gn && g[gi] == '*') {
			star = gi++;
			mark = si;
		} else if (gi < gn && (g[gi] == '?' || g[gi] == s[si])) {
			gi++;
			si++;
		} else if (star < gn) {
			gi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (gi < gn && g[gi] == '*')
		gi++;
	return gi == gn;
}

/* Length of the component at s: up to '/' or the end. */
static size_t component_len(const char *s)
{
	return strcspn(s, "/");
}

/* Advance past the component at s and its '/'; NULL after the last. */
static const char *component_next(const char *s)
{
	s += component_len(s);
	return *s ? s + 1 : NULL;
}

/* True when the glob component at g is `**`. */
static bool component_globstar(const char *g)
{
	return g && component_len(g) == 2 && !strncmp(g, "**", 2);
}

/*
 * Match the components from g on against those from p on (NULL: none),
 * `**` spanning any number of whole components.  As in glob_component(),
 * only the last `**` backtracks.
 */
static bool glob_components(const char *g, const char *p)
{
	const char *after = NULL, *mark = NULL;
	bool star = false;

	while (p) {
		if (component_globstar(g)) {
			star = true;
			after = g = component_next(g);
			mark = p;
		} else if (g && glob_component(g, component_len(g), p,
					       component_len(p))) {
			g = component_next(g);
			p = component_next(p);
		} else if (star) {
			g = after;
			p = mark = component_next(mark);
		} else {
			return false;
		}
	}
	while (component_globstar(g))
		g = component_next(g);
	return !g;
}

bool manifest_glob_match(const char *glob, const char *path)
{
	size_t n = strlen(glob);
	bool dir = n && glob[n - 1] == '/';
	struct strbuf sb = STRBUF_INIT;
	bool ret;

	if (!dir)
		return glob_components(glob, path);
	/* "k8s/" names a directory: everything below it. */
	strbuf_adds(&sb, glob);
	strbuf_adds(&sb, "**");
	ret = glob_components(sb.buf, path);
	strbuf_release(&sb);
	return ret;
}
