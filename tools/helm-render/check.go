package main

// --check-chart: a structural check of Chart.yaml and values.schema.json,
// stricter than Helm's loader (which ignores unknown keys and accepts
// some sloppy values) so that a generated chart is right by construction.
// Every problem found is reported, each at its line and column.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver"
	yaml3 "gopkg.in/yaml.v3"
)

// semverRe is the SemVer 2.0.0 grammar (semver.org), without a "v".
var semverRe = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// dns1123Re is a DNS-1123 label: what Helm and Kubernetes accept as a
// chart (and resource) name.
var dns1123Re = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// isSemver reports whether v is a SemVer 2 version; loose allows what
// Helm's loader accepts (a "v" prefix, missing minor or patch).
func isSemver(v string, strict bool) bool {
	if strict {
		return semverRe.MatchString(v)
	}
	_, err := semver.NewVersion(v)
	return err == nil
}

// fieldKind is what a Chart.yaml key must hold.
type fieldKind int

const (
	kindString fieldKind = iota
	kindBool
	kindStringList
	kindStringMap
	kindMaintainers
	kindDependencies
)

// chartFields are the keys Helm's chart.Metadata defines.
var chartFields = map[string]fieldKind{
	"apiVersion": kindString, "name": kindString, "version": kindString,
	"kubeVersion": kindString, "description": kindString, "type": kindString,
	"keywords": kindStringList, "home": kindString, "sources": kindStringList,
	"dependencies": kindDependencies, "maintainers": kindMaintainers,
	"icon": kindString, "appVersion": kindString, "deprecated": kindBool,
	"annotations": kindStringMap, "condition": kindString, "tags": kindString,
}

// checker collects the problems of one file.
type checker struct {
	file string
	list diagList
}

// add records a problem at node n.
func (ck *checker) add(n *yaml3.Node, format string, args ...interface{}) *diagnostic {
	d := errorf(ck.file, n.Line, n.Column, format, args...)
	ck.list = append(ck.list, d)
	return d
}

// checkChart runs every structural check on the chart in dir.
func checkChart(dir string) error {
	var list diagList
	if err := checkChartYAML(filepath.Join(dir, "Chart.yaml")); err != nil {
		list = append(list, asDiagList(err)...)
	}
	schemaFile := filepath.Join(dir, "values.schema.json")
	if data, err := os.ReadFile(schemaFile); err == nil {
		if err := checkSchemaDocument(schemaFile, data); err != nil {
			list = append(list, asDiagList(err)...)
		}
	} else if !os.IsNotExist(err) {
		list = append(list, errorf(schemaFile, 0, 0, "cannot read: %v", unwrapPathError(err)))
	}
	if len(list) > 0 {
		return list.sorted()
	}
	return nil
}

// asDiagList flattens an error into diagnostics.
func asDiagList(err error) diagList {
	switch e := err.(type) {
	case diagList:
		return e
	case *diagnostic:
		return diagList{e}
	}
	return diagList{&diagnostic{Msg: err.Error()}}
}

// checkChartYAML checks Chart.yaml against Helm's chart API v2.
func checkChartYAML(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return errorf(file, 0, 0, "cannot read: %v", unwrapPathError(err)).
			withHint("a chart directory holds Chart.yaml")
	}
	var doc yaml3.Node
	if err := yaml3.Unmarshal(data, &doc); err != nil {
		return yamlError(file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml3.MappingNode {
		return errorf(file, 1, 1, "Chart.yaml must be a mapping of keys to values")
	}
	ck := &checker{file: file}
	root := doc.Content[0]
	ck.checkKeys(root)
	ck.checkRequired(root)
	if len(ck.list) > 0 {
		return ck.list
	}
	return nil
}

// checkKeys flags unknown keys and checks each known key's value.
func (ck *checker) checkKeys(root *yaml3.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		kind, known := chartFields[k.Value]
		if !known {
			d := ck.add(k, "unknown key '%s' in Chart.yaml", k.Value)
			if near := closest(k.Value, fieldNames()); near != "" {
				d.Hint = fmt.Sprintf("did you mean '%s'?", near)
			} else {
				d.Hint = "put custom data under 'annotations:'"
			}
			continue
		}
		ck.checkKind(k.Value, kind, v)
	}
}

