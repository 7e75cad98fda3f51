#!/usr/bin/env bats
# Containment: nothing genship starts outlives it, and every way out of a
# command removes what it created.  Each hook runs under a supervisor that
# kills the hook's whole process tree (setsid() children included) when
# the hook exits, times out, or genship dies, even of SIGKILL; the output
# relay stops with it and never spins.  SIGPIPE on the relay and SIGINT
# during validate clean up like any other interruption.  Then the smaller
# escapes: bare template names, the cookiecutter replay file, and an
# absolute GENSHIP_OUTPUT_DIR.  Real processes and real signals throughout.

load helpers

setup() {
	WORK="$BATS_TEST_TMPDIR/work"
	PIDS="$BATS_TEST_TMPDIR/pids"
	mkdir -p "$WORK" "$PIDS" "$BATS_TEST_TMPDIR/tmp"
	cd "$WORK" || return 1
	# A private TMPDIR: the hook's temp directory is ours to look for.
	export TMPDIR="$BATS_TEST_TMPDIR/tmp" PIDS
}

# no_wrapper: signals and process trees must be genship's, not valgrind's.
no_wrapper() {
	[ -z "${GENSHIP_WRAPPER:-}" ] ||
		skip "the signal would reach the wrapper, not genship"
}

# hook_template: the basic fixture whose post hook is stdin; prints its path.
hook_template() {
	local tpl
	tpl=$(fixture basic)
	cat >"$tpl/hooks/post.sh"
	chmod +x "$tpl/hooks/post.sh"
	printf '%s\n' "$tpl"
}

# alive PID: PID exists and is not a zombie.
alive() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# descendants PID: every process below PID, one pid a line.
descendants() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			in_tree[root] = 1
			do {
				grew = 0
				for (p in parent)
					if (!(p in in_tree) && (parent[p] in in_tree)) {
						in_tree[p] = 1; grew = 1
					}
			} while (grew)
			for (p in in_tree) if (p != root) print p
		}'
}


# now_ms: a monotonic enough wall clock in milliseconds.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# hook_temp_dirs: the hooks' private temp directories still present.
hook_temp_dirs() {
	find "$TMPDIR" -maxdepth 1 -name 'genship-hook-*'
}

@test "SIGKILL of genship during a looping hook: the hook's whole tree is gone within a second, and its temp dir" {
	no_wrapper
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		echo $$ >"$PIDS/hook"
		(while :; do sleep 0.1; done) &
		echo $! >"$PIDS/bg"
		setsid sh -c 'echo $$ >"$PIDS/setsid"; while :; do sleep 0.1; done' &
		while :; do sleep 0.1; done
	EOF
	)
	"$GENSHIP" new "$tpl" --trust --hook-timeout 30 -o out 2>/dev/null &
	pid=$!
	wait_for "$PIDS/hook"
	wait_for "$PIDS/bg"
	wait_for "$PIDS/setsid"
	tree=$(descendants "$pid")
	for p in $(cat "$PIDS/hook" "$PIDS/bg" "$PIDS/setsid"); do
		grep -qx "$p" <<<"$tree" || fail "$p is not below genship"
	done
	[ -n "$(hook_temp_dirs)" ] || fail "no hook temp dir to watch"
	kill -KILL "$pid"
	wait "$pid" || true
	left=$tree
	for ((i = 0; i < 10; i++)); do
		left=$(for p in $tree; do if alive "$p"; then echo "$p"; fi; done)
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] ||
		fail "alive 1 s after SIGKILL: $(ps -o pid=,args= -p "${left//$'\n'/,}")"
	run hook_temp_dirs
	assert_output ''
}

@test "a background job of a hook cannot write into the project after new returns" {
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		(sleep 2; echo late > late.txt; chmod 666 late.txt) &
		echo done
	EOF
	)
	start=$(now_ms)
	run genship new "$tpl" --trust -o out
	assert_success
	assert_output --partial '[post.sh] done'
	[ -n "${GENSHIP_WRAPPER:-}" ] || [ $(($(now_ms) - start)) -lt 1500 ] ||
		fail "new waited for the job"
	sleep 3
	[ ! -e out/late.txt ] || fail "late.txt: $(stat -c '%a' out/late.txt)"
	run find out -perm -0002
	assert_output ''
}

