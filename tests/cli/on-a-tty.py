#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and hold a conversation with it.

usage: on-a-tty.py [STEP]... [--] PROGRAM ARGS...

Steps, in order:
  --expect TEXT   wait (up to 10 s) until TEXT appears in what the command
                  wrote after the previous expected text
  --enter-until TEXT
                  answer each prompt (output ending in ": ") with enter
                  until one that shows TEXT, which is then expected
  --send LINE     type LINE and enter
  --ctrl-c        type Ctrl-C (the terminal sends SIGINT)
  --ctrl-d        type Ctrl-D (end of input, at the start of a line)
  --cols N        make the terminal N columns wide (before it starts)

With no step, every prompt is answered with enter.  Prints what the
command wrote to the terminal (line endings as "\\n") and exits with its
status, 128 + N when signal N killed it, as a shell reports it; 124 when
an expected text never came.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

# Seconds to wait for each expected prompt; a run under valgrind
# (make check-valgrind passes its wrapper in the command) is ~20x slower.
TIMEOUT = 120.0 if any("memcheck" in a for a in sys.argv) else 10.0


def parse(argv):
    steps, cols, i = [], 80, 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--expect", "--send", "--enter-until"):
            steps.append((arg[2:], argv[i + 1]))
            i += 2
        elif arg in ("--ctrl-c", "--ctrl-d"):
            steps.append(("key", "\x03" if arg == "--ctrl-c" else "\x04"))
            i += 1
        elif arg == "--cols":
            cols = int(argv[i + 1])
            i += 2
        else:
            i += arg == "--"
            break
    return steps, cols, argv[i:]


class Session:
    def __init__(self, cmd, cols):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(cmd[0], cmd)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 24, cols, 0, 0))
        self.out = b""
        self.seen = 0

    def read(self, timeout):
        """Read what comes within timeout: "data", "timeout" or "end"."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return "timeout"
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:
            return "end"
        self.out += chunk
        return "data" if chunk else "end"

    def expect(self, text):
        want = text.encode()
        deadline = time.monotonic() + TIMEOUT
        while True:
            at = self.out.find(want, self.seen)
            if at >= 0:
                self.seen = at + len(want)
                return True
            left = deadline - time.monotonic()
            if left <= 0 or self.read(left) == "end":
                return False

    def prompt(self):
        """Wait for a prompt after what was seen; False at a timeout."""
        deadline = time.monotonic() + TIMEOUT
        while not self.out.endswith(b": ") or len(self.out) <= self.seen:
            left = deadline - time.monotonic()
            if left <= 0 or self.read(left) == "end":
                return False
        return True

    def enter_until(self, text):
        for _ in range(200):
            if not self.prompt():
                break
            if self.out.find(text.encode(), self.seen) >= 0:
                return self.expect(text)
            self.seen = len(self.out)
            os.write(self.fd, b"\n")
        return False

    def finish(self):
        """Read to the end, killing a command that waits for more."""
        while True:
            got = self.read(TIMEOUT)
            if got == "end":
                break
            if got == "timeout":
                os.kill(self.pid, 9)
        status = os.waitpid(self.pid, 0)[1]
        if os.WIFSIGNALED(status):
            return 128 + os.WTERMSIG(status)
        return os.WEXITSTATUS(status)


def main():
    steps, cols, cmd = parse(sys.argv[1:])
    s = Session(cmd, cols)
    code = None
    if not steps:
        os.write(s.fd, b"\n" * 32)
    for kind, arg in steps:
        if (kind == "expect" and not s.expect(arg)) or \
                (kind == "enter-until" and not s.enter_until(arg)):
            sys.stderr.write("on-a-tty.py: never saw %r\n" % arg)
            os.kill(s.pid, 9)
            code = 124
            break
        if kind == "send":
            os.write(s.fd, arg.encode() + b"\n")
        elif kind == "key":
            os.write(s.fd, arg.encode())
    status = s.finish()
    sys.stdout.write(s.out.decode(errors="replace").replace("\r\n", "\n"))
    sys.exit(code if code is not None else status)


main()
