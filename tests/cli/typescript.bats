#!/usr/bin/env bats
# language: typescript in the built-in service template: the Node service
# written in strict TypeScript and compiled with a pinned tsc, as a single
# service and as a component beside a Node one. What a user sees: the
# files, a Containerfile whose runtime stage holds only compiled code, CI
# and Dependabot entries, and the project's own `make test` and
# `tsc --noEmit` passing. The tests that run npm install the compiler from
# the npm registry, as the generated project's CI does.

bats_require_minimum_version 1.5.0

load helpers

export GENSHIP_LINT_DIR="$TOP_SRCDIR/tools/lint"

MIXED='[{name: api, language: typescript, public: true},
	{name: web, language: node, port: 3000, public: true, calls: api, database: false}]'

# The app skeleton of a TypeScript service, as app_files lists it.
TS_APP='package-lock.json
package.json
src/healthcheck.ts
src/server.ts
test/server.test.ts
tsconfig.json'

# new_ts DIR [ARGS...]: generate the TypeScript service into DIR, without hooks.
new_ts() {
	local dir=$1
	shift
	genship new --no-input --no-hooks -o "$dir" --set project_name=shop \
		--set language=typescript "$@" >/dev/null
}

need_npm() {
	command -v npm >/dev/null || skip "npm is not installed"
}

# app_files DIR: the files of the app skeleton in DIR, relative, sorted.
app_files() {
	(cd "$1" && find src test tsconfig.json package.json package-lock.json \
		-type f | LC_ALL=C sort)
}

@test "typescript: TypeScript sources, a strict tsconfig and an exactly pinned compiler" {
	new_ts ts
	run app_files ts
	assert_output "$TS_APP"
	run jq -r '.compilerOptions | [.strict, .noUncheckedIndexedAccess,
		.exactOptionalPropertyTypes, .outDir] | map(tostring) | join(" ")' \
		ts/tsconfig.json
	assert_output 'true true true dist'
	run jq -r '.scripts.test, .main' ts/package.json
	assert_output $'tsc && node --test dist/test/*.test.js\ndist/src/server.js'
	# Exact versions, and the lock installs exactly those.
	run jq -r '.devDependencies | to_entries[] | "\(.key) \(.value)"' ts/package.json
	assert_output --regexp $'^@biomejs/biome [0-9]+\\.[0-9]+\\.[0-9]+\n@types/node 22\\.[0-9]+\\.[0-9]+\ntypescript [0-9]+\\.[0-9]+\\.[0-9]+$'
	run jq -r '.packages as $p | $p[""].devDependencies | to_entries[] |
		"\(.key) \(.value) \($p["node_modules/" + .key].version)"' ts/package-lock.json
	assert_success
	while read -r name spec locked; do
		assert_equal "$locked" "$spec"
		run jq -r --arg n "$name" '.devDependencies[$n]' ts/package.json
		assert_output "$spec"
	done <<<"$output"
	# No registry host in the lock: npm ci resolves against any mirror.
	run grep -c '"resolved"' ts/package-lock.json
	assert_output 0
	run grep -x 'dist/' ts/.gitignore ts/.containerignore ts/.dockerignore
	assert_equal "${#lines[@]}" 3
}

@test "typescript: the image runs compiled code only, built and tested in the builder" {
	new_ts ts --set port=9000
	run sed -n '/^FROM .* AS builder$/,/^FROM .* AS runtime$/p' ts/Containerfile
	assert_line 'RUN npm ci --ignore-scripts --no-audit --no-fund'
	assert_line 'COPY tsconfig.json ./'
	assert_line 'RUN npm test \'
	assert_line ' && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \'
	run grep -E '^(COPY|USER|CMD|  CMD|ENV|    PORT)' <(sed -n '/AS runtime$/,$p' ts/Containerfile)
	assert_output - <<-'EOF'
	ENV NODE_ENV=production \
	    PORT=9000
	COPY --from=builder /src/package.json ./
	COPY --from=builder /src/node_modules ./node_modules
	COPY --from=builder /src/dist/src ./dist/src
	USER 65532:65532
	  CMD ["node", "dist/src/healthcheck.js"]
	CMD ["node", "dist/src/server.js"]
	EOF
}

@test "typescript: make test and tsc --noEmit pass; tsc refuses an unchecked index" {
	linters_once
	need_npm
	new_ts ts
	cd ts
	run make test
	assert_success
	assert_line --partial 'ok 4 - every response carries the security headers'
	assert_line '# pass 5'
	assert_line '# fail 0'
	[ -f dist/src/server.js ] && [ -f dist/src/healthcheck.js ]
	run npx --no-install tsc --noEmit
	assert_success
	assert_output ''
	# strict plus noUncheckedIndexedAccess: an argv element may be missing.
	printf 'export const first: string = process.argv[2];\n' >>src/server.ts
	run npx --no-install tsc --noEmit
	assert_failure
	assert_output --partial 'src/server.ts('
	assert_output --partial "error TS2322: Type 'string | undefined' is not assignable to type 'string'."
}

@test "typescript component: its own app under services/<name>, tested by make, CI and Dependabot" {
	need_npm
	genship new --no-input --no-hooks -o mixed --set project_name=shop \
		--set "components=$MIXED" >/dev/null
	run app_files mixed/services/api
	assert_output "$TS_APP"
	[ ! -e mixed/services/web/tsconfig.json ]
	[ -f mixed/services/web/src/server.js ]
	run grep -F "export const SERVICE = " mixed/services/api/src/server.ts
	assert_output "export const SERVICE = 'shop-api';"
	# Node and TypeScript share one npm entry; @types/node keeps Node 22.
	run grep -A4 'package-ecosystem: npm' mixed/.github/dependabot.yml
	assert_output - <<-'EOF'
	  - package-ecosystem: npm
	    directories:
	      - /services/api
	      - /services/web
	    schedule:
	EOF
	run grep -c -- '- dependency-name: "@types/node"' mixed/.github/dependabot.yml
	assert_output 1
	run grep -B1 -A1 -E "^        if: matrix.language == '(node|typescript)'" \
		mixed/.github/workflows/ci.yml
	assert_line "        if: matrix.language == 'node' || matrix.language == 'typescript'"
	assert_line '        run: npx --no-install tsc --noEmit'
	assert_line '        run: npm test'
	cd mixed
	run make test-api
	assert_success
	assert_line '# pass 5'
}

@test "typescript component: every linter is clean beside a Node component" {
	linters_once
	run genship validate --set project_name=shop --set "components=$MIXED" \
		--set database=postgres --set cache=redis
	assert_success
	assert_line --partial '1 combination, 1 passed, 0 failed; 0 unique findings'
}

@test "typescript: the options and the README name it" {
	run genship options service
	assert_line '  choices: python, node, go, typescript'
	new_ts ts
	run grep -F 'make test  ' ts/README.md
	assert_output 'make test        # unit tests (npm ci, then tsc and node --test)'
	run grep -F -- '- `src/server.ts`' ts/README.md
	assert_success
}
