#!/usr/bin/env python3
"""genship against cookiecutter, copier and cruft on one template.

Usage: peers.py [--check] GENSHIP [RUNS]   (RUNS: $PEERS_RUNS, or 10; the
       every-combination benchmark does RUNS/5 rounds)

The peers are the ones tools/requirements.txt pins (cookiecutter 2.7.1,
copier 9.19.1, cruft 2.16.0), run from tools/venv, which tools/setup.sh
creates; without it this prints a notice and exits 0.

Writes the benchmark template in cookiecutter format (make_template(): 240
files whose content uses conditionals, loops, filters and raw blocks, in
directories whose names are templates too) and its copier-format twin
(make_copier_twin(): the same files, with `.jinja` suffixes and the
variables at the top level), each in a git repository, then times, with
the contenders alternating within each run so that machine noise hits
them alike:

  1. one project with the defaults: genship new, cookiecutter, copier copy;
  2. every combination of the choice variables (36 projects a round);
  3. update after an option change (framework=django) of a project
     generated with the defaults: genship update, copier update (on a git
     repository, as copier requires), cruft update (a project made with
     cruft create, which is cookiecutter underneath; cookiecutter itself
     has no update).

It also checks that the three tools write byte-identical files for every
combination, and that the three updates end in the files of a fresh
project with the new answers (each tool's own answers file aside); a
difference is an error (exit status 1).  With --check it times nothing
and only compares the files of two combinations (the CLI tests run that).

It prints each median and the ratio to genship's.  Nothing here asserts a
time: the figures go into the README.
"""
import filecmp
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(TOP, "tools", "venv", "bin")
CHOICES = {
    "framework": ["flask", "fastapi", "django"],
    "database": ["postgres", "mysql", "sqlite"],
    "use_docker": ["y", "n"],
    "use_ci": ["y", "n"],
}
NMODULES = 48
SLUG = "bench_service"
# Files each tool adds to a project to remember its answers.
STATE_FILES = {".genship.yml", ".copier-answers.yml", ".cruft.json"}
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def module(i):
    """The text of module i: every file kind uses the same constructs."""
    return """\
# {{ cookiecutter.project_name }}: module %(i)d
{%% if cookiecutter.framework == "flask" %%}
from flask import Blueprint
bp = Blueprint("m%(i)d", __name__)
{%% elif cookiecutter.framework == "fastapi" %%}
from fastapi import APIRouter
router = APIRouter(prefix="/m%(i)d")
{%% else %%}
from django.urls import path
{%% endif %%}
{%% for name in ["create", "read", "update", "delete", "list"] %%}
def {{ name }}_%(i)d(item):
    \"\"\"{{ name|capitalize }} for {{ cookiecutter.project_slug }} ({{ loop.index }}/{{ loop.length }}).\"\"\"
    {%% if cookiecutter.database == "postgres" %%}return db.execute("SELECT {{ name }} FROM t%(i)d")
    {%%- elif cookiecutter.database == "mysql" %%}return db.query("{{ name }}", %(i)d)
    {%%- else %%}return sqlite3.connect(":memory:"){%% endif %%}
{%% endfor %%}
TEMPLATE = "{%% raw %%}{{ value }} {%% if x %%}{%% endraw %%}"
""" % {"i": i}


def put(root, rel, text):
    """Write text to root/rel, making directories, newlines as given."""
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


