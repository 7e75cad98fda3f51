#!/usr/bin/env bats
# Help, version, did-you-mean, the man page and shell completion.  Help,
# the man page check and the three completion scripts all read the same
# command table, so these tests take the commands and their options from
# `genship --help` and `genship help CMD` and check everything else
# against that.
# shellcheck disable=SC2154 # run --separate-stderr sets $stderr

bats_require_minimum_version 1.5.0
load helpers

MAN="$TOP_SRCDIR/genship.1"

# commands: the command names `genship --help` lists, one a line.
commands() {
	genship --help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit }
		f { print $1 }'
}

# flags CMD: every option of CMD as `genship help CMD` lists it, one a
# line: the long name (--name), then the short one (-x) when it has one.
flags() {
	genship help "$1" | awk '/^options:/ { f = 1; next } f && /^$/ { exit }
		f' | sed -E 's/^ +(-(.), )?(--[a-z-]+).*/\3 \2/' |
		awk '{ print $1; if ($2 != "") print "-" $2 }'
}

# common_flags: the options every command takes.
common_flags() {
	local c
	for c in $(commands); do flags "$c" | sort -u; done |
		sort | uniq -c | awk -v n="$(commands | wc -l)" '$1 == n { print $2 }'
}

# man_synopsis CMD: the SYNOPSIS entry of CMD in genship.1, as text.
man_synopsis() {
	awk -v head=".B genship $1" '/^\.SH / { s = ($2 == "SYNOPSIS"); next }
		s && $0 == head { f = 1; next } f && /^\.br/ { exit } f' "$MAN" |
		sed 's/\\-/-/g'
}

# man_heads SECTION: the .TP heads of a section of genship.1, as text.
man_heads() {
	awk -v sec="$1" '/^\.SH / { s = ($2 == sec); next }
		s && prev == ".TP" { print } { prev = $0 }' "$MAN" |
		sed -E 's/\\-/-/g; s/\\f[BIR]//g; s/^\.[A-Z]+ //'
}

# has_word TEXT FLAG: TEXT holds FLAG as a whole word.
has_word() {
	grep -qE -- "(^|[^a-zA-Z-])$2([^a-zA-Z-]|$)" <<<"$1"
}

# --- help ------------------------------------------------------------

@test "genship help CMD, CMD --help and CMD -h print the same, exit 0" {
	local c
	[ "$(commands | wc -l)" -ge 11 ]
	for c in $(commands); do
		run genship help "$c"
		assert_success
		local want=$output
		run genship "$c" --help
		assert_success
		assert_output "$want"
		run genship "$c" -h
		assert_success
		assert_output "$want"
		assert_line --index 0 --regexp "^usage: genship $c \\[OPTIONS\\]"
		assert_line 'examples:'
	done
}

@test "a command's help: usage, summary, one line per option, examples" {
	run genship help check
	assert_success
	assert_output "usage: genship check [OPTIONS] [DIR]

exit 1 on template drift or an unresolved conflict (CI gate)

options:
      --lock-timeout S    wait up to S seconds for a locked project
      --strict            fail on your own edits too, not only on drift
      --format text|json  the output format (default: text)
  -q, --quiet             print only errors, warnings and results
  -h, --help              show this help

examples:
  genship check
  genship check demo --strict --format json"
}

@test "every option has a line of help that fits 80 columns" {
	local c line
	for c in $(commands); do
		run genship help "$c"
		assert_success
		while IFS= read -r line; do
			[ "${#line}" -lt 80 ] || fail "$c: too long: $line"
		done <<<"$output"
		# an option line without help, or help wrapped onto a
		# second line, would show as a line of only flags or of
		# only indented text
		refute_line --regexp '^  (-., )?    ?--[a-z-]+( [^ ]+)?$'
		refute_line --regexp '^ {8,}[^ ]'
	done
}

@test "genship --help, -h and help list every command; no arguments is usage" {
	run genship --help
	assert_success
	local want=$output
	assert_line --index 0 'usage: genship COMMAND [OPTIONS] [ARGS]'
	assert_line '  new         generate a project from a template'
	assert_line '  completion  print the shell completion script for bash, zsh or fish'
	run genship -h
	assert_output "$want"
	run genship help
	assert_output "$want"
	run --separate-stderr genship
	assert_failure 2
	[ -z "$output" ]
	[ "$stderr" = "$want" ]
}

@test "-V, --version and genship version print the version" {
	run genship --version
	assert_success
	assert_output --regexp '^genship [0-9]+\.[0-9]+\.[0-9]+$'
	local want=$output
	run genship -V
	assert_output "$want"
	run genship version
	assert_output "$want"
	run genship version extra
	assert_failure 2
	assert_line "genship: error: unexpected argument 'extra'"
}

