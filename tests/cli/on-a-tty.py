#!/usr/bin/env python3
"""Run a command on a pseudo-terminal, answering every prompt with enter.

usage: on-a-tty.py PROGRAM ARGS...

Prints what the command wrote to the terminal and exits with its status.
"""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
os.write(fd, b"\n" * 32)
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
