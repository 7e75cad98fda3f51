# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An int option whose default is not an integer.
fixture
sed -i '16s/8080/abc/' tpl/genship.yml
ARGS=(new tpl -o out)
