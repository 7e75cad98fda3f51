#!/usr/bin/env python3
"""Compare two `genship validate --format json` reports of one template.

    compare.py BASELINE.json MUTATED.json RULE FILE

A mutation breaks exactly one rule: every finding the mutated run has and
the baseline lacks (per combination id) must be RULE in FILE, there must be
at least one, and no baseline finding may disappear.  A component's copy of
a file (services/<name>/FILE, k8s/base/<name>/FILE) includes FILE, so a
finding there counts as one in FILE; a chart's charts/<project>/FILE is
charts/CHART/FILE; a Dockerfile and docker-compose*.yml count as the
Containerfile and compose*.yaml they render.  Prints a summary line;
exits 1 with the offending findings otherwise.
"""
import json
import re
import sys


def source(path):
    """The single-service file that the generated file at path renders;
    a chart's files are under charts/CHART/ whatever the project's name,
    and a Dockerfile or docker-compose file (container_file=Dockerfile) is
    its Containerfile or compose file under Docker's name."""
    path = re.sub(r"^charts/[^/]+/", "charts/CHART/", path)
    path = re.sub(r"(^|/)Dockerfile$", r"\1Containerfile", path)
    path = re.sub(r"^docker-compose(\.prod|\.dev)?\.yml$", r"compose\1.yaml", path)
    return re.sub(r"^(?:services/[^/]+/|(k8s/base/)[^/]+/)", r"\1", path)


def findings(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    return {r["id"]: {(x["rule"], source(x["file"]), x["line"], x["message"])
                      for x in r["findings"]}
            for r in report["results"]}


def main(base_path, mut_path, rule, file):
    base, mut = findings(base_path), findings(mut_path)
    if set(base) != set(mut):
        print("the two runs have different combinations")
        return 1
    new, lost, hit = [], [], 0
    for cid in sorted(mut):
        added = mut[cid] - base[cid]
        lost += [(cid, x) for x in base[cid] - mut[cid]]
        new += [(cid, x) for x in added if x[0] != rule or x[1] != file]
        hit += any(x[0] == rule and x[1] == file for x in added)
    for cid, x in new:
        print(f"unexpected in {cid}: {x}")
    for cid, x in lost:
        print(f"disappeared from {cid}: {x}")
    if not hit:
        print(f"no combination reports {rule} in {file}")
    if new or lost or not hit:
        return 1
    print(f"{hit} of {len(mut)} combinations gained {rule} in {file}; "
          f"the other {len(mut) - hit} are unchanged")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
