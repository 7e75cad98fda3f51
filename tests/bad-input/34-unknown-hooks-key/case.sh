# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An unknown hook stage under hooks.
fixture
printf 'hooks:\n  post: [post.sh]\n  postt: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
