{{/*
Named templates shared by the chart's manifests. Names are DNS labels, so
they are cut at 63 characters (52 for the CronJob, whose Jobs add a suffix).

The per-component templates take a dict: (dict "root" $ "component" $c).
*/}}

{{/* The chart name: app.kubernetes.io/name. */}}
{{- define "svc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's base name: the release name when it already contains the
chart name (helm upgrade --install <chart name> ...), else <release>-<chart>.
*/}}
{{- define "svc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version: the helm.sh/chart label. */}}
{{- define "svc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object that belongs to no single component. */}}
{{- define "svc.labels" -}}
helm.sh/chart: {{ include "svc.chart" . }}
{{ include "svc.selectorLabels" . }}
{{ include "svc.metaLabels" . }}
{{- end }}

{{/* The labels that do not select anything. */}}
{{- define "svc.metaLabels" -}}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: {{ include "svc.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.environment }}
environment: {{ . }}
{{- end }}
{{- end }}

{{/* The labels that identify the release's pods; they never change. */}}
{{- define "svc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "svc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
A component's object name: <base name>-<component name>, or with
componentNameSuffix false (a single service) the base name itself.
*/}}
{{- define "svc.componentFullname" -}}
{{- $full := include "svc.fullname" .root }}
{{- if .root.Values.componentNameSuffix }}
{{- printf "%s-%s" $full .component.name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $full }}
{{- end }}
{{- end }}

{{/* Labels of a component's objects. */}}
{{- define "svc.componentLabels" -}}
helm.sh/chart: {{ include "svc.chart" .root }}
{{ include "svc.componentSelectorLabels" . }}
{{ include "svc.metaLabels" .root }}
{{- end }}

{{/* Selector labels of a component's pods. */}}
{{- define "svc.componentSelectorLabels" -}}
{{ include "svc.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component.name }}
{{- end }}

{{/*
A component's image: repository@digest when the deploy pinned one
(image.digests.<component>), else repository:tag, the tag being
image.tags.<component>, else image.tag, else the chart's appVersion.
*/}}
{{- define "svc.image" -}}
{{- $values := .root.Values.image }}
{{- $digest := index ($values.digests | default dict) .component.name }}
{{- if $digest }}
{{- printf "%s@%s" .component.image $digest }}
{{- else }}
{{- $tag := index ($values.tags | default dict) .component.name | default $values.tag | default .root.Chart.AppVersion }}
{{- printf "%s:%s" .component.image $tag }}
{{- end }}
{{- end }}

{{/* The Secret every container reads its secret variables from. */}}
{{- define "svc.secretName" -}}
{{- .Values.secret.existingSecret | default (printf "%s-secrets" (include "svc.fullname" .)) }}
{{- end }}

{{/* The ConfigMap every container reads its settings from. */}}
{{- define "svc.configName" -}}
{{- printf "%s-config" (include "svc.fullname" .) }}
{{- end }}

{{/*
The restricted Pod Security Standard, shared by every pod and container:
numeric non-root user and group 65532, no privilege escalation, no
capabilities, the runtime's default seccomp profile, read-only root.
*/}}
{{- define "svc.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "svc.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Fail the render on a components list the other templates cannot honour:
several components whose objects would share the release's name, a
duplicate name, a per-component ConfigMap without its own name, or a call
to no component (a typo would leave a NetworkPolicy that silently blocks
the traffic).
*/}}
{{- define "svc.checkComponents" -}}
{{- $names := list }}
{{- range .Values.components }}
{{- if has .name $names }}
{{- fail (printf "components: '%s' is listed twice" .name) }}
{{- end }}
{{- $names = append $names .name }}
{{- end }}
{{- if and (not .Values.componentNameSuffix) (gt (len $names) 1) }}
{{- fail (printf "components: %d components need componentNameSuffix: true (with false, every object is named after the release)" (len $names)) }}
{{- end }}
{{- range .Values.components }}
{{- $from := .name }}
{{- if and (get . "config") (not $.Values.componentNameSuffix) }}
{{- fail (printf "components: '%s' sets config, which needs componentNameSuffix: true; put single-service settings under config" $from) }}
{{- end }}
{{- range (get . "secretKeys" | default list) }}
{{- if not (has . $.Values.secret.keys) }}
{{- fail (printf "components: '%s' reads secret key '%s', which is not in secret.keys" $from .) }}
{{- end }}
{{- end }}
{{- range (.calls | default list) }}
{{- if not (has . $names) }}
{{- fail (printf "components: '%s' calls '%s', which is not a component (components: %s)" $from . (join ", " $names)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The components that call component .component (a list). */}}
{{- define "svc.callers" -}}
{{- $callers := list }}
{{- range .root.Values.components }}
{{- if has $.component.name (.calls | default list) }}
{{- $callers = append $callers .name }}
{{- end }}
{{- end }}
{{- toJson $callers }}
{{- end }}

{{/* A component's own ConfigMap (componentNameSuffix: true). */}}
{{- define "svc.componentConfigName" -}}
{{- printf "%s-config" (include "svc.componentFullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A component's own settings: the URL of each component it calls (through
that component's Service, port 80), then its `config`.
*/}}
{{- define "svc.componentConfig" -}}
{{- $data := dict }}
{{- range (.component.calls | default list) }}
{{- $callee := dict "name" . }}
{{- $url := printf "http://%s" (include "svc.componentFullname" (dict "root" $.root "component" $callee)) }}
{{- $_ := set $data (printf "%s_URL" (. | upper | replace "-" "_")) $url }}
{{- end }}
{{- range $key, $value := (get .component "config" | default dict) }}
{{- $_ := set $data $key $value }}
{{- end }}
{{- toJson $data }}
{{- end }}

{{/* The backup objects' base name and labels (component: backup). */}}
{{- define "svc.backupName" -}}
{{- printf "%s-backup" (include "svc.fullname" .) }}
{{- end }}

{{- define "svc.backupLabels" -}}
{{ include "svc.componentLabels" (dict "root" . "component" (dict "name" "backup")) }}
{{- end }}

{{- define "svc.backupSelectorLabels" -}}
{{ include "svc.componentSelectorLabels" (dict "root" . "component" (dict "name" "backup")) }}
{{- end }}
