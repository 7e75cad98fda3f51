/*
 * cookiecutter.c: unmodified cookiecutter templates (see cookiecutter.h).
 *
 * Loading reads cookiecutter.json with jansson (key order kept) into
 * template values and a synthesized manifest, and the project directory
 * into t->files with exact modes.  Resolution follows cookiecutter 2.x's
 * prompt_for_config(): extra context first, then two passes over the
 * variables in file order.  Rendering follows generate_files(): whole
 * paths are templates, fnmatch globs pick verbatim copies, binaryornot's
 * rule picks binary files, and each text file keeps its newline.
 */
#include "cookiecutter.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "fsutil.h"
#include "hostenv.h"
#include "hook.h"
#include "paths.h"
#include "tpl.h"
#include "utf8.h"
#include "value-json.h"
#include "xalloc.h"

/* Where a top-level value starts in cookiecutter.json. */
struct cc_pos {
	const char *key;
	size_t off;		/* of the value's first byte */
	bool plain;		/* a string literal without escapes */
};

struct cookiecutter {
	char *dir;		/* the template directory, as named */
	char *json_file;	/* DIR/cookiecutter.json, for messages */
	char *json_text;
	size_t json_len;
	struct value *raw;	/* cookiecutter.json, in arena */
	char *project;		/* the project directory's unrendered name */
	char *name;		/* the template directory's base name */
	struct template_file *lib;	/* templates/, for the loader */
	size_t nlib, lib_alloc;
	char **dirs;		/* every directory below the project */
	size_t ndirs, dirs_alloc;
	struct cc_pos *pos;
	size_t npos, pos_alloc;
	struct arena arena;
};

/* The cookiecutter state of t, whose kind is cookiecutter_kind. */
static struct cookiecutter *cc_of(const struct template *t)
{
	return t->state;
}

/* Extensions cookiecutter loads by default, which the engine provides. */
static const char *const known_extensions[] = {
	"cookiecutter.extensions.JsonifyExtension",
	"cookiecutter.extensions.RandomStringExtension",
	"cookiecutter.extensions.SlugifyExtension",
	"cookiecutter.extensions.TimeExtension",
	"cookiecutter.extensions.UUIDExtension",
	"jinja2_time.TimeExtension",
};

/* ---- JSON -> values ------------------------------------------------- */



/* ---- positions of the top-level values ------------------------------ */

/* Skip JSON whitespace from i. */
static size_t js_ws(const char *s, size_t n, size_t i)
{
	while (i < n && strchr(" \t\r\n", s[i]))
		i++;
	return i;
}

/* Skip the string literal at i (s[i] == '"'); sets *plain if no escape. */
static size_t js_string(const char *s, size_t n, size_t i, bool *plain)
{
	*plain = true;
	for (i++; i < n && s[i] != '"'; i++) {
		if (s[i] == '\\') {
			*plain = false;
			i++;
		}
	}
	return i + 1;
}

/* Skip the value at i. */
static size_t js_value(const char *s, size_t n, size_t i)
{
	int depth = 0;
	bool plain;

	while (i < n) {
		if (s[i] == '"') {
			i = js_string(s, n, i, &plain);
			if (!depth)
				return i;
			continue;
		}
		if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			if (--depth <= 0)
				return depth < 0 ? i : i + 1;
		} else if (!depth && strchr(", \t\r\n", s[i])) {
			return i;
		}
		i++;
	}
	return i;
}

/* Record where each top-level value of the (valid) JSON text starts. */
static void cc_scan_positions(struct cookiecutter *cc)
{
	const char *s = cc->json_text;
	size_t n = cc->json_len, i = js_ws(s, n, 0);
	bool plain;

	if (i >= n || s[i] != '{')
		return;
	i = js_ws(s, n, i + 1);
	while (i < n && s[i] == '"') {
		size_t kstart = i + 1, kend = js_string(s, n, i, &plain) - 1;
		struct cc_pos *p;

		i = js_ws(s, n, js_ws(s, n, kend + 1) + 1);
		XALLOC_GROW(cc->pos, cc->npos + 1, cc->pos_alloc);
		p = &cc->pos[cc->npos++];
		p->key = arena_strndup(&cc->arena, s + kstart, kend - kstart);
		p->off = i;
		p->plain = false;
		if (s[i] == '"')
			i = js_string(s, n, i, &p->plain);
		else
			i = js_value(s, n, i);
		i = js_ws(s, n, i);
		if (i < n && s[i] == ',')
			i = js_ws(s, n, i + 1);
	}
}

/* The position record of top-level key, or NULL. */
static const struct cc_pos *cc_find_pos(const struct cookiecutter *cc,
					const char *key)
{
	size_t i = cc->npos;

	while (i--)
		if (!strcmp(cc->pos[i].key, key))
			return &cc->pos[i];
	return NULL;
}

/* Line and column of byte off in cookiecutter.json. */
static void cc_linecol(const struct cookiecutter *cc, size_t off,
		       unsigned *line, unsigned *col)
{
	struct diag_src src = { cc->json_file, cc->json_text, cc->json_len,
				0, 0 };

	diag_linecol(&src, off, line, col);
}

/* An error at top-level key's value in cookiecutter.json. */
static int cc_error_at(const struct cookiecutter *cc, const char *key,
		       struct diag *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int cc_error_at(const struct cookiecutter *cc, const char *key,
		       struct diag *err, const char *fmt, ...)
{
	struct diag_src src = { cc->json_file, cc->json_text, cc->json_len,
				0, 0 };
	const struct cc_pos *p = key ? cc_find_pos(cc, key) : NULL;
	char *msg;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!p)
		ret = diag_input(err, cc->json_file, "%s", msg ? msg : fmt);
	else
		ret = diag_at(err, &src, p->off, "%s", msg ? msg : fmt);
	free(msg);
	return ret;
}

/* ---- reading the template directory --------------------------------- */

struct cc_walk {
	struct template *t;
	struct cookiecutter *cc;
	const char *root;	/* realpath of the walked tree */
	bool lib;		/* templates/ rather than the project */
	struct diag *err;
};

static int cc_walk_dir(struct cc_walk *w, const char *dir, const char *rel);

