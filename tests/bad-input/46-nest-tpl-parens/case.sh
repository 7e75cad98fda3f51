# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An expression nested 10,000 parentheses deep.
fixture
printf '{{ %s1%s }}\n' "$(repeat '(' 10000)" "$(repeat ')' 10000)" \
	>tpl/template/deep.txt
ARGS=(new tpl -o out)
