#!/usr/bin/env bats
# Secrets: no generated file holds a real credential.  The built-in service
# template is generated for a deterministic sample of its option
# combinations (every 16th line of `genship matrix --format lines`, plus
# the first combination holding any option value the stride missed, so
# that every value of every option is covered) and for every example, and
# every file is scanned for high-entropy strings: a token of 20 or more
# characters from [A-Za-z0-9+/=_-] with a Shannon entropy of 4.0 bits per
# character or more.  Documented placeholders are left aside:
#   - git blob ids in the files section of .genship.yml;
#   - 40-hex action SHAs written as `@SHA # vX.Y.Z`;
#   - sha256 digests of pinned images, written as `@sha256:DIGEST`;
#   - the sha512 integrity hashes of an npm lock file, written as
#     `"integrity": "sha512-HASH"` in package-lock.json, and the sha256
#     hashes of a pip lock, written as `--hash=sha256:HASH`;
#   - the strings in secrets-allow.txt, each with the reason it is safe;
# and the combination's own answers are blanked out first (see scan).
# ConfigMaps must not carry secret-named keys, and secrets.env.example
# files hold placeholders only.

load helpers

ALLOW="$TOP_SRCDIR/tests/cli/secrets-allow.txt"
STRIDE=16

# WORDS: an awk function splitting a line of `genship matrix --format
# lines` (shell-quoted words) into w[1..n]; returns n.
WORDS='
function words(line, w,    n, i, c, q, cur, have) {
	n = 0
	cur = ""
	q = have = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\047")
				q = 0
			else
				cur = cur c
		} else if (c == "\047") {
			q = have = 1
		} else if (c == "\\") {
			cur = cur substr(line, ++i, 1)
			have = 1
		} else if (c == " ") {
			if (have)
				w[++n] = cur
			cur = ""
			have = 0
		} else {
			cur = cur c
			have = 1
		}
	}
	if (have)
		w[++n] = cur
	return n
}'

