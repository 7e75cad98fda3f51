# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# 10,000 nested for blocks.
fixture
printf '%sx%s\n' "$(repeat '{% for x in extras %}' 10000)" \
	"$(repeat '{% endfor %}' 10000)" >tpl/template/deep.txt
ARGS=(new tpl -o out)