/* Add one regular file (data taken) to the project or the library. */
static void cc_add_file(struct cc_walk *w, const char *rel, unsigned mode,
			char *data, size_t len)
{
	struct template_file *f;

	if (!w->lib) {
		template_add_file(w->t, false, rel, mode, data, len);
		return;
	}
	XALLOC_GROW(w->cc->lib, w->cc->nlib + 1, w->cc->lib_alloc);
	f = &w->cc->lib[w->cc->nlib++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(rel);
	f->mode = mode;
	f->data = data;
	f->len = len;
}

/* A symlink must resolve inside the walked tree. */
static int cc_check_link(struct cc_walk *w, const char *path,
			 const char *rel)
{
	char *real = realpath(path, NULL);
	size_t n = strlen(w->root);
	int ret = 0;

	if (!real || strncmp(real, w->root, n) ||
	    (real[n] != '/' && real[n] != '\0')) {
		ret = diag_input(w->err, path, "symlink '%s' points outside "
				 "the template", rel);
		diag_hint(w->err, "replace the link with a copy of the file");
	}
	free(real);
	return ret;
}

static int cc_walk_entry(struct cc_walk *w, const char *path,
			 const char *rel)
{
	struct stat st, lst;
	char *data;
	size_t len;
	int ret;

	if (lstat(path, &lst) < 0 || stat(path, &st) < 0)
		return diag_fail(w->err, "cannot stat '%s': %s", path,
				 strerror(errno));
	if (S_ISLNK(lst.st_mode) && (ret = cc_check_link(w, path, rel)))
		return ret;
	if (S_ISDIR(st.st_mode)) {
		if (!w->lib) {
			XALLOC_GROW(w->cc->dirs, w->cc->ndirs + 1,
				    w->cc->dirs_alloc);
			w->cc->dirs[w->cc->ndirs++] = xstrdup(rel);
		}
		return S_ISLNK(lst.st_mode) ? 0 : cc_walk_dir(w, path, rel);
	}
	if (!S_ISREG(st.st_mode))
		return diag_input(w->err, path, "'%s' is not a regular file",
				  rel);
	if ((ret = fs_read_file(path, &data, &len, w->err)))
		return ret;
	cc_add_file(w, rel, st.st_mode & 07777, data, len);
	return 0;
}

static int cc_walk_entry_cb(void *ud, const char *path, const char *rel)
{
	return cc_walk_entry(ud, path, rel);
}

static int cc_walk_dir(struct cc_walk *w, const char *dir, const char *rel)
{
	return fs_each_entry(dir, rel, cc_walk_entry_cb, w, w->err);
}

/* Walk dir/sub into the project (lib false) or the library. */
static int cc_load_tree(struct template *t, struct cookiecutter *cc,
			const char *sub, bool lib, struct diag *err)
{
	char *dir = fs_join(cc->dir, sub);
	char *root = realpath(dir, NULL);
	struct cc_walk w = { t, cc, root, lib, err };
	int ret = 0;

	if (root)
		ret = cc_walk_dir(&w, root, "");
	else if (!lib || errno != ENOENT)
		ret = diag_fail(err, "cannot open '%s': %s", dir,
				strerror(errno));
	free(root);
	free(dir);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_tfile(const void *a, const void *b)
{
	return strcmp(((const struct template_file *)a)->path,
		      ((const struct template_file *)b)->path);
}

/* The entries of dir, sorted; caller frees each and the array. */
static char **cc_list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t alloc = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		XALLOC_GROW(names, *n + 1, alloc);
		names[(*n)++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

static void free_names(char **names, size_t n)
{
	while (n--)
		free(names[n]);
	free(names);
}

/*
 * Find the project directory: the first child (in name order) whose name
 * holds "cookiecutter", "{{" and "}}", as cookiecutter's find_template().
 */
static int cc_find_project(struct cookiecutter *cc, struct diag *err)
{
	size_t n, i;
	char **names = cc_list_dir(cc->dir, &n);

	for (i = 0; !cc->project && i < n; i++) {
		char *path = fs_join(cc->dir, names[i]);
		struct stat st;

		if (strstr(names[i], "cookiecutter") &&
		    strstr(names[i], "{{") && strstr(names[i], "}}") &&
		    !stat(path, &st) && S_ISDIR(st.st_mode))
			cc->project = xstrdup(names[i]);
		free(path);
	}
	free_names(names, n);
	if (cc->project)
		return 0;
	diag_input(err, cc->dir, "no project directory in the cookiecutter "
		   "template");
	diag_hint(err, "the project directory is a child whose name uses a "
		  "variable, e.g. '{{cookiecutter.project_slug}}'");
	return ERR_INPUT;
}

/* cookiecutter's valid_hook(): NAME or NAME.EXT, not a backup file. */
static bool cc_hook_matches(const char *file, const char *name)
{
	size_t n = strlen(name), len = strlen(file);

	if (strncmp(file, name, n) || (file[n] && file[n] != '.'))
		return false;
	if (file[n] == '.' && strchr(file + n + 1, '.'))
		return false;
	return len && file[len - 1] != '~';
}

/* Load the hooks: files directly in hooks/ named after a hook. */
static int cc_load_hooks(struct template *t, struct cookiecutter *cc,
			 struct diag *err)
{
	static const char *const hooks[] = { "pre_gen_project",
					     "post_gen_project" };
	char *dir = fs_join(cc->dir, "hooks");
	size_t n, i, h;
	char **names = cc_list_dir(dir, &n);
	int ret = 0;

	for (h = 0; !ret && h < 2; h++) {
		for (i = 0; i < n; i++) {
			char *path, *data;
			size_t len;
			struct stat st;

			if (!cc_hook_matches(names[i], hooks[h]))
				continue;
			path = fs_join(dir, names[i]);
			if (!stat(path, &st) && S_ISREG(st.st_mode) &&
			    !(ret = fs_read_file(path, &data, &len, err)))
				template_add_file(t, true, names[i],
						  st.st_mode & 07777, data,
						  len);
			free(path);
			break;
		}
	}
	free_names(names, n);
	free(dir);
	return ret;
}

/* ---- the synthesized manifest --------------------------------------- */

/* The question __prompts__ gives for key, or NULL. */
static const char *cc_prompt_text(const struct value *raw, const char *key)
{
	const struct value *p = value_dict_get(raw, "__prompts__"), *q;

	if (!p || p->kind != VALUE_DICT || !(q = value_dict_get(p, key)))
		return NULL;
	if (q->kind == VALUE_DICT)
		q = value_dict_get(q, "__prompt__");
	return q && q->kind == VALUE_STRING ? q->u.s.ptr : NULL;
}

/* A scalar as its string (str() in Python), in a. */
static struct value *cc_str_value(struct arena *a, const struct value *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct value *s;

	if (v->kind == VALUE_STRING)
		return (struct value *)v;
	value_to_string(&sb, v);
	s = value_strn(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

/* Fill option o for top-level key (a prompted variable) with raw value v. */
static void cc_option(struct manifest *m, const struct cookiecutter *cc,
		      struct option *o, const char *key,
		      const struct value *v)
{
	const struct cc_pos *p = cc_find_pos(cc, key);
	size_t i;

	o->name = arena_strdup(&m->arena, key);
	o->prompt = (char *)cc_prompt_text(cc->raw, key);
	if (p)
		cc_linecol(cc, p->off, &o->pos.line, &o->pos.col);
	if (v->kind == VALUE_BOOL) {
		o->type = OPTION_BOOL;
		o->def = value_bool(v->u.b);
	} else if (v->kind == VALUE_LIST && v->u.list.len) {
		o->type = OPTION_CHOICE;
		o->nchoices = v->u.list.len;
		o->choices = arena_alloc(&m->arena,
					 o->nchoices * sizeof(*o->choices));
		for (i = 0; i < o->nchoices; i++)
			o->choices[i] = (char *)cc_str_value(&m->arena,
				v->u.list.items[i])->u.s.ptr;
		o->def = value_str(&m->arena, o->choices[0]);
	} else {
		o->type = OPTION_STRING;
		o->def = v->kind == VALUE_NONE ? VALUE_NONE_P :
			cc_str_value(&m->arena, v);
	}
}

/* True when key is asked: not private, not a dict. */
static bool cc_is_option(const char *key, const struct value *v)
{
	return key[0] != '_' && v->kind != VALUE_DICT;
}

/* A version that changes with the template's content: 0.0.0+HASH. */
static char *cc_version(struct template *t, const struct cookiecutter *cc,
			struct arena *a)
{
	struct strbuf sb = STRBUF_INIT;
	char id[BLOB_HEXSZ + 1];
	size_t i;

	strbuf_add(&sb, cc->json_text, cc->json_len);
	strbuf_addf(&sb, "%c%s", 0, cc->project);
	for (i = 0; i < t->nfiles; i++) {
		strbuf_addf(&sb, "%c%s%c%o%c", 0, t->files[i].path, 0,
			    t->files[i].mode, 0);
		strbuf_add(&sb, t->files[i].data, t->files[i].len);
	}
	for (i = 0; i < t->nhooks; i++) {
		strbuf_addf(&sb, "%chooks/%s%c", 0, t->hooks[i].path, 0);
		strbuf_add(&sb, t->hooks[i].data, t->hooks[i].len);
	}
	for (i = 0; i < cc->nlib; i++) {
		strbuf_addf(&sb, "%ctemplates/%s%c", 0, cc->lib[i].path, 0);
		strbuf_add(&sb, cc->lib[i].data, cc->lib[i].len);
	}
	blob_id(sb.buf, sb.len, id);
	strbuf_release(&sb);
	return arena_printf(a, "0.0.0+%.12s", id);
}

/* The hook names the manifest lists, so that trust checks see them. */
static void cc_manifest_hooks(struct manifest *m, const struct template *t)
{
	size_t i;

	m->pre_hooks = arena_alloc(&m->arena, sizeof(char *) * 2);
	m->post_hooks = arena_alloc(&m->arena, sizeof(char *) * 2);
	for (i = 0; i < t->nhooks; i++) {
		char *name = arena_strdup(&m->arena, t->hooks[i].path);

		if (cc_hook_matches(name, "pre_gen_project") &&
		    !m->npre_hooks)
			m->pre_hooks[m->npre_hooks++] = name;
		else if (cc_hook_matches(name, "post_gen_project") &&
			 !m->npost_hooks)
			m->post_hooks[m->npost_hooks++] = name;
	}
}

/* Build t->manifest from cookiecutter.json. */
static void cc_build_manifest(struct template *t, struct cookiecutter *cc)
{
	struct manifest *m = xcalloc(1, sizeof(*m));
	const struct value *raw = cc->raw;
	size_t i, n = 0;

	arena_init(&m->arena);
	m->file = arena_strdup(&m->arena, cc->json_file);
	m->name = arena_strdup(&m->arena, cc->name);
	m->version = cc_version(t, cc, &m->arena);
	m->description = arena_printf(&m->arena, "cookiecutter template %s",
				      cc->name);
	m->text = arena_strndup(&m->arena, cc->json_text, cc->json_len);
	m->text_len = cc->json_len;
	m->options = arena_zalloc(&m->arena, (raw->u.dict.len + 1) *
				  sizeof(*m->options));
	for (i = 0; i < raw->u.dict.len; i++) {
		const struct value_pair *p = &raw->u.dict.items[i];

		if (cc_is_option(p->key.ptr, p->val))
			cc_option(m, cc, &m->options[n++], p->key.ptr, p->val);
	}
	m->noptions = n;
	cc_manifest_hooks(m, t);
	t->manifest = m;
	t->name = xstrdup(cc->name);
}

/* ---- opening -------------------------------------------------------- */

bool cookiecutter_is_template(const char *dir)
{
	char *p = fs_join(dir, COOKIECUTTER_JSON);
	struct stat st;
	/* Not only regular files: the reader refuses a FIFO or a device by
	 * name, rather than this calling it no template at all. */
	bool yes = !stat(p, &st) && !S_ISDIR(st.st_mode);

	free(p);
	return yes;
}

/* Offset of element i of the JSON array whose '[' is at off, or off. */
static size_t cc_array_item_off(const struct cookiecutter *cc, size_t off,
				size_t i)
{
	const char *s = cc->json_text;
	size_t n = cc->json_len, at;

	if (off >= n || s[off] != '[')
		return off;
	at = js_ws(s, n, off + 1);
	while (i-- && at < n) {
		at = js_ws(s, n, js_value(s, n, at));
		if (at < n && s[at] == ',')
			at = js_ws(s, n, at + 1);
	}
	return at < n ? at : off;
}

/* True when name is an extension whose features the engine provides. */
static bool cc_known_extension(const struct value *name)
{
	size_t k;

	for (k = 0; name->kind == VALUE_STRING &&
	     k < sizeof(known_extensions) / sizeof(*known_extensions); k++)
		if (!strcmp(name->u.s.ptr, known_extensions[k]))
			return true;
	return false;
}

/*
 * Check `_extensions`: only the ones cookiecutter loads anyway.  Any other
 * entry names Python code, which genship cannot run: refuse the template
 * at that entry.
 */
static int cc_check_extensions(const struct cookiecutter *cc,
			       struct diag *err)
{
	const struct value *ext = value_dict_get(cc->raw, "_extensions");
	const struct cc_pos *p = cc_find_pos(cc, "_extensions");
	struct diag_src src = { cc->json_file, cc->json_text, cc->json_len,
				0, 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; ext && ext->kind == VALUE_LIST && i < ext->u.list.len;
	     i++)
		if (!cc_known_extension(ext->u.list.items[i]))
			break;
	if (!ext || ext->kind != VALUE_LIST || i == ext->u.list.len || !p)
		return 0;
	value_repr(&sb, ext->u.list.items[i]);
	diag_at(err, &src, cc_array_item_off(cc, p->off, i),
		"cannot load the Jinja2 extension %s: it is Python code, "
		"which genship does not run", sb.buf);
	diag_hint(err, "genship provides only cookiecutter's own extensions "
		  "(jsonify, random_ascii_string, slugify, now, uuid4); "
		  "render this template with cookiecutter, or remove the "
		  "entry and what the template uses from it");
	strbuf_release(&sb);
	return ERR_INPUT;
}

/* ---- binary files and newlines -------------------------------------- */

/*
 * True when chardet would name a Unicode encoding with confidence above
 * 0.9 that decodes the chunk: a UTF-8, UTF-16 or UTF-32 byte order mark,
 * or valid UTF-8 with at least four multibyte characters (chardet's UTF-8
 * prober reaches 1 - 0.99 * 0.5^4 > 0.9 there).
 */
static bool cc_decodable(const unsigned char *s, size_t n)
{
	size_t i = 0, mb = 0, k;

	if (n >= 4 && (!memcmp(s, "\xFF\xFE\0\0", 4) ||
		       !memcmp(s, "\0\0\xFE\xFF", 4)))
		return n % 4 == 0;
	if (n >= 2 && (!memcmp(s, "\xFF\xFE", 2) || !memcmp(s, "\xFE\xFF", 2)))
		return n % 2 == 0;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		i = 3;
		mb = 4;
	}
	for (; i < n; i += k) {
		if (!(k = utf8_decode((const char *)s + i, n - i, NULL)))
			return false;
		mb += k > 1;
	}
	return mb >= 4;
}

/* binaryornot's is_binary(): its ratios on the first 1024 bytes. */
static bool cc_is_binary(const char *path, const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t n = len < 1024 ? len : 1024, i, low = 0, notHigh = 0;
	size_t plen = strlen(path);
	double r1, r2;
	bool likely;

	if (plen >= 4 && !strcmp(path + plen - 4, ".pyc"))
		return true;
	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		bool printable = (s[i] >= 32 && s[i] < 127) ||
			(s[i] && strchr("\n\r\t\f\b", s[i]));

		low += !printable;
		notHigh += s[i] < 127;
	}
	r1 = (double)low / (double)n;
	r2 = (double)notHigh / (double)n;
	likely = (r1 > 0.3 && r2 < 0.05) || (r1 > 0.8 && r2 > 0.8);
	if (cc_decodable(s, n))
		return false;
	return likely || memchr(s, 0, n) || memchr(s, 0xFF, n);
}

/*
 * The newline cookiecutter 2.x writes a rendered file with: Python reads
 * the first line in 8192-byte chunks and reports every kind of line end
 * it decoded, and cookiecutter takes the first of ("\r", "\n", "\r\n")
 * that occurred.  NULL when the chunks hold none (then "\n").
 */
static const char *cc_newline(const char *d, size_t len)
{
	size_t first = 0, end, i;
	bool cr = false, lf = false, crlf = false;

	while (first < len && d[first] != '\n' && d[first] != '\r')
		first++;
	if (first == len)
		return NULL;
	end = (first / 8192 + 1) * 8192;
	if (end > len)
		end = len;
	for (i = 0; i < end; i++) {
		if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n') {
			crlf = true;
			i++;
		} else if (d[i] == '\r') {
			cr = true;
		} else if (d[i] == '\n') {
			lf = true;
		}
	}
	return cr ? "\r" : lf ? "\n" : crlf ? "\r\n" : NULL;
}

/* Classify every project file once. */
static void cc_classify(struct template *t)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++) {
		struct template_file *f = &t->files[i];

		f->binary = cc_is_binary(f->path, f->data, f->len);
		f->newline = f->binary ? NULL : cc_newline(f->data, f->len);
	}
}

