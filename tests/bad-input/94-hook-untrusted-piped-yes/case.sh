# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A third-party template's hooks without --trust: a 'y' piped into a
# non-interactive stdin is not consent.
fixture
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
STDIN=$'y\n'
ARGS=(new tpl -o out)
