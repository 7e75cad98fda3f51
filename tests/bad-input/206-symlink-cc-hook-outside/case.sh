# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter hook that is a symlink to a script outside the template.
mkdir -p 'cc/{{cookiecutter.slug}}' cc/hooks outside
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"slug": "demo"}\n' >cc/cookiecutter.json
printf '#!/bin/sh\necho outside\n' >outside/h.sh
chmod +x outside/h.sh
ln -s ../../outside/h.sh cc/hooks/post_gen_project.sh
ARGS=(new cc --no-input --trust)
