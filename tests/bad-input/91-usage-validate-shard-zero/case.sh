# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# validate --shard 0/3: shards count from 1.
fixture
ARGS=(validate tpl --shard 0/3)
