# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# An integer with trailing text, which libcyaml read as its digits.
fixture
sed -i '17s/1024/1024k/' tpl/genship.yml
ARGS=(new tpl -o out)
