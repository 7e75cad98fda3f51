# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A 60-byte template whose loops would write 100 MB.
fixture
printf '{%% for i in range(1000) %%}{%% for j in range(1000) %%}%s{%% endfor %%}{%% endfor %%}\n' \
	"$(repeat x 100)" >tpl/template/loop.txt
ARGS=(new tpl -o out)
