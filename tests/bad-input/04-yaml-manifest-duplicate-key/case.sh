# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The same top-level key twice.
fixture
sed -i '2a name: again' tpl/genship.yml
ARGS=(new tpl -o out)
