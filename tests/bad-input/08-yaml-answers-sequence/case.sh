# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file that is a sequence, not a mapping.
fixture
printf -- '- language\n- go\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
