#!/usr/bin/env bats
# The quality gates of a generated project's CI, run for real: the steps
# of ci.yml's `gates` job (and the test job's go vet) are read from the
# generated ci.yml and run in the project with the pinned tools that
# tools/setup.sh installs (tools/venv, tools/gates, tools/bin), at the
# versions the project pins (the last test checks they agree).
#
# Limit: pip-audit, npm audit and govulncheck need a vulnerability
# database from the internet, so their steps are checked for syntax only:
# every option they pass must be one the pinned tool documents.

load helpers

TOOLS="$TOP_SRCDIR/tools"
VENV="$TOOLS/venv/bin"
GATES="$TOOLS/gates"

setup() {
	enter_work
	export PATH="$VENV:$TOOLS/bin:$PATH"
	export GOFLAGS=-mod=mod GOTOOLCHAIN=local
}

# need FILE...: skip with a notice unless tools/setup.sh installed each.
need() {
	local f
	for f; do
		[ -x "$f" ] || skip "${f#"$TOP_SRCDIR"/} is not installed: run tools/setup.sh"
	done
}

need_python_gates() {
	need "$VENV/ruff" "$VENV/mypy" "$VENV/bandit" "$VENV/coverage" \
		"$VENV/pip-audit"
}

need_node_gates() {
	need "$GATES/node_modules/.bin/biome"
	command -v node >/dev/null || skip "node is not installed: run tools/setup.sh"
}

need_go_gates() {
	need "$TOOLS/bin/staticcheck" "$TOOLS/bin/govulncheck"
	command -v go >/dev/null || skip "go is not installed"
}

# new_project DIR K=V...: generate the service template into DIR.
new_project() {
	local dir=$1 kv args=()
	shift
	for kv; do args+=(--set "$kv"); done
	run genship new --no-input -o "$dir" --set git_init=false "${args[@]}"
	assert_success
}

# ci_step DIR JOB NAME [LANGUAGE]: the run: script of the first step of
# JOB in DIR's ci.yml whose name starts with NAME and, with components,
# whose `if:` picks LANGUAGE.
ci_step() {
	"$VENV/python" - "$1/.github/workflows/ci.yml" "$2" "$3" "${4:-}" <<'EOF'
import sys
import yaml

path, job, name, language = sys.argv[1:]
with open(path) as f:
    steps = yaml.safe_load(f)["jobs"][job]["steps"]
for step in steps:
    cond = step.get("if", "")
    if step.get("name", "").startswith(name) and (not cond or f"'{language}'" in cond):
        print(step["run"])
        break
else:
    sys.exit(f"{path}: no step of {job} named {name!r} for {language!r}")
EOF
}

# run_step DIR APPDIR JOB NAME [LANGUAGE]: run that step in DIR/APPDIR as
# GitHub runs a bash step (-e and pipefail); sets status and output.
run_step() {
	local script
	script=$(ci_step "$1" "$3" "$4" "${5:-}") || fail "$script"
	run bash -c "cd '$1/$2' && bash -eo pipefail -c \"\$0\"" "$script"
}

# gates_pass DIR APPDIR LANGUAGE: every offline gate of LANGUAGE passes in
# DIR/APPDIR.
gates_pass() {
	local name names
	case $3 in
	python) names=("ruff" "mypy" "bandit" "Coverage") ;;
	node) names=("Biome" "Coverage")
		ln -s "$GATES/node_modules" "$1/$2/node_modules" ;;
	typescript) names=("Biome" "Compile" "Coverage")
		(cd "$1/$2" && npm ci --ignore-scripts --no-audit --no-fund \
			--loglevel=error) || fail "npm ci failed in $1/$2" ;;
	go) names=("staticcheck" "Coverage")
		run_step "$1" "$2" test "Vet and format" go
		assert_success ;;
	esac
	for name in "${names[@]}"; do
		run_step "$1" "$2" gates "$name" "$3"
		[ "$status" -eq 0 ] || fail "$3 step '$name' failed: $output"
	done
}

@test "python: ruff, mypy, bandit and the coverage check pass" {
	linters_once
	need_python_gates
	new_project p language=python
	gates_pass "$WORK/p" . python
	assert_line --regexp '^TOTAL +[0-9 ]+ [0-9]+%$'
}

