# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A .genship.yml indented with a tab (update).
fixture
project p
sed -i '9s/^  /\t/' p/.genship.yml
ARGS=(update p --no-hooks)
