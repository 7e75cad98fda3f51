#!/usr/bin/env bats
# genship update, diff and check.  Most scenarios use the small
# service-shaped fixture update-svc (compose.yaml, README.md, k8s/, a
# script); each asserts files, bytes, exit status and messages.

load helpers
bats_require_minimum_version 1.5.0

# A conflicted update keeps its merge's inputs in genship's cache: each
# test gets its own.
setup() {
	WORK="$BATS_TEST_TMPDIR/work"
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
	mkdir -p "$WORK"
	cd "$WORK" || return 1
}

# project [ARGS...]: generate update-svc into ./proj (template in $TPL).
project() {
	TPL=$(fixture update-svc)
	run genship new "$TPL" --no-hooks -o proj "$@"
	assert_success
}

# tree_sum DIR: one line per file, with its checksum and mode.
tree_sum() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 stat -c '%a %n' && find . -type f -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum)
}

# commit DIR MESSAGE: commit everything in the git work tree DIR.
commit() {
	run git -C "$1" add -A
	assert_success
	run git -C "$1" -c user.name=genship-test \
		-c user.email=test@example.com commit -q -m "$2"
	assert_success
}

edit_image() {
	sed -i 's|image: localhost/demo:dev|image: registry.example.com/demo:mine|' \
		proj/compose.yaml
}

# --- the issue's scenarios ----------------------------------------------

@test "turning on redis adds it and keeps an unrelated edit in compose.yaml" {
	project
	edit_image
	run genship update proj --set cache=redis --no-hooks
	assert_success
	assert_line 'merged    compose.yaml'
	assert_output --partial "updated 'proj' to update-svc 1.0.0: 1 files changed"
	run cat proj/compose.yaml
	assert_output '# Development stack for demo.
name: demo

services:
  app:
    build: .
    image: registry.example.com/demo:mine
    ports:
      - "8080:8080"
    environment:
      PORT: "8080"
      LOG_LEVEL: info
      REDIS_URL: redis://redis:6379/0
    depends_on:
      - redis
    restart: unless-stopped

  redis:
    image: docker.io/library/redis:7-alpine
    restart: unless-stopped'
	run grep '^  cache: ' proj/.genship.yml
	assert_output '  cache: redis'
}

@test "a port change against a user change on the same line conflicts" {
	project
	base=$(git hash-object proj/compose.yaml)
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	yours=$(git hash-object proj/compose.yaml)
	# diff previews an option change, and fails when it would conflict.
	run genship diff proj --set port=8081
	assert_failure 1
	assert_output --partial "update would leave a conflict in 'compose.yaml'"
	assert_output --partial '+A service listening on port 8081.'
	run genship update proj --set port=8081 --no-hooks
	assert_failure 1
	assert_line 'conflict  compose.yaml'
	assert_line 'updated   README.md'
	assert_output --partial "error: conflicts in 1 file: 'compose.yaml'
hint: resolve the <<<<<<< ======= >>>>>>> markers by hand, or start the merge over: 'genship update proj --redo compose.yaml'; the answers file already records this update"
	run sed -n '8,16p' proj/compose.yaml
	assert_output '    ports:
<<<<<<< yours
      - "9000:8080"
=======
      - "8081:8081"
>>>>>>> template
    environment:
      PORT: "8081"
      LOG_LEVEL: info'
	run grep -c 'port 8081' proj/README.md
	assert_output 1
	run grep '^  port: ' proj/.genship.yml
	assert_output '  port: 8081'
	# The conflict is recorded with its merge's base and your version,
	# and stays visible until it is resolved: update, diff and check all
	# fail, and nothing is written.
	run sed -n '/^conflicts:/,$p' proj/.genship.yml
	assert_output "conflicts:
  compose.yaml:
    base: $base
    yours: $yours"
	before=$(tree_sum proj)
	run genship update proj --no-hooks
	assert_failure 1
	assert_output "genship: error: unresolved conflict in 'compose.yaml'
hint: remove the <<<<<<< ======= >>>>>>> markers, keeping what you want, then run the command again; or start the merge over: 'genship update proj --redo compose.yaml'"
	run genship diff proj
	assert_failure 1
	assert_output --partial "unresolved conflict in 'compose.yaml'"
	run genship check proj
	assert_failure 1
	assert_line 'conflict compose.yaml (unresolved)'
	assert_output --partial '1 unresolved conflict'
	assert_line "hint: remove the <<<<<<< ======= >>>>>>> markers, keeping what you want; or start the merge over: 'genship update proj --redo compose.yaml'"
	[ "$(tree_sum proj)" = "$before" ]
	# Without the record, genship's own markers still give it away.
	sed -i '/^conflicts:/,$d' proj/.genship.yml
	run genship check proj
	assert_failure 1
	assert_line 'conflict compose.yaml (unresolved)'
	# The record as a list of paths (before it kept blob ids) still loads.
	printf 'conflicts:\n- compose.yaml\n' >>proj/.genship.yml
	# Resolved (yours kept): update drops the record, check passes.
	sed -i -e '/^<<<<<<< yours$/d' -e '/^=======$/,/^>>>>>>> template$/d' \
		proj/compose.yaml
	run genship update proj --no-hooks
	assert_success
	run grep -c '^conflicts:' proj/.genship.yml
	assert_output 0
	run genship check proj
	assert_success
	assert_line 'edited   compose.yaml'
	assert_output --partial 'check passed: 1 edited by you (update keeps them)'
	run genship check proj --strict
	assert_failure 1
}

