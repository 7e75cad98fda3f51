#!/usr/bin/env bash
{% if components -%}
# Deploy an overlay and wait for every component's rollout; if one does not
# finish, roll back every component this deploy changed.
#   scripts/deploy.sh staging|production|local [IMAGE_REF] [COMPONENT=IMAGE_REF]...
#
# IMAGE_REF alone pins every component's image to one tag (e.g. sha-1a2b3c4
# or v1.2.0); COMPONENT=IMAGE_REF pins one component, by digest (sha256:...)
# or by tag, and wins over a plain IMAGE_REF. Components left out keep the
# overlay's `images` entry. Uses the current kubectl context; CI sets it
# from the environment's KUBECONFIG secret.
{%- if 'migrations' in extras %}
#
# Schema migrations run first: everything but the Deployments and the
# migration Job is applied, then the {{ migrate_job_name }} Job runs to completion
# (MIGRATION_TIMEOUT seconds at most), and only then do the components' Deployments
# roll out. A failed migration stops the deploy with every Deployment unchanged.
{%- if backup %}
# Before the migrations, a dump from the {{ backup_job_name }} CronJob runs to
# completion; a failed dump stops the deploy the same way.
{%- endif %}
{%- endif %}
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/deploy.sh staging|production|local [IMAGE_REF] [COMPONENT=IMAGE_REF]..."
overlay=${1:?${usage}}
shift
image="{{ image }}"
project="{{ project_name }}"
components=({% for c in components %}{{ c.name }}{{ '' if loop.last else ' ' }}{% endfor %})
timeout=${ROLLOUT_TIMEOUT:-300s}
{%- if 'migrations' in extras %}
job="{{ migrate_job_name }}"
{%- endif %}

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
#   scripts/deploy.sh staging|production|local [IMAGE_REF]
#
# IMAGE_REF pins the image for this deploy, by digest (sha256:...) or by tag;
# without it the overlay's `images` entry is used. Uses the current kubectl
# context; CI sets it from the environment's KUBECONFIG secret.
{%- if 'migrations' in extras %}
#
# Schema migrations run first: everything but the Deployment and the
# migration Job is applied, then the {{ migrate_job_name }} Job runs to completion
# (MIGRATION_TIMEOUT seconds at most), and only then does the Deployment
# roll out. A failed migration stops the deploy with the Deployment unchanged.
{%- if backup %}
# Before the migrations, a dump from the {{ backup_job_name }} CronJob runs to
# completion; a failed dump stops the deploy the same way.
{%- endif %}
{%- endif %}
set -euo pipefail

cd "$(dirname "$0")/.."

overlay=${1:?usage: scripts/deploy.sh staging|production|local [IMAGE_REF]}
ref=${2:-}
image="{{ image }}"
deployment="{{ project_name }}"
timeout=${ROLLOUT_TIMEOUT:-300s}
{%- if 'migrations' in extras %}
job="{{ migrate_job_name }}"
{%- endif %}
{%- endif %}

case "${overlay}" in
  staging) namespace="{{ namespace_staging }}" ;;
  production) namespace="{{ namespace_production }}" ;;
  local) namespace="{{ namespace_local }}" ;;
  *)
    echo "error: unknown overlay '${overlay}' (staging, production or local)" >&2
    exit 2
    ;;
esac

secrets="k8s/overlays/${overlay}/secrets.env"
{% include "partials/local-cluster.sh" %}
if [ "${overlay}" = local ]; then
  local_context
  local_secrets "${secrets}" "${secrets}.example"
fi
if [ ! -f "${secrets}" ]; then
  echo "error: ${secrets} is missing: create it from secrets.env.example with real values" >&2
  exit 1
fi
if grep -q 'change-me' "${secrets}"; then
  echo "error: ${secrets} still holds placeholder values (change-me)" >&2
  exit 1
fi
{%- if 'migrations' in extras %}

