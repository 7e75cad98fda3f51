-- Undoes 0001_create_app_settings.sql: `migrate.sh rollback` runs it, in one
-- transaction with the removal of the migration's schema_migrations row.
-- Write the down file with its up file, undoing exactly what it does, newest
-- objects first. Like the up file it must not contain BEGIN or COMMIT.
-- Rolling back drops data: take a backup first (scripts/rollback.sh does
-- when the backup CronJob is on).
DROP TABLE app_settings;