# port_conflict [ARGS...]: generate ./proj, change its port mapping, and
# update to port 8081 so that compose.yaml conflicts.
port_conflict() {
	project
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	run genship update proj --set port=8081 --no-hooks "$@"
	assert_failure 1
}

@test "--conflict-style diff3 shows the base section, and its markers count as unresolved" {
	project
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	run --separate-stderr genship diff proj --set port=8081 --conflict-style diff3
	assert_failure 1
	assert_output --partial '+<<<<<<< yours
       - "9000:8080"
+||||||| base
+      - "8080:8080"
+=======
+      - "8081:8081"
+>>>>>>> template'
	run --separate-stderr genship update proj --set port=8081 --no-hooks \
		--conflict-style diff3 --format json
	assert_failure 1
	run jq -r '.result, (.files[] | "\(.path) \(.status) \(.change)")' <<<"$output"
	assert_output 'conflict
README.md modified template
compose.yaml conflict both
k8s/base/deployment.yaml modified template
k8s/base/kustomization.yaml unchanged none
k8s/base/service.yaml modified template
k8s/overlays/production/kustomization.yaml unchanged none
scripts/run.sh unchanged none'
	run sed -n '8,18p' proj/compose.yaml
	assert_output '    ports:
<<<<<<< yours
      - "9000:8080"
||||||| base
      - "8080:8080"
=======
      - "8081:8081"
>>>>>>> template
    environment:
      PORT: "8081"
      LOG_LEVEL: info'
	# Without the record, genship's own diff3 markers still give it away.
	sed -i '/^conflicts:/,$d' proj/.genship.yml
	run genship check proj
	assert_failure 1
	assert_line 'conflict compose.yaml (unresolved)'
	run --separate-stderr genship check proj --format json
	assert_failure 1
	run jq -r '.result, (.files[] | select(.path == "compose.yaml") | "\(.status) \(.change)")' <<<"$output"
	assert_output 'unresolved
conflict both'
	run --separate-stderr genship diff proj --format json
	assert_failure 1
	run jq -r .result <<<"$output"
	assert_output unresolved
	run genship update proj --conflict-style zdiff3
	assert_failure 2
	assert_line "genship: error: invalid --conflict-style 'zdiff3': expected merge or diff3"
}

@test "--redo starts a conflicted merge over, from genship's store or the project's repository" {
	project
	git init -q proj
	commit proj generated
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	commit proj mine
	run genship update proj --set port=8081 --no-hooks
	assert_failure 1
	conflicted=$(cat proj/compose.yaml)
	record=$(sed -n '/^conflicts:/,$p' proj/.genship.yml)
	# A resolution gone wrong: both sides dropped.
	sed -i '/^<<<<<<< yours$/,/^>>>>>>> template$/d' proj/compose.yaml
	run genship update proj --redo compose.yaml --conflict-style diff3
	assert_failure 1
	assert_output "genship: starting the merge of 'compose.yaml' over: the base from genship's store, your version from genship's store
conflict  compose.yaml
genship: error: conflicts in 1 file: 'compose.yaml'
hint: resolve the <<<<<<< ======= >>>>>>> markers by hand, or start the merge over: 'genship update proj --redo compose.yaml'"
	run sed -n '9,15p' proj/compose.yaml
	assert_output '<<<<<<< yours
      - "9000:8080"
||||||| base
      - "8080:8080"
=======
      - "8081:8081"
>>>>>>> template'
	[ "$(sed -n '/^conflicts:/,$p' proj/.genship.yml)" = "$record" ]
	# Without the store, the project's repository has both versions.
	rm -r "$XDG_CACHE_HOME/genship/merges"
	run genship update proj --redo compose.yaml
	assert_failure 1
	assert_line "genship: starting the merge of 'compose.yaml' over: the base from the project's git repository, your version from the project's git repository"
	[ "$(cat proj/compose.yaml)" = "$conflicted" ]
}

