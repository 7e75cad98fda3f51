#!/usr/bin/env bash
# Bad-input corpus: a TAP producer for automake's tap-driver.
#
# Every directory NN-class-name/ beside this script that holds a `case.sh`
# is one test point.  The case runs in a fresh `mktemp -d` scratch
# directory, which is its working directory and the parent of any target.
# case.sh is sourced there; it builds its inputs (templates, answers files,
# projects) and sets
#
#   ARGS=(new ...)     the genship command line (required)
#   STDIN='...'        bytes for genship's stdin (default: /dev/null)
#   SETUP='...'        bash commands run after case.sh, in their own
#                      process (mounts, chattr); if they fail the case is
#                      skipped with SKIP_REASON (or their stderr) as reason
#   SKIP='reason'      skip the case
# A case directory holding a file `todo` is a known bug: its first line is
# the TODO reason, so automake counts the failure as expected (XFAIL) and
# a pass as XPASS, which fails the suite until the marker is removed.
#   PREFIX=(...)       a command genship runs under, e.g. (prlimit ...)
#   TIMEOUT=N          seconds before genship counts as hung (default 30;
#                      120 under GENSHIP_WRAPPER, as valgrind is slower)
#
# and may use the helpers below (fixture, project, repeat, bigfile).
# `expect` holds the verdict:
#
#   line 1             the exit status
#   line 2             a substring of stderr
#   stderr: TEXT       (optional, repeatable) another substring of stderr
#   stderr-max: N      (optional) stderr is at most N bytes (default 1 MiB:
#                      a diagnostic must never echo a huge input)
#   written: none      (default) the scratch directory is byte for byte,
#                      mode for mode, what the case built
#   written: P...      only these paths (and what is below them) changed,
#                      and each exists afterwards
#
# Every case also asserts that stdout is empty when genship exits 2.  On
# failure the reasons and genship's stderr follow as `#` lines.
#
# Environment: GENSHIP (the binary), GENSHIP_WRAPPER (e.g. valgrind, or
# empty), TOP_SRCDIR (the source tree; by default the tree holding this
# script).  Exits 0 unless something keeps the suite from running at all.
# Needs bash, and root for the cases that mount or chattr (they are skipped
# otherwise).

# automake runs .sh tests with $(SHELL), which need not be bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$here/../.." && pwd)}
GENSHIP=${GENSHIP:-$TOP_SRCDIR/genship}
GENSHIP_WRAPPER=${GENSHIP_WRAPPER:-}
cases=$TOP_SRCDIR/tests/bad-input
export GENSHIP GENSHIP_WRAPPER TOP_SRCDIR

if [[ ! -x $GENSHIP ]]; then
	echo "Bail out! GENSHIP is not an executable: '$GENSHIP'"
	exit 1
