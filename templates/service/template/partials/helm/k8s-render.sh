#!/usr/bin/env bash
# Lint the Helm chart and render it for each environment to
# build/k8s/<environment>.yaml, as the deploy would install it.
#   scripts/k8s-render.sh [environment...]     (default: staging production local)
#
# Each environment's Secret values come from the gitignored
# charts/{{ project_name }}/secrets-<environment>.yaml; when it is missing (fresh
# clone, CI), the placeholders of secrets.example.yaml are used, so that the
# chart renders. Deploys refuse the placeholders.
set -euo pipefail

cd "$(dirname "$0")/.."
chart=charts/{{ project_name }}
release={{ project_name }}
out_dir=build/k8s
mkdir -p "${out_dir}"

if [ "$#" -eq 0 ]; then
  set -- staging production local
fi

# The defaults alone must be valid too (values.schema.json, templates).
helm lint --strict "${chart}" --values "${chart}/secrets.example.yaml"

for environment in "$@"; do
  values="${chart}/values-${environment}.yaml"
  if [ ! -f "${values}" ]; then
    echo "error: no ${values}" >&2
    exit 2
  fi
  case "${environment}" in
    staging) namespace="{{ namespace_staging }}" ;;
    production) namespace="{{ namespace_production }}" ;;
    *) namespace="{{ project_name }}-${environment}" ;;
  esac
  secrets="${chart}/secrets-${environment}.yaml"
  if [ ! -f "${secrets}" ]; then
    secrets="${chart}/secrets.example.yaml"
    echo "${environment}: placeholder secrets from ${secrets}" >&2
  fi
  helm lint --strict "${chart}" --namespace "${namespace}" \
    --values "${values}" --values "${secrets}"
  helm template "${release}" "${chart}" --namespace "${namespace}" \
    --values "${values}" --values "${secrets}" >"${out_dir}/${environment}.yaml"
  echo "rendered ${out_dir}/${environment}.yaml"
done
