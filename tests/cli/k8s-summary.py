#!/usr/bin/env python3
"""Summarise rendered Kubernetes manifests, one line per object, so that the
CLI tests can pin what matters (names, images, hosts, allowed traffic) as
plain text.

usage: k8s-summary.py FILE [KIND...]     (default: every kind)

  Deployment NAME image=IMAGE port=PORT env-from=CONFIGMAP,...
  Ingress NAME HOST -> SERVICE:PORT tls=SECRET
  NetworkPolicy NAME pods=NAME|all in=[RULE; ...] out=[RULE; ...]
  KIND NAME                                  (any other kind)

A rule is "PEER,... PROTO/PORT,..." where a peer is a pod's
app.kubernetes.io/name, ns/NAMESPACE, kube-dns or "any"; a policy without
ingress or egress rules shows "in=[]" or "out=[]".  ConfigMap and Secret names lose
kustomize's hash suffix.
"""

import re
import sys

import yaml


def unhash(name):
    return re.sub(r"-[a-z0-9]{10}$", "", name)


def peer(p):
    pods = p.get("podSelector", {}).get("matchLabels", {})
    ns = p.get("namespaceSelector", {}).get("matchLabels", {})
    if pods.get("k8s-app") == "kube-dns":
        return "kube-dns"
    if ns:
        return "ns/" + ns.get("kubernetes.io/metadata.name", "?")
    return pods.get("app.kubernetes.io/name", "?")


def rule(r, key):
    peers = ",".join(peer(p) for p in r.get(key, [])) or "any"
    ports = ",".join("%s/%s" % (p.get("protocol", "TCP"), p["port"]) for p in r.get("ports", []))
    return "%s %s" % (peers, ports or "all-ports")


def summary(d):
    kind, name, spec = d["kind"], d["metadata"]["name"], d.get("spec", {})
    if kind == "Deployment":
        c = spec["template"]["spec"]["containers"][0]
        env = ",".join(unhash(e["configMapRef"]["name"]) for e in c.get("envFrom", []) if "configMapRef" in e)
        return "%s %s image=%s port=%s env-from=%s" % (
            kind, name, c["image"], c["ports"][0]["containerPort"], env)
    if kind == "Ingress":
        r = spec["rules"][0]
        b = r["http"]["paths"][0]["backend"]["service"]
        port = b["port"].get("name", b["port"].get("number"))
        return "%s %s %s -> %s:%s tls=%s" % (
            kind, name, r["host"], b["name"], port, spec["tls"][0]["secretName"])
    if kind == "NetworkPolicy":
        pods = spec["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name", "all")
        ins = "; ".join(rule(r, "from") for r in spec.get("ingress", []))
        outs = "; ".join(rule(r, "to") for r in spec.get("egress", []))
        return "%s %s pods=%s in=[%s] out=[%s]" % (kind, name, pods, ins, outs)
    return "%s %s" % (kind, unhash(name) if kind in ("ConfigMap", "Secret") else name)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    kinds = set(sys.argv[2:])
    with open(sys.argv[1]) as f:
        for d in yaml.safe_load_all(f):
            if d and (not kinds or d["kind"] in kinds):
                print(summary(d))


if __name__ == "__main__":
    main()
