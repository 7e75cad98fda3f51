#!/usr/bin/env bats
# The built-in service template with components: the layout of one, two
# and four components, the Kubernetes objects and NetworkPolicies they get,
# the lists genship refuses (exit 2, nothing written), an empty list as the
# single-service layout, and the generated deploy script against a stub
# kubectl.

bats_require_minimum_version 1.5.0

load helpers

SUMMARY="$TOP_SRCDIR/tests/cli/k8s-summary.py"
export GENSHIP_LINT_DIR="$TOP_SRCDIR/tools/lint"

ONE='[{name: api}]'
TWO='[{name: api, language: go}, {name: web, language: node, port: 3000, public: true, calls: api, database: false}]'
FOUR='[{name: backend, language: go, port: 8080, public: true, calls: worker},
	{name: frontend, language: node, port: 3000, public: true, calls: backend, database: false, cache: false},
	{name: worker, language: python, port: 8081, calls: agent},
	{name: agent, language: go, port: 9090, calls: "backend,worker", database: false}]'

# new_project DIR COMPONENTS [ARGS...]: generate the service with the
# components COMPONENTS (and ARGS) into DIR, without hooks.
new_project() {
	local dir=$1 list=$2
	shift 2
	genship new --no-input --no-hooks -o "$dir" --set project_name=shop \
		--set "components=$list" "$@" >/dev/null
}

# files DIR: the project's files, relative, sorted.
files() {
	(cd "$1" && find . -type f ! -name .genship.yml -printf '%P\n' |
		LC_ALL=C sort)
}

# policies DIR OVERLAY: render DIR's OVERLAY to DIR-OVERLAY.yaml with the
# project's own k8s-render.sh, and print its NetworkPolicies.
policies() {
	"$1/scripts/k8s-render.sh" "$2" >/dev/null 2>&1
	cp "$1/build/k8s/$2.yaml" "$1-$2.yaml"
	python3 "$SUMMARY" "$1-$2.yaml" NetworkPolicy
}

need_kubectl() {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
}

@test "an empty list is the single-service layout, byte for byte" {
	genship new --no-input --no-hooks -o default >/dev/null
	run genship new --no-input --no-hooks -o empty --set 'components=[]'
	assert_success
	run diff -r -x .genship.yml default empty
	assert_success
	[ -f empty/Containerfile ]
	[ ! -e empty/services ]
	run grep -x '  components: \[\]' empty/.genship.yml
	assert_success
}

@test "one component: services/api and k8s/base/api replace the root app" {
	new_project one "$ONE" --set github_actions=false --set trivy=false
	run files one
	assert_output - <<-'EOF'
	.checkov.yaml
	.editorconfig
	.env.example
	.gitignore
	.yamllint.yml
	Makefile
	README.md
	compose.dev.yaml
	compose.prod.yaml
	compose.yaml
	k8s/base/api/deployment.yaml
	k8s/base/api/hpa.yaml
	k8s/base/api/networkpolicy.yaml
	k8s/base/api/pdb.yaml
	k8s/base/api/service.yaml
	k8s/base/api/serviceaccount.yaml
	k8s/base/kustomization.yaml
	k8s/base/networkpolicy.yaml
	k8s/overlays/local/kustomization.yaml
	k8s/overlays/local/namespace.yaml
	k8s/overlays/local/secrets.env.example
	k8s/overlays/production/deployment-resources.yaml
	k8s/overlays/production/hpa-replicas.yaml
	k8s/overlays/production/kustomization.yaml
	k8s/overlays/production/namespace.yaml
	k8s/overlays/production/secrets.env.example
	k8s/overlays/staging/kustomization.yaml
	k8s/overlays/staging/namespace.yaml
	k8s/overlays/staging/secrets.env.example
	scripts/deploy.sh
	scripts/init-env.sh
	scripts/k8s-render.sh
	scripts/lint.sh
	scripts/local-cluster.sh
	services/api/.containerignore
	services/api/.dockerignore
	services/api/Containerfile
	services/api/app/__init__.py
	services/api/app/__main__.py
	services/api/app/healthcheck.py
	services/api/app/server.py
	services/api/dev/reload.py
	services/api/pyproject.toml
	services/api/requirements-dev.txt
	services/api/tests/__init__.py
	services/api/tests/test_server.py
	EOF
	# The app is the single-service app, named after the component.
	run grep -E '^SERVICE = ' one/services/api/app/server.py
	assert_output 'SERVICE = "shop-api"'
	# The dev stage's, then the runtime stage's.
	run grep -E '^    PORT=|^EXPOSE' one/services/api/Containerfile
	assert_output $'    PORT=8080\nEXPOSE 8080\n    PORT=8080\nEXPOSE 8080'
	run grep -F 'org.opencontainers.image.source=' one/services/api/Containerfile
	assert_output --partial '"https://github.com/acme/shop"'
}

