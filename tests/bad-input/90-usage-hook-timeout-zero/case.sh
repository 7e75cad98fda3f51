# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --hook-timeout 0.
ARGS=(new --hook-timeout 0)
