#!/usr/bin/python3
"""Regenerate the Jinja2 conformance expectations with real Jinja2.

Usage: regen.py [--check] [CASE...]

Every directory under cases/ holds `template`, an optional `context.json`
(a JSON object; none means {}) and either `expected` (a success case) or
`expected.err` (an error case).  This script renders each template with
Jinja2 configured as cookiecutter configures it:

    Environment(keep_trailing_newline=True, undefined=StrictUndefined)
    plus a `slugify` filter bound to python-slugify's slugify()

and writes the output bytes to `expected`.  An error case must make Jinja2
raise; Jinja2's message goes to `jinja.err` for reference.  `expected.err`
is pinned by hand (see ERRORS.md) and never written here.  A case with
neither file is a new success case whose `expected` gets created.

With --check nothing is written: every `expected` is compared with a fresh
render.  The exit status is 1 when Jinja2 fails on a success case, succeeds
on an error case, or (with --check) disagrees with a committed `expected`.

Debian's python3-jinja2 (3.1.2) and python3-slugify are the reference.
When this interpreter lacks them (a pyenv or venv python3 first on PATH),
the script re-runs itself with /usr/bin/python3.
"""

import argparse
import json
import os
import sys

SYSTEM_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")


def import_jinja():
    """Return (jinja2, slugify function), re-executing under Debian's python."""
    try:
        import jinja2
        from slugify import slugify
        return jinja2, slugify
    except ImportError as e:
        if (os.path.exists(SYSTEM_PYTHON) and
                os.path.realpath(sys.executable) !=
                os.path.realpath(SYSTEM_PYTHON) and
                not os.environ.get("REGEN_REEXEC")):
            os.environ["REGEN_REEXEC"] = "1"
            os.execv(SYSTEM_PYTHON,
                     [SYSTEM_PYTHON, os.path.abspath(__file__)] +
                     sys.argv[1:])
        sys.exit("regen.py: %s (apt-get install python3-jinja2 "
                 "python3-slugify)" % e)


def make_env(jinja2, slugify):
    """The Environment cookiecutter builds, with its slugify filter."""
    env = jinja2.Environment(keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)

    def slugify_filter(value, **kwargs):
        return slugify(value, **kwargs)

    env.filters["slugify"] = slugify_filter
    return env


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def load_context(case):
    path = os.path.join(case, "context.json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return {}
    with open(path, encoding="utf-8") as f:
        ctx = json.load(f)
    if not isinstance(ctx, dict):
        raise ValueError("context.json is not a JSON object")
    return ctx


def render(env, case):
    """Return (output, None) or (None, exception) for one case.

    A case with a `files/` directory loads included, imported and
    extended templates from there (tpl-render does the same).
    """
    src = read_text(os.path.join(case, "template"))
    ctx = load_context(case)
    files = os.path.join(case, "files")
    env.loader = None
    if os.path.isdir(files):
        from jinja2 import FileSystemLoader
        env.loader = FileSystemLoader(files)
    try:
        return env.from_string(src).render(ctx), None
    except Exception as e:  # any Jinja2 or Python error is an error case
        return None, e


def describe(e):
    """Jinja2's message as one reference line (plus line number if known)."""
    text = "%s: %s" % (type(e).__name__, e)
    lineno = getattr(e, "lineno", None)
    if lineno is not None and "line" not in text:
        text += " (line %d)" % lineno
    return text.rstrip("\n") + "\n"


def same_file(path, text):
    return os.path.exists(path) and read_text(path) == text


def run_case(env, case, check):
    """Regenerate or check one case; return a list of problems."""
    name = os.path.basename(case)
    is_error = os.path.exists(os.path.join(case, "expected.err"))
    expected = os.path.join(case, "expected")
    try:
        out, exc = render(env, case)
    except Exception as e:  # a broken case: unreadable file, bad JSON
        return ["%s: cannot load case: %s" % (name, e)]
    if is_error:
        problems = []
        if exc is None:
            return ["%s: error case, but Jinja2 rendered %r" % (name, out)]
        if os.path.exists(expected):
            problems.append("%s: error case must not have 'expected'" % name)
        ref = os.path.join(case, "jinja.err")
        if check:
            if not same_file(ref, describe(exc)):
                print("note: %s: jinja.err is stale" % name, file=sys.stderr)
        else:
            write_text(ref, describe(exc))
        return problems
    if exc is not None:
        return ["%s: success case, but Jinja2 raised %s" % (name, describe(exc)
                                                           .rstrip())]
    if check:
        if not os.path.exists(expected):
            return ["%s: no 'expected' (run regen.py without --check)" % name]
        if not same_file(expected, out):
            return ["%s: 'expected' differs from Jinja2's output %r"
                    % (name, out)]
    elif not same_file(expected, out):
        write_text(expected, out)
        print("wrote %s/expected" % name)
    return []


def list_cases(names):
    if names:
        return [os.path.join(CASES, n.rstrip("/").split("/")[-1])
                for n in names]
    return sorted(os.path.join(CASES, n) for n in os.listdir(CASES)
                  if os.path.isdir(os.path.join(CASES, n)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with a fresh render; write nothing")
    ap.add_argument("cases", nargs="*", metavar="CASE",
                    help="case directory names (default: all)")
    args = ap.parse_args()
    jinja2, slugify = import_jinja()
    env = make_env(jinja2, slugify)
    problems, cases = [], list_cases(args.cases)
    for case in cases:
        if not os.path.isfile(os.path.join(case, "template")):
            problems.append("%s: no 'template' file" % os.path.basename(case))
            continue
        problems += run_case(env, case, args.check)
    for p in problems:
        print("regen.py: " + p, file=sys.stderr)
    print("%d cases, %d problems (Jinja2 %s, Python %d.%d)"
          % (len(cases), len(problems), jinja2.__version__,
             sys.version_info[0], sys.version_info[1]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
