# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# check of a project whose docs/ directory is a symlink to a directory
# outside: check does not read through it.
fixture
project p
mkdir outside
mv p/docs outside/docs
ln -s ../outside/docs p/docs
ARGS=(check p)
