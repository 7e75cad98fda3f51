# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file naming an option the template does not have.
fixture
printf 'colour: blue\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
