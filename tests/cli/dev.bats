#!/usr/bin/env bats
# The development loop of the built-in service template (`make dev`): the
# Containerfile's dev stage, which never becomes the final stage; the
# compose.dev.yaml overlay with its database UIs behind the `tools`
# profile; the Makefile targets and the README; and the reloaders, run for
# real on the host (Python always, Go when a Go toolchain is installed,
# TypeScript when npm is).
# The container side (podman build --target dev, a change restarts the
# app) is in e2e.bats.

bats_require_minimum_version 1.5.0

load helpers

# new_service DIR K=V...: generate the service into DIR without hooks.
new_service() {
	local dir=$1 arg args=()
	shift
	for arg in "$@"; do
		args+=(--set "$arg")
	done
	genship new service --no-input --no-hooks "${args[@]}" -o "$dir" >/dev/null
}

# mk ARGS...: make, as a user runs it (not as a sub-make of make check).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "$@"
}

# stages FILE: the stage names of a Containerfile, in order, one line.
stages() {
	sed -nE 's/^FROM .* AS ([a-z0-9_-]+)$/\1/p' "$1" | paste -sd' '
}

# wait_for_line FILE REGEX [SECONDS]: up to SECONDS (20) for a line of
# FILE to match REGEX.
wait_for_line() {
	local i
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	printf '%s never matched in %s:\n' "$2" "$1"
	cat "$1"
	return 1
}

# start_reloader CMD...: run CMD in the background (without the fd that
# bats waits on) as RELOADER, which teardown stops.
start_reloader() {
	"$@" 3>&- &
	RELOADER=$!
}

# stop_reloader SIGNAL: send SIGNAL to RELOADER and wait; its exit status.
stop_reloader() {
	local rc=0
	kill "-$1" "$RELOADER"
	wait "$RELOADER" || rc=$?
	RELOADER=
	return "$rc"
}

teardown() {
	if [ -n "${RELOADER:-}" ]; then
		stop_reloader TERM || true
	fi
}

@test "dev: each language's Containerfile has a dev stage, and the runtime stage stays last" {
	local lang
	for lang in python node go typescript; do
		new_service "$lang" language="$lang"
		run stages "$lang/Containerfile"
		assert_output 'builder dev runtime'
	done
	# What a plain build produces: the last stage's user and command.
	run tail -n 3 python/Containerfile
	assert_output 'HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python3", "-m", "app.healthcheck"]
CMD ["python3", "-m", "app"]'
}

@test "dev: the dev stages run the reloaders, as the non-root user" {
	new_service py language=python port=9000
	run sed -n '/^FROM .* AS dev$/,/^CMD/p' py/Containerfile
	assert_output 'FROM ${PYTHON_IMAGE} AS dev
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=9000
WORKDIR /app
COPY dev/reload.py ./dev/reload.py
COPY app ./app
USER 65532:65532
EXPOSE 9000
# dev/reload.py (standard library) restarts the app when a file in app/ changes.
CMD ["python3", "dev/reload.py", "app", "--", "python3", "-m", "app"]'
	new_service node language=node
	run grep -A12 '^FROM .* AS dev$' node/Containerfile
	assert_line 'RUN npm ci --ignore-scripts --no-audit --no-fund'
	assert_line 'USER 65532:65532'
	assert_line 'CMD ["node", "--watch", "src/server.js"]'
	new_service go language=go
	run grep -A14 '^FROM .* AS dev$' go/Containerfile
	assert_line 'COPY dev/reload.sh ./dev/reload.sh'
	assert_line '    GOFLAGS=-buildvcs=false \'
	assert_line 'USER 65532:65532'
	assert_line 'CMD ["bash", "dev/reload.sh"]'
	# TypeScript compiles into dist/, which the non-root user owns.
	new_service ts language=typescript port=9000
	run sed -n '/^FROM .* AS dev$/,/^CMD/p' ts/Containerfile
	assert_output 'FROM ${NODE_IMAGE} AS dev
ENV NODE_ENV=development \
    PORT=9000
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
# Every dependency, the compiler included. dist/ belongs to the user that
# compiles into it.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && mkdir dist \
 && chown 65532:65532 dist
COPY dev/reload.sh ./dev/reload.sh
COPY src ./src
USER 65532:65532
EXPOSE 9000
# dev/reload.sh compiles with tsc and restarts the server when a .ts file changes.
CMD ["bash", "dev/reload.sh"]'
	# Only the languages that need one get a reloader; TypeScript's is Go's
	# loop around tsc and node.
	[ -f py/dev/reload.py ] && [ ! -e py/dev/reload.sh ]
	[ -x go/dev/reload.sh ] && [ ! -e go/dev/reload.py ]
	[ -x ts/dev/reload.sh ] && [ ! -e ts/dev/reload.py ]
	[ ! -e node/dev ]
	run grep -E 'build|tsc|node|go ' ts/dev/reload.sh
	assert_line '  if ! node_modules/.bin/tsc; then'
	assert_line '  node dist/src/server.js &'
	refute_line --partial 'go build'
}