/* "an array", "a string"...: what JSON value j is, for messages. */
static const char *cc_json_kind(const json_t *j)
{
	if (json_is_array(j))
		return "an array";
	if (json_is_string(j))
		return "a string";
	if (json_is_number(j))
		return "a number";
	if (json_is_boolean(j))
		return "a boolean";
	return json_is_null(j) ? "null" : "an object";
}

/* cookiecutter.json must hold an object; else an error at its value. */
static int cc_check_object(const struct cookiecutter *cc, const json_t *j,
			   struct diag *err)
{
	struct diag_src src = { cc->json_file, cc->json_text, cc->json_len,
				0, 0 };

	if (json_is_object(j))
		return 0;
	diag_at(err, &src, js_ws(cc->json_text, cc->json_len, 0),
		"cookiecutter.json must hold a JSON object of variables, not "
		"%s", cc_json_kind(j));
	diag_hint(err, "write the variables as {\"name\": \"default\", ...}");
	return ERR_INPUT;
}

/* Read and check cookiecutter.json into cc. */
static int cc_load_json(struct cookiecutter *cc, struct diag *err)
{
	json_t *j = NULL;
	int ret = fs_read_input(cc->json_file, NULL, FS_MAX_DATA,
				&cc->json_text, &cc->json_len, err);

	if (!ret)
		ret = value_json_parse(cc->json_file, cc->json_text, cc->json_len,
				    &j, err);
	if (!ret)
		ret = cc_check_object(cc, j, err);
	if (!ret) {
		cc->raw = value_json_decode(&cc->arena, j);
		cc_scan_positions(cc);
		ret = cc_check_extensions(cc, err);
	}
	json_decref(j);
	return ret;
}

