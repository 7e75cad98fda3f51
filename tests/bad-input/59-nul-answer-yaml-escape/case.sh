# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answer holding a NUL (YAML "\0") rendered into a nested path name:
# refused, and the message names the path with its directory.
fixture
printf 'title: "ab\\0cd"\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
