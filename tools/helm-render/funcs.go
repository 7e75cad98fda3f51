package main

// The template functions: sprig's text functions without env and
// expandenv (Helm removes them so that charts cannot read the
// environment), plus Helm's own.  include, tpl and required are bound
// per render in engine.go because they need the template set.

import (
	"encoding/json"
	"errors"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// baseFuncs returns the functions that do not depend on the render.
func baseFuncs() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"mustToYaml":    mustToYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"mustToJson":    mustToJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"lookup":        lookup,
		"fail":          fail,
	}
	for name, fn := range extra {
		f[name] = fn
	}
	return f
}

// toYAML marshals v as Helm does (through JSON, so keys come out sorted)
// without the final newline; an error yields "".
func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// mustToYAML is toYAML that fails the render on error.
func mustToYAML(v interface{}) (string, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(data), "\n"), nil
}

// fromYAML parses a YAML mapping; an error is put under the key "Error",
// as Helm does, rather than failing the render.
func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// fromYAMLArray parses a YAML sequence; an error becomes the only item.
func fromYAMLArray(s string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

// toJSON marshals v; an error yields "".
func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

// mustToJSON is toJSON that fails the render on error.
func mustToJSON(v interface{}) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// fromJSON parses a JSON object; an error goes under "Error".
func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// fromJSONArray parses a JSON array; an error becomes the only item.
func fromJSONArray(s string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

// lookup is what `helm template` offers without a cluster: every lookup
// finds nothing and returns an empty map.
func lookup(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
	return map[string]interface{}{}, nil
}

// fail stops the render with msg; the marker lets the error report show
// msg alone, as Helm shows it.
func fail(msg string) (string, error) {
	return "", errors.New(markUserError(msg))
}

// User messages (required, fail) are wrapped in markers so that they can
// be found again inside text/template's nested error strings.
const (
	userErrStart = "HELM_ERR_START"
	userErrEnd   = "HELM_ERR_END"
)

func markUserError(msg string) string {
	return userErrStart + msg + userErrEnd
}
