# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file whose flow sequence is never closed.
fixture
printf 'extras: [metrics\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
