# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# With --force, a directory of the target that is a symlink to outside.
fixture
mkdir outside out
ln -s ../outside out/docs
ARGS=(new tpl -o out --force)
