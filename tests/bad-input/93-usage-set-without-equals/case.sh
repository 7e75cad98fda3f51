# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set without '='.
fixture
ARGS=(new tpl --set noequals -o out)
