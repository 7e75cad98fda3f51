#!/usr/bin/env bats
# genship new on a terminal: real interviews through a pseudo-terminal
# (on-a-tty.py), then the answers that apply or not, with and without one.

load helpers

# tty STEP... -- ARGS: run `genship new ARGS` on a pseudo-terminal,
# holding the conversation the steps describe (see on-a-tty.py).
tty() {
	local steps=()
	while [ "$1" != -- ]; do
		steps+=("$1")
		shift
	done
	shift
	# shellcheck disable=SC2086
	run python3 "$BATS_TEST_DIRNAME/on-a-tty.py" "${steps[@]}" -- \
		$GENSHIP_WRAPPER "$GENSHIP" new "$@"
}

# kept: the directory where failed runs keep their answers.
kept() {
	printf '%s/genship/answers\n' "$XDG_STATE_HOME"
}

# --- questions and replies -------------------------------------------------

@test "choices are numbered, answered by number or name in any case; a summary before writing" {
	tpl=$(fixture basic)
	tty --expect '(1/6) project_name' --expect '  DNS-safe name' \
		--send svc \
		--expect '(2/6) language' --send 3 \
		--expect '(3/6) port' --send '' \
		--expect '(4/6) docs' --send N \
		--expect '(5/5) extras' --send '2, PROFILING' \
		--expect 'Write the project' --send y \
		-- "$tpl" -o out --trust
	assert_success
	assert_output --partial "
(2/6) language
  1) python
  2) node
  3) go
language [python]: 3
"
	assert_output --partial "
(5/5) extras
  1) metrics
  2) tracing
  3) profiling
  Several answers are separated by commas; - answers none.
extras [metrics]: 2, PROFILING
"
	assert_output --partial "
Your answers:
  project_name  svc
  language      go
  port          8080
  docs          false
  extras        tracing, profiling
Write the project to 'out'? [Y/n]: y
"
	assert_output --partial "genship: created 'out': 5 files from basic 1.2.3"
	run cat out/hook.out
	assert_output 'op=new lang=go extras=tracing,profiling docs=false'
	[ ! -e "$(kept)" ]
}

@test "a wrong reply is explained; only the question line comes again" {
	tpl=$(fixture basic)
	tty --expect 'project_name [demo-app]: ' --send 'My App' \
		--expect 'project_name [demo-app]: ' --send svc \
		--expect 'language [python]: ' --send perl \
		--expect 'language [python]: ' --send NODE \
		--enter-until 'Write the project' --send y \
		-- "$tpl" -o out --no-hooks
	assert_success
	assert_output --partial "
(1/6) project_name
  DNS-safe name
project_name [demo-app]: My App
  invalid answer for 'project_name': does not match pattern
  '^[a-z][a-z0-9-]{1,38}[a-z0-9]\$'
project_name [demo-app]: svc
"
	assert_output --partial "
language [python]: perl
  invalid answer for 'language': 'perl' is not one of the choices; answer with
  its number or its name
language [python]: NODE
"
	run grep -c 'DNS-safe name' <<<"$output"
	assert_output 1
	run grep '^  language:' out/.genship.yml
	assert_output '  language: node'
}

@test "the built-in template explains its patterns in words" {
	tty --expect 'Project name [my-service]: ' --send 'My App' \
		--expect 'Project name [my-service]: ' --ctrl-d \
		-- -o out
	assert_output --partial "Project name [my-service]: My App
  invalid answer for 'project_name': expected 3 to 40 lowercase letters, digits
  and dashes, starting with a letter and not ending with a dash
"
	refute_output --partial '[a-z0-9-]'
}

@test "help is wrapped to the terminal's width" {
	tty --cols 50 --expect 'Project name [my-service]: ' --ctrl-d -- -o out
	assert_output --regexp '\(1/[0-9]+\) project_name'
	assert_output --partial " project_name
  DNS-safe name (3-40 characters, lowercase
  letters, digits and dashes) used for the image,
  the Kubernetes objects, the namespaces and the
  project directory.
Project name [my-service]: "
}

# --- constraints, checked as soon as they can be ----------------------------

@test "a conflict names the clashing answers and asks the last of them again" {
	tpl=$(fixture basic)
	tty --expect 'project_name [demo-app]: ' --send '' \
		--expect 'language [python]: ' --send go \
		--expect 'port [8080]: ' --send 1024 \
		--expect 'port [8080]: ' --send 3000 \
		--enter-until 'Write the project' --send y \
		-- "$tpl" -o out --no-hooks
	assert_success
	assert_output --partial "
(3/6) port
port [8080]: 1024

(3/6) port
  language=go conflicts with port=1024: go services may not use port 1024 in
  this fixture
port [8080]: 3000
"
	run grep '^  port:' out/.genship.yml
	assert_output '  port: 3000'
}

