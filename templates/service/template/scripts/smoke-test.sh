#!/usr/bin/env bash
# Post-deploy smoke test: GET /healthz and /readyz until both answer 200.
#   scripts/smoke-test.sh staging|production
#
# SMOKE_TEST_VIA picks the path to the pods:
#   ingress       (default) https://<host> through the Ingress, DNS and TLS,
#                 as users reach it; SMOKE_TEST_URL overrides the base URL;
#   port-forward  `kubectl port-forward` to the Service with the current
#                 kubectl context, for clusters the caller cannot reach.
# Every request times out after SMOKE_TEST_TIMEOUT seconds (5); the checks are
# retried SMOKE_TEST_ATTEMPTS times (20), SMOKE_TEST_DELAY seconds apart (3).
# Exits 0 when both endpoints answered 200, 1 when they did not in time,
# 2 on bad usage.
set -euo pipefail

cd "$(dirname "$0")/.."

overlay=${1:?usage: scripts/smoke-test.sh staging|production}
via=${SMOKE_TEST_VIA:-ingress}
attempts=${SMOKE_TEST_ATTEMPTS:-20}
delay=${SMOKE_TEST_DELAY:-3}
request_timeout=${SMOKE_TEST_TIMEOUT:-5}
service="{{ project_name }}"

case "${overlay}" in
  staging)
    namespace="{{ namespace_staging }}"
    url="https://staging.{{ host }}"
    ;;
  production)
    namespace="{{ namespace_production }}"
    url="https://{{ host }}"
    ;;
  *)
    echo "error: unknown overlay '${overlay}' (staging or production)" >&2
    exit 2
    ;;
esac
for n in "${attempts}" "${delay}" "${request_timeout}"; do
  if ! [[ "${n}" =~ ^[1-9][0-9]{0,3}$ ]]; then
    echo "error: SMOKE_TEST_ATTEMPTS, _DELAY and _TIMEOUT are whole numbers from 1 to 9999" >&2
    exit 2
  fi
done

pf_pid=""
work=$(mktemp -d)
trap 'if [ -n "${pf_pid}" ]; then kill "${pf_pid}" 2>/dev/null || true; fi; rm -rf -- "${work}"' EXIT
: >"${work}/curl.err"

case "${via}" in
  ingress)
    url=${SMOKE_TEST_URL:-${url}}
    ;;
  port-forward)
    # Port 0: kubectl picks a free local port and prints it.
    kubectl -n "${namespace}" port-forward "service/${service}" :80 >"${work}/pf.log" 2>&1 &
    pf_pid=$!
    port=""
    for _ in $(seq 1 $((request_timeout * 10))); do
      port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "${work}/pf.log" | head -n 1)
      if [ -n "${port}" ] || ! kill -0 "${pf_pid}" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    if [ -z "${port}" ]; then
      echo "error: kubectl port-forward to service/${service} in ${namespace} did not start:" >&2
      cat "${work}/pf.log" >&2
      exit 1
    fi
    url="http://127.0.0.1:${port}"
    ;;
  *)
    echo "error: SMOKE_TEST_VIA is '${via}' (ingress or port-forward)" >&2
    exit 2
    ;;
esac

# check PATH: 0 when GET PATH answers 200; prints the status (000: no answer).
check() {
  local code
  code=$(curl --silent --show-error --output "${work}/body" --write-out '%{http_code}' \
    --max-time "${request_timeout}" --connect-timeout "${request_timeout}" \
    --proto '=http,https' --location --max-redirs 3 "${url}$1" 2>"${work}/curl.err") || true
  echo "${code:-000}"
  [ "${code}" = 200 ]
}

echo "smoke test: ${url} (${overlay}, via ${via}), ${attempts} attempts ${delay}s apart"
ready=""
for i in $(seq 1 "${attempts}"); do
  health=$(check /healthz) && ready=$(check /readyz) && {
    echo "ok: /healthz ${health}, /readyz ${ready} (attempt ${i})"
    exit 0
  }
  echo "attempt ${i}/${attempts}: /healthz ${health}${ready:+, /readyz ${ready}} $(tr -d '\n' <"${work}/curl.err")"
  ready=""
  if [ "${i}" -lt "${attempts}" ]; then
    sleep "${delay}"
  fi
done
echo "error: ${url} did not answer 200 on /healthz and /readyz after ${attempts} attempts" >&2
exit 1
