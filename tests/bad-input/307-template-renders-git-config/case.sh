# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A third-party template that renders .git/config (core.fsmonitor would
# run its command on the user's next git status), without --trust: the
# path is reserved, the error names the template file, nothing is written.
fixture
mkdir -p tpl/template/.git
printf '[core]\n\tfsmonitor = touch pwned\n' >tpl/template/.git/config
ARGS=(new tpl -o out --no-hooks)
