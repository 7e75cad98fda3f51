{% if k8s_flavor == 'helm' %}{% include 'partials/helm/deploy.sh' %}{% else %}#!/usr/bin/env bash
# Deploy an overlay and wait for the rollout; roll back if it does not finish.
#   scripts/deploy.sh staging|production [IMAGE_REF]
#
# IMAGE_REF pins the image for this deploy, by digest (sha256:...) or by tag;
# without it the overlay's `images` entry is used. Uses the current kubectl
# context; CI sets it from the environment's KUBECONFIG secret.
set -euo pipefail

cd "$(dirname "$0")/.."

overlay=${1:?usage: scripts/deploy.sh staging|production [IMAGE_REF]}
ref=${2:-}
image="{{ image }}"
deployment="{{ project_name }}"
timeout=${ROLLOUT_TIMEOUT:-300s}

case "${overlay}" in
  staging) namespace="{{ namespace_staging }}" ;;
  production) namespace="{{ namespace_production }}" ;;
  *)
    echo "error: unknown overlay '${overlay}' (staging or production)" >&2
    exit 2
    ;;
esac

secrets="k8s/overlays/${overlay}/secrets.env"
if [ ! -f "${secrets}" ]; then
  echo "error: ${secrets} is missing: create it from secrets.env.example with real values" >&2
  exit 1
fi
if grep -q 'change-me' "${secrets}"; then
  echo "error: ${secrets} still holds placeholder values (change-me)" >&2
  exit 1
fi

# A throwaway kustomization on top of the overlay pins the image, so that the
# committed overlay never changes at deploy time.
work=$(mktemp -d .deploy.XXXXXX)
trap 'rm -rf -- "${work}"' EXIT
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "  - ../k8s/overlays/${overlay}"
  if [ -n "${ref}" ]; then
    echo "images:"
    echo "  - name: ${image}"
    case "${ref}" in
      sha256:*) echo "    digest: ${ref}" ;;
      *) echo "    newTag: ${ref}" ;;
    esac
  fi
} >"${work}/kustomization.yaml"

echo "deploying ${overlay} to namespace ${namespace}${ref:+ (image ${ref})}"
kubectl apply -k "${work}"

if ! kubectl -n "${namespace}" rollout status "deployment/${deployment}" --timeout="${timeout}"; then
  echo "error: rollout did not complete within ${timeout}; rolling back" >&2
  kubectl -n "${namespace}" rollout undo "deployment/${deployment}"
  kubectl -n "${namespace}" rollout status "deployment/${deployment}" --timeout="${timeout}" || true
  exit 1
fi
echo "deployed ${overlay}"
{% endif %}