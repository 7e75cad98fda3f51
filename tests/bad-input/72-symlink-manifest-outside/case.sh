# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A genship.yml that is a symlink to a file outside the template: genship
# never follows a symlink out of the template.
fixture
mkdir outside
mv tpl/genship.yml outside/genship.yml
ln -s ../outside/genship.yml tpl/genship.yml
ARGS=(new tpl -o out)
