# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file giving a multi option a value outside its choices.
fixture
printf 'extras: [metrics, gpu]\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