@test "--redo merges cleanly once the base of a 2-way conflict turns up in the project's repository" {
	project
	git init -q proj
	commit proj generated
	edit_image
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: warn/' "$TPL/template/compose.yaml"
	sed -i 's/^version: 1.0.0$/version: 2.0.0/' "$TPL/genship.yml"
	run genship update proj --no-hooks
	assert_failure 1
	assert_line 'conflict  compose.yaml (2-way: the old template version is not available)'
	run genship update proj --redo compose.yaml
	assert_success
	assert_output "genship: starting the merge of 'compose.yaml' over: the base from the project's git repository, your version from genship's store
merged    compose.yaml
genship: merged 1 file of 'proj' again: no conflicts left"
	run grep -e 'image:' -e 'LOG_LEVEL:' proj/compose.yaml
	assert_output '    image: registry.example.com/demo:mine
      LOG_LEVEL: warn'
	run grep -c '^conflicts:' proj/.genship.yml
	assert_output 0
	run genship check proj
	assert_success
	assert_line 'edited   compose.yaml'
}

@test "--redo refuses a path genship did not generate, other options, and a lost version of yours" {
	port_conflict
	run genship update proj --redo nope.txt
	assert_failure 2
	assert_output "proj/.genship.yml: error: 'nope.txt' is not a file genship generated; there is no merge of it to start over
hint: give the path relative to the project directory, as 'genship update' prints it; the recorded conflicts are 'compose.yaml'"
	run genship update proj --redo compose.yaml --set port=9000
	assert_failure 2
	assert_line "genship: error: --redo starts a file's merge over with the recorded template and answers; it does not combine with --set, --answers, --template or --ref"
	rm -r "$XDG_CACHE_HOME"
	before=$(tree_sum proj)
	run genship update proj --redo compose.yaml
	assert_failure 1
	assert_output "genship: error: cannot start the merge of 'compose.yaml' over: your version from before the update is neither in genship's store nor in the project's git repository, and HEAD has none without conflict markers
hint: resolve the <<<<<<< ======= >>>>>>> markers by hand"
	[ "$(tree_sum proj)" = "$before" ]
}

@test "kubernetes off keeps an edited deployment.yaml and removes the rest" {
	project
	printf '# tuned by hand\n' >> proj/k8s/base/deployment.yaml
	run genship update proj --set kubernetes=false --no-hooks
	assert_success
	assert_output --partial "warning: keeping 'k8s/base/deployment.yaml': you edited it, and the template no longer generates it"
	assert_line 'kept      k8s/base/deployment.yaml (edited by you; no longer generated)'
	assert_line 'removed   k8s/base/service.yaml'
	assert_line 'removed   k8s/overlays/production/kustomization.yaml'
	run tail -1 proj/k8s/base/deployment.yaml
	assert_output '# tuned by hand'
	run find proj/k8s
	assert_output 'proj/k8s
proj/k8s/base
proj/k8s/base/deployment.yaml'
	run grep -c 'Not configured' proj/README.md
	assert_output 1
	run grep -c 'k8s/' proj/.genship.yml
	assert_output 0
}

@test "kubernetes off with nothing edited removes k8s/ entirely" {
	project
	run genship update proj --set kubernetes=false --no-hooks
	assert_success
	[ ! -e proj/k8s ]
	[ -f proj/scripts/run.sh ]
}

@test "a file the user deleted stays deleted and is reported" {
	project
	rm proj/README.md
	run genship update proj --set port=9090 --no-hooks
	assert_success
	assert_line 'deleted   README.md (deleted by you; not restored)'
	[ ! -e proj/README.md ]
	run grep -c '9090' proj/compose.yaml
	assert_output 2
	run genship update proj --set port=9191 --no-hooks
	assert_success
	assert_line 'deleted   README.md (deleted by you; not restored)'
	[ ! -e proj/README.md ]
}

