/*
 * lint-k8s.c: the Kubernetes and Kustomize rules of QUALITY-BAR.md.
 *
 * Objects are checked per tree (every k8s/ file of one combination),
 * because only the kustomizations say which files are whole resources
 * and which are patches, and because several rules compare objects
 * (a Service selector against the pods, an HPA against its target).
 * Kustomization files on their own are checked per file.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lint.h"
#include "ly.h"
#include "strbuf.h"
#include "xalloc.h"

static const struct lint_rule rules[] = {
	{ "GS-201", "CronJob concurrencyPolicy is not Forbid",
	  "set spec.concurrencyPolicy: Forbid" },
	{ "GS-202", "CronJob lacks a required safety field",
	  "set startingDeadlineSeconds, timeZone: Etc/UTC, history limits, "
	  "backoffLimit, activeDeadlineSeconds and restartPolicy: Never" },
	{ "GS-203", "CronJob name longer than 52 characters",
	  "shorten the name: Job names get an 11-character suffix" },
	{ "GS-204", "a kustomization references a file that does not exist",
	  "generate the file or remove the reference" },
	{ "GS-205", "a deprecated kustomize field",
	  "use resources, patches, labels, images and generators" },
	{ "GS-206", "an overlay without a restricted namespace",
	  "set namespace: and label the Namespace "
	  "pod-security.kubernetes.io/enforce: restricted" },
	{ "GS-207", "a secret as a literal env value",
	  "read it with valueFrom.secretKeyRef" },
	{ "GS-208", "a ConfigMap holds a secret-looking key",
	  "move it to a Secret (secretGenerator)" },
	{ "GS-209", "a Service that is not ClusterIP",
	  "use type: ClusterIP behind an Ingress" },
	{ "GS-210", "an Ingress without class, pathType or TLS",
	  "use networking.k8s.io/v1 with ingressClassName, pathType and tls" },
	{ "GS-211", "a Deployment strategy other than RollingUpdate",
	  "use strategy.type: RollingUpdate" },
	{ "GS-212", "a Deployment selector that its pod labels do not match",
	  "make spec.selector.matchLabels a subset of the template labels" },
	{ "GS-213", "an HPA that is not autoscaling/v2 with min < max, and "
	  "min >= 2 in staging and production",
	  "use autoscaling/v2, maxReplicas > minReplicas and a scaleTargetRef "
	  "naming an existing Deployment; minReplicas >= 2 everywhere but the "
	  "local overlay and values-local.yaml, which may run one replica" },
	{ "GS-214", "a PDB that is not policy/v1 with maxUnavailable: 1 (staging "
	  "and production)",
	  "use policy/v1 with maxUnavailable: 1 and a selector matching "
	  "the pods (the local overlay and values-local.yaml are exempt)" },
	{ "GS-215", "a Deployment sets replicas while an HPA scales it",
	  "remove spec.replicas: the HPA owns the count" },
	{ "GS-216", "a container without a startupProbe",
	  "add a startupProbe so slow starts are not killed" },
	{ "GS-217", "service links are enabled",
	  "set enableServiceLinks: false" },
	{ "GS-218", "recommended app.kubernetes.io labels missing",
	  "add the app.kubernetes.io/{name,instance,version,component,"
	  "part-of,managed-by} labels (kustomize labels: may add them)" },
	{ "GS-219", "an alpha or beta API version",
	  "use the stable API version" },
	{ "GS-220", "no default-deny NetworkPolicy",
	  "add a NetworkPolicy with podSelector: {} and policyTypes "
	  "[Ingress, Egress] and no rules" },
	{ "GS-221", "pods are not spread across zones and nodes",
	  "add topologySpreadConstraints" },
	{ "GS-222", "read-only root filesystem without a writable /tmp",
	  "mount an emptyDir volume at /tmp" },
	{ "GS-223", "a ServiceAccount that automounts its token, or none",
	  "use a dedicated ServiceAccount with "
	  "automountServiceAccountToken: false" },
	{ "KSV001", "allowPrivilegeEscalation is not false",
	  "set securityContext.allowPrivilegeEscalation: false" },
	{ "KSV003", "capabilities are not all dropped",
	  "set securityContext.capabilities.drop: [ALL]" },
	{ "KSV011", "no CPU limit", "set resources.limits.cpu" },
	{ "KSV012", "runAsNonRoot is not true",
	  "set securityContext.runAsNonRoot: true" },
	{ "KSV013", "the image has no tag, or latest",
	  "pin the image to a version tag" },
	{ "KSV014", "the root filesystem is writable",
	  "set securityContext.readOnlyRootFilesystem: true" },
	{ "KSV015", "no CPU request", "set resources.requests.cpu" },
	{ "KSV016", "no memory request", "set resources.requests.memory" },
	{ "KSV018", "no memory limit", "set resources.limits.memory" },
	{ "KSV020", "runAsUser is not at least 10000",
	  "set securityContext.runAsUser: 65532" },
	{ "KSV021", "runAsGroup is not at least 10000",
	  "set securityContext.runAsGroup: 65532" },
	{ "KSV028", "a volume type the restricted profile forbids",
	  "use emptyDir, configMap, secret, projected, downwardAPI, "
	  "ephemeral, csi or persistentVolumeClaim volumes" },
	{ "KSV030", "seccompProfile is not RuntimeDefault",
	  "set securityContext.seccompProfile.type: RuntimeDefault" },
	{ "KSV036", "the pod mounts a service account token",
	  "set automountServiceAccountToken: false" },
	{ "container-ephemeral-storage-request-and-limit",
	  "no ephemeral-storage request or limit",
	  "set resources.requests and limits ephemeral-storage" },
	{ "deployment-has-host-podantiaffinity",
	  "no preferred pod anti-affinity across hosts",
	  "add a preferred podAntiAffinity on kubernetes.io/hostname" },
	{ "ingress-targets-service", "the Ingress backend names no Service "
	  "port", "name an existing Service and one of its ports" },
	{ "pod-networkpolicy", "no NetworkPolicy with ingress and egress "
	  "rules selects the pods",
	  "add an app NetworkPolicy with ingress and egress rules" },
	{ "pod-probes", "readiness and liveness probes missing or identical",
	  "add distinct readinessProbe and livenessProbe" },
	{ "service-targets-pod", "the Service selector matches no pod",
	  "make the selector match the pod template labels" },
};

const struct lint_rule_table lint_k8s_rules = {
	rules, sizeof(rules) / sizeof(rules[0])
};

/* ---- the tree model --------------------------------------------------- */

/* One YAML document of a Kubernetes or Kustomize file. */
struct kobj {
	const struct lint_file *f;
	yaml_document_t *d;
	yaml_node_t *n;
	const char *kind, *api, *name;
};

struct ktree {
	struct lint_ctx *lc;
	const struct lint_tree *t;
	struct kobj *objs;	/* documents of resource files */
	size_t nobjs, objs_alloc;
	struct kobj *kzs;	/* kustomizations and components */
	size_t nkzs, kzs_alloc;
	unsigned char *role;	/* per tree file: 1 resource, 2 patch */
	bool single;		/* a one-replica environment (local): no
				 * availability rules */
};

