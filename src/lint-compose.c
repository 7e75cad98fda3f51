/*
 * lint-compose.c: the compose rules of QUALITY-BAR.md that dclint does
 * not cover: dependencies that exist, are waited for and are healthy,
 * declared named volumes, the PostgreSQL 18 data path, loopback-only
 * ports in development and the production hardening.  Checked per tree
 * (every compose file of a combination), because an override file may
 * refer to services defined in compose.yaml.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lint.h"
#include "ly.h"
#include "strbuf.h"
#include "xalloc.h"

static const struct lint_rule rules[] = {
	{ "GS-301", "depends_on names a service that is not defined",
	  "define the service or remove it from depends_on" },
	{ "GS-302", "depends_on does not wait for a healthy service",
	  "use depends_on: {name: {condition: service_healthy}}" },
	{ "GS-303", "a dependency has no (or the wrong) healthcheck",
	  "add a healthcheck: pg_isready for Postgres, redis-cli ping for "
	  "Redis" },
	{ "GS-304", "PostgreSQL 18+ data volume at the old path",
	  "mount the volume at /var/lib/postgresql for postgres:18 and later" },
	{ "GS-305", "a named volume is not declared",
	  "declare it under the top-level volumes:" },
	{ "GS-306", "a development port is not bound to 127.0.0.1",
	  "publish as '127.0.0.1:HOST:CONTAINER'" },
	{ "GS-307", "a production service lacks hardening",
	  "add restart, read_only with tmpfs, cap_drop: [ALL], "
	  "security_opt: [no-new-privileges:true], init: true, logging "
	  "with max-size and deploy.resources.limits" },
	{ "GS-308", "production publishes a database or cache port",
	  "keep Postgres and Redis on the internal network" },
	{ "GS-309", "a production service builds instead of using an image",
	  "use image: with a released tag in production" },
};

const struct lint_rule_table lint_compose_rules = {
	rules, sizeof(rules) / sizeof(rules[0])
};

/* One compose file of the tree. */
struct cfile {
	const struct lint_file *f;
	yaml_document_t *d;
	yaml_node_t *root, *services;
	bool prod;
};

struct cset {
	struct lint_ctx *lc;
	struct cfile *files;
	size_t n;
	const struct cfile *base;	/* compose.yaml, or NULL */
};

/* The service called name in c or in the base file; *in is its file. */
static yaml_node_t *find_service(const struct cset *cs, const struct cfile *c,
				 const char *name, const struct cfile **in)
{
	yaml_node_t *s = ly_get(c->d, c->services, name);

	*in = c;
	if (!s && cs->base && cs->base != c) {
		s = ly_get(cs->base->d, cs->base->services, name);
		*in = cs->base;
	}
	return s;
}

/* "postgres", "redis" or NULL, from the service's image. */
static const char *service_role(const struct cfile *c, yaml_node_t *svc)
{
	const char *img = ly_str(ly_get(c->d, svc, "image"));

	if (!img)
		return NULL;
	if (strstr(img, "postgres"))
		return "postgres";
	if (strstr(img, "redis") || strstr(img, "valkey"))
		return "redis";
	return NULL;
}

/* The healthcheck test of svc as one string, or NULL. */
static char *health_test(const struct cfile *c, yaml_node_t *svc)
{
	yaml_node_t *test = ly_path(c->d, svc, "healthcheck.test");
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!test || ly_true(ly_path(c->d, svc, "healthcheck.disable")))
		return NULL;
	if (ly_str(test))
		return xstrdup(ly_str(test));
	for (i = 0; i < ly_len(test); i++)
		strbuf_addf(&sb, "%s ", ly_str(ly_at(c->d, test, i)) ?
			    ly_str(ly_at(c->d, test, i)) : "");
	return strbuf_detach(&sb, NULL);
}

