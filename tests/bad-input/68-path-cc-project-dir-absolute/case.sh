# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter project directory rendering an absolute path.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"name": "x", "slug": "demo"}\n' >cc/cookiecutter.json
ARGS=(new cc --no-input --set slug=/etc/x)