@test "choices the earlier answers rule out are not offered; given values are asked when they clash" {
	# The reply goes to the prompt asked again, not ahead of it: typed
	# ahead, the enters that follow could reach the final confirmation
	# first and answer it no.
	tty --enter-until 'conflicts with' \
		--send alerts --expect 'is not offered' \
		--expect 'empty for none): ' --send 1 \
		--enter-until 'Write the project' --send y \
		-- -o out --no-hooks --set project_name=demo \
		--set kubernetes=false --set extras=alerts
	assert_success
	# extras was given, so it is asked only once it clashes.
	assert_output --partial "
  1) gitleaks
  2) load_test
  not offered, as earlier answers rule them out: migrations, alerts, smoke_test
  Several answers are separated by commas; - answers none.
  kubernetes=false conflicts with extras=alerts: the alerts and smoke_test
  extras need kubernetes=true
Operational extras (comma-separated; empty for none): alerts
  invalid answer for 'extras': 'alerts' is not offered: the alerts and
  smoke_test extras need kubernetes=true
Operational extras (comma-separated; empty for none): 1
"
	refute_output --partial 'kubernetes
'
	run grep -E '^  (kubernetes|extras):' out/.genship.yml
	assert_output '  kubernetes: false
  extras: [gitleaks]'
}

@test "an -o target in the way is refused before the first question" {
	mkdir out
	touch out/mine
	tty --expect 'error' -- -o out
	assert_failure 2
	assert_output "out: error: directory exists and is not empty
hint: choose another directory with -o, or pass --force to overwrite the generated files (other files are kept)"
	run ls -A out
	assert_output mine
}

@test "without -o, a project name whose directory is in the way is asked again" {
	tpl=$(fixture basic)
	mkdir demo-app
	touch demo-app/mine
	tty --expect 'project_name [demo-app]: ' --send '' \
		--expect 'project_name [demo-app]: ' --send other \
		--enter-until 'Write the project' --send y \
		-- "$tpl" --no-hooks
	assert_success
	assert_output --partial "
(1/6) project_name
  'demo-app': directory exists and is not empty; choose another name, or pass
  -o DIR or --force
project_name [demo-app]: other
"
	[ -f other/README.md ]
	run ls -A demo-app
	assert_output mine
}

# --- values given before the interview --------------------------------------

@test "--set and --answers values are not asked again; --ask-all asks them" {
	tpl=$(fixture basic)
	printf 'language: go\n' >answers.yml
	tty --enter-until 'Write the project' --send y \
		-- "$tpl" -o out --no-hooks --answers answers.yml --set port=9000
	assert_success
	assert_output --partial '(1/4) project_name'
	refute_output --partial 'language ['
	refute_output --partial 'port ['
	assert_output --partial '  language      go
  port          9000'
	tty --enter-until 'language [go]: ' --send '' --expect 'port [9000]: ' \
		--send 9001 --enter-until 'Write the project' --send y \
		-- "$tpl" -o again --no-hooks --answers answers.yml \
		--set port=9000 --ask-all
	assert_success
	assert_output --partial '(3/6) port'
	run grep '^  port:' again/.genship.yml
	assert_output '  port: 9001'
}

@test "--yes writes without the summary" {
	tpl=$(fixture basic)
	tty --enter-until 'docs_title' --send '' -- "$tpl" -o out --no-hooks \
		--yes
	assert_success
	refute_output --partial 'Your answers'
	refute_output --partial 'Write the project'
	[ -f out/README.md ]
}

# --- nothing is lost, nothing is left ----------------------------------------

@test "a later failure keeps the answers (0600) and prints the command that resumes" {
	tpl=$(fixture basic)
	printf '[ -z "${FAIL_POST:-}" ] || { echo "post hook failed" >&2; exit 1; }\n' \
		>>"$tpl/hooks/post.sh"
	export FAIL_POST=1
	tty --expect 'project_name [demo-app]: ' --send svc \
		--expect 'language [python]: ' --send node \
		--enter-until 'Write the project' --send y \
		-- "$tpl" -o out --trust --set port=9000
	assert_failure 1
	assert_output --partial "genship: error: hook 'post.sh' failed with exit status 1
genship: your answers are kept in '$(kept)/out.yml'; resume with:
  genship new --answers $(kept)/out.yml $tpl -o out --trust"
	cmd=$(grep -A1 'resume with:' <<<"$output" | tail -n 1)
	[ ! -e out ]
	run stat -c %a "$(kept)/out.yml"
	assert_output 600
	run cat "$(kept)/out.yml"
	assert_output "# Answers to 'genship new' (template basic 1.2.3), kept when the run failed.
project_name: svc
language: node
port: 9000
docs: true
extras: [metrics]
docs_title: Handbook"
	# Resume with exactly the command printed: nothing is asked again.
	unset FAIL_POST
	eval "set -- $cmd"
	[ "$1 $2" = 'genship new' ]
	shift 2
	tty --expect 'Write the project' --send y -- "$@"
	assert_success
	refute_output --partial '(1/'
	# The same project as the same answers give without a terminal.
	run genship new "$tpl" -o ref --trust --no-input --set project_name=svc \
		--set language=node --set port=9000
	assert_success
	run diff -r out ref
	assert_success
}