/* The dependency dep (at node at) of a service in c. */
static void check_dependency(const struct cset *cs, const struct cfile *c,
			     yaml_node_t *at, const char *dep,
			     yaml_node_t *cond)
{
	const struct cfile *in;
	yaml_node_t *svc = find_service(cs, c, dep, &in);
	const char *role;
	char *test;

	if (!svc) {
		lint_report(cs->lc, "GS-301", c->f->path, ly_line(at),
			    ly_col(at), "depends_on names '%s', which is not "
			    "a service", dep);
		return;
	}
	if (!ly_is(cond, "service_healthy"))
		lint_report(cs->lc, "GS-302", c->f->path, ly_line(at),
			    ly_col(at), "depends_on '%s' does not wait for "
			    "condition: service_healthy", dep);
	test = health_test(in, svc);
	role = service_role(in, svc);
	if (!test)
		lint_report(cs->lc, "GS-303", in->f->path, ly_line(svc),
			    ly_col(svc), "service '%s' is a dependency but "
			    "has no healthcheck", dep);
	else if ((role && !strcmp(role, "postgres") &&
		  !strstr(test, "pg_isready")) ||
		 (role && !strcmp(role, "redis") && !strstr(test, "ping")))
		lint_report(cs->lc, "GS-303", in->f->path, ly_line(svc),
			    ly_col(svc), "service '%s' healthcheck does not "
			    "run %s", dep, !strcmp(role, "postgres") ?
			    "pg_isready" : "redis-cli ping");
	free(test);
}

/* Every depends_on entry of svc, in list or mapping form. */
static void check_depends(const struct cset *cs, const struct cfile *c,
			  yaml_node_t *svc)
{
	yaml_node_t *dep = ly_get(c->d, svc, "depends_on");
	size_t i;

	for (i = 0; i < ly_len(dep); i++) {
		yaml_node_t *e = ly_at(c->d, dep, i);

		if (ly_str(e))
			check_dependency(cs, c, e, ly_str(e), NULL);
	}
	for (i = 0; i < ly_npairs(dep); i++) {
		yaml_node_t *k = ly_pair_key(c->d, dep, i);

		if (ly_str(k))
			check_dependency(cs, c, k, ly_str(k),
					 ly_get(c->d, ly_pair_val(c->d, dep, i),
						"condition"));
	}
}

/* Named volumes declared, and the PostgreSQL 18 data path. */
static void check_volumes(const struct cset *cs, const struct cfile *c,
			  yaml_node_t *svc)
{
	yaml_node_t *vols = ly_get(c->d, svc, "volumes");
	const char *img = ly_str(ly_get(c->d, svc, "image"));
	const char *tag = img ? strrchr(img, ':') : NULL;
	bool pg18 = tag && service_role(c, svc) &&
		!strcmp(service_role(c, svc), "postgres") &&
		atoi(tag + 1) >= 18;
	size_t i;

	for (i = 0; i < ly_len(vols); i++) {
		yaml_node_t *v = ly_at(c->d, vols, i);
		const char *s = ly_str(v), *colon;
		char *name;

		if (!s || !(colon = strchr(s, ':')))
			continue;
		name = xstrndup(s, (size_t)(colon - s));
		if (name[0] != '.' && name[0] != '/' && name[0] != '$' &&
		    name[0] != '~' &&
		    !ly_key(c->d, ly_get(c->d, c->root, "volumes"), name))
			lint_report(cs->lc, "GS-305", c->f->path, ly_line(v),
				    ly_col(v), "volume '%s' is not declared "
				    "under volumes:", name);
		if (pg18 && !strncmp(colon + 1, "/var/lib/postgresql/data",
				     24))
			lint_report(cs->lc, "GS-304", c->f->path, ly_line(v),
				    ly_col(v), "postgres %d keeps its data "
				    "under /var/lib/postgresql, not %.24s",
				    atoi(tag + 1), colon + 1);
		free(name);
	}
}

/* Development: published ports only on loopback. */
static void check_dev_ports(const struct cset *cs, const struct cfile *c,
			    yaml_node_t *svc)
{
	yaml_node_t *ports = ly_get(c->d, svc, "ports");
	size_t i;

	for (i = 0; i < ly_len(ports); i++) {
		yaml_node_t *p = ly_at(c->d, ports, i);
		const char *s = ly_str(p);
		const char *ip = ly_str(ly_get(c->d, p, "host_ip"));

		if ((s && strncmp(s, "127.0.0.1:", 10)) ||
		    (!s && (!ip || strcmp(ip, "127.0.0.1"))))
			lint_report(cs->lc, "GS-306", c->f->path, ly_line(p),
				    ly_col(p), "port '%s' is published on "
				    "every interface", s ? s : "(long form)");
	}
}

