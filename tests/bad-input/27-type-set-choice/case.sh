# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with a choice outside the choices.
fixture
ARGS=(new tpl --set language=cobol -o out)
