#!/usr/bin/env bats
# The stack choices of the built-in service template (issue #18):
# container_file names the build file and the compose files after it, and
# task_runner swaps the Makefile for a Taskfile.yml with the same targets.
# The defaults generate what they always did (the golden hashes pin that).

bats_require_minimum_version 1.5.0

load helpers

COMPONENTS='components=[{name: api, language: go, port: 8080}, {name: web, language: node, port: 3000, public: true, calls: api, database: false}]'

# gen DIR ARGS...: generate the built-in service into DIR (no hooks).
gen() {
	local dir=$1
	shift
	genship new --no-input --no-hooks -o "$dir" "$@" >/dev/null
}

# targets DIR: "name<TAB>description" for every target of DIR's Makefile
# or Taskfile.yml, sorted (an empty description for undocumented ones). A
# description that names a target as `make TARGET` reads `task TARGET`, as
# the Taskfile's does.
targets() {
	python3 - "$1" <<-'EOF'
		import os, re, sys, yaml
		d = sys.argv[1]
		rows = []
		if os.path.exists(os.path.join(d, "Makefile")):
		    for line in open(os.path.join(d, "Makefile")):
		        m = re.match(r"^([A-Za-z0-9_.-]+):(?!=)[^#]*(?:## (.*))?$", line.rstrip("\n"))
		        if m and m.group(1) != ".PHONY":
		            rows.append((m.group(1), (m.group(2) or "").replace("`make ", "`task ")))
		else:
		    tasks = yaml.safe_load(open(os.path.join(d, "Taskfile.yml")))["tasks"]
		    rows = [(n, t.get("desc", "")) for n, t in tasks.items()]
		for n, desc in sorted(rows):
		    print(f"{n}\t{desc}")
	EOF
}

# --- container_file ----------------------------------------------------------

@test "container_file=Dockerfile: Docker's names for one build file and the compose files" {
	gen c --set database=postgres --set extras=migrations
	gen d --set database=postgres --set extras=migrations --set container_file=Dockerfile
	[ -f c/Containerfile ] && [ -f c/compose.yaml ] && [ -f c/compose.prod.yaml ]
	for f in Containerfile compose.yaml compose.prod.yaml; do
		[ ! -e "d/$f" ]
	done
	# The same build file under the other name; the dev stage's comment
	# names the dev compose file.
	sed 's/docker-compose\.dev\.yml/compose.dev.yaml/' d/Dockerfile >Dockerfile.c
	cmp c/Containerfile Dockerfile.c
	run grep -c docker-compose.dev.yml d/Dockerfile
	assert_output 1
	# compose builds from it; otherwise the stacks are the same.
	diff c/compose.yaml d/docker-compose.yml | tail -n +2 >diff.txt || true
	run cat diff.txt
	assert_output $'<       dockerfile: Containerfile\n---\n>       dockerfile: Dockerfile'
	run diff c/compose.prod.yaml d/docker-compose.prod.yml
	assert_output --partial '> #   podman compose -f docker-compose.prod.yml --env-file .env run --rm migrate'
	# Every reference names the Dockerfile; only the ignore files' comment
	# still says .containerignore, which Podman reads.
	run grep -rl Containerfile d
	assert_output ''
	run grep -rlF -e compose.yaml -e compose.dev.yaml d
	assert_output ''
	[ -f d/docker-compose.dev.yml ] && [ ! -e d/compose.dev.yaml ]
	run grep -h 'docker-compose.dev.yml' d/Makefile d/README.md
	assert_line '# `make dev`: docker-compose.yml with the development loop of docker-compose.dev.yml.'
	assert_line 'COMPOSE_DEV ?= $(COMPOSE) --file docker-compose.yml --file docker-compose.dev.yml'
	assert_line '| `container_file` | `Dockerfile` | the build file `Dockerfile`, compose files `docker-compose.yml`, `docker-compose.dev.yml` and `docker-compose.prod.yml` |'
	run grep -h 'Dockerfile' d/Makefile d/scripts/lint.sh d/.github/workflows/build.yml d/.github/workflows/ci.yml
	assert_line --partial '$(CONTAINER_TOOL) build --file Dockerfile --tag $(IMAGE):$(TAG) \'
	assert_line '  run hadolint Dockerfile'
	assert_line '          file: ./Dockerfile'
	assert_line --partial 'hadolint --failure-threshold warning - < Dockerfile'
	run grep -x 'docker-compose\*\.yml' d/.dockerignore d/.containerignore
	assert_output $'d/.dockerignore:docker-compose*.yml\nd/.containerignore:docker-compose*.yml'
}

