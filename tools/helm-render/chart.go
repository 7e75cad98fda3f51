package main

// Loading a chart directory the way Helm 3's loader does: Chart.yaml
// becomes .Chart, values.yaml the default values, templates/ the
// templates, values.schema.json the schema, and every other file (minus
// those .helmignore names) is reachable through .Files.

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Metadata mirrors Helm's chart.Metadata: templates read it as .Chart,
// with Go's capitalised field names (.Chart.Name, .Chart.AppVersion).
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Maintainer mirrors Helm's chart.Maintainer.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dependency mirrors the fields of Helm's chart.Dependency that a
// Chart.yaml may set.
type Dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
}

// chartFile is one file of the chart, by slash-separated path relative to
// the chart directory.
type chartFile struct {
	Name string
	Data []byte
}

// chart is a loaded chart directory.
type chart struct {
	Dir        string // as given on the command line
	Meta       Metadata
	Values     map[string]interface{}
	ValuesData []byte      // values.yaml as read, for positions
	ChartData  []byte      // Chart.yaml as read, for positions
	Templates  []chartFile // "templates/..." files
	Files      []chartFile // everything else, for .Files
	Schema     []byte      // values.schema.json, or nil
}

// rel returns the on-disk path of a file of the chart, for messages.
func (c *chart) rel(name string) string {
	return filepath.Join(c.Dir, filepath.FromSlash(name))
}

// loadChart reads the chart in dir.  Subcharts are refused: this renderer
// covers single charts, which is what genship generates.
func loadChart(dir string) (*chart, error) {
	c := &chart{Dir: dir}
	files, err := readChartFiles(dir)
	if err != nil {
		return nil, err
	}
	sawChart := false
	for _, f := range files {
		switch {
		case f.Name == "Chart.yaml":
			sawChart = true
			c.ChartData = f.Data
			if err := c.loadMetadata(f.Data); err != nil {
				return nil, err
			}
		case f.Name == "values.yaml":
			vals, err := readValues(c.rel(f.Name), f.Data)
			if err != nil {
				return nil, err
			}
			c.Values, c.ValuesData = vals, f.Data
		case f.Name == "values.schema.json":
			c.Schema = f.Data
		case strings.HasPrefix(f.Name, "templates/"):
			c.Templates = append(c.Templates, f)
		case strings.HasPrefix(f.Name, "charts/"), f.Name == "requirements.yaml":
			return nil, errorf(c.rel(f.Name), 0, 0, "subcharts are not supported by helm-render").
				withHint("render each chart on its own")
		default:
			c.Files = append(c.Files, f)
		}
	}
	if !sawChart {
		return nil, errorf(filepath.Join(dir, "Chart.yaml"), 0, 0, "no Chart.yaml: '%s' is not a chart directory", dir).
			withHint("pass the directory that holds Chart.yaml")
	}
	if c.Values == nil {
		c.Values = map[string]interface{}{}
	}
	return c, nil
}

// metaPosition returns the line and column of key's value in Chart.yaml,
// or 0, 0.
func (c *chart) metaPosition(key string) (int, int) {
	if _, v := mapValue(parseNode(c.ChartData), key); v != nil {
		return v.Line, v.Column
	}
	return 0, 0
}

// loadMetadata parses Chart.yaml as Helm does (unknown keys ignored) and
// applies the checks Helm makes when it loads a chart.
func (c *chart) loadMetadata(data []byte) error {
	file := c.rel("Chart.yaml")
	if err := yaml.Unmarshal(data, &c.Meta); err != nil {
		return yamlError(file, err).withHint("'helm-render --check-chart %s' explains Chart.yaml problems", c.Dir)
	}
	m := &c.Meta
	at := func(key, format string, args ...interface{}) *diagnostic {
		line, col := c.metaPosition(key)
		return errorf(file, line, col, format, args...)
	}
	switch {
	case m.APIVersion == "":
		return at("apiVersion", "chart.metadata.apiVersion is required").withHint("add 'apiVersion: v2'")
	case m.Name == "":
		return at("name", "chart.metadata.name is required")
	case m.Version == "" || !isSemver(m.Version, false):
		return at("version", "chart.metadata.version %q is invalid: expected a SemVer 2 version", m.Version)
	case m.Type != "" && m.Type != "application" && m.Type != "library":
		return at("type", "chart.metadata.type %q is invalid: expected application or library", m.Type)
	case len(m.Dependencies) > 0:
		return at("dependencies", "chart dependencies are not supported by helm-render")
	}
	return nil
}

// readChartFiles returns every regular file under dir that .helmignore
// does not exclude, sorted by path.
func readChartFiles(dir string) ([]chartFile, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, errorf(dir, 0, 0, "cannot read the chart: %v", unwrapPathError(err))
	}
	if !st.IsDir() {
		return nil, errorf(dir, 0, 0, "not a directory: expected a chart directory")
	}
	ignore, err := loadHelmignore(dir)
	if err != nil {
		return nil, err
	}
	var files []chartFile
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, werr error) error {
		if werr != nil {
			return werr
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignore.match(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, chartFile{Name: rel, Data: data})
		return nil
	})
	if err != nil {
		return nil, errorf(dir, 0, 0, "cannot read the chart: %v", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// unwrapPathError drops the path from an *fs.PathError: messages name the
// file themselves.
func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// helmignore is the subset of .helmignore that Helm's charts use: one
// glob per line matched against the path or its base name, a trailing
// "/" for directories only, '#' comments.  Negation ("!") is not
// supported and is reported.
type helmignore []string

// loadHelmignore reads dir/.helmignore, if there is one.
func loadHelmignore(dir string) (helmignore, error) {
	file := filepath.Join(dir, ".helmignore")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, errorf(file, 0, 0, "cannot read: %v", err)
	}
	var rules helmignore
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			return nil, errorf(file, i+1, 1, "negated patterns are not supported by helm-render")
		}
		if _, err := path.Match(strings.TrimSuffix(line, "/"), ""); err != nil {
			return nil, errorf(file, i+1, 1, "bad pattern %q: %v", line, err)
		}
		rules = append(rules, line)
	}
	return append(rules, ".helmignore"), nil
}

// match reports whether the slash-separated rel is ignored.
func (h helmignore) match(rel string, isDir bool) bool {
	for _, rule := range h {
		dirOnly := strings.HasSuffix(rule, "/")
		rule = strings.TrimSuffix(rule, "/")
		if dirOnly && !isDir {
			continue
		}
		subject := rel
		if !strings.Contains(rule, "/") {
			subject = path.Base(rel)
		}
		if ok, _ := path.Match(strings.TrimPrefix(rule, "/"), subject); ok {
			return true
		}
	}
	return false
}
