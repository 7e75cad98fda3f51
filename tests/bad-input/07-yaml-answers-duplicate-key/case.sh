# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file that gives one option twice: ambiguous, so refused
# (the manifest loader and the .genship.yml loader refuse it too).
fixture
printf 'language: go\nlanguage: node\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
