# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A FIFO as the template's genship.yml: refused at once, never read (it
# blocked new forever).
fixture
rm tpl/genship.yml
mkfifo tpl/genship.yml
ARGS=(new tpl -o out)
TIMEOUT=10
