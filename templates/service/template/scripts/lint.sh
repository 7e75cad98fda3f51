#!/usr/bin/env bash
# Lint the repository with the tools that are installed; missing tools are
# reported and skipped (CI installs all of them).
set -euo pipefail

cd "$(dirname "$0")/.."
status=0
skipped=""

have() {
  if command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  skipped="${skipped} $1"
  return 1
}

run() {
  echo "+ $*"
  "$@" || status=1
}
{%- set languages = components | map(attribute='language') | list if components else [language] %}
{%- if 'typescript' in languages %}

# typecheck DIR: tsc --noEmit with DIR's own pinned compiler, which
# `npm ci` in DIR installs.
typecheck() {
  if [ -x "$1/node_modules/.bin/tsc" ]; then
    run "$1/node_modules/.bin/tsc" --noEmit --project "$1"
  else
    skipped="${skipped} tsc(npm ci in $1)"
  fi
}
{%- endif %}

if have yamllint; then
  run yamllint --strict .
fi
if have shellcheck; then
  mapfile -t scripts < <(find scripts{{ reload_script_dirs }} {% if backup or 'migrations' in extras %}{{ 'charts' if k8s_flavor == 'helm' else 'k8s' }} {% endif %}-type f -name '*.sh' | sort)
  run shellcheck "${scripts[@]}"
fi
if have hadolint; then
  run hadolint{% for c in components %} services/{{ c.name }}/{{ container_file }}{% else %} {{ container_file }}{% endfor %}
fi
{%- if kubernetes and k8s_flavor == 'helm' %}
if have helm; then
  run scripts/k8s-render.sh
fi
{%- elif kubernetes %}
if have kubectl; then
  run scripts/k8s-render.sh
fi
{%- endif %}
{%- if components %}
{%- for c in components | selectattr('language', 'eq', 'python') %}
run python3 -m compileall -q services/{{ c.name }}/app services/{{ c.name }}/tests
{%- endfor %}
{%- for c in components | selectattr('language', 'eq', 'node') %}
run node --check services/{{ c.name }}/src/server.js
{%- endfor %}
{%- for c in components | selectattr('language', 'eq', 'typescript') %}
typecheck services/{{ c.name }}
{%- endfor %}
{%- set go_names = components | selectattr('language', 'eq', 'go') | map(attribute='name') | list %}
{%- if go_names %}
if have go; then
  go_dirs=({% for name in go_names %}services/{{ name }}{{ '' if loop.last else ' ' }}{% endfor %})
  for dir in "${go_dirs[@]}"; do
    echo "+ (cd ${dir} && go vet ./...)"
    (cd "${dir}" && go vet ./...) || status=1
  done
  if [ -n "$(gofmt -l "${go_dirs[@]}")" ]; then
    echo "gofmt: files need formatting: $(gofmt -l "${go_dirs[@]}")" >&2
    status=1
  fi
fi
{%- endif %}
{%- elif language == 'python' %}
run python3 -m compileall -q app tests
{%- elif language == 'node' %}
run node --check src/server.js
{%- elif language == 'typescript' %}
typecheck .
{%- else %}
if have go; then
  run go vet ./...
  if [ -n "$(gofmt -l .)" ]; then
    echo "gofmt: files need formatting: $(gofmt -l .)" >&2
    status=1
  fi
fi
{%- endif %}

if [ -n "${skipped}" ]; then
  echo "skipped (not installed):${skipped}" >&2
fi
exit "${status}"