@test "dev: compose.dev.yaml builds the dev target and mounts the source read-only" {
	new_service py language=python
	run cat py/compose.dev.yaml
	assert_output '# Development loop, layered on compose.yaml: `make dev` runs
#   podman compose -f compose.yaml -f compose.dev.yaml up --build
# The app is built from the Containerfile'"'"'s dev target, with its
# source mounted read-only over it, and restarts when a file changes
# (Python: dev/reload.py).
name: my-service

services:
  app:
    build:
      target: dev
    volumes:
      - ./app:/app/app:ro'
	new_service node language=node
	run grep -F -- '- ./' node/compose.dev.yaml
	assert_output '      - ./src:/app/src:ro'
	new_service go language=go
	run grep -F -- ':ro' go/compose.dev.yaml
	assert_output '      - .:/src:ro'
	new_service ts language=typescript
	run grep -F -e '- ./' -e '(TypeScript' ts/compose.dev.yaml
	assert_output '# (TypeScript: dev/reload.sh compiles).
      - ./src:/app/src:ro'
}

@test "dev: a TypeScript component mounts its src/ and gets the reloader, checked by shellcheck" {
	genship new --no-input --no-hooks -o mixed --set "components=[{name: api, language: typescript},
		{name: web, language: node, port: 3000, database: false}]" >/dev/null
	run grep -E ':ro$' mixed/compose.dev.yaml
	assert_output '      - ./services/api/src:/app/src:ro
      - ./services/web/src:/app/src:ro'
	run find mixed/services -path '*/dev/*' -type f
	assert_output 'mixed/services/api/dev/reload.sh'
	run grep -F 'starting node dist/src/server.js' mixed/services/api/dev/reload.sh
	assert_success
	run grep -F 'find scripts' mixed/scripts/lint.sh mixed/.github/workflows/ci.yml
	assert_output --partial 'find scripts services/api/dev '
	assert_equal "${#lines[@]}" 2
	run grep -F -e '- TypeScript (api)' -e 'reloader of each' mixed/README.md
	assert_output '- TypeScript (api): `dev/reload.sh` checks the `*.ts` files and
  holds the reloader of each Python, Go or TypeScript component.'
}

@test "dev: each component mounts its own directory, and gets its language's reloader" {
	genship new --answers "$TOP_SRCDIR/examples/four-components-helm.yml" \
		--no-input --no-hooks -o four >/dev/null
	run grep -E '^  [a-z-]+:$|:ro$' four/compose.dev.yaml
	assert_output '  adminer:
  agent:
      - ./services/agent:/src:ro
  backend:
      - ./services/backend:/src:ro
  frontend:
      - ./services/frontend/src:/app/src:ro
  redis-commander:
  worker:
      - ./services/worker/app:/app/app:ro'
	run find four/services -path '*/dev/*' -type f
	run sort <<<"$output"
	assert_output 'four/services/agent/dev/reload.sh
four/services/backend/dev/reload.sh
four/services/worker/dev/reload.py'
	cmp four/services/worker/dev/reload.py "$TOP_SRCDIR/templates/service/template/dev/reload.py"
	# shellcheck checks the Go components' reloaders with scripts/.
	run grep -F 'find scripts' four/scripts/lint.sh four/.github/workflows/ci.yml
	assert_output --partial 'find scripts services/backend/dev services/agent/dev charts -type f'
	assert_equal "${#lines[@]}" 2
}

@test "dev: Adminer and Redis Commander only with their data store, in the tools profile, on loopback" {
	new_service both database=postgres cache=redis
	run sed -n '/^  adminer:/,/^$/p' both/compose.dev.yaml
	assert_output '  adminer:
    image: docker.io/library/adminer:5.4.1
    depends_on:
      postgres:
        condition: service_healthy
    environment:
      # Log in with the System PostgreSQL and POSTGRES_USER and
      # POSTGRES_PASSWORD from .env.
      ADMINER_DEFAULT_SERVER: postgres
    ports:
      - '"'127.0.0.1:\${ADMINER_PORT:-8978}:8080'"'
    profiles:
      - tools'
	run sed -n '/^  redis-commander:/,$p' both/compose.dev.yaml
	assert_line '    image: ghcr.io/joeferner/redis-commander:0.9.0'
	assert_line "      - '127.0.0.1:\${REDIS_COMMANDER_PORT:-8979}:8081'"
	assert_line '      REDIS_PASSWORD: ${REDIS_PASSWORD:?set REDIS_PASSWORD in .env (see .env.example)}'
	new_service pg database=postgres
	run grep -cE '^  (adminer|redis-commander):' pg/compose.dev.yaml
	assert_output 1
	new_service none
	run grep -E 'adminer|redis-commander|tools' none/compose.dev.yaml none/Makefile
	assert_failure
}