@test "a new template file colliding with a user file is a conflict" {
	project
	printf 'my notes\n' > proj/NOTES.md
	printf 'template notes for {{ project_name }}\n' > "$TPL/template/NOTES.md"
	run genship update proj --no-hooks
	assert_failure 1
	assert_line 'conflict  NOTES.md (a file of yours is in the way)'
	run cat proj/NOTES.md
	assert_output '<<<<<<< yours
my notes
=======
template notes for demo
>>>>>>> template'
}

@test "template upgrade across two commits of a git template, edits on both sides" {
	TPL=$(fixture update-svc)
	git init -q "$TPL"
	commit "$TPL" v1
	v1=$(git -C "$TPL" rev-parse HEAD)
	run genship new "$TPL" --no-hooks -o proj
	assert_success
	run grep '^  commit: ' proj/.genship.yml
	assert_output "  commit: $v1"
	# The template moves on: a changed line, a new section, a new file.
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: warn/' "$TPL/template/compose.yaml"
	sed -i 's/^## Running$/## Running locally/' "$TPL/template/README.md"
	printf 'owner: {{ project_name }}-team\n' > "$TPL/template/OWNERS"
	sed -i 's/^version: 1.0.0$/version: 1.1.0/' "$TPL/genship.yml"
	commit "$TPL" v2
	v2=$(git -C "$TPL" rev-parse HEAD)
	# The user edits other lines of the same files.
	edit_image
	sed -i 's/^A service listening/The service listens/' proj/README.md
	run genship update proj --no-hooks
	assert_success
	assert_line 'merged    compose.yaml'
	assert_line 'merged    README.md'
	assert_line 'added     OWNERS'
	run grep -E 'LOG_LEVEL|image: registry' proj/compose.yaml
	assert_output '    image: registry.example.com/demo:mine
      LOG_LEVEL: warn'
	run sed -n '3,5p' proj/README.md
	assert_output 'The service listens on port 8080.

## Running locally'
	run cat proj/OWNERS
	assert_output 'owner: demo-team'
	run grep -A4 '^template:' proj/.genship.yml
	assert_line '  version: 1.1.0'
	assert_line "  commit: $v2"
	run genship check proj
	assert_success
	assert_output 'edited   README.md
edited   compose.yaml
genship: check passed: 2 edited by you (update keeps them), no drift from template '"'update-svc'"'
hint: pass --strict to fail on edits as well'
	run genship check proj --strict
	assert_failure 1
	assert_line "genship: check failed: 2 edited by you, 0 changed in the template 'update-svc'"
}

@test "a file:// template: the base comes from the recorded commit" {
	repo=$(fixture update-svc)
	git init -q "$repo"
	commit "$repo" v1
	run genship new "file://$repo" --no-hooks -o proj
	assert_success
	run grep '^  source: ' proj/.genship.yml
	assert_output "  source: file://$repo"
	sed -i 's|"{{ port }}:{{ port }}"|"127.0.0.1:{{ port }}:{{ port }}"|' \
		"$repo/template/compose.yaml"
	commit "$repo" v2
	# The work tree moves on too; only commits count for a file:// source.
	printf 'uncommitted\n' > "$repo/template/SCRATCH"
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	run genship update proj --no-hooks
	assert_failure 1
	assert_line 'conflict  compose.yaml'
	refute_output --partial 'SCRATCH'
	run grep -A3 '^<<<<<<< yours$' proj/compose.yaml
	assert_output '<<<<<<< yours
      - "9000:8080"
=======
      - "127.0.0.1:8080:8080"'
}

@test "--dry-run writes nothing" {
	project
	edit_image
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	before=$(tree_sum proj)
	run genship update proj --set cache=redis --set port=8081 \
		--set kubernetes=false --dry-run --no-hooks
	assert_failure 1
	assert_line 'conflict  compose.yaml'
	assert_line 'removed   k8s/base/deployment.yaml'
	assert_output --partial 'dry run: 6 files would change; nothing written'
	assert_output --partial "update would leave conflicts in 1 file: 'compose.yaml'"
	[ "$(tree_sum proj)" = "$before" ]
	[ ! -e proj/.genship-update ]
}

@test "a second update with the same inputs changes nothing" {
	project
	edit_image
	run genship update proj --set cache=redis --set kubernetes=false --no-hooks
	assert_success
	after=$(tree_sum proj)
	run genship update proj --set cache=redis --set kubernetes=false --no-hooks
	assert_success
	assert_output "genship: 'proj' is up to date with update-svc 1.0.0"
	[ "$(tree_sum proj)" = "$after" ]
}

