# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter.json holding an array: the error points at it.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '["name", "slug"]\n' >cc/cookiecutter.json
ARGS=(new cc --no-input)