/* True when path names a kustomization file. */
static bool is_kustomization(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	return !strcmp(base, "kustomization.yaml") ||
		!strcmp(base, "kustomization.yml") ||
		!strcmp(base, "Kustomization");
}

/* Append the documents of f to *arr. */
static void add_docs(struct ktree *kt, const struct lint_file *f,
		     struct kobj **arr, size_t *n, size_t *alloc)
{
	const struct lint_yaml *y = lint_yaml_of(kt->lc, f);
	size_t i;

	for (i = 0; i < y->ndocs; i++) {
		yaml_node_t *root = ly_root(&y->docs[i]);
		struct kobj *o;

		if (!ly_is_map(root))
			continue;
		XALLOC_GROW(*arr, *n + 1, *alloc);
		o = &(*arr)[(*n)++];
		o->f = f;
		o->d = &y->docs[i];
		o->n = root;
		o->kind = ly_str(ly_get(o->d, root, "kind"));
		o->api = ly_str(ly_get(o->d, root, "apiVersion"));
		o->name = ly_str(ly_path(o->d, root, "metadata.name"));
	}
}

/*
 * Resolve rel against the directory of the kustomization at kpath.
 * Returns a new normalised path, or NULL when it leaves the tree or is
 * a URL.
 */
static char *resolve(const char *kpath, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash = strrchr(kpath, '/'), *p;

	if (strstr(rel, "://") || rel[0] == '/' || !strncmp(rel, "github.com",
							       10))
		return NULL;
	if (slash)
		strbuf_add(&sb, kpath, (size_t)(slash - kpath));
	for (p = rel; *p; ) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2)) {
			char *up = strrchr(sb.buf, '/');

			if (!sb.len) {
				strbuf_release(&sb);
				return NULL;
			}
			strbuf_setlen(&sb, up ? (size_t)(up - sb.buf) : 0);
		} else if (n && !(n == 1 && *p == '.')) {
			if (sb.len)
				strbuf_addch(&sb, '/');
			strbuf_add(&sb, p, n);
		}
		p += n + (p[n] == '/');
	}
	return strbuf_detach(&sb, NULL);
}

/* Index of path in the tree, or SIZE_MAX. */
static size_t tree_index(const struct lint_tree *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->files[i]->path, path))
			return i;
	return SIZE_MAX;
}

/* The kustomization file in directory dir, or NULL. */
static const struct lint_file *kz_in(const struct lint_tree *t,
				     const char *dir)
{
	static const char *const names[] = {
		"kustomization.yaml", "kustomization.yml", "Kustomization",
	};
	const struct lint_file *f = NULL;
	size_t i;

	for (i = 0; !f && i < 3; i++) {
		char *p = *dir ? xasprintf("%s/%s", dir, names[i]) :
			xstrdup(names[i]);

		f = lint_tree_find(t, p);
		free(p);
	}
	return f;
}

/* Mark the file rel (from kustomization k) with role r. */
static void mark(struct ktree *kt, const struct kobj *k, const char *rel,
		 unsigned char r)
{
	char *p = resolve(k->f->path, rel);
	size_t i = p ? tree_index(kt->t, p) : SIZE_MAX;

	if (i != SIZE_MAX && (!kt->role[i] || r == 1))
		kt->role[i] = r;
	free(p);
}

/* Record the roles kustomization k gives its files. */
static void kz_roles(struct ktree *kt, const struct kobj *k)
{
	yaml_node_t *res = ly_get(k->d, k->n, "resources");
	yaml_node_t *pat = ly_get(k->d, k->n, "patches");
	yaml_node_t *psm = ly_get(k->d, k->n, "patchesStrategicMerge");
	size_t i;

	for (i = 0; i < ly_len(res); i++)
		if (ly_str(ly_at(k->d, res, i)))
			mark(kt, k, ly_str(ly_at(k->d, res, i)), 1);
	for (i = 0; i < ly_len(pat); i++) {
		const char *p = ly_str(ly_get(k->d, ly_at(k->d, pat, i),
					      "path"));

		if (p)
			mark(kt, k, p, 2);
	}
	for (i = 0; i < ly_len(psm); i++)
		if (ly_str(ly_at(k->d, psm, i)))
			mark(kt, k, ly_str(ly_at(k->d, psm, i)), 2);
}

/* Load the tree: kustomizations, roles, then resource documents. */
static void ktree_load(struct ktree *kt, struct lint_ctx *lc,
		       const struct lint_tree *t)
{
	size_t i;

	memset(kt, 0, sizeof(*kt));
	kt->lc = lc;
	kt->t = t;
	kt->role = xcalloc(t->n + 1, 1);
	for (i = 0; i < t->n; i++)
		if (is_kustomization(t->files[i]->path))
			add_docs(kt, t->files[i], &kt->kzs, &kt->nkzs,
				 &kt->kzs_alloc);
	for (i = 0; i < kt->nkzs; i++)
		kz_roles(kt, &kt->kzs[i]);
	for (i = 0; i < t->n; i++)
		if (kt->role[i] == 1)
			add_docs(kt, t->files[i], &kt->objs, &kt->nobjs,
				 &kt->objs_alloc);
}

static void ktree_release(struct ktree *kt)
{
	free(kt->objs);
	free(kt->kzs);
	free(kt->role);
}

void lint_k8s_roles(struct lint_ctx *lc, const struct lint_tree *t,
		    void (*fn)(void *ud, const struct lint_file *f,
			       bool patch),
		    void *ud)
{
	struct ktree kt;
	size_t i;

	ktree_load(&kt, lc, t);
	for (i = 0; i < t->n; i++)
		if (kt.role[i])
			fn(ud, t->files[i], kt.role[i] == 2);
	ktree_release(&kt);
}

/* Report at node n of object o. */
#define REPORT(kt, o, n, rule, ...) \
	lint_report((kt)->lc, (rule), (o)->f->path, ly_line(n), ly_col(n), \
		    __VA_ARGS__)

/* ---- containers ------------------------------------------------------- */

/* A pod spec with its object, for container checks. */
struct pod {
	struct ktree *kt;
	const struct kobj *o;
	yaml_node_t *spec;	/* the pod spec */
	yaml_node_t *sc;	/* its securityContext, or NULL */
	bool serving;		/* a long-running workload, not a Job */
};

/* The container's securityContext field, else the pod's. */
static yaml_node_t *effective(const struct pod *p, yaml_node_t *csc,
			      const char *key)
{
	yaml_node_t *v = ly_path(p->o->d, csc, key);

	return v ? v : ly_path(p->o->d, p->sc, key);
}

/* True when n is a UID or GID of at least 10000. */
static bool id_ok(yaml_node_t *n)
{
	long long v;

	return ly_int(n, &v) && v >= 10000;
}

/* True when the sequence seq holds the scalar s. */
static bool seq_has(yaml_document_t *d, yaml_node_t *seq, const char *s)
{
	size_t i;

	for (i = 0; i < ly_len(seq); i++)
		if (ly_is(ly_at(d, seq, i), s))
			return true;
	return false;
}

