#!/usr/bin/env bash
# Benchmark `genship validate --all` on the built-in service template.
#   bench/validate.sh [GENSHIP_BINARY]
#   BENCH_RUNS=N   rounds (default 3)
#   BENCH_BASELINE=BINARY  another genship (say, of an earlier commit) to
#                  compare: each round runs it with every linter right
#                  after GENSHIP_BINARY's full run, and the summary gives
#                  the ratio of the medians.  Put it in this tree's top
#                  directory so that it finds the helpers beside it.
# Each round runs render plus built-in checks only (--lint builtin), then
# every linter, side by side; the summary gives the median wall time of
# each, the load average around the runs, and for the last full run the
# number of combinations, files rendered, unique files and contents,
# linter invocations (what deduplication saved) and each linter's wall and
# CPU time.  A benchmark, not a test: it exits 0 whether or not validate
# finds anything.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
genship=${1:-$here/../genship}
export GENSHIP_LINT_DIR=${GENSHIP_LINT_DIR:-$here/../tools/lint}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME BINARY ARGS...: time one validate --all run; appends "NAME
# START END" to $tmp/times and keeps its JSON report as $tmp/NAME.json.
run() {
	local name=$1 binary=$2 start end status=0
	shift 2
	start=$(date +%s.%N)
	"$binary" validate service --all --format json "$@" \
		>"$tmp/$name.json" 2>"$tmp/$name.err" || status=$?
	end=$(date +%s.%N)
	if [ "$status" -gt 1 ]; then
		echo "validate ($name) failed with status $status" >&2
		tail -n 5 "$tmp/$name.err" >&2
		return 1
	fi
	echo "$name $start $end" >>"$tmp/times"
}

# summary: the medians side by side, then the last full run's details.
summary() {
	python3 - "$tmp" <<'EOF'
import json
import statistics
import sys

tmp = sys.argv[1]
times = {}
for line in open(f"{tmp}/times"):
    name, start, end = line.split()
    times.setdefault(name, []).append(float(end) - float(start))
print(f"validate --all, median wall time of {len(times['full'])} rounds "
      "(each round: builtin, full, then baseline if given):")
for name in ("builtin", "full", "baseline"):
    if name not in times:
        continue
    t = sorted(times[name])
    print(f"  {name:8} {statistics.median(t):7.1f} s   "
          f"(runs: {', '.join(f'{x:.1f}' for x in t)})")
if "baseline" in times:
    ratio = statistics.median(times["full"]) / statistics.median(
        times["baseline"])
    print(f"  full / baseline: {ratio:.2f}")
r = json.load(open(f"{tmp}/full.json"))
s = r["stats"]
print(f"last full run: {r['combinations']} combinations, "
      f"{r['failed']} failing; {s['files']} files rendered, "
      f"{s['unique_files']} unique (path, content), "
      f"{s['unique_contents']} unique contents")
print(f"  render + built-in checks {s['render_seconds']:.2f} s "
      f"({s['render_cpu_seconds']:.2f} s CPU); external linters "
      f"{s['external_seconds']:.1f} s in {s['invocations']} invocations")
cpu = s["render_cpu_seconds"]
for l in r["linters"]:
    if l["ran"] and l["name"] != "builtin":
        cpu += l["cpu_seconds"]
        print(f"  {l['name']:17} {l['files']:5} unique inputs, "
              f"{l['invocations']:4} invocations, {l['seconds']:6.1f} s, "
              f"{l['cpu_seconds']:6.1f} s CPU")
    elif not l["ran"] and l["skipped"] != "not chosen with --lint":
        print(f"  {l['name']:17} skipped: {l['skipped']}")
print(f"  CPU in all: {cpu:.1f} s (genship's render and every linter process)")
EOF
}

echo "machine: $(nproc) cores; -j defaults to the number of cores"
echo "linters (validate --list-linters):"
"$genship" validate --list-linters | sed 's/^/  /'
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "${BENCH_RUNS:-3}"); do
	run builtin "$genship" --lint builtin
	run full "$genship"
	if [ -n "${BENCH_BASELINE:-}" ]; then
		run baseline "$BENCH_BASELINE"
	fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
summary
