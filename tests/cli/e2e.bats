#!/usr/bin/env bats
# Container end-to-end test of the built-in service template, per language
# and for two components of examples/two-components-kustomize.yml: the
# generated Containerfile builds with `podman build --pull=never` against
# local Debian 12 images made by debootstrap (tests/e2e/base-image.sh, cached
# in ${XDG_CACHE_HOME:-/var/cache}/genship-e2e), and the container answers
# GET /healthz with 200, passes its HEALTHCHECK, and exits 0 well within the
# grace period of `podman stop` (SIGTERM).
#
# Slow (minutes when cold), so opt-in: GENSHIP_E2E=1 runs it; it needs root,
# podman and debootstrap, and skips with the reason otherwise:
#   GENSHIP_E2E=1 make check TESTS=tests/cli/e2e.bats
# tests/e2e/run.sh runs the same checks outside bats, with a summary table.
# Step timings are printed as TAP comments.

bats_require_minimum_version 1.5.0

load helpers

E2E_LIB="$TOP_SRCDIR/tests/e2e"
# shellcheck source=../e2e/lib.sh source-path=SCRIPTDIR
source "$E2E_LIB/lib.sh"

# note MSG: a TAP comment, shown in the test log even when the test passes.
note() {
	printf '# %s\n' "$*" >&3
}

# enabled: true when the container e2e can and should run here.
enabled() {
	! e2e_missing_prereq >/dev/null && [ "${GENSHIP_E2E:-}" = 1 ]
}

# skip_unless_enabled: skip the test, saying why, unless enabled.
skip_unless_enabled() {
	local why
	if why=$(e2e_missing_prereq); then
		skip "$why"
	fi
	if [ "${GENSHIP_E2E:-}" != 1 ]; then
		skip "set GENSHIP_E2E=1 to build and run the containers"
	fi
}

# Build (or reuse) the base images once for the whole file, and pick an OCI
# runtime that works on this host (exported to the tests).
setup_file() {
	local start log="$BATS_FILE_TMPDIR/base-image.log"
	enabled || return 0
	start=$(e2e_now)
	if ! "$E2E_LIB/base-image.sh" python node go static >/dev/null 2>"$log"; then
		sed 's/^/# /' "$log" >&3
		return 1
	fi
	grep -E 'built|imported|reusing' "$log" | sed 's/^\[e2e\]/#/' >&3 || true
	note "base images ready in $(e2e_since "$start")s"
	e2e_select_runtime "$(e2e_image_ref python)"
}

teardown() {
	if [ -n "${E2E_CONTAINER:-}" ]; then
		e2e_remove "$E2E_CONTAINER"
	fi
	if [ -n "${E2E_DEV_DIR:-}" ]; then
		rm -rf -- "$E2E_DEV_DIR"
	fi
}

# container_e2e LANG: generate, build, run, probe and stop LANG's service.
container_e2e() {
	local lang=$1 dir="$WORK/$1"

	skip_unless_enabled
	run e2e_generate "$lang" "$dir"
	assert_success
	build_and_probe "$lang" "$dir" "localhost/genship-e2e/app-$lang:e2e" \
		"$lang"
}

# example_components EXAMPLE: "name language port" of each component of
# examples/EXAMPLE.yml, one per line.
example_components() {
	python3 -c '
import sys, yaml
for c in yaml.safe_load(open(sys.argv[1]))["components"]:
    print(c["name"], c.get("language", "python"), c.get("port", 8080))
' "$TOP_SRCDIR/examples/$1.yml"
}

# build_image LANG CONTEXT TAG LABEL [TARGET]: build CONTEXT's Containerfile
# as TAG (up to stage TARGET when given), note the time under LABEL, and
# check that the image runs as the numeric non-root user.
build_image() {
	local t what="podman build${5:+ --target $5}"

	t=$(e2e_now)
	run e2e_build "$1" "$2" "$3" "${5:-}"
	if [ "$status" -ne 0 ]; then
		printf '%s\n' "${lines[@]: -40}"
		fail "$what of the generated $4 Containerfile failed (exit $status)"
	fi
	note "$4: $what $(e2e_since "$t")s"
	run e2e_podman image inspect -f '{{.Config.User}}' "$3"
	assert_output '65532:65532'
}

