#!/usr/bin/env bats
# genship on unmodified cookiecutter templates: new (replay, -f/-s, hooks
# and trust), matrix, update and .cruft.json.  Byte-for-byte conformance
# with real cookiecutter lives in tests/cookiecutter/.

load helpers

# cc_template DIR: a small cookiecutter template with a choice, a bool and
# a post hook.
cc_template() {
	mkdir -p "$1/{{cookiecutter.project_slug}}/src" "$1/hooks"
	cat >"$1/cookiecutter.json" <<'EOF'
{
  "project_name": "Demo App",
  "project_slug": "{{ cookiecutter.project_name.lower().replace(' ', '_') }}",
  "license": ["MIT", "BSD-3-Clause"],
  "use_docker": true
}
EOF
	printf '%s\n' '# {{ cookiecutter.project_name }}' \
		'License: {{ cookiecutter.license }}' \
		'{% if cookiecutter.use_docker %}docker: yes{% endif %}' \
		>"$1/{{cookiecutter.project_slug}}/README.md"
	printf 'print("{{ cookiecutter.project_slug }}")\n' \
		>"$1/{{cookiecutter.project_slug}}/src/main.py"
	printf '#!/bin/sh\necho "hook {{ cookiecutter.license }}" > hook.txt\n' \
		>"$1/hooks/post_gen_project.sh"
}

setup() {
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
	export HOME="$BATS_TEST_TMPDIR/home"
	TPL="$BATS_TEST_TMPDIR/cc-demo"
	cc_template "$TPL"
}

@test "new renders a cookiecutter template into its project directory" {
	run genship new "$TPL" --no-input --trust license=BSD-3-Clause
	assert_success
	assert_output --partial "created 'demo_app'"
	run cat demo_app/README.md
	assert_output "# Demo App
License: BSD-3-Clause
docker: yes"
	run cat demo_app/hook.txt
	assert_output 'hook BSD-3-Clause'
	run grep -c 'license: BSD-3-Clause' demo_app/.genship.yml
	assert_output 1
	[ -f "$HOME/.cookiecutter_replay/cc-demo.json" ]
}

@test "hooks of a cookiecutter template need --trust without a terminal" {
	run genship new "$TPL" --no-input
	assert_failure 2
	assert_output --partial "has hooks"
	assert_output --partial "pass --trust"
	assert_nothing_written
}

@test "an invalid choice names the choices and the argument" {
	run genship new "$TPL" --no-input --no-hooks --set license=WTFPL
	assert_failure 2
	assert_output --partial "invalid value for choice variable 'license': expected one of MIT, BSD-3-Clause"
	assert_nothing_written
}

@test "an unknown extra context key is ignored with a warning" {
	run genship new "$TPL" --no-input --no-hooks licence=MIT
	assert_success
	assert_output --partial "ignoring 'licence': cookiecutter.json has no such variable (did you mean 'license'?)"
}

@test "an existing project needs -f; -s keeps the files that exist" {
	mkdir -p demo_app
	echo mine >demo_app/README.md
	run genship new "$TPL" --no-input --no-hooks
	assert_failure 2
	assert_output --partial "directory already exists"
	run genship new "$TPL" --no-input --no-hooks -f -s
	assert_success
	run cat demo_app/README.md
	assert_output mine
	[ -f demo_app/src/main.py ]
}

@test "--replay-file takes the answers of a replay file" {
	genship new "$TPL" --no-input --no-hooks -o first
	sed 's/"Demo App"/"Other App"/; s/"demo_app"/"other_app"/' \
		"$HOME/.cookiecutter_replay/cc-demo.json" >replay.json
	run genship new "$TPL" --no-hooks --replay-file replay.json
	assert_success
	run head -1 other_app/README.md
	assert_output '# Other App'
}

@test "matrix enumerates the choice and bool variables" {
	run genship matrix "$TPL"
	assert_success
	assert_line --partial 'license=MIT use_docker=true'
	assert_line --partial 'license=BSD-3-Clause use_docker=false'
	assert_output --partial '4 combinations'
}

@test "update applies a new answer to a cookiecutter project, keeping edits" {
	genship new "$TPL" --no-input --no-hooks
	echo "my notes" >>demo_app/README.md
	run genship update demo_app --set license=BSD-3-Clause
	assert_success
	run cat demo_app/README.md
	assert_output "# Demo App
License: BSD-3-Clause
docker: yes
my notes"
}

@test "a cruft project is understood and update writes .genship.yml" {
	genship new "$TPL" --no-input --no-hooks -o proj
	rm proj/.genship.yml
	cat >proj/.cruft.json <<EOF
{"template": "$TPL", "commit": null, "checkout": null,
 "context": {"cookiecutter": {"project_name": "Demo App",
  "project_slug": "demo_app", "license": "MIT", "use_docker": true,
  "_template": "$TPL"}}, "directory": null}
EOF
	run genship check proj
	assert_success
	run genship update proj
	assert_success
	run grep -c 'license: MIT' proj/.genship.yml
	assert_output 1
	run genship update proj --set license=BSD-3-Clause
	assert_success
	run grep -c 'License: BSD-3-Clause' proj/README.md
	assert_output 1
}

@test "the benchmark template and its copier twin: genship, cookiecutter and copier write the same files" {
	# bench/peers.py times these tools on the same template; its --check
	# compares what they write, without timing anything.
	[ -x "$TOP_SRCDIR/tools/venv/bin/copier" ] ||
		skip "tools/venv lacks cookiecutter and copier: run tools/setup.sh --deps"
	[ -z "${GENSHIP_WRAPPER:-}" ] || skip "runs the peers, not genship, under the wrapper"
	run python3 "$TOP_SRCDIR/bench/peers.py" --check "$GENSHIP"
	assert_success
	assert_output ""
}