@test "no at the confirmation writes nothing and keeps the answers" {
	tpl=$(fixture basic)
	tty --enter-until 'Write the project' --send n -- "$tpl" -o out --no-hooks
	assert_failure 1
	assert_output --partial "Write the project to 'out'? [Y/n]: n
genship: error: not confirmed: nothing was written
genship: your answers are kept in '$(kept)/out.yml'; resume with:
  genship new --answers $(kept)/out.yml $tpl -o out --no-hooks"
	[ ! -e out ]
}

@test "Ctrl-C at a question aborts: exit 130, nothing written or kept" {
	tpl=$(fixture basic)
	tty --enter-until 'language [python]: ' --ctrl-c -- "$tpl" -o out \
		--no-hooks
	assert_failure 130
	assert_output --partial 'language [python]: ^C
genship: aborted'
	refute_output --partial error
	assert_nothing_written
	[ ! -e "$XDG_STATE_HOME" ]
}

@test "Ctrl-D at a question aborts like Ctrl-C" {
	tpl=$(fixture basic)
	tty --enter-until 'language [python]: ' --ctrl-d -- "$tpl" -o out \
		--no-hooks
	assert_failure 130
	assert_output --partial 'language [python]: 
genship: aborted'
	refute_output --partial error
	assert_nothing_written
	[ ! -e "$XDG_STATE_HOME" ]
}

@test "Ctrl-D or Ctrl-C at the confirmation aborts too" {
	tpl=$(fixture basic)
	tty --enter-until 'Write the project' --ctrl-d -- "$tpl" -o out --no-hooks
	assert_failure 130
	assert_output --partial 'genship: aborted'
	tty --enter-until 'Write the project' --ctrl-c -- "$tpl" -o out --no-hooks
	assert_failure 130
	assert_output --partial 'genship: aborted'
	assert_nothing_written
	[ ! -e "$XDG_STATE_HOME" ]
}

@test "a cookiecutter template's questions are numbered too" {
	mkdir cc
	printf '{"name": "demo", "license": ["MIT", "BSD-3", "GPL-3.0"]}\n' \
		>cc/cookiecutter.json
	mkdir 'cc/{{cookiecutter.name}}'
	printf '{{ cookiecutter.license }}\n' >'cc/{{cookiecutter.name}}/LICENSE'
	tty --expect '(1/2) name' --send '' --expect '(2/2) license' \
		--expect '3) GPL-3.0' --send bsd-3 \
		--expect 'Write the project' --send y -- ./cc
	assert_success
	run cat demo/LICENSE
	assert_output BSD-3
}

# --- answers that do not apply -----------------------------------------------

@test "a --set value whose option does not apply warns why; --strict refuses it" {
	run genship new --no-input --no-hooks -o out --set backup=true
	assert_success
	assert_output --partial "genship: warning: ignoring backup=true (--set): option 'backup' applies only when database == 'postgres' and kubernetes, and database=none"
	run grep -c '^  backup:' out/.genship.yml
	assert_output 1
	run genship new --no-input --no-hooks -o strict --set backup=true --strict
	assert_failure 2
	assert_output "--set:1:1: error: option 'backup' does not apply: it applies only when database == 'postgres' and kubernetes, and database=none
    1 | backup=true
      | ^
hint: leave the answer out, or drop --strict to ignore it"
	[ ! -e strict ]
	# The value the option takes anyway is no news.
	run genship new --no-input --no-hooks -o quiet --set backup=false
	assert_success
	refute_output --partial warning
}

@test "an answers-file value whose option does not apply warns with its line" {
	printf 'database: none\nkubernetes: false\nk8s_flavor: helm\n' >a.yml
	run genship new --no-input --no-hooks -o out --answers a.yml
	assert_success
	assert_output --partial "genship: warning: ignoring k8s_flavor=helm (a.yml:3): option 'k8s_flavor' applies only when kubernetes, and kubernetes=false"
}

@test "without a terminal a conflict is an error naming the answers" {
	run genship new --no-input --no-hooks -o out --set kubernetes=false \
		--set extras=alerts,gitleaks
	assert_failure 2
	assert_output "--set:1:8: error: kubernetes=false conflicts with extras=alerts: the alerts and smoke_test extras need kubernetes=true
    1 | extras=alerts,gitleaks
      |        ^
hint: change 'kubernetes' or 'extras'"
	assert_nothing_written
	[ ! -e "$XDG_STATE_HOME" ]
}
