#!/bin/sh
# memcheck.sh PROGRAM [ARG...]: run PROGRAM under valgrind memcheck, the
# GENSHIP_WRAPPER of `make check-valgrind`.
#
# An invalid access, a use of uninitialised memory or a definitely lost
# block makes the run exit 99 (instead of PROGRAM's own status), and the
# report goes to a new file in $VALGRIND_LOG_DIR, which
# tests/valgrind/scan.sh reads once every suite has run: that also catches
# errors in runs whose exit status a test does not check.  Children that
# PROGRAM forks are silent: they only exec hooks, and one whose exec fails
# exits holding the parent's heap, which is not a leak of its own.
#
# A run killed by a signal (the fault injection of GENSHIP_FAULT_AFTER
# raises SIGKILL) still gets a leak report, but whatever its stack held
# counts as lost: the report is marked "killed by signal" so that the scan
# counts only its other errors.  The exit status is PROGRAM's, as the
# shell reports it (128 + the signal).  valgrind runs in the foreground
# of this shell, so signals sent to the process group (timeout(1), ^C)
# reach it.
#
# Environment: VALGRIND (default: valgrind), VALGRIND_LOG_DIR (required;
# must exist).

: "${VALGRIND_LOG_DIR:?VALGRIND_LOG_DIR must name the directory for the reports}"
log=$(mktemp "$VALGRIND_LOG_DIR/memcheck.XXXXXXXX") || exit 125
${VALGRIND:-valgrind} --tool=memcheck --error-exitcode=99 \
	--leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --track-fds=no \
	--child-silent-after-fork=yes \
	--log-file="$log" -- "$@"
status=$?
if [ "$status" -gt 128 ]; then
	echo "==memcheck.sh== killed by signal $((status - 128))" >>"$log"
fi
exit "$status"
