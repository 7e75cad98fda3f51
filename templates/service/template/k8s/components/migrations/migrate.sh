#!/usr/bin/env bash
# Apply {{ project_name }}'s pending SQL migrations with psql, or roll the
# latest ones back.
#   migrate.sh [up]                 apply every pending migration
#   migrate.sh rollback [STEPS]     undo the STEPS (default 1) latest ones
# (or MIGRATE_ACTION=up|rollback and MIGRATE_STEPS in the environment).
#
{%- if k8s_flavor == 'helm' %}
# Runs as the {{ migrate_job_name }} Job, a pre-install and pre-upgrade hook of the
# chart (Helm waits for it), and as the one-shot `migrate` service in compose. Every
{%- else %}
# Runs as the {{ migrate_job_name }} Job before every rollout (scripts/deploy.sh waits
# for it) and as the one-shot `migrate` service in compose. Every
{%- endif %}
# NNNN_name.sql file in MIGRATIONS_DIR is applied once, in lexical order:
#
#   - a session advisory lock serialises concurrent runners;
#   - each file runs in its own transaction together with its row in
#     schema_migrations, with ON_ERROR_STOP: a failing file leaves no trace
#     and stops the run (files must not contain BEGIN/COMMIT themselves);
#   - an applied file whose sha256 has changed fails the run: never edit an
#     applied migration, add a new one;
#   - NNNN_name.down.sql beside NNNN_name.sql undoes it: a rollback runs the
#     down files of the latest applied migrations, newest first, each in one
#     transaction with the removal of its schema_migrations row. A migration
#     without a down file cannot be rolled back (the run stops before it).
#
# Connection settings come from libpq variables: PGHOST, PGPORT, PGDATABASE
# (ConfigMap) and PGUSER, PGPASSWORD (Secret).
set -euo pipefail

: "${PGHOST:?PGHOST is not set}"
: "${PGDATABASE:?PGDATABASE is not set}"
: "${PGUSER:?PGUSER is not set}"
: "${PGPASSWORD:?PGPASSWORD is not set}"
dir=${MIGRATIONS_DIR:-/migrations}
action=${1:-${MIGRATE_ACTION:-up}}
steps=${2:-${MIGRATE_STEPS:-1}}
lock_timeout=${MIGRATE_LOCK_TIMEOUT:-60s}
wait_seconds=${MIGRATE_WAIT_SECONDS:-60}

log() {
  printf '{"time":"%s","level":"%s","msg":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2"
}

if ! [[ "${lock_timeout}" =~ ^[0-9]+(ms|s|min)$ ]]; then
  log error "MIGRATE_LOCK_TIMEOUT '${lock_timeout}' is not a duration such as 60s"
  exit 2
fi
if [ "${action}" != up ] && [ "${action}" != rollback ]; then
  log error "unknown action '${action}': use up or rollback [STEPS]"
  exit 2
fi
if ! [[ "${steps}" =~ ^[1-9][0-9]{0,3}$ ]]; then
  log error "STEPS '${steps}' is not a number of migrations such as 1"
  exit 2
fi

# The files, checked before anything touches the database: files holds the
# up migrations; each down file must undo one of them.
shopt -s nullglob
all=("${dir}"/*.sql)
shopt -u nullglob
files=()
count=0
for f in "${all[@]}"; do
  name=$(basename -- "${f}")
  if [[ "${name}" =~ ^([0-9]{4}_[a-z0-9_]+)\.down\.sql$ ]]; then
    if [ ! -f "${dir}/${BASH_REMATCH[1]}.sql" ]; then
      log error "${name}: there is no ${BASH_REMATCH[1]}.sql for it to undo"
      exit 1
    fi
    continue
  fi
  if ! [[ "${name}" =~ ^[0-9]{4}_[a-z0-9_]+\.sql$ ]]; then
    log error "${name}: migration files are named NNNN_lowercase_words.sql (NNNN_lowercase_words.down.sql to undo one)"
    exit 1
  fi
  files+=("${f}")
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
plan_start() {
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
}

plan() {
  plan_start
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

# rollback_plan VERSION...: undo each version, newest first, while it is
# still the latest applied one.
rollback_plan() {
  plan_start
  local version
  for version in "$@"; do
    cat <<SQL
BEGIN;
SELECT coalesce(max(version) = '${version}', false) AS latest
  FROM public.schema_migrations \\gset
\\if :latest
  \\echo '{"level":"info","msg":"rolling back ${version}"}'
  \\i '${dir}/${version}.down.sql'
  DELETE FROM public.schema_migrations WHERE version = '${version}';
\\else
  DO \$\$ BEGIN RAISE EXCEPTION '${version} is no longer the latest applied migration: another run changed the schema'; END \$\$;
\\endif
COMMIT;
SQL
  done
  echo "SELECT pg_advisory_unlock(${lock_key});"
}

psql_run() {
  psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 "$@"
}

# rollback: undo the latest STEPS migrations; every one needs its down file,
# checked before anything changes.
rollback() {
  local versions=() version list='' n=0
  if [ "$(psql_run --command="SELECT to_regclass('public.schema_migrations') IS NOT NULL")" = t ]; then
    list=$(psql_run --command="SELECT version FROM public.schema_migrations ORDER BY version DESC LIMIT ${steps}")
  fi
  while read -r version; do
    [ -n "${version}" ] || continue
    if ! [[ "${version}" =~ ^[0-9]{4}_[a-z0-9_]+$ ]]; then
      log error "schema_migrations holds '${version}', which is not a migration name"
      exit 1
    fi
    if [ ! -f "${dir}/${version}.down.sql" ]; then
      log error "${version} has no down migration (${version}.down.sql): nothing was rolled back"
      exit 1
    fi
    versions+=("${version}")
    n=$((n + 1))
  done <<<"${list}"
  if [ "${n}" -lt "${steps}" ]; then
    log error "cannot roll back ${steps} migration(s): ${n} applied"
    exit 1
  fi
  log info "rolling back ${steps} migration(s) of ${PGDATABASE} on ${PGHOST}: ${versions[*]}"
  if ! rollback_plan "${versions[@]}" | psql_run --output=/dev/null --file=-; then
    log error "rollback failed (psql's error is above): the migration being rolled back, if any, is still applied"
    exit 1
  fi
}

if [ "${action}" = rollback ]; then
  rollback
  applied=$(psql_run --command='SELECT count(*) FROM public.schema_migrations')
  log info "rolled back ${steps} migration(s): ${applied} applied"
  exit 0
fi

log info "migrating ${PGDATABASE} on ${PGHOST}: ${count} file(s) in ${dir}"
if ! plan | psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 \
  --output=/dev/null --file=-; then
  log error "migration run failed (psql's error is above): the file being applied, if any, was rolled back"
  exit 1
fi
applied=$(psql --no-psqlrc --quiet --no-align --tuples-only \
  --command='SELECT count(*) FROM public.schema_migrations')
log info "schema is current: ${applied} migration(s) applied"
