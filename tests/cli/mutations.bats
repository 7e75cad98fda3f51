#!/usr/bin/env bats
# The mutation cases of tests/validate/*.case: each breaks exactly one
# rule of the built-in template, and validate must report that rule, in
# that file, and nothing else new.  A file of its own, so that make -j runs
# it beside validate.bats.  Runs call "$GENSHIP" directly (see
# validate.bats).

bats_require_minimum_version 1.5.0

load helpers
load validate-helpers

# Each case, and its baseline, validates one slice of the matrix: the
# combinations whose index is 0 modulo 19, spread over every option (19
# is prime, so the slice does not step in time with an axis) at a
# nineteenth of the work.  A mutated file the slice missed fails its case;
# it cannot pass it.
SHARD=1/19

# base LINT: the JSON report of the pristine service template with the
# linters LINT, made once per file run and cached.
base() {
	local out="$BATS_FILE_TMPDIR/base-$1.json"

	if [ ! -s "$out" ]; then
		"$GENSHIP" validate "$SERVICE" --lint "$1" --shard "$SHARD" --format json \
			>"$out" || [ "$?" -eq 1 ]
	fi
	printf '%s\n' "$out"
}

# case_field CASE KEY: the value of "KEY value" in tests/validate/CASE.case.
case_field() {
	sed -n "s/^$2 //p" "$CASES/$1.case" | head -n 1
}

# apply_case CASE DIR: apply the case's sed edits to the template copy DIR.
# Fails when an edit changes nothing, so a template change that moves the
# mutated text away is noticed.
apply_case() {
	local file='' line
	while IFS= read -r line; do
		case "$line" in
		'#'* | rule\ * | file\ * | lint\ * | '') ;;
		edit\ *) file="$2/template/${line#edit }" ;;
		*)
			cp "$file" "$file.orig"
			sed -i -e "$line" "$file"
			if cmp -s "$file" "$file.orig"; then
				echo "case $1: '$line' changed nothing in $file"
				return 1
			fi
			rm "$file.orig"
			;;
		esac
	done <"$CASES/$1.case"
}

# mutation CASE: validate a mutated copy of service and check that exactly
# the case's rule, in the case's file, appeared, and nothing else changed.
mutation() {
	local rule file lint tpl="$BATS_TEST_TMPDIR/service"
	linters_once
	rule=$(case_field "$1" rule)
	file=$(case_field "$1" file)
	lint=$(case_field "$1" lint)
	cp -R "$SERVICE" "$tpl"
	apply_case "$1" "$tpl"
	run --separate-stderr "$GENSHIP" validate "$tpl" --lint "$lint" \
		--shard "$SHARD" --format json
	[ "$status" -eq 1 ] || {
		echo "validate exited $status, not 1"
		return 1
	}
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/mutated.json"
	run python3 "$CASES/compare.py" "$(base "$lint")" \
		"$BATS_TEST_TMPDIR/mutated.json" "$rule" "$file"
	assert_success
	assert_output --partial "gained $rule in $file"
}

# --- mutations: each breaks exactly one rule ----------------------------------------

@test "mutation: a :latest base image is DL3007" { mutation latest-tag; }
@test "mutation: no USER is DS002" { mutation missing-user; }
@test "mutation: a shell-form CMD is DL3025" { mutation shell-form-cmd; }
@test "mutation: replica: for replicas: is k8s-schema" {
	command -v node >/dev/null || skip "node is not installed"
	[ -d "$GENSHIP_LINT_DIR/node_modules" ] || skip "tools/lint is not installed"
	mutation replica-typo
}
@test "mutation: a writable root filesystem is KSV014" { mutation writable-root; }
@test "mutation: a shell-form CMD is hadolint's DL3025" {
	pytool_ready hadolint
	mutation hadolint-shell-form
}
@test "mutation: an unpinned uses: is zizmor's unpinned-uses" {
	pytool_ready zizmor
	mutation zizmor-unpinned
}
@test "mutation: a production HPA patch with minReplicas 1 is GS-213" {
	kustomize_ready
	mutation hpa-min-replicas
}
@test "mutation: a local overlay whose HPAs cannot scale is GS-213" {
	kustomize_ready
	mutation local-max-replicas
}
@test "mutation: production chart values under the schema's minimum are helm's" {
	need_helm
	mutation helm-values-schema
}
@test "mutation: no USER is checkov's CKV_DOCKER_3" {
	[ -x "${GENSHIP_CHECKOV:-$TOP_SRCDIR/tools/venv-checkov/bin/checkov}" ] ||
		skip "checkov is not installed: run tools/setup.sh"
	mutation checkov-missing-user
}
@test "mutation: a NodePort Service is GS-209" { mutation node-port; }
@test "mutation: a kustomization listing a missing file is GS-204" {
	mutation missing-kustomize-file
}
@test "mutation: a CronJob without concurrencyPolicy is GS-201" {
	mutation cronjob-concurrency
}
@test "mutation: an unpinned uses: is unpinned-uses" { mutation unpinned-uses; }
@test "mutation: a PR title in run: is template-injection" {
	mutation script-injection
}
@test "mutation: persisted checkout credentials are artipacked" {
	mutation checkout-credentials
}
@test "mutation: pull_request_target is dangerous-triggers" {
	mutation pull-request-target
}
@test "mutation: a short dependabot cooldown is dependabot-cooldown" {
	mutation dependabot-cooldown
}
@test "mutation: a trivy.yaml typo is GS-501" { mutation trivy-typo; }
@test "mutation: an impossible .trivyignore date is GS-502" {
	mutation trivyignore-date
}
@test "mutation: depends_on an undefined service is GS-301" {
	mutation compose-undefined-service
}
@test "mutation: a production service without init is GS-307" {
	mutation compose-prod-init
}
@test "mutation: a duplicate YAML key is GS-003" { mutation duplicate-key; }
@test "mutation: an unrendered marker is GS-004" { mutation unrendered-marker; }
