# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# With --force into an existing target whose docs/ is another file system
# (a tmpfs mount): README.md is swapped in first, then the move into docs/
# fails (EXDEV), which no check beforehand can foresee.  The commit must
# roll back: README.md is the user's again and nothing else changed.
fixture
mkdir -p out/docs
echo mine >out/NOTES.txt
echo old >out/README.md
SETUP='mount -t tmpfs -o size=64k tmpfs out/docs'
SKIP_REASON='cannot mount a tmpfs (needs root or CAP_SYS_ADMIN)'
ARGS=(new tpl -o out --force)
