#!/usr/bin/python3
"""genship against cookiecutter on one cookiecutter template, side by side.

Usage: cookiecutter.py GENSHIP [RUNS]

Writes a benchmark template in cookiecutter format (make_template(): 240
files whose content uses conditionals, loops, filters and raw blocks, in
directories whose names are templates too), then:

  1. renders it with defaults RUNS times with each tool, alternating
     `genship new` and `cookiecutter` (Debian's python3-cookiecutter,
     run with /usr/bin/python3), and prints each median and the ratio;
  2. does the same for rendering every combination of its choice
     variables (36 projects per round);
  3. checks that both tools wrote byte-identical trees for every
     combination (genship's .genship.yml aside).

Nothing here asserts a time: the figures go into the README.
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

PY = "/usr/bin/python3"
CHOICES = {
    "framework": ["flask", "fastapi", "django"],
    "database": ["postgres", "mysql", "sqlite"],
    "use_docker": ["y", "n"],
    "use_ci": ["y", "n"],
}
NMODULES = 48


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


def make_template(root):
    """Write the benchmark template below root; return its path."""
    tpl = os.path.join(root, "cookiecutter-bench")
    proj = os.path.join(tpl, "{{cookiecutter.project_slug}}")
    ctx = {"project_name": "Bench Service",
           "project_slug": "{{ cookiecutter.project_name.lower()"
                           ".replace(' ', '_') }}"}
    ctx.update(CHOICES)
    ctx["description"] = "A {{ cookiecutter.framework }} service"
    ctx["_copy_without_render"] = ["static/*"]
    os.makedirs(proj)
    with open(os.path.join(tpl, "cookiecutter.json"), "w") as f:
        json.dump(ctx, f, indent=2)

    def put(rel, text):
        path = os.path.join(proj, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="") as f:
            f.write(text)

    for i in range(NMODULES):
        pkg = "{{cookiecutter.project_slug}}/m%02d" % (i // 8)
        put("%s/mod%03d.py" % (pkg, i), module(i))
        put("tests/test_mod%03d.py" % i,
            "from {{ cookiecutter.project_slug }} import mod%03d\n"
            "{%% for n in range(3) %%}def test_%d_{{ n }}():\n"
            "    assert mod%03d\n{%% endfor %%}" % (i, i, i))
        put("docs/mod%03d.md" % i,
            "# Module %d of {{ cookiecutter.project_name|title }}\n\n"
            "{{ cookiecutter.description }}.\n"
            "{%% if cookiecutter.use_ci == 'y' %%}CI runs its tests."
            "{%% endif %%}\n" % i)
        put("config/m%03d.yaml" % i,
            "name: m%d\nservice: {{ cookiecutter.project_slug }}\n"
            "database: {{ cookiecutter.database }}\n"
            "steps: {%% raw %%}${{ github.sha }}{%% endraw %%}\n" % i)
        put("static/asset%03d.js" % i,
            "const t = '{{ not rendered %d }}';\n" % i)
    put("{% if cookiecutter.use_docker == 'y' %}Dockerfile{% endif %}",
        "FROM python:3.12-slim\nCMD [\"{{ cookiecutter.framework }}\"]\n")
    put(".github/workflows/{% if cookiecutter.use_ci == 'y' %}ci.yml"
        "{% endif %}", "on: [push]\njobs:\n  test:\n    steps:\n"
        "      - run: echo {% raw %}${{ matrix.python }}{% endraw %}\n")
    put("README.md", "# {{ cookiecutter.project_name }}\n\n"
        "{% for k, v in cookiecutter.items() %}{% if not k.startswith('_')"
        " %}- {{ k }}: {{ v }}\n{% endif %}{% endfor %}")
    return tpl


def count_files(root):
    return sum(len(files) for _, _, files in os.walk(root))


def run(argv, cwd):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL,
                   env=dict(os.environ, HOME=cwd))
    return (time.perf_counter() - start) * 1000.0


def genship_argv(genship, tpl, out, extra):
    return [genship, "new", tpl, "--no-input", "-o", out] + extra


def cookiecutter_argv(tpl, out, extra):
    return [PY, "-m", "cookiecutter", "--no-input", "-o", out, tpl] + extra


def combos():
    keys = list(CHOICES)
    for vals in itertools.product(*(CHOICES[k] for k in keys)):
        yield ["%s=%s" % kv for kv in zip(keys, vals)]


def same_trees(a, b):
    """True when a and b hold the same files with the same bytes."""
    for dirpath, _, files in os.walk(a):
        for name in files:
            if name == ".genship.yml":
                continue
            pa = os.path.join(dirpath, name)
            pb = os.path.join(b, os.path.relpath(pa, a))
            if not os.path.exists(pb) or not filecmp.cmp(pa, pb, False):
                return False
    return count_files(a) - 1 == count_files(b)


def report(title, g, c):
    mg, mc = statistics.median(g), statistics.median(c)
    print("%s\n  genship      median %9.2f ms\n  cookiecutter median "
          "%9.2f ms\n  ratio        genship takes 1/%.0f of cookiecutter's "
          "time\n" % (title, mg, mc, mc / mg))


def main():
    genship = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else \
        int(os.environ.get("BENCH_RUNS", "20"))
    work = tempfile.mkdtemp(prefix="ccbench.")
    try:
        tpl = make_template(work)
        print("template: %d files, %d choice combinations\n" % (
            count_files(tpl) - 1, len(list(combos()))))
        g, c = [], []
        for i in range(runs):
            for label, times in (("g", g), ("c", c)):
                out = os.path.join(work, "%s%d" % (label, i))
                if label == "g":
                    times.append(run(genship_argv(
                        genship, tpl, os.path.join(out, "bench_service"),
                        []), work))
                else:
                    times.append(run(cookiecutter_argv(tpl, out, []), work))
            if i:
                shutil.rmtree(os.path.join(work, "g%d" % i))
                shutil.rmtree(os.path.join(work, "c%d" % i))
        report("render with defaults (%d runs each, alternating)" % runs,
               g, c)
        d = [run(genship_argv(genship, tpl, os.path.join(work, "dry"),
                              ["--dry-run"]), work) for _ in range(runs)]
        print("  genship --dry-run (render only, nothing written) median "
              "%.2f ms\n" % statistics.median(d))
        rounds = max(1, runs // 10)
        g, c, identical = [], [], True
        for r in range(rounds):
            tg = tc = 0.0
            for n, extra in enumerate(combos()):
                og = os.path.join(work, "ag%d" % n)
                oc = os.path.join(work, "ac%d" % n)
                tg += run(genship_argv(genship, tpl, os.path.join(
                    og, "bench_service"), extra), work)
                tc += run(cookiecutter_argv(tpl, oc, extra), work)
                if r == 0:
                    identical &= same_trees(os.path.join(og,
                                                         "bench_service"),
                                            os.path.join(oc,
                                                         "bench_service"))
                shutil.rmtree(og)
                shutil.rmtree(oc)
            g.append(tg)
            c.append(tc)
        report("render every combination (%d rounds of %d projects)" %
               (rounds, len(list(combos()))), g, c)
        print("outputs byte-identical for every combination: %s" %
              ("yes" if identical else "NO"))
        return 0 if identical else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
