# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An answers file past the 8 MiB cap of data files, located at the first
# byte past the cap; the diagnostic does not echo the line.
fixture
bigfile big.yml 9000000
ARGS=(new tpl -o out --answers big.yml)
