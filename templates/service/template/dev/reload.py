"""Development reloader: run a command and restart it when a file changes.

usage: python3 dev/reload.py [--interval SECONDS] [--grace SECONDS]
                             DIR [DIR...] -- COMMAND [ARG...]

Standard library only. Every --interval seconds (1 by default) it compares
the size and modification time of each file under the DIRs (hidden
directories and __pycache__ skipped). When one was added, changed or
removed it stops COMMAND with SIGTERM (SIGKILL after --grace seconds, 10 by
default) and starts it again. When COMMAND exits by itself, for example on a
syntax error, it waits for the next change. SIGTERM and SIGINT are passed to
COMMAND; the reloader then exits with its status.

Polling rather than inotify: file events do not always cross the bind mount
of a container running in a VM (Docker Desktop, podman machine).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading


def log(msg):
    print(f"[reload] {msg}", file=sys.stderr, flush=True)


def snapshot(dirs):
    """{path: (mtime_ns, size)} of every regular file under dirs."""
    files = {}
    for top in dirs:
        for root, subdirs, names in os.walk(top):
            subdirs[:] = [d for d in subdirs if not d.startswith(".") and d != "__pycache__"]
            for name in names:
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                files[path] = (st.st_mtime_ns, st.st_size)
    return files


def changed(old, new):
    """The paths added, removed or modified between two snapshots, sorted."""
    return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))


class Child:
    """The command being run, started and stopped on demand."""

    def __init__(self, argv, grace):
        self.argv = argv
        self.grace = grace
        self.proc = None
        self.failed = False

    def start(self):
        log("starting: " + " ".join(self.argv))
        self.failed = False
        try:
            self.proc = subprocess.Popen(self.argv)
        except OSError as e:
            log(f"cannot start {self.argv[0]}: {e}")
            self.proc, self.failed = None, True

    def poll(self):
        """The exit status once the command has ended (127: it could not start), else None."""
        if self.proc is None:
            return 127 if self.failed else None
        return self.proc.poll()

    def stop(self, sig=signal.SIGTERM):
        """Signal the command and wait for it; its exit status (0 if none ran)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(self.grace)
            except subprocess.TimeoutExpired:
                log(f"still running after {self.grace}s; killing it")
                self.proc.kill()
                self.proc.wait()
        status = self.proc.returncode
        self.proc = None
        return status


def parse_args(argv):
    if "--" not in argv:
        sys.exit("usage: reload.py [--interval S] [--grace S] DIR [DIR...] -- COMMAND [ARG...]")
    cut = argv.index("--")
    parser = argparse.ArgumentParser(prog="reload.py", description="Restart COMMAND when a file under DIR changes.")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between scans (default 1)")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL (default 10)")
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="directories to watch")
    args = parser.parse_args(argv[:cut])
    args.command = argv[cut + 1 :]
    if not args.command:
        parser.error("no COMMAND after --")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    stopping = threading.Event()
    received = []

    def on_signal(signum, _frame):
        received.append(signum)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    child = Child(args.command, args.grace)
    files = snapshot(args.dirs)
    log(f"watching {', '.join(args.dirs)} ({len(files)} files) every {args.interval:g}s")
    child.start()
    reported = False
    while not stopping.wait(args.interval):
        status = child.poll()
        if status is not None and not reported:
            log(f"exited with status {status}; waiting for a change")
            reported = True
        new = snapshot(args.dirs)
        diff = changed(files, new)
        if not diff:
            continue
        files = new
        more = f" and {len(diff) - 1} more" if len(diff) > 1 else ""
        log(f"{diff[0]}{more} changed; restarting")
        child.stop()
        child.start()
        reported = False
    status = child.stop(received[0])
    # A signal that ended the command is reported the way a shell does.
    return 128 - status if status < 0 else status


if __name__ == "__main__":
    sys.exit(main())
