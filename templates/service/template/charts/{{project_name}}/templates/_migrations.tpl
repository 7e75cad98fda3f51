{{/*
The schema migrations: a pre-install and pre-upgrade hook Job (migrations.hook)
that runs files/migrations/migrate.sh on files/migrations/sql/*.sql. Hooks run before
the release's own objects exist (pre-install) or change (pre-upgrade), so
the Job brings what it needs as hooks of lower weight: its ServiceAccount,
NetworkPolicy, ConfigMap and, unless secret.existingSecret is set, a Secret
with the database credentials. Helm deletes those once every hook has
succeeded; the Job stays for its log until the next run replaces it.
*/}}

{{/* The migration objects' name. */}}
{{- define "svc.migrationsName" -}}
{{- printf "%s-migrate" (include "svc.fullname" .) }}
{{- end }}

{{- define "svc.migrationsLabels" -}}
{{ include "svc.componentLabels" (dict "root" . "component" (dict "name" "migrations")) }}
{{- end }}

{{- define "svc.migrationsSelectorLabels" -}}
{{ include "svc.componentSelectorLabels" (dict "root" . "component" (dict "name" "migrations")) }}
{{- end }}

{{/* The annotations of the Job's supporting hook objects. */}}
{{- define "svc.migrationsHook" -}}
helm.sh/hook: {{ .Values.migrations.hook }}
helm.sh/hook-weight: "-5"
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}

{{/* The Secret the Job reads PGUSER and PGPASSWORD from. */}}
{{- define "svc.migrationsSecretName" -}}
{{- .Values.secret.existingSecret | default (include "svc.migrationsName" .) }}
{{- end }}
