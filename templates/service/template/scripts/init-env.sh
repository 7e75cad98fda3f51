#!/usr/bin/env bash
# Create .env for local development from .env.example, filling every empty
# value with a random secret. An existing .env is never overwritten.
set -euo pipefail

cd "$(dirname "$0")/.."
if [ -f .env ]; then
  echo ".env exists; leaving it alone"
  exit 0
fi

umask 077
while IFS= read -r line || [ -n "${line}" ]; do
  case "${line}" in
    [A-Z]*=)
      printf '%s%s\n' "${line}" "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
      ;;
    *)
      printf '%s\n' "${line}"
      ;;
  esac
done <.env.example >.env
echo "created .env with random development secrets"