# --- check and diff -------------------------------------------------------

@test "check passes on a fresh project, lists edits, and fails on them only with --strict" {
	project
	run genship check proj
	assert_success
	assert_output "genship: check: 'proj' matches template 'update-svc' and its recorded answers"
	printf 'extra: true\n' >> proj/k8s/base/service.yaml
	run genship check proj
	assert_success
	assert_line 'edited   k8s/base/service.yaml'
	assert_line "genship: check passed: 1 edited by you (update keeps them), no drift from template 'update-svc'"
	run genship check proj --strict
	assert_failure 1
	assert_line 'edited   k8s/base/service.yaml'
	assert_line "genship: check failed: 1 edited by you, 0 changed in the template 'update-svc'"
}

@test "check separates user edits from template drift" {
	project
	edit_image
	rm proj/scripts/run.sh
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: warn/' "$TPL/template/compose.yaml"
	printf 'x\n' > "$TPL/template/NEW.txt"
	rm "$TPL/template/k8s/base/service.yaml"
	sed -i 's/^version: 1.0.0$/version: 1.0.1/' "$TPL/genship.yml"
	run genship check proj
	assert_failure 1
	assert_output 'edited   compose.yaml
deleted  scripts/run.sh
added    NEW.txt
drift    compose.yaml
removed  k8s/base/service.yaml
genship: template '"'update-svc'"' is now version 1.0.1; the project records 1.0.0
genship: check failed: 2 edited by you, 3 changed in the template '"'update-svc'"'
hint: '"'genship diff' shows what 'genship update' would change"
}

@test "diff prints what update would apply and writes nothing" {
	TPL=$(fixture update-svc)
	git init -q "$TPL"
	commit "$TPL" v1
	run genship new "$TPL" --no-hooks -o proj
	assert_success
	edit_image
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: warn/' "$TPL/template/compose.yaml"
	rm "$TPL/template/scripts/run.sh"
	commit "$TPL" v2
	before=$(tree_sum proj)
	cp -a proj applied
	run genship update applied --no-hooks
	assert_success
	old=$(git hash-object proj/compose.yaml | cut -c1-7)
	new=$(git hash-object applied/compose.yaml | cut -c1-7)
	run genship diff proj
	assert_success
	assert_output "diff --git a/compose.yaml b/compose.yaml
index $old..$new 100644
--- a/compose.yaml
+++ b/compose.yaml
@@ -9,5 +9,5 @@ services:
       - \"8080:8080\"
     environment:
       PORT: \"8080\"
-      LOG_LEVEL: info
+      LOG_LEVEL: warn
     restart: unless-stopped
diff --git a/scripts/run.sh b/scripts/run.sh
deleted file mode 100644
index 405ce35..0000000
--- a/scripts/run.sh
+++ /dev/null
@@ -1,2 +0,0 @@
-#!/bin/sh
-exec podman compose up \"\$@\""
	[ "$(tree_sum proj)" = "$before" ]
	# Applying that diff by hand gives what update writes.
	(cd proj && genship diff . | git apply)
	rm applied/.genship.yml proj/.genship.yml
	[ "$(tree_sum proj)" = "$(tree_sum applied)" ]
	run genship diff proj --bogus
	assert_failure 2
}

@test "diff --answers previews an option change from a file, as --set does" {
	project
	printf 'cache: redis\n' >answers.yml
	run --separate-stderr genship diff proj --set cache=redis
	assert_success
	assert_output --partial '+      REDIS_URL: redis://redis:6379/0'
	with_set=$output
	run --separate-stderr genship diff proj --answers answers.yml
	assert_success
	[ "$output" = "$with_set" ]
	# --set wins over --answers, which wins over the recorded answers.
	run genship diff proj --answers answers.yml --set cache=none
	assert_success
	assert_output ''
	printf 'cache: memcached\n' >bad.yml
	run genship diff proj --answers bad.yml
	assert_failure 2
	assert_output --partial "bad.yml:1:8: error: "
	run genship update proj --answers answers.yml --no-hooks
	assert_success
	run grep '^  cache: ' proj/.genship.yml
	assert_output '  cache: redis'
}