// checkRequired checks apiVersion, name, version, appVersion and type.
func (ck *checker) checkRequired(root *yaml3.Node) {
	for _, key := range []string{"apiVersion", "name", "version"} {
		if k, _ := mapValue(root, key); k == nil {
			ck.list = append(ck.list, errorf(ck.file, 1, 1, "missing required key '%s'", key))
		}
	}
	if _, v := mapValue(root, "apiVersion"); isStr(v) && v.Value != "v2" {
		ck.add(v, "apiVersion is '%s': expected v2", v.Value).withHint("Helm 3 charts use 'apiVersion: v2'")
	}
	if _, v := mapValue(root, "name"); isStr(v) && (!dns1123Re.MatchString(v.Value) || len(v.Value) > 63) {
		ck.add(v, "name '%s' is not a DNS-1123 label", v.Value).
			withHint("use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")
	}
	if _, v := mapValue(root, "version"); isStr(v) && !isSemver(v.Value, true) {
		ck.add(v, "version '%s' is not a SemVer 2 version", v.Value).withHint("use MAJOR.MINOR.PATCH, such as 0.1.0")
	}
	if _, v := mapValue(root, "type"); isStr(v) && v.Value != "application" && v.Value != "library" {
		ck.add(v, "type '%s' is invalid: expected application or library", v.Value)
	}
	if _, v := mapValue(root, "kubeVersion"); isStr(v) {
		if _, err := semver.NewConstraint(v.Value); err != nil {
			ck.add(v, "kubeVersion '%s' is not a version constraint: %v", v.Value, err)
		}
	}
}

// isStr reports whether n is a string scalar (quoted, or plain text that
// YAML does not read as a number, boolean or null).
func isStr(n *yaml3.Node) bool {
	return n != nil && n.Kind == yaml3.ScalarNode && n.ShortTag() == "!!str"
}

// checkKind checks that v holds what key's kind requires.
func (ck *checker) checkKind(key string, kind fieldKind, v *yaml3.Node) {
	switch kind {
	case kindString:
		if !isStr(v) {
			d := ck.add(v, "'%s' must be a string, not %s", key, describe(v))
			if v.Kind == yaml3.ScalarNode {
				d.Hint = fmt.Sprintf("quote it: %s: \"%s\"", key, v.Value)
			}
		}
	case kindBool:
		if v.Kind != yaml3.ScalarNode || v.ShortTag() != "!!bool" {
			ck.add(v, "'%s' must be true or false, not %s", key, describe(v))
		}
	case kindStringList:
		ck.checkStringList(key, v)
	case kindStringMap:
		ck.checkStringMap(key, v)
	case kindMaintainers:
		ck.checkObjects(key, v, map[string]bool{"name": true, "email": true, "url": true}, "name")
	case kindDependencies:
		ck.checkObjects(key, v, map[string]bool{"name": true, "version": true, "repository": true,
			"condition": true, "tags": true, "enabled": true, "import-values": true, "alias": true}, "name")
	}
}

// checkStringList requires a sequence of strings.
func (ck *checker) checkStringList(key string, v *yaml3.Node) {
	if v.Kind != yaml3.SequenceNode {
		ck.add(v, "'%s' must be a list of strings, not %s", key, describe(v))
		return
	}
	for _, item := range v.Content {
		if !isStr(item) {
			ck.add(item, "'%s' items must be strings, not %s", key, describe(item))
		}
	}
}

// checkStringMap requires a mapping of strings to strings.
func (ck *checker) checkStringMap(key string, v *yaml3.Node) {
	if v.Kind != yaml3.MappingNode {
		ck.add(v, "'%s' must be a mapping of strings, not %s", key, describe(v))
		return
	}
	for i := 1; i < len(v.Content); i += 2 {
		if !isStr(v.Content[i]) {
			ck.add(v.Content[i], "'%s.%s' must be a string, not %s", key, v.Content[i-1].Value,
				describe(v.Content[i])).withHint("quote it")
		}
	}
}

// checkObjects requires a sequence of mappings with only allowed keys and
// the required one.
func (ck *checker) checkObjects(key string, v *yaml3.Node, allowed map[string]bool, need string) {
	if v.Kind != yaml3.SequenceNode {
		ck.add(v, "'%s' must be a list, not %s", key, describe(v))
		return
	}
	for _, item := range v.Content {
		if item.Kind != yaml3.MappingNode {
			ck.add(item, "'%s' items must be mappings, not %s", key, describe(item))
			continue
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			if !allowed[item.Content[i].Value] {
				ck.add(item.Content[i], "unknown key '%s' in a %s item", item.Content[i].Value, key)
			}
		}
		if k, _ := mapValue(item, need); k == nil {
			ck.add(item, "a %s item lacks '%s'", key, need)
		}
	}
}

// describe names what a node holds, for messages.
func describe(n *yaml3.Node) string {
	switch n.Kind {
	case yaml3.MappingNode:
		return "a mapping"
	case yaml3.SequenceNode:
		return "a list"
	case yaml3.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return fmt.Sprintf("the number %s", n.Value)
	case "!!bool":
		return fmt.Sprintf("the boolean %s", n.Value)
	case "!!null":
		return "null"
	}
	return fmt.Sprintf("%q", n.Value)
}

// fieldNames lists the known Chart.yaml keys, sorted.
func fieldNames() []string {
	names := make([]string, 0, len(chartFields))
	for k := range chartFields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// closest returns the candidate within edit distance 2 of s (case
// ignored), or "".
func closest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min3(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func min3(a, b, c int) int {
	if b < a {
		a = b
	}
	if c < a {
		a = c
	}
	return a
}