@test "dev: make help lists the dev targets, and make dev runs compose.yaml with compose.dev.yaml" {
	new_service both database=postgres cache=redis extras=migrations
	cd both
	run mk help
	assert_line '  dev                Development loop: source mounted, restart on every change (Ctrl-C stops)'
	assert_line '  dev-tools          Start Adminer and Redis Commander (profile tools) beside `make dev`'
	assert_line '  dev-down           Remove the containers of `make dev` and `make dev-tools`'
	touch .env
	run mk -n dev dev-tools dev-down
	assert_output 'podman compose --file compose.yaml --file compose.dev.yaml run --rm migrate
podman compose --file compose.yaml --file compose.dev.yaml up --build
podman compose --file compose.yaml --file compose.dev.yaml --profile tools up --detach adminer redis-commander
podman compose --file compose.yaml --file compose.dev.yaml --profile tools down'
	cd ..
	new_service plain container_tool=docker
	cd plain
	run mk help
	refute_line --partial 'dev-tools'
	touch .env
	run mk -n dev
	assert_output 'docker compose --file compose.yaml --file compose.dev.yaml up --build'
}

@test "dev: the README explains the development loop" {
	new_service py database=postgres
	run sed -n '/^## Development loop$/,/^## The choices/p' py/README.md
	assert_line 'make dev         # build the dev target, mount the source, restart on change (Ctrl-C stops)'
	assert_line 'make dev-tools   # from another terminal: Adminer'
	assert_line '- Python: `dev/reload.py` (standard library only) checks the files'
	assert_line '- Adminer on <http://127.0.0.1:8978> (`ADMINER_PORT` in `.env` moves it):'
	refute_line --partial 'Redis Commander'
	genship new --answers "$TOP_SRCDIR/examples/two-components-kustomize.yml" \
		--no-input --no-hooks -o two >/dev/null
	run sed -n '/^## Development loop$/,/^## The choices/p' two/README.md
	assert_line '- Go (api): `dev/reload.sh` checks `*.go`, `go.mod` and `go.sum` every'
	assert_line '- Node (web): `node --watch src/server.js` restarts the server when it'
	refute_line --partial 'Python ('
	new_service ts language=typescript task_runner=task container_file=Dockerfile
	run sed -n '/^## Development loop$/,/^## The choices/p' ts/README.md
	assert_line 'task dev         # build the dev target, mount the source, restart on change (Ctrl-C stops)'
	assert_line '`task dev` runs `docker-compose.yml` with `docker-compose.dev.yml` layered on top, in'
	assert_line '- TypeScript: `dev/reload.sh` checks the `*.ts` files and'
	assert_line 'dependencies (`package.json`, `tsconfig.json`), run `task dev` again'
}

