# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A template whose path renders into .git only through a variable, in
# another letter case: .GIT/hooks/pre-commit is refused all the same.
fixture
mkdir -p 'tpl/template/{{ "." ~ "GIT" }}/hooks'
printf '#!/bin/sh\ntouch pwned\n' >'tpl/template/{{ "." ~ "GIT" }}/hooks/pre-commit'
ARGS=(new tpl -o out --no-hooks)
