# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set naming a misspelt option suggests the right one.
fixture
ARGS=(new tpl --set langauge=go -o out)
