package main

// The template engine: Go's text/template with Helm 3's settings.  Every
// file under templates/ is parsed into one template set, named
// "<chart name>/templates/<file>", so that any file can use a template
// another one defines; files whose base name starts with "_" are parsed
// but never rendered.  Missing keys render as empty (Helm's missingkey=zero
// with "<no value>" removed afterwards).

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// includeMax bounds how deeply a template may include itself, as Helm
// does, so that a recursive define fails instead of exhausting the stack.
const includeMax = 1000

// engine renders one chart with one set of top-level objects.
type engine struct {
	chart    *chart
	included map[string]int // include depth per template name
}

// renderTemplates executes every non-partial template of c with top as
// its data (.Values, .Release, ...) and returns the output per template
// name.  The first error stops the render.
func renderTemplates(c *chart, top map[string]interface{}) (map[string]string, error) {
	e := &engine{chart: c, included: map[string]int{}}
	t := template.New("gotpl").Option("missingkey=zero")
	t.Funcs(e.funcs(t))
	for _, name := range parseOrder(c) {
		src := string(c.templateData(name))
		if _, err := t.New(name).Parse(src); err != nil {
			return nil, e.templateError(err)
		}
	}
	out := map[string]string{}
	for _, f := range c.Templates {
		name := c.templateName(f.Name)
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		data := withTemplate(top, name, path.Join(c.Meta.Name, "templates"))
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, e.templateError(err)
		}
		out[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return out, nil
}

// templateName is the name Helm gives the chart file rel.
func (c *chart) templateName(rel string) string {
	return path.Join(c.Meta.Name, rel)
}

// templateData returns the source of the template called name.
func (c *chart) templateData(name string) []byte {
	for _, f := range c.Templates {
		if c.templateName(f.Name) == name {
			return f.Data
		}
	}
	return nil
}

// parseOrder lists the template names in the order Helm parses them:
// deepest paths first, and by reverse name within one depth.  When two
// files define the same named template, the one parsed last wins, so the
// order decides which definition a chart gets.
func parseOrder(c *chart) []string {
	names := make([]string, len(c.Templates))
	for i, f := range c.Templates {
		names[i] = c.templateName(f.Name)
	}
	sort.Slice(names, func(i, j int) bool {
		di, dj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if di != dj {
			return di > dj
		}
		return names[i] > names[j]
	})
	return names
}

// withTemplate returns a copy of top with .Template set for one file.
func withTemplate(top map[string]interface{}, name, basePath string) map[string]interface{} {
	data := make(map[string]interface{}, len(top)+1)
	for k, v := range top {
		data[k] = v
	}
	data["Template"] = map[string]interface{}{"Name": name, "BasePath": basePath}
	return data
}

// funcs returns the function map for template set t: the base functions
// plus include, tpl and required, which need t.
func (e *engine) funcs(t *template.Template) template.FuncMap {
	f := baseFuncs()
	f["include"] = func(name string, data interface{}) (string, error) {
		return e.include(t, name, data)
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		return e.tpl(t, text, data)
	}
	f["required"] = required
	return f
}

// include executes the named template of t and returns its output.
func (e *engine) include(t *template.Template, name string, data interface{}) (string, error) {
	if e.included[name] >= includeMax {
		return "", fmt.Errorf("rendering template has a nested reference name: %s: more than %d levels", name, includeMax)
	}
	e.included[name]++
	defer func() { e.included[name]-- }()
	var buf strings.Builder
	err := t.ExecuteTemplate(&buf, name, data)
	return buf.String(), err
}

// tpl renders text as a template, under the calling template's name,
// with access to every named template, as Helm's tpl does.  data must be
// a context that carries .Template (normally "."), as Helm requires.
func (e *engine) tpl(t *template.Template, text string, data interface{}) (string, error) {
	name, ok := templateNameOf(data)
	if !ok {
		return "", fmt.Errorf("cannot retrieve Template.Name from values inside tpl function: %s: pass the top-level context, as in tpl .Values.x .", text)
	}
	clone, err := t.Clone()
	if err != nil {
		return "", err
	}
	clone.Funcs(e.funcs(clone))
	if _, err := clone.New(name).Parse(text); err != nil {
		return "", fmt.Errorf("error during tpl function execution for %q: %v", text, err)
	}
	var buf strings.Builder
	if err := clone.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("error during tpl function execution for %q: %v", text, err)
	}
	return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
}

// templateNameOf finds .Template.Name in a render context.
func templateNameOf(data interface{}) (string, bool) {
	m, ok := data.(map[string]interface{})
	if !ok {
		return "", false
	}
	tm, ok := m["Template"].(map[string]interface{})
	if !ok {
		return "", false
	}
	name, ok := tm["Name"].(string)
	return name, ok
}

// required returns val, or fails the render with msg when val is nil or
// the empty string.
func required(msg string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, fmt.Errorf("%s", markUserError(msg))
	}
	if s, ok := val.(string); ok && s == "" {
		return val, fmt.Errorf("%s", markUserError(msg))
	}
	return val, nil
}

// locationRe matches the "template: NAME:LINE[:COL]: " that text/template
// puts before each error, once per level of include.
var locationRe = regexp.MustCompile(`template: ([^\s:]+):(\d+)(?::(\d+))?: `)

// userErrRe extracts a required/fail message from its markers.
var userErrRe = regexp.MustCompile(userErrStart + `(?s)(.*?)` + userErrEnd)

// executingRe matches text/template's `executing "NAME" ` phrase.
var executingRe = regexp.MustCompile(`^executing "[^"]*" `)

// templateError turns a text/template error into a diagnostic at the
// innermost template position, naming the outer template when the error
// happened inside an included one.
func (e *engine) templateError(err error) error {
	msg := err.Error()
	locs := locationRe.FindAllStringSubmatchIndex(msg, -1)
	if len(locs) == 0 {
		return errorf(e.chart.Dir, 0, 0, "%s", msg)
	}
	inner := locs[len(locs)-1]
	d := e.positionOf(msg, inner)
	if m := userErrRe.FindStringSubmatch(msg); m != nil {
		d.Msg = m[1]
	} else {
		d.Msg = executingRe.ReplaceAllString(msg[inner[1]:], "")
		d.Msg = strings.ReplaceAll(d.Msg, "error calling include: ", "")
	}
	if outer := e.positionOf(msg, locs[0]); len(locs) > 1 && outer.File != d.File {
		d.Hint = fmt.Sprintf("included from %s:%d:%d", outer.File, outer.Line, outer.Col)
	}
	return d
}

// positionOf builds a message-less diagnostic from one locationRe match.
func (e *engine) positionOf(msg string, loc []int) *diagnostic {
	name := msg[loc[2]:loc[3]]
	d := &diagnostic{File: e.filePath(name)}
	fmt.Sscanf(msg[loc[4]:loc[5]], "%d", &d.Line)
	if loc[6] >= 0 {
		fmt.Sscanf(msg[loc[6]:loc[7]], "%d", &d.Col)
	}
	return d
}

// filePath maps a template name back to the file on disk.
func (e *engine) filePath(name string) string {
	prefix := e.chart.Meta.Name + "/"
	if strings.HasPrefix(name, prefix) {
		return filepath.Join(e.chart.Dir, filepath.FromSlash(strings.TrimPrefix(name, prefix)))
	}
	return name
}
