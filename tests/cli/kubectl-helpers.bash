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
