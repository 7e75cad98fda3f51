#ifndef GENSHIP_USERCONFIG_H
#define GENSHIP_USERCONFIG_H

#include <stdbool.h>

#include "answers.h"
#include "diag.h"
#include "manifest.h"

/*
 * The user config, $XDG_CONFIG_HOME/genship/config.yml (default
 * ~/.config/genship/config.yml; --config FILE or $GENSHIP_CONFIG name
 * another).  A strict schema: any other key is an error at its line and
 * column.
 *
 *   cache_dir: PATH            the template cache (default
 *                              $XDG_CACHE_HOME/genship)
 *   abbreviations:             NAME: URL with {0} for the rest of
 *     acme: https://git.acme.internal/{0}.git     "acme:REST"
 *   defaults:                  answers for every template that has
 *     owner: acme              the option
 *   template_defaults:         answers for one template, by its name
 *     service: {port: 9000}
 *   trusted:                   sources whose hooks run without --trust:
 *     - GLOB                   fnmatch() globs, such as gh:acme/ and a
 *                              star, on the source as typed or its URL
 *
 * (The file is named userconfig so that it never shadows autoconf's
 * config.h.)  Ownership: a struct config owns all its strings.
 */

struct config;

/*
 * Load the user config: path, else $GENSHIP_CONFIG, else the XDG
 * location.  A missing default file is an empty config; a missing file
 * that was named is ERR_INPUT, as is a bad key or value.  *out is
 * caller-owned, untouched on failure.
 */
int config_load(const char *path, struct config **out, struct diag *err);

/* Free c. NULL is allowed. */
void config_free(struct config *c);

/*
 * Add the config's default answers for the template called name with
 * manifest m to set: those of `defaults` that name an option of m, then
 * all of `template_defaults: NAME` (an unknown option there is reported
 * by the resolver, at its line in the config).  They share c's memory: c
 * must outlive set.
 */
void config_add_answers(const struct config *c, const char *name,
			const struct manifest *m, struct answer_set *set);

/* The URL pattern abbreviation name stands for, or NULL. */
const char *config_abbrev(const struct config *c, const char *name);

/* The configured cache directory, or NULL. */
const char *config_cache_dir(const struct config *c);

/* True when a trusted glob matches source (as typed) or url (may be NULL). */
bool config_trusts(const struct config *c, const char *source,
		   const char *url);

/* Call fn for each abbreviation, in the file's order. */
void config_each_abbrev(const struct config *c,
			void (*fn)(const char *name, const char *url,
				   void *ud), void *ud);

#endif
