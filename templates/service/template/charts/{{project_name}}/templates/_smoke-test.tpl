{{/*
The smoke test: `helm test <release>` runs tests/smoke-test.yaml, a Pod
that asks every component's Service for /healthz and /readyz until both
answer 200. Its ServiceAccount and NetworkPolicies are release objects:
one lets the pod out to the components, one lets it in to them.
*/}}

{{- define "svc.smokeTestName" -}}
{{- printf "%s-smoke-test" (include "svc.fullname" .) }}
{{- end }}

{{- define "svc.smokeTestLabels" -}}
{{ include "svc.componentLabels" (dict "root" . "component" (dict "name" "smoke-test")) }}
{{- end }}

{{- define "svc.smokeTestSelectorLabels" -}}
{{ include "svc.componentSelectorLabels" (dict "root" . "component" (dict "name" "smoke-test")) }}
{{- end }}
