# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# validate --lint with a linter that does not exist lists the real ones.
fixture
ARGS=(validate tpl --lint nosuchlint)
