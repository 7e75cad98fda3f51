# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with an integer too large for any integer type.
fixture
ARGS=(new tpl --set port=99999999999999999999 -o out)