int cookiecutter_open(struct template *t, const char *dir, struct diag *err)
{
	struct cookiecutter *cc = xcalloc(1, sizeof(*cc));
	char *real = realpath(dir, NULL);
	int ret;

	arena_init(&cc->arena);
	t->kind = &cookiecutter_kind;
	t->state = cc;
	cc->dir = xstrdup(dir);
	cc->json_file = fs_join(dir, COOKIECUTTER_JSON);
	cc->name = fs_basename(real ? real : dir);
	t->dir = xstrdup(dir);
	t->source = real ? real : xstrdup(dir);
	ret = cc_load_json(cc, err);
	if (!ret)
		ret = cc_find_project(cc, err);
	if (!ret)
		ret = cc_load_tree(t, cc, cc->project, false, err);
	if (!ret)
		ret = cc_load_tree(t, cc, "templates", true, err);
	if (!ret)
		ret = cc_load_hooks(t, cc, err);
	if (ret)
		return ret;
	template_finish(t);
	if (cc->ndirs)
		qsort(cc->dirs, cc->ndirs, sizeof(*cc->dirs), cmp_str);
	if (cc->nlib)
		qsort(cc->lib, cc->nlib, sizeof(*cc->lib), cmp_tfile);
	cc_classify(t);
	cc_build_manifest(t, cc);
	return 0;
}

static void cc_free(void *state)
{
	struct cookiecutter *cc = state;

	size_t i;

	if (!cc)
		return;
	for (i = 0; i < cc->nlib; i++) {
		free(cc->lib[i].path);
		free((char *)cc->lib[i].data);
		tpl_free(cc->lib[i].compiled);
	}
	for (i = 0; i < cc->ndirs; i++)
		free(cc->dirs[i]);
	free(cc->lib);
	free(cc->dirs);
	free(cc->pos);
	free(cc->dir);
	free(cc->json_file);
	free(cc->json_text);
	free(cc->project);
	free(cc->name);
	arena_release(&cc->arena);
	free(cc);
}

/* ---- resolution ----------------------------------------------------- */

/* Where the answers of one resolution come from. */
struct cc_input {
	/* cookiecutter's extra context: --answers, --set, key=value.  A
	 * string replaces a default and is rendered like one; a choice must
	 * name one of the choices; a bool takes yes/no words. */
	const struct answer_set *extra;
	/* final values taken verbatim (a replay file, recorded answers);
	 * may be NULL */
	const struct value *fixed;
	answers_prompt_fn prompt;	/* NULL: no questions */
	void *prompt_ud;
	const char *template_arg;	/* `_template`: the template as named */
	const char *output_dir;		/* `_output_dir`: absolute */
	struct strbuf *notes;		/* warnings, one a line, or NULL */
};

struct cc_resolver {
	const struct cookiecutter *cc;
	const struct cc_input *in;
	struct arena *a;
	struct value *work;	/* cookiecutter.json after the extra context */
	struct value *vars;	/* the answers so far, in resolution order */
	struct value *ctx;	/* {"cookiecutter": vars} */
	const char *key;	/* the variable being resolved */
	struct diag *err;
	unsigned asked, questions;	/* questions put, and to put */
};

const struct value *cookiecutter_vars(const struct value *ctx)
{
	const struct value *v = ctx ? value_dict_get(ctx, "cookiecutter") :
		NULL;

	return v && v->kind == VALUE_DICT ? v : ctx;
}

/* The text of a scalar answer, or NULL for lists and dicts. */
static const char *scalar_text(struct arena *a, const struct value *v)
{
	if (v->kind == VALUE_LIST || v->kind == VALUE_DICT)
		return NULL;
	return cc_str_value(a, v)->u.s.ptr;
}

/* An error at the given answer's value. */
static int answer_error(const struct answer *ans, struct diag *err,
			const char *what, const char *why)
{
	if (ans->line)
		return diag_at_linecol(err, &ans->src, ans->line, ans->col,
				       "invalid value for %s '%s': %s", what,
				       ans->name, why);
	return diag_input(err, ans->src.name, "invalid value for %s '%s': %s",
			  what, ans->name, why);
}

/*
 * A choice answer that equals one of the choices (their text) becomes the
 * first, which makes it the default.  Any other is checked against the
 * rendered choices later (cc_choice()), so that the recorded answer of a
 * templated choice is accepted too.
 */
static int extra_choice(struct cc_resolver *r, const struct answer *ans,
			const struct value *list, struct value **out)
{
	const char *want = scalar_text(r->a, ans->val);
	struct value *l;
	size_t i, hit = list->u.list.len;

	for (i = 0; want && i < list->u.list.len; i++)
		if (hit == list->u.list.len &&
		    !strcmp(cc_str_value(r->a, list->u.list.items[i])->u.s.ptr,
			    want))
			hit = i;
	if (!want)
		return answer_error(ans, r->err, "choice variable", "expected "
				    "one of the choices, not a list or dict");
	if (hit == list->u.list.len) {
		*out = (struct value *)list;
		return 0;
	}
	l = value_list(r->a, list->u.list.len);
	value_list_push(r->a, l, list->u.list.items[hit]);
	for (i = 0; i < list->u.list.len; i++)
		if (i != hit)
			value_list_push(r->a, l, list->u.list.items[i]);
	*out = l;
	return 0;
}

/* A bool answer: cookiecutter 2.x's yes/no words, or a bool. */
static int extra_bool(struct cc_resolver *r, const struct answer *ans,
		      struct value **out)
{
	static const char *const yes[] = { "1", "true", "t", "yes", "y",
					   "on" };
	static const char *const no[] = { "0", "false", "f", "no", "n",
					  "off" };
	const char *s = scalar_text(r->a, ans->val);
	size_t i;

	if (ans->val->kind == VALUE_BOOL) {
		*out = ans->val;
		return 0;
	}
	while (s && isspace((unsigned char)*s))
		s++;
	for (i = 0; s && i < 6; i++) {
		size_t ny = strlen(yes[i]), nn = strlen(no[i]);

		if (!strncasecmp(s, yes[i], ny) && !s[ny + strspn(s + ny,
								  " \t")]) {
			*out = value_bool(true);
			return 0;
		}
		if (!strncasecmp(s, no[i], nn) && !s[nn + strspn(s + nn,
								 " \t")]) {
			*out = value_bool(false);
			return 0;
		}
	}
	return answer_error(ans, r->err, "yes/no variable", "expected one of "
			    "1, true, t, yes, y, on, 0, false, f, no, n, off");
}

/* A dict answer updates the dict key by key, recursively. */
static struct value *extra_dict(struct arena *a, const struct value *base,
				const struct value *upd)
{
	struct value *d = value_dict_clone(a, base);
	size_t i;

	for (i = 0; i < upd->u.dict.len; i++) {
		const struct value_pair *p = &upd->u.dict.items[i];
		struct value *old = value_dict_getn(d, p->key.ptr, p->key.len);

		value_dict_setn(a, d, p->key.ptr, p->key.len,
				old && old->kind == VALUE_DICT &&
				p->val->kind == VALUE_DICT ?
				extra_dict(a, old, p->val) : p->val);
	}
	return d;
}

/* Note an answer for a variable cookiecutter.json does not have. */
static void extra_unknown(struct cc_resolver *r, const struct answer *ans)
{
	const struct value *raw = r->cc->raw;
	const char **names;
	const char *near;
	size_t i, n = 0;

	if (!r->in->notes)
		return;
	names = xcalloc(raw->u.dict.len + 1, sizeof(*names));
	for (i = 0; i < raw->u.dict.len; i++)
		if (raw->u.dict.items[i].key.ptr[0] != '_')
			names[n++] = raw->u.dict.items[i].key.ptr;
	near = diag_closest(ans->name, names, n);
	strbuf_addf(r->in->notes, "ignoring '%s': cookiecutter.json has no "
		    "such variable", ans->name);
	if (near)
		strbuf_addf(r->in->notes, " (did you mean '%s'?)", near);
	strbuf_addch(r->in->notes, '\n');
	free(names);
}

