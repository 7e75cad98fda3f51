#!/usr/bin/env bats
# Trust boundaries: the modes of what genship writes, and whose hooks run.
#
# A template file declares its mode by its own permission bits (write for
# the owner only); a generated file gets exactly that mode masked by the
# umask, whether it is created, forced over an existing file or rewritten
# by update.  Nothing genship writes is writable by others, even under
# umask 000 and whatever the template or its hooks do.  Built-in templates
# run their hooks; a third-party template's hooks need --trust or a yes on
# the terminal (new.bats covers --trust, the refusal without it and
# --no-hooks; bad-input case 94 a 'y' piped into a non-interactive stdin).

load helpers

# modes_template: a template (printed path) with a 0644, a 0755 and a 0600
# file, and one in a subdirectory; secret.env depends on option level.
modes_template() {
	local t="$BATS_TEST_TMPDIR/modes"
	mkdir -p "$t/template/sub"
	cat >"$t/genship.yml" <<-'EOF'
		name: modes
		version: 1.0.0
		options:
		  - name: project_name
		    type: string
		    default: modes
		  - name: level
		    type: int
		    default: 1
	EOF
	printf 'public\n' >"$t/template/public.txt"
	printf '#!/bin/sh\necho run\n' >"$t/template/run.sh"
	printf 'LEVEL={{ level }}\n' >"$t/template/secret.env"
	printf 'nested\n' >"$t/template/sub/nested.txt"
	chmod 0644 "$t/template/public.txt" "$t/template/sub/nested.txt"
	chmod 0755 "$t/template/run.sh"
	chmod 0600 "$t/template/secret.env"
	printf '%s\n' "$t"
}

# modes DIR: "path mode" for the project directory and what is in it.
modes() {
	(cd "$1" && stat -c '%n %a' . public.txt run.sh secret.env sub \
		sub/nested.txt .genship.yml)
}

# assert_modes DIR ROOT PUB RUN SECRET SUB NESTED ANSWERS
assert_modes() {
	run modes "$1"
	assert_output ". $2
public.txt $3
run.sh $4
secret.env $5
sub $6
sub/nested.txt $7
.genship.yml $8"
}

# world_writable DIR: every entry of DIR (links aside) others may write.
world_writable() {
	find "$1" ! -type l -perm -0002 -printf '%m %p\n'
}

@test "umask 022: a 0644, a 0755 and a 0600 file keep their modes" {
	tpl=$(modes_template)
	umask 022
	run genship new "$tpl" -o out
	assert_success
	assert_modes out 755 644 755 600 755 644 644
}

@test "umask 077: the umask takes group and others' bits from every mode" {
	tpl=$(modes_template)
	umask 077
	run genship new "$tpl" -o out
	assert_success
	assert_modes out 700 600 700 600 700 600 600
}

@test "umask 002: group write is the umask's to give, not the template's" {
	tpl=$(modes_template)
	chmod 0664 "$tpl/template/public.txt"
	umask 002
	run genship new "$tpl" -o out
	assert_success
	assert_modes out 775 644 755 600 775 644 644
}

@test "--force over existing files gives the template's modes, not the old ones" {
	tpl=$(modes_template)
	umask 022
	mkdir out
	printf 'old\n' >out/secret.env
	chmod 0644 out/secret.env
	printf 'mine\n' >out/NOTES.txt
	chmod 0640 out/NOTES.txt
	run genship new "$tpl" --force -o out
	assert_success
	run stat -c '%a' out/secret.env out/sub out/NOTES.txt
	assert_output "600
755
640"
}

@test "update rewrites a 0600 file as 0600" {
	tpl=$(modes_template)
	umask 022
	run genship new "$tpl" -o out
	assert_success
	run genship update out --set level=2
	assert_success
	run cat out/secret.env
	assert_output 'LEVEL=2'
	run stat -c '%a' out/secret.env
	assert_output 600
}

