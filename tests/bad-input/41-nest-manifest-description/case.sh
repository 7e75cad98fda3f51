# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A 10,000-deep flow sequence where the manifest wants a string.
fixture
sed -i "3s/:.*/: $(repeat '[' 10000)$(repeat ']' 10000)/" tpl/genship.yml
ARGS=(new tpl -o out)
