# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A hook that is a symlink to a script outside the template.
fixture
mkdir outside
printf '#!/bin/sh\necho outside\n' >outside/h.sh
chmod +x outside/h.sh
rm tpl/hooks/post.sh
ln -s ../../outside/h.sh tpl/hooks/post.sh
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
