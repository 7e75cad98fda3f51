# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# 10,000 nested if blocks.
fixture
printf '%sx%s\n' "$(repeat '{% if docs %}' 10000)" \
	"$(repeat '{% endif %}' 10000)" >tpl/template/deep.txt
ARGS=(new tpl -o out)
