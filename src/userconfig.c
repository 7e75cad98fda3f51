/*
 * userconfig.c: the user config file.  Its mapping of abbreviation names
 * to URLs cannot be described by a static libcyaml schema, so the small
 * fixed schema is a table that ly_check() walks on libyaml's document,
 * which keeps positions.
 */
#include "userconfig.h"

#include <fnmatch.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "answers.h"
#include "diag.h"
#include "fsutil.h"
#include "ly.h"
#include "manifest.h"
#include "xalloc.h"

struct config {
	char *cache_dir;
	char **abbrevs;		/* name, url, name, url, ... */
	size_t nabbrevs, abbrevs_alloc;
	char **trusted;
	size_t ntrusted, trusted_alloc;
	char *file, *text;	/* what answers' positions refer to */
	size_t len;
	struct answer_set all;	/* defaults: for every template */
	char **tnames;		/* template_defaults: per template name */
	struct answer_set *tsets;
	size_t nt, nt_alloc, nsets_alloc;
};

/* The document being read. */
struct cdoc {
	struct ly_doc y;
	struct config *c;
};

/* The keys of the config file. */
static const struct ly_field config_fields[] = {
	{ "abbreviations", LY_DICT, 0, NULL, NULL,
	  "a mapping of names to URLs" },
	{ "cache_dir", LY_STR, 0, NULL, NULL, NULL },
	{ "defaults", LY_MAPPING, 0, NULL, NULL,
	  "a mapping of option names to answers" },
	{ "template_defaults", LY_MAPPING, 0, NULL, NULL,
	  "a mapping of template names to answers" },
	{ "trusted", LY_STRS, 0, NULL, NULL, "a sequence of source globs" },
};

static const struct ly_schema config_schema = {
	"the config", NULL, config_fields,
	sizeof(config_fields) / sizeof(config_fields[0]),
};

/* `cache_dir`: an absolute path, or one under ~/. */
static int c_cache_dir(struct cdoc *d, const yaml_node_t *n)
{
	const char *s = ly_str(n), *home;

	if (s[0] != '/' && strncmp(s, "~/", 2))
		return ly_error(&d->y, n, "'cache_dir' must be an absolute "
				"path or start with ~/");
	if (s[0] == '~') {
		home = getenv("HOME");
		d->c->cache_dir = xasprintf("%s%s", home ? home : "", s + 1);
	} else {
		d->c->cache_dir = xstrdup(s);
	}
	return 0;
}

/* `abbreviations`: lowercase names to URLs holding {0}. */
#define ABBREV_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

static int c_abbrevs(struct cdoc *d, const yaml_node_t *n)
{
	struct config *c = d->c;
	yaml_document_t *doc = &d->y.doc;
	const char *k, *v;
	size_t i;

	for (i = 0; i < ly_npairs(n); i++) {
		k = ly_str(ly_pair_key(doc, n, i));
		v = ly_str(ly_pair_val(doc, n, i));
		if (!*k || k[strspn(k, ABBREV_CHARS)])
			return ly_error(&d->y, ly_pair_key(doc, n, i),
					"abbreviation '%s' must be lowercase "
					"letters, digits, '_' or '-'", k);
		if (!strstr(v, "{0}"))
			return ly_error(&d->y, ly_pair_val(doc, n, i),
					"the URL of abbreviation '%s' has no "
					"{0}", k);
		XALLOC_GROW(c->abbrevs, c->nabbrevs + 2, c->abbrevs_alloc);
		c->abbrevs[c->nabbrevs++] = xstrdup(k);
		c->abbrevs[c->nabbrevs++] = xstrdup(v);
	}
	return 0;
}

/* `trusted`: globs of template sources whose hooks may run. */
static int c_trusted(struct cdoc *d, const yaml_node_t *n)
{
	struct config *c = d->c;
	size_t i;

	for (i = 0; i < ly_len(n); i++) {
		XALLOC_GROW(c->trusted, c->ntrusted + 1, c->trusted_alloc);
		c->trusted[c->ntrusted++] =
			xstrdup(ly_str(ly_at(&d->y.doc, n, i)));
	}
	return 0;
}

/* `defaults`: answers for every template. */
static int c_defaults(struct cdoc *d, const yaml_node_t *n)
{
	return answer_set_add_mapping(&d->c->all, &d->y, n);
}

/* `template_defaults`: answers per template name. */
static int c_template_defaults(struct cdoc *d, const yaml_node_t *n)
{
	struct config *c = d->c;
	yaml_document_t *doc = &d->y.doc;
	const yaml_node_t *k;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < ly_npairs(n); i++) {
		k = ly_pair_key(doc, n, i);
		if (!ly_str(k))
			return ly_error(&d->y, k, "template names must be "
					"scalars, not %s", ly_kind(k));
		XALLOC_GROW(c->tnames, c->nt + 1, c->nt_alloc);
		XALLOC_GROW(c->tsets, c->nt + 1, c->nsets_alloc);
		c->tnames[c->nt] = xstrdup(ly_str(k));
		c->tsets[c->nt] = (struct answer_set)ANSWER_SET_INIT;
		ret = answer_set_add_mapping(&c->tsets[c->nt++], &d->y,
					     ly_pair_val(doc, n, i));
	}
	return ret;
}

