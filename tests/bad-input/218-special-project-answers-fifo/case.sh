# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A FIFO as a project's .genship.yml: check refuses it at once (it blocked
# forever).
fixture
project p
rm p/.genship.yml
mkfifo p/.genship.yml
ARGS=(check p)
TIMEOUT=10
