#!/usr/bin/env bats
# Remote templates: real git transports on loopback only.  A smart-HTTP
# server (git http-backend behind git-http-server.py) on 127.0.0.1 and
# file:// serve the repositories; no test reaches another address.  No
# sshd can be started here, so ssh is covered by URL parsing and a refused
# loopback connection only.

load helpers

# git_in DIR ARGS...: git with a fixed identity.
git_in() {
	git -C "$1" -c user.name=genship-test -c user.email=test@example.com \
		-c init.defaultBranch=main "${@:2}"
}

# start_server ROOT PIDFILE: serve ROOT over HTTP; prints the base URL.
start_server() {
	local portfile="$2.port" i
	python3 "$BATS_TEST_DIRNAME/git-http-server.py" "$1" "$portfile" \
		</dev/null >/dev/null 2>&1 3>&- &
	echo $! > "$2"
	for i in $(seq 100); do
		[ -s "$portfile" ] && break
		sleep 0.05
	done
	printf 'http://127.0.0.1:%s\n' "$(cat "$portfile")"
}

# free_port: a loopback port that nothing listens on.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_repo SRV NAME: a bare repository SRV/NAME.git of the update-svc
# fixture with tags v1.0.0 and, one commit later, v2.0.0.
make_repo() {
	local src
	src=$(mktemp -d "$BATS_FILE_TMPDIR/src.XXXXXX")
	cp -R "$FIXTURES/update-svc/." "$src"
	git_in "$src" init -q
	git_in "$src" add -A
	git_in "$src" commit -q -m v1
	git_in "$src" tag v1.0.0
	sed -i 's|"{{ port }}:{{ port }}"|"127.0.0.1:{{ port }}:{{ port }}"|' \
		"$src/template/compose.yaml"
	git_in "$src" commit -q -am v2
	git_in "$src" tag v2.0.0
	git clone -q --bare "$src" "$1/$2.git"
}

setup_file() {
	SRV="$BATS_FILE_TMPDIR/srv"
	mkdir -p "$SRV/private"
	make_repo "$SRV" svc
	make_repo "$SRV/private" svc
	BASE=$(start_server "$SRV" "$BATS_FILE_TMPDIR/server.pid")
	V1=$(git -C "$SRV/svc.git" rev-parse 'v1.0.0^{commit}')
	V2=$(git -C "$SRV/svc.git" rev-parse 'v2.0.0^{commit}')
	export SRV BASE V1 V2
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/server.pid")" 2>/dev/null || true
}

setup() {
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	export XDG_STATE_HOME="$BATS_TEST_TMPDIR/state"
	export GENSHIP_LOCK_WAIT=0
	unset GENSHIP_CONFIG GENSHIP_GIT_TOKEN
}

teardown() {
	if [ -f "$BATS_TEST_TMPDIR/own.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/own.pid")" 2>/dev/null || true
	fi
}

# user_config TEXT: write the user config.
user_config() {
	mkdir -p "$XDG_CONFIG_HOME/genship"
	printf '%s\n' "$1" > "$XDG_CONFIG_HOME/genship/config.yml"
}

