# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# -o '': a usage error (it failed as an operation).
fixture
ARGS=(new tpl -o '')
