# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The target's file system (a 64 KiB tmpfs) fills up while staging.
fixture
bigfile tpl/template/data.txt 1000000 lines
mkdir disk
SETUP='mount -t tmpfs -o size=64k tmpfs disk'
SKIP_REASON='cannot mount a tmpfs (needs root or CAP_SYS_ADMIN)'
ARGS=(new tpl -o disk/out)
