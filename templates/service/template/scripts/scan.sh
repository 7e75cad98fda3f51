#!/usr/bin/env bash
# Scan the image and the configuration with Trivy, using trivy.yaml and
# .trivyignore. Fails on fixable {{ trivy_severity.split(',') | unique | join('/') }} findings.
#   scripts/scan.sh IMAGE_REF{% if components %}...      (one per component){% endif %}
set -euo pipefail

cd "$(dirname "$0")/.."
{%- if components %}
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/scan.sh IMAGE_REF..." >&2
  exit 2
fi
{%- else %}
image=${1:?usage: scripts/scan.sh IMAGE_REF}
{%- endif %}
tool=${CONTAINER_TOOL:-{{ container_tool }}}

if ! command -v trivy >/dev/null 2>&1; then
  echo "error: trivy is not installed (https://trivy.dev)" >&2
  exit 1
fi
{%- if kubernetes %}

# Misconfigurations in the {{ container_file }}, compose files and rendered {% if k8s_flavor == 'helm' %}chart{% else %}overlays{% endif %}.
scripts/k8s-render.sh
{%- endif %}
trivy config --config trivy.yaml .

# Vulnerabilities and secrets in the image, read from an archive so that it
# works the same with podman and docker.
mkdir -p build
archive=build/image.tar
{%- if components %}
# Every image is scanned; the script fails if any of them has findings.
status=0
for image in "$@"; do
  echo "scanning ${image}"
  rm -f "${archive}"
  "${tool}" save -o "${archive}" "${image}"
  trivy image --config trivy.yaml --input "${archive}" || status=1
done
exit "${status}"
{%- else %}
rm -f "${archive}"
"${tool}" save -o "${archive}" "${image}"
trivy image --config trivy.yaml --input "${archive}"
{%- endif %}
