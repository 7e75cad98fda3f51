package main

// The built-in objects templates see besides .Values and .Chart:
// .Release, .Capabilities and .Files, with the fields and methods Helm 3
// gives them.

import (
	"encoding/base64"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver"
)

// releaseObject is .Release for a first install, as `helm template`
// renders it.
func releaseObject(name, namespace string) map[string]interface{} {
	return map[string]interface{}{
		"Name":      name,
		"Namespace": namespace,
		"Service":   "Helm",
		"IsInstall": true,
		"IsUpgrade": false,
		"Revision":  1,
	}
}

// Capabilities is .Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion BuildInfo
}

// KubeVersion is .Capabilities.KubeVersion.
type KubeVersion struct {
	Version string // "v1.29.0"
	Major   string // "1"
	Minor   string // "29"
}

// String returns the version, so that {{ .Capabilities.KubeVersion }}
// prints it.
func (k KubeVersion) String() string { return k.Version }

// GitVersion is the deprecated alias of Version that old charts use.
func (k KubeVersion) GitVersion() string { return k.Version }

// VersionSet is .Capabilities.APIVersions: "group/version" and
// "group/version/Kind" strings.
type VersionSet []string

// Has reports whether the set holds apiVersion.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// BuildInfo is .Capabilities.HelmVersion.
type BuildInfo struct {
	Version      string
	GitCommit    string
	GitTreeState string
	GoVersion    string
}

// The Kubernetes and Helm versions `helm template` reports without a
// cluster; helm-render mirrors Helm 3.14, built against Kubernetes 1.29.
const (
	defaultKubeVersion = "v1.29.0"
	emulatedHelm       = "v3.14.0"
)

// builtinAPIs lists the stable built-in API groups of Kubernetes 1.29
// and their kinds, for APIVersions.Has.
var builtinAPIs = map[string][]string{
	"v1": {"Binding", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
		"PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate",
		"ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount"},
	"admissionregistration.k8s.io/v1": {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
	"apiextensions.k8s.io/v1":         {"CustomResourceDefinition"},
	"apiregistration.k8s.io/v1":       {"APIService"},
	"apps/v1":                         {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"},
	"autoscaling/v1":                  {"HorizontalPodAutoscaler"},
	"autoscaling/v2":                  {"HorizontalPodAutoscaler"},
	"batch/v1":                        {"CronJob", "Job"},
	"certificates.k8s.io/v1":          {"CertificateSigningRequest"},
	"coordination.k8s.io/v1":          {"Lease"},
	"discovery.k8s.io/v1":             {"EndpointSlice"},
	"events.k8s.io/v1":                {"Event"},
	"networking.k8s.io/v1":            {"Ingress", "IngressClass", "NetworkPolicy"},
	"node.k8s.io/v1":                  {"RuntimeClass"},
	"policy/v1":                       {"PodDisruptionBudget"},
	"rbac.authorization.k8s.io/v1":    {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"},
	"scheduling.k8s.io/v1":            {"PriorityClass"},
	"storage.k8s.io/v1":               {"CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment"},
}

// newCapabilities builds .Capabilities for kubeVersion plus the extra
// API versions given with --api-versions.
func newCapabilities(kubeVersion string, extra []string) (*Capabilities, error) {
	v, err := semver.NewVersion(kubeVersion)
	if err != nil {
		return nil, fmt.Errorf("invalid --kube-version %q: expected a version such as v1.29.0", kubeVersion)
	}
	var apis VersionSet
	for gv, kinds := range builtinAPIs {
		apis = append(apis, gv)
		for _, k := range kinds {
			apis = append(apis, gv+"/"+k)
		}
	}
	apis = append(apis, extra...)
	sort.Strings(apis)
	return &Capabilities{
		KubeVersion: KubeVersion{
			Version: "v" + v.String(),
			Major:   fmt.Sprint(v.Major()),
			Minor:   fmt.Sprint(v.Minor()),
		},
		APIVersions: apis,
		HelmVersion: BuildInfo{Version: emulatedHelm, GitTreeState: "clean"},
	}, nil
}

// Files is .Files: the chart's files outside templates/, by path.
type Files map[string][]byte

// newFiles indexes the chart's non-template files.
func newFiles(list []chartFile) Files {
	f := Files{}
	for _, cf := range list {
		f[cf.Name] = cf.Data
	}
	return f
}

// GetBytes returns a file's bytes, or nil.
func (f Files) GetBytes(name string) []byte { return f[name] }

// Get returns a file's content, or "".
func (f Files) Get(name string) string { return string(f[name]) }

// Lines returns a file's lines without the final newline.
func (f Files) Lines(name string) []string {
	s := string(f[name])
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Glob returns the files whose path matches pattern, where "*" and "?"
// stay within one path component, "**" crosses components, and
// "{a,b}" and "[...]" work as in Helm's glob library.
func (f Files) Glob(pattern string) Files {
	re, err := globRegexp(pattern)
	out := Files{}
	if err != nil {
		return out
	}
	for name, data := range f {
		if re.MatchString(name) {
			out[name] = data
		}
	}
	return out
}

// AsConfig renders the files as ConfigMap data: base name to content.
func (f Files) AsConfig() string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}

// AsSecrets renders the files as Secret data: base name to base64.
func (f Files) AsSecrets() string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(data)
	}
	return toYAML(m)
}

// globRegexp translates a glob into an anchored regular expression.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	inClass, braces := false, 0
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case inClass:
			if c == ']' {
				inClass = false
			}
			if c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			inClass = true
			b.WriteByte('[')
			if i+1 < len(pattern) && pattern[i+1] == '!' {
				b.WriteByte('^')
				i++
			}
		case c == '{':
			braces++
			b.WriteString("(?:")
		case c == '}' && braces > 0:
			braces--
			b.WriteByte(')')
		case c == ',' && braces > 0:
			b.WriteByte('|')
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
