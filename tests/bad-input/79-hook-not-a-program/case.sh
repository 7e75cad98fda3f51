# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An executable hook that is neither a binary nor a #! script.
fixture
printf 'echo no shebang\n' >tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
