# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A .genship.yml recording a word for an int option (check).
fixture
project p
sed -i '11s/8080/eighty/' p/.genship.yml
ARGS=(check p)
