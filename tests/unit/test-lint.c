/*
 * Unit tests for the built-in checks: each case lints a small in-memory
 * template (one combination) and asserts the rule id, file and line a
 * user would see, and that the corrected input has no such finding.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genship-kind.h"
#include "lint.h"
#include "matrix.h"
#include "tap.h"
#include "xalloc.h"

static const char manifest[] =
	"name: t\nversion: 1.0.0\noptions:\n"
	"  - name: name\n    type: string\n    default: app\n"
	"files:\n"
	"  - path: \"raw/**\"\n    render: false\n"
	"  - path: \".github/**\"\n    render: false\n";

/*
 * Lint the files (path, text pairs, NULL-terminated) as one combination
 * and return its findings as "RULE path:line" lines, caller-owned.
 */
static char *lint_files(const char *const *files)
{
	struct template *t = template_new(&genship_kind, "test", "mem");
	struct lint_options lo = { &lint_builtin_checks, 1u << LINTER_BUILTIN,
				   1, NULL, NULL, NULL };
	struct matrix mx = MATRIX_INIT;
	struct diag err = DIAG_INIT;
	struct strbuf out = STRBUF_INIT;
	struct lint_run *run;
	const struct lint_finding **f;
	size_t i, n;

	if (template_set_manifest(t, "genship.yml", xstrdup(manifest),
				  strlen(manifest), &err))
		diag_print(&err, stdout);
	for (i = 0; files[i]; i += 2)
		template_add_file(t, false, files[i], 0644,
				  xstrdup(files[i + 1]), strlen(files[i + 1]));
	template_finish(t);
	if (matrix_enumerate(t->manifest, &mx, &err))
		diag_print(&err, stdout);
	run = lint_run_new(t, &lo);
	lint_run_add(run, &mx.items[0]);
	f = lint_run_findings(run, 0, &n);
	for (i = 0; i < n; i++)
		strbuf_addf(&out, "%s %s:%u\n", f[i]->rule, f[i]->file,
			    f[i]->line);
	free(f);
	lint_run_free(run);
	matrix_release(&mx);
	template_free(t);
	diag_release(&err);
	return strbuf_detach(&out, NULL);
}

/* Assert that linting files reports want ("RULE path:line" or "RULE "). */
static void expect(const char *const *files, const char *want,
		   const char *name)
{
	char *got = lint_files(files);

	if (!ok(strstr(got, want) != NULL, name))
		printf("#   want: %s\n#   got:\n%s", want, got);
	free(got);
}

/* Assert that linting files reports no finding of rule. */
static void expect_none(const char *const *files, const char *rule,
			const char *name)
{
	char *got = lint_files(files);
	char *key = xasprintf("%s ", rule);
	char *hit = strstr(got, key);

	if (!ok(!(hit && (hit == got || hit[-1] == '\n')), name))
		printf("#   got:\n%s", got);
	free(key);
	free(got);
}

/* Return s with the first from replaced by to (caller frees). */
static char *edit(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);

	if (!at) {
		printf("# edit: '%s' not found\n", from);
		return xstrdup(s);
	}
	return xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/* ---- YAML and markers ------------------------------------------------- */

static void test_yaml(void)
{
	const char *bad[] = { "a.yaml", "a: 1\nb: [1, 2\nc: 3\n", NULL };
	const char *dup[] = { "a.yaml", "a: 1\nb: 2\na: 3\n", NULL };
	const char *raw[] = { "raw/x.txt", "image: {{ name }}\n", NULL };
	const char *gha[] = { "raw/x.yml", "run: echo ${{ github.sha }}\n"
			      "f: '{{ .State.Health }}'\n", NULL };
	const char *jinja[] = { "raw/y.txt", "a\n{% if name %}x{% endif %}\n",
				NULL };
	const char *broken[] = { "b.txt", "{{ missing_var }}\n", NULL };

	expect(bad, "GS-002 a.yaml:", "YAML syntax error is GS-002");
	expect(dup, "GS-003 a.yaml:3", "duplicate key on line 3 is GS-003");
	expect(raw, "GS-004 raw/x.txt:1", "unrendered {{ name }} is GS-004");
	expect_none(gha, "GS-004", "${{ }} and Go templates are not markers");
	expect(jinja, "GS-004 raw/y.txt:2", "unrendered {% if %} is GS-004");
	expect(broken, "GS-001 mem/template/b.txt:1",
	       "a template that fails to render is GS-001");
}

