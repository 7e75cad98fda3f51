# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter template whose cookiecutter.json is a symlink to a file
# outside the template.
mkdir -p 'cc/{{cookiecutter.slug}}' outside
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"slug": "demo"}\n' >outside/cookiecutter.json
ln -s ../outside/cookiecutter.json cc/cookiecutter.json
ARGS=(new cc --no-input)
