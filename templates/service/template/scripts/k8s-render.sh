#!/usr/bin/env bash
# Render the Kustomize overlays to build/k8s/<overlay>.yaml.
#   scripts/k8s-render.sh [overlay...]     (default: staging production local)
#
# Each overlay's secretGenerator reads a gitignored secrets.env. When it is
# missing (fresh clone, CI), it is created from secrets.env.example so that
# the overlay renders; deploys refuse the example's placeholder values.
set -euo pipefail

cd "$(dirname "$0")/.."
out_dir=build/k8s
mkdir -p "${out_dir}"

if [ "$#" -eq 0 ]; then
  set -- staging production local
fi

for overlay in "$@"; do
  dir="k8s/overlays/${overlay}"
  if [ ! -f "${dir}/kustomization.yaml" ]; then
    echo "error: no overlay ${dir}" >&2
    exit 2
  fi
  if [ ! -f "${dir}/secrets.env" ]; then
    cp "${dir}/secrets.env.example" "${dir}/secrets.env"
    echo "created ${dir}/secrets.env from the example (placeholder values)" >&2
  fi
  kubectl kustomize "${dir}" >"${out_dir}/${overlay}.yaml"
  echo "rendered ${out_dir}/${overlay}.yaml"
done
