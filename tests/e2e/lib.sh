# shellcheck shell=bash
# Shared helpers for the container end-to-end test of the built-in `service`
# template: generate a project, build its Containerfile against local Debian 12
# base images (tests/e2e/base-image.sh), run it, probe it and stop it.
#
# Sourced by tests/e2e/run.sh (which sets -euo pipefail) and by
# tests/cli/e2e.bats (where bats owns errexit). A library must not change
# its caller's shell options, so none are set here; every function returns
# a non-zero status on failure instead.
#
# Environment:
#   GENSHIP               genship binary (default: genship on PATH)
#   GENSHIP_E2E_GRACE     seconds for `podman stop -t` (default 10)
#   GENSHIP_E2E_PORT      port the generated app listens on (default 8181)
#   GENSHIP_E2E_RUNTIME   OCI runtime for podman (default: probe, see
#                         e2e_select_runtime); "default" means podman's own
#   npm_config_cache      the npm cache the builders install from, offline
#                         (default: tools/npm-cache; see e2e_npm_volumes)

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# podman's default rlimits can exceed the host's hard limits, and the OCI
# runtime then fails with "error setting rlimits": pass ones that fit.
E2E_ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
: "${GENSHIP_E2E_GRACE:=10}"
: "${GENSHIP_E2E_PORT:=8181}"

e2e_log() {
	printf '[e2e] %s\n' "$*" >&2
}

# e2e_now: wall clock in microseconds.
e2e_now() {
	local t=${EPOCHREALTIME/[.,]/}
	printf '%s\n' "$t"
}

# e2e_since START: seconds elapsed since START (from e2e_now), e.g. 12.34.
e2e_since() {
	local d=$(($(e2e_now) - $1))
	printf '%d.%02d\n' $((d / 1000000)) $((d % 1000000 / 10000))
}

# e2e_lt A B: true when the decimal number A is smaller than B.
e2e_lt() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'
}

# e2e_timed LABEL CMD...: run CMD and log how long it took.
e2e_timed() {
	local label=$1 start rc=0
	shift
	start=$(e2e_now)
	"$@" || rc=$?
	if [[ $rc -eq 0 ]]; then
		e2e_log "$label: $(e2e_since "$start")s"
	else
		e2e_log "$label: FAILED (exit $rc) after $(e2e_since "$start")s"
	fi
	return "$rc"
}

# e2e_podman ARGS...: podman with the selected OCI runtime.
e2e_podman() {
	case ${GENSHIP_E2E_RUNTIME:-default} in
	default) podman "$@" ;;
	*) podman --runtime "$GENSHIP_E2E_RUNTIME" "$@" ;;
	esac
}

# e2e_podman_nosd ARGS...: e2e_podman, minus the errors podman 4 logs on
# hosts without systemd when it cannot create the timer that schedules a
# container's HEALTHCHECK. The check itself still works: e2e_health runs it.
e2e_podman_nosd() {
	local err rc=0
	err=$(mktemp) || return 1
	e2e_podman "$@" 2>"$err" || rc=$?
	grep -v 'unable to get systemd connection' "$err" >&2 || true
	rm -f -- "$err"
	return "$rc"
}

# e2e_select_runtime IMAGE: pick an OCI runtime that can start IMAGE and
# export it as GENSHIP_E2E_RUNTIME. crun refuses hosts with a hybrid
# cgroup v1/v2 layout whose v2 hierarchy has controllers; runc copes, so it
# is the fallback. An explicit GENSHIP_E2E_RUNTIME is kept as is.
e2e_select_runtime() {
	local image=$1 err
	if [[ -n ${GENSHIP_E2E_RUNTIME:-} ]]; then
		return 0
	fi
	if err=$(podman run --rm --network none "${E2E_ULIMITS[@]}" "$image" true 2>&1); then
		export GENSHIP_E2E_RUNTIME=default
		return 0
	fi
	if command -v runc >/dev/null 2>&1 &&
		podman --runtime runc run --rm --network none "${E2E_ULIMITS[@]}" "$image" true >/dev/null 2>&1; then
		e2e_log "podman's default OCI runtime cannot start containers here ($err); using runc"
		export GENSHIP_E2E_RUNTIME=runc
		return 0
	fi
	e2e_log "no OCI runtime can start $image: $err"
	return 1
}

# e2e_image_ref NAME: the local image reference of a base image.
e2e_image_ref() {
	"$E2E_DIR/base-image.sh" --ref "$1"
}

# e2e_build_args LANG: "ARG base-image-name" pairs. The ARG names are the
# generated Containerfile's base-image build arguments; the names are the
# images tests/e2e/base-image.sh builds.
e2e_build_args() {
	case $1 in
	python) printf '%s\n' 'PYTHON_IMAGE python' ;;
	node | typescript) printf '%s\n' 'NODE_IMAGE node' ;;
	go) printf '%s\n' 'GO_IMAGE go' 'RUNTIME_IMAGE static' ;;
	*)
		e2e_log "unknown language '$1' (python, node, go, typescript)"
		return 1
		;;
	esac
}

# e2e_base_names LANG...: the base images those languages need, once each.
e2e_base_names() {
	local lang
	for lang in "$@"; do
		e2e_build_args "$lang" || return 1
	done | awk '!seen[$2]++ { print $2 }'
}

# e2e_generate LANG DIR: generate the built-in service for LANG into DIR.
e2e_generate() {
	"${GENSHIP:-genship}" new service --no-input \
		--set language="$1" --set project_name="e2e-$1" \
		--set port="$GENSHIP_E2E_PORT" -o "$2"
}

