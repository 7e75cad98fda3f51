# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A misspelt key in an option suggests the right one.
fixture
sed -i '9s/help:/hlep:/' tpl/genship.yml
ARGS=(new tpl -o out)
