/*
 * fuzz-cookiecutter: the cookiecutter.json loader and what `genship new`
 * does next with a cookiecutter template.
 *
 * The input is cookiecutter.json.  cookiecutter_open() reads only from a
 * directory, so LLVMFuzzerInitialize() builds a small template once in a
 * scratch directory (removed at exit) and every input replaces its
 * cookiecutter.json.  When the template opens, the harness resolves the
 * defaults and renders the project as `genship new --no-input` does
 * (project name, file plan, answers file), then checks two round trips:
 *   - the replay file written from the context, read back and used as
 *     `--replay` uses it, gives the same variables;
 *   - every answer recorded in .genship.yml reads back (as `genship
 *     update` reads it) as the value that was recorded.
 * It also resolves once with extra context (a string, a choice and a
 * yes/no given with --set), and reads the input as a replay file and as
 * a .cruft.json, the other JSON files genship takes from users.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "answers.h"
#include "arena.h"
#include "cookiecutter.h"
#include "diag.h"
#include "fsutil.h"
#include "fuzz.h"
#include "plan.h"
#include "project.h"
#include "source.h"
#include "plan.h"
#include "strbuf.h"
#include "template.h"
#include "tpl-value.h"
#include "xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* One file of the fixed template, relative to the template directory. */
struct tree_file {
	const char *path;
	unsigned mode;
	const char *data;
	size_t len;
};

#define PROJECT "{{cookiecutter.project_slug}}/"
#define TREE_FILE(path, mode, text) { path, mode, text, sizeof(text) - 1 }

/*
 * The template around the input: rendered text and names, a conditional
 * file, a path a `_copy_without_render` glob may pick, CRLF newlines, a
 * binary file, an empty directory, an include from templates/ and a hook
 * (loaded, never run).
 */
static const struct tree_file tree[] = {
	TREE_FILE(PROJECT "README.md", 0644,
		  "# {{ cookiecutter.get('project_name', 'x') }}\n"
		  "{% for k, v in cookiecutter.items() %}{{ k }}={{ v }}\n"
		  "{% endfor %}{% include 'footer.md' %}\n"),
	TREE_FILE(PROJECT "{% if cookiecutter.get('use_docker') == 'y' %}"
		  "Containerfile{% endif %}", 0644,
		  "FROM {{ cookiecutter.image | default('debian:12') }}\n"),
	TREE_FILE(PROJECT "static/{{ cookiecutter.project_slug }}.js", 0644,
		  "const slug = '{{ cookiecutter.project_slug }}';\n"),
	TREE_FILE(PROJECT "crlf.txt", 0755,
		  "a\r\n{{ cookiecutter.project_slug | upper }}\r\n"),
	TREE_FILE(PROJECT "logo.png", 0644, "\x89PNG\r\n\x1a\n\0\0{{ x }}"),
	TREE_FILE("templates/footer.md", 0644,
		  "-- {{ cookiecutter.get('author', 'nobody') }}\n"),
	TREE_FILE("hooks/post_gen_project.sh", 0755,
		  "#!/bin/sh\necho '{{ cookiecutter.project_slug }}'\n"),
};

/* The scratch template directory, and its cookiecutter.json. */
static char *template_dir;
static char *json_path;

/* Remove the scratch template at exit. */
static void remove_template(void)
{
	if (template_dir)
		fs_rm_rf(template_dir);
}

/* Create file f below dir, with its parents; abort on failure. */
static void write_tree_file(const char *dir, const struct tree_file *f)
{
	char *path = fs_join(dir, f->path), *parent = fs_dirname(path);

	if (fs_mkdir_p(parent, 0755) ||
	    fs_write_new(path, f->data, f->len, f->mode)) {
		perror(path);
		abort();
	}
	free(parent);
	free(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char *empty;
	size_t i;

	template_dir = xasprintf("%s/genship-fuzz-cc.XXXXXX",
				 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(template_dir)) {
		perror(template_dir);
		abort();
	}
	atexit(remove_template);
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		write_tree_file(template_dir, &tree[i]);
	empty = fs_join(template_dir, PROJECT "empty");
	if (fs_mkdir_p(empty, 0755))
		abort();
	free(empty);
	json_path = fs_join(template_dir, COOKIECUTTER_JSON);
	return 0;
}

/* Replace the scratch template's cookiecutter.json with data. */
static void write_json(const uint8_t *data, size_t size)
{
	FILE *fp = fopen(json_path, "w");

	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp)) {
		perror(json_path);
		abort();
	}
}

/* The input for one resolution: no questions, fixed paths. */
static struct template_request resolve_input(const struct answer_set *extra,
					     const struct value *fixed)
{
	struct template_request in = TEMPLATE_REQUEST_INIT;

	in.given = extra;
	in.fixed = fixed;
	in.template_arg = "fuzz-template";
	in.output_dir = "/fuzz-out";
	return in;
}

