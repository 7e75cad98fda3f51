# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A 100 MB file copied without rendering (render: false) must meet a size
# limit too: nothing bounds the plan, which holds every file in memory.
fixture
bigfile tpl/template/big.bin 100000000 lines
ARGS=(new tpl -o out)