# build_and_probe LANG CONTEXT TAG LABEL: build CONTEXT's Containerfile as
# TAG, run it (on port $GENSHIP_E2E_PORT), probe /healthz and the
# HEALTHCHECK, and stop it; LABEL names it in the notes.
build_and_probe() {
	local lang=$1 dir=$2 tag=$3 label=$4
	local start t url elapsed code

	start=$(e2e_now)
	build_image "$lang" "$dir" "$tag" "$label"

	E2E_CONTAINER="genship-e2e-${label//[^a-z0-9]/-}-$$"
	t=$(e2e_now)
	run e2e_start "$tag" "$E2E_CONTAINER"
	assert_success
	url=$(e2e_url "$E2E_CONTAINER" /healthz)
	run --separate-stderr e2e_wait_status "$E2E_CONTAINER" "$url" 60
	if [ "$status" -ne 0 ]; then
		e2e_podman logs "$E2E_CONTAINER" 2>&1 | tail -n 20
	fi
	assert_output 200
	note "$label: GET /healthz -> $output after $(e2e_since "$t")s"

	run --separate-stderr e2e_health "$E2E_CONTAINER"
	assert_success
	assert_output healthy

	run --separate-stderr e2e_stop "$E2E_CONTAINER" "$GENSHIP_E2E_GRACE"
	assert_success
	read -r elapsed code <<<"$output"
	note "$label: podman stop -t $GENSHIP_E2E_GRACE -> exit $code after ${elapsed}s; total $(e2e_since "$start")s"
	# SIGTERM ended it, not the SIGKILL that follows the grace period.
	if [ "$code" != 0 ]; then
		fail "exit code $code after SIGTERM, expected 0 (137 means SIGKILL after the ${GENSHIP_E2E_GRACE}s grace)"
	fi
	if ! e2e_lt "$elapsed" "$GENSHIP_E2E_GRACE"; then
		fail "stopped after ${elapsed}s, not within the ${GENSHIP_E2E_GRACE}s grace period"
	fi
	e2e_remove "$E2E_CONTAINER"
	E2E_CONTAINER=
}

# Cheap, and runs without podman: the e2e overrides the base images through
# these build ARGs, and podman would silently ignore a renamed one.
@test "e2e: each generated Containerfile declares the base-image ARGs the e2e overrides" {
	local lang
	for lang in python node go typescript; do
		run e2e_generate "$lang" "$WORK/$lang"
		assert_success
		run e2e_check_args "$lang" "$WORK/$lang"
		assert_success
	done
}

@test "e2e: the two-component example's Containerfiles declare the base-image ARGs" {
	local name lang port n=0
	genship new --answers "$TOP_SRCDIR/examples/two-components-kustomize.yml" \
		--no-input --no-hooks -o "$WORK/two" >/dev/null
	while read -r name lang port; do
		run e2e_check_args "$lang" "$WORK/two/services/$name"
		assert_success
		n=$((n + 1))
	done < <(example_components two-components-kustomize)
	[ "$n" -eq 2 ]
}

@test "e2e python: builds from local images, /healthz 200, healthy, SIGTERM exits 0 within grace" {
	container_e2e python
}

@test "e2e node: builds from local images, /healthz 200, healthy, SIGTERM exits 0 within grace" {
	container_e2e node
}

@test "e2e go: builds from local images, /healthz 200, healthy, SIGTERM exits 0 within grace" {
	container_e2e go
}

# The builder stage installs the pinned compiler with npm ci: this one
# needs the npm registry during the build.
@test "e2e typescript: builds from local images, /healthz 200, healthy, SIGTERM exits 0 within grace" {
	container_e2e typescript
}

@test "e2e two-components-kustomize: each component builds from services/<name>, /healthz 200, healthy, SIGTERM exits 0" {
	local name lang port dir="$WORK/two" spec components
	skip_unless_enabled
	run genship new --answers "$TOP_SRCDIR/examples/two-components-kustomize.yml" \
		--no-input --no-hooks -o "$dir"
	assert_success
	# Read the list first: podman must not eat the loop's input.
	mapfile -t components < <(example_components two-components-kustomize)
	assert_equal "${#components[@]}" 2
	for spec in "${components[@]}"; do
		read -r name lang port <<<"$spec"
		# Each image listens on its component's port (ENV PORT).
		GENSHIP_E2E_PORT=$port build_and_probe "$lang" "$dir/services/$name" \
			"localhost/genship-e2e/two-$name:e2e" "two-components/$name"
	done
}

# shape_e2e SHAPE: build and probe every image of examples/SHAPE.yml (the
# root one, or one per component), each on its own port.
shape_e2e() {
	local shape=$1 dir="$WORK/$1" spec name lang port sub components
	skip_unless_enabled
	run genship new --answers "$TOP_SRCDIR/examples/$shape.yml" \
		--no-input --no-hooks -o "$dir"
	assert_success
	if grep -q '^components:' "$TOP_SRCDIR/examples/$shape.yml"; then
		mapfile -t components < <(example_components "$shape")
	else
		components=("app $(sed -n 's/^language: //p' "$TOP_SRCDIR/examples/$shape.yml") $(sed -n 's/^port: //p' "$TOP_SRCDIR/examples/$shape.yml")")
	fi
	for spec in "${components[@]}"; do
		read -r name lang port <<<"$spec"
		[ "$name" = app ] && sub=$dir || sub=$dir/services/$name
		GENSHIP_E2E_PORT=$port build_and_probe "$lang" "$sub" \
			"localhost/genship-e2e/$shape-$name:e2e" "$shape/$name"
	done
}

@test "e2e shape-python-api-podman: the image builds, /healthz 200, healthy, SIGTERM exits 0" {
	shape_e2e shape-python-api-podman
}

