# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with a word for an int option.
fixture
ARGS=(new tpl --set port=eighty -o out)
