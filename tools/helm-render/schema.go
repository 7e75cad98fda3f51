package main

// values.schema.json: validating the final values against it, as Helm 3
// does before rendering (with the same library, gojsonschema), and
// checking that the schema is itself a draft-07 JSON Schema.  Each
// problem is reported at the place that causes it: a value's position in
// the last values file that sets it, or a keyword's position in the
// schema.

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

// draft07 is the meta-schema URL; gojsonschema carries its text, so no
// network is needed.
const draft07 = "http://json-schema.org/draft-07/schema#"

// validateValues checks vals against the chart's schema.  sources are the
// files the values came from, lowest precedence first, for positions.
func validateValues(c *chart, vals map[string]interface{}, sources []valuesFile) error {
	if c.Schema == nil {
		return nil
	}
	schemaFile := c.rel("values.schema.json")
	if err := checkSchemaDocument(schemaFile, c.Schema); err != nil {
		return err
	}
	doc, err := json.Marshal(vals)
	if err != nil {
		return errorf(schemaFile, 0, 0, "cannot convert the values to JSON: %v", err)
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(c.Schema), gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return errorf(schemaFile, 0, 0, "cannot use the schema: %v", err)
	}
	var list diagList
	for _, re := range result.Errors() {
		list = append(list, valueError(re, sources, schemaFile))
	}
	if len(list) > 0 {
		return list.sorted()
	}
	return nil
}

// valueError places one schema violation in the values files.
func valueError(re gojsonschema.ResultError, sources []valuesFile, schemaFile string) *diagnostic {
	p := contextPath(re.Context())
	if prop, ok := re.Details()["property"].(string); ok && re.Type() == "additional_property_not_allowed" {
		p = append(p, prop)
	}
	field := strings.Join(p, ".")
	if field == "" {
		field = "(root)"
	}
	d := &diagnostic{Msg: fmt.Sprintf("value '%s' does not match the schema: %s", field, re.Description())}
	d.File, d.Line, d.Col = findValue(sources, p)
	if d.File == "" {
		d.File = schemaFile
	}
	d.Hint = fmt.Sprintf("change the value, or the schema in %s", schemaFile)
	return d
}

// contextPath splits a gojsonschema context, "(root).image.tag", into
// its segments.
func contextPath(ctx *gojsonschema.JsonContext) []string {
	s := strings.TrimPrefix(ctx.String(), "(root)")
	s = strings.TrimPrefix(s, ".")
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

// findValue returns the position of path in the highest-precedence
// values file that sets it, falling back to the nearest parent that one
// of them sets.
func findValue(sources []valuesFile, p []string) (string, int, int) {
	for n := len(p); n >= 0; n-- {
		for i := len(sources) - 1; i >= 0; i-- {
			root := parseNode(sources[i].Data)
			if node, ok := locate(root, p[:n]); ok && root != nil {
				return sources[i].Path, node.Line, node.Column
			}
		}
	}
	return "", 0, 0
}

// checkSchemaDocument verifies that data is a JSON Schema draft-07
// document: valid JSON, no other draft's $schema, every keyword well
// formed according to the draft-07 meta-schema, and compilable (valid
// regular expressions and resolvable local $refs).
func checkSchemaDocument(file string, data []byte) error {
	var doc interface{}
	if err := json.Unmarshal(data, &doc); err != nil {
		return jsonError(file, data, err)
	}
	if m, ok := doc.(map[string]interface{}); ok {
		if s, ok := m["$schema"].(string); ok && strings.TrimSuffix(s, "#") != strings.TrimSuffix(draft07, "#") {
			line, col := schemaPosition(data, []string{"$schema"})
			return errorf(file, line, col, "$schema is %q: expected draft-07", s).
				withHint("use \"$schema\": \"%s\", the draft Helm validates with", draft07)
		}
	}
	meta, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoader(draft07))
	if err != nil {
		return errorf(file, 0, 0, "cannot load the draft-07 meta-schema: %v", err)
	}
	result, err := meta.Validate(gojsonschema.NewGoLoader(doc))
	if err != nil {
		return errorf(file, 0, 0, "cannot check the schema: %v", err)
	}
	var list diagList
	for _, re := range specificErrors(result.Errors()) {
		p := contextPath(re.Context())
		line, col := schemaPosition(data, p)
		list = append(list, errorf(file, line, col, "not a valid draft-07 schema: %s: %s",
			displayPath(p), re.Description()))
	}
	if len(list) > 0 {
		return list.sorted()
	}
	loader := gojsonschema.NewSchemaLoader()
	loader.Draft = gojsonschema.Draft7
	loader.AutoDetect = false
	if _, err := loader.Compile(gojsonschema.NewBytesLoader(data)); err != nil {
		return errorf(file, 0, 0, "the schema does not compile: %v", err)
	}
	return nil
}

// specificErrors drops the summary errors of allOf/anyOf/oneOf ("Must
// validate all the schemas") where a more specific error names the same
// place: the specific one says what is wrong.
func specificErrors(errs []gojsonschema.ResultError) []gojsonschema.ResultError {
	specific := map[string]bool{}
	for _, re := range errs {
		if !isSummary(re) {
			specific[re.Context().String()] = true
		}
	}
	var out []gojsonschema.ResultError
	for _, re := range errs {
		if !isSummary(re) || !specific[re.Context().String()] {
			out = append(out, re)
		}
	}
	return out
}

// isSummary reports whether re only says that a combinator failed.
func isSummary(re gojsonschema.ResultError) bool {
	switch re.Type() {
	case "number_all_of", "number_any_of", "number_one_of":
		return true
	}
	return false
}

// displayPath names a schema location for a message.
func displayPath(p []string) string {
	if len(p) == 0 {
		return "(root)"
	}
	return strings.Join(p, ".")
}

// schemaPosition returns the line and column of path in a JSON document,
// or the nearest parent found; 0, 0 when the text cannot be indexed.
func schemaPosition(data []byte, p []string) (int, int) {
	root := parseNode(data)
	if root == nil {
		return 0, 0
	}
	node, _ := locate(root, p)
	return node.Line, node.Column
}

// jsonError turns a JSON syntax error into a positioned diagnostic.
func jsonError(file string, data []byte, err error) *diagnostic {
	offset := int64(-1)
	switch e := err.(type) {
	case *json.SyntaxError:
		offset = e.Offset
	case *json.UnmarshalTypeError:
		offset = e.Offset
	}
	if offset < 0 {
		return errorf(file, 0, 0, "invalid JSON: %v", err)
	}
	line, col := 1, 1
	for i := int64(0); i < offset-1 && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return errorf(file, line, col, "invalid JSON: %v", err)
}
