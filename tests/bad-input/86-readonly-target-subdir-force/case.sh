# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# With --force into an existing target whose docs/ is immutable: the run
# fails, and must not leave the target half overwritten.
fixture
mkdir -p out/docs
echo mine >out/NOTES.txt
SETUP='chattr +i out/docs'
SKIP_REASON='cannot set the immutable flag here (needs root and ext4/xfs/btrfs)'
ARGS=(new tpl -o out --force)
