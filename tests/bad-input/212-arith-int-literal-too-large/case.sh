# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An integer literal past 64 bits: a located error.
fixture
printf '%s\n' '{{ 9223372036854775808 }}' >tpl/template/calc.txt
ARGS=(new tpl -o out)
