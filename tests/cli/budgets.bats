#!/usr/bin/env bats
# Budgets and inputs: out of memory is a failed operation (exit 1, "out of
# memory", nothing left behind), the output of one render has a total
# budget, every input file is a regular file under a size cap, and paths
# the filesystem cannot hold are bad input found while planning (exit 2,
# located at the template file).  Every run that could hang on a FIFO is
# guarded by `timeout 10`, so that a regression fails instead of hanging.

load helpers

# skip_unless_plain: ulimit -v cases need the plain binary (valgrind and
# ASan reserve address space of their own).
skip_unless_plain() {
	[[ -z ${GENSHIP_WRAPPER:-} ]] || skip "ulimit -v under $GENSHIP_WRAPPER"
	if grep -q __asan_init "$GENSHIP"; then
		skip "ulimit -v under AddressSanitizer"
	fi
}

# limited KBYTES ARGS...: run genship with its address space capped.
limited() {
	local kb=$1
	shift
	run bash -c 'ulimit -v "$1"; shift; exec "$@"' _ "$kb" \
		timeout 60 "$GENSHIP" "$@"
}

# assert_no_staging DIR: no staging or update directory of genship's
# is left in DIR.
assert_no_staging() {
	run find "$1" -maxdepth 1 -name '.*.genship-*' -o -maxdepth 1 \
		-name '.genship-update'
	assert_output ''
}

@test "out of memory during new exits 1 with a message and leaves nothing" {
	skip_unless_plain
	local kb
	for kb in 15000 17000 19000 21000 23000; do
		limited "$kb" new -o out --no-input --no-hooks
		[[ $status -eq 0 ]] && { rm -rf out; continue; }
		assert_failure 1
		assert_output --partial 'out of memory'
		refute_output --partial 'invalid pattern'
		assert_nothing_written
	done
}

@test "out of memory during update exits 1 and never double-frees" {
	skip_unless_plain
	run genship new -o proj --no-input --no-hooks
	assert_success
	cp -R proj before
	local kb
	for kb in 14500 15000 15500 16000 17000 20000; do
		limited "$kb" update proj
		[[ $status -eq 0 ]] && continue
		assert_failure 1
		assert_output --partial 'out of memory'
		refute_output --partial 'double free'
		refute_output --partial 'invalid pattern'
		run diff -r before proj
		assert_success
		assert_no_staging proj
	done
}

@test "200 files of 32 MiB through each stop at the total budget" {
	skip_unless_plain
	TPL=$(fixture basic)
	sed -i 's|^files:$|&\n  - path: "big/**"\n    each: "i in range(200)"|' \
		"$TPL/genship.yml"
	mkdir -p "$TPL/template/big"
	printf "{{ 'a' * 33554432 }}" >"$TPL/template/big/{{ i }}.txt"
	limited 4000000 new "$TPL" -o out --no-input --no-hooks --dry-run
	assert_failure 2
	assert_output --partial "template/big/{{ i }}.txt: error: the generated files exceed 256 MiB in total with this one"
	refute_output --partial 'out of memory'
	assert_nothing_written
}

@test "--answers /dev/zero is refused at once" {
	run timeout 10 "$GENSHIP" new -o out --no-input --no-hooks --answers /dev/zero
	assert_failure 2
	assert_output --partial '/dev/zero: error: cannot read file: not a regular file'
	assert_nothing_written
}

@test "--answers /dev/null is refused as not a regular file" {
	run timeout 10 "$GENSHIP" new -o out --no-input --no-hooks --answers /dev/null
	assert_failure 2
	assert_output --partial '/dev/null: error: cannot read file: not a regular file'
	assert_nothing_written
}

@test "a FIFO as the answers file is refused, not waited on" {
	mkfifo "$BATS_TEST_TMPDIR/answers.yml"
	run timeout 10 "$GENSHIP" new -o out --no-input --no-hooks \
		--answers "$BATS_TEST_TMPDIR/answers.yml"
	assert_failure 2
	assert_output --partial 'answers.yml: error: cannot read file: not a regular file'
	assert_nothing_written
}

@test "an answers file over 8 MiB is refused at the byte past the cap" {
	head -c 9000000 /dev/zero | tr '\0' '#' >"$BATS_TEST_TMPDIR/big.yml"
	run timeout 10 "$GENSHIP" new -o out --no-input --no-hooks \
		--answers "$BATS_TEST_TMPDIR/big.yml"
	assert_failure 2
	assert_output --partial 'big.yml:1:8388609: error: file exceeds 8388608 bytes'
	assert_nothing_written
}

