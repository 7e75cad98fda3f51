#!/usr/bin/env bash
# Roll back the latest schema migrations with their down files.
#   scripts/rollback.sh compose [STEPS]
#   scripts/rollback.sh staging|production [STEPS]
#
# STEPS (default 1) migrations are undone, newest first, by
# {{ migrations_dir }}/migrate.sh rollback: each NNNN_name.down.sql runs
# in one transaction with the removal of its schema_migrations row, and
# nothing changes unless every one of them has a down file.
#
# compose: the one-shot `migrate` service of {{ compose_file }} (set
# COMPOSE_FILE={{ compose_prod_file }} for the production stack; CONTAINER_TOOL
# picks podman or docker).
{%- if k8s_flavor == 'helm' %}
# staging|production: built for the Kustomize deploy; with the Helm chart
# the script says how to roll back by hand.
{%- else %}
# staging|production: the {{ migrate_job_name }} Job of the rendered overlay,
# run with MIGRATE_ACTION=rollback in the current kubectl context, after its
# migrations ConfigMap is applied.
{%- endif %}
{%- if backup %} A dump from the {{ backup_job_name }} CronJob runs
# to completion first, and a failed dump stops the rollback.
{%- endif %}
# Roll the Deployment back first (kubectl rollout undo) when the running
# release needs the schema that goes away.
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/rollback.sh compose|staging|production [STEPS]"
target=${1:?${usage}}
steps=${2:-1}
{%- if k8s_flavor != 'helm' %}
project="{{ project_name }}"
job="{{ migrate_job_name }}"
{%- endif %}

if ! [[ "${steps}" =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "error: STEPS '${steps}' is not a number of migrations such as 1" >&2
  exit 2
fi

case "${target}" in
  compose)
    exec "${CONTAINER_TOOL:-{{ container_tool }}}" compose run --rm migrate \
      bash /migrations/migrate.sh rollback "${steps}"
    ;;
{%- if k8s_flavor == 'helm' %}
  staging|production)
    echo "error: rolling back migrations in the cluster is built for the Kustomize deploy" >&2
    echo "hint: roll the release back with 'helm rollback', then run" \
      "'bash {{ migrations_dir }}/migrate.sh rollback ${steps}' against" \
      "the ${target} database (DATABASE_URL from its secret)" >&2
    exit 2
    ;;
{%- else %}
  staging) namespace="{{ namespace_staging }}" ;;
  production) namespace="{{ namespace_production }}" ;;
{%- endif %}
  *)
    echo "error: unknown target '${target}' (compose, staging or production)" >&2
    echo "${usage}" >&2
    exit 2
    ;;
esac

{%- if k8s_flavor != 'helm' %}

secrets="k8s/overlays/${target}/secrets.env"
if [ ! -f "${secrets}" ]; then
  echo "error: ${secrets} is missing: create it from secrets.env.example with real values" >&2
  exit 1
fi

# pick KIND NAME_PREFIX: the documents of all.yaml of that kind whose name
# starts with NAME_PREFIX.
pick() {
  awk -v kind="$1" -v prefix="$2" '
    function flush() {
      if (k == kind && index(n, prefix) == 1) printf "---\n%s", doc
      doc = ""; k = ""; n = ""
    }
    /^---$/ { flush(); next }
    /^kind: / { k = $2 }
    /^  name: / && n == "" { n = $2 }
    { doc = doc $0 "\n" }
    END { flush() }
  ' "${work}/all.yaml"
}

work=$(mktemp -d .rollback.XXXXXX)
trap 'rm -rf -- "${work}"' EXIT
kubectl kustomize "k8s/overlays/${target}" >"${work}/all.yaml"
pick ConfigMap "${project}-migrations-" >"${work}/configmap.yaml"
pick Job "${job}" >"${work}/job.yaml"
if [ ! -s "${work}/configmap.yaml" ] || [ ! -s "${work}/job.yaml" ]; then
  echo "error: the ${target} overlay renders no migration Job or ConfigMap" >&2
  exit 1
fi
{%- if backup %}

# A verified dump first: a Job from the backup CronJob, the one that writes
# to the backup volume on schedule.
if ! scripts/k8s-job.sh backup "${namespace}" "{{ project_name }}-pre-rollback"; then
  echo "error: the backup failed; nothing was rolled back" >&2
  exit 1
fi
{%- endif %}

kubectl apply -f "${work}/configmap.yaml"
kubectl -n "${namespace}" delete "job/${job}" --ignore-not-found --cascade=foreground --timeout=120s
kubectl set env --local -f "${work}/job.yaml" -o yaml \
  MIGRATE_ACTION=rollback "MIGRATE_STEPS=${steps}" >"${work}/rollback.yaml"
kubectl apply -f "${work}/rollback.yaml"
echo "rolling back ${steps} migration(s) in ${target} (job/${job})"
if ! scripts/k8s-job.sh wait "${namespace}" "${job}"; then
  echo "error: the rollback failed; the migration being rolled back, if any, is still applied" >&2
  exit 1
fi
kubectl -n "${namespace}" logs "job/${job}" --all-containers --tail=20 || true
echo "rolled back ${steps} migration(s) in ${target}"
{%- endif %}
