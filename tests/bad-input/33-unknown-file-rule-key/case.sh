# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A misspelt key in a file rule.
fixture
sed -i '39s/render:/rendr:/' tpl/genship.yml
ARGS=(new tpl -o out)
