# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --set with a value that is not UTF-8: refused like the same bytes in an
# answers file, not written into a file name and recorded as U+FFFD.
fixture
ARGS=(new tpl --set "title=ab$(printf '\xff')cd" -o out)
