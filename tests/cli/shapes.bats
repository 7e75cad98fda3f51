#!/usr/bin/env bats
# The five system shapes the built-in service template was checked against
# (issue: "The service template serves real teams"), one answers file each
# under examples/shape-*.yml: each generates the files its shape needs,
# and validates clean with every linter found (tools/setup.sh installs all
# of them; a missing one is skipped by validate with a notice).  The
# container end-to-end tests build and run their images (e2e.bats).

load helpers

SHAPES=(shape-python-api-podman shape-typescript-compose-k8s
	shape-four-services-helm shape-saas-kustomize-backups-alerts
	shape-python-signed-multiarch)

# generate SHAPE: render examples/SHAPE.yml into ./SHAPE, without hooks.
generate() {
	genship new --answers "$TOP_SRCDIR/examples/$1.yml" --no-input \
		--no-hooks -o "$1" >/dev/null
}

# has SHAPE PATH...: every PATH exists in the generated SHAPE.
has() {
	local s=$1 p
	shift
	for p in "$@"; do
		[ -e "$s/$p" ] || fail "$s lacks $p"
	done
}

# lacks SHAPE PATH...: no PATH exists in the generated SHAPE.
lacks() {
	local s=$1 p
	shift
	for p in "$@"; do
		[ ! -e "$s/$p" ] || fail "$s has $p"
	done
}

@test "shape 1, a Python API on Podman: compose for development and one host, no Kubernetes" {
	generate shape-python-api-podman
	has shape-python-api-podman Containerfile compose.yaml compose.prod.yaml \
		compose.dev.yaml Makefile app/server.py .gitleaks.toml loadtest/k6.js
	lacks shape-python-api-podman k8s charts Taskfile.yml Dockerfile
	run grep -F 'CONTAINER_TOOL ?= podman' shape-python-api-podman/Makefile
	assert_success
}

@test "shape 2, TypeScript with compose and Kubernetes: a Dockerfile, docker-compose files and Task" {
	generate shape-typescript-compose-k8s
	has shape-typescript-compose-k8s Dockerfile docker-compose.yml \
		docker-compose.prod.yml Taskfile.yml tsconfig.json src/server.ts \
		k8s/overlays/staging k8s/overlays/production scripts/smoke-test.sh \
		loadtest/k6.js
	lacks shape-typescript-compose-k8s Containerfile compose.yaml Makefile \
		charts
	run grep -c 'dockerfile: Dockerfile' shape-typescript-compose-k8s/docker-compose.yml
	assert_output 1
}

@test "shape 3, four services on Helm: one chart, an image per service, a TypeScript gateway" {
	generate shape-four-services-helm
	local s
	for s in gateway catalog orders worker; do
		has shape-four-services-helm "services/$s/Containerfile"
	done
	has shape-four-services-helm services/gateway/tsconfig.json \
		services/orders/go.mod services/catalog/pyproject.toml \
		charts/marketplace/values-staging.yaml \
		charts/marketplace/values-production.yaml \
		charts/marketplace/values-local.yaml \
		charts/marketplace/templates/prometheusrule.yaml
	lacks shape-four-services-helm k8s
}

@test "shape 4, a SaaS app on Kustomize: backups, migrations with down files, alerts, pgvector" {
	generate shape-saas-kustomize-backups-alerts
	has shape-saas-kustomize-backups-alerts k8s/components/backup \
		k8s/components/alerts docs/runbooks/restore.md \
		docs/runbooks/BackupJobFailed.md scripts/restore.sh \
		scripts/rollback.sh scripts/smoke-test.sh
	run find shape-saas-kustomize-backups-alerts/k8s/components/migrations \
		-name '*.down.sql'
	assert_success
	[ -n "$output" ]
	run grep -c 'pgvector/pgvector:0.8.1-pg17-bookworm' \
		shape-saas-kustomize-backups-alerts/compose.yaml
	assert_output 1
}

@test "shape 5, signed multi-arch images: cosign, both platforms, latest on the default branch" {
	generate shape-python-signed-multiarch
	local build=shape-python-signed-multiarch/.github/workflows/build.yml
	run grep -c 'cosign sign' "$build"
	[ "$output" -ge 1 ]
	run grep -c 'linux/amd64,linux/arm64' "$build"
	[ "$output" -ge 1 ]
	run grep -F 'type=raw,value=latest' "$build"
	assert_success
}

@test "every system shape validates clean with every linter found" {
	linters_once
	local s
	for s in "${SHAPES[@]}"; do
		run genship validate --answers "$TOP_SRCDIR/examples/$s.yml" \
			--lint all
		[ "$status" -eq 0 ] || {
			printf '%s\n' "${lines[@]: -30}"
			fail "$s does not validate"
		}
		assert_output --partial ': 1 combination, 1 passed, 0 failed; 0 unique findings'
	done
}