@test "container_file=Dockerfile: each component builds from services/<name>/Dockerfile" {
	gen c --set "$COMPONENTS"
	gen d --set "$COMPONENTS" --set container_file=Dockerfile
	for n in api web; do
		sed 's/docker-compose\.dev\.yml/compose.dev.yaml/' "d/services/$n/Dockerfile" >Dockerfile.c
		cmp "c/services/$n/Containerfile" Dockerfile.c
		[ -f "d/services/$n/.dockerignore" ] && [ -f "d/services/$n/.containerignore" ]
		[ ! -e "d/services/$n/Containerfile" ]
	done
	run grep -c 'services/\(api\|web\)/Dockerfile' d/Makefile
	assert_output 2
	run grep -F 'file: ./services/${{ matrix.component }}/Dockerfile' d/.github/workflows/build.yml
	assert_success
	run grep -rl Containerfile d
	assert_output ''
}

@test "container_file and task_runner refuse other values and write nothing" {
	run genship new --no-input --no-hooks -o x --set container_file=dockerfile
	assert_failure 2
	assert_output --partial "invalid value 'dockerfile' for option 'container_file': expected one of Containerfile, Dockerfile"
	run genship new --no-input --no-hooks -o y --set task_runner=just
	assert_failure 2
	assert_output --partial "invalid value 'just' for option 'task_runner': expected one of make, task"
	assert_nothing_written
}

# --- task_runner -------------------------------------------------------------

@test "task_runner=task: a Taskfile.yml instead of the Makefile, named in the README and comments" {
	gen t --set task_runner=task --set database=postgres --set extras=migrations,gitleaks
	[ -f t/Taskfile.yml ] && [ ! -e t/Makefile ]
	run bash -c "grep -rnw make t --exclude=main.go | grep -v 'make it public'"
	assert_output ''
	run grep -E '^task (test|up|logs|down) ' t/README.md
	assert_line --index 0 --partial 'task test        # unit tests'
	assert_line --index 1 --partial 'task up          # development stack'
	run grep -c '^| `task_runner` | `task` | `Taskfile.yml` for Task v3 (no Makefile) |$' t/README.md
	assert_output 1
	run grep -x 'Taskfile.yml' t/.dockerignore
	assert_success
	# The development loop follows the compose files' names.
	gen d --set task_runner=task --set container_file=Dockerfile
	run grep -F 'COMPOSE_DEV:' d/Taskfile.yml
	assert_output "  COMPOSE_DEV: '{{.COMPOSE_DEV | default (print .COMPOSE \" --file docker-compose.yml --file docker-compose.dev.yml\")}}'"
}

@test "task_runner=task: the hook's next steps name task" {
	run genship new --no-input -o t --set task_runner=task --set git_init=false
	assert_success
	assert_line '[post-gen.sh]   task test                 # unit tests'
	assert_line '[post-gen.sh]   task up                   # dev stack with podman compose (creates .env)'
	refute_output --partial 'make '
}