/*
 * cookiecutter's apply_overwrites_to_context() for one answer.  The value
 * is copied into the context's arena: the answer set dies before it.
 */
static int extra_apply(struct cc_resolver *r, const struct answer *ans)
{
	struct value *cur = value_dict_get(r->work, ans->name);
	struct value *v = value_copy(r->a, ans->val);
	int ret = 0;

	if (!cur) {
		extra_unknown(r, ans);
		return 0;
	}
	if (cur->kind == VALUE_LIST && v->kind != VALUE_LIST)
		ret = extra_choice(r, ans, cur, &v);
	else if (cur->kind == VALUE_DICT && v->kind == VALUE_DICT)
		v = extra_dict(r->a, cur, v);
	else if (cur->kind == VALUE_BOOL && v->kind != VALUE_BOOL)
		ret = extra_bool(r, ans, &v);
	if (!ret)
		value_dict_set(r->a, r->work, ans->name, v);
	return ret;
}

/* Show the line of cookiecutter.json itself under an error inside it. */
static void cc_fix_excerpt(const struct cookiecutter *cc, struct diag *err,
			   bool exact, unsigned line, unsigned col)
{
	const char *s = cc->json_text, *end;
	unsigned l = 1;

	if (!err->file || strcmp(err->file, cc->json_file))
		return;
	if (!exact) {
		err->line = line;
		err->col = col;
	}
	while (l < err->line && (s = memchr(s, '\n', cc->json_len -
					    (size_t)(s - cc->json_text)))) {
		s++;
		l++;
	}
	if (!s)
		return;
	end = memchr(s, '\n', cc->json_len - (size_t)(s - cc->json_text));
	if (!end)
		end = cc->json_text + cc->json_len;
	if (end > s && end[-1] == '\r')
		end--;
	diag_set_excerpt(err, s, (size_t)(end - s), err->col);
}

/* Render the string s, part of key's value, with the answers so far. */
static int cc_render_str(struct cc_resolver *r, const struct value *s,
			 bool top, struct value **out)
{
	const struct cc_pos *p = cc_find_pos(r->cc, r->key);
	bool exact = p && top && p->plain;
	unsigned line = 1, col = 1;
	size_t len;
	char *text;
	int ret;

	if (p)
		cc_linecol(r->cc, p->off + exact, &line, &col);
	ret = tpl_render_string(r->cc->json_file, s->u.s.ptr, s->u.s.len,
				line, col, NULL, r->ctx, hostenv_tpl(), r->a,
				&text, &len, r->err);
	if (ret) {
		cc_fix_excerpt(r->cc, r->err, exact, line, col);
		if (!r->err->hint)
			diag_hint(r->err, "while rendering the value of '%s' "
				  "in cookiecutter.json", r->key);
		return ret;
	}
	*out = value_str_borrow(r->a, text, len);
	return 0;
}

/* cookiecutter's render_variable(): strings rendered, containers walked. */
static int cc_render_var(struct cc_resolver *r, const struct value *raw,
			 bool top, struct value **out)
{
	struct value *v, *k;
	size_t i;
	int ret = 0;

	switch (raw->kind) {
	case VALUE_NONE:
	case VALUE_BOOL:
		*out = (struct value *)raw;
		return 0;
	case VALUE_LIST:
		*out = value_list(r->a, raw->u.list.len);
		for (i = 0; !ret && i < raw->u.list.len; i++) {
			ret = cc_render_var(r, raw->u.list.items[i], false, &v);
			if (!ret)
				value_list_push(r->a, *out, v);
		}
		return ret;
	case VALUE_DICT:
		*out = value_dict(r->a, raw->u.dict.len);
		for (i = 0; !ret && i < raw->u.dict.len; i++) {
			const struct value_pair *p = &raw->u.dict.items[i];

			ret = cc_render_str(r, value_strn(r->a, p->key.ptr,
							  p->key.len),
					    false, &k);
			if (!ret)
				ret = cc_render_var(r, p->val, false, &v);
			if (!ret)
				value_dict_setn(r->a, *out, k->u.s.ptr,
						k->u.s.len, v);
		}
		return ret;
	default:
		return cc_render_str(r, cc_str_value(r->a, raw), top, out);
	}
}

/* The last extra answer naming key, or NULL. */
static const struct answer *cc_given(const struct cc_resolver *r,
				     const char *key)
{
	const struct answer_set *x = r->in->extra;
	size_t i = x ? x->len : 0;

	while (i--)
		if (!strcmp(x->items[i].name, key))
			return &x->items[i];
	return NULL;
}

/* Ask for key on the terminal: a string, a yes/no or a choice. */
static int cc_ask(struct cc_resolver *r, enum option_type type,
		  const struct value *def, const struct value *choices,
		  struct value **out)
{
	struct answers_question q = { NULL, def, NULL, 0, 0, false, NULL };
	struct option o;
	struct strbuf why = STRBUF_INIT;
	char *reply = NULL;
	size_t i;
	int ret;

	memset(&o, 0, sizeof(o));
	o.name = (char *)r->key;
	o.type = type;
	o.def = (struct value *)def;
	o.prompt = (char *)cc_prompt_text(r->cc->raw, r->key);
	if (choices) {
		o.nchoices = choices->u.list.len;
		o.choices = arena_alloc(r->a, o.nchoices * sizeof(char *));
		for (i = 0; i < o.nchoices; i++)
			o.choices[i] = (char *)cc_str_value(r->a,
				choices->u.list.items[i])->u.s.ptr;
	}
	q.opt = &o;
	q.number = ++r->asked;
	q.total = r->questions > q.number ? r->questions : q.number;
	ret = r->in->prompt(r->in->prompt_ud, &q, &reply);
	if (ret)
		return diag_fail(r->err, "no answer for '%s'", r->key);
	if (type == OPTION_BOOL)
		ret = option_coerce(&o, value_str(r->a, reply), r->a, out,
				    &why);
	else
		*out = value_str(r->a, reply);
	for (i = 0; !ret && choices && i < o.nchoices; i++)
		if (!strcmp(o.choices[i], reply))
			*out = choices->u.list.items[i];
	if (ret)
		diag_input(r->err, NULL, "invalid answer for '%s': %s", r->key,
			   why.buf);
	strbuf_release(&why);
	free(reply);
	return ret;
}

/* Ask for a dict as JSON; the default stays on an empty reply. */
static int cc_ask_dict(struct cc_resolver *r, struct value *def,
		       struct value **out)
{
	json_t *j = value_json_encode(def), *got = NULL;
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct value *v;
	int ret = cc_ask(r, OPTION_STRING, value_str(r->a, text), NULL, &v);

	if (!ret && !strcmp(v->u.s.ptr, text)) {
		*out = def;
	} else if (!ret) {
		ret = value_json_parse("answer", v->u.s.ptr, v->u.s.len, &got,
				    r->err);
		if (!ret && !json_is_object(got))
			ret = diag_input(r->err, NULL, "invalid answer for "
					 "'%s': expected a JSON object",
					 r->key);
		if (!ret)
			*out = value_json_decode(r->a, got);
		json_decref(got);
	}
	json_decref(j);
	free(text);
	return ret;
}

/* A choice variable: render the choices, then pick, ask or default. */
static int cc_choice(struct cc_resolver *r, const struct value *raw,
		     struct value **out)
{
	const struct answer *ans = cc_given(r, r->key);
	const char *want = ans ? scalar_text(r->a, ans->val) : NULL;
	struct value *l;
	struct strbuf why = STRBUF_INIT;
	size_t i;
	int ret = cc_render_var(r, raw, false, &l);

	if (!ret && !l->u.list.len)
		return cc_error_at(r->cc, r->key, r->err, "choice variable "
				   "'%s' has no choices", r->key);
	if (ret)
		return ret;
	if (!want) {
		if (r->in->prompt)
			return cc_ask(r, OPTION_CHOICE, l->u.list.items[0], l,
				      out);
		*out = l->u.list.items[0];
		return 0;
	}
	if (!strcmp(cc_str_value(r->a, raw->u.list.items[0])->u.s.ptr, want))
		i = 0;
	else
		for (i = 0; i < l->u.list.len; i++)
			if (!strcmp(cc_str_value(r->a,
					l->u.list.items[i])->u.s.ptr, want))
				break;
	if (i < l->u.list.len) {
		*out = l->u.list.items[i];
		return 0;
	}
	strbuf_adds(&why, "expected one of ");
	for (i = 0; i < l->u.list.len; i++)
		strbuf_addf(&why, "%s%s", i ? ", " : "",
			    cc_str_value(r->a, l->u.list.items[i])->u.s.ptr);
	ret = answer_error(ans, r->err, "choice variable", why.buf);
	strbuf_release(&why);
	return ret;
}

