#!/usr/bin/env bats
# genship new: happy paths and every bad-input class.  Each failure case
# asserts the exit status, the message and that nothing was written.

load helpers

# --- happy paths ------------------------------------------------------

@test "new with no arguments generates the built-in service" {
	run genship new --no-input
	assert_success
	assert_output --partial "created 'my-service'"
	[ -f my-service/Containerfile ]
	[ -f my-service/compose.yaml ]
	[ -f my-service/.genship.yml ]
	run ls -A "$WORK"
	assert_output 'my-service'
}

@test "new renders a template directory with defaults" {
	tpl=$(fixture basic)
	run genship new "$tpl" --no-input --no-hooks -o out
	assert_success
	run cat out/README.md
	assert_output "# demo-app

Language: python, port 8080, image ghcr.io/acme/demo-app.
- metrics (last)"
	[ -f out/docs/handbook.md ]
	[ ! -e out/main.go ]
}

@test "new applies --set over --answers over defaults" {
	tpl=$(fixture basic)
	printf 'language: node\nport: 9000\n' > answers.yml
	run genship new "$tpl" --answers answers.yml --set port=9100 \
		--set extras=tracing,metrics --set docs=no --no-hooks -o out
	assert_success
	run head -3 out/README.md
	assert_line --index 1 'Language: node, port 9100, image ghcr.io/acme/demo-app.'
	run grep -c '^- ' out/README.md
	assert_output 2
	[ ! -e out/docs ]
}

@test "a path that renders empty is skipped, one that renders is kept" {
	tpl=$(fixture basic)
	run genship new "$tpl" --set language=go --no-hooks -o out
	assert_success
	[ -f out/main.go ]
}

@test "render: false copies bytes verbatim; delimiters apply per glob" {
	tpl=$(fixture basic)
	run genship new "$tpl" --no-hooks -o out
	assert_success
	run cat out/raw.bin
	assert_output '{{ not rendered }}'
	run cat out/workflow.yml
	assert_output 'name: demo-app
run: echo ${{ github.sha }}'
}

@test "bytes that are not UTF-8 stay allowed in files copied verbatim" {
	tpl=$(fixture basic)
	printf '\xff\xfe{{ x }}\n' >"$tpl/template/raw.bin"
	printf 'PNG\0\xff\x80{{\n' >"$tpl/template/logo.png"
	run genship new "$tpl" --no-hooks -o out
	assert_success
	cmp "$tpl/template/raw.bin" out/raw.bin
	cmp "$tpl/template/logo.png" out/logo.png
}

@test "post hooks run in the project with answers in the environment" {
	tpl=$(fixture basic)
	run genship new "$tpl" --trust --set extras=metrics,tracing -o out
	assert_success
	assert_output --partial '[post.sh] post hook ran'
	run cat out/hook.out
	assert_output 'op=new lang=python extras=metrics,tracing docs=true'
}

@test "--no-hooks skips hooks of an untrusted template" {
	tpl=$(fixture basic)
	run genship new "$tpl" --no-hooks -o out
	assert_success
	[ ! -e out/hook.out ]
}

@test "the answers file records template, answers and blob ids" {
	tpl=$(fixture basic)
	run genship new "$tpl" --no-hooks -o out
	assert_success
	run grep -A3 '^template:' out/.genship.yml
	assert_line '  name: basic'
	assert_line '  version: 1.2.3'
	want=$(git hash-object out/README.md)
	run grep "README.md: $want" out/.genship.yml
	assert_success
}

@test "--dry-run prints the plan and writes nothing" {
	tpl=$(fixture basic)
	run genship new "$tpl" --dry-run -o out
	assert_success
	assert_output --partial 'out/README.md'
	assert_nothing_written
}

@test "--force overwrites generated files and keeps the user's others" {
	tpl=$(fixture basic)
	mkdir out
	echo mine > out/NOTES.txt
	echo old > out/README.md
	run genship new "$tpl" --no-hooks --force -o out
	assert_success
	run cat out/NOTES.txt
	assert_output mine
	run head -1 out/README.md
	assert_output '# demo-app'
	run ls -A
	assert_output out
}

@test "options lists types, defaults, choices and conditions" {
	tpl=$(fixture basic)
	run genship options "$tpl"
	assert_success
	assert_line 'language (choice)'
	assert_line '  choices: python, node, go'
	assert_line '  range: 1024..65535'
	assert_line '  when: docs'
}

@test "templates lists the built-in service template" {
	run genship templates
	assert_success
	assert_output --partial 'service'
}

@test "--version and --help" {
	run genship --version
	assert_success
	assert_output --regexp '^genship [0-9]+\.[0-9]+\.[0-9]+$'
	run genship --help
	assert_success
	assert_output --partial 'new'
}

# --- bad input: each class exits 2, says what is wrong, writes nothing --

@test "bad input: unknown --set key suggests the closest option" {
	run genship new --set langauge=go
	assert_failure 2
	assert_output --partial "unknown option 'langauge'"
	assert_output --partial "did you mean 'language'?"
	assert_nothing_written
}

@test "bad input: a choice outside its choices lists the valid ones" {
	run genship new --set language=cobol
	assert_failure 2
	assert_output --partial "'cobol'"
	assert_output --partial "python, node, go"
	assert_nothing_written
}