/* Pod Security Standards "restricted" on one container. */
static void check_security(const struct pod *p, yaml_node_t *c,
			   const char *cname)
{
	yaml_document_t *d = p->o->d;
	yaml_node_t *csc = ly_get(d, c, "securityContext");
	yaml_node_t *at = csc ? csc : c, *v;

	if (!ly_false(ly_get(d, csc, "allowPrivilegeEscalation")))
		REPORT(p->kt, p->o, at, "KSV001", "container '%s': "
		       "allowPrivilegeEscalation is not set to false", cname);
	if (!seq_has(d, ly_path(d, csc, "capabilities.drop"), "ALL"))
		REPORT(p->kt, p->o, at, "KSV003", "container '%s': "
		       "capabilities.drop does not include ALL", cname);
	if (!ly_true(effective(p, csc, "runAsNonRoot")))
		REPORT(p->kt, p->o, at, "KSV012", "container '%s': "
		       "runAsNonRoot is not true", cname);
	if (!id_ok(effective(p, csc, "runAsUser")))
		REPORT(p->kt, p->o, at, "KSV020", "container '%s': "
		       "runAsUser is not set to 10000 or more", cname);
	if (!id_ok(effective(p, csc, "runAsGroup")))
		REPORT(p->kt, p->o, at, "KSV021", "container '%s': "
		       "runAsGroup is not set to 10000 or more", cname);
	v = effective(p, csc, "seccompProfile.type");
	if (!ly_is(v, "RuntimeDefault") && !ly_is(v, "Localhost"))
		REPORT(p->kt, p->o, at, "KSV030", "container '%s': "
		       "seccompProfile.type is not RuntimeDefault", cname);
	if (!ly_true(ly_get(d, csc, "readOnlyRootFilesystem")))
		REPORT(p->kt, p->o, at, "KSV014", "container '%s': "
		       "readOnlyRootFilesystem is not true", cname);
}

/* Requests and limits of cpu, memory and ephemeral-storage. */
static void check_resources(const struct pod *p, yaml_node_t *c,
			    const char *cname)
{
	static const struct {
		const char *path, *rule, *what;
	} need[] = {
		{ "resources.requests.cpu", "KSV015", "CPU request" },
		{ "resources.requests.memory", "KSV016", "memory request" },
		{ "resources.limits.cpu", "KSV011", "CPU limit" },
		{ "resources.limits.memory", "KSV018", "memory limit" },
		{ "resources.requests.ephemeral-storage",
		  "container-ephemeral-storage-request-and-limit",
		  "ephemeral-storage request" },
		{ "resources.limits.ephemeral-storage",
		  "container-ephemeral-storage-request-and-limit",
		  "ephemeral-storage limit" },
	};
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!ly_path(p->o->d, c, need[i].path))
			REPORT(p->kt, p->o, c, need[i].rule, "container '%s' "
			       "has no %s", cname, need[i].what);
}

/* True when the two nodes are equal trees of scalars. */
static bool same_node(yaml_document_t *d, yaml_node_t *a, yaml_node_t *b)
{
	size_t i;

	if (!a || !b || a->type != b->type)
		return a == b;
	if (a->type == YAML_SCALAR_NODE)
		return !strcmp(ly_str(a), ly_str(b));
	if (ly_is_seq(a)) {
		if (ly_len(a) != ly_len(b))
			return false;
		for (i = 0; i < ly_len(a); i++)
			if (!same_node(d, ly_at(d, a, i), ly_at(d, b, i)))
				return false;
		return true;
	}
	if (ly_npairs(a) != ly_npairs(b))
		return false;
	for (i = 0; i < ly_npairs(a); i++)
		if (!same_node(d, ly_pair_val(d, a, i),
			       ly_get(d, b, ly_str(ly_pair_key(d, a, i)))))
			return false;
	return true;
}

/* Readiness and liveness probes that differ, and a startupProbe. */
static void check_probes(const struct pod *p, yaml_node_t *c,
			 const char *cname)
{
	yaml_document_t *d = p->o->d;
	yaml_node_t *live = ly_get(d, c, "livenessProbe");
	yaml_node_t *ready = ly_get(d, c, "readinessProbe");

	if (!live || !ready)
		REPORT(p->kt, p->o, c, "pod-probes", "container '%s' has no "
		       "%s", cname, !ready ? "readinessProbe" :
		       "livenessProbe");
	else if (same_node(d, live, ready))
		REPORT(p->kt, p->o, live, "pod-probes", "container '%s': "
		       "livenessProbe and readinessProbe are identical",
		       cname);
	if (!ly_get(d, c, "startupProbe"))
		REPORT(p->kt, p->o, c, "GS-216", "container '%s' has no "
		       "startupProbe", cname);
}

