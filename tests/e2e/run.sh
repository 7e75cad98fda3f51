#!/usr/bin/env bash
# Container end-to-end test of the built-in `service` template, per language:
# generate the project, build its Containerfile with `podman build
# --pull=never` against local Debian 12 base images (tests/e2e/base-image.sh),
# run it, and check what a user sees: GET /healthz answers 200, the image's
# HEALTHCHECK passes, and `podman stop` (SIGTERM) ends it with exit code 0
# well within the grace period.
#
# usage: run.sh [LANG...]      LANG: python node go typescript (default: all four)
#
# Environment: GENSHIP (binary; default genship on PATH, else ../../genship),
# GENSHIP_E2E_GRACE (stop grace seconds, default 10), GENSHIP_E2E_PORT,
# GENSHIP_E2E_RUNTIME, GENSHIP_E2E_CACHE, GENSHIP_E2E_MIRROR,
# GENSHIP_E2E_REBUILD (see lib.sh and base-image.sh), GENSHIP_E2E_KEEP=1
# (keep the generated projects and build logs).
# Exit status: 0 when every language passes, 1 otherwise, 2 on bad usage.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work=
container=
failed=0
summary=()

cleanup() {
	if [[ -n $container ]]; then
		e2e_remove "$container"
	fi
	if [[ -z $work ]]; then
		return 0
	elif [[ ${GENSHIP_E2E_KEEP:-0} == 1 ]]; then
		e2e_log "kept $work"
	else
		rm -rf -- "$work"
	fi
}
trap cleanup EXIT

usage() {
	sed -n '9p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

# fail LANG STEP DETAIL: record a failure of LANG at STEP.
fail() {
	e2e_log "$1: FAIL at $2: $3"
	summary+=("$(printf '%-10s FAIL at %s: %s' "$1" "$2" "$3")")
	failed=1
}

# e2e_lang LANG: the whole check for one language; returns 1 on failure.
e2e_lang() {
	local lang=$1 dir=$work/$1 tag=localhost/genship-e2e/app-$1:e2e
	local start t build_s ready_s url status health stop elapsed code
	start=$(e2e_now)
	container=genship-e2e-$lang-$$

	local t
	t=$(e2e_now)
	if ! e2e_generate "$lang" "$dir" >"$work/$lang.new.log" 2>&1; then
		fail "$lang" "genship new" "$(tail -n 5 "$work/$lang.new.log")"
		return 1
	fi
	e2e_log "$lang: genship new: $(e2e_since "$t")s"
	e2e_check_args "$lang" "$dir" || { fail "$lang" "Containerfile" "base-image ARG missing"; return 1; }

	t=$(e2e_now)
	if ! e2e_build "$lang" "$dir" "$tag" >"$work/$lang.build.log" 2>&1; then
		tail -n 40 "$work/$lang.build.log" >&2
		fail "$lang" "podman build" "see the build log above"
		return 1
	fi
	build_s=$(e2e_since "$t")
	e2e_log "$lang: podman build: ${build_s}s"

	t=$(e2e_now)
	e2e_start "$tag" "$container" >/dev/null || { fail "$lang" "podman run" "container did not start"; return 1; }
	url=$(e2e_url "$container" /healthz) || { fail "$lang" "podman port" "port $GENSHIP_E2E_PORT not published"; return 1; }
	if ! status=$(e2e_wait_status "$container" "$url" 60); then
		e2e_podman logs "$container" 2>&1 | tail -n 20 >&2
		fail "$lang" "GET /healthz" "status $status"
		return 1
	fi
	ready_s=$(e2e_since "$t")
	e2e_log "$lang: GET $url -> $status after ${ready_s}s"

	if ! health=$(e2e_timed "$lang: healthcheck" e2e_health "$container"); then
		fail "$lang" "HEALTHCHECK" "$health"
		return 1
	fi

	stop=$(e2e_stop "$container" "$GENSHIP_E2E_GRACE") || { fail "$lang" "podman stop" "failed"; return 1; }
	read -r elapsed code <<<"$stop"
	e2e_log "$lang: podman stop -t $GENSHIP_E2E_GRACE: exit $code after ${elapsed}s"
	e2e_podman logs "$container" 2>&1 | tail -n 3 | sed "s/^/[e2e] $lang log: /" >&2
	e2e_remove "$container"
	container=
	if [[ $code != 0 ]]; then
		fail "$lang" "SIGTERM" "exit code $code (expected 0)"
		return 1
	fi
	if ! e2e_lt "$elapsed" "$GENSHIP_E2E_GRACE"; then
		fail "$lang" "SIGTERM" "stopped after ${elapsed}s, not within the ${GENSHIP_E2E_GRACE}s grace"
		return 1
	fi
	summary+=("$(printf '%-10s ok   build %6ss  /healthz %s after %5ss  healthcheck %-8s  stop %5ss exit %s  total %6ss' \
		"$lang" "$build_s" "$status" "$ready_s" "$health" "$elapsed" "$code" "$(e2e_since "$start")")")
}

main() {
	local langs=("$@") lang why names total_start
	if [[ ${#langs[@]} -eq 0 ]]; then
		langs=(python node go typescript)
	fi
	for lang in "${langs[@]}"; do
		case $lang in
		python | node | go | typescript) ;;
		*) usage ;;
		esac
	done
	if [[ -z ${GENSHIP:-} ]]; then
		GENSHIP=$(command -v genship || echo "$E2E_DIR/../../genship")
	fi
	export GENSHIP
	if why=$(e2e_missing_prereq); then
		e2e_log "cannot run: $why"
		exit 2
	fi
	if [[ ! -x $GENSHIP ]]; then
		e2e_log "no genship binary at $GENSHIP (set GENSHIP)"
		exit 2
	fi

	work=$(mktemp -d "${TMPDIR:-/tmp}/genship-e2e.XXXXXX")
	total_start=$(e2e_now)
	mapfile -t names < <(e2e_base_names "${langs[@]}")
	e2e_timed "base images (${names[*]})" "$E2E_DIR/base-image.sh" "${names[@]}" >/dev/null
	e2e_select_runtime "$(e2e_image_ref "${names[0]}")"

	for lang in "${langs[@]}"; do
		e2e_lang "$lang" || true
	done

	e2e_log "summary (grace ${GENSHIP_E2E_GRACE}s, total $(e2e_since "$total_start")s):"
	printf '[e2e]   %s\n' "${summary[@]}" >&2
	return "$failed"
}

main "$@"
