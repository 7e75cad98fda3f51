#!/usr/bin/env bats
# Files from a list: a multi option whose elements are objects with typed
# fields, and file rules with `each:` that render a path and its content
# once per element.  Input class of every bad case: a list answer.

load helpers

setup() {
	enter_work || return 1
	TPL=$(fixture components)
}

TWO='[{name: api, language: go, public: true}, {name: web, language: node, port: 3000}]'

@test "the default list renders one directory per element" {
	run genship new "$TPL" -o out --no-input --trust
	assert_success
	run cat out/services/api/service.env
	assert_output $'# shop/api: go\nPORT=8080'
	run ls out/services out/ingress
	assert_output $'out/ingress:\napi.route\n\nout/services:\napi'
}

@test "two elements from --set render two directories; each filters" {
	run genship new "$TPL" -o out --no-input --trust --set "components=$TWO"
	assert_success
	run cat out/services/web/service.env
	assert_output $'# shop/web: node\nPORT=3000'
	[ -f out/services/api/service.env ]
	# only the public element gets a route
	run ls out/ingress
	assert_output 'api.route'
	run cat out/compose.yaml
	assert_output - <<-'YAML'
	name: shop
	services:
	  api:
	    build: services/api
	    ports:
	      - '127.0.0.1:8080:8080'
	  web:
	    build: services/web
	    ports:
	      - '127.0.0.1:3000:3000'
	YAML
}

@test "an empty list renders no per-element file" {
	run genship new "$TPL" -o out --no-input --trust --set 'components=[]'
	assert_success
	[ ! -e out/services ]
	[ ! -e out/ingress ]
	run cat out/compose.yaml
	assert_output $'name: shop\nservices: {}'
	run grep -x '  components: \[\]' out/.genship.yml
	assert_success
}

@test "JSON works as well as YAML flow, and an answers file takes a block list" {
	run genship new "$TPL" -o a --no-input --trust \
		--set 'components=[{"name": "api", "port": 9000}]'
	assert_success
	grep -q 'PORT=9000' a/services/api/service.env
	cat >answers.yml <<-'YAML'
	components:
	  - name: api
	    port: 9001
	  - name: worker
	YAML
	run genship new "$TPL" -o b --no-input --trust --answers answers.yml
	assert_success
	grep -q 'PORT=9001' b/services/api/service.env
	grep -q 'PORT=8080' b/services/worker/service.env
}

@test "the answers file records the typed list, and update replays it" {
	genship new "$TPL" -o out --no-input --trust --set "components=$TWO" \
		>/dev/null
	run sed -n '/^  components:/,/^files:/p' out/.genship.yml
	assert_output - <<-'YAML'
	  components:
	  - name: api
	    language: go
	    port: 8080
	    public: true
	  - name: web
	    language: node
	    port: 3000
	    public: false
	files:
	YAML
	cd out
	run genship check
	assert_success
	run genship update --trust
	assert_success
	assert_output "genship: '.' is up to date with components 1.0.0"
}

@test "update adds and removes elements, keeping an edited file" {
	genship new "$TPL" -o out --no-input --trust --set "components=$TWO" \
		>/dev/null
	cd out
	echo '# mine' >>services/web/service.env
	run genship update --trust --set 'components=[{name: api}, {name: jobs}]'
	assert_success
	assert_output --partial - <<-'EOF2'
	updated   compose.yaml
	removed   docs/api.md
	removed   ingress/api.route
	updated   services/api/service.env
	added     services/jobs/service.env
	kept      services/web/service.env (edited by you; no longer generated)
	EOF2
	run tail -1 services/web/service.env
	assert_output '# mine'
}

@test "hooks receive a list option as JSON" {
	run genship new "$TPL" -o out --no-input --trust --set "components=$TWO"
	assert_success
	run cat out/hook-env.txt
	assert_output '[{"name": "api", "language": "go", "port": 8080, "public": true}, {"name": "web", "language": "node", "port": 3000, "public": false}]'
}

@test "options lists the fields of a list option" {
	run genship options "$TPL"
	assert_success
	assert_output --partial - <<-'EOF2'
	components (multi of objects)
	  default: [{"name": "api", "language": "go", "port": 8080, "public": true}]
	  The system's components, one service each.
	  fields:
	    name (string, unique)
	      required
	      pattern: ^[a-z][a-z0-9-]{0,19}$
	    language (choice)
	      default: python
	      choices: python, node, go
	EOF2
}

