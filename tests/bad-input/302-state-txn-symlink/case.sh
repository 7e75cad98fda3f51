# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A sealed update transaction whose write list leads through a symlink
# the project holds (docs -> a directory outside): refused, nothing
# written through the link.
fixture
project p
sealed_update p --no-hooks --set project_name=other-app
mkdir elsewhere
mv p/docs p/docs.real
ln -s ../elsewhere p/docs
sed -i '1s| README.md$| docs/evil.md|' p/.genship-update/write
ARGS=(update p --no-hooks)