/* One variable of the first pass (everything but dicts). */
static int cc_first(struct cc_resolver *r, const char *key,
		    const struct value *raw, struct value **out)
{
	bool ask = r->in->prompt && !cc_given(r, key);
	struct value *v;
	int ret;

	if (key[0] == '_' && key[1] != '_') {
		*out = (struct value *)raw;
		return 0;
	}
	if (key[0] == '_')
		return cc_render_var(r, raw, true, out);
	if (raw->kind == VALUE_LIST)
		return cc_choice(r, raw, out);
	if (raw->kind == VALUE_BOOL) {
		if (ask)
			return cc_ask(r, OPTION_BOOL, raw, NULL, out);
		*out = (struct value *)raw;
		return 0;
	}
	ret = cc_render_var(r, raw, true, &v);
	if (!ret && ask)
		return cc_ask(r, OPTION_STRING, v->kind == VALUE_NONE ?
			      value_str(r->a, "") : v, NULL, out);
	if (!ret)
		*out = v;
	return ret;
}

/* How many variables the passes ask: every public one nobody gave. */
static unsigned cc_count_questions(struct cc_resolver *r)
{
	const struct value *w = r->work, *fixed = r->in->fixed;
	unsigned n = 0;
	size_t i;

	for (i = 0; r->in->prompt && i < w->u.dict.len; i++) {
		const char *key = w->u.dict.items[i].key.ptr;

		n += key[0] != '_' && !cc_given(r, key) &&
		     !(fixed && value_dict_get(fixed, key));
	}
	return n;
}

/* The two passes of prompt_for_config(), over r->work in order. */
static int cc_passes(struct cc_resolver *r)
{
	const struct value *w = r->work, *fixed = r->in->fixed;
	struct value *v;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < w->u.dict.len; i++) {
		const struct value_pair *p = &w->u.dict.items[i];

		r->key = p->key.ptr;
		if (!strcmp(r->key, "__prompts__") ||
		    (fixed && value_dict_get(fixed, r->key)) ||
		    (p->val->kind == VALUE_DICT && r->key[0] != '_'))
			continue;
		ret = cc_first(r, r->key, p->val, &v);
		if (!ret)
			value_dict_set(r->a, r->vars, r->key, v);
	}
	for (i = 0; !ret && i < w->u.dict.len; i++) {
		const struct value_pair *p = &w->u.dict.items[i];
		bool hidden = p->key.ptr[0] == '_';

		r->key = p->key.ptr;
		if (p->val->kind != VALUE_DICT || (hidden && r->key[1] != '_') ||
		    !strcmp(r->key, "__prompts__") ||
		    (fixed && value_dict_get(fixed, r->key)))
			continue;
		ret = cc_render_var(r, p->val, true, &v);
		if (!ret && !hidden && r->in->prompt && !cc_given(r, r->key))
			ret = cc_ask_dict(r, v, &v);
		if (!ret)
			value_dict_set(r->a, r->vars, r->key, v);
	}
	return ret;
}

/* The final dict: cookiecutter.json's order, then cookiecutter's keys. */
static struct value *cc_final_vars(struct cc_resolver *r)
{
	const struct value *w = r->work, *fixed = r->in->fixed;
	struct value *out = value_dict(r->a, w->u.dict.len + 4), *v;
	size_t i;

	for (i = 0; i < w->u.dict.len; i++) {
		const char *key = w->u.dict.items[i].key.ptr;

		v = fixed ? value_dict_get(fixed, key) : NULL;
		if (!v)
			v = value_dict_get(r->vars, key);
		if (v)
			value_dict_set(r->a, out, key, v);
	}
	for (i = 0; fixed && i < fixed->u.dict.len; i++)
		if (!value_dict_get(out, fixed->u.dict.items[i].key.ptr))
			value_dict_set(r->a, out,
				       fixed->u.dict.items[i].key.ptr,
				       fixed->u.dict.items[i].val);
	value_dict_set(r->a, out, "_template", value_str(r->a,
		r->in->template_arg ? r->in->template_arg : r->cc->dir));
	value_dict_set(r->a, out, "_output_dir", value_str(r->a,
		r->in->output_dir ? r->in->output_dir : "."));
	value_dict_set(r->a, out, "_repo_dir", value_str(r->a, r->cc->dir));
	value_dict_set(r->a, out, "_checkout", VALUE_NONE_P);
	return out;
}

/* `_cookiecutter`: the variables before resolution, private ones left out. */
static struct value *cc_originals(struct cc_resolver *r)
{
	struct value *o = value_dict(r->a, r->work->u.dict.len);
	size_t i;

	for (i = 0; i < r->work->u.dict.len; i++) {
		const struct value_pair *p = &r->work->u.dict.items[i];

		if (p->key.ptr[0] != '_')
			value_dict_setn(r->a, o, p->key.ptr, p->key.len,
					p->val);
	}
	return o;
}

static int cc_resolve_input(const struct template *t,
			    const struct cc_input *in, struct arena *a,
			    struct value **ctx, struct diag *err)
{
	struct cc_resolver r = { cc_of(t), in, a, NULL, NULL, NULL, NULL, err,
				 0, 0 };
	struct value *c;
	size_t i;
	int ret = 0;

	r.work = value_dict_clone(a, cc_of(t)->raw);
	for (i = 0; !ret && in->extra && i < in->extra->len; i++)
		ret = extra_apply(&r, &in->extra->items[i]);
	if (ret)
		return ret;
	r.vars = in->fixed ? value_dict_clone(a, in->fixed) :
		value_dict(a, r.work->u.dict.len);
	r.ctx = value_dict(a, 1);
	value_dict_set(a, r.ctx, "cookiecutter", r.vars);
	r.questions = cc_count_questions(&r);
	ret = cc_passes(&r);
	if (ret)
		return ret;
	c = value_dict(a, 2);
	value_dict_set(a, c, "cookiecutter", cc_final_vars(&r));
	value_dict_set(a, c, "_cookiecutter", cc_originals(&r));
	*ctx = c;
	return 0;
}

/* Copy the variables a person answers (not _private ones) to out. */
static void cc_answered(const struct value *vars, struct arena *a,
			struct value *out)
{
	size_t i;

	for (i = 0; i < vars->u.dict.len; i++)
		if (vars->u.dict.items[i].key.ptr[0] != '_')
			value_dict_setn(a, out, vars->u.dict.items[i].key.ptr,
					vars->u.dict.items[i].key.len,
					vars->u.dict.items[i].val);
}

/* The final values: rq's fixed ones, then the recorded answers that
 * given does not override. */
static const struct value *cc_fixed(const struct template_request *rq,
				    struct arena *a)
{
	struct value *fixed;
	size_t i, j;

	if (!rq->recorded)
		return rq->fixed;
	fixed = rq->fixed ? value_dict_clone(a, rq->fixed) :
		value_dict(a, rq->recorded->len);
	for (i = 0; i < rq->recorded->len; i++) {
		const struct answer *ans = &rq->recorded->items[i];
		bool overridden = false;

		for (j = 0; rq->given && j < rq->given->len; j++)
			overridden |= !strcmp(rq->given->items[j].name,
					      ans->name);
		if (!overridden)
			value_dict_set(a, fixed, ans->name,
				       value_copy(a, ans->val));
	}
	return fixed;
}

static int cc_resolve(const struct template *t,
		      const struct template_request *rq, struct arena *a,
		      struct value **ctx, struct diag *err)
{
	struct answers_opts *how = rq->how;
	struct cc_input in = { rq->given, cc_fixed(rq, a),
			       how ? how->prompt : NULL,
			       how ? how->prompt_ud : NULL, rq->template_arg,
			       rq->output_dir, how ? how->notes : NULL };
	char *cwd = NULL;
	int ret;

	if (!in.template_arg)
		in.template_arg = t->source;
	if (!in.output_dir)	/* cookiecutter makes it absolute */
		in.output_dir = cwd = getcwd(NULL, 0);
	ret = cc_resolve_input(t, &in, a, ctx, err);
	if (!ret && how && how->answered)
		cc_answered(cookiecutter_vars(*ctx), a, how->answered);
	free(cwd);
	return ret;
}

