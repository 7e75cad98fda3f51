#ifndef GENSHIP_SOURCE_H
#define GENSHIP_SOURCE_H

#include <stdbool.h>

#include "diag.h"
#include "template.h"

/*
 * Template sources: the one module that opens a template from its spec,
 * of either kind (genship or cookiecutter), built in, from a directory,
 * a local git repository or a remote one fetched into the template
 * cache.
 *
 * Specs:
 *   gh:OWNER/REPO, gl:OWNER/REPO     GitHub, GitLab over HTTPS
 *   ABBR:REST                        an abbreviation of the user config
 *   https://, http://, ssh://, git://, USER@HOST:PATH
 *                                    remote git repositories, cached
 *   file://PATH[#REV]                a local repository, read in place
 *   anything else                    a directory or a built-in name
 * A remote spec may end in @REF (tag, branch or commit id).
 *
 * The cache holds one bare repository per URL, CACHE/<key>.git, with every
 * branch and tag.  A fetch goes into CACHE/<key>.tmp-XXXXXX and is renamed
 * into place, under an exclusive flock of CACHE/<key>.lock, so that a
 * reader never sees a half-written repository.
 *
 * Ownership: strings in a struct source_spec are malloc'd and freed by
 * source_spec_release().
 */

struct config;

/* How a source is opened: the command-line options that shape it. */
struct source_opts {
	const char *ref;	/* --ref / --checkout, or NULL */
	const char *directory;	/* --directory, or NULL */
	bool offline;		/* --offline: the cache alone */
	bool refresh;		/* --refresh: fetch even when cached */
	const struct config *config;	/* abbreviations, cache dir; or NULL */
};

/* A parsed spec. */
struct source_spec {
	char *typed;		/* the spec as given */
	char *url;		/* a remote URL to cache, or NULL */
	char *ref;		/* @REF or --ref, or NULL for the default */
	char *subdir;		/* --directory, "" for the root */
};

#define SOURCE_SPEC_INIT { NULL, NULL, NULL, NULL }

/*
 * Open spec (NULL: the default built-in template), shaped by o (--ref,
 * --directory, --offline, --refresh, the user config; NULL for none):
 * a built-in name (`builtin:NAME` names one explicitly; a bare name that
 * is also a template directory here is ambiguous, ERR_INPUT), a
 * directory holding genship.yml and template/, a cookiecutter template
 * directory (cookiecutter.h), a file:// URL of a git repository (see
 * gitsrc.h) or a remote spec.  A directory inside a git work tree whose
 * files are exactly those of HEAD gets t->commit set.  A template symlink
 * that points outside the template is ERR_INPUT.  *out is caller-owned,
 * untouched on failure.
 */
int source_open(const char *spec, const struct source_opts *o,
		struct template **out, struct diag *err);

/*
 * Copy o (NULL: no options) into *out, with the user config loaded (from
 * $GENSHIP_CONFIG or the XDG location) when o has none, so that commands
 * without --config (check, diff, options, validate, matrix) still see its
 * abbreviations and cache directory.  *cfg is the loaded config for
 * config_free() (NULL when none was loaded).  A bad config is ERR_INPUT.
 */
int source_opts_fill(const struct source_opts *o, struct source_opts *out,
		     struct config **cfg, struct diag *err);

/* Free the strings of s and reinitialise it. */
void source_spec_release(struct source_spec *s);

/*
 * Parse spec with o (may be NULL) into *out.  out->url is NULL for a
 * spec that is not a remote repository.  Both @REF and --ref is
 * ERR_INPUT.  *out is untouched on failure.
 */
int source_parse(const char *spec, const struct source_opts *o,
		 struct source_spec *out, struct diag *err);

/*
 * Open the template of remote spec s (s->url set): fetch it into the cache
 * when the ref is missing or o->refresh, then read it at the ref (NULL: the
 * remote's default branch) from the cache.  t->source is s->typed, t->url,
 * t->ref and t->subdir record the rest.  An unreachable host or failed
 * authentication is ERR_FAIL; an unknown ref (listing the nearest tags) or
 * a repository without a template is ERR_INPUT.  *out is caller-owned,
 * untouched on failure.
 */
int source_open_remote(const struct source_spec *s,
		       const struct source_opts *o, struct template **out,
		       struct diag *err);

/*
 * Open the template of url at commit (40 hex digits) in subdir from the
 * cache, fetching the repository when the commit is not cached and
 * offline is false.  For update's base.
 */
int source_open_commit(const char *url, const char *commit,
		       const char *subdir, const struct source_opts *o,
		       struct template **out, struct diag *err);

/*
 * The ref update moves to from ref (NULL: the default branch): the newest
 * tag of url that sorts above ref by semantic version, or ref itself when
 * none does or ref is not a version tag.  Fetches unless o->offline.
 * *out is malloc'd (NULL for the default branch), untouched on failure.
 */
int source_next_ref(const char *url, const char *ref,
		    const struct source_opts *o, char **out,
		    struct diag *err);

/*
 * Call fn for each abbreviation: the user config's (o->config), then the
 * built-in gh: and gl: unless the config overrides them.
 */
void source_each_abbrev(const struct source_opts *o,
			void (*fn)(const char *name, const char *url,
				   void *ud), void *ud);

/* The cache directory: config, $XDG_CACHE_HOME/genship, ~/.cache/genship. */
char *source_cache_dir(const struct source_opts *o);

#endif
