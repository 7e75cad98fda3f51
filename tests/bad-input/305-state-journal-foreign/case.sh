# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A directory beside the target that looks like a crashed `genship new
# --force` (a journal that would move the target's files away): genship
# did not create it, so new --force refuses it and leaves everything.
fixture
project p
mkdir -p .p.genship-1-AbCdEf/tree
printf 'x %s 0 README.md\0' "$(stat -c %i p/README.md)" \
	>.p.genship-1-AbCdEf/journal
ARGS=(new tpl -o p --force --no-hooks)
