# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# round(-1) of the largest integer: Jinja2 gives 9223372036854775810;
# genship's integers are 64-bit.
fixture
printf '%s\n' '{{ 9223372036854775807|round(-1) }}' >tpl/template/calc.txt
ARGS=(new tpl -o out)
