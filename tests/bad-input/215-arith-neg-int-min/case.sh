# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# Negating the smallest integer: Jinja2 prints 9223372036854775808.
fixture
printf '%s\n' '{{ -(-9223372036854775807 - 1) }}' >tpl/template/calc.txt
ARGS=(new tpl -o out)
