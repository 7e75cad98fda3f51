#!/usr/bin/env bats
# genship new under faults: GENSHIP_FAULT_AFTER=N kills the process with
# SIGKILL right after its Nth file operation (writer.h), so every step of
# a run can be interrupted in turn: staged writes, hooks, the journal, each
# directory and rename in the target, the cleanup.  An interrupted run
# leaves no target, or the pre-existing one unchanged, or the complete
# one; in between (a crash inside an in-place commit) the next run on the
# target rolls the journaled steps back first.  A rerun then gives exactly
# what an uninterrupted run gives, and nothing is left beside the target.
# Real SIGINT and SIGKILL during a hook are covered as well.

load helpers

# tree_sum DIR: every entry with its type and mode, then every file's
# checksum, so that two trees compare equal only when they are.
tree_sum() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %p\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 -r sha256sum)
}

# existing DIR: a target that holds files of the user's, two of which
# (README.md, docs/handbook.md) the template replaces.
existing() {
	mkdir -p "$1/docs"
	echo mine >"$1/NOTES.txt"
	echo old >"$1/README.md"
	echo 'old handbook' >"$1/docs/handbook.md"
	echo kept >"$1/docs/other.md"
}

# each_file_is_old_or_new DIR OLD NEW: every file of DIR holds the bytes
# it has in OLD or in NEW; none is missing from both or half written.
each_file_is_old_or_new() {
	local f
	while IFS= read -r -d '' f; do
		cmp -s "$1/$f" "$2/$f" || cmp -s "$1/$f" "$3/$f" ||
			fail "'$f' is neither the old nor the new version"
	done < <(cd "$1" && find . -type f -print0)
}

# leftovers: what is in the work directory besides the named entries.
leftovers() {
	local keep=" $* "
	local e
	for e in "$WORK"/* "$WORK"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		e=${e##*/}
		[[ $keep == *" $e "* ]] || echo "$e"
	done
}

@test "new into a fresh directory, killed after every step: no target or the complete one" {
	tpl=$(fixture basic)
	run genship new "$tpl" --trust -o ref
	assert_success
	want=$(tree_sum ref)
	n=1
	while :; do
		rm -rf out .out.genship-*
		GENSHIP_FAULT_AFTER=$n run genship new "$tpl" --trust -o out
		[ "$status" -ne 137 ] && break
		assert_output --partial "fault injection: killed after $n file operations"
		if [ -e out ]; then
			[ "$(tree_sum out)" = "$want" ] ||
				fail "after fault $n: a partial target"
		fi
		# The rerun cleans up the dead run's staging directory.
		run genship new "$tpl" --trust --force -o out
		assert_success
		[ "$(tree_sum out)" = "$want" ] || fail "rerun after fault $n"
		[ -z "$(leftovers ref out)" ] ||
			fail "left after fault $n: $(leftovers ref out)"
		n=$((n + 1))
		[ "$n" -lt 100 ] || fail "new never completed"
	done
	# The run that was not killed: every step from 1 to n-1 was.
	assert_success
	[ "$(tree_sum out)" = "$want" ]
	[ "$n" -gt 6 ]
}

@test "new --force, killed after every step: the target as it was, or complete" {
	tpl=$(fixture basic)
	existing pre
	cp -a pre ref
	run genship new "$tpl" --trust --force -o ref
	assert_success
	want=$(tree_sum ref)
	orig=$(tree_sum pre)
	[ "$want" != "$orig" ]
	n=1
	mixed=0
	while :; do
		rm -rf out .out.genship-*
		cp -a pre out
		GENSHIP_FAULT_AFTER=$n run genship new "$tpl" --trust --force -o out
		[ "$status" -ne 137 ] && break
		got=$(tree_sum out)
		if [ "$got" != "$orig" ] && [ "$got" != "$want" ]; then
			# Killed inside the commit: each file is whole, and the
			# journal that undoes the steps is there.
			mixed=$((mixed + 1))
			each_file_is_old_or_new out pre ref
			compgen -G '.out.genship-*/journal' >/dev/null ||
				fail "after fault $n: a mixed target and no journal"
			# Any next run on the target first rolls it back, even
			# one that then refuses the non-empty directory.
			run genship new "$tpl" --no-hooks -o out
			assert_failure 2
			assert_output --partial "rolled back an interrupted run on 'out'"
			[ "$(tree_sum out)" = "$orig" ] ||
				fail "after fault $n: not rolled back"
		fi
		run genship new "$tpl" --trust --force -o out
		assert_success
		[ "$(tree_sum out)" = "$want" ] || fail "rerun after fault $n"
		[ -z "$(leftovers pre ref out)" ] ||
			fail "left after fault $n: $(leftovers pre ref out)"
		n=$((n + 1))
		[ "$n" -lt 100 ] || fail "new --force never completed"
	done
	assert_success
	[ "$(tree_sum out)" = "$want" ]
	# Six planned files and a hook's output: the commit has many steps.
	[ "$mixed" -ge 5 ]
}

