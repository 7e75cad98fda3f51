# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The same project under check: the drift gate must say that update would
# drop the recorded answer, not stay silent.
fixture
project p
sed -i '12a\  old_flag: true' p/.genship.yml
ARGS=(check p)
