# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# Jinja2 gives 9223372036854775808; genship's integers are 64-bit, so the
# sum is a located error, never a wrapped value.
fixture
printf '%s\n' '{{ 9223372036854775807 + 1 }}' >tpl/template/calc.txt
ARGS=(new tpl -o out)
