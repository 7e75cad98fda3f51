/*
 * ly.c: libyaml document helpers: parsing with positioned errors, alias
 * limits, node lookups, conversion to values, and the table-driven
 * structural check that the manifest, answers and config loaders share.
 */
#include "config.h"

#include "ly.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "xalloc.h"

/* ---- parsing ----------------------------------------------------------- */

/* Set an error for libyaml parser p. Returns ERR_INPUT or ERR_FAIL. */
static int parse_error(const struct diag_src *src, const yaml_parser_t *p,
		       struct diag *err)
{
	const char *problem = p->problem ? p->problem : "syntax error";

	if (p->error == YAML_MEMORY_ERROR)
		return diag_fail(err, "%s: out of memory parsing YAML",
				 src->name);
	if (p->error == YAML_READER_ERROR)
		return diag_at(err, src, p->problem_offset,
			       "invalid YAML: %s", problem);
	diag_at_linecol(err, src, (unsigned)p->problem_mark.line + 1,
			(unsigned)p->problem_mark.column + 1,
			"invalid YAML: %s", problem);
	if (p->context)
		diag_hint(err, "%s at line %lu", p->context,
			  (unsigned long)p->context_mark.line + 1);
	return ERR_INPUT;
}

/* After the first document, anything but the end of the stream is wrong. */
static int parse_single(const struct diag_src *src, yaml_parser_t *p,
			struct diag *err)
{
	yaml_document_t next;
	int ret = 0;

	if (!yaml_parser_load(p, &next))
		return parse_error(src, p, err);
	if (yaml_document_get_root_node(&next))
		ret = diag_at_linecol(err, src,
				      (unsigned)next.start_mark.line + 1,
				      (unsigned)next.start_mark.column + 1,
				      "expected one YAML document, found a "
				      "second one");
	yaml_document_delete(&next);
	return ret;
}

int ly_parse(struct ly_doc *y)
{
	yaml_parser_t p;
	int ret = 0;

	if (!yaml_parser_initialize(&p))
		return diag_fail(y->err, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)y->src.text,
				     y->src.len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, &y->doc))
		ret = parse_error(&y->src, &p, y->err);
	else if ((ret = parse_single(&y->src, &p, y->err)))
		yaml_document_delete(&y->doc);
	yaml_parser_delete(&p);
	return ret;
}

/* ---- alias expansion --------------------------------------------------- */

/*
 * A loader that copies what an anchor holds at every alias (libcyaml)
 * expands aliases of aliases exponentially.  A pass over libyaml's events
 * counts the nodes aliases would add, without expanding them.
 */
#define ALIAS_MAX_NODES 100000	/* nodes aliases may add in all */
#define ALIAS_MAX_ANCHORS 1000	/* bounds the anchor lookups */

struct alias_anchor {
	char *name;
	size_t nodes;		/* nodes the anchored value holds */
};

/* A collection open at this point of the event stream. */
struct alias_frame {
	char *anchor;		/* NULL when it has none */
	size_t start;		/* the node count before it */
};

struct alias_count {
	struct alias_anchor *anchors;
	size_t nanchors, anchors_alloc;
	struct alias_frame *open;
	size_t nopen, open_alloc;
	size_t nodes;		/* nodes so far, aliases expanded */
	size_t added;		/* of which aliases added */
};

/* Record that anchor name (taken) holds nodes nodes. Returns 0 or -1. */
static int alias_define(struct alias_count *ac, char *name, size_t nodes)
{
	struct alias_anchor *a;

	if (ac->nanchors == ALIAS_MAX_ANCHORS) {
		free(name);
		return -1;
	}
	XALLOC_GROW(ac->anchors, ac->nanchors + 1, ac->anchors_alloc);
	a = &ac->anchors[ac->nanchors++];
	a->name = name;
	a->nodes = nodes;
	return 0;
}

/* Nodes the latest anchor called name holds; 0 if there is none yet. */
static size_t alias_nodes(const struct alias_count *ac, const char *name)
{
	size_t i = ac->nanchors;

	while (i--)
		if (!strcmp(ac->anchors[i].name, name))
			return ac->anchors[i].nodes;
	return 0;
}

