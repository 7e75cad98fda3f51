# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A choice option whose default is not one of its choices.
fixture
sed -i '13s/python/cobol/' tpl/genship.yml
ARGS=(new tpl -o out)
