# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A file name rendering to 300 bytes (over NAME_MAX): bad input at plan
# time, located at the template file (it failed as an operation).
fixture
touch "tpl/template/{{ 'x' * 300 }}.txt"
ARGS=(new tpl -o out)
