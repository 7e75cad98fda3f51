#!/usr/bin/env bash
# Restore a pg_dump custom-format dump into a database.
#   PGHOST=... PGPORT=... PGDATABASE=... PGUSER=... PGPASSWORD=... \
#     scripts/restore.sh path/to/{{ project_name | replace('-', '_') }}-YYYYmmddTHHMMSSZ.dump [--yes]
#
# The dump is checked with pg_restore --list first. Existing objects in the
# target database are dropped and recreated (--clean --if-exists) in a single
# transaction: on any error nothing changes. See docs/runbooks/restore.md.
set -euo pipefail

usage() {
  echo "usage: scripts/restore.sh DUMP_FILE [--yes]" >&2
  exit 2
}

dump=${1:-}
confirm=${2:-}
[ -n "${dump}" ] || usage
[ -f "${dump}" ] || { echo "error: ${dump}: no such file" >&2; exit 1; }
: "${PGHOST:?set PGHOST (and PGPORT, PGDATABASE, PGUSER, PGPASSWORD)}"
: "${PGDATABASE:?set PGDATABASE}"
: "${PGUSER:?set PGUSER}"

echo "checking ${dump}"
pg_restore --list "${dump}" >/dev/null

if [ "${confirm}" != "--yes" ]; then
  printf 'Replace the contents of %s on %s with %s? Type the database name to continue: ' \
    "${PGDATABASE}" "${PGHOST}" "${dump}"
  read -r answer
  if [ "${answer}" != "${PGDATABASE}" ]; then
    echo "aborted" >&2
    exit 1
  fi
fi

pg_restore --clean --if-exists --no-owner --no-privileges \
  --single-transaction --exit-on-error --dbname="${PGDATABASE}" "${dump}"
echo "restored ${dump} into ${PGDATABASE} on ${PGHOST}"
