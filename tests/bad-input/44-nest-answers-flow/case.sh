# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file with a 10,000-deep flow sequence.
fixture
printf 'extras: %s%s\n' "$(repeat '[' 10000)" "$(repeat ']' 10000)" >a.yml
ARGS=(new tpl --answers a.yml -o out)
