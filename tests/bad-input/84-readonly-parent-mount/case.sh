# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# The target's parent is a read-only mount.
fixture
mkdir ro
SETUP='mount -t tmpfs -o size=64k,ro tmpfs ro'
SKIP_REASON='cannot mount a read-only tmpfs (needs root or CAP_SYS_ADMIN)'
ARGS=(new tpl -o ro/out)
