/*
 * userconfig.c: the user config file.  Its mapping of abbreviation names
 * to URLs cannot be described by a static libcyaml schema, so the small
 * fixed schema is checked on libyaml's document, which keeps positions.
 */
#include "userconfig.h"

#include <fnmatch.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "answers.h"
#include "diag.h"
#include "fsutil.h"
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

/* The document being checked. */
struct cdoc {
	struct diag_src src;
	yaml_document_t doc;
	struct config *c;
	struct diag *err;
};

static yaml_node_t *cnode(struct cdoc *d, int i)
{
	return yaml_document_get_node(&d->doc, i);
}

/* An input error at node n. Returns ERR_INPUT. */
static int cerror(struct cdoc *d, const yaml_node_t *n, const char *fmt,
		  const char *arg)
{
	return diag_at_linecol(d->err, &d->src,
			       (unsigned)n->start_mark.line + 1,
			       (unsigned)n->start_mark.column + 1, fmt, arg);
}

/* The text of scalar n, or an error naming key. */
static int cscalar(struct cdoc *d, const yaml_node_t *n, const char *key,
		   const char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return cerror(d, n, "'%s' must be a string", key);
	*out = (const char *)n->data.scalar.value;
	return 0;
}

static int c_cache_dir(struct cdoc *d, const yaml_node_t *n)
{
	const char *s = NULL;
	int ret = cscalar(d, n, "cache_dir", &s);

	if (!ret && s[0] != '/' && strncmp(s, "~/", 2))
		ret = cerror(d, n, "'%s' must be an absolute path or start "
			     "with ~/", "cache_dir");
	if (!ret && s[0] == '~') {
		const char *home = getenv("HOME");

		d->c->cache_dir = xasprintf("%s%s", home ? home : "", s + 1);
	} else if (!ret) {
		d->c->cache_dir = xstrdup(s);
	}
	return ret;
}

static int c_abbrevs(struct cdoc *d, const yaml_node_t *n)
{
	struct config *c = d->c;
	yaml_node_pair_t *p;
	const char *k = NULL, *v = NULL;
	int ret = 0;

	if (n->type != YAML_MAPPING_NODE)
		return cerror(d, n, "'%s' must map names to URLs",
			      "abbreviations");
	for (p = n->data.mapping.pairs.start;
	     !ret && p < n->data.mapping.pairs.top; p++) {
		ret = cscalar(d, cnode(d, p->key), "abbreviations", &k);
		if (!ret && (!*k || k[strspn(k, "abcdefghijklmnopqrstuvwxyz"
					      "0123456789_-")]))
			ret = cerror(d, cnode(d, p->key), "abbreviation '%s' "
				     "must be lowercase letters, digits, '_' "
				     "or '-'", k);
		if (!ret)
			ret = cscalar(d, cnode(d, p->value), k, &v);
		if (!ret && !strstr(v, "{0}"))
			ret = cerror(d, cnode(d, p->value), "the URL of "
				     "abbreviation '%s' has no {0}", k);
		if (ret)
			break;
		XALLOC_GROW(c->abbrevs, c->nabbrevs + 2, c->abbrevs_alloc);
		c->abbrevs[c->nabbrevs++] = xstrdup(k);
		c->abbrevs[c->nabbrevs++] = xstrdup(v);
	}
	return ret;
}

static int c_trusted(struct cdoc *d, const yaml_node_t *n)
{
	struct config *c = d->c;
	yaml_node_item_t *i;
	const char *s = NULL;
	int ret = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return cerror(d, n, "'%s' must be a list of source globs",
			      "trusted");
	for (i = n->data.sequence.items.start;
	     !ret && i < n->data.sequence.items.top; i++) {
		ret = cscalar(d, cnode(d, *i), "trusted", &s);
		if (ret)
			break;
		XALLOC_GROW(c->trusted, c->ntrusted + 1, c->trusted_alloc);
		c->trusted[c->ntrusted++] = xstrdup(s);
	}
	return ret;
}

static int c_defaults(struct cdoc *d, const yaml_node_t *n)
{
	return answer_set_add_mapping(&d->c->all, &d->src, &d->doc,
				      (yaml_node_t *)n, d->err);
}

static int c_template_defaults(struct cdoc *d, const yaml_node_t *n)
{
	struct config *c = d->c;
	yaml_node_pair_t *p;
	const char *k = NULL;
	int ret = 0;

	if (n->type != YAML_MAPPING_NODE)
		return cerror(d, n, "'%s' must map template names to answers",
			      "template_defaults");
	for (p = n->data.mapping.pairs.start;
	     !ret && p < n->data.mapping.pairs.top; p++) {
		if ((ret = cscalar(d, cnode(d, p->key), "template_defaults",
				   &k)))
			break;
		XALLOC_GROW(c->tnames, c->nt + 1, c->nt_alloc);
		XALLOC_GROW(c->tsets, c->nt + 1, c->nsets_alloc);
		c->tnames[c->nt] = xstrdup(k);
		c->tsets[c->nt] = (struct answer_set)ANSWER_SET_INIT;
		ret = answer_set_add_mapping(&c->tsets[c->nt++], &d->src,
					     &d->doc, cnode(d, p->value),
					     d->err);
	}
	return ret;
}

/* Check the top-level mapping, key by key. */
static int c_top(struct cdoc *d, const yaml_node_t *root)
{
	static const char *const keys[] = {
		"abbreviations", "cache_dir", "defaults", "template_defaults",
		"trusted",
	};
	static int (*const fns[])(struct cdoc *, const yaml_node_t *) = {
		c_abbrevs, c_cache_dir, c_defaults, c_template_defaults,
		c_trusted,
	};
	yaml_node_pair_t *p;
	size_t k, n = sizeof(keys) / sizeof(*keys);
	unsigned seen = 0;
	const char *key = NULL;
	int ret = 0;

	if (root->type != YAML_MAPPING_NODE)
		return cerror(d, root, "%s must be a mapping", "the config");
	for (p = root->data.mapping.pairs.start;
	     !ret && p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = cnode(d, p->key);

		if ((ret = cscalar(d, kn, "key", &key)))
			break;
		for (k = 0; k < n && strcmp(keys[k], key); k++)
			;
		if (k == n) {
			const char *near = diag_closest(key, keys, n);

			ret = cerror(d, kn, "unknown key '%s' in the config",
				     key);
			if (near)
				diag_hint(d->err, "did you mean '%s'?", near);
		} else if (seen & (1u << k)) {
			ret = cerror(d, kn, "duplicate key '%s' in the config",
				     key);
		} else {
			seen |= 1u << k;
			ret = fns[k](d, cnode(d, p->value));
		}
	}
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
	struct cdoc d = { .src = { file, text, len, 0, 0 }, .c = c,
			  .err = err };
	yaml_node_t *root;
	int ret = manifest_parse_yaml(&d.src, &d.doc, err);

	if (ret)
		return ret;
	root = yaml_document_get_root_node(&d.doc);
	if (root && !(root->type == YAML_SCALAR_NODE &&
		      !*root->data.scalar.value))
		ret = c_top(&d, root);
	yaml_document_delete(&d.doc);
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
