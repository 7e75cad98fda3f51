#!/usr/bin/env bash
# A local Kubernetes cluster for {{ project_name }}, with kind:
#   scripts/local-cluster.sh up IMAGE...   create the cluster kind-$KIND_CLUSTER
#                                          unless it exists, load each IMAGE
#                                          into it and run scripts/deploy.sh local
#   scripts/local-cluster.sh down          delete the cluster and its volumes
#
# kind runs the cluster's node as a container of CONTAINER_TOOL (podman or
# docker), so it needs neither a VM nor a registry: each IMAGE, built by
# `{{ task_runner }} build`, is saved to an archive and loaded into the node.
# `{{ task_runner }} local-up` and `{{ task_runner }} local-down` call it. KIND_CLUSTER names the cluster
# ({{ project_name }}); TAG is the tag deployed (dev).
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/local-cluster.sh up IMAGE... | down"
action=${1:?${usage}}
shift
cluster=${KIND_CLUSTER:-{{ project_name }}}
tool=${CONTAINER_TOOL:-{{ container_tool }}}
tag=${TAG:-dev}

if ! command -v kind >/dev/null 2>&1; then
  echo "error: kind is not installed: https://kind.sigs.k8s.io/docs/user/quick-start/#installation" >&2
  exit 1
fi
if [ "${tool}" = podman ]; then
  # kind's podman provider; rootless podman needs cgroup v2 delegation.
  export KIND_EXPERIMENTAL_PROVIDER=podman
fi

case "${action}" in
  up)
    if [ "$#" -eq 0 ]; then
      echo "${usage}" >&2
      exit 2
    fi
    if ! kind get clusters 2>/dev/null | grep -qx "${cluster}"; then
      kind create cluster --name "${cluster}" --wait 180s
    fi
    kubectl config use-context "kind-${cluster}"
    work=$(mktemp -d)
    trap 'rm -rf -- "${work}"' EXIT
    for image in "$@"; do
      echo "loading ${image} into kind-${cluster}"
      "${tool}" save --output "${work}/image.tar" "${image}"
      kind load image-archive "${work}/image.tar" --name "${cluster}"
      rm -f -- "${work}/image.tar"
    done
    scripts/deploy.sh local "${tag}"
    ;;
  down)
    kind delete cluster --name "${cluster}"
    ;;
  *)
    echo "${usage}" >&2
    exit 2
    ;;
esac