# The generation uses the binary directly, not GENSHIP_WRAPPER: this file
# is about the template's output, and valgrind would take minutes here.
setup_file() {
	local out="$BATS_FILE_TMPDIR/out" line id kv e
	local -a fields sets
	mkdir -p "$out"
	"$GENSHIP" matrix service --format lines >"$BATS_FILE_TMPDIR/matrix" \
		2>/dev/null
	# Every STRIDE-th line, then the first line holding each
	# option=value those did not cover.
	awk -v s="$STRIDE" "$WORDS"'
	{ L[NR] = $0 }
	function take(i,    w, n, k) {
		pick[i] = 1
		n = words(L[i], w)
		for (k = 2; k <= n; k++)
			seen[w[k]] = 1
	}
	END {
		for (i = 1; i <= NR; i += s)
			take(i)
		for (i = 1; i <= NR; i++) {
			n = words(L[i], w)
			for (k = 2; k <= n; k++)
				if (!(w[k] in seen)) {
					take(i)
					break
				}
		}
		for (i = 1; i <= NR; i++)
			if (i in pick)
				print L[i]
	}' "$BATS_FILE_TMPDIR/matrix" >"$BATS_FILE_TMPDIR/sample"
	while IFS= read -r line; do
		eval "fields=($line)"
		id=${fields[0]}
		sets=()
		for kv in "${fields[@]:1}"; do
			sets+=(--set "$kv")
		done
		"$GENSHIP" new service --no-input --no-hooks -o "$out/$id" \
			"${sets[@]}" >/dev/null 2>"$BATS_FILE_TMPDIR/new.err" ||
			{
				echo "# genship new failed for $id:" >&3
				sed 's/^/# /' "$BATS_FILE_TMPDIR/new.err" >&3
				return 1
			}
	done <"$BATS_FILE_TMPDIR/sample"
	for e in "$TOP_SRCDIR"/examples/*.yml; do
		"$GENSHIP" new service --answers "$e" --no-input --no-hooks \
			-o "$out/example-$(basename "$e" .yml)" >/dev/null
	done
}

# scan DIR: print `path:line: token (entropy)` for every high-entropy
# token in the files below DIR that is not a documented placeholder.
# Before a line is split into tokens, the answers to the template's string
# options of the project it belongs to (DIR/NAME/.genship.yml), also with
# '-' as '_' and lower-cased, are blanked out: they are the user's own
# input, not something the template put there, and a long project name
# is otherwise "high-entropy".
scan() {
	local strings
	strings=" $("$GENSHIP" options service |
		awk '/^[a-z_]+ \(string\)$/ { printf "%s ", $1 }')"
	# shellcheck disable=SC2016 # $n below is awk's, not the shell's
	find "$1" -type f -print0 | xargs -0 -r awk -v top="$1" \
		-v allowfile="$ALLOW" -v strings="$strings" '
	function entropy(s,    n, i, c, cnt, h, p) {
		n = length(s)
		for (i = 1; i <= n; i++)
			cnt[substr(s, i, 1)]++
		for (c in cnt) {
			p = cnt[c] / n
			h -= p * log(p) / log(2)
		}
		return h
	}
	function hex(s, n) {
		return length(s) == n && s ~ /^[0-9a-f]+$/
	}
	# A documented placeholder: see the comment at the top of the file.
	function placeholder(tok, line, file) {
		if (tok in allow)
			return 1
		if (file ~ /(^|\/)\.genship\.yml$/ && infiles && hex(tok, 40))
			return 1
		if (hex(tok, 40) && index(line, "@" tok " # v"))
			return 1
		if (hex(tok, 64) && index(line, "@sha256:" tok))
			return 1
		if (hex(tok, 64) && index(line, "--hash=sha256:" tok))
			return 1
		if (file ~ /(^|\/)package-lock\.json$/ && tok ~ /^sha512-/ &&
		    index(line, "\"integrity\": \"" tok "\""))
			return 1
		return 0
	}
	# Read the answers of the project holding FILENAME into masks[].
	function load_answers(file,    rel, proj, l, k, v, on, u) {
		rel = substr(file, length(top) + 2)
		proj = top "/" substr(rel, 1, index(rel "/", "/") - 1)
		if (proj == project)
			return
		project = proj
		nmask = 0
		on = 0
		while ((getline l < (proj "/.genship.yml")) > 0) {
			if (l ~ /^[^ ]/)
				on = l ~ /^answers:/
			if (!on || l !~ /^  [a-z_]+: /)
				continue
			k = l
			sub(/^  /, "", k)
			sub(/:.*/, "", k)
			if (!index(strings, " " k " "))
				continue
			v = l
			sub(/^  [a-z_]+: /, "", v)
			if (v ~ /^\047.*\047$/) {
				v = substr(v, 2, length(v) - 2)
				gsub(/\047\047/, "\047", v)
			}
			if (length(v) < 4)
				continue
			masks[++nmask] = v
			u = v
			gsub(/-/, "_", u)
			if (u != v)
				masks[++nmask] = u
			u = tolower(v)
			if (u != v)
				masks[++nmask] = u
		}
		close(proj "/.genship.yml")
	}
	function blank(s,    i, m, p) {
		for (i = 1; i <= nmask; i++) {
			m = masks[i]
			while ((p = index(s, m)) > 0)
				s = substr(s, 1, p - 1) " " substr(s, p + length(m))
		}
		return s
	}
	BEGIN {
		while ((getline l < allowfile) > 0)
			if (l !~ /^#/ && split(l, f, " ") > 0)
				allow[f[1]] = 1
	}
	FNR == 1 {
		infiles = 0
		load_answers(FILENAME)
	}
	/^files:/ { infiles = 1 }
	/^[^ #]/ && !/^files:/ { infiles = 0 }
	{
		rest = blank($0)
		while (match(rest, /[A-Za-z0-9+\/=_-]+/)) {
			tok = substr(rest, RSTART, RLENGTH)
			rest = substr(rest, RSTART + RLENGTH)
			if (length(tok) < 20 || placeholder(tok, $0, FILENAME))
				continue
			# 1e-9: log(p) / log(2) need not be exact.
			if ((e = entropy(tok)) >= 4.0 - 1e-9)
				printf "%s:%d: %s (%.2f bits/char)\n", FILENAME, FNR, tok, e
		}
	}'
}

# configmap_secrets DIR: print every secret-named key a ConfigMap would
# carry: configMapGenerator literals and files, and the data of
# `kind: ConfigMap` documents.
configmap_secrets() {
	# shellcheck disable=SC2016 # $n below is awk's, not the shell's
	find "$1" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 |
		xargs -0 -r awk '
	function secretish(k) {
		k = toupper(k)
		return k ~ /PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|AUTH/
	}
	FNR == 1 || /^---/ { gen = 0; cm = 0; data = 0 }
	/^configMapGenerator:/ { gen = 1; next }
	/^kind: *ConfigMap/ { cm = 1 }
	/^(data|stringData|binaryData):/ { data = 1; next }
	/^[^ #-]/ { gen = 0; data = 0 }
	gen && /^ *- *[^ =]+=/ {
		k = $0
		sub(/^ *- */, "", k)
		sub(/=.*/, "", k)
		if (secretish(k))
			printf "%s:%d: literal %s\n", FILENAME, FNR, k
	}
	gen && /^ *- *[^ =]+$/ && secretish($NF) {
		printf "%s:%d: file %s\n", FILENAME, FNR, $NF
	}
	cm && data && /^  [^ #][^:]*:/ {
		k = $1
		sub(/:.*/, "", k)
		if (secretish(k))
			printf "%s:%d: data %s\n", FILENAME, FNR, k
	}'
}

# env_example_values DIR: print every secret-named key of a
# *.env.example file whose value is not a placeholder.
env_example_values() {
	# shellcheck disable=SC2016 # $n below is awk's, not the shell's
	find "$1" -type f -name '*.env.example' -print0 |
		xargs -0 -r awk -F= '
	/^[ \t]*(#|$)/ { next }
	{
		k = toupper($1)
		v = substr($0, length($1) + 2)
		if (k !~ /PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|AUTH/)
			next
		if (v !~ /^(|change-me|CHANGE_ME|changeme|<[^>]*>)$/)
			printf "%s:%d: %s=%s\n", FILENAME, FNR, $1, v
	}'
}

@test "secrets: the sample spans at least 150 combinations and every option value" {
	run wc -l <"$BATS_FILE_TMPDIR/sample"
	[ "$output" -ge 150 ]
	run awk "$WORDS"'
	{
		n = words($0, w)
		for (k = 2; k <= n; k++)
			if (FILENAME ~ /sample$/)
				have[w[k]] = 1
			else
				want[w[k]] = 1
	}
	END {
		for (kv in want)
			if (!(kv in have))
				print "no sampled combination has " kv
	}' "$BATS_FILE_TMPDIR/matrix" "$BATS_FILE_TMPDIR/sample"
	assert_success
	assert_output ''
	run find "$BATS_FILE_TMPDIR/out" -mindepth 1 -maxdepth 1 -name 'example-*'
	[ "${#lines[@]}" -eq "$(find "$TOP_SRCDIR/examples" -name '*.yml' | wc -l)" ]
}

@test "secrets: every allowlist entry is a scannable string with a reason" {
	run awk '
	/^#/ || /^[ \t]*$/ { next }
	{
		tok = $1
		why = $0
		sub(/^[^ \t]+[ \t]+/, "", why)
		if (why !~ /^# *[^ ]/)
			printf "line %d: %s has no # reason\n", NR, tok
		if (length(tok) < 20 || tok !~ /^[A-Za-z0-9+\/=_-]+$/)
			printf "line %d: %s is not a token the scan could flag\n", NR, tok
		if (seen[tok]++)
			printf "line %d: %s is listed twice\n", NR, tok
	}' "$ALLOW"
	assert_success
	assert_output ''
}

@test "secrets: the scanner flags planted high-entropy tokens and spares placeholders" {
	local d="$BATS_TEST_TMPDIR/planted"
	mkdir -p "$d/.github/workflows"
	# 0123456789abcdef four times: exactly 4.0 bits per character.
	local uniform=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	cat >"$d/config.yaml" <<-EOF
		name: demo
		api_token: q7Vw2ZkP9xLm4RtB8sNd3HfJ6yCg
		image: ghcr.io/acme/demo@sha256:$uniform
		other: $uniform
	EOF
	cat >"$d/.github/workflows/ci.yml" <<-'EOF'
		steps:
		  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
	EOF
	run scan "$d"
	assert_success
	assert_line "$d/config.yaml:2: q7Vw2ZkP9xLm4RtB8sNd3HfJ6yCg (4.81 bits/char)"
	assert_line "$d/config.yaml:4: $uniform (4.00 bits/char)"
	[ "${#lines[@]}" -eq 2 ]
	# In a generated project too, answers blanked out or not.
	local p="$BATS_TEST_TMPDIR/project"
	cp -R "$BATS_FILE_TMPDIR/out/example-everything" "$p"
	printf 'token: everything-demo-q7Vw2ZkP9xLm4RtB8sNd3HfJ6yCg\n' >>"$p/README.md"
	run scan "$BATS_TEST_TMPDIR"
	assert_line --regexp "^$p/README.md:[0-9]+: -q7Vw2ZkP9xLm4RtB8sNd3HfJ6yCg "
}

@test "secrets: no high-entropy string in any sampled combination or example" {
	linters_once
	run scan "$BATS_FILE_TMPDIR/out"
	assert_success
	assert_output ''
}

@test "secrets: ConfigMaps carry no password, token or key" {
	run configmap_secrets "$BATS_FILE_TMPDIR/out"
	assert_success
	assert_output ''
	# The check itself: a planted literal is found.
	mkdir -p "$BATS_TEST_TMPDIR/k"
	printf 'configMapGenerator:\n  - name: x\n    literals:\n      - LOG_LEVEL=info\n      - DB_PASSWORD=hunter2\n' \
		>"$BATS_TEST_TMPDIR/k/kustomization.yaml"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  PORT: "80"\n  api_token: abc\n' \
		>"$BATS_TEST_TMPDIR/k/cm.yaml"
	run configmap_secrets "$BATS_TEST_TMPDIR/k"
	assert_line "$BATS_TEST_TMPDIR/k/kustomization.yaml:5: literal DB_PASSWORD"
	assert_line "$BATS_TEST_TMPDIR/k/cm.yaml:7: data api_token"
	[ "${#lines[@]}" -eq 2 ]
}

@test "secrets: secrets.env.example files hold placeholders only" {
	run find "$BATS_FILE_TMPDIR/out" -name 'secrets.env.example'
	[ "${#lines[@]}" -gt 0 ]
	run env_example_values "$BATS_FILE_TMPDIR/out"
	assert_success
	assert_output ''
	# The check itself: a real-looking value is found.
	printf 'PGUSER=app\nPGPASSWORD=s3cr3t-Value\n' >"$BATS_TEST_TMPDIR/secrets.env.example"
	run env_example_values "$BATS_TEST_TMPDIR"
	assert_output "$BATS_TEST_TMPDIR/secrets.env.example:2: PGPASSWORD=s3cr3t-Value"
}