/* Open a collection with anchor (may be NULL). */
static void alias_open(struct alias_count *ac, const yaml_char_t *anchor)
{
	struct alias_frame *f;

	XALLOC_GROW(ac->open, ac->nopen + 1, ac->open_alloc);
	f = &ac->open[ac->nopen++];
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	f->start = ac->nodes++;
}

/* Close the innermost collection. Returns 0, or -1 past the anchors. */
static int alias_close(struct alias_count *ac)
{
	struct alias_frame *f;

	if (!ac->nopen)
		return 0;
	f = &ac->open[--ac->nopen];
	return f->anchor ? alias_define(ac, f->anchor,
					ac->nodes - f->start) : 0;
}

/* Count one event. Returns 0, or -1 when a limit is passed. */
static int alias_event(struct alias_count *ac, const yaml_event_t *ev)
{
	const yaml_char_t *anchor;
	size_t n;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		ac->nodes++;
		anchor = ev->data.scalar.anchor;
		return anchor ? alias_define(ac, xstrdup((const char *)anchor),
					     1) : 0;
	case YAML_SEQUENCE_START_EVENT:
		alias_open(ac, ev->data.sequence_start.anchor);
		return 0;
	case YAML_MAPPING_START_EVENT:
		alias_open(ac, ev->data.mapping_start.anchor);
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return alias_close(ac);
	case YAML_ALIAS_EVENT:
		n = alias_nodes(ac, (const char *)ev->data.alias.anchor);
		ac->added += n;
		ac->nodes += n;
		return ac->added > ALIAS_MAX_NODES ? -1 : 0;
	default:
		return 0;
	}
}

static void alias_count_release(struct alias_count *ac)
{
	size_t i;

	for (i = 0; i < ac->nanchors; i++)
		free(ac->anchors[i].name);
	for (i = 0; i < ac->nopen; i++)
		free(ac->open[i].anchor);
	free(ac->anchors);
	free(ac->open);
}

/* Report the limit that the event at mark passed. Returns ERR_INPUT. */
static int alias_error(const struct alias_count *ac, const yaml_mark_t *mark,
		       const struct diag_src *src, struct diag *err)
{
	if (ac->nanchors == ALIAS_MAX_ANCHORS)
		diag_at(err, src, mark->index, "more than %d YAML anchors",
			ALIAS_MAX_ANCHORS);
	else
		diag_at(err, src, mark->index, "YAML aliases expand to more "
			"than %d nodes", ALIAS_MAX_NODES);
	diag_hint(err, "every alias stands for a copy of its anchor's "
		  "value; write the values out, or use fewer aliases");
	return ERR_INPUT;
}

int ly_check_aliases(const struct diag_src *src, struct diag *err)
{
	struct alias_count ac = { 0 };
	yaml_parser_t p;
	yaml_event_t ev;
	int ret = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return diag_fail(err, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)src->text,
				     src->len);
	while (!ret && !done && yaml_parser_parse(&p, &ev)) {
		done = ev.type == YAML_STREAM_END_EVENT;
		if (alias_event(&ac, &ev))
			ret = alias_error(&ac, &ev.start_mark, src, err);
		yaml_event_delete(&ev);
	}
	alias_count_release(&ac);
	yaml_parser_delete(&p);
	return ret;
}

/* ---- reading nodes ----------------------------------------------------- */

const char *ly_str(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
		(const char *)n->data.scalar.value : NULL;
}

bool ly_is(const yaml_node_t *n, const char *s)
{
	const char *v = ly_str(n);

	return v && !strcmp(v, s);
}

