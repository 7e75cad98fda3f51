#include "project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blob.h"
#include "cookiecutter.h"
#include "fsutil.h"
#include "gitsrc.h"
#include "paths.h"
#include "source.h"
#include "txn.h"
#include "writer.h"
#include "xalloc.h"


/* ---- the project and its answers file ------------------------------ */

/* Every recorded path must be one genship may write (paths.h). */
static int check_recorded_paths(const struct project *p, struct diag *err)
{
	size_t i;

	for (i = 0; i < p->af->nfiles; i++) {
		const char *why = paths_problem(p->af->files[i].path);

		if (why)
			return diag_input(err, p->af_file, "unsafe path '%s' "
					  "in 'files': %s",
					  p->af->files[i].path, why);
	}
	return 0;
}

int project_check_idle(const char *dir, const char *finish_hint,
		       struct diag *err)
{
	if (writer_recover_pending(dir)) {
		diag_input(err, dir, "a 'genship new' into it was interrupted "
			   "and left changes to roll back");
		diag_hint(err, "run 'genship update' or 'genship new --force' "
			  "on it, which roll them back first");
		return ERR_INPUT;
	}
	if (txn_check_owner(dir, err))
		return ERR_INPUT;
	if (txn_state(dir) != TXN_SEALED)
		return 0;
	diag_input(err, dir, "an interrupted update is waiting in '%s'",
		   TXN_DIR_NAME);
	diag_hint(err, "%s", finish_hint);
	return ERR_INPUT;
}

/* True when real lies inside (or is) root. */
static bool path_within(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(real, root, n) && (real[n] == '/' || real[n] == '\0');
}

/*
 * Resolve full, a path inside project p, refusing a symlink that leads
 * out of it.  *real: caller-owned, or NULL when full does not exist.
 */
