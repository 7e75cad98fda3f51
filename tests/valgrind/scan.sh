#!/bin/sh
# scan.sh: the verdict of `make check-valgrind`, a TAP producer for
# automake's tap-driver that runs after every other suite of the run.
#
# Reads the reports tests/valgrind/memcheck.sh left in $VALGRIND_LOG_DIR,
# one per program run.  A report whose "ERROR SUMMARY" counts an error
# (invalid access, uninitialised value, definitely lost block) fails,
# except that the leaks of a run killed from outside do not count: the
# kill dropped its stack, which held them.  Killed means SIGKILL (marked
# by memcheck.sh; fault injection) or, as valgrind reports it, SIGTERM,
# SIGINT, SIGHUP (a timeout) or SIGXFSZ (a file size limit); a crash
# (SIGSEGV, SIGABRT, ...) counts in full.
# A directory without any report fails too: nothing ran under valgrind,
# so the run proved nothing.  The first failing reports follow as `#`
# lines.
#
# Environment: VALGRIND_LOG_DIR (required).

dir=${VALGRIND_LOG_DIR:?VALGRIND_LOG_DIR must name the reports directory}

# errors FILE: the number of errors in report FILE that count.
errors() {
	awk '/ERROR SUMMARY: / { n = $4 }
	     /are definitely lost in loss record/ { leaks++ }
	     /^==memcheck.sh== killed by signal/ { killed = 1 }
	     /terminating with default action of signal [0-9]+ \(SIG(TERM|INT|HUP|XFSZ)\)/ {
		killed = 1
	     }
	     END { print (killed ? n - leaks : n) + 0 }' "$1"
}

echo "1..1"
runs=0 nbad=0 bad=''
for f in "$dir"/memcheck.*; do
	[ -f "$f" ] || continue
	runs=$((runs + 1))
	[ "$(errors "$f")" -eq 0 ] && continue
	nbad=$((nbad + 1))
	bad="$bad$f
"
done
if [ "$runs" -eq 0 ]; then
	echo "not ok 1 - valgrind: no report in '$dir': nothing ran under valgrind"
	exit 0
fi
if [ "$nbad" -eq 0 ]; then
	echo "ok 1 - valgrind: $runs runs, no memory error, nothing definitely lost"
	exit 0
fi
echo "not ok 1 - valgrind: $nbad of $runs runs have memory errors"
printf '%s' "$bad" | while IFS= read -r f; do
	echo "--- $f"
	grep -vE '^==[0-9]+== *$' "$f" | head -n 60 | cut -c1-300
done | head -n 300 | sed 's/^/# /'