bool ly_plain(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE &&
		n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A plain scalar spelling one of words (NULL-terminated). */
static bool plain_word(const yaml_node_t *n, const char *const *words)
{
	const char *v = ly_str(n);

	if (!v || !ly_plain(n))
		return false;
	for (; *words; words++)
		if (!strcmp(v, *words))
			return true;
	return false;
}

bool ly_true(const yaml_node_t *n)
{
	static const char *const w[] = { "true", "True", "TRUE", NULL };

	return plain_word(n, w);
}

bool ly_false(const yaml_node_t *n)
{
	static const char *const w[] = { "false", "False", "FALSE", NULL };

	return plain_word(n, w);
}

bool ly_null(const yaml_node_t *n)
{
	static const char *const w[] = { "", "~", "null", "Null", "NULL",
					 NULL };

	return plain_word(n, w);
}

bool ly_int(const yaml_node_t *n, long long *out)
{
	const char *v = ly_str(n);
	char *end;
	long long i;

	if (!v || !*v || !(isdigit((unsigned char)*v) || *v == '-'))
		return false;
	i = strtoll(v, &end, 10);
	if (*end)
		return false;
	*out = i;
	return true;
}

bool ly_is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

bool ly_is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

const char *ly_kind(const yaml_node_t *n)
{
	if (!n)
		return "nothing";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	return "a scalar";
}

unsigned ly_line(const yaml_node_t *n)
{
	return n ? (unsigned)n->start_mark.line + 1 : 0;
}

unsigned ly_col(const yaml_node_t *n)
{
	return n ? (unsigned)n->start_mark.column + 1 : 0;
}

unsigned ly_text_col(const yaml_node_t *n)
{
	bool quoted = n && n->type == YAML_SCALAR_NODE &&
		(n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		 n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);

	return ly_col(n) + quoted;
}

yaml_node_t *ly_root(yaml_document_t *d)
{
	return yaml_document_get_root_node(d);
}

size_t ly_npairs(const yaml_node_t *n)
{
	if (!ly_is_map(n))
		return 0;
	return (size_t)(n->data.mapping.pairs.top -
			n->data.mapping.pairs.start);
}

yaml_node_t *ly_pair_key(yaml_document_t *d, const yaml_node_t *map,
			 size_t i)
{
	return yaml_document_get_node(d, map->data.mapping.pairs.start[i].key);
}

yaml_node_t *ly_pair_val(yaml_document_t *d, const yaml_node_t *map,
			 size_t i)
{
	return yaml_document_get_node(d,
				      map->data.mapping.pairs.start[i].value);
}

/* The index of the first pair of map whose key is the n bytes at key. */
static size_t pair_index(yaml_document_t *d, const yaml_node_t *map,
			 const char *key, size_t n)
{
	size_t i, np = ly_npairs(map);

	for (i = 0; i < np; i++) {
		const yaml_node_t *k = ly_pair_key(d, map, i);

		if (k->type == YAML_SCALAR_NODE &&
		    k->data.scalar.length == n &&
		    !memcmp(k->data.scalar.value, key, n))
			return i;
	}
	return np;
}

yaml_node_t *ly_key(yaml_document_t *d, const yaml_node_t *map,
		    const char *key)
{
	size_t i = pair_index(d, map, key, strlen(key));

	return i < ly_npairs(map) ? ly_pair_key(d, map, i) : NULL;
}

yaml_node_t *ly_get(yaml_document_t *d, const yaml_node_t *map,
		    const char *key)
{
	size_t i = pair_index(d, map, key, strlen(key));

	return i < ly_npairs(map) ? ly_pair_val(d, map, i) : NULL;
}

yaml_node_t *ly_path(yaml_document_t *d, const yaml_node_t *n,
		     const char *path)
{
	const yaml_node_t *cur = n;

	while (cur && *path) {
		size_t k = strcspn(path, "."), i;

		i = pair_index(d, cur, path, k);
		cur = i < ly_npairs(cur) ? ly_pair_val(d, cur, i) : NULL;
		path += k + (path[k] == '.');
	}
	return (yaml_node_t *)cur;
}

size_t ly_len(const yaml_node_t *n)
{
	if (!ly_is_seq(n))
		return 0;
	return (size_t)(n->data.sequence.items.top -
			n->data.sequence.items.start);
}

yaml_node_t *ly_at(yaml_document_t *d, const yaml_node_t *seq, size_t i)
{
	if (i >= ly_len(seq))
		return NULL;
	return yaml_document_get_node(d, seq->data.sequence.items.start[i]);
}

/* A scalar key of a mapping and the index of its pair. */
struct key_ref {
	const char *key;
	size_t i;
};

static int key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

bool ly_dup_key(yaml_document_t *d, const yaml_node_t *map, size_t *dup,
		size_t *orig)
{
	size_t n = ly_npairs(map), m = 0, i, run = 0, first = n, of = 0;
	struct key_ref *refs = xcalloc(n + 1, sizeof(*refs));

	for (i = 0; i < n; i++) {
		refs[m].key = ly_str(ly_pair_key(d, map, i));
		refs[m].i = i;
		m += refs[m].key != NULL;
	}
	qsort(refs, m, sizeof(*refs), key_ref_cmp);
	for (i = 1; i < m; i++) {
		if (strcmp(refs[i].key, refs[i - 1].key))
			run = i;
		else if (refs[i].i < first)
			first = refs[i].i, of = refs[run].i;
	}
	free(refs);
	if (first == n)
		return false;
	*dup = first;
	*orig = of;
	return true;
}

/* ---- nodes to values --------------------------------------------------- */

#define VALUE_MAX_NODES 10000

/* Depth-first conversion for ly_value(); budget counts nodes. */
static int node_value(yaml_document_t *d, const yaml_node_t *n,
		      struct arena *a, unsigned depth, size_t *budget,
		      struct value **out)
{
	struct value *res, *v;
	size_t i;

	if (!n || depth > 3 || !*budget)
		return ERR_INPUT;
	--*budget;
	if (n->type == YAML_SCALAR_NODE) {
		*out = value_strn(a, (const char *)n->data.scalar.value,
				  n->data.scalar.length);
		return 0;
	}
	res = n->type == YAML_SEQUENCE_NODE ? value_list(a, 0) :
		value_dict(a, 0);
	for (i = 0; i < ly_len(n); i++) {
		if (node_value(d, ly_at(d, n, i), a, depth + 1, budget, &v))
			return ERR_INPUT;
		value_list_push(a, res, v);
	}
	for (i = 0; i < ly_npairs(n); i++) {
		const char *k = ly_str(ly_pair_key(d, n, i));

		if (!k || value_dict_get(res, k) ||
		    node_value(d, ly_pair_val(d, n, i), a, depth + 1, budget,
			       &v))
			return ERR_INPUT;
		value_dict_set(a, res, k, v);
	}
	*out = res;
	return 0;
}

int ly_value(yaml_document_t *d, const yaml_node_t *n, struct arena *a,
	     struct value **out)
{
	size_t budget = VALUE_MAX_NODES;

	return node_value(d, n, a, 0, &budget, out);
}

/* ---- errors ------------------------------------------------------------ */

int ly_error(struct ly_doc *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat_linecol(y->err, &y->src, ly_line(n), ly_col(n), fmt, ap);
	va_end(ap);
	return ERR_INPUT;
}

int ly_error_text(struct ly_doc *y, const yaml_node_t *n, const char *fmt,
		  ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat_linecol(y->err, &y->src, ly_line(n), ly_text_col(n), fmt,
			 ap);
	va_end(ap);
	return ERR_INPUT;
}

/* ---- the structural check ---------------------------------------------- */

/*
 * Where the check is, for messages: the root, a value under a key, or an
 * entry of a sequence.  Each level lives on the stack of the call that
 * checks it and points to the level above.
 */
struct where {
	const struct where *up;		/* NULL at the root */
	const yaml_node_t *node;
	const char *key;		/* the key this value is under */
	size_t index;			/* else its 1-based entry number */
	const struct ly_schema *schema;	/* the mapping's schema, if any */
};

static void where_describe(struct ly_doc *y, const struct where *w,
			   struct strbuf *sb);

/* "option 'port'", or "option #2" when the entry has no label. */
static void describe_entry(struct ly_doc *y, const struct where *w,
			   struct strbuf *sb)
{
	const struct ly_schema *s = w->schema;
	const char *label = s->label ?
		ly_str(ly_get(&y->doc, w->node, s->label)) : NULL;
	const struct where *owner = w->up->up;	/* holds the list's key */

	if (label)
		strbuf_addf(sb, "%s '%s'", s->noun, label);
	else
		strbuf_addf(sb, "%s #%zu", s->noun, w->index);
	if (owner && owner->up) {
		strbuf_adds(sb, " of ");
		where_describe(y, owner, sb);
	}
}

/* Append how messages name the node at w. */
static void where_describe(struct ly_doc *y, const struct where *w,
			   struct strbuf *sb)
{
	if (!w->up) {
		strbuf_adds(sb, w->schema->noun);
	} else if (w->key) {
		strbuf_addf(sb, "'%s'", w->key);
		if (w->up->up) {
			strbuf_adds(sb, " in ");
			where_describe(y, w->up, sb);
		}
	} else if (w->schema && w->schema->noun) {
		describe_entry(y, w, sb);
	} else {
		strbuf_addf(sb, "entry %zu of ", w->index);
		where_describe(y, w->up, sb);
	}
}

#define MAX_WORDS 32

/* Collect the keys of s into cands; append them to sb unless NULL. */
static size_t schema_keys(const struct ly_schema *s, const char **cands,
			  struct strbuf *sb)
{
	size_t i, n = s->nfields < MAX_WORDS ? s->nfields : MAX_WORDS;

	for (i = 0; i < n; i++) {
		cands[i] = s->fields[i].key;
		if (sb)
			strbuf_addf(sb, "%s%s", i ? ", " : "", cands[i]);
	}
	return n;
}

/* Append the words of f, comma-separated. */
static void add_words(const struct ly_field *f, struct strbuf *sb)
{
	size_t i;

	for (i = 0; f->words[i]; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", f->words[i]);
}

/* Append what f's value must be: "a string", "one of a, b", ... */
static void add_expect(const struct ly_field *f, struct strbuf *sb)
{
	static const char *const nouns[] = {
		[LY_STR] = "a string", [LY_INT] = "an integer",
		[LY_STRS] = "a sequence", [LY_LIST] = "a sequence",
		[LY_MAP] = "a mapping", [LY_DICT] = "a mapping",
		[LY_MAPPING] = "a mapping", [LY_ANY] = "anything",
	};

	if (f->expect) {
		strbuf_adds(sb, f->expect);
	} else if (f->type == LY_WORD) {
		strbuf_adds(sb, "one of ");
		add_words(f, sb);
	} else {
		strbuf_adds(sb, nouns[f->type]);
	}
}

/* "X must be a sequence, not a scalar", with how to write one. */
static int error_kind(struct ly_doc *y, const struct where *w,
		      const struct ly_field *f)
{
	struct strbuf what = STRBUF_INIT, want = STRBUF_INIT;
	const yaml_node_t *n = w->node;
	bool flow = (n->type == YAML_SEQUENCE_NODE &&
		     n->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE) ||
		    (n->type == YAML_MAPPING_NODE &&
		     n->data.mapping.style == YAML_FLOW_MAPPING_STYLE);

	where_describe(y, w, &what);
	add_expect(f, &want);
	ly_error(y, n, "%s must be %s, not %s", what.buf, want.buf,
		 ly_kind(n));
	if (f->type == LY_STRS || f->type == LY_LIST)
		diag_hint(y->err, "write one '- item' line per entry, or "
			  "[a, b]");
	else if (f->type == LY_MAP || f->type == LY_DICT ||
		 f->type == LY_MAPPING)
		diag_hint(y->err, "write 'key: value' lines, or "
			  "{key: value}");
	else if (flow)
		diag_hint(y->err, "quote the value: YAML reads %s as %s",
			  n->type == YAML_SEQUENCE_NODE ? "[...]" : "{...}",
			  ly_kind(n));
	strbuf_release(&what);
	strbuf_release(&want);
	return ERR_INPUT;
}

/* "invalid value 'x' for 'min' in option 'a': expected an integer". */
static int error_value(struct ly_doc *y, const struct where *w,
		       const struct ly_field *f)
{
	struct strbuf what = STRBUF_INIT, want = STRBUF_INIT;
	const char *text = ly_str(w->node), *best = NULL;
	size_t n = 0;

	where_describe(y, w, &what);
	add_expect(f, &want);
	ly_error(y, w->node, "invalid value '%s' for %s: expected %s",
		 text, what.buf, want.buf);
	if (f->type == LY_WORD && *text) {
		while (f->words[n])
			n++;
		best = diag_closest(text, f->words, n);
	}
	if (best)
		diag_hint(y->err, "did you mean '%s'?", best);
	strbuf_release(&what);
	strbuf_release(&want);
	return ERR_INPUT;
}

/* True when s is all of a whole number as strtoll(s, 0) reads one. */
static bool int_text(const char *s)
{
	char *end;

	errno = 0;
	(void)strtoll(s, &end, 0);
	return end != s && !*end && errno != ERANGE;
}

/* True when s is one of f's words. */
static bool is_word(const struct ly_field *f, const char *s)
{
	size_t i;

	for (i = 0; f->words[i]; i++)
		if ((f->flags & LY_ANYCASE) ? !strcasecmp(s, f->words[i]) :
		    !strcmp(s, f->words[i]))
			return true;
	return false;
}

/* A scalar value: any text, an integer, or a word. */
static int check_scalar(struct ly_doc *y, const struct where *w,
			const struct ly_field *f)
{
	const char *s = ly_str(w->node);

	if (!s)
		return error_kind(y, w, f);
	if ((f->type == LY_INT && !int_text(s)) ||
	    (f->type == LY_WORD && !is_word(f, s)))
		return error_value(y, w, f);
	return 0;
}

static int check_mapping(struct ly_doc *y, const struct where *w);

/* Each entry of sequence w is a scalar (LY_STRS) or a f->sub mapping. */
static int check_entries(struct ly_doc *y, const struct where *w,
			 const struct ly_field *f)
{
	static const struct ly_field scalar = { NULL, LY_STR, 0, NULL, NULL,
						NULL };
	static const struct ly_field mapping = { NULL, LY_MAPPING, 0, NULL,
						 NULL, NULL };
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < ly_len(w->node); i++) {
		struct where e = { w, ly_at(&y->doc, w->node, i), NULL,
				   i + 1, f->sub };

		if (f->type == LY_STRS)
			ret = check_scalar(y, &e, &scalar);
		else if (!ly_is_map(e.node))
			ret = error_kind(y, &e, &mapping);
		else
			ret = check_mapping(y, &e);
	}
	return ret;
}

static int error_dup(struct ly_doc *y, const struct where *w,
		     const yaml_node_t *k, const yaml_node_t *first);
static int error_key_kind(struct ly_doc *y, const struct where *w,
			  const yaml_node_t *k);

/* Every key and value of mapping w (LY_DICT) is a scalar, no key twice. */
static int check_dict(struct ly_doc *y, const struct where *w)
{
	static const struct ly_field scalar = { NULL, LY_STR, 0, NULL, NULL,
						NULL };
	yaml_document_t *d = &y->doc;
	size_t i, n = ly_npairs(w->node), dup = n, orig = 0;

	(void)ly_dup_key(d, w->node, &dup, &orig);
	for (i = 0; i < n; i++) {
		const yaml_node_t *k = ly_pair_key(d, w->node, i);
		struct where v = { w, ly_pair_val(d, w->node, i), ly_str(k),
				   0, NULL };

		if (!v.key)
			return error_key_kind(y, w, k);
		if (i == dup)
			return error_dup(y, w, k, ly_pair_key(d, w->node,
							      orig));
		if (check_scalar(y, &v, &scalar))
			return ERR_INPUT;
	}
	return 0;
}

/* Check the value at w against field f. */
static int check_value(struct ly_doc *y, const struct where *w,
		       const struct ly_field *f)
{
	const char *s = ly_str(w->node);

	if ((f->flags & LY_NULLABLE) && s && !*s)
		return 0;
	switch (f->type) {
	case LY_STR:
	case LY_INT:
	case LY_WORD:
		return check_scalar(y, w, f);
	case LY_STRS:
	case LY_LIST:
		return ly_is_seq(w->node) ? check_entries(y, w, f) :
		       error_kind(y, w, f);
	case LY_MAP:
	case LY_DICT:
	case LY_MAPPING:
		if (!ly_is_map(w->node))
			return error_kind(y, w, f);
		if (f->type == LY_MAP) {
			struct where m = *w;

			m.schema = f->sub;
			return check_mapping(y, &m);
		}
		return f->type == LY_DICT ? check_dict(y, w) : 0;
	case LY_ANY:
	default:
		return 0;
	}
}

/* The field of s called key (n bytes), or NULL. */
static const struct ly_field *field_find(const struct ly_schema *s,
					 const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (strlen(s->fields[i].key) == n &&
		    !memcmp(s->fields[i].key, key, n))
			return &s->fields[i];
	return NULL;
}

/*
 * "unknown key 'x' in option 'a'" at scalar key k, with the closest or
 * all known keys.
 */
static int error_unknown(struct ly_doc *y, const struct where *w,
			 const yaml_node_t *k)
{
	const char *key = (const char *)k->data.scalar.value;
	struct strbuf what = STRBUF_INIT, keys = STRBUF_INIT;
	const char *cands[MAX_WORDS], *best;
	size_t n = schema_keys(w->schema, cands, &keys);

	where_describe(y, w, &what);
	ly_error(y, k, "unknown key '%s' in %s", key, what.buf);
	best = diag_closest(key, cands, n);
	if (best)
		diag_hint(y->err, "did you mean '%s'?", best);
	else
		diag_hint(y->err, "valid keys are %s", keys.buf);
	strbuf_release(&what);
	strbuf_release(&keys);
	return ERR_INPUT;
}

/* "duplicate key 'x' in option 'a'" at the second one. */
static int error_dup(struct ly_doc *y, const struct where *w,
		     const yaml_node_t *k, const yaml_node_t *first)
{
	const char *key = (const char *)k->data.scalar.value;
	struct strbuf what = STRBUF_INIT;

	where_describe(y, w, &what);
	ly_error(y, k, "duplicate key '%s' in %s", key, what.buf);
	diag_hint(y->err, "'%s' is set at line %u already; keep one of "
		  "the two", key, ly_line(first));
	strbuf_release(&what);
	return ERR_INPUT;
}

/* "keys in 'with' must be scalars, not a mapping", at key k of w. */
static int error_key_kind(struct ly_doc *y, const struct where *w,
			  const yaml_node_t *k)
{
	struct strbuf what = STRBUF_INIT;

	where_describe(y, w, &what);
	ly_error(y, k, "keys in %s must be scalars, not %s", what.buf,
		 ly_kind(k));
	strbuf_release(&what);
	return ERR_INPUT;
}

/* Check pair i of mapping w: its key is known and new, its value fits. */
static int check_pair(struct ly_doc *y, const struct where *w, size_t i,
		      size_t dup, size_t orig)
{
	yaml_document_t *d = &y->doc;
	const yaml_node_t *k = ly_pair_key(d, w->node, i);
	const struct ly_field *f;
	struct where v = { w, ly_pair_val(d, w->node, i), NULL, 0, NULL };

	if (k->type != YAML_SCALAR_NODE)
		return error_key_kind(y, w, k);
	f = field_find(w->schema, (const char *)k->data.scalar.value,
		       k->data.scalar.length);
	if (!f)
		return error_unknown(y, w, k);
	if (i == dup)
		return error_dup(y, w, k, ly_pair_key(d, w->node, orig));
	v.key = f->key;
	return check_value(y, &v, f);
}

/* "missing required key 'x' in option 'a'", at the mapping. */
static int error_missing(struct ly_doc *y, const struct where *w,
			 const struct ly_field *f)
{
	struct strbuf what = STRBUF_INIT, want = STRBUF_INIT;

	where_describe(y, w, &what);
	ly_error(y, w->node, "missing required key '%s' in %s", f->key,
		 what.buf);
	if (f->type == LY_WORD) {
		add_expect(f, &want);
		diag_hint(y->err, "add a '%s' key here: %s", f->key,
			  want.buf);
	} else {
		diag_hint(y->err, "add a '%s' key here", f->key);
	}
	strbuf_release(&what);
	strbuf_release(&want);
	return ERR_INPUT;
}

/* Check mapping w against w->schema: its pairs, then what is missing. */
static int check_mapping(struct ly_doc *y, const struct where *w)
{
	const struct ly_schema *s = w->schema;
	size_t i, n = ly_npairs(w->node), dup = n, orig = 0;

	(void)ly_dup_key(&y->doc, w->node, &dup, &orig);
	for (i = 0; i < n; i++)
		if (check_pair(y, w, i, dup, orig))
			return ERR_INPUT;
	for (i = 0; i < s->nfields; i++)
		if ((s->fields[i].flags & LY_REQUIRED) &&
		    !ly_key(&y->doc, w->node, s->fields[i].key))
			return error_missing(y, w, &s->fields[i]);
	return 0;
}

int ly_check(struct ly_doc *y, const yaml_node_t *root,
	     const struct ly_schema *s)
{
	struct where w = { NULL, root, NULL, 0, s };

	if (!ly_is_map(root))
		return ly_error(y, root, "%s must be a mapping, not %s",
				s->noun, ly_kind(root));
	return check_mapping(y, &w);
}
