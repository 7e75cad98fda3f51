# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A project whose .genship.yml is a symlink to an answers file outside
# it: update does not read (nor later replace) it.
fixture
project p
mkdir outside
mv p/.genship.yml outside/answers.yml
ln -s ../outside/answers.yml p/.genship.yml
ARGS=(update p --no-hooks --set port=9000)
