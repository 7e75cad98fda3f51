#!/bin/sh
# The architecture gate, as a TAP test: tools/module-graph --check on the
# built objects.  No module may call back into one that calls it (the
# template evaluator and its function tables excepted) and no .c file may
# be over 2,000 lines.
top=$(cd "$(dirname "$0")/../.." && pwd)
echo "1..1"
if out=$(python3 "$top/tools/module-graph" --check "${BUILDDIR:-.}/src" 2>&1); then
	echo "ok 1 - no loop of calls among src/ modules, no .c file over 2,000 lines"
else
	echo "$out" | sed 's/^/# /'
	echo "not ok 1 - module loops or oversized files (tools/module-graph)"
fi
