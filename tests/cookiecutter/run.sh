#!/bin/sh
# Cookiecutter conformance suite: a TAP producer for automake's tap-driver.
#
# Every directory in cases/ is one test point (see regen.py for the layout).
# The case's template is copied to a scratch directory and its `setup`
# script runs there; then, in out/,
#
#   genship new ../template --no-input --trust ARGS...
#
# runs with HOME=home/, SOURCE_DATE_EPOCH=1700000000 and umask 022, just as
# regen.py ran real cookiecutter.  A case with `expected/` must exit 0 and
# leave out/ holding exactly the entries of `expected.tree` (kind, mode and
# path; genship's answers file `.genship.yml` left aside) with the bytes of
# `expected/`.  A case with a `todo` file is reported as TODO (automake
# counts it as an expected failure) with the file's first line as the
# reason.  A case with `expected.err` must fail, leave out/ as setup
# made it, and print exactly those bytes on stderr.
#
# Environment: GENSHIP (the binary), TOP_SRCDIR, GENSHIP_WRAPPER.

top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cases=$top/tests/cookiecutter/cases
: "${GENSHIP:=$top/genship}"

if [ ! -x "$GENSHIP" ]; then
	echo "Bail out! GENSHIP is not an executable: '$GENSHIP'"
	exit 1
fi
case $GENSHIP in
/*) ;;
*) GENSHIP=$(pwd)/$GENSHIP ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccconf.XXXXXX") || {
	echo "Bail out! mktemp failed"
	exit 1
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
umask 022

# listing DIR: every entry as "d|f MODE PATH", sorted by path, without
# genship's answers file.
listing() {
	(cd "$1" && find . -mindepth 1 ! -path './*/.genship.yml' \
		-printf '%y %m %P\n') |
		awk '{ printf "%s %04d %s\n", ($1 == "d" ? "d" : "f"), \
			$2, substr($0, index($0, $3)) }' |
		LC_ALL=C sort -k3
}

# same_tree CASE OUT: out/ matches expected.tree and expected/.
same_tree() {
	listing "$2" >"$tmp/tree"
	LC_ALL=C sort -k3 "$1/expected.tree" >"$tmp/want"
	if ! cmp -s "$tmp/want" "$tmp/tree"; then
		echo "#   tree differs (- expected, + genship):"
		diff "$tmp/want" "$tmp/tree" | sed -n 's/^[<>]/#   &/p' |
			head -n 20
		return 1
	fi
	(cd "$2" && find . -type f ! -path './*/.genship.yml' -printf '%P\n') |
	while IFS= read -r f; do
		if ! cmp -s "$1/expected/$f" "$2/$f"; then
			echo "#   '$f' differs:"
			diff -u "$1/expected/$f" "$2/$f" | sed -n '3,22s/^/#   /p'
			return 1
		fi
	done
}

n=0
for dir in "$cases"/*/; do
	[ -d "$dir" ] && n=$((n + 1))
done
echo "1..$n"

i=0
for dir in "$cases"/*/; do
	[ -d "$dir" ] || continue
	i=$((i + 1))
	dir=${dir%/}
	name=${dir##*/}
	todo=
	[ -f "$dir/todo" ] && todo=" # TODO $(head -n 1 "$dir/todo")"
	work=$tmp/$name
	mkdir -p "$work/out" "$work/home"
	cp -R "$dir/template" "$work/template"
	# make distcheck makes the source tree read-only; give the copy the
	# modes git checks out (genship copies modes exactly, as cookiecutter).
	chmod -R u+w "$work/template"
	if [ -f "$dir/setup" ] && ! (cd "$work" && sh "$dir/setup"); then
		echo "not ok $i - $name # setup failed"
		continue
	fi
	cp -R "$work/out" "$work/before"
	set --
	if [ -f "$dir/args" ]; then
		while IFS= read -r a; do
			[ -n "$a" ] && set -- "$@" "$a"
		done <"$dir/args"
	fi
	# $GENSHIP_WRAPPER is split on purpose: empty means absent.
	(cd "$work/out" && HOME=$work/home SOURCE_DATE_EPOCH=1700000000 \
		exec $GENSHIP_WRAPPER "$GENSHIP" new ../template --no-input \
		--trust "$@") >"$work/stdout" 2>"$work/stderr" </dev/null
	rc=$?
	if [ -f "$dir/expected.err" ]; then
		if [ "$rc" -ne 0 ] && cmp -s "$dir/expected.err" "$work/stderr" &&
		    [ "$(listing "$work/before")" = "$(listing "$work/out")" ]
		then
			echo "ok $i - $name$todo"
		else
			echo "not ok $i - $name$todo"
			echo "#   exit status $rc, want non-zero"
			diff -u "$dir/expected.err" "$work/stderr" |
				sed -n '3,22s/^/#   /p'
		fi
	elif [ -d "$dir/expected" ] || [ -f "$dir/expected.tree" ]; then
		if [ "$rc" -eq 0 ] && same_tree "$dir" "$work/out"; then
			echo "ok $i - $name$todo"
		else
			echo "not ok $i - $name$todo"
			echo "#   exit status $rc, want 0"
			sed -n '1,10s/^/#   stderr: /p' "$work/stderr"
		fi
	else
		echo "not ok $i - $name"
		echo "#   no 'expected' or 'expected.err': run regen.py"
	fi
	rm -rf "$work"
done
exit 0
