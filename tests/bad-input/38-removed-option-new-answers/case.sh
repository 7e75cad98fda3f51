# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file kept from an older template version, naming an option
# that no longer exists, is refused by new.
fixture
printf 'title: Guide\nold_flag: true\n' >a.yml
ARGS=(new tpl --answers a.yml -o out)
