#ifndef GENSHIP_HOOK_H
#define GENSHIP_HOOK_H

#include "diag.h"
#include "template.h"
#include "tpl-value.h"

/*
 * Hooks: executables run with an argv vector and an environment vector,
 * never through a shell string.  Answers reach a hook only through the
 * environment (GENSHIP_OPT_<NAME>, GENSHIP_OPERATION, GENSHIP_OUTPUT_DIR,
 * GENSHIP_TEMPLATE_DIR).  A hook's stdout and stderr pass through with
 * each line prefixed by "[name] ".
 */

#define HOOK_DEFAULT_TIMEOUT 300	/* seconds */

struct hook_ctx {
	const struct value *answers;	/* context dict: every value exported */
	const char *operation;		/* "new" or "update" */
	const char *output_dir;		/* the final project directory */
	const char *template_dir;	/* template source, "" for built-ins */
	const char *cwd;		/* where the hook runs: staging */
	unsigned timeout;		/* seconds; 0 means the default */
};

/*
 * Build the hook environment: the current environment minus any GENSHIP_*
 * variable, plus the hook variables.  NULL-terminated, caller frees with
 * hook_env_free().  Bools are "true"/"false", lists comma-joined.
 */
char **hook_env_new(const struct hook_ctx *hc);

/* Free an environment made by hook_env_new(). */
void hook_env_free(char **env);

/*
 * Run hook file hf (its bytes and mode, materialised in a private temp
 * directory) in hc->cwd with env.  A non-zero exit, a signal or the timeout
 * is ERR_FAIL naming the hook; a hook that is not executable is ERR_INPUT.
 */
int hook_run(const struct template_file *hf, const struct hook_ctx *hc,
	     char **env, struct diag *err);

#endif