static int resolve_inside(const struct project *p, const char *full,
			  char **real, struct diag *err)
{
	*real = realpath(full, NULL);
	if (!*real && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (!*real)
		return diag_fail(err, "cannot read '%s': %s", full,
				 strerror(errno));
	if (path_within(*real, p->real))
		return 0;
	free(*real);
	*real = NULL;
	diag_input(err, full, "is or crosses a symlink that points outside "
		   "the project; genship never follows one");
	diag_hint(err, "replace the link with the file itself");
	return ERR_INPUT;
}

/* Read file name of p, quietly when missing; a link out is ERR_INPUT. */
static int read_inside(const struct project *p, const char *name,
		       char **text, size_t *len, struct diag *quiet,
		       struct diag *err)
{
	char *full = fs_join(p->dir, name), *real = NULL;
	int ret = resolve_inside(p, full, &real, err);

	if (!ret)
		ret = fs_read_input(full, NULL, FS_MAX_DATA, text, len,
				    fs_exists(full) ? err : quiet);
	free(real);
	free(full);
	return ret;
}

/*
 * A cruft project: read .cruft.json as answers (template, commit, the
 * context's variables) and keep them as answers-file text, so that
 * update, diff and check work on it and update writes .genship.yml.
 * Reading or parsing errors go to quiet (the caller then says this is no
 * genship project); a symlink out of the project goes to err.
 */
static int open_cruft(struct project *p, struct diag *quiet,
		      struct diag *err)
{
	char *file = fs_join(p->dir, PROJECT_CRUFT_FILE), *text = NULL;
	struct answers_file *af = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	int ret = read_inside(p, PROJECT_CRUFT_FILE, &text, &len, quiet, err);

	if (!ret)
		ret = cookiecutter_cruft_answers(file, text, len, &af, quiet);
	if (!ret) {
		answers_file_format(af, &sb);
		free(p->af_file);
		p->af_file = file;
		p->af_text = strbuf_detach(&sb, &p->af_len);
		p->af = af;
		file = NULL;
	}
	free(file);
	free(text);
	return ret;
}

int project_open(const char *dir, struct project **out, struct diag *err)
{
	struct project *p = xcalloc(1, sizeof(*p));
	struct diag quiet = DIAG_INIT;
	int ret;

	p->dir = xstrdup(dir);
	p->real = realpath(dir, NULL);
	if (!p->real)
		p->real = xstrdup(dir);
	p->af_file = fs_join(dir, PROJECT_ANSWERS_FILE);
	ret = read_inside(p, PROJECT_ANSWERS_FILE, &p->af_text, &p->af_len,
			  &quiet, err);
	if (ret && !err->code && !open_cruft(p, &quiet, err)) {
		ret = 0;
	} else if (ret && !err->code) {
		diag_input(err, dir, "not a genship project: cannot read '%s'",
			   PROJECT_ANSWERS_FILE);
		diag_hint(err, "run this in a directory made by 'genship new', "
			  "or name one: genship update DIR");
	} else if (!ret) {
		blob_id(p->af_text, p->af_len, p->af_blob);
		ret = answers_file_load(p->af_file, p->af_text, p->af_len,
					&p->af, err);
	}
	if (!ret)
		ret = check_recorded_paths(p, err);
	diag_release(&quiet);
	if (ret)
		project_free(p);
	else
		*out = p;
	return ret;
}

void project_free(struct project *p)
{
	if (!p)
		return;
	answers_file_free(p->af);
	free(p->af_text);
	free(p->af_file);
	free(p->dir);
	free(p->real);
	free(p);
}

/* The entry for path in af, or NULL. */
static struct answers_file_entry *af_entry(const struct answers_file *af,
					   const char *path)
{
	size_t i;

	for (i = 0; i < af->nfiles; i++)
		if (!strcmp(af->files[i].path, path))
			return &af->files[i];
	return NULL;
}

/* Give path in af the entry it has in old, or none. */
static void restore_entry(struct answers_file *af,
			  const struct answers_file *old, const char *path)
{
	struct answers_file_entry *e = af_entry(af, path);
	const struct answers_file_entry *o = af_entry(old, path);

	if (e && o) {
		memcpy(e->blob, o->blob, sizeof(e->blob));
	} else if (e) {
		memmove(e, e + 1, (size_t)(af->files + af->nfiles - e - 1) *
			sizeof(*e));
		af->nfiles--;
	} else if (o) {
		answers_file_add_file(af, path, o->blob);
	}
}

int project_answers_restore(void *ud, const char *data, size_t len,
			    const char *kept, struct strbuf *out,
			    struct diag *err)
{
	const struct project *p = ud;
	struct answers_file *af = NULL;
	char *copy = xstrdup(kept), *rest = copy, *path;
	int ret = answers_file_load(p->af_file, data, len, &af, err);

	while (!ret && (path = strsep(&rest, "\n")) && *path)
		restore_entry(af, p->af, path);
	if (!ret)
		answers_file_format(af, out);
	answers_file_free(af);
	free(copy);
	return ret;
}

int project_answers_replace_conflicts(const struct project *p,
				      const char *paths,
				      const struct answers_file *conflicts,
				      struct strbuf *out, struct diag *err)
{
	struct answers_file *af = NULL;
	int ret = answers_file_load(p->af_file, p->af_text, p->af_len, &af,
				    err);
	size_t i, kept = 0;

	for (i = 0; !ret && i < af->nconflicts; i++)
		if (!strbuf_lines_contain(paths, af->conflicts[i].path))
			af->conflicts[kept++] = af->conflicts[i];
	if (!ret)
		af->nconflicts = kept;
	for (i = 0; !ret && i < conflicts->nconflicts; i++) {
		const struct answers_conflict *c = &conflicts->conflicts[i];

		answers_file_add_conflict(af, c->path, c->base, c->yours);
	}
	if (!ret)
		answers_file_format(af, out);
	answers_file_free(af);
	return ret;
}

void project_format_answers(const struct template *t,
			    const struct value *ctx, const struct plan *plan,
			    const struct answers_file *conflicts,
			    struct strbuf *out)
{
	struct answers_file *af = answers_file_new();
	const struct manifest *m = t->manifest;
	const struct value *vars = template_vars(t, ctx);
	char id[BLOB_HEXSZ + 1];
	size_t i;

	af->template_name = t->name;
	af->template_source = t->source;
	af->template_version = m->version;
	af->template_commit = t->commit;
	af->template_url = t->url;
	af->template_ref = t->ref;
	af->template_directory = t->subdir;
	af->genship_version = (char *)PACKAGE_VERSION;
	for (i = 0; i < m->noptions; i++) {
		struct value *v = value_dict_get(vars, m->options[i].name);

		/* None (a cookiecutter null, rendered "None") would read back
		 * as ''; left out, it resolves to None again. */
		if (!v || v->kind != VALUE_NONE)
			value_dict_set(&af->arena, af->answers,
				       m->options[i].name, v);
	}
	for (i = 0; i < plan->nfiles; i++) {
		blob_id(plan->files[i].data, plan->files[i].len, id);
		answers_file_add_file(af, plan->files[i].path, id);
	}
	for (i = 0; conflicts && i < conflicts->nconflicts; i++) {
		const struct answers_conflict *c = &conflicts->conflicts[i];

		answers_file_add_conflict(af, c->path, c->base, c->yours);
	}
	answers_file_format(af, out);
	answers_file_free(af);
}

void project_add_answers_file(const struct template *t,
			      const struct value *ctx, struct plan *plan)
{
	struct strbuf sb = STRBUF_INIT;

	project_format_answers(t, ctx, plan, NULL, &sb);
	plan_add(plan, PROJECT_ANSWERS_FILE, 0644, sb.buf, sb.len);
	strbuf_release(&sb);
}

int project_check_reserved(const struct plan *plan, struct diag *err)
{
	size_t i;

	for (i = 0; i < plan->nfiles; i++) {
		const char *why = paths_problem(plan->files[i].path);

		if (why)
			return diag_input(err, NULL, "the template generates "
					  "'%s': %s", plan->files[i].path,
					  why);
	}
	return 0;
}

/* ---- templates: theirs and base ------------------------------------ */

/*
 * A recorded remote source: at o->ref, or at the newest tag above the
 * recorded ref when o is set (update), else at the recorded ref.
 */
static int open_remote(const struct answers_file *af,
		       const struct source_opts *o, struct template **out,
		       struct diag *err)
{
	struct source_spec s = SOURCE_SPEC_INIT;
	int ret = 0;

	s.typed = xstrdup(af->template_source);
	s.url = xstrdup(af->template_url);
	s.subdir = xstrdup(af->template_directory ? af->template_directory :
			   "");
	if (o && o->ref)
		s.ref = xstrdup(o->ref);
	else if (o)
		ret = source_next_ref(af->template_url, af->template_ref, o,
				      &s.ref, err);
	else if (af->template_ref)
		s.ref = xstrdup(af->template_ref);
	if (!ret)
		ret = source_open_remote(&s, o, out, err);
	source_spec_release(&s);
	return ret;
}

/* Open the template update moves to: spec, or the recorded source. */
static int open_theirs(const struct project *p, const char *spec,
		       const struct source_opts *o, struct template **out,
		       struct diag *err)
{
	const char *src = p->af->template_source;
	int ret = !spec && p->af->template_url ?
		open_remote(p->af, o, out, err) :
		source_open(spec ? spec : src, o, out, err);

	if (ret && !spec)
		diag_hint(err, "the answers file names template source '%s'; "
			  "pass --template SRC to say where it is now", src);
	return ret;
}

/* True when theirs already is the recorded template version. */
static bool base_is_theirs(const struct answers_file *af,
			   const struct template *theirs)
{
	if (strcmp(af->template_source, theirs->source))
		return false;
	if (!*af->template_version && !af->template_commit)
		return true;	/* .cruft.json without a commit: assume it */
	if (af->template_commit)
		return theirs->commit &&
			!strcmp(af->template_commit, theirs->commit);
	return !strcmp(af->template_version, theirs->manifest->version);
}

/* Open the recorded template version, or say in why it is unavailable. */
static int open_base(const struct project *p, const struct source_opts *o,
		     struct template **out, struct strbuf *why)
{
	const struct answers_file *af = p->af;
	struct diag err = DIAG_INIT;
	struct template *t = NULL;
	int ret;

	if (af->template_url && af->template_commit)
		ret = source_open_commit(af->template_url, af->template_commit,
					 af->template_directory, o, &t, &err);
	else if (af->template_commit)
		ret = gitsrc_open(af->template_source, af->template_commit,
				  &t, &err);
	else
		ret = source_open(af->template_source, NULL, &t,
				    &err);
	if (!ret && !af->template_commit &&
	    strcmp(t->manifest->version, af->template_version)) {
		strbuf_addf(why, "'%s' is now version %s",
			    af->template_source, t->manifest->version);
		ret = ERR_INPUT;
	} else if (ret) {
		strbuf_adds(why, err.msg ? err.msg : "cannot open it");
	}
	if (ret)
		template_free(t);
	else
		*out = t;
	diag_release(&err);
	return ret;
}

/* What theirs is rendered with besides the recorded answers. */
struct project_given {
	const char *answers;	/* --answers FILE, or NULL */
	char **sets;		/* --set K=V */
	size_t nsets;
};

/*
 * Resolve t's context from the recorded answers, then the answers file
 * and the sets given.  Answers for options t no longer has are dropped,
 * with a note.
 */
static int resolve(const struct project *p, const struct template *t,
		   const struct project_given *g, struct arena *a,
		   struct value **ctx, struct strbuf *notes, struct diag *err)
{
	struct answer_set recorded = ANSWER_SET_INIT, given = ANSWER_SET_INIT;
	struct template_request rq = TEMPLATE_REQUEST_INIT;
	char *parent = fs_dirname(p->dir), *out = realpath(parent, NULL);
	size_t i, kept = 0;
	int ret = answer_set_add_file(&recorded, p->af_file, p->af_text,
				      p->af_len, err);

	for (i = 0; !ret && i < recorded.len; i++) {
		if (manifest_option(t->manifest, recorded.items[i].name))
			recorded.items[kept++] = recorded.items[i];
		else if (notes)
			strbuf_addf(notes, "template '%s' no longer has option "
				    "'%s'; its recorded answer is dropped\n",
				    t->name, recorded.items[i].name);
	}
	if (!ret)
		recorded.len = kept;
	if (!ret)
		ret = answer_set_gather(&given, g->answers, g->sets, g->nsets,
					err);
	rq.given = &given;
	rq.recorded = &recorded;
	rq.output_dir = out ? out : parent;
	if (!ret)
		ret = template_resolve(t, &rq, a, ctx, err);
	free(parent);
	free(out);
	answer_set_release(&recorded);
	answer_set_release(&given);
	return ret;
}

/* Render t with the recorded answers and those given into out. */
static int render_with(const struct project *p, struct template *t,
		       const struct project_given *g, struct arena *a,
		       struct value **ctx, struct plan *out,
		       struct strbuf *notes, struct diag *err)
{
	int ret = resolve(p, t, g, a, ctx, notes, err);

	if (!ret)
		ret = template_render(t, *ctx, out, err);
	if (!ret)
		ret = project_check_reserved(out, err);
	return ret;
}

/* Render the recorded version; on failure leave a note, not an error. */
static void render_base(const struct project *p, struct project_cmp *cmp)
{
	static const struct project_given none = { NULL, NULL, 0 };
	struct strbuf why = STRBUF_INIT;
	struct diag err = DIAG_INIT;
	struct value *ctx;
	int ret = 0;

	if (base_is_theirs(p->af, cmp->theirs_t))
		cmp->base_t = cmp->theirs_t;
	else
		ret = open_base(p, cmp->src, &cmp->base_t, &why);
	if (!ret)
		ret = render_with(p, cmp->base_t, &none, &cmp->arena, &ctx,
				  &cmp->base, NULL, &err);
	if (ret && !why.len)
		strbuf_adds(&why, err.msg ? err.msg : "cannot render it");
	cmp->have_base = !ret;
	if (ret)
		strbuf_addf(&cmp->base_why, "%s", why.buf);
	strbuf_release(&why);
	diag_release(&err);
}

/* ---- the per-path comparison ---------------------------------------- */

static struct project_file *cmp_add(struct project_cmp *cmp,
				    const char *path)
{
	struct project_file *f;

	XALLOC_GROW(cmp->files, cmp->nfiles + 1, cmp->alloc);
	f = &cmp->files[cmp->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	return f;
}

/*
 * Read the file on disk at f->path; a missing one is absent.  A symlink
 * is followed only when it stays inside the project (update still
 * refuses to write through it).
 */
static int read_ours(const struct project *p, struct project_file *f,
		     struct diag *err)
{
	char *full = fs_join(p->dir, f->path), *real = NULL, *data;
	struct stat st;
	size_t len;
	int ret = resolve_inside(p, full, &real, err);

	if (ret || !real)
		goto out;
	if (stat(full, &st) < 0) {
		ret = diag_fail(err, "cannot read '%s': %s", full,
				strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		ret = diag_input(err, full, "is not a regular file, but the "
				 "template generates a file there");
	} else if (!(ret = fs_read_file(full, &data, &len, err))) {
		f->ours = (struct merge_side){ true, data, len,
			template_file_mode(st.st_mode) };
	}
out:
	free(real);
	free(full);
	return ret;
}

/* Fill the base side from the base plan if its blob id is the recorded. */
static void fill_base(struct project_cmp *cmp, struct project_file *f)
{
	const struct plan_file *b;
	char id[BLOB_HEXSZ + 1];

	if (!f->recorded || !cmp->have_base)
		return;
	f->base.present = true;
	b = plan_find(&cmp->base, f->path);
	if (b)
		blob_id(b->data, b->len, id);
	if (b && !strcmp(id, f->recorded))
		f->base = (struct merge_side){ true, b->data, b->len,
					       b->mode };
	else
		cmp->base_mismatch++;
}

/* One path: recorded entry r and/or theirs file t (either may be NULL). */
static int cmp_path(const struct project *p, struct project_cmp *cmp,
		    const struct answers_file_entry *r,
		    const struct plan_file *t, unsigned flags,
		    struct diag *err)
{
	struct project_file *f = cmp_add(cmp, r ? r->path : t->path);
	struct merge_input in;
	int ret;

	f->recorded = r ? r->blob : NULL;
	if (t)
		f->theirs = (struct merge_side){ true, t->data, t->len,
						 t->mode };
	fill_base(cmp, f);
	ret = read_ours(p, f, err);
	if (ret || !(flags & PROJECT_CMP_MERGE))
		return ret;
	in = (struct merge_input){ f->path, f->base, f->recorded, f->ours,
				   f->theirs, cmp->style };
	return merge_decide(&in, &f->res, err);
}

/* Walk the recorded files and theirs' plan together, in path order. */
static int cmp_paths(const struct project *p, struct project_cmp *cmp,
		     unsigned flags, struct diag *err)
{
	const struct answers_file *af = p->af;
	const struct plan *t = &cmp->theirs;
	size_t i = 0, j = 0;
	int ret = 0;

	while (!ret && (i < af->nfiles || j < t->nfiles)) {
		int c = i == af->nfiles ? 1 : j == t->nfiles ? -1 :
			strcmp(af->files[i].path, t->files[j].path);
		const struct answers_file_entry *r =
			c <= 0 ? &af->files[i++] : NULL;
		const struct plan_file *tf = c >= 0 ? &t->files[j++] : NULL;

		if (!strcmp(r ? r->path : tf->path, PROJECT_ANSWERS_FILE))
			continue;
		ret = cmp_path(p, cmp, r, tf, flags, err);
	}
	return ret;
}

/*
 * Note every file that still holds conflict markers: any markers in a
 * file recorded as conflicted, genship's own labelled ones in any other
 * generated file (the record may be lost or never committed).
 */
static void find_unresolved(const struct project *p, struct project_cmp *cmp)
{
	size_t i;

	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];
		bool rec = answers_file_conflict(p->af, f->path) != NULL;

		if (f->ours.present && (rec || f->recorded) &&
		    merge_has_markers(f->ours.data, f->ours.len, rec))
			strbuf_addf(&cmp->unresolved, "%s\n", f->path);
	}
}

/*
 * The conflicts the new answers file records, in out: those still
 * unresolved as p records them, then those the merge leaves, with the
 * blob ids of their base and of the user's version.
 */
static void list_conflicts(const struct project *p,
			   const struct project_cmp *cmp,
			   struct answers_file *out)
{
	const char *s = cmp->unresolved.buf, *nl;
	char yours[BLOB_HEXSZ + 1];
	size_t i;

	for (; (nl = strchr(s, '\n')); s = nl + 1) {
		char *path = xstrndup(s, (size_t)(nl - s));
		const struct answers_conflict *c =
			answers_file_conflict(p->af, path);

		answers_file_add_conflict(out, path, c ? c->base : NULL,
					  c ? c->yours : NULL);
		free(path);
	}
	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		if (!merge_kind_conflicts(f->res.kind))
			continue;
		blob_id(f->ours.data, f->ours.len, yours);
		answers_file_add_conflict(out, f->path, f->recorded, yours);
	}
}

