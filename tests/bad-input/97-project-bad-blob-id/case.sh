# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A .genship.yml whose blob id is not 40 hex digits.
fixture
project p
sed -i '16s/: .*/: zzzz/' p/.genship.yml
ARGS=(check p)
