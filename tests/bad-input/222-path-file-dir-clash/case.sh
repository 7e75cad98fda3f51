# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A file rendering to the path of a directory of the project: bad input at
# plan time, located at the template file (it failed as an operation).
fixture
echo clash >"tpl/template/{{ 'docs' }}"
ARGS=(new tpl -o out)
