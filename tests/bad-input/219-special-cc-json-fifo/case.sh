# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A FIFO as cookiecutter.json: refused at once.
mkdir -p 'cc/{{cookiecutter.name}}'
echo hi >'cc/{{cookiecutter.name}}/a.txt'
mkfifo cc/cookiecutter.json
ARGS=(new ./cc -o out)
TIMEOUT=10
