# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A .genship.yml whose files section names a path outside the project:
# the error points at the entry.
fixture
project p
sed -i '16s/README.md:/..\/evil.md:/' p/.genship.yml
ARGS=(update p --no-hooks)