@test "one component that nothing calls admits only its own pods" {
	need_kubectl
	new_project one "$ONE"
	run policies one production
	assert_output - <<-'EOF'
	NetworkPolicy default-deny-all pods=all in=[] out=[]
	NetworkPolicy shop-api pods=shop-api in=[shop-api TCP/8080] out=[kube-dns UDP/53,TCP/53]
	EOF
	run python3 "$SUMMARY" one-production.yaml Ingress
	assert_output ''
}

@test "two components: the caller reaches the callee, the public one gets the Ingress" {
	need_kubectl
	new_project two "$TWO" --set database=postgres --set ingress_host=shop.example.org
	run policies two staging
	assert_output - <<-'EOF'
	NetworkPolicy default-deny-all pods=all in=[] out=[]
	NetworkPolicy shop-api pods=shop-api in=[shop-web TCP/8080] out=[kube-dns UDP/53,TCP/53; any TCP/5432]
	NetworkPolicy shop-web pods=shop-web in=[ns/ingress-nginx TCP/3000] out=[shop-api TCP/8080; kube-dns UDP/53,TCP/53]
	EOF
	run python3 "$SUMMARY" two-staging.yaml Ingress Deployment
	assert_output - <<-'EOF'
	Deployment shop-api image=ghcr.io/acme/shop-api:0.1.0 port=8080 env-from=shop-config,shop-api-config
	Deployment shop-web image=ghcr.io/acme/shop-web:0.1.0 port=3000 env-from=shop-config,shop-web-config
	Ingress shop-web staging.web.shop.example.org -> shop-web:http tls=shop-web-staging-tls
	EOF
	# Only the component with the database gets its settings and secrets.
	run grep -c 'key: PGPASSWORD' two/k8s/base/api/deployment.yaml \
		two/k8s/base/web/deployment.yaml
	assert_output $'two/k8s/base/api/deployment.yaml:1\ntwo/k8s/base/web/deployment.yaml:0'
	run grep -E '^  (api|web):$|_URL|PGHOST' two/compose.yaml
	assert_output - <<-'EOF'
	  api:
	      PGHOST: postgres
	  web:
	      API_URL: http://api:8080
	EOF
}

@test "four components: objects, Ingresses and policies follow the list" {
	need_kubectl
	new_project four "$FOUR" --set cache=redis
	run policies four production
	assert_output - <<-'EOF'
	NetworkPolicy default-deny-all pods=all in=[] out=[]
	NetworkPolicy shop-agent pods=shop-agent in=[shop-worker TCP/9090] out=[shop-backend TCP/8080; shop-worker TCP/8081; kube-dns UDP/53,TCP/53; any TCP/6379]
	NetworkPolicy shop-backend pods=shop-backend in=[ns/ingress-nginx TCP/8080; shop-frontend,shop-agent TCP/8080] out=[shop-worker TCP/8081; kube-dns UDP/53,TCP/53; any TCP/6379]
	NetworkPolicy shop-frontend pods=shop-frontend in=[ns/ingress-nginx TCP/3000] out=[shop-backend TCP/8080; kube-dns UDP/53,TCP/53]
	NetworkPolicy shop-worker pods=shop-worker in=[shop-backend,shop-agent TCP/8081] out=[shop-agent TCP/9090; kube-dns UDP/53,TCP/53; any TCP/6379]
	EOF
	run python3 "$SUMMARY" four-production.yaml Ingress
	assert_output - <<-'EOF'
	Ingress shop-backend backend.shop.example.com -> shop-backend:http tls=shop-backend-tls
	Ingress shop-frontend frontend.shop.example.com -> shop-frontend:http tls=shop-frontend-tls
	EOF
	run bash -c "python3 '$SUMMARY' four-production.yaml | cut -d' ' -f1,2 |
		grep -E '^(ServiceAccount|Service|Deployment|HorizontalPodAutoscaler|PodDisruptionBudget) ' |
		sort | awk '{print \$1}' | uniq -c"
	assert_output - <<-'EOF'
	      4 Deployment
	      4 HorizontalPodAutoscaler
	      4 PodDisruptionBudget
	      4 Service
	      4 ServiceAccount
	EOF
}

