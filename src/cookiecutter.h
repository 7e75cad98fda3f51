#ifndef GENSHIP_COOKIECUTTER_H
#define GENSHIP_COOKIECUTTER_H

#include <stdbool.h>
#include <stddef.h>

#include "answers.h"
#include "arena.h"
#include "diag.h"
#include "plan.h"
#include "strbuf.h"
#include "template.h"
#include "tpl-value.h"

/*
 * Unmodified cookiecutter templates.  A directory holding cookiecutter.json
 * opens as a `struct template` like any other: the files of its project
 * directory (the first child whose name holds "cookiecutter" inside
 * "{{ }}") become t->files, hooks/ becomes t->hooks, and cookiecutter.json
 * becomes a manifest (list -> choice, first item the default; bool ->
 * bool; anything else -> string whose default is a template) plus the
 * state kept here.  Resolution, rendering and hooks then follow
 * cookiecutter 2.x: see tests/cookiecutter/DIFFERENCES.md for where that
 * differs from 1.7.3.
 *
 * The render context has cookiecutter's shape: {"cookiecutter": {...},
 * "_cookiecutter": {...}}.  Variables are rendered in file order with the
 * answers before them; `_x` keys are kept verbatim, `__x` keys are
 * rendered but never asked, dicts are rendered recursively after the rest,
 * and `__prompts__` only words the questions.
 *
 * Ownership: t owns its struct cookiecutter (template_free() frees it);
 * contexts live in the caller's arena; every out-parameter is
 * caller-owned and untouched on failure.
 */

#define COOKIECUTTER_JSON "cookiecutter.json"

struct cookiecutter;

/* The cookiecutter kind of template (template.h); cookiecutter_open()
 * gives it to the template it fills. */
extern const struct template_kind cookiecutter_kind;

/* True when dir holds cookiecutter.json. */
bool cookiecutter_is_template(const char *dir);

/*
 * Load the cookiecutter template in dir into t (which source_open()
 * made): manifest, project files with their exact modes, directories,
 * the templates/ library and the hooks.  JSON errors are ERR_INPUT at
 * jansson's line and column.
 */
int cookiecutter_open(struct template *t, const char *dir, struct diag *err);



/* The dict of ctx holding the variables (ctx["cookiecutter"]). */
const struct value *cookiecutter_vars(const struct value *ctx);

/*
 * Render the project directory's name with ctx into *name (in a).  An
 * empty name, an absolute one or one with a '..' component is ERR_INPUT.
 */
int cookiecutter_project_name(const struct template *t,
			      const struct value *ctx, struct arena *a,
			      char **name, struct diag *err);




/*
 * Append ctx as cookiecutter's replay file: JSON indented by two spaces,
 * keys in order, non-ASCII escaped, no final newline.
 */
void cookiecutter_format_replay(const struct value *ctx, struct strbuf *out);

/*
 * Parse a replay file (or a .cruft.json, whose "context" is used) into
 * *vars, the dict of its "cookiecutter" object, in a.  Malformed JSON is
 * ERR_INPUT at its line and column.
 */
int cookiecutter_load_replay(const char *file, const char *text, size_t len,
			     struct arena *a, struct value **vars,
			     struct diag *err);

/*
 * The replay file of t: $HOME/.cookiecutter_replay/NAME.json, where NAME
 * is the template directory's name.  Caller-owned; NULL without $HOME.
 */
char *cookiecutter_replay_path(const struct template *t);

/*
 * Write ctx as t's replay file (cookiecutter_replay_path()): its directory
 * is created 0700, the file 0600 and opened with O_NOFOLLOW; a symlink, a
 * hard link, a FIFO or another user's file there is refused.  ERR_FAIL
 * naming the path; 0 without $HOME.
 */
int cookiecutter_save_replay(const struct template *t,
			     const struct value *ctx, struct diag *err);


/*
 * The `.cruft.json` of a cruft project, read as an answers file:
 * template source and commit, and the answers of its context (keys
 * starting with '_' left out).  *out is caller-owned.
 */
int cookiecutter_cruft_answers(const char *file, const char *text,
			       size_t len, struct answers_file **out,
			       struct diag *err);

#endif
