#!/usr/bin/env bash
{%- if language == 'typescript' %}
# Development loop for the TypeScript service (`{{ task_runner }} dev`): compile src/
# into dist/ with tsc, run the server, and compile and restart it whenever a
# .ts file or tsconfig.json under the current directory changes. Files are
# polled every RELOAD_INTERVAL seconds (1 by default): file events do not
# always cross the bind mount of a container running in a VM. A failed
# compilation, a type error included, leaves the server stopped until the
# next change, so that what answers is always the code on disk.
{%- else %}
# Development loop for the Go service (`{{ task_runner }} dev`): build the server, run it,
# and rebuild and restart it whenever a .go file, go.mod or go.sum under the
# current directory changes. Files are polled every RELOAD_INTERVAL seconds
# (1 by default): file events do not always cross the bind mount of a
# container running in a VM. A failed build leaves the server stopped until
# the next change, so that what answers is always the code on disk.
{%- endif %}
# SIGTERM and SIGINT stop the server (SIGTERM, then SIGKILL after
# RELOAD_GRACE seconds, 10 by default) and exit with its status.
set -euo pipefail

interval=${RELOAD_INTERVAL:-1}
grace=${RELOAD_GRACE:-10}
{%- if language != 'typescript' %}
bin=${TMPDIR:-/tmp}/dev-server
{%- endif %}
pid=""

log() {
  printf '[reload] %s\n' "$*" >&2
}

{%- if language == 'typescript' %}

# The names, sizes and modification times of the TypeScript sources, hashed.
fingerprint() {
  find . -name '.*' ! -name . -prune -o -name node_modules -prune -o \
    -name dist -prune -o -type f \( -name '*.ts' -o -name tsconfig.json \) \
    -printf '%p %s %T@\n' | LC_ALL=C sort | cksum
}
{%- else %}

# The names, sizes and modification times of the Go sources, hashed.
fingerprint() {
  find . -name '.*' ! -name . -prune -o -name vendor -prune -o \
    -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) \
    -printf '%p %s %T@\n' | LC_ALL=C sort | cksum
}
{%- endif %}

# Stop the server if it runs; its exit status (0 when none ran).
stop_server() {
  local status=0 waited=0
  if [ -z "${pid}" ]; then
    return 0
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  while kill -0 "${pid}" 2>/dev/null && [ "${waited}" -lt $((grace * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "${pid}" 2>/dev/null; then
    log "still running after ${grace}s; killing it"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  wait "${pid}" || status=$?
  pid=""
  return "${status}"
}

{%- if language == 'typescript' %}

# Compile, then restart the server on the new code.
rebuild() {
  stop_server || true
  log "tsc"
  if ! node_modules/.bin/tsc; then
    log "build failed; waiting for a change"
    return 0
  fi
  log "starting node dist/src/server.js"
  node dist/src/server.js &
  pid=$!
}
{%- else %}

# Build, then replace the running server with the new binary.
rebuild() {
  log "go build"
  if ! go build -o "${bin}.new" .; then
    stop_server || true
    log "build failed; waiting for a change"
    return 0
  fi
  stop_server || true
  mv -f "${bin}.new" "${bin}"
  log "starting ${bin}"
  "${bin}" &
  pid=$!
}
{%- endif %}

on_signal() {
  local status=0
  stop_server || status=$?
  exit "${status}"
}

trap on_signal TERM INT
last=$(fingerprint)
log "watching $(pwd) every ${interval}s"
rebuild
while true; do
  sleep "${interval}" &
  wait $! || true
  now=$(fingerprint)
  if [ "${now}" != "${last}" ]; then
    last=${now}
    log "{{ 'TypeScript' if language == 'typescript' else 'Go' }} sources changed; rebuilding"
    rebuild
  fi
done