@test "four components: one app per language, and every linter is clean" {
	new_project four "$FOUR"
	run ls four/services/backend four/services/frontend four/services/worker
	assert_output - <<-'EOF'
	four/services/backend:
	Containerfile
	dev
	go.mod
	main.go
	main_test.go

	four/services/frontend:
	Containerfile
	biome.json
	package-lock.json
	package.json
	src
	test

	four/services/worker:
	Containerfile
	app
	dev
	pyproject.toml
	requirements-dev.txt
	tests
	EOF
	run grep -h '^module' four/services/backend/go.mod four/services/agent/go.mod
	assert_output $'module github.com/acme/shop/services/backend\nmodule github.com/acme/shop/services/agent'
	run genship validate --set project_name=shop --set "components=$FOUR" \
		--set database=postgres --set cache=redis --set backup=true \
		--set signing=true --set multi_arch=true
	assert_success
	assert_line --partial '1 combination, 1 passed, 0 failed; 0 unique findings'
}

@test "bad list: two components named api are refused, nothing written" {
	run genship new --no-input -o out \
		--set 'components=[{name: api}, {name: api, port: 9000}]'
	assert_failure 2
	assert_output - <<-'EOF'
	--set:1:12: error: invalid value '[{name: api}, {name: api, port: 9000}]' for option 'components': elements 1 and 2 have the same name 'api'; each element needs its own name
	    1 | components=[{name: api}, {name: api, port: 9000}]
	      |            ^
	EOF
	assert_nothing_written
}

@test "bad list: a call to no component, a shared port, a reserved name" {
	# The messages name the values: which call, which two components.
	run genship new --no-input -o out \
		--set 'components=[{name: api, port: 9000}, {name: web, calls: "apii"}]'
	assert_failure 2
	assert_line --partial "for option 'components': element 2, field 'calls': no element has name 'apii'; did you mean 'api'?"
	run genship new --no-input -o out \
		--set 'components=[{name: web, calls: "api"}]'
	assert_failure 2
	assert_line --partial "element 1, field 'calls': no element has name 'api'"
	refute_output --partial 'did you mean'
	run genship new --no-input -o out \
		--set 'components=[{name: api}, {name: web}]'
	assert_failure 2
	assert_line --partial "for option 'components': elements 1 and 2 ('api' and 'web') have the same port '8080'; each element needs its own port"
	run genship new --no-input -o out \
		--set 'components=[{name: postgres, port: 9000}]'
	assert_failure 2
	assert_line "--set:1:12: error: components 'postgres' is not allowed: the component names postgres, redis and pg-backup are taken by the compose services and the backup job"
	run genship new --no-input -o out \
		--set 'components=[{name: api, port: 5432}]'
	assert_failure 2
	assert_line "--set:1:12: error: components 'api' is not allowed: a component's port collides with the PostgreSQL or Redis port used by the dev stack and the NetworkPolicy"
	run genship new --no-input -o out \
		--set 'components=[{name: API}]'
	assert_failure 2
	assert_line --partial "element 1, field 'name'"
	run genship new --no-input -o out \
		--set 'components=[{name: api, calls: "web, db"}]'
	assert_failure 2
	assert_line --partial "element 1, field 'calls'"
	assert_nothing_written
}

@test "language and port are asked only without components" {
	run genship options service
	assert_success
	assert_output --partial - <<-'EOF'
	language (choice)
	  default: python
	  choices: python, node, go, typescript
	  when: not components
	EOF
	assert_output --partial - <<-'EOF'
	port (int)
	  default: 8080
	  range: 1024..65535
	  when: not components
	EOF
}