@test "check, diff and update report each file's status and whose change it is as JSON" {
	TPL=$(fixture update-svc)
	git init -q "$TPL"
	commit "$TPL" v1
	run genship new "$TPL" --no-hooks -o proj
	assert_success
	edit_image
	rm proj/scripts/run.sh
	sed -i '1i # mine' proj/k8s/base/deployment.yaml
	sed -i 's/replicas: {{ replicas }}/replicas: {{ replicas * 2 }}/' \
		"$TPL/template/k8s/base/deployment.yaml"
	sed -i 's/^A service/The service/' "$TPL/template/README.md"
	printf 'x\n' >"$TPL/template/NEW.txt"
	rm "$TPL/template/k8s/base/service.yaml"
	commit "$TPL" v2
	files='.files[] | "\(.path) \(.status) \(.change)"'
	run --separate-stderr genship check proj --format json
	assert_failure 1
	json=$output
	run jq -c '[keys_unsorted, .template, (.files[0] | keys_unsorted)]' <<<"$json"
	assert_output '[["result","template","files"],{"name":"update-svc","version":"1.0.0"},["path","status","change"]]'
	run jq -r ".result, ($files)" <<<"$json"
	assert_output 'drift
NEW.txt added template
README.md modified template
compose.yaml edited user
k8s/base/deployment.yaml modified both
k8s/base/kustomization.yaml unchanged none
k8s/base/service.yaml removed template
k8s/overlays/production/kustomization.yaml unchanged none
scripts/run.sh deleted user'
	run --separate-stderr genship diff proj --format json
	assert_success
	diff_json=$output
	run jq -r ".result, ($files)" <<<"$diff_json"
	assert_output 'changes
NEW.txt added template
README.md modified template
compose.yaml edited user
k8s/base/deployment.yaml merged both
k8s/base/kustomization.yaml unchanged none
k8s/base/service.yaml removed template
k8s/overlays/production/kustomization.yaml unchanged none
scripts/run.sh deleted user'
	run --separate-stderr genship update proj --no-hooks --format json
	assert_success
	[ "$(jq -c .files <<<"$output")" = "$(jq -c .files <<<"$diff_json")" ]
	run jq -r .result <<<"$output"
	assert_output updated
	run --separate-stderr genship update proj --no-hooks --format json
	assert_success
	run jq -r ".result, ($files)" <<<"$output"
	assert_output 'up-to-date
NEW.txt unchanged none
README.md unchanged none
compose.yaml edited user
k8s/base/deployment.yaml edited user
k8s/base/kustomization.yaml unchanged none
k8s/overlays/production/kustomization.yaml unchanged none
scripts/run.sh deleted user'
	run --separate-stderr genship check proj --format json
	assert_success
	run jq -r .result <<<"$output"
	assert_output edited
	run genship check proj --format yaml
	assert_failure 2
	assert_line "genship: error: invalid --format 'yaml': expected text or json"
}

# --- template versions, hooks, errors ---------------------------------------

@test "without the recorded version, blob ids decide: untouched files update, edited ones conflict 2-way" {
	project
	edit_image
	printf '# mine\n' >> proj/k8s/base/service.yaml
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: warn/' "$TPL/template/compose.yaml"
	sed -i 's/replicas: {{ replicas }}/replicas: {{ replicas * 2 }}/' \
		"$TPL/template/k8s/base/deployment.yaml"
	sed -i 's/^version: 1.0.0$/version: 2.0.0/' "$TPL/genship.yml"
	run genship update proj --no-hooks
	assert_failure 1
	assert_line 'updated   k8s/base/deployment.yaml'
	assert_line 'conflict  compose.yaml (2-way: the old template version is not available)'
	refute_line --partial 'service.yaml'
	assert_output --partial "cannot render the recorded template version: '$TPL' is now version 2.0.0"
	run grep 'replicas:' proj/k8s/base/deployment.yaml
	assert_output '  replicas: 4'
	run tail -1 proj/k8s/base/service.yaml
	assert_output '# mine'
	# Without a base every difference conflicts, the user's image line
	# too; both versions of each line are there.
	run grep -c -e '^<<<<<<< yours$' -e '^>>>>>>> template$' proj/compose.yaml
	assert_output 4
	run grep -c -e 'registry.example.com/demo:mine' -e 'localhost/demo:dev' \
		-e 'LOG_LEVEL: info' -e 'LOG_LEVEL: warn' proj/compose.yaml
	assert_output 4
}

@test "--template moves the project to another template source" {
	project
	other="$BATS_TEST_TMPDIR/other"
	cp -R "$TPL" "$other"
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' "$other/template/compose.yaml"
	run genship update proj --template "$other" --no-hooks
	assert_success
	assert_line 'updated   compose.yaml'
	run grep '^  source: ' proj/.genship.yml
	assert_output "  source: $other"
	run genship check proj
	assert_success
}

