# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter.json with a byte that is not UTF-8.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"name": "x\xff", "slug": "demo"}\n' >cc/cookiecutter.json
ARGS=(new cc --no-input)
