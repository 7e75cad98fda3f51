{{/*
The backup Job's spec: files/backup.sh writes a verified dump to the
backups claim. The CronJob's Jobs run it on backup.schedule and, with the
migrations on, the pre-upgrade hook Job of backup-pre-migrate-job.yaml
runs it once before the migration Job. A retry writes a new dump.
*/}}
{{- define "svc.backupJobSpec" -}}
backoffLimit: 2
activeDeadlineSeconds: 3600
ttlSecondsAfterFinished: 86400
template:
  {{- include "svc.backupPodTemplate" . | nindent 2 }}
{{- end }}

{{/* The backup Job's pod. */}}
{{- define "svc.backupPodTemplate" -}}
metadata:
  labels:
    {{- include "svc.backupLabels" . | nindent 4 }}
  annotations:
    checksum/script: {{ .Files.Get "files/backup.sh" | sha256sum }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "svc.backupName" . }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  securityContext:
    {{- include "svc.podSecurityContext" . | nindent 4 }}
  containers:
    - name: pg-dump
      # pg_dump must be at least as new as the server: keep
      # backup.image in step with the database's major version.
      image: {{ .Values.backup.image }}
      imagePullPolicy: IfNotPresent
      command:
        - bash
        - /scripts/backup.sh
      envFrom:
        - configMapRef:
            name: {{ include "svc.configName" . }}
      env:
        - name: PGUSER
          valueFrom:
            secretKeyRef:
              name: {{ include "svc.secretName" . }}
              key: PGUSER
        - name: PGPASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ include "svc.secretName" . }}
              key: PGPASSWORD
        - name: BACKUP_DIR
          value: /backups
        - name: BACKUP_RETENTION_DAYS
          value: {{ .Values.backup.retentionDays | quote }}
        - name: HOME
          value: /tmp
      # The same resources as the app's containers.
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- include "svc.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: backups
          mountPath: /backups
        - name: scripts
          mountPath: /scripts
          readOnly: true
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: backups
      persistentVolumeClaim:
        claimName: {{ include "svc.fullname" . }}-backups
    - name: scripts
      configMap:
        name: {{ include "svc.fullname" . }}-backup-script
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
{{- end }}

{{/* The CronJob's name: at most 52 characters, as the Jobs it creates add
an 11-character suffix. */}}
{{- define "svc.backupCronJobName" -}}
{{- printf "%s-pg-backup" (include "svc.fullname" . | trunc 42 | trimSuffix "-") }}
{{- end }}
