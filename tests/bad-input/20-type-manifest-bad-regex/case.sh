# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A pattern that is not a valid regular expression.
fixture
sed -i "8s/'.*'/'(['/" tpl/genship.yml
ARGS=(new tpl -o out)
