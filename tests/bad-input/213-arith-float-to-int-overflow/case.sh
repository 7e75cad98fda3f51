# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# int() of 1e300: Jinja2 prints a 301-digit integer; genship's integers
# are 64-bit.
fixture
printf '%s\n' '{{ 1e300|int }}' >tpl/template/calc.txt
ARGS=(new tpl -o out)
