# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The template's hooks/ directory is a symlink to a directory outside.
fixture
mkdir outside
mv tpl/hooks outside/hooks
ln -s ../outside/hooks tpl/hooks
printf 'hooks:\n  post: [post.sh]\n' >>tpl/genship.yml
ARGS=(new tpl -o out --trust)
