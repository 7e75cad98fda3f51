# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A file rule's when-expression nested 10,000 parentheses deep.
fixture
sed -i "37s/when: docs/when: \"$(repeat '(' 10000)docs$(repeat ')' 10000)\"/" tpl/genship.yml
ARGS=(new tpl -o out)
