# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The template's template/ directory itself is a symlink to a directory
# outside the template: the links below it would all look inside.
fixture
mkdir outside
mv tpl/template outside/tree
ln -s ../outside/tree tpl/template
ARGS=(new tpl -o out)
