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
# staging|production: the chart's {{ migrate_job_name }} hook Job, rendered
# with `helm template` as scripts/deploy.sh installs the release, run with
# MIGRATE_ACTION=rollback in the current kubectl context. Its ServiceAccount,
# NetworkPolicy, ConfigMap and Secret are applied first and, as Helm does
# with the hook's, deleted once it succeeds.
{%- else %}
# staging|production: the {{ migrate_job_name }} Job of the rendered overlay,
# run with MIGRATE_ACTION=rollback in the current kubectl context, after its
# migrations ConfigMap is applied.
{%- endif %}
{%- if backup %} A dump from the {{ backup_job_name }} CronJob runs
# to completion first, and a failed dump stops the rollback.
{%- endif %}
{%- if k8s_flavor == 'helm' %}
# Roll the release back first (helm rollback) when the running release
# needs the schema that goes away.
{%- else %}
# Roll the Deployment back first (kubectl rollout undo) when the running
# release needs the schema that goes away.
{%- endif %}
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/rollback.sh compose|staging|production [STEPS]"
target=${1:?${usage}}
steps=${2:-1}
{%- if k8s_flavor == 'helm' %}
chart=charts/{{ project_name }}
release={{ project_name }}
{%- else %}
project="{{ project_name }}"
{%- endif %}
job="{{ migrate_job_name }}"

if ! [[ "${steps}" =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "error: STEPS '${steps}' is not a number of migrations such as 1" >&2
  exit 2
fi

case "${target}" in
  compose)
    exec "${CONTAINER_TOOL:-{{ container_tool }}}" compose run --rm migrate \
      bash /migrations/migrate.sh rollback "${steps}"
    ;;
  staging) namespace="{{ namespace_staging }}" ;;
  production) namespace="{{ namespace_production }}" ;;
  *)
    echo "error: unknown target '${target}' (compose, staging or production)" >&2
    echo "${usage}" >&2
    exit 2
    ;;
esac

{%- if k8s_flavor == 'helm' %}

# The values scripts/deploy.sh installs the release with.
values="${chart}/values-${target}.yaml"
secrets="${chart}/secrets-${target}.yaml"
secrets_args=()
if ! grep -Eq "^  existingSecret: *[\"']?[a-z0-9]" "${chart}/values.yaml" "${values}"; then
  if [ ! -f "${secrets}" ]; then
    echo "error: ${secrets} is missing: create it from secrets.example.yaml with real values" >&2
    exit 1
  fi
  secrets_args=(--values "${secrets}")
fi
{%- else %}

secrets="k8s/overlays/${target}/secrets.env"
if [ ! -f "${secrets}" ]; then
  echo "error: ${secrets} is missing: create it from secrets.env.example with real values" >&2
  exit 1
fi
{%- endif %}

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
{%- if k8s_flavor == 'helm' %}
helm template "${release}" "${chart}" --namespace "${namespace}" \
  --values "${values}" ${secrets_args[@]+"${secrets_args[@]}"} >"${work}/all.yaml"
# The hook Job's supporting objects; no Secret with secret.existingSecret.
for kind in ServiceAccount NetworkPolicy ConfigMap Secret; do
  pick "${kind}" "${job}"
done >"${work}/supporting.yaml"
pick Job "${job}" >"${work}/job.yaml"
if ! grep -q '^kind: ConfigMap$' "${work}/supporting.yaml" || [ ! -s "${work}/job.yaml" ]; then
  echo "error: the chart renders no migration Job or ConfigMap for ${target} (migrations.enabled)" >&2
  exit 1
fi
{%- else %}
kubectl kustomize "k8s/overlays/${target}" >"${work}/all.yaml"
pick ConfigMap "${project}-migrations-" >"${work}/configmap.yaml"
pick Job "${job}" >"${work}/job.yaml"
if [ ! -s "${work}/configmap.yaml" ] || [ ! -s "${work}/job.yaml" ]; then
  echo "error: the ${target} overlay renders no migration Job or ConfigMap" >&2
  exit 1
fi
{%- endif %}
{%- if backup %}

# A verified dump first: a Job from the backup CronJob, the one that writes
# to the backup volume on schedule.
if ! scripts/k8s-job.sh backup "${namespace}" "{{ project_name }}-pre-rollback"; then
  echo "error: the backup failed; nothing was rolled back" >&2
  exit 1
fi
{%- endif %}
{% if k8s_flavor == 'helm' %}
kubectl -n "${namespace}" apply -f "${work}/supporting.yaml"
{%- else %}
kubectl apply -f "${work}/configmap.yaml"
{%- endif %}
kubectl -n "${namespace}" delete "job/${job}" --ignore-not-found --cascade=foreground --timeout=120s
kubectl set env --local -f "${work}/job.yaml" -o yaml \
  MIGRATE_ACTION=rollback "MIGRATE_STEPS=${steps}" >"${work}/rollback.yaml"
kubectl {{ '-n "${namespace}" ' if k8s_flavor == 'helm' else '' }}apply -f "${work}/rollback.yaml"
echo "rolling back ${steps} migration(s) in ${target} (job/${job})"
if ! scripts/k8s-job.sh wait "${namespace}" "${job}"; then
  echo "error: the rollback failed; the migration being rolled back, if any, is still applied" >&2
  exit 1
fi
kubectl -n "${namespace}" logs "job/${job}" --all-containers --tail=20 || true
{%- if k8s_flavor == 'helm' %}
kubectl -n "${namespace}" delete -f "${work}/supporting.yaml" --ignore-not-found
{%- endif %}
echo "rolled back ${steps} migration(s) in ${target}"