@test "bad input: wrong type for an int option" {
	run genship new --set port=eighty
	assert_failure 2
	assert_output --partial "--set:1:"
	assert_output --partial "'port'"
	assert_nothing_written
}

@test "bad input: an int outside its range" {
	run genship new --set port=80
	assert_failure 2
	assert_output --partial "1024"
	assert_nothing_written
}

@test "bad input: a string that does not match its pattern, in words" {
	run genship new --set project_name=Bad_Name
	assert_failure 2
	assert_line "--set:1:14: error: invalid value 'Bad_Name' for option 'project_name': expected 3 to 40 lowercase letters, digits and dashes, starting with a letter and not ending with a dash"
	refute_output --partial '^[a-z]'
	assert_nothing_written
}

@test "bad input: a failed constraint shows its message" {
	tpl=$(fixture basic)
	run genship new "$tpl" --set language=go --set port=1024 -o out
	assert_failure 2
	assert_output --partial "go services may not use port 1024"
	assert_nothing_written
}

@test "bad input: malformed manifest (unknown key) names file:line:col" {
	tpl=$(fixture basic)
	sed -i 's/^    default: 8080$/    defualt: 8080/' "$tpl/genship.yml"
	run genship new "$tpl" -o out
	assert_failure 2
	assert_output --partial "$tpl/genship.yml:16:5: error: unknown key 'defualt' in option 'port'"
	assert_output --partial "'defualt'"
	assert_output --partial "did you mean 'default'?"
	assert_nothing_written
}

@test "bad input: template syntax error shows file:line:col and a caret" {
	tpl=$(fixture basic)
	printf 'line one\n{%% if docs %%}\nunclosed\n' > "$tpl/template/broken.txt"
	run genship new "$tpl" -o out
	assert_failure 2
	assert_line --partial "$tpl/template/broken.txt:"
	assert_output --partial "'endif'"
	assert_output --partial '^'
	assert_nothing_written
}

@test "bad input: an undefined variable names it and its position" {
	tpl=$(fixture basic)
	printf 'ok\nvalue: {{ nope }}\n' > "$tpl/template/undef.txt"
	run genship new "$tpl" -o out
	assert_failure 2
	assert_line "$tpl/template/undef.txt:2:11: error: 'nope' is undefined"
	assert_nothing_written
}

@test "bad input: a rendered path with '..' is rejected" {
	tpl=$(fixture basic)
	mkdir "$tpl/template/{{ docs_title }}"
	echo x > "$tpl/template/{{ docs_title }}/f.txt"
	run genship new "$tpl" --set docs_title=.. -o out
	assert_failure 2
	assert_output --partial "rendered path '..'"
	assert_nothing_written
}

@test "bad input: a template symlink pointing outside is rejected" {
	tpl=$(fixture basic)
	ln -s /etc/passwd "$tpl/template/passwd"
	run genship new "$tpl" -o out
	assert_failure 2
	assert_output --partial "points outside the template"
	assert_nothing_written
}

@test "bad input: an existing non-empty target is refused" {
	mkdir my-service
	echo keep > my-service/file
	run genship new --no-input
	assert_failure 2
	assert_output --partial "my-service: error: directory exists and is not empty"
	assert_output --partial "--force"
	run ls -A my-service
	assert_output file
}

@test "bad input: an untrusted template's hooks need --trust" {
	tpl=$(fixture basic)
	run genship new "$tpl" -o out </dev/null
	assert_failure 2
	assert_output --partial "--trust"
	assert_nothing_written
}

@test "bad input: an unknown template name suggests a built-in one" {
	run genship new servce
	assert_failure 2
	assert_output --partial "did you mean 'service'?"
	assert_nothing_written
}

# --- hook failures: exit 1 and nothing left behind ---------------------

@test "a failing hook leaves no directory behind" {
	tpl=$(fixture basic)
	printf '#!/bin/sh\necho "about to fail" >&2\nexit 3\n' > "$tpl/hooks/post.sh"
	run genship new "$tpl" --trust -o out
	assert_failure 1
	assert_output --partial '[post.sh] about to fail'
	assert_output --partial "hook 'post.sh' failed with exit status 3"
	assert_nothing_written
}

@test "a hook that hangs is killed after --hook-timeout" {
	tpl=$(fixture basic)
	printf '#!/bin/sh\nsleep 30\n' > "$tpl/hooks/post.sh"
	run genship new "$tpl" --trust --hook-timeout 1 -o out
	assert_failure 1
	assert_output --partial "hook 'post.sh' timed out after 1 s"
	assert_nothing_written
}

@test "a hook that is not executable is reported" {
	tpl=$(fixture basic)
	chmod -x "$tpl/hooks/post.sh"
	run genship new "$tpl" --trust -o out
	assert_failure 2
	assert_output --partial "hook 'post.sh' is not executable"
	assert_nothing_written
}

@test "the project directory gets the umask's mode, not the staging dir's" {
	umask 022
	run genship new --no-input --no-hooks -o out
	assert_success
	run stat -c %a out
	assert_output 755
	run stat -c %a out/Containerfile
	assert_output 644
}
