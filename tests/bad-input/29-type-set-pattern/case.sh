# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with a string that does not match the option's pattern.
fixture
ARGS=(new tpl --set project_name=Bad_Name -o out)
