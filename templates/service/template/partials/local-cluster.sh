{#- The deploy scripts' guard for the local environment (both flavors):
    a kind or Minikube context only, and throwaway secrets. -#}
# local_context: refuse to deploy the local environment to a cluster that
# is not kind's or Minikube's (the current kubectl context).
local_context() {
  local context
  context=$(kubectl config current-context 2>/dev/null || true)
  case "${context}" in
    kind-* | minikube) ;;
    *)
      echo "error: local deploys to a kind or Minikube cluster, but the kubectl context is '${context}' ({{ task_runner }} local-up creates and selects kind-{{ project_name }})" >&2
      exit 2
      ;;
  esac
}

# local_secrets FILE EXAMPLE: create FILE from EXAMPLE's settings if it is
# missing and replace each change-me placeholder in it with a random value
# (the local cluster's secrets are throwaway).
local_secrets() {
  local line tmp
  if [ ! -f "$1" ]; then
    grep -v '^ *#' -- "$2" >"$1"
  fi
  tmp=$(mktemp "$1.XXXXXX")
  while IFS= read -r line || [ -n "${line}" ]; do
    if ! [[ "${line}" =~ ^[[:space:]]*# ]]; then
      while [[ "${line}" == *change-me* ]]; do
        line=${line/change-me/$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}
      done
    fi
    printf '%s\n' "${line}"
  done <"$1" >"${tmp}"
  chmod 600 -- "${tmp}"
  mv -- "${tmp}" "$1"
}
