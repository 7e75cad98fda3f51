# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An option key indented less than its sequence entry.
fixture
printf 'name: x\nversion: 1.0.0\noptions:\n  - name: a\n    type: string\n  default: b\n' >tpl/genship.yml
ARGS=(new tpl -o out)
