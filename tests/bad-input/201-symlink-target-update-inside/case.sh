# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# update of a project whose README.md is a symlink to another file of the
# project: reading it is fine (it stays inside), but update does not write
# through a symlink, and says so before it prints any plan.
fixture
project p
cp p/README.md p/docs/readme-copy.md
rm p/README.md
ln -s docs/readme-copy.md p/README.md
ARGS=(update p --no-hooks --set project_name=other-app)