@test "e2e shape-typescript-compose-k8s: the Dockerfile builds, /healthz 200, healthy, SIGTERM exits 0" {
	shape_e2e shape-typescript-compose-k8s
}

@test "e2e shape-four-services-helm: each service builds, /healthz 200, healthy, SIGTERM exits 0" {
	shape_e2e shape-four-services-helm
}

@test "e2e shape-saas-kustomize-backups-alerts: the image builds, /healthz 200, healthy, SIGTERM exits 0" {
	shape_e2e shape-saas-kustomize-backups-alerts
}

@test "e2e shape-python-signed-multiarch: the image builds, /healthz 200, healthy, SIGTERM exits 0" {
	shape_e2e shape-python-signed-multiarch
}

# dev_e2e LANG FILE: build LANG's dev target, run it with the source
# mounted read-only where compose.dev.yaml mounts it, change the service
# name in FILE and wait until GET / answers with the new one: the
# reloader restarted the app on the edited code. Then SIGTERM stops it.
dev_e2e() {
	local lang=$1 file=$2 tag="localhost/genship-e2e/dev-$1:e2e"
	local dir host target url t body i elapsed code

	skip_unless_enabled
	# The container user (65532) reads the mounted source: a directory
	# every user may enter, unlike the test's own temporary directory.
	E2E_DEV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/genship-e2e-dev.XXXXXX")
	chmod 755 "$E2E_DEV_DIR"
	dir="$E2E_DEV_DIR/$lang"
	run e2e_generate "$lang" "$dir"
	assert_success
	build_image "$lang" "$dir" "$tag" "$lang dev" dev

	# compose.dev.yaml's one bind mount: - ./HOST:TARGET:ro
	IFS='|' read -r host target < <(sed -nE 's#^      - \.(/[^:]*)?:([^:]+):ro$#\1|\2#p' "$dir/compose.dev.yaml")
	[ -n "$target" ] || fail "no bind mount in $dir/compose.dev.yaml"
	E2E_CONTAINER="genship-e2e-dev-$lang-$$"
	t=$(e2e_now)
	run e2e_podman_nosd run -d --name "$E2E_CONTAINER" "${E2E_ULIMITS[@]}" \
		--cap-drop ALL --security-opt no-new-privileges \
		-v "$dir$host:$target:ro" -p "127.0.0.1::$GENSHIP_E2E_PORT" "$tag"
	assert_success
	url=$(e2e_url "$E2E_CONTAINER" /)
	# Go compiles the server in the container first.
	run --separate-stderr e2e_wait_status "$E2E_CONTAINER" "$url" 600
	if [ "$status" -ne 0 ]; then
		e2e_podman logs "$E2E_CONTAINER" 2>&1 | tail -n 20
	fi
	assert_output 200
	run curl -fsS "$url"
	assert_output --partial "\"e2e-$lang\""
	note "$lang dev: GET / answers after $(e2e_since "$t")s"

	sed -i -E "s/e2e-$lang([\"'])/e2e-$lang-reloaded\1/" "$dir/$file"
	grep -q "e2e-$lang-reloaded" "$dir/$file"
	t=$(e2e_now)
	for ((i = 0; i < 600; i++)); do
		body=$(curl -fsS --max-time 2 "$url" 2>/dev/null) || body=
		[[ $body == *'"e2e-'"$lang"'-reloaded"'* ]] && break
		sleep 0.5
	done
	if [[ $body != *'"e2e-'"$lang"'-reloaded"'* ]]; then
		e2e_podman logs "$E2E_CONTAINER" 2>&1 | tail -n 20
		fail "GET / still answers '$body' after the change to $file"
	fi
	note "$lang dev: restarted on the edited $file in $(e2e_since "$t")s"

	run --separate-stderr e2e_stop "$E2E_CONTAINER" "$GENSHIP_E2E_GRACE"
	assert_success
	note "$lang dev: podman stop -> $output (seconds, exit code)"
	read -r elapsed code <<<"$output"
	e2e_lt "$elapsed" "$GENSHIP_E2E_GRACE" ||
		fail "stopped after ${elapsed}s, not within the ${GENSHIP_E2E_GRACE}s grace period"
	assert_equal "$code" 0
	e2e_remove "$E2E_CONTAINER"
	E2E_CONTAINER=
}

@test "e2e python dev: the dev target runs dev/reload.py, which restarts the app when app/ changes" {
	dev_e2e python app/server.py
}

@test "e2e node dev: the dev target runs node --watch, which restarts the server when src/ changes" {
	dev_e2e node src/server.js
}

@test "e2e go dev: the dev target runs dev/reload.sh, which rebuilds the server when a .go file changes" {
	dev_e2e go main.go
}

# npm ci installs the pinned compiler into the dev image: this one needs
# the npm registry during the build.
@test "e2e typescript dev: the dev target runs dev/reload.sh, which recompiles with tsc when src/ changes" {
	dev_e2e typescript src/server.ts
}