/* True when an env var name looks like it holds a secret. */
static bool secret_key(const char *name)
{
	static const char *const words[] = {
		"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY",
		"PRIVATE_KEY", "CREDENTIAL",
	};
	char *up = xstrdup(name), *q;
	size_t i;
	bool hit = false;

	for (q = up; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	for (i = 0; !hit && i < sizeof(words) / sizeof(words[0]); i++)
		hit = strstr(up, words[i]) != NULL;
	free(up);
	return hit;
}

/* No literal value for a secret-looking env variable. */
static void check_env(const struct pod *p, yaml_node_t *c,
		      const char *cname)
{
	yaml_document_t *d = p->o->d;
	yaml_node_t *env = ly_get(d, c, "env");
	size_t i;

	for (i = 0; i < ly_len(env); i++) {
		yaml_node_t *e = ly_at(d, env, i);
		const char *name = ly_str(ly_get(d, e, "name"));
		yaml_node_t *val = ly_get(d, e, "value");

		if (name && val && secret_key(name) && ly_str(val) &&
		    *ly_str(val))
			REPORT(p->kt, p->o, val, "GS-207", "container '%s': "
			       "env '%s' holds a literal secret", cname,
			       name);
	}
}

/* The image of container c: a tag, not latest. */
static void check_image(const struct pod *p, yaml_node_t *c,
			const char *cname)
{
	yaml_node_t *img = ly_get(p->o->d, c, "image");
	const char *s = ly_str(img), *slash, *colon;

	if (!s)
		return;
	slash = strrchr(s, '/');
	colon = strrchr(slash ? slash : s, ':');
	if (strchr(s, '@'))
		return;
	if (!colon || !strcmp(colon + 1, "latest"))
		REPORT(p->kt, p->o, img, "KSV013", "container '%s': image "
		       "'%s' has %s", cname, s, colon ? "the latest tag" :
		       "no tag");
}

/* Every container of the list key (containers, initContainers). */
static void check_containers(const struct pod *p, const char *key)
{
	yaml_node_t *list = ly_get(p->o->d, p->spec, key);
	size_t i;

	for (i = 0; i < ly_len(list); i++) {
		yaml_node_t *c = ly_at(p->o->d, list, i);
		const char *cname = ly_str(ly_get(p->o->d, c, "name"));

		if (!cname)
			cname = "?";
		check_security(p, c, cname);
		check_resources(p, c, cname);
		check_image(p, c, cname);
		check_env(p, c, cname);
		if (p->serving && !strcmp(key, "containers"))
			check_probes(p, c, cname);
	}
}

/* ---- pods ------------------------------------------------------------- */

/*
 * True when bare Pod o runs to completion (restartPolicy Never or
 * OnFailure, as a `helm test` Pod does) rather than serving.
 */
static bool runs_once(const struct kobj *o, yaml_node_t *spec)
{
	yaml_node_t *rp = ly_get(o->d, spec, "restartPolicy");

	return !strcmp(o->kind, "Pod") && (ly_is(rp, "Never") ||
					   ly_is(rp, "OnFailure"));
}

/* The pod spec of workload o, or NULL when o is not a workload. */
static yaml_node_t *pod_spec(const struct kobj *o, bool *serving)
{
	static const struct {
		const char *kind, *path;
		bool serving;
	} kinds[] = {
		{ "Deployment", "spec.template.spec", true },
		{ "StatefulSet", "spec.template.spec", true },
		{ "DaemonSet", "spec.template.spec", true },
		{ "ReplicaSet", "spec.template.spec", true },
		{ "Job", "spec.template.spec", false },
		{ "CronJob", "spec.jobTemplate.spec.template.spec", false },
		{ "Pod", "spec", true },
	};

	yaml_node_t *spec;
	size_t i;

	for (i = 0; o->kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(o->kind, kinds[i].kind)) {
			spec = ly_path(o->d, o->n, kinds[i].path);
			*serving = kinds[i].serving && !runs_once(o, spec);
			return spec;
		}
	return NULL;
}

/* Volumes of the restricted profile, and /tmp under a read-only root. */
static void check_volumes(const struct pod *p)
{
	static const char *const allowed[] = {
		"name", "configMap", "csi", "downwardAPI", "emptyDir",
		"ephemeral", "persistentVolumeClaim", "projected", "secret",
	};
	yaml_document_t *d = p->o->d;
	yaml_node_t *vols = ly_get(d, p->spec, "volumes");
	size_t i, k, a;

	for (i = 0; i < ly_len(vols); i++) {
		yaml_node_t *v = ly_at(d, vols, i);

		for (k = 0; k < ly_npairs(v); k++) {
			const char *type = ly_str(ly_pair_key(d, v, k));

			for (a = 0; type && a < sizeof(allowed) /
				     sizeof(allowed[0]); a++)
				if (!strcmp(type, allowed[a]))
					break;
			if (type && a == sizeof(allowed) / sizeof(allowed[0]))
				REPORT(p->kt, p->o, v, "KSV028", "volume type "
				       "'%s' is not allowed by the restricted "
				       "profile", type);
		}
	}
}

/* True when container c mounts a volume at path. */
static bool mounts(yaml_document_t *d, yaml_node_t *c, const char *path)
{
	yaml_node_t *vm = ly_get(d, c, "volumeMounts");
	size_t i;

	for (i = 0; i < ly_len(vm); i++)
		if (ly_is(ly_get(d, ly_at(d, vm, i), "mountPath"), path))
			return true;
	return false;
}

/* A read-only root filesystem needs a volume at /tmp. */
static void check_tmp(const struct pod *p)
{
	yaml_document_t *d = p->o->d;
	yaml_node_t *list = ly_get(d, p->spec, "containers");
	size_t i;

	for (i = 0; i < ly_len(list); i++) {
		yaml_node_t *c = ly_at(d, list, i);

		if (ly_true(ly_path(d, c, "securityContext."
				    "readOnlyRootFilesystem")) &&
		    !mounts(d, c, "/tmp"))
			REPORT(p->kt, p->o, c, "GS-222", "container '%s' has "
			       "a read-only root filesystem and no volume at "
			       "/tmp", ly_str(ly_get(d, c, "name")) ?
			       ly_str(ly_get(d, c, "name")) : "?");
	}
}

/* The pod spec of workload o, and each of its containers. */
static void check_pod(struct ktree *kt, const struct kobj *o)
{
	struct pod p = { kt, o, NULL, NULL, false };
	yaml_node_t *sa;

	p.spec = pod_spec(o, &p.serving);
	if (!p.spec)
		return;
	p.sc = ly_get(o->d, p.spec, "securityContext");
	if (!ly_false(ly_get(o->d, p.spec, "automountServiceAccountToken")))
		REPORT(kt, o, p.spec, "KSV036", "%s '%s': "
		       "automountServiceAccountToken is not false", o->kind,
		       o->name ? o->name : "?");
	if (!ly_false(ly_get(o->d, p.spec, "enableServiceLinks")))
		REPORT(kt, o, p.spec, "GS-217", "%s '%s': enableServiceLinks "
		       "is not false", o->kind, o->name ? o->name : "?");
	sa = ly_get(o->d, p.spec, "serviceAccountName");
	if (!sa || ly_is(sa, "default"))
		REPORT(kt, o, p.spec, "GS-223", "%s '%s' runs as the default "
		       "ServiceAccount", o->kind, o->name ? o->name : "?");
	check_containers(&p, "initContainers");
	check_containers(&p, "containers");
	check_volumes(&p);
	check_tmp(&p);
}

/* ---- kinds ------------------------------------------------------------ */

/* The backup CronJob fields of QUALITY-BAR.md. */
static void check_cronjob(struct ktree *kt, const struct kobj *o)
{
	static const char *const need[] = {
		"spec.startingDeadlineSeconds",
		"spec.successfulJobsHistoryLimit",
		"spec.failedJobsHistoryLimit",
		"spec.jobTemplate.spec.backoffLimit",
		"spec.jobTemplate.spec.activeDeadlineSeconds",
	};
	yaml_node_t *spec = ly_get(o->d, o->n, "spec"), *v;
	size_t i;

	v = ly_get(o->d, spec, "concurrencyPolicy");
	if (!ly_is(v, "Forbid"))
		REPORT(kt, o, v ? v : spec, "GS-201", "CronJob '%s': "
		       "concurrencyPolicy is %s, not Forbid",
		       o->name ? o->name : "?", v ? ly_str(v) : "not set");
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!ly_path(o->d, o->n, need[i]))
			REPORT(kt, o, spec, "GS-202", "CronJob '%s' has no "
			       "%s", o->name ? o->name : "?", need[i]);
	if (!ly_is(ly_get(o->d, spec, "timeZone"), "Etc/UTC"))
		REPORT(kt, o, spec, "GS-202", "CronJob '%s': timeZone is not "
		       "Etc/UTC", o->name ? o->name : "?");
	v = ly_path(o->d, o->n, "spec.jobTemplate.spec.template.spec."
		    "restartPolicy");
	if (!ly_is(v, "Never"))
		REPORT(kt, o, v ? v : spec, "GS-202", "CronJob '%s': "
		       "restartPolicy is not Never", o->name ? o->name : "?");
	if (o->name && strlen(o->name) > 52)
		REPORT(kt, o, ly_path(o->d, o->n, "metadata.name"), "GS-203",
		       "CronJob name '%s' has %zu characters", o->name,
		       strlen(o->name));
}

