#!/usr/bin/env bash
# Set up a fresh Debian 12 machine: install what is missing, build genship,
# and generate a demo service from the built-in template into ./demo.
#   tools/setup.sh            everything
#   tools/setup.sh --deps     install packages only (used by CI)
#   tools/setup.sh --build    install and build, no demo
set -euo pipefail

cd "$(dirname "$0")/.."

# Build tools, the four libraries, the test runners, the linters the test
# suite and `genship validate` call, and what the operational extras'
# tests run for real (PostgreSQL for migrations, promtool for the alert
# rules, jq and curl).  python3-venv makes tools/venv and
# tools/venv-checkov (see install_python_tools); python3-jinja2 and
# python3-slugify are the reference of tests/conformance/regen.py.  The
# Go helpers need a newer Go than Debian 12's (see go_cmd).  zsh
# and fish run the generated completion scripts (tests/cli/help.bats).
APT_PACKAGES=(
	gcc make autoconf automake pkg-config git ca-certificates
	libyaml-dev libcyaml-dev libgit2-dev libjansson-dev
	bats bats-support bats-assert zsh fish
	python3 python3-venv python3-jinja2 python3-slugify python3-yaml
	yamllint shellcheck valgrind
	postgresql prometheus jq curl
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
	local missing=() p
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	command -v node >/dev/null && command -v npm >/dev/null ||
		missing+=(nodejs npm)
	[ "${#missing[@]}" -eq 0 ] && return 0
	echo "setup: installing ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm_install DIR: npm ci DIR's lock file unless DIR/node_modules exists.
npm_install() {
	[ -f "$1/package-lock.json" ] || return 0
	[ -d "$1/node_modules" ] && return 0
	npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
}

# tools/lint: the linters genship validate runs; tools/gates: Biome, the
# Node quality gate of generated projects (tests/cli/gates.bats).
install_lint_tools() {
	npm_install tools/lint && npm_install tools/gates
}

# venv_install VENV REQ [STAMP [PIP-OPTION...]]: create VENV from the
# system python3 and install the pinned packages of REQ.  Run again, it
# only installs what REQ changed: a stamp holding a copy of REQ (STAMP,
# requirements.installed by default, in VENV) says what VENV has.
venv_install() {
	local venv=$1 req=$2 stamp=$1/${3:-requirements.installed}
	shift $(($# < 3 ? $# : 3))
	[ -f "$req" ] || return 0
	cmp -s "$req" "$stamp" 2>/dev/null && return 0
	[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
	"$venv/bin/python" -m pip install -q --disable-pip-version-check \
		--no-input "$@" -r "$req"
	cp "$req" "$stamp"
}

# The pinned Python tools: tools/venv (cookiecutter, copier, cruft,
# hadolint, zizmor ..., then the quality gates of generated projects,
# hash-checked) and tools/venv-checkov (checkov, whose own pins clash
# with copier's).
install_python_tools() {
	venv_install tools/venv tools/requirements.txt
	venv_install tools/venv tools/requirements-gates.txt gates.installed \
		--require-hashes
	venv_install tools/venv-checkov tools/requirements-checkov.txt
}

# The Go helpers, each built from a module of its own at the versions
# pinned in its go.mod and go.sum, into tools/bin (gitignored):
#   tools/go.mod        kustomize-build (tools/kustomize-build/main.go)
#   tools/helm/go.mod   helm itself, helm.sh/helm/v4/cmd/helm (a tool line),
#                       and helm-batch (tools/helm/helm-batch/main.go):
#                       helm's command tree, many commands per process
#   tools/gates/go.mod  staticcheck and govulncheck (tool lines)
#   tools/task/go.mod   Task, for generated projects with task_runner=task
# helm has a module of its own because its dependencies would move the
# kustomize API that kustomize-build pins.  -mod=readonly fails rather
# than move a pin; GOFLAGS from the caller are kept.  A
# binary that matches its pins is kept: a cold helm build takes about ten
# minutes, a warm one seconds.

# go_cmd MIN: print a Go toolchain of version MIN (1.N) or later: PATH
# first, then /usr/local/go; Debian 12's golang-go is 1.19.
go_cmd() {
	local g v want=${1#1.}
	for g in go /usr/local/go/bin/go; do
		command -v "$g" >/dev/null || continue
		v=$("$g" env GOVERSION 2>/dev/null) || continue
		v=${v#go}
		[ "${v%%.*}" -gt 1 ] || [ "$(echo "$v" | cut -d. -f2)" -ge "$want" ] &&
			command -v "$g" && return 0
	done
	echo "setup: the Go helpers need Go $1 or later" >&2
	return 1
}

# go_min MODDIR: the Go version MODDIR/go.mod asks for, as 1.N.
go_min() {
	sed -n 's/^go \(1\.[0-9]*\).*/\1/p' "$1/go.mod"
}

# up_to_date BIN MODDIR SRC...: true when BIN exists and is newer than
# MODDIR's go.mod and go.sum and every SRC file.
up_to_date() {
	local bin=$1 mod=$2
	shift 2
	[ -x "$bin" ] && [ "$bin" -nt "$mod/go.mod" ] && [ "$bin" -nt "$mod/go.sum" ] ||
		return 1
	[ "$#" -eq 0 ] || [ -z "$(find "$@" -newer "$bin" -print -quit)" ]
}

build_kustomize_build() {
	local go
	up_to_date tools/bin/kustomize-build tools tools/kustomize-build &&
		return 0
	go=$(go_cmd "$(go_min tools)") || return 1
	echo "setup: go build tools/bin/kustomize-build"
	(cd tools && "$go" build -mod=readonly -trimpath \
		-o bin/kustomize-build.tmp ./kustomize-build &&
		mv bin/kustomize-build.tmp bin/kustomize-build)
}

# helm_pin: the helm version tools/helm/go.mod pins (v4.3.2).
helm_pin() {
	sed -n 's|^[[:space:]]*helm.sh/helm/v4 \(v[^ ]*\).*|\1|p' tools/helm/go.mod
}

# helm_built_version GO BIN: the helm.sh/helm/v4 version BIN was compiled
# from, as its build information records it; empty if none.
helm_built_version() {
	[ -x "$2" ] || return 0
	"$1" version -m "$2" 2>/dev/null |
		awk '$1 == "mod" && $2 == "helm.sh/helm/v4" { print $3 }'
}

# helm_current GO PIN: true when helm and helm-batch are built from PIN
# and newer than their sources.
helm_current() {
	[ "$(helm_built_version "$1" tools/bin/helm)" = "$2" ] &&
		[ "$(helm_built_version "$1" tools/bin/helm-batch)" = "$2" ] &&
		up_to_date tools/bin/helm tools/helm &&
		up_to_date tools/bin/helm-batch tools/helm tools/helm/helm-batch
}

# Build helm and helm-batch from source through the Go module proxy, in
# one go build that shares the packages; helm's own Makefile stamps the
# version the same way (-X .../internal/version.version).
build_helm() {
	local go pin stamp=helm.sh/helm/v4/internal/version.version
	pin=$(helm_pin)
	go=$(go_cmd "$(go_min tools/helm)") || return 1
	helm_current "$go" "$pin" && return 0
	echo "setup: go build tools/bin/helm and helm-batch $pin" \
		"(cold: about ten minutes)"
	rm -rf tools/bin/.helm.tmp && mkdir -p tools/bin/.helm.tmp &&
		(cd tools/helm && CGO_ENABLED=0 "$go" build -mod=readonly \
			-trimpath -ldflags "-s -w -X $stamp=$pin" \
			-o ../bin/.helm.tmp/ helm.sh/helm/v4/cmd/helm ./helm-batch) &&
		mv tools/bin/.helm.tmp/helm tools/bin/.helm.tmp/helm-batch \
			tools/bin/ && rmdir tools/bin/.helm.tmp
}

# staticcheck and govulncheck, the Go quality gates of generated projects,
# from the tool lines of tools/gates/go.mod.
build_gate_tools() {
	local go
	up_to_date tools/bin/staticcheck tools/gates &&
		up_to_date tools/bin/govulncheck tools/gates && return 0
	go=$(go_cmd "$(go_min tools/gates)") || return 1
	echo "setup: go build tools/bin/staticcheck tools/bin/govulncheck"
	(cd tools/gates && CGO_ENABLED=0 "$go" build -mod=readonly -trimpath \
		-o ../bin/ honnef.co/go/tools/cmd/staticcheck \
		golang.org/x/vuln/cmd/govulncheck)
}

# Task, the runner of generated projects with task_runner=task, from the
# tool line of tools/task/go.mod (stack.bats runs it).
build_task() {
	local go
	up_to_date tools/bin/task tools/task && return 0
	go=$(go_cmd "$(go_min tools/task)") || return 1
	echo "setup: go build tools/bin/task"
	(cd tools/task && CGO_ENABLED=0 "$go" build -mod=readonly -trimpath \
		-o ../bin/task.tmp github.com/go-task/task/v3/cmd/task &&
		mv ../bin/task.tmp ../bin/task)
}

build_go_tools() {
	mkdir -p tools/bin
	build_kustomize_build && build_gate_tools && build_task && build_helm
}

build() {
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure -q
	make -j"$(nproc)"
}

# fill_npm_cache: the npm packages that generated Node and TypeScript
# projects pin, into tools/npm-cache, so that the tests run their npm ci
# offline (tests reach only loopback; tests/cli/helpers.bash points npm at
# the cache).  Filled by npm ci in projects genship generates, so it
# follows the template's package-lock.json.
fill_npm_cache() {
	local tmp l cache=$PWD/tools/npm-cache
	tmp=$(mktemp -d) || return 1
	for l in node typescript; do
		if ! ./genship new --quiet --no-input --no-hooks --set language="$l" \
			-o "$tmp/$l" >/dev/null ||
			! (cd "$tmp/$l" && npm ci --cache "$cache" --ignore-scripts \
				--no-audit --no-fund --loglevel=error); then
			rm -rf "$tmp"
			return 1
		fi
	done
	rm -rf "$tmp"
}

demo() {
	if [ -e demo ]; then
		echo "setup: ./demo exists; leaving it as it is"
	else
		./genship new --no-input -o demo
	fi
}

install_packages
install_lint_tools
# pip mostly waits on downloads and go build mostly computes: side by side
# they take about as long as the slower one (a cold machine: helm's build,
# ~7 min; checkov's install, 2 to 4 min).
install_python_tools &
python_pid=$!
go_status=0
build_go_tools || go_status=$?
wait "$python_pid" || exit
[ "$go_status" -eq 0 ] || exit "$go_status"
case "${1:-}" in
--deps) exit 0 ;;
--build) build && fill_npm_cache ;;
*) build && fill_npm_cache && demo ;;
esac
