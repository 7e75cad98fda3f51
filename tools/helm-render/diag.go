package main

// Diagnostics: every error the tool reports names a file and, where it
// is known, a line and column, says what was expected, and may carry a
// one-line hint.  The format is genship's: "FILE:LINE:COL: error: MSG"
// followed by an optional "hint: ..." line.

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml3 "gopkg.in/yaml.v3"
)

// diagnostic is one reported problem.  Line and Col are 1-based; 0 means
// unknown (and Col without Line is ignored).
type diagnostic struct {
	File string
	Line int
	Col  int
	Msg  string
	Hint string
}

// Error formats d as genship does.
func (d *diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	fmt.Fprintf(&b, ": error: %s", d.Msg)
	if d.Hint != "" {
		fmt.Fprintf(&b, "\nhint: %s", d.Hint)
	}
	return b.String()
}

// diagList collects several diagnostics and is itself an error.
type diagList []*diagnostic

func (l diagList) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "\n")
}

// sorted returns l ordered by file, line, column and message, so that
// output does not depend on the order checks ran in.
func (l diagList) sorted() diagList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
	return l
}

// errorf builds a diagnostic at file:line:col.
func errorf(file string, line, col int, format string, args ...interface{}) *diagnostic {
	return &diagnostic{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// withHint sets d's hint and returns d.
func (d *diagnostic) withHint(format string, args ...interface{}) *diagnostic {
	d.Hint = fmt.Sprintf(format, args...)
	return d
}

// yamlLineRe finds the "line N" that the YAML libraries put in errors.
var yamlLineRe = regexp.MustCompile(`line (\d+): `)

// yamlError turns a YAML library error about file into a diagnostic,
// lifting "line N: " out of the message into the position.
func yamlError(file string, err error) *diagnostic {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if m := yamlLineRe.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	return errorf(file, line, 0, "invalid YAML: %s", msg)
}

// parseNode parses data as one YAML (or JSON) document and returns its
// root node, or nil when it does not parse.
func parseNode(data []byte) *yaml3.Node {
	var doc yaml3.Node
	if err := yaml3.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// mapValue returns the key and value nodes of key in mapping n, or nils.
func mapValue(n *yaml3.Node, key string) (*yaml3.Node, *yaml3.Node) {
	if n == nil || n.Kind != yaml3.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// locate follows path (keys and sequence indices) from n and returns the
// deepest node reached and whether the whole path was found.  A key that
// itself contains dots ("app.kubernetes.io/name") is matched by joining
// path segments, since JSON-schema contexts join segments with dots.
func locate(n *yaml3.Node, path []string) (*yaml3.Node, bool) {
	if n == nil {
		return nil, false
	}
	if len(path) == 0 {
		return n, true
	}
	switch n.Kind {
	case yaml3.SequenceNode:
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= len(n.Content) {
			return n, false
		}
		return locate(n.Content[i], path[1:])
	case yaml3.MappingNode:
		for take := len(path); take >= 1; take-- {
			k, v := mapValue(n, strings.Join(path[:take], "."))
			if k == nil {
				continue
			}
			if take == len(path) {
				return k, true
			}
			return locate(v, path[take:])
		}
	}
	return n, false
}