/* True when every pair of sel is in labels. */
static bool selects(yaml_document_t *sd, yaml_node_t *sel,
		    yaml_document_t *ld, yaml_node_t *labels)
{
	size_t i;

	if (!ly_npairs(sel))
		return false;
	for (i = 0; i < ly_npairs(sel); i++) {
		const char *k = ly_str(ly_pair_key(sd, sel, i));
		const char *v = ly_str(ly_pair_val(sd, sel, i));
		const char *have = k ? ly_str(ly_get(ld, labels, k)) : NULL;

		if (!have || !v || strcmp(have, v))
			return false;
	}
	return true;
}

/* Strategy, selector, spreading and anti-affinity of a Deployment. */
static void check_deployment(struct ktree *kt, const struct kobj *o)
{
	yaml_node_t *spec = ly_get(o->d, o->n, "spec");
	yaml_node_t *type = ly_path(o->d, spec, "strategy.type");
	yaml_node_t *sel = ly_path(o->d, spec, "selector.matchLabels");
	yaml_node_t *aff = ly_path(o->d, spec, "template.spec.affinity."
				   "podAntiAffinity.preferredDuring"
				   "SchedulingIgnoredDuringExecution");

	if (type && !ly_is(type, "RollingUpdate"))
		REPORT(kt, o, type, "GS-211", "Deployment '%s' uses the %s "
		       "strategy", o->name ? o->name : "?", ly_str(type));
	if (!selects(o->d, sel, o->d, ly_path(o->d, spec,
					      "template.metadata.labels")))
		REPORT(kt, o, sel ? sel : spec, "GS-212", "Deployment '%s': "
		       "spec.selector.matchLabels does not match the pod "
		       "template labels", o->name ? o->name : "?");
	if (!ly_len(ly_path(o->d, spec, "template.spec."
			    "topologySpreadConstraints")))
		REPORT(kt, o, spec, "GS-221", "Deployment '%s' has no "
		       "topologySpreadConstraints", o->name ? o->name : "?");
	if (!ly_len(aff))
		REPORT(kt, o, spec, "deployment-has-host-podantiaffinity",
		       "Deployment '%s' has no preferred pod anti-affinity",
		       o->name ? o->name : "?");
}

/* True when o is the object kind/name. */
static bool named(const struct kobj *o, const char *kind, const char *name)
{
	return o->kind && !strcmp(o->kind, kind) && o->name && name &&
		!strcmp(o->name, name);
}

/* The object of kind named name, or NULL. */
static const struct kobj *find_obj(const struct ktree *kt, const char *kind,
				   const char *name)
{
	size_t i;

	for (i = 0; i < kt->nobjs; i++)
		if (named(&kt->objs[i], kind, name))
			return &kt->objs[i];
	return NULL;
}

/* An HPA: v2, 2 <= min < max, a target without replicas. */
static void check_hpa(struct ktree *kt, const struct kobj *o)
{
	yaml_node_t *spec = ly_get(o->d, o->n, "spec");
	yaml_node_t *minr = ly_get(o->d, spec, "minReplicas");
	yaml_node_t *maxr = ly_get(o->d, spec, "maxReplicas");
	const char *target = ly_str(ly_path(o->d, spec, "scaleTargetRef.name"));
	const char *tkind = ly_str(ly_path(o->d, spec, "scaleTargetRef.kind"));
	const struct kobj *dep;
	long long lo = 1, hi = 0;

	if (!o->api || strcmp(o->api, "autoscaling/v2"))
		REPORT(kt, o, o->n, "GS-213", "HPA '%s' uses %s, not "
		       "autoscaling/v2", o->name ? o->name : "?",
		       o->api ? o->api : "no apiVersion");
	if ((minr && !ly_int(minr, &lo)) || (lo < 2 && !kt->single))
		REPORT(kt, o, minr ? minr : spec, "GS-213", "HPA '%s': "
		       "minReplicas is %lld, below 2", o->name ? o->name : "?",
		       lo);
	if (!ly_int(maxr, &hi) || hi <= lo)
		REPORT(kt, o, maxr ? maxr : spec, "GS-213", "HPA '%s': "
		       "maxReplicas is not greater than minReplicas",
		       o->name ? o->name : "?");
	dep = find_obj(kt, tkind ? tkind : "Deployment", target);
	if (!dep)
		REPORT(kt, o, spec, "GS-213", "HPA '%s' targets %s '%s', "
		       "which is not generated", o->name ? o->name : "?",
		       tkind ? tkind : "?", target ? target : "?");
	else if (ly_get(dep->d, ly_get(dep->d, dep->n, "spec"), "replicas"))
		REPORT(kt, dep, ly_path(dep->d, dep->n, "spec.replicas"),
		       "GS-215", "Deployment '%s' sets replicas, but HPA "
		       "'%s' scales it", dep->name, o->name ? o->name : "?");
}

/* True when some workload's pod template labels match sel. */
static bool selects_pods(const struct ktree *kt, yaml_document_t *sd,
			 yaml_node_t *sel)
{
	size_t i;

	for (i = 0; i < kt->nobjs; i++) {
		const struct kobj *w = &kt->objs[i];
		yaml_node_t *labels = ly_path(w->d, w->n,
					      "spec.template.metadata.labels");

		if (labels && selects(sd, sel, w->d, labels))
			return true;
	}
	return false;
}

/* A PDB: policy/v1, maxUnavailable 1, selecting pods. */
static void check_pdb(struct ktree *kt, const struct kobj *o)
{
	yaml_node_t *spec = ly_get(o->d, o->n, "spec");
	yaml_node_t *mu = ly_get(o->d, spec, "maxUnavailable");
	yaml_node_t *sel = ly_path(o->d, spec, "selector.matchLabels");

	if (kt->single)
		return;

	if (!o->api || strcmp(o->api, "policy/v1") || !ly_is(mu, "1"))
		REPORT(kt, o, mu ? mu : o->n, "GS-214", "PDB '%s' is not "
		       "policy/v1 with maxUnavailable: 1",
		       o->name ? o->name : "?");
	if (!selects_pods(kt, o->d, sel))
		REPORT(kt, o, sel ? sel : spec, "GS-214", "PDB '%s' selects "
		       "no pod", o->name ? o->name : "?");
}

/* A Service: ClusterIP, selecting pods. */
static void check_service(struct ktree *kt, const struct kobj *o)
{
	yaml_node_t *type = ly_path(o->d, o->n, "spec.type");
	yaml_node_t *sel = ly_path(o->d, o->n, "spec.selector");

	if (type && !ly_is(type, "ClusterIP"))
		REPORT(kt, o, type, "GS-209", "Service '%s' is of type %s",
		       o->name ? o->name : "?", ly_str(type) ? ly_str(type) :
		       "?");
	if (!selects_pods(kt, o->d, sel))
		REPORT(kt, o, sel ? sel : o->n, "service-targets-pod",
		       "Service '%s' selects no pod template",
		       o->name ? o->name : "?");
}