/* True when the sequence seq holds "ALL". */
static bool seq_has_all(yaml_document_t *d, yaml_node_t *seq)
{
	size_t i;

	for (i = 0; i < ly_len(seq); i++)
		if (ly_is(ly_at(d, seq, i), "ALL"))
			return true;
	return false;
}

/* Production: the hardening keys every service needs. */
static void check_prod(const struct cset *cs, const struct cfile *c,
		       const char *name, yaml_node_t *svc)
{
	struct strbuf missing = STRBUF_INIT;
	yaml_document_t *d = c->d;
	const char *role = service_role(c, svc);
	yaml_node_t *so = ly_get(d, svc, "security_opt");
	size_t i;
	bool nnp = false;

	for (i = 0; i < ly_len(so); i++)
		nnp |= ly_is(ly_at(d, so, i), "no-new-privileges:true") ||
			ly_is(ly_at(d, so, i), "no-new-privileges");
	if (!ly_get(d, svc, "restart"))
		strbuf_adds(&missing, ", restart");
	if (!ly_true(ly_get(d, svc, "read_only")))
		strbuf_adds(&missing, ", read_only: true");
	else if (!ly_get(d, svc, "tmpfs"))
		strbuf_adds(&missing, ", tmpfs");
	if (!seq_has_all(d, ly_get(d, svc, "cap_drop")))
		strbuf_adds(&missing, ", cap_drop: [ALL]");
	if (!nnp)
		strbuf_adds(&missing, ", no-new-privileges:true");
	if (!ly_true(ly_get(d, svc, "init")))
		strbuf_adds(&missing, ", init: true");
	if (!ly_path(d, svc, "logging.options.max-size"))
		strbuf_adds(&missing, ", logging max-size");
	if (!ly_path(d, svc, "deploy.resources.limits"))
		strbuf_adds(&missing, ", deploy.resources.limits");
	if (missing.len)
		lint_report(cs->lc, "GS-307", c->f->path, ly_line(svc),
			    ly_col(svc), "production service '%s' lacks %s",
			    name, missing.buf + 2);
	if (role && ly_len(ly_get(d, svc, "ports")))
		lint_report(cs->lc, "GS-308", c->f->path,
			    ly_line(ly_get(d, svc, "ports")), 1, "production "
			    "service '%s' (%s) publishes ports", name, role);
	if (ly_get(d, svc, "build"))
		lint_report(cs->lc, "GS-309", c->f->path,
			    ly_line(ly_get(d, svc, "build")), 1, "production "
			    "service '%s' has build:", name);
	strbuf_release(&missing);
}

/* The rules for every service of one compose file. */
static void check_file(const struct cset *cs, const struct cfile *c)
{
	size_t i;

	for (i = 0; i < ly_npairs(c->services); i++) {
		const char *name = ly_str(ly_pair_key(c->d, c->services, i));
		yaml_node_t *svc = ly_pair_val(c->d, c->services, i);

		if (!name || !ly_is_map(svc))
			continue;
		check_depends(cs, c, svc);
		check_volumes(cs, c, svc);
		if (c->prod)
			check_prod(cs, c, name, svc);
		else
			check_dev_ports(cs, c, svc);
	}
}

/* True for compose.yaml and compose.yml: the development file. */
static bool is_base(const char *path)
{
	return !strcmp(path, "compose.yaml") || !strcmp(path, "compose.yml") ||
		!strcmp(path, "docker-compose.yml") ||
		!strcmp(path, "docker-compose.yaml");
}

void lint_compose_tree(struct lint_ctx *lc, const struct lint_tree *t)
{
	struct cset cs = { lc, xcalloc(t->n + 1, sizeof(struct cfile)), 0,
			   NULL };
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct lint_yaml *y = lint_yaml_of(lc, t->files[i]);
		struct cfile *c = &cs.files[cs.n];

		if (!y->ndocs || !ly_is_map(ly_root(&y->docs[0])))
			continue;
		c->f = t->files[i];
		c->d = &y->docs[0];
		c->root = ly_root(c->d);
		c->services = ly_get(c->d, c->root, "services");
		c->prod = strstr(c->f->path, "prod") != NULL;
		if (is_base(c->f->path))
			cs.base = c;
		cs.n++;
	}
	for (i = 0; i < cs.n; i++)
		check_file(&cs, &cs.files[i]);
	free(cs.files);
}