/* Check the top-level mapping against the table, then read it key by key. */
static int c_top(struct cdoc *d, const yaml_node_t *root)
{
	/* In config_fields order. */
	static int (*const fns[])(struct cdoc *, const yaml_node_t *) = {
		c_abbrevs, c_cache_dir, c_defaults, c_template_defaults,
		c_trusted,
	};
	size_t k;
	int ret = ly_check(&d->y, root, &config_schema);
	const yaml_node_t *v;

	for (k = 0; !ret && k < config_schema.nfields; k++)
		if ((v = ly_get(&d->y.doc, root, config_fields[k].key)))
			ret = fns[k](d, v);
	return ret;
}

/* The config file to read, and whether it was named explicitly. */
static char *config_path(const char *path, bool *named)
{
	const char *env = getenv("GENSHIP_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	*named = true;
	if (path)
		return xstrdup(path);
	if (env && *env)
		return xstrdup(env);
	*named = false;
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/genship/config.yml", xdg);
	if ((!home || !*home) && (pw = getpwuid(getuid())))
		home = pw->pw_dir;
	return xasprintf("%s/.config/genship/config.yml", home ? home : ".");
}

/* Parse text, the config file called file, into c. */
static int config_parse(struct config *c, const char *file,
			const char *text, size_t len, struct diag *err)
{
	struct cdoc d = { .y = { .src = { file, text, len, 0, 0 },
				 .err = err }, .c = c };
	yaml_node_t *root;
	int ret = ly_parse(&d.y);

	if (ret)
		return ret;
	root = ly_root(&d.y.doc);
	if (root && !(root->type == YAML_SCALAR_NODE &&
		      !*root->data.scalar.value))
		ret = c_top(&d, root);
	yaml_document_delete(&d.y.doc);
	return ret;
}

int config_load(const char *path, struct config **out, struct diag *err)
{
	struct config *c = xcalloc(1, sizeof(*c));
	bool named;
	char *file = config_path(path, &named), *text = NULL;
	size_t len;
	int ret = 0;

	c->all = (struct answer_set)ANSWER_SET_INIT;
	if (named || fs_exists(file)) {
		ret = fs_read_file(file, &text, &len, err);
		if (ret && named)
			diag_hint(err, "--config and GENSHIP_CONFIG name the "
				  "user config file");
	}
	c->file = file;
	c->text = text;
	c->len = text ? len : 0;
	if (!ret && text)
		ret = config_parse(c, file, text, len, err);
	if (ret)
		config_free(c);
	else
		*out = c;
	return ret;
}

void config_free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nabbrevs; i++)
		free(c->abbrevs[i]);
	for (i = 0; i < c->ntrusted; i++)
		free(c->trusted[i]);
	free(c->abbrevs);
	free(c->trusted);
	for (i = 0; i < c->nt; i++) {
		free(c->tnames[i]);
		answer_set_release(&c->tsets[i]);
	}
	free(c->tnames);
	free(c->tsets);
	answer_set_release(&c->all);
	free(c->file);
	free(c->text);
	free(c->cache_dir);
	free(c);
}

void config_add_answers(const struct config *c, const char *name,
			const struct manifest *m, struct answer_set *set)
{
	size_t i, k;

	for (i = 0; c && i < c->all.len; i++)
		for (k = 0; k < m->noptions; k++)
			if (!strcmp(m->options[k].name, c->all.items[i].name)) {
				answer_set_add_answer(set, &c->all.items[i]);
				break;
			}
	for (i = 0; c && name && i < c->nt; i++)
		for (k = 0; !strcmp(c->tnames[i], name) &&
		     k < c->tsets[i].len; k++)
			answer_set_add_answer(set, &c->tsets[i].items[k]);
}

const char *config_abbrev(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; c && i < c->nabbrevs; i += 2)
		if (!strcmp(c->abbrevs[i], name))
			return c->abbrevs[i + 1];
	return NULL;
}

const char *config_cache_dir(const struct config *c)
{
	return c ? c->cache_dir : NULL;
}

bool config_trusts(const struct config *c, const char *source,
		   const char *url)
{
	size_t i;

	for (i = 0; c && i < c->ntrusted; i++)
		if (!fnmatch(c->trusted[i], source, 0) ||
		    (url && !fnmatch(c->trusted[i], url, 0)))
			return true;
	return false;
}

void config_each_abbrev(const struct config *c,
			void (*fn)(const char *name, const char *url,
				   void *ud), void *ud)
{
	size_t i;

	for (i = 0; c && i < c->nabbrevs; i += 2)
		fn(c->abbrevs[i], c->abbrevs[i + 1], ud);
}
