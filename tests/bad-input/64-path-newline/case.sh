# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A file name rendering a newline from an answer.
fixture
echo x >'tpl/template/{{ title }}.txt'
ARGS=(new tpl --set docs=false --set $'title=a\nb' -o out)
