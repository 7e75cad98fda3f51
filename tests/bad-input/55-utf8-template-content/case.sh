# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A template whose text holds bytes that are not UTF-8: Jinja2 cannot load
# it, so genship refuses it and points at the byte.
fixture
printf 'hello \xff\xfe {{ project_name }}\n' >tpl/template/bad.txt
ARGS=(new tpl -o out)
