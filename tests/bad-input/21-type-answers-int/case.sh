# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file giving a word for an int option.
fixture
printf 'port: eighty\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