@test "a FIFO as a template's genship.yml fails new, options and validate" {
	TPL=$(fixture basic)
	rm "$TPL/genship.yml"
	mkfifo "$TPL/genship.yml"
	local cmd
	for cmd in new options validate; do
		if [[ $cmd == new ]]; then
			run timeout 10 "$GENSHIP" new "$TPL" -o out --no-input --no-hooks
		else
			run timeout 10 "$GENSHIP" "$cmd" "$TPL"
		fi
		assert_failure 2
		assert_output --partial 'genship.yml: error: cannot read file: not a regular file'
	done
	assert_nothing_written
}

@test "a FIFO as a project's .genship.yml fails check, diff and update" {
	run genship new -o proj --no-input --no-hooks
	assert_success
	rm proj/.genship.yml
	mkfifo proj/.genship.yml
	local cmd
	for cmd in check diff update; do
		run timeout 10 "$GENSHIP" "$cmd" proj
		assert_failure 2
		assert_output --partial 'proj/.genship.yml: error: cannot read file: not a regular file'
	done
	assert_no_staging proj
}

@test "a .genship.yml over 8 MiB is refused at the byte past the cap" {
	run genship new -o proj --no-input --no-hooks
	assert_success
	head -c 9000000 /dev/zero | tr '\0' '#' >proj/.genship.yml
	run timeout 10 "$GENSHIP" check proj
	assert_failure 2
	assert_output --partial 'proj/.genship.yml:1:8388609: error: file exceeds 8388608 bytes'
}

@test "a FIFO as cookiecutter.json is refused" {
	mkdir -p cc/'{{cookiecutter.name}}'
	echo hi >cc/'{{cookiecutter.name}}'/a.txt
	mkfifo cc/cookiecutter.json
	run timeout 10 "$GENSHIP" new ./cc --no-input -o "$BATS_TEST_TMPDIR/out"
	assert_failure 2
	assert_output --partial 'cookiecutter.json: error: cannot read file: not a regular file'
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "a FIFO or a link to a device in a template tree is refused" {
	TPL=$(fixture basic)
	mkfifo "$TPL/template/pipe.txt"
	run timeout 10 "$GENSHIP" new "$TPL" -o out --no-input --no-hooks
	assert_failure 2
	assert_output --partial "pipe.txt' is not a regular file"
	rm "$TPL/template/pipe.txt"
	ln -s /dev/zero "$TPL/template/zero.txt"
	run timeout 10 "$GENSHIP" new "$TPL" -o out --no-input --no-hooks
	assert_failure 2
	assert_output --partial 'zero.txt'
	assert_nothing_written
}

@test "a rendered file name over 255 bytes is bad input at plan time" {
	TPL=$(fixture basic)
	touch "$TPL/template/{{ 'x' * 300 }}.txt"
	run genship new "$TPL" -o out --no-input --no-hooks
	assert_failure 2
	assert_output --partial "template/{{ 'x' * 300 }}.txt:1:1: error: rendered path 'xxx"
	assert_output --partial "' is longer than 255 bytes, the limit of a file name"
	assert_nothing_written
}

@test "a file and a directory rendering to one path is bad input" {
	TPL=$(fixture basic)
	echo file >"$TPL/template/{{ 'clash' }}"
	mkdir "$TPL/template/clash"
	echo inside >"$TPL/template/clash/inner.txt"
	run genship new "$TPL" -o out --no-input --no-hooks
	assert_failure 2
	assert_output --regexp "template/(\{\{ 'clash' \}\}|clash/inner.txt):1:1: error: rendered path '(clash|clash/inner.txt)' is both a file and a directory"
	assert_nothing_written
}

@test "-o '' is a usage error" {
	run genship new -o '' --no-input
	assert_failure 2
	assert_output --partial "-o needs a directory, not ''"
	assert_nothing_written
}

@test "a template tree deeper than PATH_MAX is bad input" {
	TPL=$(fixture basic)
	local name i
	name=$(printf 'd%.0s' {1..200})
	(
		cd "$TPL/template" || exit 1
		for i in {1..22}; do
			mkdir "$name" && cd "$name" || exit 1
		done
		echo x >f.txt
	)
	run genship new "$TPL" -o out --no-input --no-hooks
	assert_failure 2
	assert_output --partial 'error: template path is longer than 4096 bytes, the limit of a path'
	assert_nothing_written
	chmod -R u+w "$TPL"
	(cd "$TPL/template" && rm -rf "$name") || true
}
