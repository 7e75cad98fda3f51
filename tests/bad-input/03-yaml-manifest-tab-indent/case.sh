# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A tab used for indentation, which YAML forbids.
fixture
printf 'name: x\nversion: 1.0.0\noptions:\n\t- name: a\n' >tpl/genship.yml
ARGS=(new tpl -o out)
