# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A file name rendering to an absolute path from an answer.
fixture
echo x >'tpl/template/{{ title }}'
ARGS=(new tpl --set docs=false --set title=/etc/passwd -o out)
