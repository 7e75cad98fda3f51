# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An unknown template name suggests the closest built-in one.
ARGS=(new servce)