@test "new from v1 over HTTP records the source as typed and as resolved" {
	run genship new "$BASE/svc.git@v1.0.0" --no-hooks -o proj
	assert_success
	assert_output "genship: created 'proj': 8 files from update-svc 1.0.0"
	run sed -n '/^template:/,/^answers:/p' proj/.genship.yml
	assert_output "template:
  name: update-svc
  source: $BASE/svc.git@v1.0.0
  version: 1.0.0
  commit: $V1
  url: $BASE/svc.git
  ref: v1.0.0
answers:"
	run grep -c '"8080:8080"' proj/compose.yaml
	assert_output 1
	# One bare repository per URL in the cache, and no work tree.
	run ls "$XDG_CACHE_HOME/genship"
	assert_output --regexp '^127\.0\.0\.1_[0-9]+_svc\.git-[0-9a-f]{16}\.git
127\.0\.0\.1_[0-9]+_svc\.git-[0-9a-f]{16}\.lock$'
	run git -C "$XDG_CACHE_HOME"/genship/*.git rev-parse --is-bare-repository
	assert_output true
}

@test "update to v2 over HTTP keeps an edit and names the ref it chose" {
	run genship new "$BASE/svc.git@v1.0.0" --no-hooks -o proj
	assert_success
	printf '# my notes\n' >> proj/README.md
	run genship update proj --no-hooks
	assert_success
	assert_line "genship: template '$BASE/svc.git' at ref 'v2.0.0' (commit ${V2:0:12}), moved from 'v1.0.0'"
	assert_line 'updated   compose.yaml'
	run tail -n 1 proj/README.md
	assert_output '# my notes'
	run grep -c '"127.0.0.1:8080:8080"' proj/compose.yaml
	assert_output 1
	run grep -E '^  (ref|commit): ' proj/.genship.yml
	assert_output "  commit: $V2
  ref: v2.0.0"
	run genship check proj
	assert_success
	assert_line "genship: check passed: 1 edited by you (update keeps them), no drift from template 'update-svc'"
}

@test "update --ref moves to the named ref" {
	run genship new "$BASE/svc.git" --ref v2.0.0 --no-hooks -o proj
	assert_success
	run genship update proj --ref v1.0.0 --no-hooks
	assert_success
	assert_line "genship: template '$BASE/svc.git' at ref 'v1.0.0' (commit ${V1:0:12}), moved from 'v2.0.0'"
	run grep -c '"8080:8080"' proj/compose.yaml
	assert_output 1
}

@test "--checkout is --ref; a ref given twice is refused" {
	run genship new "$BASE/svc.git" --checkout v2.0.0 --no-hooks -o proj
	assert_success
	run grep -c '127.0.0.1:8080' proj/compose.yaml
	assert_output 1
	run genship new "$BASE/svc.git@v1.0.0" --ref v2.0.0 --no-hooks -o other
	assert_failure 2
	assert_output "genship: error: the ref is given twice: '$BASE/svc.git@v1.0.0' ends in '@v1.0.0' and --ref is 'v2.0.0'
hint: drop one of them"
}

@test "a commit id is a ref" {
	run genship new "$BASE/svc.git@${V1:0:10}" --no-hooks -o proj
	assert_success
	run grep "^  commit: " proj/.genship.yml
	assert_output "  commit: $V1"
}

@test "offline new from the cache, with the server gone" {
	mkdir own
	make_repo "$PWD/own" solo
	base=$(start_server "$PWD/own" "$BATS_TEST_TMPDIR/own.pid")
	run genship new "$base/solo.git@v1.0.0" --no-hooks -o one
	assert_success
	kill "$(cat "$BATS_TEST_TMPDIR/own.pid")"
	run genship new "$base/solo.git@v1.0.0" --offline --no-hooks -o two
	assert_success
	assert_output "genship: created 'two': 8 files from update-svc 1.0.0"
	# A cached ref needs no fetch even online.
	run genship new "$base/solo.git@v2.0.0" --no-hooks -o three
	assert_success
	run genship new "$base/solo.git@v9.0.0" --offline --no-hooks -o four
	assert_failure 2
	assert_line "genship: error: unknown ref 'v9.0.0' in '$base/solo.git' (in the cache)"
	# A failed --refresh keeps the cached repository whole.
	run genship new "$base/solo.git@v1.0.0" --refresh --no-hooks -o five
	assert_failure 1
	assert_line --partial "genship: error: cannot fetch '$base/solo.git': failed to connect to 127.0.0.1"
	run genship new "$base/solo.git@v1.0.0" --offline --no-hooks -o six
	assert_success
	run genship new "$BASE/svc.git" --offline --no-hooks -o seven
	assert_failure 1
	assert_output "genship: error: '$BASE/svc.git' is not in the template cache, and --offline forbids fetching it
hint: run once without --offline"
	rm -rf own
	run ls
	assert_output 'one
six
three
two'
}

@test "an unknown ref exits 2 and lists the nearest tags" {
	run genship new "$BASE/svc.git@v3.0.0" --no-hooks -o proj
	assert_failure 2
	assert_output --regexp "^genship: error: unknown ref 'v3\.0\.0' in '$BASE/svc\.git'
hint: nearest tags: v[12]\.0\.0, v[12]\.0\.0$"
	assert_nothing_written
}

@test "a host that is down: exit 1 naming the URL and the cause" {
	port=$(free_port)
	run genship new "http://127.0.0.1:$port/svc.git" --no-hooks -o proj
	assert_failure 1
	assert_output "genship: error: cannot fetch 'http://127.0.0.1:$port/svc.git': failed to connect to 127.0.0.1: Connection refused
hint: check the URL and the network; --offline uses the cache alone"
	assert_nothing_written
}

@test "failed authentication says how to give credentials" {
	run genship new "$BASE/private/svc.git" --no-hooks -o proj
	assert_failure 1
	assert_output "genship: error: cannot fetch '$BASE/private/svc.git': authentication failed (the server asked for credentials and none were accepted)
hint: for ssh URLs, add your key to ssh-agent; for HTTPS, set GENSHIP_GIT_TOKEN (and GENSHIP_GIT_USER) to a token that can read the repository"
	assert_nothing_written
	GENSHIP_GIT_TOKEN=secret run genship new "$BASE/private/svc.git" \
		--no-hooks -o proj
	assert_success
}

@test "a repository without a template at --directory exits 2" {
	run genship new "$BASE/svc.git" --directory nope --no-hooks -o proj
	assert_failure 2
	assert_output --partial "genship: error: commit ${V2:0:12} of '$BASE/svc.git' has no directory 'nope'"
	run genship new "$BASE/svc.git" --directory template --no-hooks -o proj
	assert_failure 2
	assert_line "genship: error: '$BASE/svc.git' has no genship.yml or cookiecutter.json at commit $V2"
	run genship new "$BASE/svc.git" --directory ../x --no-hooks -o proj
	assert_failure 2
	assert_output "genship: error: --directory '../x' must not contain '..'"
	assert_nothing_written
}

@test "--directory picks a template inside the repository" {
	src="$BATS_TEST_TMPDIR/multi"
	mkdir -p "$src"
	cp -R "$FIXTURES/update-svc" "$src/svc"
	git_in "$src" init -q
	git_in "$src" add -A
	git_in "$src" commit -q -m one
	git clone -q --bare "$src" "$SRV/multi.git"
	run genship new "$BASE/multi.git" --directory svc --no-hooks -o proj
	assert_success
	run grep '^  directory: ' proj/.genship.yml
	assert_output '  directory: svc'
}

@test "a hostile repository tree is refused" {
	src="$BATS_TEST_TMPDIR/evil"
	cp -R "$FIXTURES/update-svc" "$src"
	ln -s ../../../../etc/passwd "$src/template/passwd"
	git_in "$src" init -q
	git_in "$src" add -A
	git_in "$src" commit -q -m evil
	git clone -q --bare "$src" "$SRV/evil.git"
	run genship new "$BASE/evil.git" --no-hooks -o proj
	assert_failure 2
	assert_output "genship: error: symlink 'template/passwd' points outside the template"
	assert_nothing_written
}

@test "a remote template's hooks need --trust or a trusted source" {
	run genship new "$BASE/svc.git" --no-input -o proj
	assert_failure 2
	assert_output --partial "genship: error: template 'update-svc' has hooks"
	assert_output --partial "hint: review the hooks of '$BASE/svc.git' at commit ${V2:0:12}, then pass --trust"
	# On a terminal the prompt names the URL and the commit too.
	run python3 "$BATS_TEST_DIRNAME/on-a-tty.py" "$GENSHIP" new \
		"$BASE/svc.git" -o asked
	assert_failure 2
	assert_output --partial "template 'update-svc' ($BASE/svc.git at commit ${V2:0:12}) wants to run hooks on this machine. Run them? [y/N]"
	[ ! -e asked ]
	user_config "trusted:
  - '$BASE/svc.git*'"
	export HOOK_LOG="$BATS_TEST_TMPDIR/hook.log"
	run genship new "$BASE/svc.git" --no-input -o proj
	assert_success
	run cat "$HOOK_LOG"
	assert_output 'op=new port=8080
changed=<unset>'
	user_config "trusted: ['gh:acme/*']"
	run genship new "$BASE/svc.git" --no-input -o other
	assert_failure 2
}

@test "an abbreviation from the user config, listed by 'genship templates'" {
	user_config "abbreviations:
  loop: $BASE/{0}.git"
	run genship new loop:svc@v1.0.0 --no-hooks -o proj
	assert_success
	run grep -E '^  (source|url|ref): ' proj/.genship.yml
	assert_output "  source: loop:svc@v1.0.0
  url: $BASE/svc.git
  ref: v1.0.0"
	run genship options loop:svc@v1.0.0
	assert_success
	assert_line --partial 'port'
	run genship templates
	assert_success
	assert_line "loop:         $BASE/{0}.git"
	assert_line "gh:           https://github.com/{0}.git"
}

@test "--config and GENSHIP_CONFIG name the config; errors are located" {
	printf 'abbreviations:\n  loop: %s/{0}.git\n' "$BASE" > my.yml
	run genship new loop:svc --config my.yml --no-hooks -o proj
	assert_success
	printf 'cache_dir: /tmp\nabbreviation: {}\n' > bad.yml
	GENSHIP_CONFIG=bad.yml run genship new loop:svc --no-hooks -o other
	assert_failure 2
	assert_output "bad.yml:2:1: error: unknown key 'abbreviation' in the config
    2 | abbreviation: {}
      | ^
hint: did you mean 'abbreviations'?"
	printf 'abbreviations:\n  Loop: x\n' > bad.yml
	run genship templates --config bad.yml
	assert_failure 2
	assert_line "bad.yml:2:3: error: abbreviation 'Loop' must be lowercase letters, digits, '_' or '-'"
	run genship new loop:svc --config missing.yml --no-hooks -o other
	assert_failure 2
	assert_line --partial "missing.yml"
}

@test "gh:, gl: and ssh sources parse without a network" {
	run genship new gh:acme/tpl@v1 --offline --no-hooks -o proj
	assert_failure 1
	assert_line "genship: error: 'https://github.com/acme/tpl.git' is not in the template cache, and --offline forbids fetching it"
	run genship new gl:acme/tpl.git --offline --no-hooks -o proj
	assert_line "genship: error: 'https://gitlab.com/acme/tpl.git' is not in the template cache, and --offline forbids fetching it"
	run genship new git@127.0.0.1:acme/tpl@v1 --offline --no-hooks -o proj
	assert_line "genship: error: 'git@127.0.0.1:acme/tpl' is not in the template cache, and --offline forbids fetching it"
	port=$(free_port)
	run genship new "ssh://git@127.0.0.1:$port/acme/tpl.git" --no-hooks -o proj
	assert_failure 1
	assert_line --partial "genship: error: cannot fetch 'ssh://git@127.0.0.1:$port/acme/tpl.git': "
	assert_nothing_written
}

@test "a cache locked by another process is reported" {
	run genship new "$BASE/svc.git" --no-hooks -o proj
	assert_success
	lock=$(echo "$XDG_CACHE_HOME"/genship/*.lock)
	run flock "$lock" "$GENSHIP" new "$BASE/svc.git" --no-hooks -o other
	assert_failure 1
	assert_output --regexp "^genship: error: the template cache '.*/genship/127\.0\.0\.1_[0-9]+_svc\.git-[0-9a-f]+\.git' is locked by another process
hint: another genship is fetching it: run this again when it is done$"
	[ ! -e other ]
}

