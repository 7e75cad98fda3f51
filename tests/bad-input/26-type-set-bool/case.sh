# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with a bool option that is neither true nor false.
fixture
ARGS=(new tpl --set docs=maybe -o out)
