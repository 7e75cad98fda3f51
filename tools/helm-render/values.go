package main

// Values as Helm 3 computes them for `helm template -f a.yaml -f b.yaml`:
// the -f files are merged in order (later wins, maps merge key by key),
// then coalesced with the chart's values.yaml, where a null in the
// user's values deletes the chart's default.  Numbers come out as
// float64, because Helm reads YAML through JSON (sigs.k8s.io/yaml).

import (
	"fmt"
	"os"

	yaml3 "gopkg.in/yaml.v3"
	"sigs.k8s.io/yaml"
)

// readValues parses one values file; an empty file is an empty map.
func readValues(file string, data []byte) (map[string]interface{}, error) {
	var vals map[string]interface{}
	if err := yaml.Unmarshal(data, &vals); err != nil {
		d := yamlError(file, err)
		if root := parseNode(data); root != nil && root.Kind != yaml3.MappingNode {
			d = errorf(file, root.Line, root.Column, "a values file must be a mapping of keys to values")
		}
		return nil, d
	}
	if vals == nil {
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// valuesFile is one -f file, kept for locating schema errors.
type valuesFile struct {
	Path string
	Data []byte
}

// readValuesFiles reads and merges the -f files in order.
func readValuesFiles(paths []string) (map[string]interface{}, []valuesFile, error) {
	merged := map[string]interface{}{}
	var files []valuesFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, errorf(p, 0, 0, "cannot read the values file: %v", unwrapPathError(err))
		}
		vals, err := readValues(p, data)
		if err != nil {
			return nil, nil, err
		}
		merged = mergeMaps(merged, vals)
		files = append(files, valuesFile{Path: p, Data: data})
	}
	return merged, files, nil
}

// mergeMaps merges b over a as Helm's CLI merges -f files: maps merge
// recursively, anything else (null included) replaces.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesce fills user with the chart's defaults, in place, as Helm's
// chartutil.CoalesceValues does: a key the user set to null is deleted,
// a key the user did not set is copied, and two maps coalesce
// recursively.  A map meeting a non-map keeps the user's value, with
// Helm's warning.  prefix names the table in warnings; top is true for
// the chart's own top level, where Helm words the warning differently.
func coalesce(user, defaults map[string]interface{}, prefix string, top bool, warn func(string)) {
	for k, dv := range defaults {
		uv, ok := user[k]
		if !ok {
			user[k] = dv
			continue
		}
		if uv == nil {
			delete(user, k)
			continue
		}
		um, uIsMap := uv.(map[string]interface{})
		dm, dIsMap := dv.(map[string]interface{})
		key := prefix + "." + k
		switch {
		case uIsMap && dIsMap:
			coalesce(um, dm, key, false, warn)
		case uIsMap && dv != nil && top:
			warn(fmt.Sprintf("warning: skipped value for %s: Not a table.", key))
		case uIsMap && dv != nil:
			warn(fmt.Sprintf("warning: destination for %s is a table. Ignoring non-table value (%v)", key, dv))
		case dIsMap && !top:
			warn(fmt.Sprintf("warning: cannot overwrite table with non table for %s (%v)", key, dv))
		}
	}
}
