#!/usr/bin/env bash
# Build the libFuzzer harnesses (tests/fuzz/fuzz-*.c) with clang and run
# each in turn.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# SECONDS (default 60) is how long each harness fuzzes; 0 only replays the
# regression cases and the seed corpus.  HARNESS names are like "tpl" or
# "fuzz-tpl"; the default is every harness.  For each harness the script
#   1. replays tests/fuzz/regressions/NAME/* (inputs that once crashed);
#   2. fuzzes for SECONDS from tests/fuzz/corpus/NAME (read-only seeds)
#      and a working corpus kept in the output directory, with
#      tests/fuzz/NAME.dict when there is one;
#   3. prints PASS or FAIL, and the executions reached and their rate
#      (libFuzzer's stat::number_of_executed_units and
#      stat::average_exec_per_sec).
# It ends with automake's "# PASS:" and "# FAIL:" lines (one pass or
# fail per harness), which .ci/run adds to its summary, and exits 1 if any
# harness did not build, crashed, leaked, timed out or ran out of memory;
# the failing input is saved under OUT/artifacts/NAME/.
#
# Environment:
#   GENSHIP_BUILD_DIR  the configured build directory holding config.h
#                      (default: the source directory)
#   FUZZ_OUT           objects, binaries, logs, working corpora and
#                      artifacts (default: $GENSHIP_BUILD_DIR/fuzz-out)
#   FUZZ_CC            clang with libFuzzer (default: clang)
#   FUZZ_JOBS          parallel compiles (default: 2)
#   FUZZ_REBUILD       1: rebuild the library even if no source is newer
#   FUZZ_TIMEOUT       seconds one input may take (default: 20)
#   FUZZ_RSS_MB        memory limit of a run in MB (default: 2048)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir=$(cd "${GENSHIP_BUILD_DIR:-$srcdir}" && pwd)
out=${FUZZ_OUT:-$builddir/fuzz-out}
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-2}
timeout=${FUZZ_TIMEOUT:-20}
rss_mb=${FUZZ_RSS_MB:-2048}
pkgs=(yaml-0.1 libcyaml libgit2 jansson)

die() {
	printf 'fuzz: %s\n' "$*" >&2
	exit 2
}

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || die "SECONDS must be a whole number: '$seconds'"
shift || true
[[ -f $builddir/config.h ]] ||
	die "no config.h in $builddir: run configure, or set GENSHIP_BUILD_DIR"
command -v "$cc" >/dev/null || die "'$cc' not found: install clang"
pkg-config --exists "${pkgs[@]}" ||
	die "pkg-config cannot find ${pkgs[*]}: install their -dev packages"

cppflags=(-include "$builddir/config.h" -I"$builddir" -I"$srcdir/src"
	-I"$builddir/src")
warnings=(-std=c11 -Wall -Wextra -Wmissing-prototypes -Wshadow
	-Wwrite-strings -Wno-unused-parameter)
sanitize=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all)
read -r -a pkg_cflags <<<"$(pkg-config --cflags "${pkgs[@]}")"
read -r -a pkg_libs <<<"$(pkg-config --libs "${pkgs[@]}")"

# The .c files of libgenship_a_SOURCES in Makefile.am, main.c excluded.
lib_sources() {
	awk '/^libgenship_a_SOURCES[ \t]*=/ { on = 1 }
	     on { print; if ($0 !~ /\\$/) exit }' "$srcdir/Makefile.am" |
		tr -s '[:blank:]\134' '\n' | grep '\.c$' | grep -vx 'src/main.c'
}

# Generate builtin-data.c (the embedded templates) with embed-gen.
gen_builtin() {
	local files
	"$cc" "${warnings[@]}" "${cppflags[@]}" -O1 \
		-o "$out/embed-gen" "$srcdir/src/embed-gen.c"
	mapfile -t files < <(cd "$srcdir" &&
		find templates hooks -type f | LC_ALL=C sort)
	(cd "$srcdir" && "$out/embed-gen" "${files[@]}") \
		>"$out/builtin-data.c.tmp"
	mv "$out/builtin-data.c.tmp" "$out/builtin-data.c"
}

# Compile one library source ($1) into the object directory.
compile_one() {
	local obj
	obj="$out/obj/$(basename "${1%.c}").o"
	"$cc" "${warnings[@]}" "${cppflags[@]}" "${pkg_cflags[@]}" \
		"${sanitize[@]}" -fsanitize=fuzzer-no-link,address,undefined \
		-c "$1" -o "$obj"
}

# True when the library must be rebuilt: missing, or older than a source.
lib_stale() {
	local lib=$out/libgenship-fuzz.a
	[[ ${FUZZ_REBUILD:-0} == 1 || ! -f $lib ]] && return 0
	[[ -n $(find "$srcdir/src" "$srcdir/templates" "$srcdir/hooks" \
		"$srcdir/Makefile.am" "$builddir/config.h" -newer "$lib" \
		-print -quit) ]]
}

