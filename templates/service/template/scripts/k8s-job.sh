#!/usr/bin/env bash
{%- if k8s_flavor == 'helm' %}
# The Kubernetes Jobs of scripts/rollback.sh (the chart's hooks run
# scripts/deploy.sh's), in the current kubectl context:
{%- else %}
# The Kubernetes Jobs of scripts/deploy.sh and scripts/rollback.sh, in the
# current kubectl context:
{%- endif %}
#   scripts/k8s-job.sh wait NAMESPACE JOB
#     until job/JOB completes (exit 0), or fails or times out (exit 1, with
#     its log on stderr);
{%- if backup %}
#   scripts/k8s-job.sh backup NAMESPACE JOB
#     replace job/JOB with a run of the {{ backup_job_name }} CronJob (a
#     verified dump on the backup volume) and wait for it;
{%- endif %}
# MIGRATION_TIMEOUT seconds (660) at most.
set -euo pipefail

usage="usage: scripts/k8s-job.sh wait{{ '|backup' if backup else '' }} NAMESPACE JOB"
action=${1:?${usage}}
namespace=${2:?${usage}}
job=${3:?${usage}}
timeout=${MIGRATION_TIMEOUT:-660}

# wait_for_job: until job/${job} completes (0), fails or times out (1).
wait_for_job() {
  local deadline=$((SECONDS + timeout)) state
  while [ "${SECONDS}" -lt "${deadline}" ]; do
    state=$(kubectl -n "${namespace}" get "job/${job}" \
      -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " ${state} " in
      *" Complete "*) return 0 ;;
      *" Failed "*) break ;;
    esac
    sleep 5
  done
  echo "error: job/${job} did not complete; its log:" >&2
  kubectl -n "${namespace}" logs "job/${job}" --all-containers --tail=100 >&2 || true
  return 1
}

case "${action}" in
  wait) wait_for_job ;;
{%- if backup %}
  backup)
    kubectl -n "${namespace}" delete "job/${job}" --ignore-not-found --cascade=foreground --timeout=120s
    kubectl -n "${namespace}" create job "${job}" --from="cronjob/{{ backup_job_name }}"
    echo "backing up {{ project_name }}'s database first (job/${job})"
    wait_for_job
    ;;
{%- endif %}
  *)
    echo "error: unknown action '${action}'" >&2
    echo "${usage}" >&2
    exit 2
    ;;
esac
