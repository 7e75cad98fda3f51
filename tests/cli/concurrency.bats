#!/usr/bin/env bats
# One writer per project, compare-and-swap commits, recovery without PIDs.
#
# Every test here runs real genship processes at the same time.  A post
# hook that waits on a FIFO opens an exact window: the test starts one
# run, waits until its hook is running (the hook writes NAME.ready), acts
# in that window (a second run, an edit), then lets the hook go on (the
# test writes NAME.go).  Each test asserts that no edit was lost and that
# the process that lost the race exits non-zero with a clear message.

load helpers

# The template: README.md and app.conf render the port; the post hook
# pauses when PAUSE names a FIFO pair (hooks get the environment, less
# GENSHIP_* variables).
setup() {
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
	TPL="$BATS_TEST_TMPDIR/tpl"
	mkdir -p "$TPL/template" "$TPL/hooks"
	cat >"$TPL/genship.yml" <<'EOF'
name: lockdemo
version: 1.0.0
options:
  - name: project_name
    type: string
    default: demo
  - name: port
    type: int
    default: 1000
hooks:
  post: [pause.sh]
EOF
	printf 'port {{ port }}\nline two\nline three\nline four\n' \
		>"$TPL/template/README.md"
	printf 'cfg {{ port }}\n' >"$TPL/template/app.conf"
	cat >"$TPL/hooks/pause.sh" <<'EOF'
#!/bin/sh
set -eu
[ -n "${PAUSE:-}" ] || exit 0
echo ready >"$PAUSE.ready"
read -r _ <"$PAUSE.go"
EOF
	chmod +x "$TPL/hooks/pause.sh"
}

# start_paused NAME ARGS...: start `genship ARGS` in the background with
# its post hook paused, and return once the hook is running.
start_paused() {
	local name=$1 fifo="$BATS_TEST_TMPDIR/$1"
	shift
	mkfifo "$fifo.ready" "$fifo.go"
	PAUSE=$fifo $GENSHIP_WRAPPER "$GENSHIP" "$@" >"$fifo.out" 2>&1 &
	printf '%s\n' "$!" >"$fifo.pid"
	timeout 60 cat "$fifo.ready" >/dev/null ||
		fail "the hook of '$name' never ran: $(cat "$fifo.out")"
}

# resume NAME: let the paused hook go on and wait for its genship; sets
# status and output as `run` does.
resume() {
	local fifo="$BATS_TEST_TMPDIR/$1"
	timeout 60 sh -c 'echo go >"$1"' _ "$fifo.go" ||
		fail "the hook of '$1' was gone"
	status=0
	wait "$(cat "$fifo.pid")" || status=$?
	output=$(cat "$fifo.out")
}

new_project() {
	run genship new "$TPL" --trust -o proj "$@"
	assert_success
}

# recorded_port DIR: the port the answers file of DIR records.
recorded_port() {
	sed -n 's/^ *port: //p' "$1/.genship.yml"
}

@test "an edit made while update's hook runs is not lost: nothing is written" {
	new_project
	start_paused upd update proj --trust --set port=2000
	printf 'my own line\n' >>proj/README.md
	resume upd
	[ "$status" -eq 1 ] || fail "update exited $status: $output"
	assert_output --partial "'proj/README.md' changed while the update was running, after genship had read it; nothing was written"
	assert_output --partial "run 'genship update' again"
	run tail -1 proj/README.md
	assert_output 'my own line'
	run cat proj/app.conf
	assert_output 'cfg 1000'
	[ "$(recorded_port proj)" = 1000 ]
	[ ! -e proj/.genship-update ]
	# Run again, the edit is merged with the template's change.
	run genship update proj --trust --set port=2000
	assert_success
	run cat proj/README.md
	assert_output "$(printf 'port 2000\nline two\nline three\nline four\nmy own line')"
}

@test "a file created in a new target while the hook runs is kept" {
	mkdir proj
	start_paused new new "$TPL" --trust -o proj
	printf 'mine\n' >proj/README.md
	resume new
	[ "$status" -eq 1 ] || fail "new exited $status: $output"
	assert_output --partial "'proj/README.md' appeared while genship was running"
	assert_output --partial "nothing was changed"
	run ls -A proj
	assert_output 'README.md'
	run cat proj/README.md
	assert_output 'mine'
	run ls -A "$WORK"
	assert_output 'proj'
}

@test "new --force replaces only what it saw: an edit during the hook stays" {
	new_project
	printf 'notes\n' >proj/NOTES.txt
	start_paused new new "$TPL" --trust --force -o proj --set port=3000
	printf 'edited during the hook\n' >proj/app.conf
	resume new
	[ "$status" -eq 1 ] || fail "new --force exited $status: $output"
	assert_output --partial "'proj/app.conf' changed while genship was running"
	run cat proj/app.conf
	assert_output 'edited during the hook'
	run cat proj/README.md
	assert_line --index 0 'port 1000'
	[ "$(recorded_port proj)" = 1000 ]
	run ls -A "$WORK"
	assert_output 'proj'
}

@test "two new runs into one target: the second to finish fails and replaces nothing" {
	start_paused first new "$TPL" --trust -o proj --set port=1111
	run genship new "$TPL" --trust -o proj --set port=2222
	assert_success
	resume first
	[ "$status" -eq 1 ] || fail "the paused new exited $status: $output"
	assert_output --partial "'proj' appeared while genship was generating it; another process created it"
	assert_output --partial "nothing was written there"
	[ "$(recorded_port proj)" = 2222 ]
	run cat proj/app.conf
	assert_output 'cfg 2222'
	run ls -A "$WORK"
	assert_output 'proj'
}

