# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# With --force, a file of the target that is a symlink to a file outside.
fixture
mkdir outside out
echo mine >outside/README.md
ln -s ../outside/README.md out/README.md
ARGS=(new tpl -o out --force)