@test "update after a crashed new --force rolls the project back first" {
	tpl=$(fixture basic)
	run genship new "$tpl" --no-hooks -o out
	assert_success
	orig=$(tree_sum out)
	echo 'edited' >>out/README.md
	edited=$(tree_sum out)
	# Fault 9 falls inside the commit: the steps before it staged the
	# five files, wrote the journal and swapped some of them in.
	GENSHIP_FAULT_AFTER=9 run genship new "$tpl" --no-hooks --force \
		--set port=9000 -o out
	assert_failure 137
	[ "$(tree_sum out)" != "$edited" ]
	run genship check out
	assert_failure 2
	assert_output --partial "a 'genship new' into it was interrupted"
	run genship update out --no-hooks
	assert_output --partial "rolled back an interrupted 'genship new' in 'out'"
	[ "$(tree_sum out)" = "$edited" ]
	[ "$orig" != "$edited" ]
	[ -z "$(leftovers out)" ]
}

# slow_hook TPL: the post hook records its pid and sleeps.
slow_hook() {
	printf '#!/bin/sh\necho $$ >%s/hook.pid\nexec sleep 60\n' \
		"$BATS_TEST_TMPDIR" >"$1/hooks/post.sh"
}


@test "SIGINT during a hook: the hook is stopped, the target is as it was, genship dies of SIGINT" {
	[ -z "${GENSHIP_WRAPPER:-}" ] ||
		skip "the signal would reach the wrapper, not genship"
	tpl=$(fixture basic)
	slow_hook "$tpl"
	existing out
	orig=$(tree_sum out)
	# shellcheck disable=SC2086 # the wrapper may be several words
	$GENSHIP_WRAPPER "$GENSHIP" new "$tpl" --trust --force -o out \
		2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_for "$BATS_TEST_TMPDIR/hook.pid"
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ] || fail "exit status $status, want 130"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "hook 'post.sh' stopped: interrupted by SIGINT"
	run kill -0 "$(cat "$BATS_TEST_TMPDIR/hook.pid")"
	assert_failure
	[ "$(tree_sum out)" = "$orig" ]
	[ -z "$(leftovers out)" ]
}

@test "SIGKILL during a hook: the target is as it was; the next run cleans up" {
	[ -z "${GENSHIP_WRAPPER:-}" ] ||
		skip "the signal would reach the wrapper, not genship"
	tpl=$(fixture basic)
	slow_hook "$tpl"
	existing out
	orig=$(tree_sum out)
	# shellcheck disable=SC2086 # the wrapper may be several words
	$GENSHIP_WRAPPER "$GENSHIP" new "$tpl" --trust --force -o out \
		2>/dev/null &
	pid=$!
	wait_for "$BATS_TEST_TMPDIR/hook.pid"
	kill -KILL "$pid"
	wait "$pid" || true
	# The hook's supervisor kills it when genship dies (containment.bats).
	[ "$(tree_sum out)" = "$orig" ]
	[ -n "$(leftovers out)" ]
	run genship new "$tpl" --no-hooks --force -o out
	assert_success
	[ -z "$(leftovers out)" ]
	run cat out/NOTES.txt
	assert_output mine
}
