# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A manifest with a Latin-1 byte in a string.
fixture
sed -i "3s/.*/description: caf$(printf '\xe9') bad/" tpl/genship.yml
ARGS=(new tpl -o out)
