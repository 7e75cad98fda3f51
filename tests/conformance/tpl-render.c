/*
 * tpl-render: the driver of the Jinja2 conformance suite (run.sh).
 *
 *   tpl-render TEMPLATE [CONTEXT.json]
 *
 * Compiles the bytes of TEMPLATE (named in errors exactly as given),
 * renders it with the JSON object in CONTEXT (an absent or empty file is
 * {}) and writes the output bytes to stdout.  On any error it prints the
 * diagnostic to stderr, writes nothing to stdout and exits 2.
 *
 * When the template's directory has a `files/` subdirectory, {% include %},
 * {% import %} and {% extends %} load templates from there by name (as
 * regen.py's jinja2.FileSystemLoader does); otherwise there is no loader.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "diag.h"
#include "fsutil.h"
#include "hostenv.h"
#include "strbuf.h"
#include "tpl-value.h"
#include "tpl.h"
#include "value-json.h"
#include "xalloc.h"

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
		*out = value_json_decode(a, j);
out:
	json_decref(j);
	free(data);
	return ret;
}

/* Templates loaded from one directory, compiled once, freed at exit. */
struct dir_loader {
	char *dir;
	char **names;
	struct tpl **tpls;
	size_t n, alloc;
};

/* Compile dir/name into a new slot of dl; 1 when there is no such file. */
static int dir_compile(struct dir_loader *dl, char *name, struct diag *err)
{
	char *path = xasprintf("%s/%s", dl->dir, name), *src = NULL;
	struct tpl *t = NULL;
	struct stat st;
	size_t len = 0;
	int rc = 1;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		goto out;
	if ((rc = fs_read_file(path, &src, &len, err)) < 0 ||
	    (rc = tpl_compile(name, src, len, NULL, &t, err)) < 0)
		goto out;
	XALLOC_GROW(dl->names, dl->n + 1, dl->alloc);
	dl->tpls = xrealloc(dl->tpls, dl->alloc * sizeof(*dl->tpls));
	dl->names[dl->n] = name;
	dl->tpls[dl->n++] = t;
	name = NULL;
out:
	free(name);
	free(src);
	free(path);
	return rc;
}

/* The tpl_loader callback: names relative to dl->dir, no "..". */
static int dir_load(void *ud, const char *name, size_t len,
		    const struct tpl **out, struct diag *err)
{
	struct dir_loader *dl = ud;
	char *n = xstrndup(name, len);
	size_t i;
	int rc;

	for (i = 0; i < dl->n; i++)
		if (!strcmp(dl->names[i], n)) {
			free(n);
			*out = dl->tpls[i];
			return 0;
		}
	if (strlen(n) != len || !*n || *n == '/' || strstr(n, "..")) {
		free(n);
		return 1;
	}
	if ((rc = dir_compile(dl, n, err)))
		return rc;
	*out = dl->tpls[dl->n - 1];
	return 0;
}

static void dir_loader_release(struct dir_loader *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++) {
		free(dl->names[i]);
		tpl_free(dl->tpls[i]);
	}
	free(dl->names);
	free(dl->tpls);
	free(dl->dir);
}

/* Set up dl for the files/ directory next to path; false if none. */
static bool dir_loader_init(struct dir_loader *dl, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;

	memset(dl, 0, sizeof(*dl));
	if (slash)
		dl->dir = xasprintf("%.*s/files", (int)(slash - path), path);
	else
		dl->dir = xstrdup("files");
	return !stat(dl->dir, &st) && S_ISDIR(st.st_mode);
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
	struct dir_loader dl;
	struct tpl_loader ld = { dir_load, &dl };
	char *src = NULL;
	size_t len = 0;
	int status = 2;

	if (argc < 2 || argc > 3) {
		fputs("usage: tpl-render TEMPLATE [CONTEXT.json]\n", stderr);
		return 2;
	}
	bool has_files = dir_loader_init(&dl, argv[1]);

	if (fs_read_file(argv[1], &src, &len, &err) < 0 ||
	    load_context(argc > 2 && *argv[2] ? argv[2] : NULL, &a, &ctx,
			 &err) < 0 ||
	    tpl_compile(argv[1], src, len, NULL, &t, &err) < 0 ||
	    tpl_render_with(t, ctx, has_files ? &ld : NULL, hostenv_tpl(),
			    &out, &err) < 0 ||
	    write_output(&out, &err) < 0) {
		diag_print(&err, stderr);
		goto out;
	}
	status = 0;
out:
	tpl_free(t);
	dir_loader_release(&dl);
	strbuf_release(&out);
	arena_release(&a);
	free(src);
	diag_release(&err);
	return status;
}
