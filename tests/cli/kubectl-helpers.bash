# shellcheck shell=bash
# Shared by ops.bats and helm.bats: the fake kubectl that the deploy and
# rollback scripts' tests run against.

# A fake kubectl on PATH: `kustomize` is the real one, everything else is
# logged to $KUBECTL_LOG; `get job` answers $JOB_STATE, `rollout status`
# succeeds.
fake_kubectl() {
	local real
	real=$(command -v kubectl)
	mkdir -p bin
	cat >bin/kubectl <<-EOF
		#!/usr/bin/env bash
		if [ "\$1" = kustomize ]; then exec "$real" "\$@"; fi
		printf '%s\n' "\$*" >>"\$KUBECTL_LOG"
		# Offline edits of a manifest are the real ones.
		if [ "\$1 \$2 \$3" = "set env --local" ]; then exec "$real" "\$@"; fi
		prev= file=
		for a in "\$@"; do
			[ "\$prev" = -f ] && file=\$a
			prev=\$a
		done
		case "\$*" in
		*get\ job/*) printf '%s ' \$JOB_STATE ;;
		esac
		if [ -n "\$file" ]; then
			cp "\$file" "\$KUBECTL_LOG.\$(basename "\$file")"
		fi
		exit 0
	EOF
	chmod +x bin/kubectl
}

# assert_dump_stops_rollback DIR PATTERN: with the backup Job failing,
# DIR/scripts/rollback.sh production exits 1 with the backup error, and no
# line of the fake kubectl's log matches PATTERN (what must not happen).
assert_dump_stops_rollback() {
	rm -f "$KUBECTL_LOG"*
	export JOB_STATE=Failed
	run env PATH="$PWD/bin:$PATH" "$1/scripts/rollback.sh" production
	assert_failure 1
	assert_output --partial 'error: the backup failed; nothing was rolled back'
	run grep -c "$2" "$KUBECTL_LOG"
	assert_output 0
}
