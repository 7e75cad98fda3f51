# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A manifest of 1.3 kB whose aliases would expand to 10^9 nodes if copied:
# it must be refused at once, in bounded memory (1 GiB here, 10 s).
fixture
{
	printf 'name: x\nversion: 1.0.0\noptions:\n'
	printf '  - name: a\n    type: multi\n    choices: [x]\n'
	printf '    default: &a [x, x, x, x, x, x, x, x, x, x]\n'
	prev=a
	for name in b c d e f g h i; do
		printf '  - name: %s\n    type: multi\n    choices: [x]\n' "$name"
		printf '    default: &%s [%s*%s]\n' "$name" \
			"$(repeat "*$prev, " 9)" "$prev"
		prev=$name
	done
} >tpl/genship.yml
ARGS=(new tpl -o out)
TIMEOUT=10
# An address-space limit cannot hold a sanitizer's shadow memory or a
# wrapper: under either, the time limit alone bounds the run.
if [[ -z $GENSHIP_WRAPPER ]] && ! grep -q __asan_init "$GENSHIP"; then
	PREFIX=(prlimit --as=1073741824)
else
	TIMEOUT=30
fi
