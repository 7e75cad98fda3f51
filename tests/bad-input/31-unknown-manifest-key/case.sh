# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An unknown top-level key in the manifest.
fixture
sed -i '1a colour: blue' tpl/genship.yml
ARGS=(new tpl -o out)
