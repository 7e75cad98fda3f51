#!/usr/bin/env bats
# Output conventions: JSON listings, the templates table, --quiet, colour
# and the built-in hook's messages on new and on update.
# shellcheck disable=SC2154 # run --separate-stderr sets $stderr

bats_require_minimum_version 1.5.0
load helpers

# on_tty CMD...: run CMD with a pseudo-terminal as stdin, stdout and
# stderr; sets status and output like `run`, without the echoed input.
on_tty() {
	run python3 "$BATS_TEST_DIRNAME/on-a-tty.py" "$@"
	output=$(sed '/^$/d' <<<"$output")
}

OPTION_KEYS='["name","type","default","required","unique","choices","min","max","pattern","when","prompt","help","fields"]'

# --- options --format json -------------------------------------------

@test "options --format json: every key, in a fixed order, with values" {
	run --separate-stderr genship options "$FIXTURES/basic" --format json
	assert_success
	[ -z "$stderr" ]
	local json=$output
	run jq -c '[.template, .version, (.options | length)]' <<<"$json"
	assert_output '["basic","1.2.3",6]'
	run jq -c "[.options[] | keys_unsorted == $OPTION_KEYS] | unique" \
		<<<"$json"
	assert_output '[true]'
	run jq -c '.options[] | [.name, .type, .default, .choices, .min,
		.max, .when]' <<<"$json"
	assert_output '["project_name","string","demo-app",null,null,null,null]
["language","choice","python",["python","node","go"],null,null,null]
["port","int",8080,null,1024,65535,null]
["docs","bool",true,null,null,null,null]
["extras","multi",["metrics"],["metrics","tracing","profiling"],null,null,null]
["docs_title","string","Handbook",null,null,null,"docs"]'
	run jq -r '.options[0] | .pattern, .help, .prompt' <<<"$json"
	assert_output '^[a-z][a-z0-9-]{1,38}[a-z0-9]$
DNS-safe name
null'
}

@test "options --format json: list options carry their typed fields" {
	run genship options --format json
	assert_success
	local json=$output
	run jq -c '.options[] | select(.name == "components") |
		[.type, .default, (.fields[0] | .name, .required, .unique,
		.default)]' <<<"$json"
	assert_output '["multi",[],"name",true,true,null]'
	run jq -c "[.options[].fields[] | keys_unsorted == $OPTION_KEYS] |
		unique" <<<"$json"
	assert_output '[true]'
}

@test "options and templates refuse an unknown --format" {
	run --separate-stderr genship options --format yaml
	assert_failure 2
	[ -z "$output" ]
	[ "$stderr" = "genship: error: invalid --format 'yaml': expected text or json
usage: genship options [OPTIONS] [TEMPLATE]" ]
	run genship templates --format xml
	assert_failure 2
	assert_line --index 0 "genship: error: invalid --format 'xml': expected text or json"
}

# --- templates ----------------------------------------------------------

@test "templates prints aligned tables, wrapped to 80 columns" {
	local version line
	version=$(genship options --format json | jq -r .version)
	run genship templates
	assert_success
	assert_line --index 0 'TEMPLATE  VERSION  DESCRIPTION'
	assert_line --index 1 --regexp "^service   $version +Deployment layer for"
	while IFS= read -r line; do
		[ "${#line}" -lt 80 ] || fail "too long: $line"
	done <<<"$output"
	# the description continues under its column
	assert_line --index 2 --regexp '^                   [^ ]'
	assert_line 'ABBREVIATION  EXPANDS TO'
	assert_line 'gh:           https://github.com/{0}.git'
	assert_line 'gl:           https://gitlab.com/{0}.git'
	local narrow=${#lines[@]}
	COLUMNS=200 run genship templates
	assert_success
	[ "${#lines[@]}" -lt "$narrow" ]
}

@test "templates --format json lists templates and abbreviations" {
	printf 'abbreviations:\n  acme: https://git.acme.test/{0}.git\n' > cfg.yml
	run --separate-stderr genship templates --config cfg.yml --format json
	assert_success
	local json=$output
	run jq -c '[.templates[] | [.name, (.version | test("^[0-9]")),
		(.description | startswith("Deployment layer"))]]' <<<"$json"
	assert_output '[["service",true,true]]'
	run jq -c '.abbreviations' <<<"$json"
	assert_output '[{"name":"acme","url":"https://git.acme.test/{0}.git"},{"name":"gh","url":"https://github.com/{0}.git"},{"name":"gl","url":"https://gitlab.com/{0}.git"}]'
	run jq -c 'keys_unsorted' <<<"$json"
	assert_output '["templates","abbreviations"]'
}

# --- --quiet ---------------------------------------------------------------

