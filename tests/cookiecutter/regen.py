#!/usr/bin/env python3
"""Regenerate the cookiecutter conformance expectations with real cookiecutter.

Usage: regen.py [--check] [CASE...]

Every directory under cases/ is one case:

  template/     a cookiecutter template (cookiecutter.json, the project
                directory, hooks/, templates/ ...)
  args          optional: arguments after the template, one a line
                (key=value, -f, -s, --replay)
  setup         optional: a sh script run first in the scratch directory,
                which holds template/ (a copy), out/ (where the project
                goes) and home/ ($HOME): it sets modes, makes empty
                directories, binary files, existing output, replay files
  differs       optional: genship differs from cookiecutter here on
                purpose; the first line names the DIFFERENCES.md entry.
                expected/ (or expected.err) is then pinned by hand, and
                this script only records cookiecutter's own outcome
                (cookiecutter.err or cookiecutter.tree) and checks that it
                really differs, so that every mark is needed
  expected/     what cookiecutter left in out/, byte for byte
  expected.tree every entry of out/ as "d|f MODE PATH", so that modes and
                empty directories are pinned too (git keeps neither)
  cookiecutter.err  cookiecutter's own output when it fails (reference)
  expected.err  genship's message for a failing case, pinned by hand

This script runs `cookiecutter ../template --no-input ARGS...` in out/
through cc.py with the Python of tools/venv, where tools/setup.sh installs
the cookiecutter that tools/requirements.txt pins (2.7.1), with HOME=home/,
SOURCE_DATE_EPOCH=1700000000 and umask 022, then writes expected/ and
expected.tree, or cookiecutter.err when it fails.  With --check nothing is
written and any difference from the committed files is an error.
"""

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
VENV_PYTHON = os.path.join(TOP, "tools", "venv", "bin", "python")
CASES = os.path.join(HERE, "cases")
EPOCH = "1700000000"


def read_args(case):
    path = os.path.join(case, "args")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def prepare(case, tmp):
    """Copy the template and run setup in a scratch directory."""
    shutil.copytree(os.path.join(case, "template"),
                    os.path.join(tmp, "template"), symlinks=True)
    os.mkdir(os.path.join(tmp, "out"))
    os.mkdir(os.path.join(tmp, "home"))
    setup = os.path.join(case, "setup")
    if os.path.exists(setup):
        subprocess.run(["sh", setup], cwd=tmp, check=True)


def run_cookiecutter(case):
    """Run cookiecutter on a fresh copy; return (rc, output, tree dir)."""
    tmp = tempfile.mkdtemp(prefix="ccregen.")
    prepare(case, tmp)
    env = dict(os.environ, HOME=os.path.join(tmp, "home"),
               SOURCE_DATE_EPOCH=EPOCH, LC_ALL="C.UTF-8")
    args = read_args(case)
    cmd = [VENV_PYTHON, os.path.join(HERE, "cc.py")]
    cmd += ["../template"] + ([] if "--replay" in args else ["--no-input"])
    cmd += args
    p = subprocess.run(cmd, cwd=os.path.join(tmp, "out"), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace"), tmp


def listing(root):
    """Every entry below root as 'd|f MODE PATH' lines, sorted."""
    lines = []
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            kind = "d" if os.path.isdir(path) else "f"
            lines.append("%s %04o %s\n" % (kind, st.st_mode & 0o7777, rel))
    return "".join(sorted(lines, key=lambda l: l[7:]))


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def regen_case(case, check):
    """Regenerate one case; return a list of problems."""
    name = os.path.basename(case)
    rc, output, tmp = run_cookiecutter(case)
    out = os.path.join(tmp, "out")
    problems = []
    expected = os.path.join(case, "expected")
    # Tracebacks name this checkout, the scratch directory, where Python's
    # standard library is installed and cookiecutter's own temporary files.
    output = output.replace(TOP + os.sep, "./").replace(tmp + os.sep, "")
    output = re.sub(r'File "/[^"]*?/(lib/python3[.0-9]*/)', r'File "\1',
                    output)
    output = re.sub(re.escape(tempfile.gettempdir()) + r"/tmp\w+",
                    "TMPDIR/tmpXXXXXXXX", output)
    try:
        if os.path.exists(os.path.join(case, "differs")):
            problems += record_difference(case, rc, output, out, check)
        elif rc == 0:
            if os.path.exists(os.path.join(case, "expected.err")):
                problems.append("%s: cookiecutter succeeded on an error "
                                "case" % name)
            tree = listing(out)
            if check:
                if read(expected + ".tree") != tree or \
                        not os.path.isdir(expected) or \
                        not same_files(out, expected):
                    problems.append("%s: expected/ is out of date" % name)
            else:
                shutil.rmtree(expected, ignore_errors=True)
                shutil.copytree(out, expected, symlinks=True)
                write(expected + ".tree", tree)
                err = os.path.join(case, "cookiecutter.err")
                if os.path.exists(err):
                    os.remove(err)
        else:
            if os.path.isdir(expected):
                problems.append("%s: cookiecutter failed (status %d):\n%s"
                                % (name, rc, output))
            elif not os.path.exists(os.path.join(case, "expected.err")):
                problems.append("%s: new error case: pin expected.err" %
                                name)
            if not check:
                write(os.path.join(case, "cookiecutter.err"), output)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return problems


def record_difference(case, rc, output, out, check):
    """A `differs` case: record what cookiecutter did, check it differs."""
    name = os.path.basename(case)
    expected = os.path.join(case, "expected")
    if rc == 0 and read(expected + ".tree") == listing(out) and \
            same_files(out, expected):
        return ["%s: marked differs, but cookiecutter gives expected/" %
                name]
    if check:
        return []
    for f in ("cookiecutter.err", "cookiecutter.tree"):
        if os.path.exists(os.path.join(case, f)):
            os.remove(os.path.join(case, f))
    if rc == 0:
        write(os.path.join(case, "cookiecutter.tree"), listing(out))
    else:
        write(os.path.join(case, "cookiecutter.err"), output)
    return []


def same_files(out, expected):
    """Every file of out has the bytes of its copy in expected."""
    for dirpath, _, files in os.walk(out):
        for name in files:
            pa = os.path.join(dirpath, name)
            pb = os.path.join(expected, os.path.relpath(pa, out))
            if not os.path.exists(pb) or not filecmp.cmp(pa, pb,
                                                         shallow=False):
                return False
    return True


def main():
    if not os.path.exists(VENV_PYTHON):
        print("regen.py: no tools/venv: run tools/setup.sh --deps",
              file=sys.stderr)
        return 2
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_args()
    os.umask(0o022)
    names = opts.cases or sorted(os.listdir(CASES))
    problems = []
    for n in names:
        case = os.path.join(CASES, os.path.basename(n.rstrip("/")))
        if os.path.isdir(case):
            problems += regen_case(case, opts.check)
    for p in problems:
        print(p, file=sys.stderr)
    print("%d cases, %d problems" % (len(names), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