@test "node: Biome and the coverage check pass" {
	linters_once
	need_node_gates
	new_project n language=node extras=load_test
	gates_pass "$WORK/n" . node
	assert_output --regexp 'coverage: [0-9.]+% of lines outside test/, minimum 40%'
	# Biome checks the k6 script too.
	printf '\nexport function planted(a) {\n  debugger;\n  return a;\n}\n' \
		>>n/loadtest/k6.js
	run_step "$WORK/n" . gates Biome
	assert_failure
	assert_output --partial "loadtest/k6.js"
}

@test "typescript: Biome, the compile and the coverage check pass" {
	linters_once
	need_node_gates
	new_project t language=typescript extras=load_test
	gates_pass "$WORK/t" . typescript
	assert_output --regexp 'coverage: [0-9.]+% of lines outside test/, minimum 40%'
}

@test "go: go vet, staticcheck and the coverage check pass" {
	linters_once
	need_go_gates
	new_project g language=go
	gates_pass "$WORK/g" . go
	assert_output --regexp 'coverage: [0-9.]+% of statements, minimum 40%'
}

@test "components: each component passes its language's gates" {
	linters_once
	need_python_gates
	need_node_gates
	need_go_gates
	cat >answers.yml <<'EOF'
components:
  - {name: api, language: go, port: 8080}
  - {name: web, language: node, port: 3000, public: true, calls: api}
  - {name: worker, language: python, port: 8081}
EOF
	run genship new --no-input -o c --answers answers.yml --set git_init=false
	assert_success
	gates_pass "$WORK/c" services/api go
	gates_pass "$WORK/c" services/web node
	gates_pass "$WORK/c" services/worker python
}

# The gates can fail.  A planted defect fails each lint gate; then, with
# the defect removed, a threshold the tests do not reach fails coverage.
@test "python: each gate fails on a planted defect, coverage below the threshold" {
	linters_once
	need_python_gates
	new_project p language=python coverage_threshold=100
	cp p/app/server.py server.py.orig
	cat >>p/app/server.py <<'EOF'


def planted(command: str) -> int:
    import subprocess

    return subprocess.call(command, shell=True)


def mistyped() -> int:
    return "not an int"
EOF
	run_step "$WORK/p" . gates ruff
	assert_failure
	assert_output --partial "app/server.py:"
	assert_output --partial "S602"
	run_step "$WORK/p" . gates mypy
	assert_failure
	assert_output --partial 'Incompatible return value type (got "str", expected "int")'
	run_step "$WORK/p" . gates bandit
	assert_failure
	assert_output --partial "B602:subprocess_popen_with_shell_equals_true"
	cp server.py.orig p/app/server.py
	run_step "$WORK/p" . gates Coverage
	assert_failure
	assert_output --regexp 'Coverage failure: total of [0-9]+ is less than fail-under=100'
}

@test "node: Biome fails on a planted defect, coverage below the threshold" {
	linters_once
	need_node_gates
	new_project n language=node coverage_threshold=100
	ln -s "$GATES/node_modules" n/node_modules
	cp n/src/server.js server.js.orig
	printf '\nexport function planted(a) {\n  debugger;\n  return a;\n}\n' \
		>>n/src/server.js
	run_step "$WORK/n" . gates Biome
	assert_failure
	assert_output --partial "lint/suspicious/noDebugger"
	cp server.js.orig n/src/server.js
	run_step "$WORK/n" . gates Coverage
	assert_failure
	assert_output --regexp 'coverage: [0-9.]+% of lines outside test/, minimum 100%'
}

@test "go: go vet and staticcheck fail on a planted defect, coverage below the threshold" {
	linters_once
	need_go_gates
	new_project g language=go coverage_threshold=100
	cp g/main.go main.go.orig
	printf '\nfunc planted() string {\n\treturn fmt.Sprintf("%%d", "x")\n}\n' >>g/main.go
	run_step "$WORK/g" . test "Vet and format"
	assert_failure
	assert_output --partial 'fmt.Sprintf format %d has arg "x" of wrong type string'
	run_step "$WORK/g" . gates staticcheck
	assert_failure
	assert_output --partial "func planted is unused (U1000)"
	cp main.go.orig g/main.go
	run_step "$WORK/g" . gates Coverage
	assert_failure
	assert_output --regexp 'coverage: [0-9.]+% of statements, minimum 100%'
}

