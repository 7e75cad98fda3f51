#!/usr/bin/env bash
{% if components -%}
# Post-deploy smoke test: GET /healthz and /readyz of every component until
# both answer 200.
#   scripts/smoke-test.sh staging|production [COMPONENT]...
#
# Without COMPONENT arguments every component is checked. SMOKE_TEST_VIA picks
# the path to the pods:
#   ingress       (default) public components through their Ingress,
#                 https://<component>.<host> with DNS and TLS, as users reach
#                 them; the other components have no Ingress and are reached
#                 through `kubectl port-forward` with the current context;
#   port-forward  every component through `kubectl port-forward` to its
#                 Service, for clusters the caller cannot reach.
# Every request times out after SMOKE_TEST_TIMEOUT seconds (5); the checks are
# retried SMOKE_TEST_ATTEMPTS times (20), SMOKE_TEST_DELAY seconds apart (3).
# Exits 0 when every component answered 200 on both endpoints, 1 when one did
# not in time, 2 on bad usage.
set -euo pipefail

cd "$(dirname "$0")/.."

usage="usage: scripts/smoke-test.sh staging|production [COMPONENT]..."
overlay=${1:?${usage}}
shift
via=${SMOKE_TEST_VIA:-ingress}
attempts=${SMOKE_TEST_ATTEMPTS:-20}
delay=${SMOKE_TEST_DELAY:-3}
request_timeout=${SMOKE_TEST_TIMEOUT:-5}
project="{{ project_name }}"
components=({% for c in components %}{{ c.name }}{{ '' if loop.last else ' ' }}{% endfor %})
# The components with an Ingress.
public=({% for c in components | selectattr('public') %}{{ c.name }}{{ '' if loop.last else ' ' }}{% endfor %})

case "${overlay}" in
  staging)
    namespace="{{ namespace_staging }}"
    host_prefix="staging."
    ;;
  production)
    namespace="{{ namespace_production }}"
    host_prefix=""
    ;;
  *)
    echo "error: unknown overlay '${overlay}' (staging or production)" >&2
    exit 2
    ;;
esac
case "${via}" in
  ingress | port-forward) ;;
  *)
    echo "error: SMOKE_TEST_VIA is '${via}' (ingress or port-forward)" >&2
    exit 2
    ;;
esac
for n in "${attempts}" "${delay}" "${request_timeout}"; do
  if ! [[ "${n}" =~ ^[1-9][0-9]{0,3}$ ]]; then
    echo "error: SMOKE_TEST_ATTEMPTS, _DELAY and _TIMEOUT are whole numbers from 1 to 9999" >&2
    exit 2
  fi
done
if [ "$#" -gt 0 ]; then
  selected=("$@")
else
  selected=("${components[@]}")
fi
for name in "${selected[@]}"; do
  case " ${components[*]} " in
    *" ${name} "*) ;;
    *)
      echo "error: unknown component '${name}' (${components[*]})" >&2
      exit 2
      ;;
  esac
done

pf_pid=""
work=$(mktemp -d)
trap 'if [ -n "${pf_pid}" ]; then kill "${pf_pid}" 2>/dev/null || true; fi; rm -rf -- "${work}"' EXIT

# port_forward COMPONENT: forward a free local port to the component's
# Service and set url to it; 1 when kubectl did not start forwarding.
port_forward() {
  local service="${project}-$1" port=""
  # Port 0: kubectl picks a free local port and prints it.
  kubectl -n "${namespace}" port-forward "service/${service}" :80 >"${work}/pf.log" 2>&1 &
  pf_pid=$!
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
    return 1
  fi
  url="http://127.0.0.1:${port}"
}

# stop_forward: end the current port-forward, if any.
stop_forward() {
  if [ -n "${pf_pid}" ]; then
    kill "${pf_pid}" 2>/dev/null || true
    wait "${pf_pid}" 2>/dev/null || true
    pf_pid=""
  fi
}

# check PATH: 0 when GET PATH answers 200; prints the status (000: no answer).
check() {
  local code
  code=$(curl --silent --show-error --output "${work}/body" --write-out '%{http_code}' \
    --max-time "${request_timeout}" --connect-timeout "${request_timeout}" \
    --proto '=http,https' --location --max-redirs 3 "${url}$1" 2>"${work}/curl.err") || true
  echo "${code:-000}"
  [ "${code}" = 200 ]
}

# smoke COMPONENT: 0 when its /healthz and /readyz answered 200 in time.
smoke() {
  local name=$1 path=port-forward health ready=""
  : >"${work}/curl.err"
  if [ "${via}" = ingress ] && [[ " ${public[*]} " == *" ${name} "* ]]; then
    path=ingress
    url="https://${host_prefix}${name}.{{ host }}"
  elif ! port_forward "${name}"; then
    return 1
  fi
  echo "smoke test: ${name} at ${url} (${overlay}, via ${path}), ${attempts} attempts ${delay}s apart"
  for i in $(seq 1 "${attempts}"); do
    health=$(check /healthz) && ready=$(check /readyz) && {
      echo "ok: ${name} /healthz ${health}, /readyz ${ready} (attempt ${i})"
      stop_forward
      return 0
    }
    echo "attempt ${i}/${attempts}: ${name} /healthz ${health}${ready:+, /readyz ${ready}} $(tr -d '\n' <"${work}/curl.err")"
    ready=""
    if [ "${i}" -lt "${attempts}" ]; then
      sleep "${delay}"
    fi
  done
  stop_forward
  echo "error: ${name} at ${url} did not answer 200 on /healthz and /readyz after ${attempts} attempts" >&2
  return 1
}

failed=()
for name in "${selected[@]}"; do
  smoke "${name}" || failed+=("${name}")
done
if [ -n "${failed[*]}" ]; then
  echo "error: smoke test failed for ${failed[*]}" >&2
  exit 1
fi
echo "ok: every component answered (${selected[*]})"
{%- else -%}
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
{%- endif %}
