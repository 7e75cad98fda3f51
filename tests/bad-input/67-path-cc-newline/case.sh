# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter file name rendering a newline.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo hi >'cc/{{cookiecutter.slug}}/{{cookiecutter.name}}.txt'
printf '{"name": "x", "slug": "demo"}\n' >cc/cookiecutter.json
ARGS=(new cc --no-input --set $'name=a\nb')
