"""Benchmarks for `make bench`.

Each benchmark runs its contenders alternately in one process, so machine
noise hits all of them alike, and reports the median of each and their
ratio.  Nothing here asserts a time: the figures go into the README.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("BENCH_RUNS", "200"))


def timed(argv, cwd, before=None):
    """Run argv in cwd after before() and return its wall time in ms."""
    if before:
        before()
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0


def side_by_side(title, contenders, runs=RUNS):
    """contenders: list of (label, argv, cwd, before). Alternate them."""
    times = {label: [] for label, *_ in contenders}
    for _ in range(runs):
        for label, argv, cwd, before in contenders:
            times[label].append(timed(argv, cwd, before))
    print(f"\n{title} ({runs} runs each, alternating)")
    base = statistics.median(times[contenders[0][0]])
    for label, *_ in contenders:
        med = statistics.median(times[label])
        print(f"  {label:<34} median {med:8.3f} ms   ratio {med / base:6.2f}")
    return {label: statistics.median(t) for label, t in times.items()}


def bench_new(genship, work):
    out = os.path.join(work, "svc")
    copy = os.path.join(work, "copy")
    subprocess.run([genship, "new", "--no-input", "--no-hooks", "-o", out],
                   check=True, stderr=subprocess.DEVNULL)
    reference = os.path.join(work, "reference")
    shutil.move(out, reference)
    nfiles = sum(len(f) for _, _, f in os.walk(reference))

    def clean_out():
        shutil.rmtree(out, ignore_errors=True)

    def clean_copy():
        shutil.rmtree(copy, ignore_errors=True)

    side_by_side(
        f"genship new, built-in service template, defaults ({nfiles} files)",
        [("genship new --no-hooks", [genship, "new", "--no-input",
                                     "--no-hooks", "-o", out], work,
          clean_out),
         ("cp -r of the same tree", ["cp", "-r", reference, copy], work,
          clean_copy),
         ("true (process start-up floor)", ["true"], work, None)])


SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def git(*argv, cwd):
    subprocess.run(["git", "-c", "user.name=bench", "-c",
                    "user.email=bench@example.com", "-c",
                    "init.defaultBranch=main", *argv], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)


def serve(root, work):
    """Start the tests' smart-HTTP git server on loopback; (proc, port)."""
    portfile = os.path.join(work, "port")
    proc = subprocess.Popen([sys.executable, os.path.join(
        SRCDIR, "tests", "cli", "git-http-server.py"), root, portfile])
    for _ in range(200):
        if os.path.exists(portfile):
            break
        time.sleep(0.05)
    with open(portfile) as f:
        return proc, f.read().strip()


def bench_remote(genship, work):
    """new from a cached remote template against the same local directory."""
    tpl = os.path.join(work, "service-tpl")
    shutil.copytree(os.path.join(SRCDIR, "templates", "service"), tpl)
    shutil.copytree(os.path.join(SRCDIR, "hooks"), os.path.join(tpl, "hooks"),
                    dirs_exist_ok=True)
    repo = os.path.join(work, "repo")
    shutil.copytree(tpl, repo)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "v1", cwd=repo)
    git("tag", "v1.0.0", cwd=repo)
    srv = os.path.join(work, "srv")
    os.mkdir(srv)
    git("clone", "-q", "--bare", repo, os.path.join(srv, "service.git"),
        cwd=work)
    os.environ["XDG_CACHE_HOME"] = os.path.join(work, "cache")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(work, "config")
    proc, port = serve(srv, work)
    url = f"http://127.0.0.1:{port}/service.git@v1.0.0"
    out = os.path.join(work, "remote-out")
    try:
        subprocess.run([genship, "new", url, "--no-input", "--no-hooks",
                        "-o", out], check=True, stderr=subprocess.DEVNULL)
    finally:
        proc.terminate()    # the cached runs below need no server
        proc.wait()

    def clean():
        shutil.rmtree(out, ignore_errors=True)

    side_by_side(
        "genship new, the service template as a local directory and from "
        "a cached remote repository",
        [("new ./service-tpl (local directory)",
          [genship, "new", tpl, "--no-input", "--no-hooks", "-o", out],
          work, clean),
         ("new http://…/service.git@v1.0.0", [genship, "new", url,
                                              "--no-input", "--no-hooks",
                                              "-o", out], work, clean)])


def main():
    genship = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="genship-bench-") as work:
        bench_new(genship, work)
    with tempfile.TemporaryDirectory(prefix="genship-bench-") as work:
        bench_remote(genship, work)


if __name__ == "__main__":
    main()