/* The Service port named or numbered by backend port p, or NULL. */
static bool service_has_port(const struct kobj *svc, yaml_document_t *d,
			     yaml_node_t *p)
{
	yaml_node_t *ports = ly_path(svc->d, svc->n, "spec.ports");
	const char *num = ly_str(ly_get(d, p, "number"));
	const char *name = ly_str(ly_get(d, p, "name"));
	size_t i;

	for (i = 0; i < ly_len(ports); i++) {
		yaml_node_t *sp = ly_at(svc->d, ports, i);

		if ((num && ly_is(ly_get(svc->d, sp, "port"), num)) ||
		    (name && ly_is(ly_get(svc->d, sp, "name"), name)))
			return true;
	}
	return false;
}

/* One Ingress path: pathType, and a backend that exists. */
static void check_backend(struct ktree *kt, const struct kobj *o,
			  yaml_node_t *path)
{
	yaml_node_t *b = ly_path(o->d, path, "backend.service");
	const char *name = ly_str(ly_get(o->d, b, "name"));
	const struct kobj *svc = find_obj(kt, "Service", name);

	if (!ly_get(o->d, path, "pathType"))
		REPORT(kt, o, path, "GS-210", "Ingress '%s': a path has no "
		       "pathType", o->name ? o->name : "?");
	if (!svc || !service_has_port(svc, o->d, ly_get(o->d, b, "port")))
		REPORT(kt, o, b ? b : path, "ingress-targets-service",
		       "Ingress '%s': backend '%s' is not a port of a "
		       "generated Service", o->name ? o->name : "?",
		       name ? name : "?");
}

/* An Ingress: networking.k8s.io/v1, class, TLS, its paths. */
static void check_ingress(struct ktree *kt, const struct kobj *o)
{
	yaml_node_t *spec = ly_get(o->d, o->n, "spec");
	yaml_node_t *rules_ = ly_get(o->d, spec, "rules");
	size_t i, j;

	if (!o->api || strcmp(o->api, "networking.k8s.io/v1"))
		REPORT(kt, o, o->n, "GS-210", "Ingress '%s' is not "
		       "networking.k8s.io/v1", o->name ? o->name : "?");
	if (!ly_get(o->d, spec, "ingressClassName"))
		REPORT(kt, o, spec, "GS-210", "Ingress '%s' has no "
		       "ingressClassName", o->name ? o->name : "?");
	if (!ly_len(ly_get(o->d, spec, "tls")))
		REPORT(kt, o, spec, "GS-210", "Ingress '%s' has no tls",
		       o->name ? o->name : "?");
	for (i = 0; i < ly_len(rules_); i++) {
		yaml_node_t *paths = ly_path(o->d, ly_at(o->d, rules_, i),
					     "http.paths");

		for (j = 0; j < ly_len(paths); j++)
			check_backend(kt, o, ly_at(o->d, paths, j));
	}
}

/* The pod template labels of workload o, or NULL. */
static yaml_node_t *pod_labels(const struct kobj *o)
{
	if (o->kind && !strcmp(o->kind, "CronJob"))
		return ly_path(o->d, o->n, "spec.jobTemplate.spec.template."
			       "metadata.labels");
	return ly_path(o->d, o->n, "spec.template.metadata.labels");
}

/* True when policy np selects every pod (podSelector: {}). */
static bool selects_all(const struct kobj *np)
{
	yaml_node_t *ps = ly_path(np->d, np->n, "spec.podSelector");

	return ly_is_map(ps) && !ly_npairs(ly_get(np->d, ps, "matchLabels")) &&
		!ly_get(np->d, ps, "matchExpressions");
}

/* The NetworkPolicy rules: a default deny, and one per workload. */
static void check_netpols(struct ktree *kt)
{
	const struct kobj *first = NULL;
	bool deny = false, covered;
	size_t i, j;

	for (i = 0; i < kt->nobjs; i++) {
		const struct kobj *np = &kt->objs[i];
		yaml_node_t *types = ly_path(np->d, np->n, "spec.policyTypes");

		if (!np->kind || strcmp(np->kind, "NetworkPolicy"))
			continue;
		if (selects_all(np) && seq_has(np->d, types, "Ingress") &&
		    seq_has(np->d, types, "Egress") &&
		    !ly_len(ly_path(np->d, np->n, "spec.ingress")) &&
		    !ly_len(ly_path(np->d, np->n, "spec.egress")))
			deny = true;
	}
	for (i = 0; i < kt->nobjs; i++) {
		const struct kobj *w = &kt->objs[i];
		yaml_node_t *labels = pod_labels(w);
		bool serving;

		if (!labels || !pod_spec(w, &serving))
			continue;
		if (!first)
			first = w;
		for (j = 0, covered = false; !covered && j < kt->nobjs; j++) {
			const struct kobj *np = &kt->objs[j];

			covered = np->kind && !strcmp(np->kind,
						      "NetworkPolicy") &&
				!selects_all(np) &&
				selects(np->d, ly_path(np->d, np->n,
					"spec.podSelector.matchLabels"),
					w->d, labels) &&
				ly_len(ly_path(np->d, np->n, "spec.egress")) &&
				(!serving || ly_len(ly_path(np->d, np->n,
							    "spec.ingress")));
		}
		if (!covered)
			REPORT(kt, w, w->n, "pod-networkpolicy", "no "
			       "NetworkPolicy with %s rules selects the pods "
			       "of %s '%s'", serving ? "ingress and egress" :
			       "egress", w->kind, w->name ? w->name : "?");
	}
	if (first && !deny)
		REPORT(kt, first, first->n, "GS-220", "no default-deny "
		       "NetworkPolicy is generated with %s '%s'", first->kind,
		       first->name ? first->name : "?");
}

/* A ConfigMap holds no secret-looking key. */
static void check_configmap(struct ktree *kt, const struct kobj *o)
{
	yaml_node_t *data = ly_get(o->d, o->n, "data");
	size_t i;

	for (i = 0; i < ly_npairs(data); i++) {
		yaml_node_t *k = ly_pair_key(o->d, data, i);

		if (ly_str(k) && secret_key(ly_str(k)))
			REPORT(kt, o, k, "GS-208", "ConfigMap '%s' holds "
			       "'%s'", o->name ? o->name : "?", ly_str(k));
	}
}

/* Add the keys kustomization k puts on its resources to sb (" k "). */
static void kz_label_keys(const struct kobj *k, struct strbuf *sb)
{
	yaml_node_t *labels = ly_get(k->d, k->n, "labels");
	yaml_node_t *common = ly_get(k->d, k->n, "commonLabels");
	size_t i, j;

	for (i = 0; i < ly_len(labels); i++) {
		yaml_node_t *pairs = ly_get(k->d, ly_at(k->d, labels, i),
					    "pairs");

		for (j = 0; j < ly_npairs(pairs); j++)
			strbuf_addf(sb, " %s ",
				    ly_str(ly_pair_key(k->d, pairs, j)));
	}
	for (j = 0; j < ly_npairs(common); j++)
		strbuf_addf(sb, " %s ", ly_str(ly_pair_key(k->d, common, j)));
}

