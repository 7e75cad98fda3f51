# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A post hook that never ends is killed after --hook-timeout.
fixture
printf '#!/bin/sh\nsleep 30\n' >tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust --hook-timeout 1)
TIMEOUT=15
