# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A path name rendering a NUL from a "\x00" string escape.
fixture
echo x >'tpl/template/{{ "a\x00b" }}.txt'
ARGS=(new tpl -o out)
