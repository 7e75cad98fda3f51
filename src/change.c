#include "change.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

struct change_report {
	json_t *template, *files;
};

static const char *const who_names[] = {
	[CHANGE_NONE] = "none",
	[CHANGE_USER] = "user",
	[CHANGE_TEMPLATE] = "template",
	[CHANGE_BOTH] = "both",
};

/* Per merge kind: the status word and whose change it is. */
static const struct {
	const char *status;
	enum change_who who;
} merge_words[] = {
	[MERGE_UNCHANGED] = { "unchanged", CHANGE_NONE },
	[MERGE_KEPT] = { "edited", CHANGE_USER },
	[MERGE_TAKEN] = { "modified", CHANGE_TEMPLATE },
	[MERGE_ADDED] = { "added", CHANGE_TEMPLATE },
	[MERGE_MERGED] = { "merged", CHANGE_BOTH },
	[MERGE_CONFLICT] = { "conflict", CHANGE_BOTH },
	[MERGE_BINARY_CONFLICT] = { "conflict", CHANGE_BOTH },
	[MERGE_REMOVED] = { "removed", CHANGE_TEMPLATE },
	[MERGE_KEPT_DROPPED] = { "edited", CHANGE_BOTH },
	[MERGE_USER_DELETED] = { "deleted", CHANGE_USER },
};

void change_of_merge(enum merge_kind k, const char **status,
		     enum change_who *who)
{
	*status = merge_words[k].status;
	*who = merge_words[k].who;
}

struct change_report *change_report_new(const struct template *t)
{
	struct change_report *r = xcalloc(1, sizeof(*r));

	r->template = json_object();
	r->files = json_array();
	json_object_set_new(r->template, "name", json_string(t->name));
	json_object_set_new(r->template, "version",
			    json_string(t->manifest->version));
	return r;
}

void change_report_add(struct change_report *r, const char *path,
		       const char *status, enum change_who who)
{
	json_t *f = json_object();

	json_object_set_new(f, "path", json_string(path));
	json_object_set_new(f, "status", json_string(status));
	json_object_set_new(f, "change", json_string(who_names[who]));
	json_array_append_new(r->files, f);
}

void change_report_add_merge(struct change_report *r, const char *path,
			     enum merge_kind k)
{
	change_report_add(r, path, merge_words[k].status, merge_words[k].who);
}

void change_report_add_decisions(struct change_report *r,
				 const struct project_cmp *cmp)
{
	size_t i;

	for (i = 0; i < cmp->nfiles; i++) {
		const struct project_file *f = &cmp->files[i];

		if (strbuf_lines_contain(cmp->unresolved.buf, f->path))
			change_report_add(r, f->path, "conflict", CHANGE_BOTH);
		else
			change_report_add_merge(r, f->path, f->res.kind);
	}
}

void change_report_print(struct change_report *r, const char *result)
{
	json_t *root = json_object();
	char *s;

	json_object_set_new(root, "result", json_string(result));
	json_object_set_new(root, "template", r->template);
	json_object_set_new(root, "files", r->files);
	s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s)
		printf("%s\n", s);
	fflush(stdout);
	free(s);
	json_decref(root);
	free(r);
}