@test "umask 000: nothing is world-writable, whatever the template and its hooks do" {
	tpl=$(modes_template)
	chmod 0666 "$tpl/template/public.txt"
	chmod 0777 "$tpl/template/run.sh" "$tpl/template/sub"
	mkdir "$tpl/hooks"
	printf '%s\n' '#!/bin/sh' 'set -e' 'mkdir -m 777 made-by-hook' \
		'echo x >made-by-hook/f' 'chmod 666 made-by-hook/f' \
		'chmod 777 run.sh' 'chmod 4777 public.txt' >"$tpl/hooks/post.sh"
	chmod +x "$tpl/hooks/post.sh"
	printf 'hooks:\n  post: [post.sh]\n' >>"$tpl/genship.yml"
	umask 000
	run genship new "$tpl" --trust -o out
	assert_success
	run world_writable out
	assert_output ''
	run stat -c '%a' out out/sub out/made-by-hook out/made-by-hook/f \
		out/run.sh out/public.txt out/secret.env
	assert_output "775
775
775
664
775
775
600"
}

@test "umask 000: --force and update create nothing world-writable either" {
	tpl=$(modes_template)
	mkdir -m 755 out
	umask 000
	run genship new "$tpl" --force -o out
	assert_success
	run genship update out --set level=3
	assert_success
	run world_writable out
	assert_output ''
	run stat -c '%a' out/sub out/secret.env out/public.txt
	assert_output "775
600
644"
}

@test "umask 000: a cookiecutter file's exact mode loses others' write bit" {
	mkdir -p 'cc/{{cookiecutter.slug}}'
	printf 'x\n' >'cc/{{cookiecutter.slug}}/open.txt'
	chmod 0666 'cc/{{cookiecutter.slug}}/open.txt'
	printf '{"slug": "demo"}\n' >cc/cookiecutter.json
	umask 000
	run genship new "$PWD/cc" --no-input -o demo
	assert_success
	run stat -c '%a' demo/open.txt
	assert_output 664
	run world_writable demo
	assert_output ''
}

@test "a built-in template runs its own hooks, without --trust or a terminal" {
	umask 000
	run genship new --no-input -o svc </dev/null
	assert_success
	assert_output --partial '[post-gen.sh] '
	[ -f svc/k8s/overlays/staging/secrets.env ]
	run world_writable svc
	assert_output ''
}

# on_tty INPUT CMD...: run CMD with a pseudo-terminal as its stdin and
# stdout, typing INPUT; sets status and output like `run`.
on_tty() {
	local input=$1
	shift
	run bash -c 'printf "%b" "$1" | script -qec "$2" /dev/null' _ \
		"$input" "$(printf '%q ' "$@")"
}

@test "a third-party template's hooks run after a yes on the terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	tpl=$(fixture basic)
	# Six prompts for the options (Enter keeps each default), Enter to
	# confirm the summary, then yes.
	on_tty '\n\n\n\n\n\n\ny\n' "$GENSHIP" new "$tpl" -o out
	assert_success
	assert_output --partial "wants to run hooks on this machine. Run them? [y/N]"
	assert_output --partial '[post.sh] post hook ran'
	run cat out/hook.out
	assert_output 'op=new lang=python extras=metrics docs=true'
}

@test "no on the terminal: the hooks do not run and nothing is written" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	tpl=$(fixture basic)
	on_tty '\n\n\n\n\n\n\nn\n' "$GENSHIP" new "$tpl" -o out
	assert_failure 2
	assert_output --partial "hooks of template 'basic' not trusted: nothing was written"
	assert_output --partial 'pass --no-hooks'
	refute_output --partial '[post.sh]'
	assert_nothing_written
}

@test "--no-input never asks, even on a terminal: the hooks need --trust" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	tpl=$(fixture basic)
	on_tty 'y\n' "$GENSHIP" new "$tpl" --no-input -o out
	assert_failure 2
	refute_output --partial 'Run them?'
	assert_output --partial 'pass --trust to run them'
	assert_nothing_written
}
