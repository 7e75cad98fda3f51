# shellcheck shell=bash
# Shared by validate.bats and mutations.bats: where the validate cases and
# the built-in template are, and the skips for the linters tools/setup.sh
# installs.

# shellcheck disable=SC2034 # both are used by the files that load this
CASES="$TOP_SRCDIR/tests/validate"
# shellcheck disable=SC2034
SERVICE="$TOP_SRCDIR/templates/service"
export GENSHIP_LINT_DIR="$TOP_SRCDIR/tools/lint"

# kustomize_ready: skip with a notice unless tools/setup.sh built
# kustomize-build, and point genship at it.
KUSTOMIZE_BUILD="${GENSHIP_KUSTOMIZE_BUILD:-$TOP_SRCDIR/tools/bin/kustomize-build}"
kustomize_ready() {
	[ -x "$KUSTOMIZE_BUILD" ] ||
		skip "kustomize-build is not built: run tools/setup.sh"
	export GENSHIP_KUSTOMIZE_BUILD="$KUSTOMIZE_BUILD"
}

# pytool_ready NAME: skip with a notice unless tools/setup.sh installed the
# PyPI linter NAME into tools/venv, and point genship at it.
pytool_ready() {
	local p="$TOP_SRCDIR/tools/venv/bin/$1" var
	var="GENSHIP_$(echo "$1" | tr a-z A-Z)"
	[ -x "${!var:-$p}" ] ||
		skip "$1 is not installed: run tools/setup.sh"
	export "$var=${!var:-$p}"
}
