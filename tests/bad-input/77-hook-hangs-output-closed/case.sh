# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A post hook that sends its output away and then never ends: the timeout
# must hold even after the hook's stdout and stderr are closed.
fixture
printf '#!/bin/sh\nexec >/dev/null 2>&1\nsleep 30\n' >tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust --hook-timeout 1)
TIMEOUT=8