@test "a background job with its output redirected is killed too" {
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		(sleep 2; echo late > late.txt; chmod 666 late.txt) >/dev/null 2>&1 &
		echo done
	EOF
	)
	run genship new "$tpl" --trust -o out
	assert_success
	sleep 3
	[ ! -e out/late.txt ]
	run hook_temp_dirs
	assert_output ''
}

# timed_new ARGS...: run genship new, leaving "WALL USER SYS" seconds in
# $BATS_TEST_TMPDIR/time, its output in .../out and status in $st.  A
# genship that spins forever (as it once did) is killed after 20 s.
timed_new() {
	local TIMEFORMAT='%R %U %S'
	st=0
	{ time timeout -s KILL 20 "$GENSHIP" new "$@" \
		>"$BATS_TEST_TMPDIR/out" 2>&1; } \
		2>"$BATS_TEST_TMPDIR/time" || st=$?
}

# assert_quick MAX_WALL: the timed run took less than MAX_WALL seconds
# and used less than 0.5 s of CPU (no busy wait).
assert_quick() {
	read -r wall user sys <"$BATS_TEST_TMPDIR/time"
	awk -v w="$wall" -v max="$1" 'BEGIN { exit !(w < max) }' ||
		fail "took ${wall}s, want under $1 s"
	awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s < 0.5) }' ||
		fail "used ${user}s user + ${sys}s system CPU: a busy wait"
}

@test "a setsid child holding stdout past --hook-timeout: back within timeout + 2 s, no spin" {
	no_wrapper
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		setsid sh -c 'echo $$ >"$PIDS/setsid"; exec sleep 66' &
		echo started
		sleep 30
	EOF
	)
	timed_new "$tpl" --trust --hook-timeout 1 -o out
	[ "$st" -eq 1 ] || fail "exit status $st: $(cat "$BATS_TEST_TMPDIR/out")"
	assert_quick 3
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "[post.sh] started"
	assert_output --partial "hook 'post.sh' timed out after 1 s"
	run alive "$(cat "$PIDS/setsid")"
	assert_failure
	assert_nothing_written
}

@test "a hook that exits leaving a setsid child on its stdout: back at once, no spin" {
	no_wrapper
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		setsid sh -c 'echo $$ >"$PIDS/setsid"; exec sleep 66' &
		while [ ! -s "$PIDS/setsid" ]; do sleep 0.05; done
		echo started
	EOF
	)
	timed_new "$tpl" --trust --hook-timeout 1 -o out
	[ "$st" -eq 0 ] || fail "exit status $st: $(cat "$BATS_TEST_TMPDIR/out")"
	assert_quick 3
	run alive "$(cat "$PIDS/setsid")"
	assert_failure
	[ -f out/README.md ]
}

@test "new | head -1: SIGPIPE on the hook's output removes the staging dir and stops the hook" {
	no_wrapper
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		echo $$ >"$PIDS/hook"
		i=0
		while [ $i -lt 200 ]; do echo "line $i"; i=$((i + 1)); sleep 0.05; done
	EOF
	)
	"$GENSHIP" new "$tpl" --trust -o out 2>"$BATS_TEST_TMPDIR/err" |
		head -1 >"$BATS_TEST_TMPDIR/first"
	st=${PIPESTATUS[0]}
	[ "$st" -eq 141 ] || fail "exit status $st, want 141 (SIGPIPE)"
	assert_nothing_written
	run cat "$BATS_TEST_TMPDIR/first"
	assert_output '[post.sh] line 0'
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "hook 'post.sh' stopped: interrupted by SIGPIPE"
	run alive "$(cat "$PIDS/hook")"
	assert_failure
	run hook_temp_dirs
	assert_output ''
}

# validate_interrupted SIG STATUS: validate with a slow fake linter, sent
# SIG once the linter runs, dies with STATUS and leaves no temp dir and no
# linter behind.
validate_interrupted() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/shellcheck" <<-'EOF'
		#!/bin/sh
		case "$1" in --version) echo 'version: 0.9.0'; exit 0 ;; esac
		echo $$ >>"$PIDS/linter"
		exec sleep 30
	EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/shellcheck"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$GENSHIP" validate \
		--set language=go --lint shellcheck -j 2 \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_for "$PIDS/linter"
	run find "$TMPDIR" -maxdepth 1 -name 'genship-validate-*'
	[ -n "$output" ] || fail "no validate temp dir to watch"
	kill -"$1" "$pid"
	st=0
	wait "$pid" || st=$?
	run find "$TMPDIR" -maxdepth 1 -name 'genship-validate-*'
	assert_output ''
	[ "$st" -eq "$2" ] || fail "exit status $st, want $2"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "interrupted by SIG$1"
	for p in $(cat "$PIDS/linter"); do
		run alive "$p"
		assert_failure
	done
}