int project_compare(const struct project *p, const char *spec, char **sets,
		    size_t nsets, unsigned flags, struct project_cmp *cmp,
		    struct diag *err)
{
	struct project_given given = { cmp->answers_path, sets, nsets };
	int ret = open_theirs(p, spec, cmp->src, &cmp->theirs_t, err);

	if (!ret)
		ret = render_with(p, cmp->theirs_t, &given, &cmp->arena,
				  &cmp->ctx, &cmp->theirs, &cmp->notes, err);
	if (!ret && (flags & PROJECT_CMP_BASE))
		render_base(p, cmp);
	if (!ret)
		ret = cmp_paths(p, cmp, flags, err);
	if (!ret) {
		struct answers_file *conflicts = answers_file_new();

		find_unresolved(p, cmp);
		list_conflicts(p, cmp, conflicts);
		project_format_answers(cmp->theirs_t, cmp->ctx, &cmp->theirs,
				       conflicts, &cmp->answers);
		answers_file_free(conflicts);
		cmp->answers_changed = cmp->answers.len != p->af_len ||
			memcmp(cmp->answers.buf, p->af_text, p->af_len);
	}
	return ret;
}

void project_redo_command(const struct project *p, const char *paths,
			  struct strbuf *out)
{
	const char *nl = strchr(paths, '\n');
	size_t n = nl ? (size_t)(nl - paths) : strlen(paths);