@test "hooks see GENSHIP_OPERATION=update and GENSHIP_CHANGED_FILES" {
	project
	export HOOK_LOG="$BATS_TEST_TMPDIR/hook.log"
	run genship update proj --set port=8081 --set kubernetes=false --trust
	assert_success
	run cat "$HOOK_LOG"
	assert_output 'op=update port=8081
changed=README.md
compose.yaml
k8s/base/deployment.yaml
k8s/base/kustomization.yaml
k8s/base/service.yaml
k8s/overlays/production/kustomization.yaml'
	rm "$HOOK_LOG"
	run genship update proj --set port=8082 --no-hooks
	assert_success
	[ ! -e "$HOOK_LOG" ]
	run genship update proj --set port=8083
	assert_failure 2
	assert_output --partial '--trust'
	run grep '^  port: ' proj/.genship.yml
	assert_output '  port: 8082'
}

@test "update outside a project is bad input" {
	mkdir empty
	run genship update empty
	assert_failure 2
	assert_output --partial "empty: error: not a genship project: cannot read '.genship.yml'"
	run genship check empty
	assert_failure 2
	run genship update proj --set
	assert_failure 2
}

@test "an answers file naming a path outside the project is refused" {
	project
	printf 'precious\n' > outside.txt
	blob=$(git hash-object outside.txt)
	sed -i "s|^files:\$|files:\\n  ../outside.txt: $blob|" proj/.genship.yml
	run genship update proj --set kubernetes=false --no-hooks
	assert_failure 2
	line=$(grep -n '^  \.\./outside\.txt:' proj/.genship.yml | cut -d: -f1)
	assert_output --partial "proj/.genship.yml:$line:3: error: unsafe path '../outside.txt' in 'files'"
	run cat outside.txt
	assert_output precious
	[ -f proj/k8s/base/service.yaml ]
}

@test "a bad --set on update is reported and nothing is written" {
	project
	before=$(tree_sum proj)
	run genship update proj --set port=80 --no-hooks
	assert_failure 2
	assert_output --partial "'port'"
	[ "$(tree_sum proj)" = "$before" ]
}

# --- crash safety -----------------------------------------------------------

# update_all DIR: the update the kill loop interrupts (conflicts: exit 1).
update_all() {
	genship update "$1" --set cache=redis --set port=8081 \
		--set kubernetes=false --no-hooks
}

@test "killed after every file operation, a rerun loses no edit and leaves no half-written file" {
	project
	edit_image
	sed -i 's|"8080:8080"|"9000:8080"|' proj/compose.yaml
	sed -i 's/^A service listening/The service listens/' proj/README.md
	printf '# tuned by hand\n' >> proj/k8s/base/deployment.yaml
	cp -a proj ref
	run update_all ref
	assert_failure 1
	want=$(tree_sum ref)
	orig=$(tree_sum proj)
	n=1
	while :; do
		rm -rf run plain
		cp -a proj run
		GENSHIP_FAULT_AFTER=$n run update_all run
		[ "$status" -ne 137 ] && break
		assert_output --partial "fault injection: killed after $n file operations"
		# The same crash again, for the plain rerun below (a copy would
		# carry a transaction genship did not create there: refused).
		cp -a proj plain
		GENSHIP_FAULT_AFTER=$n run update_all plain
		assert_failure 137
		# Rerunning the same update gives what an uninterrupted one does.
		run update_all run
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ] ||
			fail "rerun after fault $n exited $status: $output"
		[ "$(tree_sum run)" = "$want" ] ||
			fail "after fault $n: $(diff <(echo "$want") <(tree_sum run))"
		[ ! -e run/.genship-update ] || fail "leftover transaction at $n"
		# A plain update leaves all of it or none of it: never a mix.
		run genship update plain --no-hooks
		got=$(tree_sum plain)
		[ "$got" = "$orig" ] || [ "$got" = "$want" ] ||
			fail "plain rerun after fault $n left a mix"
		[ ! -e plain/.genship-update ] || fail "leftover at $n (plain)"
		n=$((n + 1))
		[ "$n" -lt 200 ] || fail "update never completed"
	done
	# The uninterrupted count: every step from 1 to n-1 was killed.
	assert_failure 1
	[ "$n" -gt 10 ]
	run grep -c -e 'registry.example.com/demo:mine' -e '"9000:8080"' \
		run/compose.yaml
	assert_output 2
	run tail -1 run/k8s/base/deployment.yaml
	assert_output '# tuned by hand'
}