/* True when kustomization k lists o's file as a resource. */
static bool kz_lists(const struct kobj *k, const struct kobj *o)
{
	yaml_node_t *res = ly_get(k->d, k->n, "resources");
	size_t i;
	bool hit = false;

	for (i = 0; !hit && i < ly_len(res); i++) {
		char *p = ly_str(ly_at(k->d, res, i)) ?
			resolve(k->f->path, ly_str(ly_at(k->d, res, i))) :
			NULL;

		hit = p && !strcmp(p, o->f->path);
		free(p);
	}
	return hit;
}

/* The recommended labels, counting those kustomize adds. */
static void check_labels(struct ktree *kt, const struct kobj *o)
{
	static const char *const keys[] = {
		"name", "instance", "version", "component", "part-of",
		"managed-by",
	};
	struct strbuf have = STRBUF_INIT, missing = STRBUF_INIT;
	yaml_node_t *labels = ly_path(o->d, o->n, "metadata.labels");
	size_t i;

	for (i = 0; i < ly_npairs(labels); i++)
		strbuf_addf(&have, " %s ",
			    ly_str(ly_pair_key(o->d, labels, i)));
	for (i = 0; i < kt->nkzs; i++)
		if (kz_lists(&kt->kzs[i], o))
			kz_label_keys(&kt->kzs[i], &have);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *want = xasprintf(" app.kubernetes.io/%s ", keys[i]);

		if (!strstr(have.buf, want))
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "",
				    keys[i]);
		free(want);
	}
	if (missing.len)
		REPORT(kt, o, o->n, "GS-218", "%s '%s' lacks "
		       "app.kubernetes.io/ labels: %s", o->kind,
		       o->name ? o->name : "?", missing.buf);
	strbuf_release(&have);
	strbuf_release(&missing);
}

/* Run the checks for one object by its kind. */
static void check_obj(struct ktree *kt, const struct kobj *o)
{
	const char *k = o->kind ? o->kind : "";
	bool serving;

	if (o->api && (strstr(o->api, "alpha") || strstr(o->api, "beta")))
		REPORT(kt, o, o->n, "GS-219", "%s '%s' uses %s", k,
		       o->name ? o->name : "?", o->api);
	check_pod(kt, o);
	if (pod_spec(o, &serving) || !strcmp(k, "Service"))
		check_labels(kt, o);
	if (!strcmp(k, "CronJob"))
		check_cronjob(kt, o);
	else if (!strcmp(k, "Deployment"))
		check_deployment(kt, o);
	else if (!strcmp(k, "HorizontalPodAutoscaler"))
		check_hpa(kt, o);
	else if (!strcmp(k, "PodDisruptionBudget"))
		check_pdb(kt, o);
	else if (!strcmp(k, "Service"))
		check_service(kt, o);
	else if (!strcmp(k, "Ingress"))
		check_ingress(kt, o);
	else if (!strcmp(k, "ConfigMap"))
		check_configmap(kt, o);
	else if (!strcmp(k, "ServiceAccount") &&
		 !ly_false(ly_get(o->d, o->n, "automountServiceAccountToken")))
		REPORT(kt, o, o->n, "GS-223", "ServiceAccount '%s' does not "
		       "set automountServiceAccountToken: false",
		       o->name ? o->name : "?");
}

/* ---- kustomizations --------------------------------------------------- */

/* Report rel (at node n of kustomization k) unless it exists. */
static void check_ref(struct ktree *kt, const struct kobj *k, yaml_node_t *n,
		      const char *rel, bool dir_ok, bool example_ok)
{
	char *p = resolve(k->f->path, rel), *ex;
	bool ok;

	if (!p)
		return;
	ok = lint_tree_find(kt->t, p) || (dir_ok && kz_in(kt->t, p));
	if (!ok && example_ok) {
		ex = xasprintf("%s.example", p);
		ok = lint_tree_find(kt->t, ex) != NULL;
		free(ex);
	}
	if (!ok)
		REPORT(kt, k, n, "GS-204", "'%s' is listed but not generated",
		       rel);
	free(p);
}

/* Check each entry of the sequence under key (or under item.key). */
static void check_refs(struct ktree *kt, const struct kobj *k,
		       yaml_node_t *seq, bool dir_ok, bool example_ok)
{
	size_t i;

	for (i = 0; i < ly_len(seq); i++) {
		yaml_node_t *e = ly_at(k->d, seq, i);
		const char *s = ly_str(e), *eq;

		if (!s)
			continue;
		eq = strchr(s, '=');
		check_ref(kt, k, e, eq ? eq + 1 : s, dir_ok, example_ok);
	}
}

/* The generators' files and envs of kustomization k. */
static void check_generators(struct ktree *kt, const struct kobj *k,
			     const char *key, bool example_ok)
{
	yaml_node_t *gens = ly_get(k->d, k->n, key);
	size_t i;

	for (i = 0; i < ly_len(gens); i++) {
		yaml_node_t *g = ly_at(k->d, gens, i);

		check_refs(kt, k, ly_get(k->d, g, "files"), false, example_ok);
		check_refs(kt, k, ly_get(k->d, g, "envs"), false, example_ok);
	}
}

/* Every file kustomization k refers to exists in the tree. */
static void check_kz_refs(struct ktree *kt, const struct kobj *k)
{
	yaml_node_t *pat = ly_get(k->d, k->n, "patches");
	size_t i;

	check_refs(kt, k, ly_get(k->d, k->n, "resources"), true, false);
	check_refs(kt, k, ly_get(k->d, k->n, "components"), true, false);
	check_refs(kt, k, ly_get(k->d, k->n, "patchesStrategicMerge"), false,
		   false);
	for (i = 0; i < ly_len(pat); i++) {
		yaml_node_t *p = ly_get(k->d, ly_at(k->d, pat, i), "path");

		if (ly_str(p))
			check_ref(kt, k, p, ly_str(p), false, false);
	}
	check_generators(kt, k, "configMapGenerator", false);
	check_generators(kt, k, "secretGenerator", true);
}

/* An overlay sets its namespace and generates it labelled restricted. */
static void check_overlay(struct ktree *kt, const struct kobj *k)
{
	yaml_node_t *ns = ly_get(k->d, k->n, "namespace");
	const struct kobj *obj;
	yaml_node_t *enforce;

	if (strncmp(k->f->path, "k8s/overlays/", 13))
		return;
	if (!ly_str(ns)) {
		REPORT(kt, k, k->n, "GS-206", "overlay '%s' sets no "
		       "namespace", k->f->path);
		return;
	}
	obj = find_obj(kt, "Namespace", ly_str(ns));
	enforce = obj ? ly_path(obj->d, obj->n, "metadata.labels") : NULL;
	enforce = enforce ? ly_get(obj->d, enforce,
				   "pod-security.kubernetes.io/enforce") :
		NULL;
	if (!ly_is(enforce, "restricted"))
		REPORT(kt, k, ns, "GS-206", "namespace '%s' is not generated "
		       "with pod-security.kubernetes.io/enforce: restricted",
		       ly_str(ns));
}