	strbuf_adds(out, "genship update ");
	if (strcmp(p->dir, ".")) {
		strbuf_add_shell_quoted(out, p->dir, strlen(p->dir));
		strbuf_addch(out, ' ');
	}
	strbuf_adds(out, "--redo ");
	if (nl && nl[1])
		strbuf_adds(out, "PATH");
	else
		strbuf_add_shell_quoted(out, paths, n);
}

int project_check_resolved(const struct project *p,
			   const struct project_cmp *cmp, struct diag *err)
{
	struct strbuf list = STRBUF_INIT, redo = STRBUF_INIT;
	size_t n = strbuf_add_quoted_lines(&list, cmp->unresolved.buf);

	if (n) {
		project_redo_command(p, cmp->unresolved.buf, &redo);
		diag_fail(err, "unresolved conflict%s in %s", n == 1 ? "" : "s",
			  list.buf);
		diag_hint(err, "remove the <<<<<<< ======= >>>>>>> markers, "
			  "keeping what you want, then run the command again; "
			  "or start the merge over: '%s'", redo.buf);
	}
	strbuf_release(&list);
	strbuf_release(&redo);
	return n ? ERR_FAIL : 0;
}

bool project_cmp_changes(const struct project_cmp *cmp)
{
	size_t i;

	for (i = 0; i < cmp->nfiles; i++)
		if (merge_kind_writes(cmp->files[i].res.kind) ||
		    cmp->files[i].res.kind == MERGE_REMOVED)
			return true;
	return cmp->answers_changed;
}

void project_cmp_release(struct project_cmp *cmp)
{
	size_t i;

	for (i = 0; i < cmp->nfiles; i++) {
		free(cmp->files[i].path);
		free((char *)cmp->files[i].ours.data);
		merge_result_release(&cmp->files[i].res);
	}
	free(cmp->files);
	if (cmp->base_t != cmp->theirs_t)
		template_free(cmp->base_t);
	template_free(cmp->theirs_t);
	plan_release(&cmp->base);
	plan_release(&cmp->theirs);
	arena_release(&cmp->arena);
	strbuf_release(&cmp->base_why);
	strbuf_release(&cmp->notes);
	strbuf_release(&cmp->answers);
	strbuf_release(&cmp->unresolved);
	*cmp = (struct project_cmp)PROJECT_CMP_INIT;
}
