# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter.json that ends inside its object.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo 'hi {{cookiecutter.name}}' >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"name": "x",\n "slug": "demo"\n' >cc/cookiecutter.json
ARGS=(new cc --no-input)