@test "every command takes -q and --quiet" {
	local c
	for c in $(genship --help | awk '/^commands:/ { f = 1; next }
			f && /^$/ { exit } f { print $1 }'); do
		run genship "$c" -q --help
		assert_success
		run genship "$c" --quiet --help
		assert_success
	done
}

@test "new and update say what they did; --quiet says nothing" {
	run --separate-stderr genship new --no-input --set git_init=false -o demo
	assert_success
	grep -qx "genship: created 'demo': [0-9]* files from service .*" \
		<<<"$stderr"
	assert_line '[post-gen.sh] Next steps for my-service:'
	run genship new --no-input --set git_init=false -q -o quiet
	assert_success
	assert_output ''
	[ -f quiet/.genship.yml ]
	# the hook still did its work, silently
	[ -f quiet/k8s/overlays/staging/secrets.env ]
	run --separate-stderr genship update quiet --quiet --set port=9000
	assert_success
	[ -z "$stderr" ]
	assert_line 'updated   compose.yaml'
	run genship update quiet -q
	assert_success
	assert_output ''
	run genship check quiet --quiet
	assert_success
	assert_output ''
	run genship check quiet
	assert_output "genship: check: 'quiet' matches template 'service' and its recorded answers"
}

@test "an update runs the built-in hook without repeating the next steps" {
	run genship new --no-input --set git_init=false -o demo
	assert_success
	assert_line "[post-gen.sh]   cd $PWD/demo"
	run --separate-stderr genship update demo --set port=9000
	assert_success
	[ "$stderr" = "genship: updated 'demo' to service $(genship options \
		--format json | jq -r .version): 10 files changed" ]
	refute_output --partial '[post-gen.sh]'
	assert_line 'updated   compose.yaml'
}

# post_gen OPERATION [VAR=VALUE...]: run the built-in hook as genship
# does, in an empty staging directory; sets status and output.
post_gen() {
	mkdir -p stage
	run env -C stage GENSHIP_OPERATION="$1" GENSHIP_OUTPUT_DIR="$PWD/svc" \
		GENSHIP_OPT_PROJECT_NAME=svc GENSHIP_OPT_GIT_INIT=false \
		"${@:2}" bash "$TOP_SRCDIR/hooks/post-gen.sh"
}

@test "the built-in hook tells the next steps on new only, and obeys GENSHIP_QUIET" {
	post_gen new
	assert_success
	assert_output --regexp $'^\nNext steps for svc:\n  cd '"$PWD/svc"$'\n'
	post_gen update
	assert_success
	assert_output ''
	post_gen new GENSHIP_QUIET=1
	assert_success
	assert_output ''
	mkdir -p stage/k8s/overlays/staging
	touch stage/k8s/overlays/staging/secrets.env.example
	post_gen update
	assert_output 'created k8s/overlays/staging/secrets.env from its example (placeholder values: replace before deploying)'
	rm stage/k8s/overlays/staging/secrets.env
	post_gen update GENSHIP_QUIET=1
	assert_output ''
	[ -f stage/k8s/overlays/staging/secrets.env ]
}

@test "hooks see GENSHIP_QUIET=1 under --quiet, and no GENSHIP_QUIET otherwise" {
	local tpl
	tpl=$(fixture basic)
	# shellcheck disable=SC2016 # the hook expands them
	printf '#!/bin/sh\necho "quiet=${GENSHIP_QUIET-unset} op=$GENSHIP_OPERATION" >&2\n' \
		> "$tpl/hooks/post.sh"
	run genship new "$tpl" --no-input --trust -o a
	assert_success
	assert_line '[post.sh] quiet=unset op=new'
	GENSHIP_QUIET=1 run genship new "$tpl" --no-input --trust -o b
	assert_success
	assert_line '[post.sh] quiet=unset op=new'
	run genship new "$tpl" --no-input --trust -q -o c
	assert_success
	assert_output '[post.sh] quiet=1 op=new'
	run genship update c --trust -q --set port=9000
	assert_success
	assert_line '[post.sh] quiet=1 op=update'
}

@test "matrix --quiet prints the combinations without the notes" {
	run --separate-stderr genship matrix "$FIXTURES/basic"
	assert_success
	local all=$output
	[ "$stderr" = "genship: 24 combinations
genship: a CI matrix job K of N runs: genship validate $FIXTURES/basic --shard K/N" ]
	run --separate-stderr genship matrix "$FIXTURES/basic" -q
	assert_success
	[ -z "$stderr" ]
	assert_output "$all"
}

# --- terminals and colour ------------------------------------------------

@test "validate draws progress on a terminal, never with --quiet" {
	on_tty "$GENSHIP" validate "$FIXTURES/basic" --set docs=false --lint builtin
	assert_success
	assert_output --partial $'\r\e[Krender'
	on_tty "$GENSHIP" validate "$FIXTURES/basic" --set docs=false --lint builtin -q
	assert_success
	refute_output --partial $'\e'
}

@test "diff is coloured on a terminal only, and never with NO_COLOR" {
	run genship new "$FIXTURES/basic" --no-input --no-hooks -o demo
	assert_success
	on_tty "$GENSHIP" diff demo --set port=9000
	assert_success
	assert_line $'\e[1mdiff --git a/README.md b/README.md\e[m'
	assert_line $'\e[1m--- a/README.md\e[m'
	assert_line $'\e[36m@@ -1,4 +1,4 @@\e[m'
	assert_line $'\e[31m-Language: python, port 8080, image ghcr.io/acme/demo-app.\e[m'
	assert_line $'\e[32m+Language: python, port 9000, image ghcr.io/acme/demo-app.\e[m'
	assert_line ' # demo-app'
	NO_COLOR=1 on_tty "$GENSHIP" diff demo --set port=9000
	assert_success
	assert_line 'diff --git a/README.md b/README.md'
	refute_output --partial $'\e'
	TERM=dumb on_tty "$GENSHIP" diff demo --set port=9000
	refute_output --partial $'\e'
	run genship diff demo --set port=9000
	assert_success
	assert_line 'diff --git a/README.md b/README.md'
	refute_output --partial $'\e'
}
