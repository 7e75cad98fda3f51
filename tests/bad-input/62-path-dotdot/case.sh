# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A directory name rendering to '..' from an answer.
fixture
mkdir 'tpl/template/{{ title }}'
echo x >'tpl/template/{{ title }}/escape.txt'
ARGS=(new tpl --set docs=false --set title=.. -o out)
