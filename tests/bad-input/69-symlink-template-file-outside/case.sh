# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A template file that is a relative symlink to a file outside the template.
fixture
mkdir outside
echo secret >outside/s
ln -s ../../outside/s tpl/template/secret.txt
ARGS=(new tpl -o out)
