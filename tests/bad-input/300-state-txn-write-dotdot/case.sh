# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A sealed update transaction whose write list was tampered with to name
# a file outside the project: the rerun that would finish it refuses the
# list at its line, and the file outside is untouched.
fixture
project p
sealed_update p --no-hooks --set project_name=other-app
echo 'precious' >outside.txt
sed -i '1s| README.md$| ../outside.txt|' p/.genship-update/write
ARGS=(update p --no-hooks)
