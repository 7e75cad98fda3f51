#!/usr/bin/env bash
# Set up a fresh Debian 12 machine: install what is missing, build genship,
# and generate a demo service from the built-in template into ./demo.
#   tools/setup.sh            everything
#   tools/setup.sh --deps     install packages only (used by CI)
#   tools/setup.sh --build    install and build, no demo
set -euo pipefail

cd "$(dirname "$0")/.."

# Build tools, the four libraries, the test runners, the linters the test
# suite and `genship validate` call, the Go sources of the test-only Helm
# renderer, and what the operational extras' tests run for real
# (PostgreSQL for migrations, promtool for the alert rules, jq and curl).  The Go packages build
# tools/helm-render, the test-only Helm template renderer.  python3-venv
# makes tools/venv (see install_python_tools); python3-jinja2 and
# python3-slugify are the reference of tests/conformance/regen.py.  zsh
# and fish run the generated completion scripts (tests/cli/help.bats).
APT_PACKAGES=(
	gcc make autoconf automake pkg-config git ca-certificates
	libyaml-dev libcyaml-dev libgit2-dev libjansson-dev
	bats bats-support bats-assert zsh fish
	python3 python3-venv python3-jinja2 python3-slugify python3-yaml
	yamllint shellcheck valgrind
	golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev
	golang-gopkg-yaml.v3-dev golang-github-xeipuuv-gojsonschema-dev
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

install_lint_tools() {
	[ -f tools/lint/package-lock.json ] || return 0
	[ -d tools/lint/node_modules ] && return 0
	npm ci --prefix tools/lint --no-audit --no-fund --loglevel=error
}

# Create tools/venv from the system python3 and install the pinned Python
# tools of tools/requirements.txt (cookiecutter, copier, cruft ...).  Run
# again, it only installs what the requirements changed: a stamp holding a
# copy of the requirements says what the venv has.
install_python_tools() {
	local venv=tools/venv req=tools/requirements.txt
	[ -f "$req" ] || return 0
	cmp -s "$req" "$venv/requirements.installed" 2>/dev/null && return 0
	[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
	"$venv/bin/python" -m pip install -q --disable-pip-version-check \
		--no-input -r "$req"
	cp "$req" "$venv/requirements.installed"
}

# The Go helpers, built from the versions pinned in tools/go.mod and
# tools/go.sum into tools/bin (gitignored); -mod=readonly fails rather than
# move a pin.  GOFLAGS from the caller are kept.
GO_TOOLS=(kustomize-build)

# go_cmd: print a Go toolchain new enough for tools/go.mod (1.24 or
# later): PATH first, then /usr/local/go; Debian 12's golang-go is 1.19.
go_cmd() {
	local g v
	for g in go /usr/local/go/bin/go; do
		command -v "$g" >/dev/null || continue
		v=$("$g" env GOVERSION 2>/dev/null) || continue
		v=${v#go}
		[ "${v%%.*}" -gt 1 ] || [ "$(echo "$v" | cut -d. -f2)" -ge 24 ] &&
			command -v "$g" && return 0
	done
	return 1
}

build_go_tools() {
	local t go
	go=$(go_cmd) || {
		echo "setup: the Go helpers need Go 1.24 or later"
		return 1
	}
	mkdir -p tools/bin
	for t in "${GO_TOOLS[@]}"; do
		[ -x "tools/bin/$t" ] && [ "tools/bin/$t" -nt tools/go.sum ] &&
			[ -z "$(find "tools/$t" -newer "tools/bin/$t" -print -quit)" ] &&
			continue
		echo "setup: go build tools/bin/$t"
		(cd tools && "$go" build -mod=readonly -trimpath \
			-o "bin/$t.tmp" "./$t" && mv "bin/$t.tmp" "bin/$t")
	done
}

build() {
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure -q
	make -j"$(nproc)"
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
install_python_tools
build_go_tools
case "${1:-}" in
--deps) exit 0 ;;
--build) build ;;
*) build && demo ;;
esac
