// helm-batch runs many helm commands in one process: helm's own command
// tree (helm.sh/helm/v4/pkg/cmd, the code of the helm binary), so that
// validate does not pay helm's start-up, about half of each `helm lint`
// or `helm template`, hundreds of times.
//
// With arguments it is helm: `helm-batch version --short` runs that one
// command.  Without, it reads one command per line on stdin, each a JSON
// array of helm's arguments, runs them in order and writes, for each, in
// input order, one frame on stdout:
//
//	<exit status> <n> <m>\n<n bytes of stdout><m bytes of stderr>
//
// Each command's stdout and stderr are what the helm binary would write
// to its descriptors 1 and 2: the descriptors are pointed at scratch files
// while the command runs.  Commands run one at a time, since helm's
// command package keeps its settings in package variables.  The exit
// status is 0 when every frame was written, whatever the commands did; 2
// on bad usage or when stdin, stdout or a scratch file fails.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"syscall"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
	"helm.sh/helm/v4/pkg/kube"
)

// run executes one helm command line as the helm binary's main does and
// returns its exit status.
func run(args []string) int {
	cmd, err := helmcmd.NewRootCmd(os.Stdout, args, helmcmd.SetupLogging)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		return 1
	}
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		if cerr, ok := errors.AsType[helmcmd.CommandError](err); ok {
			return cerr.ExitCode
		}
		return 1
	}
	return 0
}

// capture is a scratch file that stands in for descriptor fd.
type capture struct {
	fd   int
	file *os.File
}

func newCapture(fd int) (*capture, error) {
	f, err := os.CreateTemp("", "helm-batch-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return &capture{fd, f}, nil
}

// start empties the file and points descriptor fd at it.
func (c *capture) start() error {
	if err := c.file.Truncate(0); err != nil {
		return err
	}
	if _, err := c.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return syscall.Dup3(int(c.file.Fd()), c.fd, 0)
}

// bytes returns what was written since start.
func (c *capture) bytes() ([]byte, error) {
	if _, err := c.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(c.file)
}

// batch runs every command of in, writing frames to out.
func batch(in io.Reader, out *os.File) error {
	stdout, err := newCapture(1)
	if err != nil {
		return err
	}
	stderr, err := newCapture(2)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	w := bufio.NewWriter(out)
	for sc.Scan() {
		var args []string
		if err := json.Unmarshal(sc.Bytes(), &args); err != nil {
			return fmt.Errorf("a line is not a JSON array of strings: %v", err)
		}
		if err := stdout.start(); err != nil {
			return err
		}
		if err := stderr.start(); err != nil {
			return err
		}
		status := run(args)
		o, err := stdout.bytes()
		if err != nil {
			return err
		}
		e, err := stderr.bytes()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%d %d %d\n", status, len(o), len(e))
		w.Write(o)
		w.Write(e)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return w.Flush()
}

// keep returns a new descriptor for what fd is now, before fd moves.
func keep(fd int, name string) (*os.File, error) {
	n, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(n)
	return os.NewFile(uintptr(n), name), nil
}

func main() {
	kube.ManagedFieldsManager = "helm"
	if len(os.Args) > 1 {
		os.Exit(run(os.Args[1:]))
	}
	// A batch allocates much and keeps little: collect garbage only when
	// the heap reaches 512 MiB (GOGC and GOMEMLIMIT still win).
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(512 << 20)
	}
	errOut, err := keep(2, "stderr")
	if err != nil {
		fmt.Fprintf(os.Stderr, "helm-batch: %v\n", err)
		os.Exit(2)
	}
	out, err := keep(1, "stdout")
	if err == nil {
		err = batch(os.Stdin, out)
	}
	if err != nil {
		fmt.Fprintf(errOut, "helm-batch: %v\n", err)
		os.Exit(2)
	}
}
