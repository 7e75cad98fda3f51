# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A bool option whose default is a number.
fixture
sed -i '21s/true/3/' tpl/genship.yml
ARGS=(new tpl -o out)