@test "bad list: names that collide are refused before anything is written" {
	run genship new "$TPL" -o out --no-input --trust \
		--set 'components=[{name: api}, {name: api, port: 9000}]'
	assert_failure 2
	assert_output - <<-'EOF2'
	--set:1:12: error: invalid value '[{name: api}, {name: api, port: 9000}]' for option 'components': elements 1 and 2 have the same name 'api'; each element needs its own name
	    1 | components=[{name: api}, {name: api, port: 9000}]
	      |            ^
	EOF2
	assert_nothing_written
}

@test "bad list: paths that collide without a unique field are refused" {
	sed -i 's/^        unique: true$//' "$TPL/genship.yml"
	run genship new "$TPL" -o out --no-input --trust \
		--set 'components=[{name: api}, {name: api, port: 9000}]'
	assert_failure 2
	assert_line "genship: error: element 2 of 'components' renders 'services/api/service.env', which another element or file rendered already"
	assert_line 'hint: the path of a file rendered for each element must differ per element, e.g. {{ c.name }}/...'
	assert_nothing_written
}

@test "bad list: a wrong field type, an unknown field, a missing field" {
	run genship new "$TPL" -o out --no-input --trust \
		--set 'components=[{name: api, port: http}]'
	assert_failure 2
	assert_line --partial "element 1, field 'port': expected an integer"
	run genship new "$TPL" -o out --no-input --trust \
		--set 'components=[{name: api, prot: 80}]'
	assert_failure 2
	assert_line --partial "element 1 has unknown field 'prot'; expected name, language, port, public"
	run genship new "$TPL" -o out --no-input --trust \
		--set 'components=[{port: 80}]'
	assert_failure 2
	assert_line --partial "element 1 lacks field 'name'"
	assert_nothing_written
}

@test "bad list: YAML that is not a list of mappings" {
	run genship new "$TPL" -o out --no-input --trust --set 'components=[{name: api'
	assert_failure 2
	assert_line --partial "expected a list of mappings in YAML flow or JSON syntax, but at character 12: did not find expected ',' or '}'"
	run genship new "$TPL" -o out --no-input --trust --set 'components=api,web'
	assert_failure 2
	assert_line --partial "expected a list of mappings with fields name, language, port, public"
	printf 'components:\n  - name: api\n    name: web\n' >dup.yml
	run genship new "$TPL" -o out --no-input --trust --answers dup.yml
	assert_failure 2
	assert_line "dup.yml:2:3: error: answer 'components' must be a sequence of mappings of scalars, with no key twice"
	rm dup.yml
	assert_nothing_written
}

@test "bad template: each over something that is not a list" {
	sed -i 's/each: "c in components"/each: "c in system"/' "$TPL/genship.yml"
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --partial "genship.yml:41:5: error: 'each' of file rule 'docs/{{ c.name }}.md' needs a list, and 'system' is str"
	assert_nothing_written
}

@test "validate rotates the matrix lists of a list option" {
	run genship matrix "$TPL"
	assert_success
	assert_line --index 0 'genship: 3 combinations'
	assert_line --partial "tls=none 'components='"
	assert_line --partial "tls=acme 'components=[{\"name\": \"api\", \"language\": \"python\", \"port\": 8080, \"public\": true}]'"
	assert_line --partial "tls=custom 'components=[{\"name\": \"api\", \"language\": \"go\", \"port\": 8080, \"public\": true}, {\"name\": \"web\", \"language\": \"node\", \"port\": 3000, \"public\": false}]'"
	run genship validate "$TPL" --all
	assert_success
	assert_line --partial '3 combinations, 3 passed, 0 failed'
}

@test "files include other files of the template tree, output or not" {
	run genship new "$TPL" -o out --no-input --trust
	assert_success
	[ ! -e out/partials ]
	run cat out/services/api/service.env
	assert_output $'# shop/api: go\nPORT=8080'
}

@test "bad template: an include that names no file of the tree" {
	printf '{%% include "../genship.yml" %%}\n' >"$TPL/template/compose.yaml"
	run genship new "$TPL" -o out --no-input --trust
	assert_failure 2
	assert_line --partial "template/compose.yaml:1:12: error: template '../genship.yml' not found"
	assert_nothing_written
}

@test "a rule's when is checked per element, with the element bound" {
	run genship new "$TPL" -o out --no-input --trust --set "components=$TWO"
	assert_success
	run ls out/docs
	assert_output 'api.md'
}

@test "bad answer: a constraint message names the offending value" {
	run genship new "$TPL" -o out --no-input --trust --set system=admin
	assert_failure 2
	assert_line "--set:1:8: error: system=admin is not allowed: system name 'admin' is reserved for the platform"
	assert_nothing_written
}
