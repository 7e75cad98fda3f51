# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A template directory that is a symlink to a directory outside.
fixture
mkdir outside
echo secret >outside/s
ln -s ../../outside tpl/template/linkdir
ARGS=(new tpl -o out)
