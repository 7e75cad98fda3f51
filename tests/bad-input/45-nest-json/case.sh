# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A cookiecutter.json with a 10,000-deep array.
mkdir -p 'cc/{{cookiecutter.slug}}'
echo hi >'cc/{{cookiecutter.slug}}/a.txt'
printf '{"slug": "demo", "a": %s%s}\n' "$(repeat '[' 10000)" \
	"$(repeat ']' 10000)" >cc/cookiecutter.json
ARGS=(new cc --no-input)