@test "update turns a single service into components" {
	genship new --no-input --no-hooks -o svc --set project_name=shop \
		--set github_actions=false >/dev/null
	cd svc
	run genship update --set "components=$TWO"
	assert_success
	assert_line 'removed   Containerfile'
	assert_line 'removed   app/server.py'
	assert_line 'added     services/api/main.go'
	assert_line 'added     services/web/src/server.js'
	assert_line 'added     k8s/base/web/ingress.yaml'
	[ ! -e k8s/base/api/ingress.yaml ]
	run genship check
	assert_success
}

# A kubectl for deploy.sh: it logs every call to $KSTATE/calls, keeps the
# kustomization that `apply -k` gets, bumps the revision of the Deployments
# named in $KCHANGED on apply, and fails `rollout status` for those in
# $KFAIL.
stub_kubectl() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/kubectl" <<-'EOF'
	#!/usr/bin/env bash
	set -euo pipefail
	printf '%s\n' "$*" >>"$KSTATE/calls"
	if [ "$1" = -n ]; then shift 2; fi
	case "$1 $2" in
	"apply -k")
		cp "$3/kustomization.yaml" "$KSTATE/applied.yaml"
		for d in $KCHANGED; do
			echo $(($(cat "$KSTATE/$d") + 1)) >"$KSTATE/$d"
		done
		;;
	"get deployment/"*)
		cat "$KSTATE/${2#deployment/}" 2>/dev/null || true
		;;
	"rollout status")
		case " $KFAIL " in *" ${3#deployment/} "*) exit 1 ;; esac
		;;
	esac
	EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/kubectl"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH" KSTATE="$BATS_TEST_TMPDIR/state"
	mkdir -p "$KSTATE"
}

# deploy_project: a three-component project with real-looking staging
# secrets, and revisions 3, 5 and 2 already deployed.
deploy_project() {
	new_project shop '[{name: api}, {name: web, port: 3000, public: true, calls: api}, {name: jobs, port: 9000}]'
	printf 'APP_SECRET_KEY=%s\n' "$(printf 'k%.0s' {1..32})" \
		>shop/k8s/overlays/staging/secrets.env
	stub_kubectl
	echo 3 >"$KSTATE/shop-api"
	echo 5 >"$KSTATE/shop-web"
	echo 2 >"$KSTATE/shop-jobs"
}

DIGEST=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

@test "deploy.sh pins one tag for all, a digest for one, and waits for each" {
	deploy_project
	KCHANGED='shop-api shop-web shop-jobs' KFAIL='' \
		run shop/scripts/deploy.sh staging sha-1a2b3c4 "api=$DIGEST"
	assert_success
	assert_line 'deployed staging'
	run cat "$KSTATE/applied.yaml"
	assert_output - <<-EOF
	apiVersion: kustomize.config.k8s.io/v1beta1
	kind: Kustomization
	resources:
	  - ../k8s/overlays/staging
	images:
	  - name: ghcr.io/acme/shop-api
	    digest: $DIGEST
	  - name: ghcr.io/acme/shop-web
	    newTag: sha-1a2b3c4
	  - name: ghcr.io/acme/shop-jobs
	    newTag: sha-1a2b3c4
	EOF
	run grep -c 'rollout status' "$KSTATE/calls"
	assert_output 3
	run grep 'rollout undo' "$KSTATE/calls"
	assert_failure
}

@test "deploy.sh rolls back every component it changed when one fails" {
	deploy_project
	KCHANGED='shop-api shop-web' KFAIL='shop-web' \
		run --separate-stderr shop/scripts/deploy.sh staging "web=$DIGEST" "api=$DIGEST"
	assert_failure 1
	[[ "$stderr" == *"error: web did not roll out within 300s; rolling back every component this deploy changed"* ]]
	run grep 'rollout undo' "$KSTATE/calls"
	assert_output - <<-'EOF'
	-n shop-staging rollout undo deployment/shop-api
	-n shop-staging rollout undo deployment/shop-web
	EOF
}

@test "deploy.sh refuses an unknown component before touching the cluster" {
	deploy_project
	KCHANGED='' KFAIL='' run --separate-stderr shop/scripts/deploy.sh staging "db=$DIGEST"
	assert_failure 2
	assert_equal "$stderr" "error: unknown component 'db' (api web jobs)"
	[ ! -e "$KSTATE/calls" ]
}