@test "two updates at once: the second fails at once, naming the first" {
	new_project
	start_paused first update proj --trust --set port=4000
	run genship update proj --trust --set port=5000
	assert_failure 1
	assert_output --regexp "error: 'proj' is in use by another genship process \(pid [0-9]+: .*genship update proj --trust --set port=4000\)"
	assert_output --partial "--lock-timeout SECONDS"
	resume first
	[ "$status" -eq 0 ] || fail "the first update exited $status: $output"
	[ "$(recorded_port proj)" = 4000 ]
	run cat proj/app.conf
	assert_output 'cfg 4000'
}

@test "--lock-timeout waits for the other writer, then goes on" {
	new_project
	start_paused first update proj --trust --set port=4000
	genship update proj --trust --set port=6000 --lock-timeout 60 \
		>"$BATS_TEST_TMPDIR/second.out" 2>&1 &
	second=$!
	sleep 1
	kill -0 "$second" || fail "the second update did not wait"
	resume first
	[ "$status" -eq 0 ] || fail "the first update exited $status: $output"
	wait "$second" || fail "the second update failed: $(cat "$BATS_TEST_TMPDIR/second.out")"
	[ "$(recorded_port proj)" = 6000 ]
	run cat proj/app.conf
	assert_output 'cfg 6000'
}

@test "check and diff share the lock: they refuse while an update writes" {
	new_project
	start_paused upd update proj --trust --set port=4000
	run genship check proj
	assert_failure 1
	assert_output --partial "'proj' is in use by another genship process"
	run genship diff proj
	assert_failure 1
	resume upd
	assert_equal "$status" 0
	run genship check proj
	assert_success
}

@test "an edit made after a crash is kept when the update is finished" {
	new_project
	# Find a crash after the commit started, with README.md still to go.
	for n in $(seq 1 40); do
		rm -rf run && cp -a proj run
		GENSHIP_FAULT_AFTER=$n run genship update run --no-hooks --set port=7000
		[ "$status" -eq 137 ] || fail "no crash left README.md pending"
		[ -e run/.genship-update/started ] &&
			[ -e run/.genship-update/files/README.md ] && break
	done
	printf 'edited after the crash\n' >>run/README.md
	run genship update run --no-hooks
	assert_failure 1
	assert_output --partial "finished the interrupted update of 'run'"
	assert_output --partial "kept 'README.md' as it is: it changed while the update ran"
	# The answers file records README.md as genship last wrote it, so the
	# same run goes on to merge it: a conflict that keeps both sides.
	assert_line --partial 'conflict  README.md'
	run grep -c -e 'edited after the crash' -e '^port 7000$' -e '^<<<<<<< yours$' run/README.md
	assert_output 3
	run cat run/app.conf
	assert_output 'cfg 7000'
	[ "$(recorded_port run)" = 7000 ]
	[ ! -e run/.genship-update ]
}

@test "a mode the user changed is kept by update and reported by check" {
	new_project
	chmod 600 proj/app.conf
	run genship check proj --strict
	assert_failure 1
	assert_line 'edited   app.conf (mode 0600; generated 0644)'
	run genship update proj --trust --set port=8000
	assert_success
	run stat -c %a proj/app.conf
	assert_output 600
	run cat proj/app.conf
	assert_output 'cfg 8000'
}

@test "as PID 1, a new --force killed mid-commit is rolled back by the next run" {
	unshare --pid --fork --mount-proc true 2>/dev/null ||
		skip "cannot make a PID namespace here (unshare --pid --fork)"
	new_project
	printf 'notes\n' >proj/NOTES.txt
	before=$(cd proj && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
	rolled=0
	for n in $(seq 1 30); do
		rm -rf run && cp -a proj run
		GENSHIP_FAULT_AFTER=$n run unshare --pid --fork --mount-proc \
			"$GENSHIP" new "$TPL" --trust --force -o run --set port=9000
		[ "$status" -eq 137 ] || break
		for d in .run.genship-*; do
			[ -e "$d" ] || continue
			case $d in .run.genship-1-*) ;;
			*) fail "fault $n: genship did not run as PID 1 ($d)" ;;
			esac
		done
		run genship update run --no-hooks
		[ "$status" -le 1 ] || fail "after fault $n: $output"
		case $output in *"rolled back an interrupted"*)
			rolled=$((rolled + 1))
			[ "$(cd run && find . -type f -exec sha256sum {} + |
				LC_ALL=C sort)" = "$before" ] ||
				fail "fault $n: not rolled back to what it was" ;;
		esac
		[ -z "$(compgen -G '.run.genship-*')" ] ||
			fail "fault $n: a staging directory was left"
	done
	[ "$rolled" -gt 0 ] || fail "no fault left a journal to roll back"
}

@test "new --force over a crashed update discards it, says so, and nothing reverts later" {
	new_project
	for n in $(seq 1 40); do
		rm -rf run && cp -a proj run
		GENSHIP_FAULT_AFTER=$n run genship update run --no-hooks --set port=7000
		[ "$status" -eq 137 ] || fail "no crash left a sealed update"
		[ -e run/.genship-update/sealed ] && break
	done
	run genship new "$TPL" --trust --force -o run --set port=8500
	assert_success
	assert_output --partial "discarded the interrupted update in 'run/.genship-update': new --force regenerates every file"
	[ ! -e run/.genship-update ]
	[ "$(recorded_port run)" = 8500 ]
	printf 'kept edit\n' >>run/README.md
	run genship update run --no-hooks
	assert_success
	run cat run/app.conf
	assert_output 'cfg 8500'
	run tail -1 run/README.md
	assert_output 'kept edit'
}
