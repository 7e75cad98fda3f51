# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# check on a directory that genship did not generate.
mkdir p
echo mine >p/README.md
ARGS=(check p)
