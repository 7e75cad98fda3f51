-- The first migration of {{ project_name }}: an example table, to be replaced by
-- your own schema before the first deploy. After a migration has been
-- applied anywhere, never edit it (migrate.sh refuses a changed checksum):
{%- if k8s_flavor == 'helm' %}
-- add the next file, 0002_<what_it_does>.sql, beside this one (the chart
-- ships every *.sql file of this directory).
{%- else %}
-- add the next file, 0002_<what_it_does>.sql, and list it in
-- k8s/components/migrations/kustomization.yaml.
{%- endif %}
--
-- Each file runs in one transaction with ON_ERROR_STOP, so it must not
-- contain BEGIN or COMMIT, nor statements that cannot run in a transaction
-- block (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before
-- PostgreSQL 12, VACUUM).
CREATE TABLE app_settings (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE app_settings IS 'Runtime settings of {{ project_name }}, one row per key';
