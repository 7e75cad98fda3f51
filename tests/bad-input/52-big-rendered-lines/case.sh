# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A 100 MB template file of 80-column lines: refused by the input size cap.
fixture
bigfile tpl/template/big.txt 100000000 lines
ARGS=(new tpl -o out)
