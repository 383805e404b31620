#!/usr/bin/env python3
"""Aggregates the execution samples of a JFR recording: top self frames, top frames by
inclusive share (any frame of the stack), and the share by package; several recordings (the
rounds of one target) are counted together.
   bench/jfr-top.py RECORDING.jfr... [N]"""
import collections, json, subprocess, sys

args = sys.argv[1:]
top = int(args.pop()) if len(args) > 1 and args[-1].isdigit() else 25
recs = args
events = []
for rec in recs:
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample", rec], check=True, capture_output=True, text=True).stdout
    events += json.loads(out)["recording"]["events"]
self_count, incl_count, pkg_count = collections.Counter(), collections.Counter(), collections.Counter()
def name(frame):
    m = frame["method"]
    return m["type"]["name"] + "." + m["name"]
for e in events:
    frames = (e["values"].get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    leaf = name(frames[0])
    self_count[leaf] += 1
    pkg_count[".".join(frames[0]["method"]["type"]["name"].split(".")[:3])] += 1
    for f in set(name(f) for f in frames):
        incl_count[f] += 1
n = sum(self_count.values()) or 1
print(f"{n} execution samples from {', '.join(recs)}\n")
for title, counter in (("self (leaf frame)", self_count), ("inclusive (on the stack)", incl_count),
                      ("self by package", pkg_count)):
    print(f"## top {top} {title}")
    for k, v in counter.most_common(top):
        print(f"{100.0 * v / n:6.1f}%  {k}")
    print()