@test "a corrupted cache is reported, never used; --refresh repairs it" {
	run genship new "$BASE/svc.git" --no-hooks -o proj
	assert_success
	echo garbage > "$(echo "$XDG_CACHE_HOME"/genship/*.git)/HEAD"
	run genship new "$BASE/svc.git" --no-hooks -o other
	assert_failure 1
	assert_line --partial "is corrupted"
	assert_line "hint: run again with --refresh to fetch it anew"
	[ ! -e other ]
	run genship new "$BASE/svc.git" --refresh --no-hooks -o other
	assert_success
	run ls "$XDG_CACHE_HOME/genship"
	refute_output --partial tmp
}

@test "cache_dir of the config, seen by new, check and diff" {
	user_config "cache_dir: $BATS_TEST_TMPDIR/my-cache"
	run genship new "$BASE/svc.git@v1.0.0" --no-hooks -o proj
	assert_success
	run ls "$BATS_TEST_TMPDIR/my-cache"
	assert_output --regexp 'svc\.git-[0-9a-f]{16}\.git'
	[ ! -e "$XDG_CACHE_HOME/genship" ]
	run genship check proj
	assert_success
	run genship diff proj
	assert_success
	[ ! -e "$XDG_CACHE_HOME/genship" ]
}

@test "a file:// repository takes --ref too" {
	run genship new "file://$SRV/svc.git" --ref v1.0.0 --no-hooks -o proj
	assert_success
	run grep "^  commit: " proj/.genship.yml
	assert_output "  commit: $V1"
}

