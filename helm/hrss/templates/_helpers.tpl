{{/* Names and labels shared by the chart's templates. */}}

{{- define "hrss.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-wide prefix: the release name, with the chart name unless it already holds it. */}}
{{- define "hrss.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hrss.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/part-of: {{ include "hrss.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Shared ConfigMap and Secret holding the HRSS_* server addresses and credentials. */}}
{{- define "hrss.platformConfig" -}}
{{- printf "%s-platform" (include "hrss.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hrss.platformSecret" -}}
{{- .Values.external.existingSecret | default (include "hrss.platformConfig" .) -}}
{{- end -}}

{{- define "hrss.migrateSecret" -}}
{{- .Values.external.existingMigrateSecret | default (printf "%s-migrate" (include "hrss.fullname" .) | trunc 63 | trimSuffix "-") -}}
{{- end -}}

{{/* The next templates take (dict "root" $ "svc" <entry>). */}}

{{/* One instance's resource name: <fullname>-<service>[-<instance>]. */}}
{{- define "hrss.instanceName" -}}
{{- $name := printf "%s-%s" (include "hrss.fullname" .root) .svc.name -}}
{{- if .svc.instance -}}
{{- $name = printf "%s-%s" $name (toString .svc.instance) -}}
{{- end -}}
{{- $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hrss.selectorLabels" -}}
app.kubernetes.io/name: {{ .svc.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ include "hrss.instanceName" . }}
{{- end -}}

{{- define "hrss.serviceLabels" -}}
{{ include "hrss.labels" .root }}
app.kubernetes.io/name: {{ .svc.name }}
app.kubernetes.io/component: {{ include "hrss.instanceName" . }}
{{- end -}}

{{- define "hrss.image" -}}
{{- $image := .svc.image | default dict -}}
{{- $repository := $image.repository | default (printf "%s/%s" .root.Values.image.registry .svc.name) -}}
{{- $tag := $image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository (toString $tag) -}}
{{- end -}}

{{/* HRSS_NODES: the entry's nodes, else the release's, comma-separated; required. */}}
{{- define "hrss.nodes" -}}
{{- $nodes := .svc.nodes | default .root.Values.nodes -}}
{{- if not $nodes -}}
{{- fail (printf "services entry %q serves no node: set its nodes or .Values.nodes" .svc.name) -}}
{{- end -}}
{{- if kindIs "slice" $nodes -}}
{{- join "," $nodes -}}
{{- else -}}
{{- toString $nodes -}}
{{- end -}}
{{- end -}}
