#!/usr/bin/env bash
# Install genship's linter helpers from a source tree that tools/setup.sh
# set up into DEST, which `make install` gives as $(pkglibexecdir):
#   DEST/bin/helm-batch, DEST/bin/kustomize-build   the Go helpers of tools/bin
#   DEST/bin/hadolint, DEST/bin/zizmor        native programs, tools/venv
#   DEST/bin/checkov, DEST/python/            a launcher and checkov's
#                                             packages, tools/venv-checkov
#   DEST/lint/                                the npm linters and their
#                                             node_modules, tools/lint
# The installed genship finds DEST relative to its own binary.  A helper
# the source tree lacks is left out with a notice, and validate skips its
# linter saying so; run tools/setup.sh first to have them all.
#   tools/install-helpers.sh SRCDIR DEST
set -euo pipefail

src=$1
dest=$2

note() {
	echo "install-helpers: $*"
}

# program FILE: install the executable FILE into DEST/bin, if it exists.
program() {
	if [ -x "$1" ]; then
		install -m 755 "$1" "$dest/bin/${1##*/}"
	else
		note "$1 not found, left out (tools/setup.sh makes it)"
	fi
}

# checkov is Python: its packages go to DEST/python, and DEST/bin/checkov
# runs them with the Python version they were installed for (their
# compiled modules need it), found in PATH.
checkov() {
	local venv=$src/tools/venv-checkov python site
	if [ ! -x "$venv/bin/checkov" ]; then
		note "$venv/bin/checkov not found, left out (tools/setup.sh makes it)"
		return 0
	fi
	python=$("$venv/bin/python" -c \
		'import sys; print("python%d.%d" % sys.version_info[:2])')
	site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	rm -rf "$dest/python"
	cp -R "$site" "$dest/python"
	cat >"$dest/bin/checkov" <<-EOF
	#!/bin/sh
	# checkov, installed with genship: its packages are in ../python.
	here=\$(cd "\$(dirname "\$0")" && pwd) || exit 1
	PYTHONPATH="\$here/../python\${PYTHONPATH:+:\$PYTHONPATH}"
	export PYTHONPATH
	exec $python -s -W ignore::SyntaxWarning -c \\
		'import sys; from checkov.main import Checkov; sys.argv[0] = "checkov"; sys.exit(Checkov().run())' "\$@"
	EOF
	chmod 755 "$dest/bin/checkov"
}

# The npm linters: scripts, config and, when npm ci has run, node_modules.
lint() {
	local f
	install -d "$dest/lint"
	for f in package.json package-lock.json yamllint.yml README.md \
		k8s-validate.mjs actionlint.mjs dockerfile-lint.mjs dclint.mjs; do
		install -m 644 "$src/tools/lint/$f" "$dest/lint/$f"
	done
	rm -rf "$dest/lint/node_modules"
	if [ -d "$src/tools/lint/node_modules" ]; then
		cp -RH "$src/tools/lint/node_modules" "$dest/lint/node_modules"
	else
		note "tools/lint/node_modules not found, left out (npm ci --prefix tools/lint)"
	fi
}

install -d "$dest/bin"
program "$src/tools/bin/helm-batch"
program "$src/tools/bin/kustomize-build"
program "$src/tools/venv/bin/hadolint"
program "$src/tools/venv/bin/zizmor"
checkov
lint
