{% if k8s_flavor == 'helm' %}{% include 'partials/helm/deploy.sh' %}{% else %}#!/usr/bin/env bash
{% if components -%}
# Deploy an overlay and wait for every component's rollout; if one does not
# finish, roll back every component this deploy changed.
#   scripts/deploy.sh staging|production [IMAGE_REF] [COMPONENT=IMAGE_REF]...
#
# IMAGE_REF alone pins every component's image to one tag (e.g. sha-1a2b3c4
# or v1.2.0); COMPONENT=IMAGE_REF pins one component, by digest (sha256:...)
# or by tag, and wins over a plain IMAGE_REF. Components left out keep the
# overlay's `images` entry. Uses the current kubectl context; CI sets it
# from the environment's KUBECONFIG secret.
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/deploy.sh staging|production [IMAGE_REF] [COMPONENT=IMAGE_REF]..."
overlay=${1:?${usage}}
shift
image="{{ image }}"
project="{{ project_name }}"
components=({% for c in components %}{{ c.name }}{{ '' if loop.last else ' ' }}{% endfor %})
timeout=${ROLLOUT_TIMEOUT:-300s}

declare -A refs=()
for arg in "$@"; do
  case "${arg}" in
    *=*)
      name=${arg%%=*}
      case " ${components[*]} " in
        *" ${name} "*) refs[${name}]=${arg#*=} ;;
        *)
          echo "error: unknown component '${name}' (${components[*]})" >&2
          exit 2
          ;;
      esac
      ;;
    *)
      for name in "${components[@]}"; do
        refs[${name}]=${arg}
      done
      ;;
  esac
done
{%- else -%}
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
{%- endif %}

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
{%- if components %}
  if [ -n "${!refs[*]}" ]; then
    echo "images:"
    for name in "${components[@]}"; do
      ref=${refs[${name}]:-}
      [ -n "${ref}" ] || continue
      echo "  - name: ${image}-${name}"
      case "${ref}" in
        sha256:*) echo "    digest: ${ref}" ;;
        *) echo "    newTag: ${ref}" ;;
      esac
    done
  fi
{%- else %}
  if [ -n "${ref}" ]; then
    echo "images:"
    echo "  - name: ${image}"
    case "${ref}" in
      sha256:*) echo "    digest: ${ref}" ;;
      *) echo "    newTag: ${ref}" ;;
    esac
  fi
{%- endif %}
} >"${work}/kustomization.yaml"

{%- if components %}

# revision COMPONENT: the Deployment's current revision (empty before the
# first deploy).
revision() {
  kubectl -n "${namespace}" get "deployment/${project}-$1" --ignore-not-found \
    -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'
}

declare -A before=()
for name in "${components[@]}"; do
  before[${name}]=$(revision "${name}")
done

echo "deploying ${overlay} to namespace ${namespace}"
for name in "${!refs[@]}"; do
  echo "  ${name}: image ${refs[${name}]}"
done
kubectl apply -k "${work}"

failed=()
for name in "${components[@]}"; do
  if ! kubectl -n "${namespace}" rollout status "deployment/${project}-${name}" --timeout="${timeout}"; then
    failed+=("${name}")
  fi
done
if [ -n "${failed[*]}" ]; then
  echo "error: ${failed[*]} did not roll out within ${timeout}; rolling back every component this deploy changed" >&2
  for name in "${components[@]}"; do
    if [ -n "${before[${name}]}" ] && [ "$(revision "${name}")" != "${before[${name}]}" ]; then
      kubectl -n "${namespace}" rollout undo "deployment/${project}-${name}"
      kubectl -n "${namespace}" rollout status "deployment/${project}-${name}" --timeout="${timeout}" || true
    fi
  done
  exit 1
fi
{%- else %}

echo "deploying ${overlay} to namespace ${namespace}${ref:+ (image ${ref})}"
kubectl apply -k "${work}"

if ! kubectl -n "${namespace}" rollout status "deployment/${deployment}" --timeout="${timeout}"; then
  echo "error: rollout did not complete within ${timeout}; rolling back" >&2
  kubectl -n "${namespace}" rollout undo "deployment/${deployment}"
  kubectl -n "${namespace}" rollout status "deployment/${deployment}" --timeout="${timeout}" || true
  exit 1
fi
{%- endif %}
echo "deployed ${overlay}"
{% endif %}