/* ---- rendering ------------------------------------------------------ */

struct cc_job {
	struct template *t;
	const struct cookiecutter *cc;
	const struct value *ctx;
	const struct value *globs;	/* _copy_without_render, or NULL */
	const char *newline;		/* _new_lines, or NULL */
	struct arena *arena;
	struct plan *out;
	struct diag *err;
};

/* The name of project path rel in errors: DIR/PROJECT/REL. */
static char *cc_file_name(const struct cookiecutter *cc, const char *rel)
{
	return xasprintf("%s/%s%s%s", cc->dir, cc->project, *rel ? "/" : "",
			 rel);
}

/* is_copy_only_path(): rel matches a _copy_without_render glob. */
static bool cc_copy_only(const struct cc_job *job, const char *rel)
{
	const struct value *g = job->globs;
	size_t i;

	for (i = 0; g && g->kind == VALUE_LIST && i < g->u.list.len; i++) {
		const struct value *p = g->u.list.items[i];

		if (p->kind == VALUE_STRING &&
		    !fnmatch(p->u.s.ptr, rel, FNM_NOESCAPE))
			return true;
	}
	return false;
}

/*
 * Render the first n bytes of project path s with the context into out;
 * errors name the file and point into its path.
 */
static int cc_render_path(struct cc_job *job, const char *s, size_t n,
			  struct strbuf *out)
{
	char *name, *r = NULL;
	size_t len = n;
	int ret = 0;

	if (!memmem(s, n, "{{", 2) && !memmem(s, n, "{%", 2) &&
	    !memmem(s, n, "{#", 2)) {
		strbuf_add(out, s, n);
		return 0;
	}
	name = cc_file_name(job->cc, s);
	ret = tpl_render_string(name, s, n, 1, 1, NULL, job->ctx, hostenv_tpl(),
				job->arena, &r, &len, job->err);
	if (!ret)
		strbuf_add(out, r, len);
	free(name);
	return ret;
}

/*
 * Why the path s (n bytes, NUL-terminated) cannot name a file inside
 * the project, or NULL.  *show says whether the message may quote s.
 */
static const char *cc_path_problem(const char *s, size_t n, bool *show)
{
	const char *p = s, *end = s + n;

	*show = false;
	if (memchr(s, '\0', n))
		return "a path with a NUL byte";
	if (memchr(s, '\n', n) || memchr(s, '\r', n))
		return "a path with a newline";
	if (utf8_invalid(s, n) < n)
		return "a path that is not UTF-8";
	*show = true;
	for (; p <= end; p += strcspn(p, "/") + 1)
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return "which leaves the project";
	return NULL;
}

/*
 * Render the n-byte path component at s on its own into out; false
 * when it does not render alone (its error is discarded).
 */
static bool cc_render_alone(struct cc_job *job, const char *s, size_t n,
			    struct strbuf *out)
{
	struct diag *err = job->err, quiet = DIAG_INIT;
	char *comp = xstrndup(s, n);
	int ret;

	job->err = &quiet;
	ret = cc_render_path(job, comp, n, out);
	job->err = err;
	diag_release(&quiet);
	free(comp);
	return !ret;
}

/*
 * The offset in rel of the first component that has a path problem of
 * its own, rendered alone or as spelled, so that the error points at it;
 * 0 when only the whole path has one.
 */
static size_t cc_blame(struct cc_job *job, const char *rel)
{
	struct strbuf r = STRBUF_INIT;
	const char *p = rel;
	bool show, found;
	size_t n;

	for (;;) {
		n = strcspn(p, "/");
		strbuf_reset(&r);
		if (!cc_render_alone(job, p, n, &r))
			strbuf_add(&r, p, n);
		found = cc_path_problem(r.buf, r.len, &show) != NULL;
		if (found || !p[n])
			break;
		p += n + 1;
	}
	strbuf_release(&r);
	return found ? (size_t)(p - rel) : 0;
}

/* True when the first component of rel renders to a path from '/'. */
static bool cc_first_absolute(struct cc_job *job, const char *rel)
{
	struct strbuf r = STRBUF_INIT;
	bool abs = cc_render_alone(job, rel, strcspn(rel, "/"), &r) &&
		r.buf[0] == '/';

	strbuf_release(&r);
	return abs;
}

/* Report that rel renders to path, which has the problem why. */
static int cc_bad_path(struct cc_job *job, const char *rel, size_t off,
		       const struct strbuf *path, const char *why, bool show)
{
	char *name = cc_file_name(job->cc, rel);
	struct diag_src src = { name, rel, strlen(rel), 0, 0 };
	struct strbuf shown = STRBUF_INIT;

	if (show) {
		strbuf_add_printable(&shown, path->buf, path->len);
		diag_at(job->err, &src, off, "'%s' renders to '%s', %s", rel,
			shown.buf, why);
	} else {
		diag_at(job->err, &src, off, "'%s' renders to %s", rel, why);
	}
	diag_hint(job->err, "a path must render to names inside the "
		  "project, or to nothing to skip the file");
	strbuf_release(&shown);
	free(name);
	return ERR_INPUT;
}

/*
 * Check and normalise a rendered path: a component that is empty (the
 * name rendered empty) skips the file (returns 1), '.' components go,
 * and a path that is absolute or has a '..', a NUL byte, a newline or
 * bytes that are not UTF-8 is ERR_INPUT, pointing into rel.
 */
static int cc_check_path(struct cc_job *job, const char *rel,
			 struct strbuf *path)
{
	struct strbuf norm = STRBUF_INIT;
	const char *p = path->buf, *end = path->buf + path->len;
	bool show;
	const char *why = cc_path_problem(path->buf, path->len, &show);
	int ret = 0;

	if (why)
		return cc_bad_path(job, rel, cc_blame(job, rel), path, why,
				   show);
	if (path->buf[0] == '/' && cc_first_absolute(job, rel))
		return cc_bad_path(job, rel, 0, path, "an absolute path",
				   true);
	while (!ret && p <= end) {
		size_t n = strcspn(p, "/");

		if (!n)
			ret = 1;
		else if (!(n == 1 && *p == '.'))
			strbuf_addf(&norm, "%s%.*s", norm.len ? "/" : "",
				    (int)n, p);
		p += n + 1;
	}
	if (!ret && !norm.len)
		ret = 1;
	if (!ret && paths_problem(norm.buf))
		ret = cc_bad_path(job, rel, 0, &norm, paths_problem(norm.buf),
				  true);
	if (!ret) {
		strbuf_reset(path);
		strbuf_add(path, norm.buf, norm.len);
	}
	strbuf_release(&norm);
	return ret;
}

/*
 * The output path of project path rel into out.  *verbatim is set when a
 * _copy_without_render glob matches rel or a directory above it; names
 * below a matched directory are copied, not rendered.  Returns 0, 1 to
 * skip, or ERR_INPUT.
 */
static int cc_out_path(struct cc_job *job, const char *rel, bool *verbatim,
		       struct strbuf *out)
{
	const char *slash = rel;
	int ret;

	*verbatim = false;
	while ((slash = strchr(slash, '/'))) {
		char *dir = xstrndup(rel, (size_t)(slash - rel));
		bool hit = cc_copy_only(job, dir);

		free(dir);
		if (hit) {
			*verbatim = true;
			ret = cc_render_path(job, rel, (size_t)(slash - rel),
					     out);
			if (!ret)
				strbuf_adds(out, slash);
			return ret ? ret : cc_check_path(job, rel, out);
		}
		slash++;
	}
	*verbatim = cc_copy_only(job, rel);
	ret = cc_render_path(job, rel, strlen(rel), out);
	return ret ? ret : cc_check_path(job, rel, out);
}

/* Replace every "\n" of the n bytes at s by nl into out. */
static void cc_put_newlines(struct strbuf *out, const char *s, size_t n,
			    const char *nl)
{
	const char *end = s + n, *p;

	while ((p = memchr(s, '\n', (size_t)(end - s)))) {
		strbuf_add(out, s, (size_t)(p - s));
		strbuf_adds(out, nl);
		s = p + 1;
	}
	strbuf_add(out, s, (size_t)(end - s));
}