@test "a cookiecutter template over HTTP, read from a snapshot of its commit" {
	src="$BATS_TEST_TMPDIR/cc"
	mkdir -p "$src"
	cp -R "$TOP_SRCDIR/tests/cookiecutter/cases/001-basic/template/." \
		"$src/pypackage"
	git_in "$src" init -q
	git_in "$src" add -A
	git_in "$src" commit -q -m one
	git_in "$src" tag 0.1.0
	git clone -q --bare "$src" "$SRV/cookiecutter-pypackage.git"
	run genship new "$BASE/cookiecutter-pypackage.git@0.1.0" \
		--directory pypackage --no-input
	assert_success
	diff -r "$TOP_SRCDIR/tests/cookiecutter/cases/001-basic/expected/peanut_butter_cookie" \
		peanut_butter_cookie --exclude .genship.yml
	run grep -E '^  (url|ref|directory): ' peanut_butter_cookie/.genship.yml
	assert_output "  url: $BASE/cookiecutter-pypackage.git
  ref: 0.1.0
  directory: pypackage"
	run genship new "$BASE/cookiecutter-pypackage.git@0.1.0" \
		--directory pypackage --no-input --offline -o again
	assert_success
}

@test "default answers from the config: defaults < config < --answers < --set" {
	user_config "defaults:
  port: 9000
  not_an_option_here: x
template_defaults:
  update-svc:
    replicas: 3
    cache: redis"
	tpl=$(fixture update-svc)
	run genship new "$tpl" --no-hooks -o a
	assert_success
	run grep -E '^  (port|replicas|cache): ' a/.genship.yml
	assert_output '  port: 9000
  cache: redis
  replicas: 3'
	printf 'port: 9100\ncache: none\n' > answers.yml
	run genship new "$tpl" --no-hooks -o b --answers answers.yml \
		--set port=9200
	assert_success
	run grep -E '^  (port|replicas|cache): ' b/.genship.yml
	assert_output '  port: 9200
  cache: none
  replicas: 3'
	# The built-in template has no such options: nothing applies.
	run genship new --no-input --dry-run -o c
	assert_success
}