@test "top-level options: prefixes are taken; a command's options go after it" {
	run genship --vers
	assert_success
	assert_output --regexp '^genship [0-9]'
	run genship --he
	assert_success
	assert_line --index 0 'usage: genship COMMAND [OPTIONS] [ARGS]'
	run genship -q new
	assert_failure 2
	assert_output "genship: error: '-q' goes after the command
hint: genship COMMAND -q ..."
	run genship -v
	assert_failure 2
	assert_output "genship: error: unknown option '-v'
hint: 'genship --help' lists the options"
}

# --- did you mean ------------------------------------------------------

@test "a mistyped command names the closest one and exits 2" {
	run --separate-stderr genship nwe
	assert_failure 2
	[ -z "$output" ]
	[ "$stderr" = "genship: error: unknown command 'nwe'
hint: did you mean 'new'?" ]
	run genship help valdiate
	assert_failure 2
	assert_output "genship: error: unknown command 'valdiate'
hint: did you mean 'validate'?"
	run genship frobnicate
	assert_failure 2
	assert_output "genship: error: unknown command 'frobnicate'
hint: 'genship --help' lists the commands"
	run genship --verison
	assert_failure 2
	assert_output "genship: error: unknown option '--verison'
hint: did you mean '--version'?"
}

@test "a mistyped option names the closest one, exits 2 and writes nothing" {
	run --separate-stderr genship new --sett language=go
	assert_failure 2
	[ -z "$output" ]
	[ "$stderr" = "genship: error: unknown option '--sett'
hint: did you mean '--set'?
usage: genship new [OPTIONS] [TEMPLATE] [K=V]..." ]
	assert_nothing_written
	run genship update --dry-rn
	assert_failure 2
	assert_line "hint: did you mean '--dry-run'?"
	run genship validate --lnt=yamllint
	assert_failure 2
	assert_line "genship: error: unknown option '--lnt'"
	assert_line "hint: did you mean '--lint'?"
	run genship check --zzzzzz
	assert_failure 2
	assert_output "genship: error: unknown option '--zzzzzz'
hint: 'genship help check' lists the options
usage: genship check [OPTIONS] [DIR]"
}

@test "bad option use says what is wrong with it" {
	run genship new -o
	assert_failure 2
	assert_line --index 0 "genship: error: option '-o' needs an argument (DIR)"
	run genship new --answers
	assert_failure 2
	assert_line --index 0 "genship: error: option '--answers' needs an argument (FILE)"
	run genship new --dry-run=yes
	assert_failure 2
	assert_line --index 0 "genship: error: option '--dry-run' takes no argument"
	run genship new -x
	assert_failure 2
	assert_line --index 0 "genship: error: unknown option '-x'"
	assert_line --index 1 "hint: 'genship help new' lists the options"
	run genship new --re
	assert_failure 2
	assert_line --index 0 "genship: error: option '--re' is ambiguous: it could be '--replay', '--replay-file', '--ref', '--refresh'"
	assert_nothing_written
}

# --- the man page ------------------------------------------------------

# man_check: print what genship.1 lacks: a command without a SYNOPSIS
# entry or a COMMANDS item, an option without an OPTIONS item, or an
# option of one command (not one every command takes) missing from that
# command's SYNOPSIS entry.  Fails when it printed anything.
man_check() {
	local c f common synopsis options commands
	common=$(common_flags)
	options=$(man_heads OPTIONS)
	commands=$(man_heads COMMANDS)
	for c in $(commands); do
		grep -qx ".B genship $c" "$MAN" ||
			echo "no SYNOPSIS entry for '$c'"
		grep -qE "^$c( |$)" <<<"$commands" ||
			echo "COMMANDS does not describe '$c'"
		synopsis=$(man_synopsis "$c")
		for f in $(flags "$c"); do
			has_word "$options" "$f" ||
				echo "OPTIONS has no entry for '$f' ($c)"
			has_word "$common" "$f" || has_word "$synopsis" "$f" ||
				echo "the SYNOPSIS of '$c' lacks '$f'"
		done
	done | grep . && return 1
	return 0
}

@test "the man page documents every command and every option" {
	run common_flags
	assert_output "--help
--quiet
-h
-q"
	run man_check
	assert_success
	assert_output ''
}

@test "the man page check fails for an option the page lacks" {
	MAN=$BATS_TEST_TMPDIR/genship.1
	sed 's/\\-\\-replay\\-file//g' "$TOP_SRCDIR/genship.1" > "$MAN"
	run man_check
	assert_failure
	assert_output "OPTIONS has no entry for '--replay-file' (new)
the SYNOPSIS of 'new' lacks '--replay-file'"
}

# --- shell completion ----------------------------------------------------

# bash_complete WORDS...: run the generated bash completion for the
# command line WORDS (the last one is being completed); print what it
# offers, sorted, one a line.
bash_complete() {
	genship completion bash > "$BATS_TEST_TMPDIR/genship.bash"
	bash -c 'source "$1"; shift; COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1)); _genship
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ \
		"$BATS_TEST_TMPDIR/genship.bash" "$@"
}

@test "bash completion offers commands, options, choices and paths" {
	mkdir mydir adir
	touch mfile answers.yml
	run bash_complete genship ''
	assert_output "$( (commands; printf '%s\n' -h --help -V --version) |
		LC_ALL=C sort)"
	run bash_complete genship n
	assert_output new
	run bash_complete genship new --se
	assert_output --set
	run bash_complete genship new --sk
	assert_output --skip-if-file-exists
	run bash_complete genship validate --format ''
	assert_output "json
junit
text"
	# bash splits --format=j at '='
	run bash_complete genship options --format = j
	assert_output json
	run bash_complete genship new -o m
	assert_output mydir
	run bash_complete genship new --answers a
	assert_output "adir
answers.yml"
	run bash_complete genship options s
	assert_output service
	run bash_complete genship help up
	assert_output update
	run bash_complete genship completion ''
	assert_output "bash
fish
zsh"
	run bash_complete genship new --set ''
	assert_output ''
	run bash_complete genship update ''
	assert_output "adir
mydir"
}

@test "bash completion offers exactly the options help lists, per command" {
	local c
	for c in $(commands); do
		run bash_complete genship "$c" -
		assert_output "$(flags "$c" | LC_ALL=C sort)"
	done
}

# zsh_complete LINE: type LINE and a tab into an interactive zsh that
# loaded the generated _genship; print the words offered, sorted.
zsh_complete() {
	timeout 60 zsh -f "$BATS_TEST_DIRNAME/zsh-complete.zsh" \
		"$BATS_TEST_TMPDIR/zfunc" "$1" | LC_ALL=C sort -u
}

@test "zsh completion parses, and offers options, choices and templates" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/zfunc" mydir
	genship completion zsh > "$BATS_TEST_TMPDIR/zfunc/_genship"
	run zsh -n "$BATS_TEST_TMPDIR/zfunc/_genship"
	assert_success
	run head -1 "$BATS_TEST_TMPDIR/zfunc/_genship"
	assert_output '#compdef genship'
	run zsh_complete 'genship new --se'
	assert_output --set
	run zsh_complete 'genship he'
	assert_output help
	run zsh_complete 'genship validate --format '
	assert_output "json
junit
text"
	run zsh_complete 'genship options s'
	assert_output service
	run zsh_complete 'genship new -o my'
	assert_output mydir
	run zsh_complete 'genship check --s'
	assert_output --strict
}