# configMapGenerator takes no globs: every migration must be listed.
migrations=k8s/components/migrations
for f in "${migrations}"/sql/*.sql; do
  [ -e "${f}" ] || continue
  name="sql/${f##*/}"
  if ! awk -v f="${name}" '$1 == "-" && $2 == f { found = 1 } END { exit !found }' \
    "${migrations}/kustomization.yaml"; then
    echo "error: ${name} is not listed in ${migrations}/kustomization.yaml (configMapGenerator files)" >&2
    exit 1
  fi
done

# split_manifest DIR: split DIR/all.yaml, the rendered overlay, by kind into
# DIR/deployments.yaml, DIR/jobs.yaml and DIR/resources.yaml (the rest).
split_manifest() {
  : >"$1/deployments.yaml"
  : >"$1/jobs.yaml"
  : >"$1/resources.yaml"
  awk -v dir="$1" '
    function flush(out) {
      if (doc == "") return
      out = kind == "Deployment" ? "deployments" : (kind == "Job" ? "jobs" : "resources")
      printf "---\n%s", doc >>(dir "/" out ".yaml")
      doc = ""
      kind = ""
    }
    /^---$/ { flush(); next }
    /^kind: / { kind = $2 }
    { doc = doc $0 "\n" }
    END { flush() }
  ' "$1/all.yaml"
}

# wait_for_migrations: until the migration Job completes (0) or not (1).
wait_for_migrations() {
  scripts/k8s-job.sh wait "${namespace}" "${job}"
}
{%- endif %}

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
{%- else %}

echo "deploying ${overlay} to namespace ${namespace}${ref:+ (image ${ref})}"
{%- endif %}
{%- if 'migrations' in extras %}
kubectl kustomize "${work}" >"${work}/all.yaml"
split_manifest "${work}"
if [ ! -s "${work}/jobs.yaml" ] || [ ! -s "${work}/deployments.yaml" ]; then
  echo "error: the ${overlay} overlay renders no migration Job or no Deployment" >&2
  exit 1
fi
kubectl apply -f "${work}/resources.yaml"
{%- if database == 'postgres' %}
if [ "${overlay}" = local ]; then
  # The in-cluster PostgreSQL must accept connections before the migrations.
  kubectl -n "${namespace}" rollout status statefulset/postgres --timeout="${timeout}"
fi
{%- endif %}
{%- if backup %}

# A verified dump before the schema changes: a Job from the backup CronJob
# (applied above), which writes to the backup volume as on schedule.
if ! scripts/k8s-job.sh backup "${namespace}" "{{ project_name }}-pre-migrate"; then
  echo "error: the backup failed; no migration ran and {{ 'no Deployment was changed' if components else 'the deployment was not changed' }}" >&2
  exit 1
fi
{%- endif %}

# A Job cannot be updated in place: replace the previous run.
kubectl -n "${namespace}" delete "job/${job}" --ignore-not-found --cascade=foreground --timeout=120s
kubectl apply -f "${work}/jobs.yaml"
echo "running the schema migrations (job/${job})"
if ! wait_for_migrations; then
  echo "error: migrations failed; {{ 'no Deployment was changed' if components else 'the deployment was not changed' }}" >&2
  exit 1
fi
kubectl -n "${namespace}" logs "job/${job}" --all-containers --tail=20 || true
kubectl apply -f "${work}/deployments.yaml"
{%- else %}
kubectl apply -k "${work}"
{%- endif %}
{%- if components %}

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

if ! kubectl -n "${namespace}" rollout status "deployment/${deployment}" --timeout="${timeout}"; then
  echo "error: rollout did not complete within ${timeout}; rolling back" >&2
  kubectl -n "${namespace}" rollout undo "deployment/${deployment}"
  kubectl -n "${namespace}" rollout status "deployment/${deployment}" --timeout="${timeout}" || true
  exit 1
fi
{%- endif %}
echo "deployed ${overlay}"
