# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# range() past the iteration limit: Jinja2 loops 2**62 times, genship
# stops at once.
fixture
printf '%s\n' '{% for i in range(0, 4611686018427387904) %}{{ i }}{% endfor %}' >tpl/template/calc.txt
ARGS=(new tpl -o out)
