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


def main():
    genship = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="genship-bench-") as work:
        bench_new(genship, work)


if __name__ == "__main__":
    main()
