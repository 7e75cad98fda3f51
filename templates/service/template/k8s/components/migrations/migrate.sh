#!/usr/bin/env bash
# Apply {{ project_name }}'s pending SQL migrations with psql.
#
# Runs as the {{ migrate_job_name }} Job before every rollout (scripts/deploy.sh waits
# for it) and as the one-shot `migrate` service in compose. Every
# NNNN_name.sql file in MIGRATIONS_DIR is applied once, in lexical order:
#
#   - a session advisory lock serialises concurrent runners;
#   - each file runs in its own transaction together with its row in
#     schema_migrations, with ON_ERROR_STOP: a failing file leaves no trace
#     and stops the run (files must not contain BEGIN/COMMIT themselves);
#   - an applied file whose sha256 has changed fails the run: never edit an
#     applied migration, add a new one.
#
# Connection settings come from libpq variables: PGHOST, PGPORT, PGDATABASE
# (ConfigMap) and PGUSER, PGPASSWORD (Secret).
set -euo pipefail

: "${PGHOST:?PGHOST is not set}"
: "${PGDATABASE:?PGDATABASE is not set}"
: "${PGUSER:?PGUSER is not set}"
: "${PGPASSWORD:?PGPASSWORD is not set}"
dir=${MIGRATIONS_DIR:-/migrations}
lock_timeout=${MIGRATE_LOCK_TIMEOUT:-60s}
wait_seconds=${MIGRATE_WAIT_SECONDS:-60}

log() {
  printf '{"time":"%s","level":"%s","msg":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2"
}

if ! [[ "${lock_timeout}" =~ ^[0-9]+(ms|s|min)$ ]]; then
  log error "MIGRATE_LOCK_TIMEOUT '${lock_timeout}' is not a duration such as 60s"
  exit 2
fi

# The files, checked before anything touches the database.
shopt -s nullglob
files=("${dir}"/*.sql)
shopt -u nullglob
count=0
for f in "${files[@]}"; do
  if ! [[ "$(basename -- "${f}")" =~ ^[0-9]{4}_[a-z0-9_]+\.sql$ ]]; then
    log error "$(basename -- "${f}"): migration files are named NNNN_lowercase_words.sql"
    exit 1
  fi
  count=$((count + 1))
done
if [ "${count}" -eq 0 ]; then
  log error "no *.sql files in ${dir}"
  exit 1
fi

# Wait (bounded) for the server: a Job may start before the database answers.
deadline=$((SECONDS + wait_seconds))
until pg_isready --quiet --timeout=5; do
  if [ "${SECONDS}" -ge "${deadline}" ]; then
    log error "${PGHOST} did not accept connections within ${wait_seconds}s"
    exit 1
  fi
  sleep 2
done

# One psql session runs the whole plan, so that the advisory lock it takes
# (an arbitrary key shared by every runner of this script) covers every file.
# Names are checked above and checksums are hex: both are safe in literals.
lock_key=4236731907319751249
plan() {
  cat <<SQL
SET lock_timeout = '${lock_timeout}';
SELECT pg_advisory_lock(${lock_key});
SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS public.schema_migrations (
  version    text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
RESET client_min_messages;
SQL
  local f version sum
  for f in "${files[@]}"; do
    version=$(basename -- "${f}" .sql)
    sum=$(sha256sum -- "${f}" | cut -d' ' -f1)
    cat <<SQL
BEGIN;
SELECT count(*) = 0 AS pending,
       coalesce(bool_or(checksum <> '${sum}'), false) AS edited
  FROM public.schema_migrations WHERE version = '${version}' \\gset
\\if :edited
  DO \$\$ BEGIN RAISE EXCEPTION '${version} was edited after it was applied: add a new migration instead'; END \$\$;
\\elif :pending
  \\echo '{"level":"info","msg":"applying ${version}"}'
  \\i '${f}'
  INSERT INTO public.schema_migrations (version, checksum) VALUES ('${version}', '${sum}');
\\endif
COMMIT;
SQL
  done
  echo "SELECT pg_advisory_unlock(${lock_key});"
}

log info "migrating ${PGDATABASE} on ${PGHOST}: ${count} file(s) in ${dir}"
if ! plan | psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 \
  --output=/dev/null --file=-; then
  log error "migration run failed (psql's error is above): the file being applied, if any, was rolled back"
  exit 1
fi
applied=$(psql --no-psqlrc --quiet --no-align --tuples-only \
  --command='SELECT count(*) FROM public.schema_migrations')
log info "schema is current: ${applied} migration(s) applied"