@test "dev: reload.py restarts the command when a watched file changes, and passes SIGTERM on" {
	linters_once
	new_service py
	mkdir -p w
	printf 'one\n' >w/v.txt
	cat >child.py <<'EOF'
import signal, sys, time
print("child", open("w/v.txt").read().strip(), flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(0.05)
EOF
	start_reloader python3 py/dev/reload.py --interval 0.1 w -- python3 child.py >out 2>err
	wait_for_line out '^child one$'
	sleep 0.3
	printf 'two\n' >w/v.txt
	wait_for_line out '^child two$'
	wait_for_line err '^\[reload\] w/v.txt changed; restarting$'
	stop_reloader TERM
	run cat out
	assert_output 'child one
child two'
	run cat err
	assert_output '[reload] watching w (1 files) every 0.1s
[reload] starting: python3 child.py
[reload] w/v.txt changed; restarting
[reload] starting: python3 child.py'
}

@test "dev: reload.py waits for a change after the command fails, and skips __pycache__" {
	linters_once
	new_service py
	mkdir -p w/__pycache__
	printf 'exit 3\n' >w/run.sh
	start_reloader python3 py/dev/reload.py --interval 0.1 w -- sh w/run.sh >out 2>err
	wait_for_line err 'exited with status 3; waiting for a change$'
	touch w/__pycache__/x.pyc
	sleep 0.5
	run grep -c starting err
	assert_output 1
	printf 'exit 0\n' >w/run.sh
	wait_for_line err '^\[reload\] w/run.sh changed; restarting$'
	wait_for_line err 'exited with status 0; waiting for a change$'
	stop_reloader INT
}

@test "dev: reload.py without a command says how to call it" {
	new_service py
	run python3 py/dev/reload.py app
	assert_failure 1
	assert_output 'usage: reload.py [--interval S] [--grace S] DIR [DIR...] -- COMMAND [ARG...]'
	run python3 py/dev/reload.py app --
	assert_failure 2
	assert_output --partial 'reload.py: error: no COMMAND after --'
}

@test "dev: reload.sh rebuilds the Go server on change and leaves it stopped after a failed build" {
	linters_once
	command -v go >/dev/null 2>&1 || skip "go is not installed"
	new_service go language=go project_name=reload-go port=18097
	cd go
	export GOFLAGS=-buildvcs=false TMPDIR="$BATS_TEST_TMPDIR"
	# The first build may compile the standard library: minutes on a busy host.
	export PORT=18097 RELOAD_INTERVAL=0.2
	start_reloader bash dev/reload.sh >../out 2>../err
	wait_for_line ../out '"msg":"listening"' 300
	run curl -fsS http://127.0.0.1:18097/
	assert_output --partial '"service":"reload-go"'
	sed -i 's/^const service = "reload-go"$/const service = "reload-go-2"/' main.go
	wait_for_line ../err '^\[reload\] Go sources changed; rebuilding$'
	for _ in $(seq 600); do
		curl -fsS http://127.0.0.1:18097/ 2>/dev/null | grep -q reload-go-2 && break
		sleep 0.2
	done
	run curl -fsS http://127.0.0.1:18097/
	assert_output --partial '"service":"reload-go-2"'
	printf 'func broken(\n' >>main.go
	wait_for_line ../err '^\[reload\] build failed; waiting for a change$' 120
	run curl -sS http://127.0.0.1:18097/
	assert_failure
	stop_reloader TERM
}

@test "dev: reload.sh recompiles the TypeScript server on change and leaves it stopped after a type error" {
	command -v npm >/dev/null 2>&1 || skip "npm is not installed"
	new_service ts language=typescript project_name=reload-ts port=18098
	cd ts
	# The pinned compiler, from the npm registry as the dev image gets it.
	npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1
	export PORT=18098 RELOAD_INTERVAL=0.2
	start_reloader bash dev/reload.sh >../out 2>../err
	wait_for_line ../out '"msg":"listening"' 120
	run curl -fsS http://127.0.0.1:18098/
	assert_output --partial '"service":"reload-ts"'
	sed -i "s/^export const SERVICE = 'reload-ts';$/export const SERVICE = 'reload-ts-2';/" src/server.ts
	wait_for_line ../err '^\[reload\] TypeScript sources changed; rebuilding$'
	wait_for_line ../out '"service":"reload-ts-2","msg":"listening"' 120
	run curl -fsS http://127.0.0.1:18098/
	assert_output --partial '"service":"reload-ts-2"'
	# strict: an argv element may be missing; the compiler says so and the
	# server stays stopped.
	printf 'export const first: string = process.argv[2];\n' >>src/server.ts
	wait_for_line ../err '^\[reload\] build failed; waiting for a change$' 120
	run grep -F "error TS2322: Type 'string | undefined' is not assignable to type 'string'." ../out
	assert_success
	run curl -sS http://127.0.0.1:18098/
	assert_failure
	stop_reloader TERM
	run cat ../err
	assert_output '[reload] watching '"$PWD"' every 0.2s
[reload] tsc
[reload] starting node dist/src/server.js
[reload] TypeScript sources changed; rebuilding
[reload] tsc
[reload] starting node dist/src/server.js
[reload] TypeScript sources changed; rebuilding
[reload] tsc
[reload] build failed; waiting for a change'
}

@test "dev: a component may not take the name of a database UI" {
	run genship new service --no-input --no-hooks \
		--set 'components=[{name: redis-commander}]' -o taken
	assert_failure 2
	assert_output "--set:1:12: error: components 'redis-commander' is not allowed: the component names adminer and redis-commander are taken by the database UIs of compose.dev.yaml
    1 | components=[{name: redis-commander}]
      |            ^
hint: change 'components'"
	assert_nothing_written
}
