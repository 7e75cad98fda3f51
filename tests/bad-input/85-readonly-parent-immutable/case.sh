# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The target's parent is immutable (chattr +i stops even root).
fixture
mkdir parent
SETUP='chattr +i parent'
SKIP_REASON='cannot set the immutable flag here (needs root and ext4/xfs/btrfs)'
ARGS=(new tpl -o parent/out)