def project_files():
    """(path, text) of every file of the project directory."""
    for i in range(NMODULES):
        pkg = "{{cookiecutter.project_slug}}/m%02d" % (i // 8)
        yield "%s/mod%03d.py" % (pkg, i), module(i)
        yield ("tests/test_mod%03d.py" % i,
               "from {{ cookiecutter.project_slug }} import mod%03d\n"
               "{%% for n in range(3) %%}def test_%d_{{ n }}():\n"
               "    assert mod%03d\n{%% endfor %%}" % (i, i, i))
        yield ("docs/mod%03d.md" % i,
               "# Module %d of {{ cookiecutter.project_name|title }}\n\n"
               "{{ cookiecutter.description }}.\n"
               "{%% if cookiecutter.use_ci == 'y' %%}CI runs its tests."
               "{%% endif %%}\n" % i)
        yield ("config/m%03d.yaml" % i,
               "name: m%d\nservice: {{ cookiecutter.project_slug }}\n"
               "database: {{ cookiecutter.database }}\n"
               "steps: {%% raw %%}${{ github.sha }}{%% endraw %%}\n" % i)
        yield ("static/asset%03d.js" % i,
               "const t = '{{ not rendered %d }}';\n" % i)
    yield ("{% if cookiecutter.use_docker == 'y' %}Dockerfile{% endif %}",
           "FROM python:3.12-slim\nCMD [\"{{ cookiecutter.framework }}\"]\n")
    yield (".github/workflows/{% if cookiecutter.use_ci == 'y' %}ci.yml"
           "{% endif %}", "on: [push]\njobs:\n  test:\n    steps:\n"
           "      - run: echo {% raw %}${{ matrix.python }}{% endraw %}\n")
    yield ("README.md", "# {{ cookiecutter.project_name }}\n\n"
           "{% for k, v in cookiecutter.items() %}{% if not k.startswith('_')"
           " %}- {{ k }}: {{ v }}\n{% endif %}{% endfor %}")


def context():
    """cookiecutter.json of the benchmark template, in order."""
    ctx = {"project_name": "Bench Service",
           "project_slug": "{{ cookiecutter.project_name.lower()"
                           ".replace(' ', '_') }}"}
    ctx.update(CHOICES)
    ctx["description"] = "A {{ cookiecutter.framework }} service"
    ctx["_copy_without_render"] = ["static/*"]
    return ctx


def git_commit(repo):
    """Make repo a git repository holding its files in one commit."""
    for argv in (["init", "-q"], ["add", "-A"],
                 ["commit", "-q", "-m", "bench"]):
        subprocess.run(GIT + argv, cwd=repo, check=True)


def make_template(root):
    """Write the cookiecutter template below root; return its path."""
    tpl = os.path.join(root, "cookiecutter-bench")
    proj = os.path.join(tpl, "{{cookiecutter.project_slug}}")
    os.makedirs(proj)
    with open(os.path.join(tpl, "cookiecutter.json"), "w") as f:
        json.dump(context(), f, indent=2)
    for rel, text in project_files():
        put(proj, rel, text)
    git_commit(tpl)
    return tpl


def copier_text(text):
    """A cookiecutter text in copier's terms: variables at the top level."""
    return text.replace("cookiecutter.", "")


def copier_yaml(ctx):
    """copier.yml of the twin: one question per cookiecutter variable."""
    lines = ["_subdirectory: template", "_templates_suffix: .jinja", ""]
    for key, val in ctx.items():
        if key.startswith("_"):
            continue
        lines.append("%s:" % key)
        lines.append("  type: str")
        if isinstance(val, list):
            lines.append("  choices: %s" % json.dumps(val))
            val = val[0]
        lines.append("  default: %s" % json.dumps(copier_text(val)))
    return "\n".join(lines) + "\n"


def make_copier_twin(root):
    """Write the copier-format twin below root; return its path.

    Rendered files get the `.jinja` suffix (outside a conditional name, so
    that a name rendering empty is skipped); files that cookiecutter copies
    without rendering keep their name and are copied as they are.
    README.md lists the variables by name, as copier has no `cookiecutter`
    dict to loop over."""
    tpl = os.path.join(root, "copier-bench")
    sub = os.path.join(tpl, "template")
    os.makedirs(sub)
    ctx = context()
    with open(os.path.join(tpl, "copier.yml"), "w") as f:
        f.write(copier_yaml(ctx))
    for rel, text in project_files():
        if rel.startswith("static/"):
            put(sub, rel, text)
            continue
        if rel == "README.md":
            text = "# {{ project_name }}\n\n" + "".join(
                "- %s: {{ %s }}\n" % (k, k) for k in ctx
                if not k.startswith("_"))
        put(sub, copier_text(rel) + ".jinja", copier_text(text))
    put(sub, "{{ _copier_conf.answers_file }}.jinja",
        "{{ _copier_answers|to_nice_yaml }}")
    git_commit(tpl)
    return tpl


def count_files(root):
    """Files below root, .git and the tools' answers files aside."""
    n = 0
    for _, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        n += sum(f not in STATE_FILES for f in files)
    return n


def run(argv, cwd, home):
    """Run argv quietly; return its wall time in ms."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                   env=dict(os.environ, HOME=home))
    return (time.perf_counter() - start) * 1000.0


def same_trees(a, b):
    """True when a and b hold the same files with the same bytes, each
    tool's answers file and .git aside."""
    def files(root):
        out = set()
        for d, dirs, fs in os.walk(root):
            dirs[:] = [x for x in dirs if x != ".git"]
            out |= {os.path.relpath(os.path.join(d, f), root) for f in fs
                    if f not in STATE_FILES}
        return out
    fa, fb = files(a), files(b)
    return fa == fb and all(filecmp.cmp(os.path.join(a, f),
                                        os.path.join(b, f), False)
                            for f in fa)


class Bench:
    """The tools and the two templates, in one scratch directory."""

    def __init__(self, genship, work):
        self.genship = genship
        self.work = work
        self.home = os.path.join(work, "home")
        os.mkdir(self.home)
        self.cc_tpl = make_template(work)
        self.copier_tpl = make_copier_twin(work)
        self.n = 0

    def fresh(self):
        """A new, empty scratch directory."""
        self.n += 1
        d = os.path.join(self.work, "o%d" % self.n)
        os.mkdir(d)
        return d

    def new_argv(self, tool, out, sets):
        """argv that makes project out (its parent exists) with sets."""
        kv = ["%s=%s" % p for p in sets]
        if tool == "genship":
            return [self.genship, "new", self.cc_tpl, "--no-input",
                    "-o", out] + \
                [a for p in kv for a in ("--set", p)]
        if tool == "cookiecutter":
            return [os.path.join(VENV_BIN, "cookiecutter"), "--no-input",
                    "-o", os.path.dirname(out), self.cc_tpl] + kv
        if tool == "copier":
            return [os.path.join(VENV_BIN, "copier"), "copy", "--quiet",
                    "--defaults"] + [a for p in kv for a in ("-d", p)] + \
                [self.copier_tpl, out]
        if tool == "cruft":
            return [os.path.join(VENV_BIN, "cruft"), "create",
                    "--no-input", "--output-dir", os.path.dirname(out),
                    "--extra-context", json.dumps(dict(sets)),
                    "file://" + self.cc_tpl]
        raise ValueError(tool)

    def new(self, tool, sets=()):
        """Make one project with tool; return (ms, project dir)."""
        out = os.path.join(self.fresh(), SLUG)
        ms = run(self.new_argv(tool, out, sets), self.work, self.home)
        return ms, out

    def update_argv(self, tool, change):
        k, v = change
        if tool == "genship":
            return [self.genship, "update", ".", "--set", "%s=%s" % (k, v)]
        if tool == "copier":
            return [os.path.join(VENV_BIN, "copier"), "update", "--quiet",
                    "--defaults", "-d", "%s=%s" % (k, v)]
        return [os.path.join(VENV_BIN, "cruft"), "update", "-y",
                "--variables-to-update", json.dumps({k: v})]


def combos():
    keys = list(CHOICES)
    for vals in itertools.product(*(CHOICES[k] for k in keys)):
        yield list(zip(keys, vals))


def median_row(label, times, base):
    med = statistics.median(times)
    ratio = "1.00" if med == base else "%.1f" % (med / base)
    return "| %s | %s | %.1f ms | %s |" % (label, len(times), med, ratio)


def table(title, times, order):
    """Print one result table: median of each tool, ratio to genship."""
    base = statistics.median(times[order[0]])
    print("\n%s\n\n| tool | runs | median | ratio to genship |\n"
          "|---|---|---|---|" % title)
    for tool in order:
        print(median_row(tool, times[tool], base))


def bench_one(b, runs):
    tools = ("genship", "cookiecutter", "copier")
    times = {t: [] for t in tools}
    for _ in range(runs):
        for t in tools:
            ms, out = b.new(t)
            times[t].append(ms)
            shutil.rmtree(os.path.dirname(out))
    table("one project, defaults (%d files)" % (
        count_files(b.new("genship")[1])), times, tools)


def bench_all(b, rounds):
    """Time rounds of every combination; in the first round, check that
    the three tools write the same files.  Return the differences."""
    tools = ("genship", "cookiecutter", "copier")
    times = {t: [] for t in tools}
    bad = []
    for r in range(rounds):
        total = dict.fromkeys(tools, 0.0)
        for sets in combos():
            outs = {}
            for t in tools:
                ms, outs[t] = b.new(t, sets)
                total[t] += ms
            bad += ["%s differs from genship for %s" % (t, sets)
                    for t in tools[1:] if not r and
                    not same_trees(outs["genship"], outs[t])]
            for out in outs.values():
                shutil.rmtree(os.path.dirname(out))
        for t in tools:
            times[t].append(total[t])
    table("every combination, %d projects a round (time of a round)" %
          len(list(combos())), times, tools)
    print("\noutputs byte-identical for every combination: %s" %
          ("no" if bad else "yes"))
    return bad


def pristine(b, tool):
    """A default project made by tool (cruft for cruft), committed to git
    for copier and cruft, which update only clean repositories."""
    out = b.new(tool)[1]
    if tool != "genship":
        git_commit(out)
    return out


def bench_update(b, runs):
    tools = ("genship", "copier", "cruft")
    change = ("framework", "django")
    base = {t: pristine(b, t) for t in tools}
    times = {t: [] for t in tools}
    results = {}
    for _ in range(runs):
        for t in tools:
            proj = os.path.join(b.fresh(), SLUG)
            shutil.copytree(base[t], proj, symlinks=True)
            times[t].append(run(b.update_argv(t, change), proj, b.home))
            results[t] = proj
    # description was answered "A flask service" and stays so.
    want = b.new("genship", [change, ("description", "A flask service")])[1]
    bad = ["%s update differs from a fresh project with %s=%s" % (
        (t,) + change) for t in tools if not same_trees(want, results[t])]
    table("update after an option change (%s=%s), one project" % change,
          times, tools)
    return bad


def check_twins(b):
    """No timing: the first and the last combination, made by each tool,
    hold the same files.  Return the differences."""
    all_sets = list(combos())
    bad = []
    for sets in (all_sets[0], all_sets[-1]):
        outs = {t: b.new(t, sets)[1] for t in
                ("genship", "cookiecutter", "copier")}
        bad += ["%s differs from genship for %s" % (t, sets)
                for t in ("cookiecutter", "copier")
                if not same_trees(outs["genship"], outs[t])]
    return bad


def main():
    check = sys.argv[1:2] == ["--check"]
    if check:
        del sys.argv[1]
    genship = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else \
        int(os.environ.get("PEERS_RUNS", "10"))
    missing = [t for t in ("cookiecutter", "copier", "cruft")
               if not os.access(os.path.join(VENV_BIN, t), os.X_OK)]
    if missing:
        print("peers: skipped, tools/venv lacks %s: run tools/setup.sh "
              "--deps" % ", ".join(missing))
        return 0
    work = tempfile.mkdtemp(prefix="genship-peers.")
    try:
        b = Bench(genship, work)
        if check:
            bad = check_twins(b)
            for line in bad:
                print("error: " + line, file=sys.stderr)
            return 1 if bad else 0
        print("genship against its peers on one template (%d files, %d "
              "choice combinations), alternating, %d runs" % (
                  count_files(b.cc_tpl) - 1, len(list(combos())), runs))
        bench_one(b, runs)
        bad = bench_all(b, max(1, runs // 5))
        bad += bench_update(b, runs)
        print("\nupdates end in the same files as a fresh project: %s" %
              ("no" if any("update" in x for x in bad) else "yes"))
        for line in bad:
            print("error: " + line, file=sys.stderr)
        return 1 if bad else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
