# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A string option whose default does not match its own pattern.
fixture
sed -i '7s/demo-app/Bad_Name/' tpl/genship.yml
ARGS=(new tpl -o out)
