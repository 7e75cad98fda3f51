# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A manifest whose flow sequence is never closed.
fixture
printf 'name: x\nversion: 1.0.0\noptions: [\n' >tpl/genship.yml
ARGS=(new tpl -o out)
