# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# update of a project whose file was replaced by a symlink to outside:
# refused before anything is read through it or printed as a plan.
fixture
project p
mkdir outside
echo mine >outside/README.md
rm p/README.md
ln -s ../outside/README.md p/README.md
ARGS=(update p --no-hooks --set project_name=other-app)
