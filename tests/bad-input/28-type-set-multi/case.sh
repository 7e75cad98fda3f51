# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with a multi option holding a value outside its choices.
fixture
ARGS=(new tpl --set 'extras=metrics,gpu' -o out)
