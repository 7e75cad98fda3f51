#ifndef GENSHIP_HOOK_H
#define GENSHIP_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "tpl-value.h"

/*
 * Hooks: executables run with an argv vector and an environment vector,
 * never through a shell string.  Answers reach a hook only through the
 * environment (GENSHIP_OPT_<NAME>, GENSHIP_OPERATION, GENSHIP_OUTPUT_DIR,
 * always absolute, GENSHIP_TEMPLATE_DIR, on update GENSHIP_CHANGED_FILES,
 * and GENSHIP_QUIET=1 under --quiet, term.h).  A hook's stdout and stderr pass through with
 * each line prefixed by "[name] ".
 *
 * Hooks are contained: each runs under a supervisor process, a child
 * subreaper with PR_SET_PDEATHSIG, that kills every process the hook
 * started (setsid() or not) when the hook exits, times out, is stopped
 * by a signal genship caught (signals.h), or when genship dies, and
 * removes the hook's temporary copy.  genship relays output only until
 * the supervisor reports, so no descriptor a hook hands on can hold it.
 *
 * On update, hooks run in the update's staging directory, which holds
 * only the files the update writes (and the new answers file);
 * GENSHIP_OUTPUT_DIR is the project's absolute path and
 * GENSHIP_CHANGED_FILES lists the written and removed paths, one a line.
 */

#define HOOK_DEFAULT_TIMEOUT 300	/* seconds */

struct hook_ctx {
	const struct value *answers;	/* context dict: every value exported */
	const char *operation;		/* "new" or "update" */
	const char *output_dir;		/* the final project directory */
	const char *template_dir;	/* template source, "" for built-ins */
	const char *cwd;		/* where the hook runs: staging */
	unsigned timeout;		/* seconds; 0 means the default */
	const char *changed;		/* update: changed paths, one a line;
					 * NULL: no GENSHIP_CHANGED_FILES */
};

/*
 * Build the hook environment: the current environment minus any GENSHIP_*
 * variable, plus the hook variables (GENSHIP_QUIET when term_quiet()).  NULL-terminated, caller frees with
 * hook_env_free().  Bools are "true"/"false", lists comma-joined.
 */
char **hook_env_new(const struct hook_ctx *hc);

/* A hook program: its bytes, as a template holds them. */
struct hook_script {
	const char *name;	/* as named in messages: its path in hooks/ */
	const char *data;
	size_t len;
	unsigned mode;
};

/* Where hooks come from, for the trust decision. */
struct hook_origin {
	const char *name;	/* the template's name */
	const char *source;	/* as named: directory, URL, builtin:NAME */
	const char *dir;	/* its directory, for the review hint */
	const char *url;	/* a remote template's URL, or NULL */
	const char *commit;	/* with url: the commit its hooks are at */
	bool builtin;
	bool has_hooks;
};

/*
 * Decide whether o's hooks run: never with no_hooks or when it has none;
 * always for a built-in template; for a third-party one only with trust,
 * or after a yes on the terminal when interactive.  Untrusted hooks
 * without a terminal are ERR_INPUT with a hint.  *run is always set.
 */
int hook_check_trust(const struct hook_origin *o, bool no_hooks, bool trust,
		     bool interactive, bool *run, struct diag *err);

/* Free an environment made by hook_env_new(). */
void hook_env_free(char **env);

/*
 * Run hook hs (its bytes and mode, materialised in a private temp
 * directory) in hc->cwd with env, contained as above; when interpreter is
 * not NULL, as `INTERPRETER PATH` with the interpreter found in $PATH
 * (cookiecutter's .py hooks run with python3).  A non-zero exit, a
 * signal, the timeout or an interruption (SIGPIPE on the relay included)
 * is ERR_FAIL naming the hook; a hook that is not executable is ERR_INPUT.
 */
int hook_run(const struct hook_script *hs, const char *interpreter,
	     const struct hook_ctx *hc, char **env, struct diag *err);

#endif