/* ---- Containerfile ---------------------------------------------------- */

static const char good_cf[] =
	"ARG IMG=docker.io/library/python:3.12-slim\n"
	"FROM ${IMG} AS builder\n"
	"WORKDIR /src\n"
	"COPY . .\n"
	"RUN python3 -m compileall app\n"
	"FROM gcr.io/distroless/python3-debian12:nonroot AS runtime\n"
	"LABEL org.opencontainers.image.title=\"t\" \\\n"
	"      org.opencontainers.image.description=\"d\" \\\n"
	"      org.opencontainers.image.source=\"s\" \\\n"
	"      org.opencontainers.image.licenses=\"MIT\" \\\n"
	"      org.opencontainers.image.version=\"1\" \\\n"
	"      org.opencontainers.image.revision=\"r\" \\\n"
	"      org.opencontainers.image.created=\"c\"\n"
	"ENV PORT=8080\n"
	"WORKDIR /app\n"
	"COPY --from=builder /src/app ./app\n"
	"USER 65532:65532\n"
	"HEALTHCHECK CMD [\"python3\", \"-m\", \"app.health\"]\n"
	"CMD [\"python3\", \"-m\", \"app\"]\n";

static const char ignore[] =
	".git\n.github/\nk8s/\n.env*\n!.env.example\nnode_modules\n"
	"__pycache__\n";

/* Lint the Containerfile text cf with good ignore files beside it. */
static void cf_expect(const char *cf, const char *want, const char *name)
{
	const char *files[] = { "Containerfile", cf, ".dockerignore", ignore,
				".containerignore", ignore, NULL };

	expect(files, want, name);
}

static void cf_case(const char *from, const char *to, const char *want,
		    const char *name)
{
	char *cf = edit(good_cf, from, to);

	cf_expect(cf, want, name);
	free(cf);
}

/* CGO_ENABLED=0 may come from an ENV earlier in the same stage. */
static void test_cgo_from_env(void)
{
	char *cf = edit(good_cf, "RUN python3 -m compileall app",
			"ENV CGO_ENABLED=0\nRUN go build -trimpath -o /o .");
	const char *files[] = { "Containerfile", cf, ".dockerignore", ignore,
				".containerignore", ignore, NULL };

	expect_none(files, "GS-106",
		    "CGO_ENABLED=0 from an ENV of the stage satisfies GS-106");
	free(cf);
}

