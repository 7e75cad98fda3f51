package main

// Turning rendered templates into `helm template` output: each file is
// split into YAML documents (empty ones dropped), each document's head is
// parsed (invalid YAML fails, as in Helm), hooks are set apart, and the
// documents are ordered by kind in Helm's install order.  Each document is
// printed as "---\n# Source: <template name>\n<document>\n".

import (
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// manifest is one rendered YAML document.
type manifest struct {
	Source  string // template name, "<chart>/templates/x.yaml"
	Content string
	Kind    string
}

// head is the part of a document that ordering and hooks look at.
type head struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind,omitempty"`
	Metadata   *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// installOrder is Helm 3's order of kinds for installing; unknown kinds go
// last, sorted by kind name.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret",
	"SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
	"PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
	"RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
	"ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
	"StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
}

// hookEvents are the values of helm.sh/hook that Helm knows.
var hookEvents = map[string]bool{
	"pre-install": true, "post-install": true, "pre-delete": true,
	"post-delete": true, "pre-upgrade": true, "post-upgrade": true,
	"pre-rollback": true, "post-rollback": true, "test": true,
	"test-success": true,
}

// docSeparator splits a file into documents as Helm's SplitManifests does.
var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// splitDocuments returns the non-empty documents of a rendered file.
func splitDocuments(s string) []string {
	var docs []string
	for _, d := range docSeparator.Split(strings.TrimSpace(s), -1) {
		if d = strings.TrimSpace(d); d != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// sortManifests splits the rendered files into ordinary manifests and
// hooks, each ordered by kind (stable: same-kind documents keep their
// file and in-file order).  NOTES.txt and partials are not manifests.
// A document whose YAML does not parse is an error at its template.
func (e *engine) sortManifests(rendered map[string]string) (generic, hooks []manifest, err error) {
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		if path.Base(name) != "NOTES.txt" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for i, doc := range splitDocuments(rendered[name]) {
			var h head
			if err := yaml.Unmarshal([]byte(doc), &h); err != nil {
				d := yamlError(e.filePath(name), err)
				d.Msg = fmt.Sprintf("rendered document %d is not valid YAML: %s", i+1, strings.TrimPrefix(d.Msg, "invalid YAML: "))
				if d.Line > 0 {
					d.Msg += fmt.Sprintf(" (line %d of the document)", d.Line)
					d.Line = 0
				}
				d.Hint = "check the indentation that the template produces (indent/nindent)"
				return nil, nil, d
			}
			m := manifest{Source: name, Content: doc, Kind: h.Kind}
			if isHook(h, name) {
				hooks = append(hooks, m)
			} else if h.Metadata == nil || h.Metadata.Annotations["helm.sh/hook"] == "" {
				generic = append(generic, m)
			}
		}
	}
	sortByKind(generic)
	sortByKind(hooks)
	return generic, hooks, nil
}

// isHook reports whether a document is a Helm hook.  A hook naming an
// event Helm does not know is dropped by Helm; so it is here, with
// Helm's notice on stderr.
func isHook(h head, source string) bool {
	if h.Metadata == nil {
		return false
	}
	events, ok := h.Metadata.Annotations["helm.sh/hook"]
	if !ok || events == "" {
		return false
	}
	for _, ev := range strings.Split(events, ",") {
		if !hookEvents[strings.ToLower(strings.TrimSpace(ev))] {
			fmt.Fprintf(os.Stderr, "helm-render: info: %s: skipping unknown hook: %q\n", source, events)
			return false
		}
	}
	return true
}

// sortByKind orders manifests by installOrder, stably.
func sortByKind(ms []manifest) {
	rank := make(map[string]int, len(installOrder))
	for i, k := range installOrder {
		rank[k] = i
	}
	sort.SliceStable(ms, func(i, j int) bool {
		ri, iok := rank[ms[i].Kind]
		rj, jok := rank[ms[j].Kind]
		switch {
		case !iok && !jok:
			return ms[i].Kind < ms[j].Kind
		case !iok:
			return false
		case !jok:
			return true
		}
		return ri < rj
	})
}

// writeManifests prints manifests then hooks as `helm template` does.
func writeManifests(w io.Writer, generic, hooks []manifest) error {
	for _, list := range [][]manifest{generic, hooks} {
		for _, m := range list {
			if _, err := fmt.Fprintf(w, "---\n# Source: %s\n%s\n", m.Source, m.Content); err != nil {
				return err
			}
		}
	}
	return nil
}
