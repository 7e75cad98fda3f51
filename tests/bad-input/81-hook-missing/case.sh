# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The manifest names a hook that hooks/ does not hold: the error points
# at the name in the manifest.
fixture
printf 'hooks:\n  post: [nope.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
