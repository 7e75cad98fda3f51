# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# --answers /dev/zero: a device is refused before a byte is read (it read
# 2 GB, then aborted).
fixture
ARGS=(new tpl -o out --answers /dev/zero)
TIMEOUT=10
