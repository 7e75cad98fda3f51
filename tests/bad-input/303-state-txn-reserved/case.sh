# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A sealed update transaction whose write list names .git/config: no
# transaction may touch a reserved path.
fixture
project p
sealed_update p --no-hooks --set project_name=other-app
mkdir -p p/.git
echo '[core]' >p/.git/config
sed -i '1s| README.md$| .git/config|' p/.genship-update/write
ARGS=(update p --no-hooks)
