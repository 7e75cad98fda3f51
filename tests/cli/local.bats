#!/usr/bin/env bats
# The service template's local cluster (issue 18, part 5): the `local`
# Kustomize overlay and the chart's values-local.yaml, their in-cluster
# PostgreSQL and Redis, `make local-up` / `local-down` through
# scripts/local-cluster.sh (kind), `scripts/deploy.sh local`, and
# validate's availability rules, which apply to staging and production
# only. There is no cluster here: kind, kubectl (except `kubectl
# kustomize`), helm upgrade and the container tool are fakes that log what
# they were asked to do.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	enter_work || return 1
}

# gen DIR ARGS...: a project from the built-in template, without hooks.
gen() {
	local dir=$1
	shift
	genship new --no-input --no-hooks -o "$dir" "$@" >/dev/null
}

need() {
	command -v "$1" >/dev/null || skip "$1 is not installed"
}

# fakes CONTEXT: kubectl, helm, kind and podman on ./bin that log their
# arguments to ./log; kubectl reports CONTEXT as the current context and
# runs the real `kubectl kustomize`; `kind get clusters` lists nothing.
fakes() {
	local real tool
	real=$(command -v kubectl || echo false)
	mkdir -p bin
	for tool in kubectl helm kind podman; do
		cat >"bin/$tool" <<-EOF
			#!/usr/bin/env bash
			if [ "$tool" = kubectl ] && [ "\$1" = kustomize ]; then exec "$real" "\$@"; fi
			printf '%s %s\n' "$tool" "\$*" >>"$PWD/log"
			case "$tool \$*" in
			"kubectl config current-context") echo "$1" ;;
			"kubectl apply -f -") cat >/dev/null ;;
			esac
			exit 0
		EOF
		chmod +x "bin/$tool"
	done
}

@test "the local overlay: one replica, PostgreSQL and Redis in the cluster, restricted" {
	need kubectl
	gen k --set database=postgres --set cache=redis --set extras=migrations,alerts \
		--set backup=true
	cp k/k8s/overlays/local/secrets.env.example k/k8s/overlays/local/secrets.env
	run --separate-stderr kubectl kustomize k/k8s/overlays/local
	assert_success
	[ -z "$stderr" ]
	printf '%s\n' "$output" >l.yaml
	run yq l.yaml '[d["kind"] + " " + d["metadata"]["name"] for d in docs
		if d["kind"] in ("StatefulSet", "Service", "NetworkPolicy", "PrometheusRule",
		                 "CronJob", "Job", "Namespace")]'
	assert_output - <<-'EOF'
	Namespace my-service-local
	Service my-service
	Service postgres
	Service redis
	StatefulSet postgres
	StatefulSet redis
	CronJob my-service-pg-backup
	Job my-service-migrate
	NetworkPolicy default-deny-all
	NetworkPolicy my-service
	NetworkPolicy my-service-backup
	NetworkPolicy my-service-migrate
	NetworkPolicy postgres
	NetworkPolicy redis
	EOF
	run yq l.yaml '[(h["spec"]["minReplicas"], h["spec"]["maxReplicas"]) for h in kind("HorizontalPodAutoscaler")]'
	assert_output '(1, 2)'
	run yq l.yaml 'kind("Namespace")[0]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]'
	assert_output restricted
	# Pinned images, a claim each, the restricted profile, the Secret's keys.
	run yq l.yaml '[(s["metadata"]["name"], c["image"], s["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
		c["securityContext"]["runAsUser"], c["securityContext"]["readOnlyRootFilesystem"],
		sorted(e["valueFrom"]["secretKeyRef"]["key"] for e in c["env"] if "valueFrom" in e))
		for s in kind("StatefulSet") for c in s["spec"]["template"]["spec"]["containers"]]'
	assert_output - <<-'EOF'
	('postgres', 'docker.io/library/postgres:17-bookworm', '1Gi', 65532, True, ['PGPASSWORD', 'PGUSER'])
	('redis', 'docker.io/library/redis:7.4-bookworm', '1Gi', 65532, True, ['REDIS_PASSWORD', 'REDIS_PASSWORD'])
	EOF
	# The Secret they read is the overlay's generated one.
	secret=$(yq l.yaml 'kind("Secret")[0]["metadata"]["name"]')
	[[ "$secret" == my-service-secrets-* ]]
	run grep -c "name: $secret" l.yaml
	[ "$output" -ge 6 ]
	# Only the project's pods may reach the data stores.
	run yq l.yaml '[(n["metadata"]["name"], n["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"], n["spec"]["ingress"][0]["ports"][0]["port"])
		for n in kind("NetworkPolicy") if n["metadata"]["name"] in ("postgres", "redis")]'
	assert_output - <<-'EOF'
	('postgres', {'app.kubernetes.io/part-of': 'my-service'}, 5432)
	('redis', {'app.kubernetes.io/part-of': 'my-service'}, 6379)
	EOF
	grep -q 'host: my-service.localhost' l.yaml
	grep -q 'image: ghcr.io/acme/my-service:dev' l.yaml
	# Without data stores, none of it.
	gen n
	[ ! -e n/k8s/overlays/local/postgres.yaml ]
	[ ! -e n/k8s/overlays/local/redis.yaml ]
	run grep -c 'postgres\|redis' n/k8s/overlays/local/kustomization.yaml
	assert_output 0
}

