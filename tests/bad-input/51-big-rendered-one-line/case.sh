# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A 100 MB template file on one line: refused by the input size cap, and the
# diagnostic must not echo the 100 MB line back (64 KiB at most).
fixture
bigfile tpl/template/big.txt 100000000
ARGS=(new tpl -o out)
