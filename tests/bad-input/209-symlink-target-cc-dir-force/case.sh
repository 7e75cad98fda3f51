# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# With -f into an existing target, a directory the cookiecutter template
# creates (empty, so only as a directory) lies below a symlink of the
# target that points outside: creating it would write through the link.
mkdir -p 'cc/{{cookiecutter.slug}}/logs/archive' outside out
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"slug": "out"}\n' >cc/cookiecutter.json
ln -s ../outside out/logs
ARGS=(new cc --no-input -f)