@test "components: every public component answers on <name>.<project>.localhost" {
	need kubectl
	gen c --answers "$TOP_SRCDIR/examples/two-components-kustomize.yml"
	cp c/k8s/overlays/local/secrets.env.example c/k8s/overlays/local/secrets.env
	kubectl kustomize c/k8s/overlays/local >c.yaml
	run yq c.yaml '[(i["metadata"]["name"], i["spec"]["rules"][0]["host"], i["spec"]["tls"][0]["secretName"]) for i in kind("Ingress")]'
	assert_output --regexp "^\('[a-z-]+', '[a-z-]+\.[a-z-]+\.localhost', '[a-z-]+-local-tls'\)"
	run yq c.yaml '[h["spec"]["minReplicas"] for h in kind("HorizontalPodAutoscaler")]'
	refute_output --partial 2
}

@test "values-local.yaml: the same data stores, one replica, and two everywhere else" {
	need_helm
	gen h --set k8s_flavor=helm --set database=postgres --set cache=redis
	chart=h/charts/my-service
	run "$HELM" lint --strict --quiet "$chart" -f "$chart/values-local.yaml" \
		-f "$chart/secrets.example.yaml"
	assert_success
	"$HELM" template my-service "$chart" --namespace my-service-local \
		-f "$chart/values-local.yaml" -f "$chart/secrets.example.yaml" >l.yaml
	run yq l.yaml '[d["kind"] + " " + d["metadata"]["name"] for d in docs if d["kind"] == "StatefulSet"]'
	assert_output - <<-'EOF'
	StatefulSet postgres
	StatefulSet redis
	EOF
	run yq l.yaml '[h["spec"]["minReplicas"] for h in kind("HorizontalPodAutoscaler")]'
	assert_output 1
	# Another Secret name reaches the data stores too.
	printf 'secret:\n  existingSecret: vault-synced\n' >ext.yaml
	"$HELM" template my-service "$chart" -f "$chart/values-local.yaml" -f ext.yaml >e.yaml
	run yq e.yaml '[e["valueFrom"]["secretKeyRef"]["name"] for s in kind("StatefulSet")
		for e in s["spec"]["template"]["spec"]["containers"][0]["env"] if "valueFrom" in e]'
	assert_output - <<-'EOF'
	vault-synced
	vault-synced
	vault-synced
	vault-synced
	EOF
	# Staging and production keep two replicas at least.
	printf 'autoscaling:\n  minReplicas: 1\n' >one.yaml
	run "$HELM" template my-service "$chart" -f "$chart/values-staging.yaml" \
		-f one.yaml -f "$chart/secrets.example.yaml"
	assert_failure 1
	assert_output --partial "- at '/autoscaling/minReplicas': minimum: got 1, want 2"
	# Without data stores, values-local.yaml does not mention them.
	gen n --set k8s_flavor=helm
	run grep -c localDataStores n/charts/my-service/values-local.yaml n/charts/my-service/values.yaml
	assert_output - <<-'EOF'
	n/charts/my-service/values-local.yaml:0
	n/charts/my-service/values.yaml:0
	EOF
}

@test "validate: the availability rules skip the local environment, and say so" {
	need_helm
	need kubectl
	run genship validate --set database=postgres --set cache=redis --lint builtin,kustomize
	assert_success
	assert_output --partial '3 unique overlay builds'
	run genship validate --set k8s_flavor=helm --set database=postgres --lint builtin,helm
	assert_success
	assert_output --regexp 'helm +ran: 3 unique chart renders'
	# The local autoscalers must still scale, and the fix says where the
	# minimum of two applies.
	cp -R "$TOP_SRCDIR/templates/service" svc
	sed -i 's|^        value: 2$|        value: 1|' svc/template/k8s/overlays/local/kustomization.yaml
	run genship validate ./svc --set database=postgres --lint builtin,kustomize
	assert_failure 1
	assert_output --partial "k8s/base/hpa.yaml:15:16: GS-213: HPA 'my-service': maxReplicas is not greater than minReplicas (built by k8s/overlays/local: HorizontalPodAutoscaler/my-service) [builtin]"
	assert_output --partial "fix: use autoscaling/v2, maxReplicas > minReplicas and a scaleTargetRef naming an existing Deployment; minReplicas >= 2 everywhere but the local overlay and values-local.yaml, which may run one replica"
	refute_output --partial 'below 2'
	# values.schema.json keeps two replicas outside local (production sets
	# 3 itself): one finding, at the key that set the value.
	sed -i 's|^  minReplicas: 2$|  minReplicas: 1|' "svc/template/charts/{{project_name}}/values.yaml"
	run genship validate ./svc --set k8s_flavor=helm --lint helm
	assert_failure 1
	assert_output --partial "charts/my-service/values.yaml:60:3: helm: value 'autoscaling.minReplicas' does not match the schema: minimum: got 1, want 2; change the value, or the schema in charts/my-service/values.schema.json (rendered with charts/my-service/values-staging.yaml) [helm]"
	assert_output --partial '1 combination, 0 passed, 1 failed; 1 unique finding'
	refute_output --partial allOf
}

