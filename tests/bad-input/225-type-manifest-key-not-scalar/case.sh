# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A sequence as a key, which libcyaml failed on without a message.
fixture
printf '? [colour]\n: blue\n' >>tpl/genship.yml
ARGS=(new tpl -o out)