@test "a bad default answer in the config is located there" {
	user_config "template_defaults:
  update-svc:
    port: many"
	run genship new "$(fixture update-svc)" --no-hooks -o proj
	assert_failure 2
	assert_line --regexp "^.*/genship/config\.yml:3:11: error: "
	assert_nothing_written
}

@test "update: a recorded commit no longer on the server falls back to blob ids" {
	make_repo "$SRV" gone
	run genship new "$BASE/gone.git@v1.0.0" --no-hooks -o proj
	assert_success
	old=$(git -C "$SRV/gone.git" rev-parse 'v1.0.0^{commit}')
	# The history is rewritten: v2.0.0 is a new root commit, v1 is gone.
	re="$BATS_TEST_TMPDIR/rewritten"
	git clone -q "$SRV/gone.git" "$re"
	git_in "$re" checkout -q --orphan fresh v2.0.0
	git_in "$re" commit -q -m rewritten
	git_in "$re" tag -f v2.0.0 >/dev/null
	git_in "$re" tag -d v1.0.0 >/dev/null
	rm -rf "$SRV/gone.git"
	git clone -q --bare "$re" "$SRV/gone.git"
	git -C "$SRV/gone.git" tag -d v1.0.0 >/dev/null 2>&1 || true
	git -C "$SRV/gone.git" branch -q -D main 2>/dev/null || true
	git -C "$SRV/gone.git" gc -q --prune=now
	printf '# mine\n' >> proj/README.md
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	run genship update proj --no-hooks --refresh
	# Untouched files are known by their blob ids; an edited one that the
	# template changed becomes a 2-way conflict.
	assert_failure 1
	assert_line 'conflict  compose.yaml (2-way: the old template version is not available)'
	assert_line --partial "genship: warning: cannot render the recorded template version: unknown ref '$old' in '$BASE/gone.git'"
	run tail -n 1 proj/README.md
	assert_output '# mine'
}

