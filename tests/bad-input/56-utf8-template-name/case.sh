# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A template file name that is not UTF-8: refused, not written under one
# name while .genship.yml records another (U+FFFD).
fixture
mkdir "tpl/template/d$(printf '\xff')"
echo x >"tpl/template/d$(printf '\xff')/f.txt"
ARGS=(new tpl -o out)