@test "fish completion parses, and offers options, choices and templates" {
	command -v fish >/dev/null || skip "fish is not installed"
	genship completion fish > "$BATS_TEST_TMPDIR/genship.fish"
	run fish -n "$BATS_TEST_TMPDIR/genship.fish"
	assert_success
	mkdir mydir
	fish_complete() {
		HOME=$BATS_TEST_TMPDIR XDG_CONFIG_HOME=$BATS_TEST_TMPDIR \
			XDG_DATA_HOME=$BATS_TEST_TMPDIR fish -c \
			"source '$BATS_TEST_TMPDIR/genship.fish'; complete -C'$1'" |
			cut -f1 | LC_ALL=C sort -u
	}
	run fish_complete 'genship new --se'
	assert_output --set
	run fish_complete 'genship n'
	assert_output new
	run fish_complete 'genship validate --format '
	assert_output "json
junit
text"
	run fish_complete 'genship new s'
	assert_output service
	run fish_complete 'genship new -o my'
	assert_output mydir/
	run fish_complete 'genship help up'
	assert_output update
}

@test "every script names every option of every command" {
	local c f shell script
	for shell in bash zsh fish; do
		script=$(genship completion "$shell")
		for c in $(commands); do
			for f in $(flags "$c"); do
				case $shell:$f in
				fish:--*) f="-l ${f#--}" ;;
				fish:-*) f="-s ${f#-}" ;;
				esac
				grep -qF -- "$f" <<<"$script" ||
					fail "$shell completion lacks '$f' of $c"
			done
		done
	done
}

@test "completion of another shell is a usage error" {
	run genship completion tcsh
	assert_failure 2
	assert_output "genship: error: unknown shell 'tcsh': expected bash, zsh or fish
usage: genship completion [OPTIONS] bash|zsh|fish"
	run genship completion
	assert_failure 2
	assert_line --index 0 'genship: error: which shell? expected bash, zsh or fish'
}

@test "make install installs the three completion scripts" {
	local build
	build=$(dirname "$GENSHIP")
	[ -f "$build/Makefile" ] || skip "no Makefile beside $GENSHIP"
	run make -s -C "$build" install-data-local \
		DESTDIR="$BATS_TEST_TMPDIR/root" prefix=/usr
	assert_success
	cmp "$BATS_TEST_TMPDIR/root/usr/share/bash-completion/completions/genship" \
		<(genship completion bash)
	cmp "$BATS_TEST_TMPDIR/root/usr/share/zsh/site-functions/_genship" \
		<(genship completion zsh)
	cmp "$BATS_TEST_TMPDIR/root/usr/share/fish/vendor_completions.d/genship.fish" \
		<(genship completion fish)
}
