# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A hook file without the execute bit.
fixture
chmod -x tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