@test "deploy.sh local: only a kind or Minikube context, with random secrets" {
	for flavor in kustomize helm; do
		rm -rf p bin log
		gen p --set k8s_flavor=$flavor --set database=postgres
		if [ "$flavor" = helm ]; then
			secrets=p/charts/my-service/secrets-local.yaml
		else
			secrets=p/k8s/overlays/local/secrets.env
			cp "$secrets.example" "$secrets"
		fi
		fakes gke_prod
		run env PATH="$PWD/bin:$PATH" p/scripts/deploy.sh local
		assert_failure 2
		assert_output "error: local deploys to a kind or Minikube cluster, but the kubectl context is 'gke_prod' (make local-up creates and selects kind-my-service)"
		run cat log
		assert_output 'kubectl config current-context'
		rm log
		fakes kind-my-service
		run env PATH="$PWD/bin:$PATH" p/scripts/deploy.sh local dev
		assert_success
		assert_output --partial 'deployed local'
		# Every placeholder became a distinct random value; comments stay.
		run grep -v '^ *#' "$secrets"
		refute_output --partial change-me
		run grep -cE '[0-9a-f]{48}' "$secrets"
		assert_output 2
		[ "$(stat -c %a "$secrets")" = 600 ]
	done
	# Helm installs the local release with values-local.yaml into its namespace.
	run grep '^helm upgrade' log
	assert_output --partial 'helm upgrade --install my-service charts/my-service --namespace my-service-local --values charts/my-service/values-local.yaml --values charts/my-service/secrets-local.yaml --set-string image.tag=dev'
}

@test "make local-up and local-down: a kind cluster, the images loaded, deploy.sh local" {
	gen p --answers "$TOP_SRCDIR/examples/two-components-kustomize.yml" --set container_tool=podman
	cp p/k8s/overlays/local/secrets.env.example p/k8s/overlays/local/secrets.env
	fakes kind-custom
	project=$(sed -n 's/^project_name: //p' "$TOP_SRCDIR/examples/two-components-kustomize.yml")
	run grep -A1 '^local-up:' p/Makefile
	assert_output --partial 'scripts/local-cluster.sh up $(IMAGE)-'
	run env PATH="$PWD/bin:$PATH" KIND_CLUSTER=custom CONTAINER_TOOL=podman TAG=t1 \
		p/scripts/local-cluster.sh up img/a:t1 img/b:t1
	assert_success
	run grep -v '^kubectl \(apply\|-n\|kustomize\|config current\)' log
	assert_output - <<-EOF
	kind get clusters
	kind create cluster --name custom --wait 180s
	kubectl config use-context kind-custom
	podman save --output $(sed -n 's/^podman save --output //p' log | head -n 1)
	kind load image-archive $(sed -n 's/^kind load image-archive //p' log | head -n 1)
	podman save --output $(sed -n 's/^podman save --output //p' log | sed -n 2p)
	kind load image-archive $(sed -n 's/^kind load image-archive //p' log | sed -n 2p)
	EOF
	run grep -c 'img/a:t1$' log
	assert_output 1
	run env PATH="$PWD/bin:$PATH" p/scripts/local-cluster.sh down
	assert_success
	run tail -n 1 log
	assert_output "kind delete cluster --name $project"
	run env PATH="$PWD/bin:$PATH" p/scripts/local-cluster.sh sideways
	assert_failure 2
	assert_output 'usage: scripts/local-cluster.sh up IMAGE... | down'
}

@test "the README and the Makefile tell how to run the local cluster" {
	gen p --set database=postgres
	run grep -E '^local-(up|down):' p/Makefile
	assert_output - <<-'EOF'
	local-up: build ## Create a kind cluster, load the image and deploy the local environment into it
	local-down: ## Delete the kind cluster with everything in it
	EOF
	grep -q '^### Local cluster$' p/README.md
	grep -q 'kind, rather than Minikube, because' p/README.md
	grep -q '`minikube start`, `minikube image load ghcr.io/acme/my-service:dev`' p/README.md
	gen n --set kubernetes=false
	run grep -c 'local-up\|Local cluster' n/Makefile n/README.md
	assert_output - <<-'EOF'
	n/Makefile:0
	n/README.md:0
	EOF
	[ ! -e n/scripts/local-cluster.sh ]
}
