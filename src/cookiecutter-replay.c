/*
 * cookiecutter's replay files and cruft's .cruft.json (cookiecutter.h).
 */
#include "cookiecutter.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "value-json.h"
#include "xalloc.h"

void cookiecutter_format_replay(const struct value *ctx, struct strbuf *out)
{
	json_t *j = value_json_encode(ctx);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			     JSON_ENSURE_ASCII);

	if (s)
		strbuf_adds(out, s);
	free(s);
	json_decref(j);
}

/* obj[key] when it is an object; otherwise ERR_INPUT. */
static int json_object_member(const char *file, json_t *obj, const char *key,
			      json_t **out, struct diag *err)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (!json_is_object(v))
		return diag_input(err, file, "no \"%s\" object: not a "
				  "cookiecutter replay file", key);
	*out = v;
	return 0;
}

int cookiecutter_load_replay(const char *file, const char *text, size_t len,
			     struct arena *a, struct value **vars,
			     struct diag *err)
{
	json_t *j = NULL, *ctx = NULL, *cc = NULL;
	int ret = value_json_parse(file, text, len, &j, err);

	if (!ret && json_is_object(json_object_get(j, "context")))
		ctx = json_object_get(j, "context");
	else if (!ret)
		ctx = j;
	if (!ret)
		ret = json_object_member(file, ctx, "cookiecutter", &cc, err);
	if (!ret)
		*vars = value_json_decode(a, cc);
	json_decref(j);
	return ret;
}


/* ERR_FAIL: the replay file at path cannot be written, and why. */
static int replay_fail(const char *path, const char *why, struct diag *err)
{
	return diag_fail(err, "cannot write replay file '%s': %s", path, why);
}

/* Open path for writing: a new file, or a regular one of ours alone. */
static int replay_open(const char *path, struct diag *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
		      O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0)
		return replay_fail(path, errno == ELOOP ? "it is a symbolic "
				   "link" : strerror(errno), err);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1 || st.st_uid != geteuid()) {
		close(fd);
		return replay_fail(path, "it is not a regular file of yours "
				   "alone", err);
	}
	return fd;
}

int cookiecutter_save_replay(const struct template *t,
			     const struct value *ctx, struct diag *err)
{
	char *path = cookiecutter_replay_path(t), *dir;
	struct strbuf sb = STRBUF_INIT;
	size_t off = 0;
	ssize_t n = 0;
	int fd, ret = 0;

	if (!path)
		return 0;
	dir = fs_dirname(path);
	if ((ret = fs_mkdir_p(dir, 0700)) < 0) {
		ret = replay_fail(path, strerror(-ret), err);
		goto out;
	}
	if ((fd = ret = replay_open(path, err)) < 0)
		goto out;
	cookiecutter_format_replay(ctx, &sb);
	ret = ftruncate(fd, 0);
	while (!ret && off < sb.len && (n = write(fd, sb.buf + off,
						   sb.len - off)) > 0)
		off += (size_t)n;
	if (ret < 0 || n < 0 || close(fd) < 0)
		ret = replay_fail(path, strerror(errno), err);
	else
		ret = 0;
out:
	strbuf_release(&sb);
	free(dir);
	free(path);
	return ret;
}

/* Copy JSON string member key of obj into the answers file's arena. */
static char *cruft_string(struct answers_file *af, json_t *obj,
			  const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? arena_strdup(&af->arena,
						json_string_value(v)) : NULL;
}

int cookiecutter_cruft_answers(const char *file, const char *text,
			       size_t len, struct answers_file **out,
			       struct diag *err)
{
	struct answers_file *af = answers_file_new();
	struct arena tmp = ARENA_INIT;
	struct value *vars = NULL;
	json_t *j = NULL;
	size_t i;
	int ret = cookiecutter_load_replay(file, text, len, &tmp, &vars, err);

	if (!ret)
		ret = value_json_parse(file, text, len, &j, err);
	if (!ret && !(af->template_source = cruft_string(af, j, "template")))
		ret = diag_input(err, file, "no \"template\" string: not a "
				 "cruft project file");
	if (ret) {
		answers_file_free(af);
		goto out;
	}
	af->template_commit = cruft_string(af, j, "commit");
	af->template_name = arena_strdup(&af->arena, af->template_source);
	af->template_version = arena_strdup(&af->arena, "");
	af->genship_version = arena_strdup(&af->arena, "");
	for (i = 0; i < vars->u.dict.len; i++)
		if (vars->u.dict.items[i].key.ptr[0] != '_')
			value_dict_set(&af->arena, af->answers,
				       vars->u.dict.items[i].key.ptr,
				       value_copy(&af->arena,
						  vars->u.dict.items[i].val));
	*out = af;
out:
	json_decref(j);
	arena_release(&tmp);
	return ret;
}

