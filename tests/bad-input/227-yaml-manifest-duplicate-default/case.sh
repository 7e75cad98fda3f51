# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A second default for one option, which libcyaml skipped silently.
fixture
sed -i '16a\    default: 9090' tpl/genship.yml
ARGS=(new tpl -o out)
