# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# With --force, a trusted hook leaves notes/ as a symlink to a directory
# outside, where the target has a notes/ directory of its own.  Hook
# output is moved in without following links: the target's notes/ wins
# and nothing is taken from (or put into) the outside directory.
fixture
mkdir -p outside/notes out/notes
echo secret >outside/notes/secret.md
echo mine >out/notes/mine.md
printf '#!/bin/sh\nln -s %s notes\n' "$PWD/outside/notes" >tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --force --trust)
