# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An unknown top-level key in .genship.yml (check).
fixture
project p
sed -i '3a colour: blue' p/.genship.yml
ARGS=(check p)
