#!/usr/bin/env bash
# Benchmark `genship validate` on the built-in service template.
#   bench/validate.sh [GENSHIP_BINARY]
# Two runs: render plus built-in checks only (--lint builtin), then every
# linter.  Prints the number of combinations, files rendered, unique files
# and contents, linter invocations (what deduplication saved) and timings.
# A benchmark, not a test: it exits 0 whether or not validate finds
# anything.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
genship=${1:-$here/../genship}
export GENSHIP_LINT_DIR=${GENSHIP_LINT_DIR:-$here/../tools/lint}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: time one validate run and summarise its JSON report.
run() {
	local name=$1 start end status=0
	shift
	start=$(date +%s.%N)
	"$genship" validate service --format json "$@" >"$tmp/$name.json" ||
		status=$?
	end=$(date +%s.%N)
	if [ "$status" -gt 1 ]; then
		echo "validate ($name) failed with status $status" >&2
		return 1
	fi
	python3 - "$tmp/$name.json" "$name" "$start" "$end" <<'EOF'
import json
import sys

path, name, start, end = sys.argv[1:]
r = json.load(open(path))
s = r["stats"]
print(f"validate ({name}): {r['combinations']} combinations, "
      f"{r['failed']} failing; {s['files']} files rendered, "
      f"{s['unique_files']} unique (path, content), "
      f"{s['unique_contents']} unique contents")
print(f"  render + built-in checks {s['render_seconds']:.2f} s; "
      f"external linters {s['external_seconds']:.1f} s in "
      f"{s['invocations']} invocations; wall {float(end) - float(start):.1f} s")
for l in r["linters"]:
    if l["ran"] and l["name"] != "builtin":
        print(f"  {l['name']:17} {l['files']:5} unique inputs, "
              f"{l['invocations']:4} invocations, {l['seconds']:6.1f} s")
    elif not l["ran"] and l["skipped"] != "not chosen with --lint":
        print(f"  {l['name']:17} skipped: {l['skipped']}")
EOF
}

echo "machine: $(nproc) cores; -j defaults to the number of cores"
echo "linters (validate --list-linters):"
"$genship" validate --list-linters | sed 's/^/  /'
run builtin --lint builtin
run full
