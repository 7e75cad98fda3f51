# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file giving a choice option a sequence: the message must say
# so, not that the valid value 'go' is not one of python, node, go.
fixture
printf 'language: [go]\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
