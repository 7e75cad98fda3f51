# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A multi option whose default holds a value outside its choices.
fixture
sed -i '25s/\[metrics\]/[metrics, gpu]/' tpl/genship.yml
ARGS=(new tpl -o out)