static void test_containerfile(void)
{
	const char *good[] = { "Containerfile", good_cf, ".dockerignore",
			       ignore, NULL };
	const char *noignore[] = { "Containerfile", good_cf, NULL };
	const char *badignore[] = { "Containerfile", good_cf, ".dockerignore",
				    ".git\n", NULL };
	const char *component[] = { "Containerfile", good_cf, ".dockerignore",
				    ignore, "services/api/Containerfile",
				    good_cf, NULL };
	const char *components[] = { "services/api/Containerfile", good_cf,
				     "services/api/.dockerignore", ignore,
				     NULL };
	char *got = lint_files(good);

	is_str(got, "", "a good Containerfile has no findings");
	free(got);
	cf_case("python:3.12-slim", "python:latest", "DL3007 Containerfile:2",
		"FROM ${ARG} with a latest default is DL3007");
	cf_case("python:3.12-slim", "python", "DL3006 Containerfile:2",
		"FROM without a tag is DL3006");
	cf_case("USER 65532:65532\n", "", "DS002 Containerfile:6",
		"a final stage without USER is DS002");
	cf_case("USER 65532:65532", "USER app", "GS-102 Containerfile:17",
		"a non-numeric USER is GS-102");
	cf_case("USER 65532:65532", "USER 0", "DL3002 Containerfile:17",
		"USER 0 is DL3002");
	cf_case("CMD [\"python3\", \"-m\", \"app\"]", "CMD python3 -m app",
		"DL3025 Containerfile:19", "shell-form CMD is DL3025");
	cf_case("RUN python3 -m compileall app",
		"RUN curl -s x | sh", "DL4006 Containerfile:5",
		"a pipe without pipefail is DL4006");
	cf_case("RUN python3 -m compileall app",
		"RUN apt-get install curl", "DL3015 Containerfile:5",
		"apt-get without --no-install-recommends is DL3015");
	cf_case("RUN python3 -m compileall app",
		"RUN apt-get install curl", "DL3009 Containerfile:5",
		"apt lists left behind is DL3009");
	cf_case("COPY . .", "ADD . .", "DL3020 Containerfile:4",
		"ADD for local files is DL3020");
	cf_case("WORKDIR /src", "WORKDIR src", "DL3000 Containerfile:3",
		"a relative WORKDIR is DL3000");
	cf_case("--from=builder", "--from=build", "DL3022 Containerfile:16",
		"COPY --from an unknown stage is DL3022");
	cf_case("ENV PORT=8080", "ENV PORT 8080",
		"LegacyKeyValueFormat Containerfile:14",
		"ENV key value is LegacyKeyValueFormat");
	cf_case("ENV PORT=8080", "ARG API_TOKEN=x",
		"SecretsUsedInArgOrEnv Containerfile:14",
		"a secret in ARG is SecretsUsedInArgOrEnv");
	cf_case("      org.opencontainers.image.created=\"c\"\n",
		"      org.opencontainers.image.x=\"c\"\n",
		"GS-104 Containerfile:6", "a missing OCI label is GS-104");
	cf_case("[\"python3\", \"-m\", \"app.health\"]",
		"[\"curl\", \"-f\", \"http://localhost\"]",
		"GS-103 Containerfile:18",
		"curl in a distroless HEALTHCHECK is GS-103");
	cf_case("AS builder", "AS Builder", "StageNameCasing Containerfile:2",
		"an uppercase stage name is StageNameCasing");
	cf_case("FROM gcr.io/distroless/python3-debian12:nonroot AS runtime\n",
		"", "GS-101 Containerfile:2", "one stage is GS-101");
	cf_case("RUN python3 -m compileall app",
		"RUN go build -trimpath -o /out/app .", "GS-106 Containerfile:5",
		"go build with cgo on is GS-106");
	cf_case("RUN python3 -m compileall app",
		"RUN CGO_ENABLED=0 go build -o /out/app .",
		"GS-106 Containerfile:5", "go build without -trimpath is GS-106");
	test_cgo_from_env();
	expect(noignore, "GS-107 Containerfile:0",
	       "a Containerfile without .dockerignore is GS-107");
	expect(component, "GS-107 services/api/Containerfile:0",
	       "a component's Containerfile needs its own .dockerignore");
	expect_none(components, "GS-107", "a component's .dockerignore "
		    "beside its Containerfile is enough");
	expect(badignore, "GS-108 .dockerignore:0",
	       "an ignore file without .env* is GS-108");
}

/* ---- Kubernetes ------------------------------------------------------- */

static const char kz[] =
	"apiVersion: kustomize.config.k8s.io/v1beta1\n"
	"kind: Kustomization\n"
	"resources:\n"
	"  - sa.yaml\n"
	"  - deploy.yaml\n"
	"  - svc.yaml\n"
	"  - hpa.yaml\n"
	"  - pdb.yaml\n"
	"  - np.yaml\n"
	"labels:\n"
	"  - pairs:\n"
	"      app.kubernetes.io/part-of: app\n"
	"      app.kubernetes.io/managed-by: kustomize\n"
	"      app.kubernetes.io/version: \"1\"\n"
	"    includeTemplates: true\n";

static const char sa[] =
	"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n"
	"automountServiceAccountToken: false\n";