@test "an interrupted update is finished before anything else" {
	project
	edit_image
	cp -a proj ref
	run genship update ref --set cache=redis --no-hooks
	assert_success
	GENSHIP_FAULT_AFTER=7 run genship update proj --set cache=redis --no-hooks
	assert_failure 137
	[ -f proj/.genship-update/sealed ]
	run genship check proj
	assert_failure 2
	assert_output --partial "an interrupted update is waiting in '.genship-update'"
	run genship update proj --dry-run
	assert_failure 2
	run genship update proj --no-hooks
	assert_success
	assert_output --partial "finished the interrupted update of 'proj'"
	[ "$(tree_sum proj)" = "$(tree_sum ref)" ]
}

# --- the built-in service template ---------------------------------------------

@test "built-in service: redis on keeps an edit in compose.yaml" {
	run genship new --no-input --set git_init=false -o svc
	[ -f svc/compose.yaml ] || skip "the built-in template has no compose.yaml yet"
	grep -q -i redis svc/compose.yaml && skip "redis is on by default"
	printf '# my note\n' | cat - svc/compose.yaml > c && mv c svc/compose.yaml
	run genship update svc --set cache=redis --no-hooks
	assert_success
	run head -1 svc/compose.yaml
	assert_output '# my note'
	run grep -c -i redis svc/compose.yaml
	[ "$output" -gt 0 ]
	run genship update svc --set cache=redis --no-hooks
	assert_success
	assert_output --partial 'is up to date'
}

@test "built-in service: kubernetes off removes untouched k8s files" {
	run genship new --no-input --set git_init=false -o svc
	[ -f svc/k8s/base/deployment.yaml ] || skip "the built-in template has no k8s/ yet"
	printf '# mine\n' >> svc/k8s/base/deployment.yaml
	run genship update svc --set kubernetes=false --no-hooks
	assert_success
	assert_output --partial "keeping 'k8s/base/deployment.yaml'"
	[ -f svc/k8s/base/deployment.yaml ]
	[ ! -e svc/k8s/base/service.yaml ]
	[ ! -e svc/k8s/overlays/production/kustomization.yaml ]
	# The kept file is the user's own now: check has nothing to report.
	run genship check svc
	assert_success
}

# --- templates read from git ------------------------------------------------

@test "a git template is read from the commit: symlinks resolve inside it" {
	repo=$(fixture update-svc)
	ln -s compose.yaml "$repo/template/compose.override.yaml"
	git init -q "$repo"
	commit "$repo" v1
	run genship new "file://$repo" --no-hooks -o proj
	assert_success
	cmp proj/compose.yaml proj/compose.override.yaml
	ln -s ../../genship.yml "$repo/template/leak.yml"
	commit "$repo" v2
	run genship new "file://$repo" --no-hooks -o proj2
	assert_failure 2
	assert_output --partial "symlink 'template/leak.yml' points outside the template"
	[ ! -e proj2 ]
}

@test "a git template at a named revision, and errors for what is not there" {
	repo=$(fixture update-svc)
	git init -q "$repo"
	commit "$repo" v1
	git -C "$repo" tag v1.0.0
	sed -i 's/LOG_LEVEL: info/LOG_LEVEL: warn/' "$repo/template/compose.yaml"
	commit "$repo" v2
	run genship new "file://$repo#v1.0.0" --no-hooks -o proj
	assert_success
	run grep -c 'LOG_LEVEL: info' proj/compose.yaml
	assert_output 1
	run genship new "file://$repo#nope" --no-hooks -o other
	assert_failure 2
	assert_output --partial "cannot find commit 'nope' in the template repository 'file://$repo#nope'"
	run genship new "ftp://example.com/t.git" --no-hooks -o other
	assert_failure 2
	assert_output --partial "unsupported template URL 'ftp://example.com/t.git'"
	[ ! -e other ]
}

@test "a template directory with uncommitted changes records no commit" {
	TPL=$(fixture update-svc)
	git init -q "$TPL"
	commit "$TPL" v1
	printf 'draft\n' > "$TPL/template/DRAFT.md"
	run genship new "$TPL" --no-hooks -o proj
	assert_success
	run grep -c '^  commit:' proj/.genship.yml
	assert_output 0
	[ -f proj/DRAFT.md ]
}