/* Replaying the context (as --replay) gives the same variables. */
static void check_replay(const struct template *t, const struct value *ctx,
			 struct arena *a)
{
	struct strbuf text = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	struct value *fixed = NULL, *again = NULL;
	struct template_request in;

	cookiecutter_format_replay(ctx, &text);
	if (cookiecutter_load_replay("replay.json", text.buf, text.len, a,
				     &fixed, &err))
		fuzz_fail("a written replay file loads", &err, text.buf);
	in = resolve_input(NULL, fixed);
	if (template_resolve(t, &in, a, &again, &err))
		fuzz_fail("a written replay file resolves", &err, text.buf);
	if (!value_equal(cookiecutter_vars(ctx), cookiecutter_vars(again)))
		fuzz_fail("a replay gives the same variables", NULL, text.buf);
	strbuf_release(&text);
	diag_release(&err);
}

/*
 * The answers file in plan loads as `genship update` loads it, and each
 * answer naming one of t's options reads back as the value in ctx.
 */
static void check_answers_file(const struct template *t,
			       const struct value *ctx,
			       const struct plan *plan)
{
	const struct plan_file *f = plan_find(plan, PROJECT_ANSWERS_FILE);
	const struct value *vars = cookiecutter_vars(ctx);
	struct answer_set set = ANSWER_SET_INIT;
	struct diag err = DIAG_INIT;
	size_t i;

	FUZZ_CHECK(f, "the plan holds the answers file");
	if (answer_set_add_file(&set, f->path, f->data, f->len, &err))
		fuzz_fail("a written answers file loads", &err, f->data);
	for (i = 0; i < set.len; i++) {
		const char *name = set.items[i].name;

		if (manifest_option(t->manifest, name) &&
		    !value_equal(set.items[i].val, value_dict_get(vars, name)))
			fuzz_fail("a recorded answer reads back as itself",
				  NULL, f->data);
	}
	answer_set_release(&set);
	diag_release(&err);
}

/* Render the project as `genship new --no-input` does, and check it. */
static void generate(struct template *t, const struct value *ctx,
		     struct arena *a)
{
	struct plan plan = PLAN_INIT;
	struct diag err = DIAG_INIT;
	char *name;

	if (!cookiecutter_project_name(t, ctx, a, &name, &err) &&
	    !template_render(t, ctx, &plan, &err) &&
	    !project_check_reserved(&plan, &err)) {
		project_add_answers_file(t, ctx, &plan);
		check_answers_file(t, ctx, &plan);
	}
	plan_release(&plan);
	fuzz_diag_done(&err);
}

/* Resolve t's defaults; when they resolve, generate and check. */
static void fuzz_defaults(struct template *t)
{
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct strbuf notes = STRBUF_INIT;
	struct answers_opts how = { 0 };
	struct template_request in = resolve_input(NULL, NULL);
	struct value *ctx;

	how.notes = &notes;
	in.how = &how;
	if (!template_resolve(t, &in, &a, &ctx, &err)) {
		generate(t, ctx, &a);
		check_replay(t, ctx, &a);
	}
	strbuf_release(&notes);
	arena_release(&a);
	fuzz_diag_done(&err);
}

/* Resolve t with extra context that names common variables. */
static void fuzz_extra(const struct template *t)
{
	static const char *const sets[] = {
		"project_slug={{ cookiecutter.project_name | lower }}-x",
		"license=MIT", "use_docker=yes", "missing=1",
	};
	struct answer_set extra = ANSWER_SET_INIT;
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct strbuf notes = STRBUF_INIT;
	struct answers_opts how = { 0 };
	struct template_request in = resolve_input(&extra, NULL);
	struct value *ctx;
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (answer_set_add_cli(&extra, sets[i], &err))
			fuzz_fail("a fixed --set parses", &err, sets[i]);
	how.notes = &notes;
	in.how = &how;
	(void)template_resolve(t, &in, &a, &ctx, &err);
	strbuf_release(&notes);
	answer_set_release(&extra);
	arena_release(&a);
	fuzz_diag_done(&err);
}

/* Read the input as a replay file and as a cruft project's .cruft.json. */
static void fuzz_other_json(const char *text, size_t len)
{
	struct arena a = ARENA_INIT;
	struct diag err = DIAG_INIT;
	struct answers_file *af = NULL;
	struct value *vars;

	(void)cookiecutter_load_replay("replay.json", text, len, &a, &vars,
				       &err);
	fuzz_diag_done(&err);
	(void)cookiecutter_cruft_answers(".cruft.json", text, len, &af, &err);
	answers_file_free(af);
	arena_release(&a);
	fuzz_diag_done(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template *t = NULL;
	struct diag err = DIAG_INIT;

	write_json(data, size);
	if (!source_open(template_dir, NULL, &t, &err)) {
		FUZZ_CHECK(t->kind == &cookiecutter_kind, "the template opens as a cookiecutter one");
		fuzz_defaults(t);
		fuzz_extra(t);
	}
	template_free(t);
	fuzz_diag_done(&err);
	fuzz_other_json((const char *)data, size);
	return 0;
}