/* Compile f once into its cache; name is what errors call it. */
static int cc_compile(struct template_file *f, char *name, struct diag *err)
{
	int ret = 0;

	if (!f->compiled)
		ret = tpl_compile(name, f->data, f->len, NULL, &f->compiled,
				  err);
	free(name);
	return ret;
}

/*
 * The loader of cookiecutter 2.x's FileSystemLoader(['.', '../templates']):
 * the project directory first, then the template's templates/.  Names
 * are '/'-separated; '..' components find nothing, as in Jinja.
 */
static int cc_load(void *ud, const char *name, size_t len,
		   const struct tpl **out, struct diag *err)
{
	struct template *t = ud;
	struct cookiecutter *cc = cc_of(t);
	struct template_file *f;
	int ret = 1;

	if ((f = template_find_file(t->files, t->nfiles, name, len)))
		ret = cc_compile(f, cc_file_name(cc, f->path), err);
	else if ((f = template_find_file(cc->lib, cc->nlib, name, len)))
		ret = cc_compile(f, xasprintf("%s/templates/%s", cc->dir,
					      f->path), err);
	if (!ret)
		*out = f->compiled;
	return ret;
}

/* Render the content of f, compiling it once into the cache. */
static int cc_render_content(struct cc_job *job, struct template_file *f,
			     struct strbuf *out)
{
	const char *nl = job->newline ? job->newline : f->newline;
	struct tpl_loader ld = { cc_load, job->t };
	struct strbuf body;
	int ret = cc_compile(f, cc_file_name(job->cc, f->path), job->err);

	if (ret)
		return ret;
	if (!nl || !strcmp(nl, "\n"))
		return tpl_render_with(f->compiled, job->ctx, &ld,
				       hostenv_tpl(), out, job->err);
	strbuf_init(&body, TPL_MAX_OUTPUT);
	ret = tpl_render_with(f->compiled, job->ctx, &ld, hostenv_tpl(), &body,
			      job->err);
	if (!ret)
		cc_put_newlines(out, body.buf, body.len, nl);
	strbuf_release(&body);
	return ret;
}

/* One project file into the plan. */
static int cc_render_file(struct cc_job *job, struct template_file *f)
{
	struct strbuf path = STRBUF_INIT, body;
	bool verbatim;
	int ret = cc_out_path(job, f->path, &verbatim, &path);

	strbuf_init(&body, TPL_MAX_OUTPUT);
	if (!ret && plan_find(job->out, path.buf))
		ret = diag_input(job->err, NULL, "two template files render "
				 "to '%s'", path.buf);
	if (!ret && (verbatim || f->binary))
		strbuf_add(&body, f->data, f->len);
	else if (!ret)
		ret = cc_render_content(job, f, &body);
	if (!ret && body.overflow)
		ret = diag_input(job->err, NULL, "'%s' renders to more than "
				 "%u bytes", f->path, TPL_MAX_OUTPUT);
	if (!ret) {
		char *name = cc_file_name(job->cc, f->path);

		ret = plan_check_budget(job->out, body.len, name, job->err);
		free(name);
	}
	if (!ret) {
		size_t len;
		char *data = strbuf_detach(&body, &len);

		plan_add_owned(job->out, strbuf_detach(&path, NULL), f->mode,
			       data, len);
	}
	strbuf_release(&path);
	strbuf_release(&body);
	return ret < 0 ? ret : 0;
}

/* One directory into the plan's directory list. */
static int cc_render_dir(struct cc_job *job, const char *rel)
{
	struct strbuf path = STRBUF_INIT;
	bool verbatim;
	int ret = cc_out_path(job, rel, &verbatim, &path);

	if (!ret)
		plan_add_dir(job->out, path.buf);
	strbuf_release(&path);
	return ret < 0 ? ret : 0;
}

static int cc_render_plan(struct template *t, const struct value *ctx,
			  struct plan *out, struct diag *err)
{
	struct arena arena = ARENA_INIT;
	const struct value *vars = cookiecutter_vars(ctx), *nl;
	struct cc_job job = { t, cc_of(t), ctx, NULL, NULL, &arena, out, err };
	size_t i;
	int ret = 0;

	job.globs = value_dict_get(vars, "_copy_without_render");
	nl = value_dict_get(vars, "_new_lines");
	if (nl && nl->kind == VALUE_STRING && nl->u.s.len)
		job.newline = nl->u.s.ptr;
	for (i = 0; !ret && i < t->nfiles; i++)
		ret = cc_render_file(&job, &t->files[i]);
	for (i = 0; !ret && i < cc_of(t)->ndirs; i++)
		ret = cc_render_dir(&job, cc_of(t)->dirs[i]);
	if (ret)
		plan_release(out);
	arena_release(&arena);
	return ret;
}

int cookiecutter_project_name(const struct template *t,
			      const struct value *ctx, struct arena *a,
			      char **name, struct diag *err)
{
	const struct cookiecutter *cc = cc_of(t);
	char *r = NULL;
	size_t len = 0;
	int ret = tpl_render_string(cc->dir, cc->project, strlen(cc->project),
				    1, 1, NULL, ctx, hostenv_tpl(), a, &r,
				    &len, err);
	const char *why = NULL;

	if (ret)
		return ret;
	if (!len)
		why = "is empty";
	else if (r[0] == '/')
		why = "is an absolute path";
	else if (!strcmp(r, "..") || !strncmp(r, "../", 3) ||
		 strstr(r, "/../") || (len >= 3 && !strcmp(r + len - 3, "/..")))
		why = "leaves the output directory";
	else if (memchr(r, '\0', len))
		why = "holds a NUL byte";
	if (why) {
		diag_input(err, cc->dir, "the project directory '%s' renders "
			   "to '%s', which %s", cc->project, r, why);
		diag_hint(err, "pass -o DIR to name the project directory");
		return ERR_INPUT;
	}
	*name = r;
	return 0;
}

/* ---- hooks ---------------------------------------------------------- */

/* The hook file of t called name (any extension), or NULL. */
static const struct template_file *cc_hook(const struct template *t,
					   const char *name)
{
	size_t i;

	for (i = 0; i < t->nhooks; i++)
		if (cc_hook_matches(t->hooks[i].path, name))
			return &t->hooks[i];
	return NULL;
}

/* Run hook name of t, if it has one, as cookiecutter does. */
static int cc_run_hook(const struct template *t, const char *name,
		       const struct value *ctx, const struct hook_ctx *hc,
		       struct diag *err)
{
	const struct template_file *hf = cc_hook(t, name);
	struct hook_ctx env_hc = *hc;
	struct hook_script run;
	struct arena a = ARENA_INIT;
	char *file, *text = NULL, **env;
	size_t len = 0, plen;
	int ret;

	if (!hf)
		return 0;
	file = xasprintf("%s/hooks/%s", cc_of(t)->dir, hf->path);
	ret = tpl_render_string(file, hf->data, hf->len, 1, 1, NULL, ctx,
				hostenv_tpl(), &a, &text, &len, err);
	free(file);
	if (!ret) {
		run = (struct hook_script){ hf->path, text, len,
					    hf->mode | 0700 };
		env_hc.answers = cookiecutter_vars(ctx);
		env = hook_env_new(&env_hc);
		plen = strlen(hf->path);
		ret = hook_run(&run, plen > 3 &&
			       !strcmp(hf->path + plen - 3, ".py") ?
			       "python3" : NULL, hc, env, err);
		hook_env_free(env);
	}
	arena_release(&a);
	return ret;
}

static int cc_run_hooks(const struct template *t, enum template_stage stage,
			const struct value *ctx, const struct hook_ctx *hc,
			struct diag *err)
{
	return cc_run_hook(t, stage == TEMPLATE_PRE_GEN ? "pre_gen_project" :
			   "post_gen_project", ctx, hc, err);
}

/* ---- the kind ------------------------------------------------------ */

char *cookiecutter_replay_path(const struct template *t)
{
	const char *home = getenv("HOME");

	if (!home || !*home || t->kind != &cookiecutter_kind)
		return NULL;
	return xasprintf("%s/.cookiecutter_replay/%s.json", home,
			 cc_of(t)->name);
}

const struct template_kind cookiecutter_kind = {
	"cookiecutter", cc_resolve, cookiecutter_vars, cc_render_plan,
	cc_run_hooks, cookiecutter_project_name, cc_free,
	TEMPLATE_KIND_EXACT_MODES | TEMPLATE_KIND_COOKIECUTTER_CLI,
};
