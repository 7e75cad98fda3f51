#!/usr/bin/env bats
# File rules with `from` and `with`: one template file rendered under
# other paths with extra bindings, and a flavor's file chosen by rule.
# Input class of every bad case: the template's genship.yml.

load helpers

setup() {
	enter_work || return 1
	TPL=$(fixture from)
}

# edit SED: apply a sed expression to the fixture's genship.yml.
edit() {
	sed -i "$1" "$TPL/genship.yml"
}

@test "a list of sources renders below the rule's path, with the bindings" {
	run genship new "$TPL" -o out --no-input --trust
	assert_success
	run cat out/services/api/app/main.py
	assert_output $'# shop-api on port 9000 (system was shop)\nPORT = 9000'
	run cat out/services/web/run.sh
	assert_output $'#!/bin/sh\nexec python -m app --port 3000'
	# the source keeps its mode, and its own path still renders unbound
	[ "$(stat -c %a out/services/web/run.sh)" = 755 ]
	run cat out/run.sh
	assert_output $'#!/bin/sh\nexec python -m app --port 8080'
	[ -f out/services/api/app/__init__.py ]
	[ ! -e out/app ]
}

@test "sources keep their paths below the directory they share" {
	run genship new "$TPL" -o out --no-input --trust
	assert_success
	run cat out/deploy/web/service.yaml
	assert_output $'name: shop-web\nport: 3000'
	[ ! -e out/k8s ]
}

@test "one plain source renders at the rule's path, which sees the bindings" {
	run genship new "$TPL" -o out --no-input --trust
	assert_success
	run ls out/hosts
	assert_output $'shop-api.host\nshop-web.host'
	run cat out/hosts/shop-web.host
	assert_output 'shop-web.example.com'
}

@test "a flavor's file is chosen by rule, rendered as its own rule says" {
	run genship new "$TPL" -o plain --no-input --trust
	assert_success
	run cat plain/greeting.txt
	assert_output 'hello from shop'
	run genship new "$TPL" -o fancy --no-input --trust --set flavor=fancy
	assert_success
	# partials/** sets [[ ]] for variables: {{ }} stays as it is
	run cat fancy/greeting.txt
	assert_output '*** SHOP says hello {{ not a variable }} ***'
	[ ! -e fancy/partials ]
}

@test "bad template: a from entry that names no file of the template" {
	edit 's|from: k8s/host.txt|from: k8s/hots.txt|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:48:11: error: 'from' entry 'k8s/hots.txt' of file rule 'hosts/{{ system }}.host' names no file of the template"
	assert_line --index 3 "hint: did you mean 'k8s/host.txt'?"
	assert_nothing_written
}

@test "bad template: a from entry is checked even when its rule is off" {
	edit 's|from: partials/fancy-greeting.txt|from: partials/fancy.txt|'
	run genship new "$TPL" -o out --no-input --trust --set flavor=plain
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:55:11: error: 'from' entry 'partials/fancy.txt' of file rule 'greeting.txt' names no file of the template"
	assert_line --index 3 "hint: 'from' names files under $TPL/template/ as they are spelled there, before rendering"
	assert_nothing_written
}

@test "bad template: with is not a mapping" {
	edit '45s|with: \*component|with: [system, port]|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_output - <<-EOF
	$TPL/genship.yml:45:11: error: 'with' in file rule 'deploy/{{ c.name }}' must be a mapping of names to strings, not a sequence
	   45 |     with: [system, port]
	      |           ^
	hint: write 'key: value' lines, or {key: value}
	EOF
	assert_nothing_written
}

@test "bad template: a with expression that does not compile" {
	edit 's|      port: c.port$|      port: c.port +|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:39:21: error: expected an expression, got end of template"
	assert_nothing_written
}

@test "bad template: a with expression that fails for an element" {
	edit 's|      port: c.port$|      port: c.prot|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:39:15: error: 'dict object' has no attribute 'prot'"
	assert_nothing_written
}

@test "bad template: a rule's path that renders outside its place" {
	edit "s|path: \"hosts/{{ system }}.host\"|path: \"hosts/{{ c.name }}/{{ '..' }}\"|"
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:47:31: error: rendered path 'hosts/api/..' is '.' or '..'"
	assert_nothing_written
}

@test "bad template: a rule's path that is reserved" {
	edit 's|path: "hosts/{{ system }}.host"|path: "hosts/.git"|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:47:12: error: rendered path 'hosts/.git' is reserved: '.git' belongs to git, and genship never writes there"
	assert_line --index 3 'hint: change the path of the file rule'
	assert_nothing_written
}

@test "bad template: a rule's path that another file renders to" {
	edit 's|path: "hosts/{{ system }}.host"|path: greeting.txt|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_output - <<-EOF
	$TPL/genship.yml:47:5: error: file rule 'greeting.txt' renders 'greeting.txt' from 'k8s/host.txt', which another file rendered already
	   47 |   - path: greeting.txt
	      |     ^
	hint: the path of a file rendered for each element must differ per element, e.g. {{ c.name }}/...
	EOF
	assert_nothing_written
}

@test "bad template: from with delimiters" {
	edit 's|    from: partials/fancy-greeting.txt|&\n    delimiters: ["<<", ">>"]|'
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --index 0 "$TPL/genship.yml:56:5: error: 'delimiters' does not apply to file rule 'greeting.txt': a rule with 'from' renders each file as the file's own rule says"
	assert_line --index 3 "hint: set 'delimiters' on a rule whose path matches the source file"
	assert_nothing_written
}