@test "SIGINT (Ctrl-C) during validate removes genship-validate-* and the running linters" {
	no_wrapper
	validate_interrupted INT 130
}

@test "SIGTERM during validate removes genship-validate-* and the running linters" {
	no_wrapper
	validate_interrupted TERM 143
}

# cc_template DIR: a minimal cookiecutter template.
cc_template() {
	mkdir -p "$1/{{cookiecutter.project_slug}}"
	printf '{"project_slug": "demo"}\n' >"$1/cookiecutter.json"
	printf '{{ cookiecutter.project_slug }}\n' \
		>"$1/{{cookiecutter.project_slug}}/README.md"
}

@test "the cookiecutter replay directory is 0700 and its file 0600, even under umask 000" {
	export HOME="$BATS_TEST_TMPDIR/home"
	cc_template "$BATS_TEST_TMPDIR/cc-demo"
	umask 000
	run genship new "$BATS_TEST_TMPDIR/cc-demo" --no-input
	assert_success
	run stat -c '%a' "$HOME/.cookiecutter_replay" \
		"$HOME/.cookiecutter_replay/cc-demo.json"
	assert_output "700
600"
	run cat "$HOME/.cookiecutter_replay/cc-demo.json"
	assert_output --partial '"project_slug": "demo"'
}

@test "a symlink planted as the replay file is refused, not written through" {
	export HOME="$BATS_TEST_TMPDIR/home"
	cc_template "$BATS_TEST_TMPDIR/cc-demo"
	mkdir -p "$HOME/.cookiecutter_replay"
	echo precious >"$BATS_TEST_TMPDIR/victim"
	ln -s "$BATS_TEST_TMPDIR/victim" "$HOME/.cookiecutter_replay/cc-demo.json"
	run genship new "$BATS_TEST_TMPDIR/cc-demo" --no-input
	assert_success
	assert_output --partial "genship: warning: cannot write replay file '$HOME/.cookiecutter_replay/cc-demo.json': it is a symbolic link"
	run cat "$BATS_TEST_TMPDIR/victim"
	assert_output precious
	[ -f demo/README.md ]
}

@test "a bare name that is both a built-in and a directory here is ambiguous (exit 2)" {
	cp -R "$FIXTURES/basic" service
	run genship new service --no-hooks -o out
	assert_failure 2
	assert_output "genship: error: template 'service' is ambiguous: it names the built-in template 'service' and the directory './service'
hint: write 'builtin:service' for the built-in template, or './service' for the directory"
	[ ! -e out ]
	run genship new ./service --no-hooks -o dir
	assert_success
	assert_output --partial "from basic 1.2.3"
	run genship new builtin:service --no-input --no-hooks -o builtin
	assert_success
	assert_output --partial "from service "
	# No argument at all is the built-in default, never the directory.
	run genship new --no-input --no-hooks -o default
	assert_success
	assert_output --partial "from service "
}

@test "hooks get GENSHIP_OUTPUT_DIR as an absolute path" {
	tpl=$(hook_template <<-'EOF'
		#!/bin/sh
		printf '%s\n' "$GENSHIP_OUTPUT_DIR" >outdir.txt
	EOF
	)
	mkdir sub
	cd sub
	run genship new "$tpl" --trust -o ../proj
	assert_success
	run cat ../proj/outdir.txt
	assert_output "$(cd "$WORK" && pwd -P)/proj"
}

@test "the built-in hook never git-inits a project nested in a repository (-o ../repo/out)" {
	command -v git >/dev/null || skip "git is not installed"
	mkdir repo cwd
	git -C repo init --quiet
	cd cwd
	run genship new --no-input --set git_init=true -o ../repo/out
	assert_success
	assert_output --partial "is inside a git repository: skipping git init"
	[ -f ../repo/out/README.md ]
	[ ! -e ../repo/out/.git ]
}

@test "a bare name that is only a local directory is that template, and never trusted as a built-in" {
	cp -R "$FIXTURES/basic" mytpl
	run genship new mytpl -o out
	assert_failure 2
	assert_output --partial "template 'basic' has hooks, and hooks of a template that is not built in run only when trusted"
	[ ! -e out ]
	run genship new mytpl --no-hooks -o out
	assert_success
	assert_output --partial "from basic 1.2.3"
}
