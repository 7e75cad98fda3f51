# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A post hook that exits 3: its output passes through, nothing is left.
fixture
printf '#!/bin/sh\necho "about to fail" >&2\nexit 3\n' >tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
