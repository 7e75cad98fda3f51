#!/bin/sh
# helm-render against golden outputs, as TAP.
#
# Each tests/helm/cases/NAME.args holds helm-render's arguments, one per
# line, run from tests/helm so that paths in messages are relative.  Lines
# starting with '#' are comments; "#exit N" sets the expected exit status.
# NAME.out is the expected stdout of a success (stderr must then be
# empty); NAME.err the expected stderr of a failure (exit 1 unless
# "#exit N" says otherwise).
#
#   HELM_RENDER=path/to/helm-render tests/helm/run.sh
#   HELM_REGEN=1 ...      rewrite the golden files from the current output
#
# Also: the output is the same on every run, parses as YAML, and the Go
# sources are gofmt-clean and vet-clean (when GO and GOCODE are set).
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${HELM_RENDER:-}" ] || [ ! -x "$HELM_RENDER" ]; then
	echo "1..0 # SKIP helm-render is not built: needs" \
		"${HELM_RENDER_MISSING:-go and the Go library sources}" \
		"(tools/setup.sh installs them)"
	exit 0
fi
cd "$here" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

# ok NAME / not_ok NAME DETAIL...: one TAP result.
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	printf '%s\n' "$@" | sed 's/^/# /'
}

# run_case ARGS: run helm-render with the arguments in file ARGS; leaves
# $tmp/out, $tmp/err and $status.
run_case() {
	argfile=$1
	set --
	while IFS= read -r line; do
		case "$line" in
		'#'*) ;;
		*) set -- "$@" "$line" ;;
		esac
	done <"$argfile"
	"$HELM_RENDER" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# compare NAME WHAT GOT WANT: pass when the files are equal.
compare() {
	if [ "${HELM_REGEN:-}" = 1 ]; then
		cp "$3" "$4"
	fi
	if [ ! -f "$4" ]; then
		not_ok "$1: $2" "missing golden file $4 (HELM_REGEN=1 writes it)"
	elif cmp -s "$3" "$4"; then
		ok "$1: $2"
	else
		not_ok "$1: $2" "$(diff -u "$4" "$3" | head -n 40)"
	fi
}

for args in cases/*.args; do
	name=$(basename "$args" .args)
	want=$(sed -n 's/^#exit //p' "$args")
	run_case "$args"
	if [ -f "cases/$name.out" ] || { [ "${HELM_REGEN:-}" = 1 ] &&
		[ "$status" -eq 0 ]; }; then
		: "${want:=0}"
		compare "$name" stdout "$tmp/out" "cases/$name.out"
		if [ -s "$tmp/err" ]; then
			not_ok "$name: empty stderr" "$(cat "$tmp/err")"
		else
			ok "$name: empty stderr"
		fi
	else
		: "${want:=1}"
		compare "$name" stderr "$tmp/err" "cases/$name.err"
	fi
	if [ "$status" -eq "$want" ]; then
		ok "$name: exit $want"
	else
		not_ok "$name: exit $want" "exited $status"
	fi
done

# The same output on every run: Go's maps must not leak their order.
"$HELM_RENDER" -f chart/values-staging.yaml chart >"$tmp/a" 2>&1
for i in 1 2 3 4 5; do
	"$HELM_RENDER" -f chart/values-staging.yaml chart >"$tmp/b" 2>&1
	cmp -s "$tmp/a" "$tmp/b" || break
done
if cmp -s "$tmp/a" "$tmp/b"; then
	ok "output is deterministic"
else
	not_ok "output is deterministic" "$(diff -u "$tmp/a" "$tmp/b" | head -n 20)"
fi

# Every golden render is a well-formed YAML stream of Kubernetes objects.
if python3 -c 'import yaml' 2>/dev/null; then
	if msg=$(python3 - cases/*.out <<'EOF' 2>&1
import sys, yaml
for path in sys.argv[1:]:
    text = open(path).read().split("\nNOTES:\n")[0]
    for doc in yaml.safe_load_all(text):
        assert isinstance(doc, dict) and doc.get("kind") and \
            doc.get("apiVersion"), f"{path}: not an object: {doc!r}"
EOF
	); then
		ok "golden renders are Kubernetes YAML"
	else
		not_ok "golden renders are Kubernetes YAML" "$msg"
	fi
else
	n=$((n + 1))
	echo "ok $n - golden renders are Kubernetes YAML # SKIP python3-yaml missing"
fi

# The Go sources are formatted and vet-clean.
src="$here/../../tools/helm-render"
if [ -n "${GO:-}" ] && [ -x "$GO" ]; then
	gofmt="$(dirname "$GO")/gofmt"
	[ -x "$gofmt" ] || gofmt=gofmt
	out=$("$gofmt" -l "$src" 2>&1)
	if [ -z "$out" ]; then ok "gofmt -l is empty"; else not_ok "gofmt -l is empty" "$out"; fi
	gocache=$("$GO" env GOCACHE 2>/dev/null)
	[ -n "$gocache" ] && [ "$gocache" != off ] || gocache="$tmp/go-cache"
	if out=$(cd "$src" && GO111MODULE=off GOPATH="${GOCODE:-/usr/share/gocode}" \
		GOFLAGS= GOCACHE="$gocache" "$GO" vet . 2>&1); then
		ok "go vet is clean"
	else
		not_ok "go vet is clean" "$out"
	fi
else
	n=$((n + 1))
	echo "ok $n - gofmt and go vet # SKIP GO is not set"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
