#!/usr/bin/env bash
# make bench: side-by-side medians, not a timed test.
#   bench/run.sh GENSHIP_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/bench.py" "$@"
