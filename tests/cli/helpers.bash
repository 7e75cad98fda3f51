# Shared setup for the CLI tests.  The Makefile exports GENSHIP (the binary
# under test), GENSHIP_WRAPPER (valgrind, or empty) and TOP_SRCDIR.
bats_load_library bats-support
bats_load_library bats-assert

: "${TOP_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${GENSHIP:=$TOP_SRCDIR/genship}"
FIXTURES="$TOP_SRCDIR/tests/cli/fixtures"

# Tests reach only loopback: npm in a generated project installs from the
# cache tools/setup.sh fills (tools/npm-cache), or fails.
export npm_config_cache="$TOP_SRCDIR/tools/npm-cache" npm_config_offline=true

# linters_once: skip a test whose subject is what external tools say
# about generated files (linters, a linter sweep over every combination,
# the generated app's own tests, its scripts against PostgreSQL) when
# GENSHIP_NO_SWEEPS is set.  CI sets it for the runs of the suites under
# valgrind and ASan: the linters' verdict does not depend on how genship
# was built, and the plain make check gave it; genship's own render path
# stays under the tools through every other test.
linters_once() {
	[ -z "${GENSHIP_NO_SWEEPS:-}" ] ||
		skip "linters run once, in the plain make check"
}

# genship ARGS...: run the binary under test (through valgrind when
# configured) from the test's scratch directory.
genship() {
	# shellcheck disable=SC2086
	$GENSHIP_WRAPPER "$GENSHIP" "$@"
}

# enter_work: make $WORK, an empty scratch directory, the working
# directory (the default setup; a file's own setup calls it first).
enter_work() {
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
	# Where an interview keeps its answers when a run fails.
	export XDG_STATE_HOME="$BATS_TEST_TMPDIR/state"
}

setup() {
	enter_work
}

# assert_nothing_written: the scratch directory is still empty, so a
# failed run left neither a project nor a staging directory behind.
assert_nothing_written() {
	run ls -A "$WORK"
	assert_output ''
}

# fixture NAME: copy a fixture template into the scratch area (so tests
# can edit it) and print its path.
fixture() {
	cp -R "$FIXTURES/$1" "$BATS_TEST_TMPDIR/$1"
	printf '%s\n' "$BATS_TEST_TMPDIR/$1"
}

# wait_for FILE: up to 10 s for FILE to appear, non-empty.
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 never appeared"
}

# need_helm: skip with a notice unless tools/setup.sh built helm (or
# GENSHIP_HELM names one); sets HELM and points genship at it.
need_helm() {
	HELM=${GENSHIP_HELM:-$TOP_SRCDIR/tools/bin/helm}
	[ -x "$HELM" ] || skip "helm is not built: run tools/setup.sh"
	export GENSHIP_HELM="$HELM"
}

# yq FILE EXPR: evaluate a Python expression over the YAML documents of
# FILE (a list, `docs`) and print the result.
yq() {
	python3 - "$1" "$2" <<-'EOF'
		import sys, yaml
		docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
		def kind(k): return [d for d in docs if d.get("kind") == k]
		r = eval(sys.argv[2])
		print("\n".join(map(str, r)) if isinstance(r, list) else r)
	EOF
}