# e2e_check_args LANG DIR: the generated Containerfile still declares every
# build ARG we override; podman would silently ignore an unknown one.
e2e_check_args() {
	local arg name rc=0 file
	file=$(e2e_build_file "$2")
	while read -r arg name; do
		if ! grep -Eq "^ARG ${arg}=" "$file"; then
			e2e_log "$file has no 'ARG ${arg}=' line for the $name image: update tests/e2e/lib.sh"
			rc=1
		fi
	done < <(e2e_build_args "$1")
	return "$rc"
}

# e2e_npm_volumes: the podman build --volume arguments that give the
# builder's npm (root, so ~ is /root) the packages tools/setup.sh cached,
# offline: tests reach only loopback, and the TypeScript builder's npm ci
# needs the compiler.  The cache is $npm_config_cache, else
# tools/npm-cache; a build volume never reaches an image layer.  Prints
# nothing when there is no cache (npm then reaches for the registry).
e2e_npm_volumes() {
	local cache=${npm_config_cache:-$E2E_DIR/../../tools/npm-cache}
	[[ -d $cache ]] || return 0
	[[ -f $cache/e2e.npmrc ]] || printf 'offline=true\n' >"$cache/e2e.npmrc"
	printf '%s\n' "--volume=$cache:/root/.npm" \
		"--volume=$cache/e2e.npmrc:/root/.npmrc:ro"
}

# e2e_build_file DIR: DIR's container build file, Containerfile or (with
# container_file=Dockerfile) Dockerfile.
e2e_build_file() {
	if [[ -f $1/Dockerfile && ! -f $1/Containerfile ]]; then
		printf '%s\n' "$1/Dockerfile"
	else
		printf '%s\n' "$1/Containerfile"
	fi
}

# e2e_build LANG DIR TAG [TARGET]: build DIR's Containerfile with the local
# base images; up to stage TARGET when given (the final stage otherwise).
e2e_build() {
	local arg name ref args=()
	while read -r arg name; do
		ref=$(e2e_image_ref "$name") || return 1
		args+=(--build-arg "$arg=$ref")
	done < <(e2e_build_args "$1")
	mapfile -t -O "${#args[@]}" args < <(e2e_npm_volumes)
	if [[ -n ${4:-} ]]; then
		args+=(--target "$4")
	fi
	e2e_podman build --pull=never --format docker "${E2E_ULIMITS[@]}" \
		"${args[@]}" -t "$3" -f "$(e2e_build_file "$2")" "$2"
}

# e2e_start TAG NAME: run TAG detached as NAME, with the port published on
# 127.0.0.1 only (a random host port) and the restrictions the Kubernetes
# manifests apply: read-only root with a /tmp tmpfs, no capabilities, no
# privilege escalation.
e2e_start() {
	e2e_podman_nosd run -d --name "$2" "${E2E_ULIMITS[@]}" \
		--read-only --tmpfs /tmp:rw,nosuid,nodev,size=16m \
		--cap-drop ALL --security-opt no-new-privileges \
		-p "127.0.0.1::$GENSHIP_E2E_PORT" "$1"
}

# e2e_url NAME PATH: http://127.0.0.1:<host port>/PATH for container NAME.
e2e_url() {
	local hostport
	hostport=$(e2e_podman port "$1" "$GENSHIP_E2E_PORT/tcp") || return 1
	hostport=${hostport%%$'\n'*}
	printf 'http://127.0.0.1:%s%s\n' "${hostport##*:}" "$2"
}

# e2e_http_status URL: the HTTP status of GET URL (000: no answer).
e2e_http_status() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1") || true
	printf '%s\n' "${code:-000}"
}

# e2e_wait_status NAME URL [TRIES]: poll URL every half second until it
# answers 200, the container exits, or TRIES (default 60) run out. Prints
# the last status.
e2e_wait_status() {
	local name=$1 url=$2 tries=${3:-60} code=000 i
	for ((i = 0; i < tries; i++)); do
		code=$(e2e_http_status "$url")
		[[ $code == 200 ]] && break
		if [[ $(e2e_podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null) != true ]]; then
			e2e_log "$name is not running"
			break
		fi
		sleep 0.5
	done
	printf '%s\n' "$code"
	[[ $code == 200 ]]
}

# e2e_health NAME: run the image's HEALTHCHECK now (`podman healthcheck
# run`), then print the health status podman recorded, as `podman ps` and
# `podman inspect` show it: healthy, unhealthy or starting.
e2e_health() {
	local out rc=0 status
	out=$(e2e_podman healthcheck run "$1" 2>&1) || rc=$?
	status=$(e2e_podman inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null) || status=
	printf '%s\n' "${status:-${out:-unknown}}"
	[[ $rc -eq 0 && $status == healthy ]]
}

# e2e_stop NAME GRACE: `podman stop -t GRACE` (SIGTERM, then SIGKILL after
# GRACE seconds). Prints "<elapsed seconds> <exit code>".
e2e_stop() {
	local start elapsed code
	start=$(e2e_now)
	e2e_podman_nosd stop -t "$2" "$1" >/dev/null || return 1
	elapsed=$(e2e_since "$start")
	code=$(e2e_podman inspect -f '{{.State.ExitCode}}' "$1") || return 1
	printf '%s %s\n' "$elapsed" "$code"
}

# e2e_remove NAME: remove container NAME if it exists.
e2e_remove() {
	e2e_podman rm -f -t 0 "$1" >/dev/null 2>&1 || true
}

# e2e_missing_prereq: print why the container e2e cannot run here (and
# return 0), or return 1 when everything it needs is present.
e2e_missing_prereq() {
	local tool
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (debootstrap, chroot and rootful podman)"
		return 0
	fi
	for tool in podman debootstrap curl; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "$tool is not installed (apt-get install podman buildah debootstrap curl)"
			return 0
		fi
	done
	return 1
}
