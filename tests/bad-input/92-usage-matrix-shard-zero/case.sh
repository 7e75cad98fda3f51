# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# matrix --shard 0/3: shards count from 1.
fixture
ARGS=(matrix tpl --shard 0/3)
