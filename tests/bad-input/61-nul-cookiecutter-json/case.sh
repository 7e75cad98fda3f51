# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter variable holding a NUL (JSON "\u0000") rendered into a
# path name: refused, with the template path and position.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo hi >'cc/{{cookiecutter.slug}}/{{cookiecutter.name}}.txt'
printf '{"name": "a\\u0000b", "slug": "demo"}\n' >cc/cookiecutter.json
ARGS=(new cc --no-input)
