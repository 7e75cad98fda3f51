#!/usr/bin/env bash
# Install or upgrade the Helm release in an environment and wait until every
# Deployment has rolled out; if it does not within the timeout, Helm rolls
# the release back (--atomic).
{%- if components %}
#   scripts/deploy.sh staging|production|local [IMAGE_REF] [COMPONENT=IMAGE_REF]...
#
# IMAGE_REF alone pins every component's image to one tag (e.g. sha-1a2b3c4
# or v1.2.0); COMPONENT=IMAGE_REF pins one component, by digest (sha256:...)
# or by tag, and wins over a plain IMAGE_REF. Without either, a component's
# tag is the chart's appVersion. Uses the current kubectl context; CI sets
# it from the environment's KUBECONFIG secret.
{%- else %}
#   scripts/deploy.sh staging|production|local [IMAGE_REF]
#
# IMAGE_REF pins the image for this deploy, by digest (sha256:...) or by tag;
# without it the chart's appVersion is the tag. Uses the current kubectl
# context; CI sets it from the environment's KUBECONFIG secret.
{%- endif %}
{%- if 'migrations' in extras %}
#
# Schema migrations run first: the chart's {{ migrate_job_name }} Job is a pre-install
# and pre-upgrade hook, and a failed migration fails the release before any
# Deployment changes. ROLLOUT_TIMEOUT bounds the migrations and the rollout.
{%- if backup %}
# On an upgrade a verified dump runs first: the chart's pre-upgrade hook Job
# runs the {{ backup_job_name }} CronJob's pod once (within ROLLOUT_TIMEOUT too),
# and a failed dump fails the release before any migration (not on a first
# install, nor on the upgrade that turns backups on: no backups claim yet).
{%- endif %}
{%- endif %}
{%- if 'smoke_test' in extras %}
#
# Then `helm test` runs the chart's smoke test (GET /healthz and /readyz of
# every component); when it fails, the release is rolled back to the
# revision before this deploy.
{%- endif %}
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/deploy.sh staging|production|local [IMAGE_REF]{% if components %} [COMPONENT=IMAGE_REF]...{% endif %}"
environment=${1:?${usage}}
shift
chart=charts/{{ project_name }}
release={{ project_name }}
timeout=${ROLLOUT_TIMEOUT:-{{ '660s' if 'migrations' in extras else '300s' }}}

case "${environment}" in
  staging) namespace="{{ namespace_staging }}" ;;
  production) namespace="{{ namespace_production }}" ;;
  local) namespace="{{ namespace_local }}" ;;
  *)
    echo "error: unknown environment '${environment}' (staging, production or local)" >&2
    exit 2
    ;;
esac

# Pin the images on the command line, so that the committed values never
# change at deploy time.
image_args=()
{%- if components %}
components=({% for c in components %}{{ c.name }}{{ '' if loop.last else ' ' }}{% endfor %})
for arg in "$@"; do
  name=""
  ref=${arg}
  if [[ "${arg}" == *=* ]]; then
    name=${arg%%=*}
    ref=${arg#*=}
    case " ${components[*]} " in
      *" ${name} "*) ;;
      *)
        echo "error: unknown component '${name}' (${components[*]})" >&2
        exit 2
        ;;
    esac
  fi
  case "${ref}" in
    "") ;;
    sha256:*)
      if [ -z "${name}" ]; then
        echo "error: a digest belongs to one component: COMPONENT=${ref}" >&2
        exit 2
      fi
      image_args+=(--set-string "image.digests.${name}=${ref}")
      ;;
    *)
      if [ -n "${name}" ]; then
        image_args+=(--set-string "image.tags.${name}=${ref}")
      else
        image_args+=(--set-string "image.tag=${ref}")
      fi
      ;;
  esac
done
pinned="${*:+ (images $*)}"
{%- else %}
ref=${1:-}
case "${ref}" in
  "") ;;
  sha256:*) image_args=(--set-string "image.digests.api=${ref}") ;;
  *) image_args=(--set-string "image.tag=${ref}") ;;
esac
pinned="${ref:+ (image ${ref})}"
{%- endif %}

values="${chart}/values-${environment}.yaml"
secrets="${chart}/secrets-${environment}.yaml"
secrets_args=()
{% include "partials/local-cluster.sh" %}
if [ "${environment}" = local ]; then
  local_context
  local_secrets "${secrets}" "${chart}/secrets.example.yaml"
fi
if grep -Eq "^  existingSecret: *[\"']?[a-z0-9]" "${chart}/values.yaml" "${values}"; then
  echo "secret.existingSecret is set: the Secret comes from outside the chart"
else
  if [ ! -f "${secrets}" ]; then
    echo "error: ${secrets} is missing: create it from secrets.example.yaml with real values" >&2
    exit 1
  fi
  if grep -q 'change-me' "${secrets}"; then
    echo "error: ${secrets} still holds placeholder values (change-me)" >&2
    exit 1
  fi
  # Every key of the example needs a value: the pods do not start without it.
  missing=""
  while IFS= read -r key; do
    if ! grep -Eq "^    ${key}: *([^ #\"']|\"[^\"]|'[^'])" "${secrets}"; then
      missing="${missing} ${key}"
    fi
  done < <(sed -nE 's/^    ([A-Za-z_][A-Za-z0-9_]*):.*/\1/p' "${chart}/secrets.example.yaml")
  if [ -n "${missing}" ]; then
    echo "error: ${secrets} has no value for:${missing}" >&2
    exit 1
  fi
  secrets_args=(--values "${secrets}")
fi

# Helm installs into the namespace but does not own it: create it and
# enforce the restricted Pod Security Standard before any pod exists.
kubectl apply -f - <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels:
    app.kubernetes.io/part-of: {{ project_name }}
    environment: ${environment}
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: restricted
YAML

echo "deploying ${release} to namespace ${namespace}${pinned}"
helm upgrade --install "${release}" "${chart}" \
  --namespace "${namespace}" \
  --values "${values}" \
  ${secrets_args[@]+"${secrets_args[@]}"} \
  ${image_args[@]+"${image_args[@]}"} \
  --atomic --wait --timeout "${timeout}" \
  --history-max 10
{%- if 'smoke_test' in extras %}

echo "smoke test: helm test ${release}"
if ! helm test "${release}" --namespace "${namespace}" --logs --timeout "${timeout}"; then
  echo "error: the smoke test failed; rolling ${release} back to its previous revision" >&2
  if ! helm rollback "${release}" --namespace "${namespace}" --wait --timeout "${timeout}"; then
    echo "error: the rollback failed too (a first install has no previous revision)" >&2
  fi
  exit 1
fi
{%- endif %}
echo "deployed ${environment}"