# Build libgenship-fuzz.a from every library source, FUZZ_JOBS at once.
build_lib() {
	local src failed=0 running=0
	local -a srcs
	mapfile -t srcs < <(lib_sources)
	((${#srcs[@]})) || die "no sources found in $srcdir/Makefile.am"
	rm -rf "$out/obj"
	mkdir -p "$out/obj"
	gen_builtin
	for src in "${srcs[@]/#/$srcdir/}" "$out/builtin-data.c"; do
		if ((running >= jobs)); then
			wait -n || failed=1
			running=$((running - 1))
		fi
		compile_one "$src" &
		running=$((running + 1))
	done
	while ((running > 0)); do
		wait -n || failed=1
		running=$((running - 1))
	done
	((failed == 0)) || die "compiling the library failed"
	rm -f "$out/libgenship-fuzz.a"
	ar cr "$out/libgenship-fuzz.a" "$out"/obj/*.o
}

# Link harness $1 (e.g. "tpl") against the library; false if it fails.
build_harness() {
	"$cc" "${warnings[@]}" "${cppflags[@]}" "${pkg_cflags[@]}" \
		"${sanitize[@]}" -fsanitize=fuzzer,address,undefined \
		"$here/fuzz-$1.c" "$out/libgenship-fuzz.a" "${pkg_libs[@]}" -lm \
		-o "$out/fuzz-$1" && return 0
	printf 'FAIL: %s: the harness does not build\n' "$1"
	return 1
}

# The final stat $2 (e.g. number_of_executed_units) in libFuzzer log $1.
final_stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

# Replay the regression cases of harness $1; false on any failure.
replay() {
	local dir=$here/regressions/$1 log=$out/logs/$1.replay.log
	local -a cases
	[[ -d $dir ]] || return 0
	mapfile -t cases < <(find "$dir" -type f | LC_ALL=C sort)
	((${#cases[@]})) || return 0
	if ! "$out/fuzz-$1" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
		"${cases[@]}" >"$log" 2>&1; then
		printf 'FAIL: %s: a regression case fails again\n' "$1"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:)|Running: ' "$log" |
			tail -n 5
		return 1
	fi
	printf '%s: %d regression cases pass\n' "$1" "${#cases[@]}"
}

# Fuzz harness $1 for $seconds; false on a crash, leak or timeout.
fuzz_one() {
	local name=$1 log=$out/logs/$1.log n status=0
	local -a opts=(-timeout="$timeout" -rss_limit_mb="$rss_mb"
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name/")
	mkdir -p "$out/corpus/$name" "$out/artifacts/$name"
	[[ -f $here/$name.dict ]] && opts+=(-dict="$here/$name.dict")
	if ((seconds > 0)); then
		opts+=(-max_total_time="$seconds")
	else
		opts+=(-runs=0)
	fi
	"$out/fuzz-$name" "${opts[@]}" "$out/corpus/$name" \
		"$here/corpus/$name" >"$log" 2>&1 || status=$?
	n=$(final_stat "$log" number_of_executed_units)
	if ((status != 0)); then
		printf 'FAIL: %s: exit %d after %s executions (log: %s)\n' \
			"$name" "$status" "${n:-?}" "$log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:|artifact_prefix)' \
			"$log" | tail -n 6
		return 1
	fi
	printf 'PASS: %s: %s executions in %d s (%s/s)\n' "$name" "${n:-?}" \
		"$seconds" "$(final_stat "$log" average_exec_per_sec)"
}

# Print the summary in automake's format, which CI adds up: one pass or
# fail per harness.
summary() {
	printf '# TOTAL: %d\n# PASS:  %d\n# FAIL:  %d\n' $(($1 + $2)) "$1" "$2"
}

main() {
	local name passed=0 failed=0
	local -a names=("$@")
	if ((${#names[@]} == 0)); then
		for name in "$here"/fuzz-*.c; do
			name=${name##*/fuzz-}
			names+=("${name%.c}")
		done
	fi
	mkdir -p "$out/logs" "$out/tmp"
	# Harnesses that need files (cookiecutter) make them here, where a
	# crash, which skips their cleanup, leaves them.
	export TMPDIR=$out/tmp
	if lib_stale; then
		printf 'fuzz: building the library in %s\n' "$out"
		build_lib
	fi
	for name in "${names[@]}"; do
		name=${name#fuzz-}
		name=${name%.c}
		[[ -f $here/fuzz-$name.c ]] || die "no harness '$name'"
		if build_harness "$name" && replay "$name" &&
			fuzz_one "$name"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	summary "$passed" "$failed"
	((failed == 0)) || exit 1
}

main "$@"
