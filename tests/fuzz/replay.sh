#!/usr/bin/env bash
# Replay the fuzzers' inputs in `make check`: a TAP producer for automake's
# tap-driver.  For each harness tests/fuzz/fuzz-NAME.c, the standalone
# build tests/fuzz/replay-NAME (replay-main.c: no libFuzzer needed) runs
# every file of tests/fuzz/regressions/NAME/ (inputs that once crashed or
# hung) and tests/fuzz/corpus/NAME/ (the seeds) in one process.  A crash, a
# broken harness property, a sanitizer or valgrind error, or a run longer
# than FUZZ_REPLAY_TIMEOUT seconds (default 600) fails that harness's test
# point; the last lines of its stderr follow as `#` lines.
#
# Environment: GENSHIP_WRAPPER (e.g. valgrind, or empty), TOP_SRCDIR (the
# source tree; by default the tree holding this script), GENSHIP_BUILD_DIR
# (where replay-NAME were built; by default the current directory, which
# is where automake runs tests).

# automake runs .sh tests with $(SHELL), which need not be bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$here/../.." && pwd)}
fuzzdir=$TOP_SRCDIR/tests/fuzz
bindir=${GENSHIP_BUILD_DIR:-$PWD}/tests/fuzz
limit=${FUZZ_REPLAY_TIMEOUT:-600}
read -ra wrapper <<<"${GENSHIP_WRAPPER:-}"

log=$(mktemp "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX")
trap 'rm -f "$log"' EXIT

# The harness names, from tests/fuzz/fuzz-NAME.c.
harnesses() {
	local f
	for f in "$fuzzdir"/fuzz-*.c; do
		f=${f##*/fuzz-}
		printf '%s\n' "${f%.c}"
	done
}

# files DIR: the files below DIR, sorted; nothing when DIR is missing.
files() {
	[[ -d $1 ]] || return 0
	find "$1" -type f | LC_ALL=C sort
}

# replay NUM NAME: one test point for harness NAME.
replay() {
	local num=$1 name=$2 bin=$bindir/replay-$2 status=0 nreg
	local -a inputs
	mapfile -t inputs < <(files "$fuzzdir/regressions/$name")
	nreg=${#inputs[@]}
	mapfile -t -O "$nreg" inputs < <(files "$fuzzdir/corpus/$name")
	if [[ ! -x $bin ]]; then
		echo "not ok $num - $name: no replay program '$bin'"
		return
	fi
	if ((${#inputs[@]} == 0)); then
		echo "not ok $num - $name: no regression case and no seed"
		return
	fi
	timeout -k 10 "$limit" ${wrapper[@]+"${wrapper[@]}"} "$bin" \
		"${inputs[@]}" >/dev/null 2>"$log" || status=$?
	if ((status == 0)); then
		echo "ok $num - $name: $nreg regression cases and" \
			"$((${#inputs[@]} - nreg)) seeds"
		return
	fi
	if ((status == 124)); then
		echo "not ok $num - $name: still running after $limit s"
	else
		echo "not ok $num - $name: exit $status"
	fi
	tail -n 25 "$log" | cut -c1-300 | sed 's/^/# /'
}

main() {
	local -a names
	local i
	mapfile -t names < <(harnesses)
	echo "1..${#names[@]}"
	for i in "${!names[@]}"; do
		replay "$((i + 1))" "${names[$i]}"
	done
}

main