@test "update --ref to an unknown ref exits 2 and changes nothing" {
	run genship new "$BASE/svc.git@v1.0.0" --no-hooks -o proj
	assert_success
	before=$(cat proj/.genship.yml)
	run genship update proj --ref v7.0.0 --no-hooks
	assert_failure 2
	assert_output --partial "genship: error: unknown ref 'v7.0.0' in '$BASE/svc.git'"
	[ "$(cat proj/.genship.yml)" = "$before" ]
}

@test "a progress line while fetching, on a terminal only" {
	run python3 "$BATS_TEST_DIRNAME/on-a-tty.py" "$GENSHIP" new \
		"$BASE/svc.git" --no-input --no-hooks -o proj
	assert_success
	assert_output --regexp "genship: fetching $BASE/svc\.git: [0-9]+/[0-9]+ objects"
	run genship new "$BASE/svc.git" --refresh --no-input --no-hooks -o other
	assert_success
	refute_output --partial 'fetching'
}

@test "a tampered remote source in .genship.yml is refused, located" {
	run genship new "$BASE/svc.git@v1.0.0" --no-hooks -o proj
	assert_success
	cp proj/.genship.yml saved.yml
	sed -i 's|^  ref: v1.0.0$|  ref: v1..0|' proj/.genship.yml
	run genship update proj --no-hooks
	assert_failure 2
	assert_line "proj/.genship.yml:10:8: error: 'v1..0' in 'template' is not a git ref name"
	cp saved.yml proj/.genship.yml
	sed -i 's|^  ref: v1.0.0$|  ref: v1.0.0\n  directory: ../up|' proj/.genship.yml
	run genship check proj
	assert_failure 2
	assert_line "proj/.genship.yml:11:14: error: unsafe directory '../up' in 'template': it must stay inside the repository"
}
