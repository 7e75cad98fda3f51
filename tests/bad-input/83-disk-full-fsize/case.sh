# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A file size limit (RLIMIT_FSIZE, as 'ulimit -f' sets) is reached while
# staging: genship must report EFBIG and clean up, not die of SIGXFSZ and
# leave its staging directory behind.
fixture
bigfile tpl/template/data.txt 1000000 lines
if command -v prlimit >/dev/null; then
	PREFIX=(prlimit --fsize=65536)
else
	SKIP='prlimit (util-linux) is not installed'
fi
ARGS=(new tpl -o out)