void lint_k8s_tree(struct lint_ctx *lc, const struct lint_tree *t)
{
	struct ktree kt;
	size_t i;

	ktree_load(&kt, lc, t);
	for (i = 0; i < kt.nobjs; i++)
		check_obj(&kt, &kt.objs[i]);
	check_netpols(&kt);
	for (i = 0; i < kt.nkzs; i++) {
		check_kz_refs(&kt, &kt.kzs[i]);
		check_overlay(&kt, &kt.kzs[i]);
	}
	ktree_release(&kt);
}

bool lint_k8s_single_replica_env(const char *env)
{
	return !strcmp(env, "local");
}

void lint_k8s_rendered(struct lint_ctx *lc, const struct lint_tree *t,
		       const char *env)
{
	struct ktree kt;
	size_t i;

	memset(&kt, 0, sizeof(kt));
	kt.lc = lc;
	kt.t = t;
	kt.single = lint_k8s_single_replica_env(env);
	kt.role = xcalloc(t->n + 1, 1);
	for (i = 0; i < t->n; i++)
		add_docs(&kt, t->files[i], &kt.objs, &kt.nobjs,
			 &kt.objs_alloc);
	for (i = 0; i < kt.nobjs; i++)
		check_obj(&kt, &kt.objs[i]);
	check_netpols(&kt);
	ktree_release(&kt);
}

/* One kustomization file on its own: API, deprecated fields, literals. */
static void check_kz_file(struct lint_ctx *lc, const struct lint_file *f,
			  yaml_document_t *d, yaml_node_t *root)
{
	static const char *const deprecated[] = {
		"patchesStrategicMerge", "patchesJson6902", "bases",
		"commonLabels", "vars", "imageTags",
	};
	yaml_node_t *gens = ly_get(d, root, "configMapGenerator"), *k;
	const char *api = ly_str(ly_get(d, root, "apiVersion"));
	size_t i, j;

	if (!api || strncmp(api, "kustomize.config.k8s.io/", 24))
		lint_report(lc, "GS-205", f->path, ly_line(root), 1, "the "
			    "kustomization has no kustomize.config.k8s.io "
			    "apiVersion");
	for (i = 0; i < sizeof(deprecated) / sizeof(deprecated[0]); i++)
		if ((k = ly_key(d, root, deprecated[i])))
			lint_report(lc, "GS-205", f->path, ly_line(k),
				    ly_col(k), "'%s' is deprecated",
				    deprecated[i]);
	for (i = 0; i < ly_len(gens); i++) {
		yaml_node_t *lits = ly_get(d, ly_at(d, gens, i), "literals");

		for (j = 0; j < ly_len(lits); j++) {
			const char *s = ly_str(ly_at(d, lits, j));
			char *key = s ? xstrndup(s, strcspn(s, "=")) : NULL;

			if (key && secret_key(key))
				lint_report(lc, "GS-208", f->path,
					    ly_line(ly_at(d, lits, j)), 1,
					    "configMapGenerator literal '%s' "
					    "looks like a secret", key);
			free(key);
		}
	}
}

void lint_k8s_file(struct lint_ctx *lc, const struct lint_file *f)
{
	const struct lint_yaml *y;
	size_t i;

	if (!is_kustomization(f->path))
		return;
	y = lint_yaml_of(lc, f);
	for (i = 0; i < y->ndocs; i++)
		if (ly_is_map(ly_root(&y->docs[i])))
			check_kz_file(lc, f, &y->docs[i], ly_root(&y->docs[i]));
}

/* ---- what kubectl kustomize reads ------------------------------------- */

struct closure {
	struct ktree *kt;
	unsigned char *seen;	/* per tree file */
	unsigned depth;
};

static void closure_dir(struct closure *cl, const char *dir);

/* Add the file at path (or path.example for a missing env file). */
static void closure_file(struct closure *cl, const char *path, bool example)
{
	size_t i = tree_index(cl->kt->t, path);
	char *ex;

	if (i == SIZE_MAX && example) {
		ex = xasprintf("%s.example", path);
		i = tree_index(cl->kt->t, ex);
		free(ex);
	}
	if (i != SIZE_MAX)
		cl->seen[i] = 1;
}

/* Add every entry of seq (relative to kustomization k). */
static void closure_refs(struct closure *cl, const struct kobj *k,
			 yaml_node_t *seq, bool example)
{
	size_t i;

	for (i = 0; i < ly_len(seq); i++) {
		const char *s = ly_str(ly_at(k->d, seq, i)), *eq;
		char *p;

		if (!s)
			continue;
		eq = strchr(s, '=');
		p = resolve(k->f->path, eq ? eq + 1 : s);
		if (p && kz_in(cl->kt->t, p) && !lint_tree_find(cl->kt->t, p))
			closure_dir(cl, p);
		else if (p)
			closure_file(cl, p, example);
		free(p);
	}
}

/* Add the files and envs of k's generators named key. */
static void closure_generators(struct closure *cl, const struct kobj *k,
			       const char *key)
{
	yaml_node_t *gens = ly_get(k->d, k->n, key);
	size_t i;

	for (i = 0; i < ly_len(gens); i++) {
		yaml_node_t *g = ly_at(k->d, gens, i);

		closure_refs(cl, k, ly_get(k->d, g, "files"), true);
		closure_refs(cl, k, ly_get(k->d, g, "envs"), true);
	}
}

/* Add the kustomization in dir and everything it reads. */
static void closure_dir(struct closure *cl, const char *dir)
{
	const struct lint_file *kf = kz_in(cl->kt->t, dir);
	yaml_node_t *pat;
	size_t i, j;

	if (!kf || cl->depth > 32)
		return;
	cl->depth++;
	closure_file(cl, kf->path, false);
	for (i = 0; i < cl->kt->nkzs; i++) {
		const struct kobj *k = &cl->kt->kzs[i];

		if (k->f != kf)
			continue;
		closure_refs(cl, k, ly_get(k->d, k->n, "resources"), false);
		closure_refs(cl, k, ly_get(k->d, k->n, "components"), false);
		closure_refs(cl, k, ly_get(k->d, k->n,
					   "patchesStrategicMerge"), false);
		pat = ly_get(k->d, k->n, "patches");
		for (j = 0; j < ly_len(pat); j++) {
			const char *p = ly_str(ly_get(k->d,
						      ly_at(k->d, pat, j),
						      "path"));
			char *r = p ? resolve(k->f->path, p) : NULL;

			if (r)
				closure_file(cl, r, false);
			free(r);
		}
		closure_generators(cl, k, "configMapGenerator");
		closure_generators(cl, k, "secretGenerator");
	}
	cl->depth--;
}

void lint_k8s_closure(struct lint_ctx *lc, const struct lint_tree *t,
		      const char *dir,
		      void (*fn)(void *ud, const struct lint_file *f),
		      void *ud)
{
	struct ktree kt;
	struct closure cl;
	size_t i;

	ktree_load(&kt, lc, t);
	cl.kt = &kt;
	cl.seen = xcalloc(t->n + 1, 1);
	cl.depth = 0;
	closure_dir(&cl, dir);
	for (i = 0; i < t->n; i++)
		if (cl.seen[i])
			fn(ud, t->files[i]);
	free(cl.seen);
	ktree_release(&kt);
}
