# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A 10,000-deep flow sequence as a multi option's default.
fixture
sed -i "25s/\\[metrics\\]/$(repeat '[' 10000)$(repeat ']' 10000)/" tpl/genship.yml
ARGS=(new tpl -o out)
