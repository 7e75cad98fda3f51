#!/usr/bin/env bash
# pg_dump backup for {{ project_name }}, run by the {{ backup_job_name }} CronJob.
#
# 1. dump in custom format to <name>.dump.partial
# 2. rename it into place (an interrupted run never leaves a *.dump)
# 3. verify the dump's table of contents with pg_restore --list
# 4. only then prune dumps older than BACKUP_RETENTION_DAYS
#
# Connection settings come from libpq variables: PGHOST, PGPORT, PGDATABASE
# (ConfigMap) and PGUSER, PGPASSWORD (Secret).
set -euo pipefail

: "${PGHOST:?PGHOST is not set}"
: "${PGDATABASE:?PGDATABASE is not set}"
: "${PGUSER:?PGUSER is not set}"
: "${PGPASSWORD:?PGPASSWORD is not set}"
backup_dir=${BACKUP_DIR:-/backups}
retention_days=${BACKUP_RETENTION_DAYS:-{{ backup_retention_days }}}

log() {
  printf '{"time":"%s","level":"%s","msg":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2"
}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="${backup_dir}/${PGDATABASE}-${stamp}.dump"
partial="${final}.partial"
trap 'rm -f -- "${partial}"' EXIT

log info "dumping ${PGDATABASE} from ${PGHOST} to ${final}"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="${partial}"
mv -- "${partial}" "${final}"

if ! pg_restore --list "${final}" >/dev/null; then
  mv -- "${final}" "${final}.corrupt"
  log error "verification failed: kept ${final}.corrupt, retention not applied"
  exit 1
fi
log info "verified ${final} ($(du -h -- "${final}" | cut -f1))"

# Prune only after a successful, verified dump; never touch partial files.
find "${backup_dir}" -maxdepth 1 -type f -name "${PGDATABASE}-*.dump" \
  -mtime "+${retention_days}" -print -delete
log info "retention applied: kept dumps newer than ${retention_days} days"