fi
case $GENSHIP in
/*) ;;
*) GENSHIP=$PWD/$GENSHIP ;;
esac
read -ra wrapper <<<"$GENSHIP_WRAPPER"
default_timeout=30
[[ -z $GENSHIP_WRAPPER ]] || default_timeout=120

meta=$(mktemp -d "${TMPDIR:-/tmp}/bad-input.XXXXXX")
scratch=
trap 'cleanup_scratch; rm -rf "$meta"' EXIT
trap 'exit 1' HUP INT TERM

# ---- helpers for case.sh ---------------------------------------------

# fixture [DEST]: copy the corpus's template (tests/bad-input/fixture) to
# DEST (default tpl).
fixture() {
	cp -R "$cases/fixture" "${1:-tpl}"
	chmod -R u+w "${1:-tpl}"
}

# project DIR [ARGS...]: generate a project from ./tpl into DIR with the
# binary itself (no wrapper), as the input of update/check cases.
project() {
	local dir=$1
	shift
	"$GENSHIP" new tpl -o "$dir" --no-hooks "$@" >/dev/null
}

# sealed_update DIR ARGS...: run `genship update DIR ARGS...`, killed by
# fault injection right after its transaction is sealed and before the
# commit starts, so that DIR holds a genuine sealed .genship-update (its
# lists are then what a case tampers with).
sealed_update() {
	local dir=$1 n txn=$1/.genship-update
	shift
	for n in $(seq 1 60); do
		rm -rf "$dir.copy" && cp -a "$dir" "$dir.copy"
		GENSHIP_FAULT_AFTER=$n "$GENSHIP" update "$dir.copy" "$@" \
			>/dev/null 2>&1 || :
		if [[ -e $dir.copy/.genship-update/sealed &&
			! -e $dir.copy/.genship-update/started ]]; then
			rm -rf "$dir.copy"
			GENSHIP_FAULT_AFTER=$n "$GENSHIP" update "$dir" "$@" \
				>/dev/null 2>&1 || :
			[[ -e $txn/sealed ]] && return 0
			break
		fi
	done
	echo "sealed_update: no fault left a sealed transaction" >&2
	return 1
}

# repeat STR N: print STR N times.
repeat() {
	local i out=''
	for ((i = 0; i < $2; i++)); do
		out+=$1
	done
	printf '%s' "$out"
}

# bigfile PATH BYTES [lines]: a file of BYTES 'a's, on one line, or in
# lines of 80 characters with `lines`.
bigfile() {
	if [[ ${3:-} == lines ]]; then
		(yes "$(repeat a 79)" || :) | head -c "$2" >"$1"
	else
		head -c "$2" /dev/zero | tr '\0' a >"$1"
	fi
}

# ---- the runner ------------------------------------------------------

# snapshot DIR: one line per entry below DIR: the path (quoted), a tab,
# then type, mode, link target, and for files the size and the sha256
# (or, for files of 8 MiB and more, which are cases' own inputs, the
# mtime).  Directories' sizes and times are left out.
snapshot() {
	local -A hash=()
	local rec path type mode size link
	while IFS= read -r -d '' rec; do
		path=${rec#*  ./}
		hash[$path]=${rec%%  *}
	done < <(cd "$1" && find . -mindepth 1 -type f -size -8M -print0 |
		xargs -0 -r sha256sum -z)
	while IFS= read -r -d '' type && IFS= read -r -d '' mode &&
		IFS= read -r -d '' size && IFS= read -r -d '' link &&
		IFS= read -r -d '' path; do
		if [[ $type == d ]]; then
			size=
		elif [[ $type == f && -z ${hash[$path]+x} ]]; then
			hash[$path]=$(stat -c 'mtime=%.9Y' "$1/$path")
		fi
		printf '%q\t%s %s %s %s %s\n' "$path" "$type" "$mode" "$link" \
			"$size" "${hash[$path]:-}"
	done < <(cd "$1" && find . -mindepth 1 -printf '%y\0%m\0%s\0%l\0%P\0') |
		LC_ALL=C sort
}

# changed_paths BEFORE AFTER: the quoted paths whose lines differ.
changed_paths() {
	LC_ALL=C comm -3 "$1" "$2" | sed 's/^\t//' | cut -f1 | LC_ALL=C sort -u
}

# cleanup_scratch: kill what a hung hook left running in the scratch
# directory (by pid), unmount what the case mounted, lift immutable
# flags, and remove it.
cleanup_scratch() {
	local pid mnt
	[[ -n $scratch && -d $scratch ]] || return 0
	while read -r pid; do
		pid=${pid#/proc/}
		kill -KILL "${pid%/cwd}" 2>/dev/null || true
	done < <(find /proc -mindepth 2 -maxdepth 2 -name cwd \
		-lname "$scratch/*" 2>/dev/null)
	while read -r mnt; do
		umount -l "$mnt" 2>/dev/null || true
	done < <(awk -v d="$scratch/" 'index($2, d) == 1 { print $2 }' \
		/proc/self/mounts | sort -r)
	if command -v chattr >/dev/null; then
		chattr -R -i "$scratch" 2>/dev/null || true
	fi
	rm -rf "$scratch"
	scratch=
}

# comment FILE: a file's first lines as TAP comments, cut to 200 columns.
comment() {
	head -c 100000 "$1" | head -n 20 | cut -c1-200 | sed 's/^/#   /'
}

# run_case DIR: run one case (in a subshell with errexit); print its
# reasons for failing on stdout, nothing when it passes.  Returns 0 when
# the case ran, 3 when it is skipped (the reason on stdout); any other
# status means case.sh or the runner failed.
run_case() {
	local dir=$1 want substr line rc=0 p ok written=none max=1048576
	local -a also=() allowed=()
	ARGS=() PREFIX=() SETUP='' SKIP='' SKIP_REASON='' TIMEOUT=$default_timeout
	unset STDIN
	cd "$scratch"
	# shellcheck source=/dev/null
	source "$dir/case.sh" >"$meta/setup.out" 2>&1
	cd "$scratch"
	if [[ -n $SKIP ]]; then
		echo "$SKIP"
		return 3
	fi
	if [[ -n $SETUP ]] && ! bash -ec "$SETUP" >"$meta/setup.out" 2>&1; then
		echo "${SKIP_REASON:-$(tail -n 1 "$meta/setup.out")}"
		return 3
	fi
	if ((${#ARGS[@]} == 0)); then
		echo "case.sh set no ARGS"
		return 0
	fi

	{
		read -r want
		IFS= read -r substr
		while IFS= read -r line; do
			case $line in
			'stderr: '*) also+=("${line#stderr: }") ;;
			'stderr-max: '*) max=${line#stderr-max: } ;;
			'written: '*) written=${line#written: } ;;
			'') ;;
			*) echo "bad line in expect: $line" && return 0 ;;
			esac
		done
	} <"$dir/expect"

	snapshot "$scratch" >"$meta/before"
	if [[ -n ${STDIN+x} ]]; then
		printf '%s' "$STDIN" >"$meta/stdin"
	else
		: >"$meta/stdin"
	fi
	timeout -k 2 "$TIMEOUT" ${PREFIX[@]+"${PREFIX[@]}"} \
		${wrapper[@]+"${wrapper[@]}"} "$GENSHIP" "${ARGS[@]}" \
		<"$meta/stdin" >"$meta/stdout" 2>"$meta/stderr" || rc=$?
	snapshot "$scratch" >"$meta/after"

	if ((rc == 124 || rc == 137)) && [[ $want != "$rc" ]]; then
		echo "hung: killed after ${TIMEOUT} s (want exit $want)"
	elif ((rc > 128)) && [[ $want != "$rc" ]]; then
		echo "crashed: killed by signal $((rc - 128)) (want exit $want)"
	elif [[ $rc != "$want" ]]; then
		echo "exit status $rc, want $want"
	fi
	for p in "$substr" ${also[@]+"${also[@]}"}; do
		if ! grep -qaF -- "$p" "$meta/stderr"; then
			echo "stderr lacks: $p"
		fi
	done
	if (($(stat -c %s "$meta/stderr") > max)); then
		echo "stderr is $(stat -c %s "$meta/stderr") bytes, more than $max"
	fi
	if ((rc == 2 || want == 2)) && [[ -s $meta/stdout ]]; then
		echo "stdout is not empty on exit 2:"
		comment "$meta/stdout"
	fi

	[[ $written == none ]] || read -ra allowed <<<"$written"
	while IFS= read -r line; do
		ok=
		for p in ${allowed[@]+"${allowed[@]}"}; do
			p=$(printf '%q' "$p")
			[[ $line == "$p" || $line == "$p"/* ]] && ok=1
		done
		[[ -n $ok ]] || echo "wrote: $line"
	done < <(changed_paths "$meta/before" "$meta/after")
	for p in ${allowed[@]+"${allowed[@]}"}; do
		[[ -e $scratch/$p ]] || echo "should have written: $p"
	done
	return 0
}

mapfile -t dirs < <(find "$cases" -mindepth 2 -maxdepth 2 -name case.sh \
	-printf '%h\n' | LC_ALL=C sort)
echo "1..${#dirs[@]}"
n=0
for dir in "${dirs[@]}"; do
	n=$((n + 1))
	name=${dir##*/}
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/bad-input-case.XXXXXX")
	rm -f "$meta/stderr" "$meta/setup.out"
	set +e
	(
		set -eE
		trap 'echo "failed: $BASH_COMMAND (status $?)" >&2' ERR
		run_case "$dir"
	) >"$meta/result" 2>"$meta/runner.err"
	rc=$?
	set -e
	cleanup_scratch
	todo=
	[[ -f $dir/todo ]] && todo=" # TODO $(head -n 1 "$dir/todo")"
	if ((rc == 3)); then
		echo "ok $n - $name # SKIP $(head -n 1 "$meta/result")"
	elif ((rc == 0)) && [[ ! -s $meta/result ]]; then
		echo "ok $n - $name$todo"
	else
		echo "not ok $n - $name$todo"
		sed 's/^/#   /' "$meta/result"
		if ((rc != 0)); then
			echo "#   case.sh or the runner failed (status $rc):"
			[[ -s $meta/setup.out ]] && comment "$meta/setup.out"
			[[ -s $meta/runner.err ]] && comment "$meta/runner.err"
		fi
		if [[ -s $meta/stderr ]]; then
			echo "#   stderr:"
			comment "$meta/stderr"
		fi
	fi
done
