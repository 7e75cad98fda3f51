// Command helm-render is a test-only stand-in for `helm template`: it
// renders a Helm 3 chart directory with Go's text/template, the sprig
// functions and Helm's own (include, tpl, required, toYaml, ...), and
// prints the manifests as `helm template` does.  It also checks a
// chart's Chart.yaml and values.schema.json structurally
// (--check-chart).  genship's tests and `genship validate` use it where
// Helm itself cannot be installed.  See README.md for what it covers and
// where it differs from Helm.
//
// Exit status: 0 success, 1 the chart or its values are wrong (every
// message names the file and, where known, line and column), 2 bad usage.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/Masterminds/semver"
)

const usage = `usage: helm-render [--release NAME] [--namespace NS] [-f VALUES]...
                   [--kube-version V] [--api-versions GV]... [--notes] CHART_DIR
       helm-render --check-chart CHART_DIR

Render the Helm chart in CHART_DIR like 'helm template', or with
--check-chart check its Chart.yaml and values.schema.json.

  -f, --values FILE     merge FILE over the chart's values.yaml (repeatable;
                        later files win, null deletes a key)
  --release NAME        .Release.Name (default "release-name")
  -n, --namespace NS    .Release.Namespace (default "default")
  --kube-version V      .Capabilities.KubeVersion (default ` + defaultKubeVersion + `)
  --api-versions GV     add GV to .Capabilities.APIVersions (repeatable)
  --notes               also print the rendered NOTES.txt
  --check-chart         check Chart.yaml and values.schema.json only
  -h, --help            show this help
`

// options are the parsed command line.
type options struct {
	Release     string
	Namespace   string
	ValueFiles  []string
	KubeVersion string
	APIVersions []string
	Notes       bool
	CheckChart  bool
	ChartDir    string
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parseArgs reads the command line; flags and the chart may come in any
// order, and "--flag=value" works as well as "--flag value".
func parseArgs(args []string) (*options, error) {
	o := &options{Release: "release-name", Namespace: "default", KubeVersion: defaultKubeVersion}
	var rest []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			rest = append(rest, arg)
			continue
		}
		name, value, hasValue := strings.Cut(arg, "=")
		needValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", usageError{fmt.Sprintf("option '%s' needs a value", name)}
			}
			i++
			return args[i], nil
		}
		var err error
		var v string
		switch name {
		case "-h", "--help":
			return nil, usageError{""}
		case "--notes":
			o.Notes = true
		case "--check-chart":
			o.CheckChart = true
		case "-f", "--values":
			if v, err = needValue(); err == nil {
				o.ValueFiles = append(o.ValueFiles, v)
			}
		case "--release":
			o.Release, err = needValue()
		case "-n", "--namespace":
			o.Namespace, err = needValue()
		case "--kube-version":
			o.KubeVersion, err = needValue()
		case "--api-versions":
			if v, err = needValue(); err == nil {
				o.APIVersions = append(o.APIVersions, v)
			}
		default:
			err = usageError{fmt.Sprintf("unknown option '%s'", name)}
		}
		if err != nil {
			return nil, err
		}
	}
	if len(rest) != 1 {
		return nil, usageError{fmt.Sprintf("expected one CHART_DIR, got %d arguments", len(rest))}
	}
	o.ChartDir = rest[0]
	return o, nil
}

// render loads the chart, computes and validates the values, renders the
// templates and writes the manifests to w.
func render(o *options, w io.Writer) error {
	c, err := loadChart(o.ChartDir)
	if err != nil {
		return err
	}
	if c.Meta.Type == "library" {
		line, col := c.metaPosition("type")
		return errorf(c.rel("Chart.yaml"), line, col, "library charts are not installable").
			withHint("render an application chart that depends on it")
	}
	caps, err := newCapabilities(o.KubeVersion, o.APIVersions)
	if err != nil {
		return usageError{err.Error()}
	}
	if err := checkKubeVersion(c, caps); err != nil {
		return err
	}
	vals, sources, err := finalValues(c, o.ValueFiles)
	if err != nil {
		return err
	}
	if err := validateValues(c, vals, sources); err != nil {
		return err
	}
	top := map[string]interface{}{
		"Values":       vals,
		"Release":      releaseObject(o.Release, o.Namespace),
		"Chart":        &c.Meta,
		"Capabilities": caps,
		"Files":        newFiles(c.Files),
	}
	rendered, err := renderTemplates(c, top)
	if err != nil {
		return err
	}
	e := &engine{chart: c}
	generic, hooks, err := e.sortManifests(rendered)
	if err != nil {
		return err
	}
	if err := writeManifests(w, generic, hooks); err != nil {
		return err
	}
	if notes, ok := rendered[c.templateName("templates/NOTES.txt")]; ok && o.Notes {
		_, err = fmt.Fprintf(w, "NOTES:\n%s\n", strings.TrimRight(notes, "\n"))
	}
	return err
}

// finalValues merges the -f files and coalesces them with the chart's
// values; it also returns every source, lowest precedence first.
func finalValues(c *chart, files []string) (map[string]interface{}, []valuesFile, error) {
	user, sources, err := readValuesFiles(files)
	if err != nil {
		return nil, nil, err
	}
	warn := func(msg string) { fmt.Fprintf(os.Stderr, "helm-render: %s\n", msg) }
	coalesce(user, c.Values, c.Meta.Name, true, warn)
	defaults := valuesFile{Path: c.rel("values.yaml"), Data: c.ValuesData}
	return user, append([]valuesFile{defaults}, sources...), nil
}

// checkKubeVersion applies Chart.yaml's kubeVersion constraint, as Helm
// does before rendering.
func checkKubeVersion(c *chart, caps *Capabilities) error {
	if c.Meta.KubeVersion == "" {
		return nil
	}
	ok, err := kubeVersionMatches(c.Meta.KubeVersion, caps.KubeVersion.Version)
	line, col := c.metaPosition("kubeVersion")
	if err != nil {
		return errorf(c.rel("Chart.yaml"), line, col, "kubeVersion %q is not a version constraint: %v", c.Meta.KubeVersion, err)
	}
	if !ok {
		return errorf(c.rel("Chart.yaml"), line, col, "chart requires kubeVersion: %s which is incompatible with Kubernetes %s",
			c.Meta.KubeVersion, caps.KubeVersion.Version).withHint("pass a matching --kube-version")
	}
	return nil
}

// kubeVersionMatches reports whether version satisfies constraint.
func kubeVersionMatches(constraint, version string) (bool, error) {
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return false, err
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return false, err
	}
	return c.Check(v), nil
}

// run is main without the exit, for the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if err == nil && o.CheckChart {
		err = checkChart(o.ChartDir)
	} else if err == nil {
		bw := bufio.NewWriter(stdout)
		err = render(o, bw)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
	}
	switch e := err.(type) {
	case nil:
		return 0
	case usageError:
		if e.msg == "" {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "helm-render: error: %s\nhint: 'helm-render --help' shows the usage\n", e.msg)
		return 2
	default:
		fmt.Fprintln(stderr, err)
		return 1
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
