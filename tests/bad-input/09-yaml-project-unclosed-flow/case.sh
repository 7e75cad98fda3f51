# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A .genship.yml whose flow mapping is never closed (check).
mkdir p
printf 'genship_version: 0.1.0\ntemplate: {name: [\n' >p/.genship.yml
ARGS=(check p)