static const char deploy[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: app\n"
	"  labels:\n"
	"    app.kubernetes.io/name: app\n"
	"    app.kubernetes.io/instance: app\n"
	"    app.kubernetes.io/component: api\n"
	"spec:\n"
	"  strategy:\n"
	"    type: RollingUpdate\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      app.kubernetes.io/name: app\n"
	"  template:\n"
	"    metadata:\n"
	"      labels:\n"
	"        app.kubernetes.io/name: app\n"
	"    spec:\n"
	"      serviceAccountName: app\n"
	"      automountServiceAccountToken: false\n"
	"      enableServiceLinks: false\n"
	"      securityContext:\n"
	"        runAsNonRoot: true\n"
	"        runAsUser: 65532\n"
	"        runAsGroup: 65532\n"
	"        seccompProfile:\n"
	"          type: RuntimeDefault\n"
	"      topologySpreadConstraints:\n"
	"        - maxSkew: 1\n"
	"          topologyKey: kubernetes.io/hostname\n"
	"          whenUnsatisfiable: ScheduleAnyway\n"
	"      affinity:\n"
	"        podAntiAffinity:\n"
	"          preferredDuringSchedulingIgnoredDuringExecution:\n"
	"            - weight: 100\n"
	"              podAffinityTerm:\n"
	"                topologyKey: kubernetes.io/hostname\n"
	"      containers:\n"
	"        - name: app\n"
	"          image: ghcr.io/acme/app:1.0.0\n"
	"          ports:\n"
	"            - name: http\n"
	"              containerPort: 8080\n"
	"          startupProbe:\n"
	"            httpGet: {path: /healthz, port: http}\n"
	"          livenessProbe:\n"
	"            httpGet: {path: /healthz, port: http}\n"
	"          readinessProbe:\n"
	"            httpGet: {path: /readyz, port: http}\n"
	"          resources:\n"
	"            requests: {cpu: 100m, memory: 64Mi, "
	"ephemeral-storage: 64Mi}\n"
	"            limits: {cpu: 500m, memory: 128Mi, "
	"ephemeral-storage: 64Mi}\n"
	"          securityContext:\n"
	"            allowPrivilegeEscalation: false\n"
	"            readOnlyRootFilesystem: true\n"
	"            capabilities:\n"
	"              drop: [ALL]\n"
	"          volumeMounts:\n"
	"            - name: tmp\n"
	"              mountPath: /tmp\n"
	"      volumes:\n"
	"        - name: tmp\n"
	"          emptyDir: {}\n";

static const char svc[] =
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n"
	"  labels:\n"
	"    app.kubernetes.io/name: app\n"
	"    app.kubernetes.io/instance: app\n"
	"    app.kubernetes.io/component: api\n"
	"spec:\n  type: ClusterIP\n  selector:\n"
	"    app.kubernetes.io/name: app\n"
	"  ports:\n    - name: http\n      port: 80\n      targetPort: http\n";

static const char hpa[] =
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
	"metadata:\n  name: app\nspec:\n"
	"  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
	"    name: app\n  minReplicas: 2\n  maxReplicas: 5\n";

static const char pdb[] =
	"apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
	"metadata:\n  name: app\nspec:\n  maxUnavailable: 1\n"
	"  selector:\n    matchLabels:\n      app.kubernetes.io/name: app\n";

static const char np[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
	"metadata:\n  name: deny\nspec:\n  podSelector: {}\n"
	"  policyTypes: [Ingress, Egress]\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
	"metadata:\n  name: app\nspec:\n  podSelector:\n    matchLabels:\n"
	"      app.kubernetes.io/name: app\n"
	"  policyTypes: [Ingress, Egress]\n"
	"  ingress:\n    - ports: [{port: 8080}]\n"
	"  egress:\n    - ports: [{port: 53, protocol: UDP}]\n";

/* Lint the k8s tree with file `which` replaced by text. */
static void k8s_expect(const char *which, const char *text, const char *want,
		       const char *name)
{
	const char *files[] = {
		"k8s/base/kustomization.yaml", kz, "k8s/base/sa.yaml", sa,
		"k8s/base/deploy.yaml", deploy, "k8s/base/svc.yaml", svc,
		"k8s/base/hpa.yaml", hpa, "k8s/base/pdb.yaml", pdb,
		"k8s/base/np.yaml", np, NULL
	};
	size_t i;

	for (i = 0; files[i]; i += 2)
		if (which && !strcmp(files[i] + 9, which))
			files[i + 1] = text;
	if (want)
		expect(files, want, name);
	else {
		char *got = lint_files(files);

		is_str(got, "", name);
		free(got);
	}
}

static void k8s_case(const char *which, const char *base, const char *from,
		     const char *to, const char *want, const char *name)
{
	char *text = edit(base, from, to);

	k8s_expect(which, text, want, name);
	free(text);
}

static void test_k8s(void)
{
	static const char cron[] =
		"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n"
		"  name: app-backup\nspec:\n  schedule: \"0 3 * * *\"\n"
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n"
		"          restartPolicy: Never\n"
		"          containers: []\n";

	k8s_expect(NULL, NULL, NULL, "a good tree has no findings");
	k8s_case("deploy.yaml", deploy, "runAsNonRoot: true",
		 "runAsNonRoot: false", "KSV012 k8s/base/deploy.yaml:",
		 "runAsNonRoot false is KSV012");
	k8s_case("deploy.yaml", deploy, "readOnlyRootFilesystem: true",
		 "readOnlyRootFilesystem: false",
		 "KSV014 k8s/base/deploy.yaml:", "a writable root is KSV014");
	k8s_case("deploy.yaml", deploy, "drop: [ALL]", "drop: [NET_RAW]",
		 "KSV003 k8s/base/deploy.yaml:", "not dropping ALL is KSV003");
	k8s_case("deploy.yaml", deploy, "runAsUser: 65532", "runAsUser: 1000",
		 "KSV020 k8s/base/deploy.yaml:", "UID 1000 is KSV020");
	k8s_case("deploy.yaml", deploy, "app:1.0.0", "app:latest",
		 "KSV013 k8s/base/deploy.yaml:41", "image :latest is KSV013");
	k8s_case("deploy.yaml", deploy, "/readyz", "/healthz",
		 "pod-probes k8s/base/deploy.yaml:", "identical probes");
	k8s_case("deploy.yaml", deploy, "          emptyDir: {}\n",
		 "          hostPath: {path: /tmp}\n",
		 "KSV028 k8s/base/deploy.yaml:", "hostPath is KSV028");
	k8s_case("deploy.yaml", deploy, "  strategy:\n",
		 "  replicas: 3\n  strategy:\n",
		 "GS-215 k8s/base/deploy.yaml:10",
		 "replicas with an HPA is GS-215");
	k8s_case("svc.yaml", svc, "name: app\n  ports", "name: api\n  ports",
		 "service-targets-pod k8s/base/svc.yaml:",
		 "a selector matching no pod is service-targets-pod");
	k8s_case("hpa.yaml", hpa, "minReplicas: 2", "minReplicas: 1",
		 "GS-213 k8s/base/hpa.yaml:10", "minReplicas 1 is GS-213");
	k8s_case("pdb.yaml", pdb, "maxUnavailable: 1", "minAvailable: 1",
		 "GS-214 k8s/base/pdb.yaml:", "a PDB without maxUnavailable");
	k8s_case("np.yaml", np, "  podSelector: {}\n",
		 "  podSelector:\n    matchLabels: {a: b}\n",
		 "GS-220 k8s/base/deploy.yaml:", "no default deny is GS-220");
	k8s_case("kustomization.yaml", kz, "  - np.yaml\n",
		 "  - np.yaml\n  - missing.yaml\n",
		 "GS-204 k8s/base/kustomization.yaml:10",
		 "a missing resource is GS-204");
	k8s_case("kustomization.yaml", kz, "labels:\n",
		 "commonLabels:\n  a: b\nlabels:\n",
		 "GS-205 k8s/base/kustomization.yaml:10",
		 "commonLabels is GS-205");
	k8s_case("sa.yaml", sa, "automountServiceAccountToken: false\n",
		 "", "GS-223 k8s/base/sa.yaml:",
		 "an automounting SA is GS-223");
	k8s_case("pdb.yaml", cron, "", "",
		 "GS-201 k8s/base/pdb.yaml:", "a CronJob without "
		 "concurrencyPolicy is GS-201");
	k8s_case("pdb.yaml", cron, "", "",
		 "GS-202 k8s/base/pdb.yaml:", "a CronJob without its safety "
		 "fields is GS-202");
}

/* ---- compose ---------------------------------------------------------- */

static const char dev[] =
	"services:\n"
	"  app:\n"
	"    build: .\n"
	"    depends_on:\n"
	"      db:\n"
	"        condition: service_healthy\n"
	"    ports:\n"
	"      - '127.0.0.1:8080:8080'\n"
	"  db:\n"
	"    image: docker.io/library/postgres:17-bookworm\n"
	"    volumes:\n"
	"      - db-data:/var/lib/postgresql/data\n"
	"    healthcheck:\n"
	"      test: [\"CMD-SHELL\", \"pg_isready -U app\"]\n"
	"volumes:\n"
	"  db-data:\n";

static const char prod[] =
	"services:\n"
	"  app:\n"
	"    image: ghcr.io/acme/app:1.0.0\n"
	"    restart: unless-stopped\n"
	"    read_only: true\n"
	"    tmpfs: [/tmp]\n"
	"    cap_drop: [ALL]\n"
	"    security_opt: [\"no-new-privileges:true\"]\n"
	"    init: true\n"
	"    logging:\n      options:\n        max-size: 10m\n"
	"    deploy:\n      resources:\n        limits: {memory: 512M}\n";

static void compose_case(const char *which, const char *from, const char *to,
			 const char *want, const char *name)
{
	char *d = edit(dev, which[0] == 'd' ? from : "", which[0] == 'd' ?
		       to : "");
	char *p = edit(prod, which[0] == 'p' ? from : "", which[0] == 'p' ?
		       to : "");
	const char *files[] = { "compose.yaml", d, "compose.prod.yaml", p,
				NULL };

	if (want) {
		expect(files, want, name);
	} else {
		char *got = lint_files(files);

		is_str(got, "", name);
		free(got);
	}
	free(d);
	free(p);
}

static void test_compose(void)
{
	compose_case("dev", "", "", NULL, "good compose files: no findings");
	compose_case("dev", "      db:\n        condition",
		     "      dbx:\n        condition", "GS-301 compose.yaml:5",
		     "depends_on an undefined service is GS-301");
	compose_case("dev", "condition: service_healthy",
		     "condition: service_started", "GS-302 compose.yaml:5",
		     "not waiting for healthy is GS-302");
	compose_case("dev", "pg_isready -U app", "true",
		     "GS-303 compose.yaml:10", "a Postgres healthcheck without "
		     "pg_isready is GS-303");
	compose_case("dev", "postgres:17", "postgres:18",
		     "GS-304 compose.yaml:12", "the old data path on 18 is "
		     "GS-304");
	compose_case("dev", "  db-data:\n", "  other:\n",
		     "GS-305 compose.yaml:12",
		     "an undeclared volume is GS-305");
	compose_case("dev", "'127.0.0.1:8080:8080'", "'8080:8080'",
		     "GS-306 compose.yaml:8", "a port on every interface is "
		     "GS-306");
	compose_case("prod", "    init: true\n", "",
		     "GS-307 compose.prod.yaml:3", "production without init is "
		     "GS-307");
	compose_case("prod", "    image: ghcr.io/acme/app:1.0.0\n",
		     "    build: .\n", "GS-309 compose.prod.yaml:3",
		     "production build: is GS-309");
}

/* ---- workflows -------------------------------------------------------- */

static const char wf[] =
	"name: ci\n"
	"on:\n  pull_request:\n"
	"permissions: {}\n"
	"concurrency:\n  group: ci-${{ github.ref }}\n"
	"  cancel-in-progress: true\n"
	"jobs:\n"
	"  test:\n"
	"    runs-on: ubuntu-24.04\n"
	"    timeout-minutes: 10\n"
	"    permissions:\n      contents: read\n"
	"    steps:\n"
	"      - uses: actions/checkout@"
	"11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
	"        with:\n          persist-credentials: false\n"
	"      - run: echo \"$TITLE\"\n"
	"        env:\n"
	"          TITLE: ${{ github.event.pull_request.title }}\n";

static void wf_case(const char *from, const char *to, const char *want,
		    const char *name)
{
	char *text = edit(wf, from, to);
	const char *files[] = { ".github/workflows/ci.yml", text, NULL };

	if (want) {
		expect(files, want, name);
	} else {
		char *got = lint_files(files);

		is_str(got, "", name);
		free(got);
	}
	free(text);
}

static void test_workflows(void)
{
	static const char dependabot[] =
		"version: 2\nupdates:\n"
		"  - package-ecosystem: github-actions\n    directory: /\n"
		"    schedule: {interval: weekly}\n"
		"    groups: {all: {patterns: ['*']}}\n"
		"    cooldown: {default-days: 7}\n"
		"  - package-ecosystem: docker\n    directory: /\n"
		"    schedule: {interval: weekly}\n"
		"    groups: {all: {patterns: ['*']}}\n"
		"    cooldown: {default-days: 7}\n"
		"  - package-ecosystem: pip\n    directory: /\n"
		"    schedule: {interval: weekly}\n"
		"    groups: {all: {patterns: ['*']}}\n"
		"    cooldown: {default-days: 7}\n";
	const char *dep[] = { ".github/dependabot.yml", dependabot, NULL };
	char *nocool = edit(dependabot, "    cooldown: {default-days: 7}\n"
			    "  - package-ecosystem: docker",
			    "  - package-ecosystem: docker");
	const char *bad[] = { ".github/dependabot.yml", nocool, NULL };

	wf_case("", "", NULL, "a good workflow has no findings");
	wf_case("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4",
		"unpinned-uses .github/workflows/ci.yml:15",
		"uses: @v4 is unpinned-uses");
	wf_case(" # v4.2.2", "", "GS-401 .github/workflows/ci.yml:15",
		"a SHA without a version comment is GS-401");
	wf_case("echo \"$TITLE\"",
		"echo \"${{ github.event.pull_request.title }}\"",
		"template-injection .github/workflows/ci.yml:18",
		"github.event in run: is template-injection");
	wf_case("persist-credentials: false", "persist-credentials: true",
		"artipacked .github/workflows/ci.yml:15",
		"persisted checkout credentials are artipacked");
	wf_case("  pull_request:\n", "  pull_request_target:\n",
		"dangerous-triggers .github/workflows/ci.yml:3",
		"pull_request_target is dangerous-triggers");
	wf_case("permissions: {}\n", "permissions: write-all\n",
		"excessive-permissions .github/workflows/ci.yml:4",
		"top-level write-all is excessive-permissions");
	wf_case("    timeout-minutes: 10\n", "",
		"GS-402 .github/workflows/ci.yml:10",
		"a job without timeout-minutes is GS-402");
	wf_case("concurrency:\n  group: ci-${{ github.ref }}\n"
		"  cancel-in-progress: true\n", "",
		"GS-403 .github/workflows/ci.yml:", "no concurrency is GS-403");
	expect_none(dep, "dependabot-cooldown", "a good dependabot.yml");
	expect(bad, "dependabot-cooldown .github/dependabot.yml:3",
	       "an update without cooldown is dependabot-cooldown");
	free(nocool);
}

/* ---- Trivy ------------------------------------------------------------ */

static void test_trivy(void)
{
	static const char good[] =
		"severity: [CRITICAL, HIGH]\nexit-code: 1\n"
		"scan:\n  scanners: [vuln, misconfig]\n"
		"vulnerability:\n  ignore-unfixed: true\n";
	const char *ok_[] = { "trivy.yaml", good, ".trivyignore",
			      "# accepted: no fix upstream\n"
			      "CVE-2024-0001 exp:2030-02-28\n", NULL };
	const char *typo[] = { "trivy.yaml", "vulnerability:\n"
			       "  ignore-unfixd: true\n", NULL };
	const char *top[] = { "trivy.yaml", "ignore-unfixed: true\n", NULL };
	const char *scanner[] = { "trivy.yaml", "scan:\n  scanners: [vulns]\n",
				  NULL };
	const char *date[] = { ".trivyignore", "# why\n"
			       "CVE-2024-0001 exp:2025-02-30\n", NULL };
	const char *why[] = { ".trivyignore", "CVE-2024-0001\n", NULL };
	char *got = lint_files(ok_);

	is_str(got, "", "good trivy files have no findings");
	free(got);
	expect(typo, "GS-501 trivy.yaml:2", "a key typo is GS-501");
	expect(top, "GS-501 trivy.yaml:1", "ignore-unfixed at the top level "
	       "is GS-501");
	expect(scanner, "GS-505 trivy.yaml:2", "an unknown scanner is GS-505");
	expect(date, "GS-502 .trivyignore:2", "February 30 is GS-502");
	expect(why, "GS-503 .trivyignore:1", "no justification is GS-503");
}

/* ---- linter lists ----------------------------------------------------- */

static void test_linter_list(void)
{
	struct diag err = DIAG_INIT;
	unsigned set = 0;

	is_int(linter_parse_list("builtin,yamllint", &set, &err), 0,
	       "a list of linters parses");
	is_int(set, (1u << LINTER_BUILTIN) | (1u << LINTER_YAMLLINT),
	       "the set has both");
	is_int(linter_parse_list("yamlint", &set, &err), ERR_INPUT,
	       "an unknown linter is bad input");
	is_str(err.msg, "unknown linter 'yamlint'", "the message names it");
	is_str(err.hint, "did you mean 'yamllint'?", "the hint suggests");
	diag_release(&err);
	is_int(linter_parse_list("all", &set, &err), 0, "all parses");
	is_int(set, (1u << LINTER_COUNT) - 1, "all is every linter");
}

/* ---- Helm chart templates ------------------------------------------------ */

static void test_helm_templates(void)
{
	struct diag err = DIAG_INIT;
	unsigned set = 0;
	const char *tpl = "kind: Service\nmetadata:\n"
		"  name: {{ .Release.Name }}\n";

	ok(lint_helm_template("chart/templates/svc.yaml", tpl),
	   "a chart's templates/ file with {{ is a Helm template");
	ok(lint_helm_template("templates/svc.yaml", tpl),
	   "so is one of a chart at the project root");
	ok(!lint_helm_template("chart/templates/svc.yaml", "kind: Service\n"),
	   "a templates/ file without {{ is plain YAML");
	ok(!lint_helm_template("k8s/base/svc.yaml", tpl),
	   "outside templates/ a {{ is an unrendered marker, not Helm");
	ok(!lint_ext_wants(LINTER_YAMLLINT, "chart/templates/svc.yaml", tpl),
	   "yamllint skips Helm templates");
	ok(lint_ext_wants(LINTER_YAMLLINT, "chart/values.yaml", "a: 1\n"),
	   "yamllint still checks the chart's values");
	is_int(linter_parse_list("helm", &set, &err), 0,
	       "helm is a linter name");
	is_int(set, 1u << LINTER_HELM, "it selects the helm linter");
	diag_release(&err);
}

/* ---- the rule table ------------------------------------------------------- */

struct rule_check {
	const char *prev;
	size_t n, bad;
};

static void check_rule(const struct lint_rule *r, void *ud)
{
	struct rule_check *rc = ud;

	if (!r->summary || !*r->summary || !r->fix || !*r->fix ||
	    (rc->prev && strcmp(rc->prev, r->id) >= 0)) {
		printf("# bad rule entry '%s'\n", r->id);
		rc->bad++;
	}
	rc->prev = r->id;
	rc->n++;
}

static void test_rules(void)
{
	struct rule_check rc = { NULL, 0, 0 };

	lint_rules_foreach(&lint_builtin_checks, check_rule, &rc);
	ok(rc.n > 80, "the built-in rule table is complete");
	is_int(rc.bad, 0, "every rule has a unique id, a summary and a fix");
}

int main(void)
{
	test_yaml();
	test_containerfile();
	test_k8s();
	test_compose();
	test_workflows();
	test_trivy();
	test_linter_list();
	test_helm_templates();
	test_rules();
	return tap_done();
}
