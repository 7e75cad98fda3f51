# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A sealed update transaction whose delete list names an absolute path:
# refused at its line, nothing removed.
fixture
project p
sealed_update p --no-hooks --set project_name=other-app
echo 'precious' >outside.txt
printf '%s %s\n' "$(git hash-object outside.txt)" "$PWD/outside.txt" \
	>p/.genship-update/delete
ARGS=(update p --no-hooks)