# The Taskfile offers the Makefile's targets with the Makefile's
# descriptions, in every shape of project: a target added to one and not
# the other fails here.
@test "task_runner: the Taskfile and the Makefile have the same targets and descriptions" {
	local i=0 args
	while IFS= read -r args; do
		i=$((i + 1))
		eval "set -- $args"
		gen "m$i" "$@"
		gen "t$i" "$@" --set task_runner=task
		targets "m$i" >"m$i.txt"
		targets "t$i" >"t$i.txt"
		run diff "m$i.txt" "t$i.txt"
		assert_success
		[ "$(wc -l <"m$i.txt")" -ge 9 ]
	done <<-EOF
		--set trivy=true
		--set kubernetes=false --set trivy=false --set github_actions=false
		--set database=postgres --set backup=true --set extras=migrations,alerts,smoke_test,gitleaks
		--set k8s_flavor=helm --set extras=gitleaks --set '$COMPONENTS'
		--set database=postgres --set extras=migrations,smoke_test --set container_file=Dockerfile --set '$COMPONENTS'
		--set database=postgres --set cache=redis --set language=typescript --set container_file=Dockerfile
	EOF
	# The comparison sees what it should: undocumented .env, per-component
	# targets, the extras' targets.
	run cut -f1 t4.txt
	assert_output "$(printf '%s\n' .env build build-api build-web deploy-production deploy-staging dev dev-down down help k8s-render lint local-down local-up logs run-api run-web scan secret-scan test test-api test-web up)"
	run grep -c $'^rollback\tRoll back the latest migration' t3.txt t5.txt
	assert_output $'t3.txt:1\nt5.txt:1'
	# The development loop's targets, dev-tools with a database UI.
	run grep -E '^dev' t6.txt
	assert_output - <<-'EOF'
	dev	Development loop: source mounted, restart on every change (Ctrl-C stops)
	dev-down	Remove the containers of `task dev` and `task dev-tools`
	dev-tools	Start Adminer and Redis Commander (profile tools) beside `task dev`
	EOF
	run grep -c '^dev-tools' t1.txt t3.txt
	assert_output $'t1.txt:0\nt3.txt:1'
}

# With Task installed, its own listing agrees with `make help`.
@test "task_runner: task --list and make help print the same targets" {
	# Task as tools/setup.sh builds it (tools/task/go.mod), else on PATH.
	local task=$TOP_SRCDIR/tools/bin/task
	[ -x "$task" ] || task=$(command -v task) ||
		skip "task is not built: run tools/setup.sh"
	command -v make >/dev/null || skip "make is not installed"
	# Task colours its output whenever CI is set, terminal or not.
	export NO_COLOR=1
	gen m --set database=postgres --set extras=migrations,smoke_test,load_test --set "$COMPONENTS"
	gen t --set database=postgres --set extras=migrations,smoke_test,load_test --set "$COMPONENTS" \
		--set task_runner=task
	make -s --no-print-directory -C m help | sed -E 's/^  ([^ ]+) +/\1 /; s/`make /`task /g' | sort >make.txt
	"$task" --dir t --list | sed -nE 's/^\* ([^:]+): +(.*[^ ]) *$/\1 \2/p' |
		sed 's/ *(aliases: default)$//' | sort >task.txt
	run diff make.txt task.txt
	assert_success
	[ "$(wc -l <make.txt)" -ge 15 ]
	# Variables override like make's: on the command line or in the
	# environment.
	run env CONTAINER_TOOL=docker "$task" --dir t --dry build-api TAG=1.2.3
	assert_success
	assert_output --partial 'docker build --file services/api/Containerfile --tag ghcr.io/acme/my-service-api:1.2.3 --build-arg VERSION=1.2.3'
	run "$task" --dir t --dry load-test
	assert_output --partial 'k6 run --env BASE_URL=http://127.0.0.1:3000 loadtest/k6.js'
	run "$task" --dir t --dry load-test BASE_URL=https://staging.example.org
	assert_output --partial 'k6 run --env BASE_URL=https://staging.example.org loadtest/k6.js'
	# The development loop runs what make's does, on Docker's file names.
	gen md --set database=postgres --set cache=redis --set extras=migrations \
		--set container_file=Dockerfile
	gen td --set database=postgres --set cache=redis --set extras=migrations \
		--set container_file=Dockerfile --set task_runner=task
	touch md/.env td/.env
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -n -C md dev dev-tools dev-down >make.txt
	"$task" --dir td --dry dev dev-tools dev-down 2>&1 | sed -n 's/^task: \[[a-z-]*\] //p' >task.txt
	run diff make.txt task.txt
	assert_success
	run cat task.txt
	assert_line 'podman compose --file docker-compose.yml --file docker-compose.dev.yml --profile tools up --detach adminer redis-commander'
	assert_equal "${#lines[@]}" 4
}
