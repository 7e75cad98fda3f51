# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A project whose recorded answers name an option the template dropped:
# update warns, drops the answer and rewrites only .genship.yml.
fixture
project p
sed -i '12a\  old_flag: true' p/.genship.yml
ARGS=(update p --no-hooks)