@test "codecov: the upload sends each language's report with the secret token" {
	new_project off language=go
	run grep -c codecov off/.github/workflows/ci.yml
	assert_output 0
	new_project p language=python codecov=true
	run ci_step p gates Coverage
	assert_line "coverage xml"
	run grep -A7 'name: Upload the coverage report to Codecov' p/.github/workflows/ci.yml
	assert_line --regexp '^        uses: codecov/codecov-action@[0-9a-f]{40} # v[0-9]+\.[0-9]+\.[0-9]+$'
	# shellcheck disable=SC2016 # the workflow's own expression
	assert_line '          token: ${{ secrets.CODECOV_TOKEN }}'
	assert_line '          files: coverage.xml'
	assert_line '          fail_ci_if_error: true'
	cat >answers.yml <<'EOF'
components:
  - {name: api, language: go, port: 8080}
  - {name: web, language: node, port: 3000}
EOF
	run genship new --no-input -o c --answers answers.yml --set git_init=false --set codecov=true
	assert_success
	run grep -A2 -E 'component: (api|web)$' c/.github/workflows/ci.yml
	assert_line '            report: coverage.out'
	assert_line '            report: lcov.info'
	run grep 'files:' c/.github/workflows/ci.yml
	# shellcheck disable=SC2016 # the workflow's own expressions
	assert_output '          files: services/${{ matrix.component }}/${{ matrix.report }}'
}

# assert_flags_known LINE HELP: every --option of the command LINE occurs
# in HELP, the pinned tool's own usage text.
assert_flags_known() {
	local flag
	while read -r flag; do
		grep -q -- "$flag" <<<"$2" || fail "'$1': $flag is not an option of the tool"
	done < <(grep -o -- '--[a-z][a-z-]*' <<<"$1")
}

# Syntax only (see the top of this file): the audits need the internet.
@test "dependency audits: pip-audit, npm audit and govulncheck take the options CI gives them" {
	need_python_gates
	need_go_gates
	command -v npm >/dev/null || skip "npm is not installed"
	new_project p language=python codecov=true
	new_project n language=node
	new_project g language=go
	run ci_step p gates pip-audit
	assert_output "pip-audit --progress-spinner off --strict ."
	assert_flags_known "$output" "$(pip-audit --help)"
	run ci_step n gates "npm audit"
	assert_output "npm audit --audit-level=high"
	assert_flags_known "$output" "$(npm audit --help)"
	run ci_step g gates govulncheck
	assert_output "govulncheck ./..."
	run govulncheck -version
	assert_success
}

@test "the project pins the tools genship tests with" {
	need "$VENV/python"
	new_project p language=python
	new_project n language=node
	new_project g language=go
	# Python: the same hashed lock, below each file's own header.
	diff <(sed -n '/^[a-z]/,$p' p/requirements-dev.txt) \
		<(sed -n '/^[a-z]/,$p' "$TOOLS/requirements-gates.txt")
	# Node: Biome's version and every lock entry of it.
	run "$VENV/python" - n "$GATES" <<'EOF'
import json
import sys

def load(path):
    with open(path) as f:
        return json.load(f)

project, tools = (load(d + "/package-lock.json")["packages"] for d in sys.argv[1:])
pinned = load(sys.argv[1] + "/package.json")["devDependencies"]["@biomejs/biome"]
assert pinned == tools[""]["devDependencies"]["@biomejs/biome"], pinned
for key, entry in tools.items():
    if key:
        assert project[key] == entry, key
print(pinned)
EOF
	assert_success
	# Go: go install @version in ci.yml, tool lines in tools/gates/go.mod.
	run ci_step g gates "Install staticcheck"
	assert_line "go install honnef.co/go/tools/cmd/staticcheck@$(awk '$1 == "honnef.co/go/tools" { print $2 }' "$GATES/go.mod")"
	assert_line "go install golang.org/x/vuln/cmd/govulncheck@$(awk '$1 == "golang.org/x/vuln" { print $2 }' "$GATES/go.mod")"
}

@test "npm ci accepts the generated lock file" {
	need_node_gates
	new_project n language=node
	# helpers.bash points npm at the cache tools/setup.sh fills, offline.
	run npm ci --prefix n --ignore-scripts --no-audit --no-fund
	if [ "$status" -ne 0 ] && grep -q ENOTCACHED <<<"$output"; then
		skip "Biome is not in tools/npm-cache: run tools/setup.sh"
	fi
	assert_success
	run n/node_modules/.bin/biome --version
	assert_output "Version: $(node -p 'require(process.argv[1]).version' "$GATES/node_modules/@biomejs/biome/package.json")"
}
