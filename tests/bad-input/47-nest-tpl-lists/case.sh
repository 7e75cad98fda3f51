# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A list literal nested 10,000 deep.
fixture
printf '{{ %s%s }}\n' "$(repeat '[' 10000)" "$(repeat ']' 10000)" \
	>tpl/template/deep.txt
ARGS=(new tpl -o out)
