# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter template whose project directory is a symlink to a
# directory outside the template: its files would all look inside.
mkdir -p cc outside/proj
echo secret >outside/proj/s.txt
ln -s ../outside/proj 'cc/{{cookiecutter.slug}}'
printf '{"slug": "demo"}\n' >cc/cookiecutter.json
ARGS=(new cc --no-input)
