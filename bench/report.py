#!/usr/bin/env python3
"""Aggregates bench/run.sh's raw.tsv into results.md, results.json and cpu.svg (stdlib only)."""
import csv
import json
import math
import statistics
import sys
from pathlib import Path

raw, out, mode, rounds, duration = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rows = list(csv.DictReader(open(raw), delimiter="\t"))

# Reference at each depth: HAProxy one hop for depth 1, the three-HAProxy chain for depth 3.
REFERENCE = {"1": "haproxy-1hop", "3": "haproxy-3hop"}


def num(v):
    try:
        f = float(v)
        return None if math.isnan(f) else f
    except (TypeError, ValueError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


order, results = [], {}
for r in rows:
    key = (r["profile"], r["target"])
    if key not in results:
        order.append(key)
        results[key] = {"profile": r["profile"], "connections": int(r["conns"]), "target": r["target"],
                        "depth": int(r["depth"]), "rounds": []}
    results[key]["rounds"].append({
        "round": int(r["round"]), "rps": num(r["rps"]), "requests": int(r["requests"] or 0),
        "p50_us": num(r["p50_us"]), "p99_us": num(r["p99_us"]), "cpu_us": num(r["cpu_us"]),
        "cpu_us_per_request": num(r["cpu_us_per_req"]), "rss_kb": num(r["rss_kb"]),
        "non2xx": int(r["non2xx"] or 0), "socket_errors": int(r["socket_errors"] or 0)})

for res in results.values():
    rs = res["rounds"]
    rps = [x["rps"] for x in rs if x["rps"] is not None]
    res["summary"] = {
        "rps_median": med(rps),
        "rps_min": min(rps) if rps else None,
        "rps_max": max(rps) if rps else None,
        "rps_spread_pct": (100.0 * (max(rps) - min(rps)) / statistics.median(rps)) if rps and statistics.median(rps) else None,
        "p50_us_median": med([x["p50_us"] for x in rs]),
        "p99_us_median": med([x["p99_us"] for x in rs]),
        "cpu_us_per_request_median": med([x["cpu_us_per_request"] for x in rs]),
        "rss_kb_max": max((x["rss_kb"] or 0) for x in rs),
        "errors": sum(x["non2xx"] + x["socket_errors"] for x in rs),
        "requests": sum(x["requests"] for x in rs),
    }

for (prof, target), res in results.items():
    ref = REFERENCE.get(str(res["depth"]))
    s = res["summary"]
    refres = results.get((prof, ref)) if ref else None
    if refres:
        rs = refres["summary"]
        s["reference"] = ref
        s["rps_ratio"] = s["rps_median"] / rs["rps_median"] if s["rps_median"] and rs["rps_median"] else None
        s["cpu_ratio"] = (s["cpu_us_per_request_median"] / rs["cpu_us_per_request_median"]
                          if s["cpu_us_per_request_median"] and rs["cpu_us_per_request_median"] else None)
        s["p99_ratio"] = s["p99_us_median"] / rs["p99_us_median"] if s["p99_us_median"] and rs["p99_us_median"] else None
        # Paired by round: each round's ratio to the reference's run in the same round, which drift
        # between rounds (the machine is shared) moves less than the ratio of the two medians, whose
        # rounds may differ.
        ref_cpu = {x["round"]: x["cpu_us_per_request"] for x in refres["rounds"]}
        s["cpu_ratio_rounds"] = [x["cpu_us_per_request"] / ref_cpu[x["round"]] for x in res["rounds"]
                                 if x["cpu_us_per_request"] and ref_cpu.get(x["round"])]


def f(v, fmt="{:.0f}"):
    return "–" if v is None else fmt.format(v)


def ms(us):
    return "–" if us is None else f"{us / 1000:.2f}"


lines = [f"# Benchmark results ({mode}: {rounds} interleaved rounds × {duration} s per target and profile)", "",
         "Noisy shared machine: quote medians and ratios from one run, not absolute figures. "
         "CPU µs/request counts only the target's own processes (for `direct`, the one backend).", ""]
for prof in dict.fromkeys(p for p, _ in order):
    conns = next(results[k]["connections"] for k in order if k[0] == prof)
    lines += [f"## {prof} profile ({conns} connections)", "",
              "| target | depth | req/s (median) | spread (min–max) | p50 ms | p99 ms | CPU µs/req | RSS MiB | errors "
              "| req/s × ref | CPU × ref | CPU × ref by round | p99 × ref | ref |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in order:
        if key[0] != prof:
            continue
        res = results[key]
        s = res["summary"]
        lines.append("| {} | {} | {} | {}–{} (±{}%) | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            res["target"], res["depth"], f(s["rps_median"]), f(s["rps_min"]), f(s["rps_max"]),
            f(s["rps_spread_pct"] / 2 if s["rps_spread_pct"] is not None else None),
            ms(s["p50_us_median"]), ms(s["p99_us_median"]), f(s["cpu_us_per_request_median"], "{:.1f}"),
            f(s["rss_kb_max"] / 1024, "{:.0f}"), s["errors"],
            f(s.get("rps_ratio"), "{:.2f}"), f(s.get("cpu_ratio"), "{:.2f}"),
            " / ".join(f"{r:.2f}" for r in s.get("cpu_ratio_rounds") or []) or "–",
            f(s.get("p99_ratio"), "{:.2f}"), s.get("reference", "–")))
    lines.append("")
lines += ["Gateway targets are one gateway process (routes of bench/gateway.yaml): `plain` proxies only, "
          "`jwt` checks an RS256 token (cached after the first check), `jwt-leased` / `jwt-exact` add a "
          "rate limit (one hot key, far above the load) in `leased` / `exact` consistency over a "
          "one-member Hazelcast cluster. `hybrid-jwt*` are edge-lb → the same gateway (JWT, then no limit, "
          "`leased` or `exact`) → internal-lb → backends; their CPU is the sum of the three JVMs.", ""]

# Rate-limit cost (issue 5): each limiter against the same path with the limiter off, in the same run.
RATE_LIMIT_GROUPS = [("one gateway", "gateway-jwt", {"exact": "gateway-jwt-exact", "leased": "gateway-jwt-leased"}),
                     ("hybrid chain", "hybrid-jwt", {"exact": "hybrid-jwt-exact", "leased": "hybrid-jwt-leased"})]
# The targets: the highest throughput cost and p99 increase each mode may have.
# Per-round ratios further apart than this: the run was too noisy for its verdict to mean much.
NOISY_RATIO_RANGE = 0.2
RATE_LIMIT_TARGETS = {"exact": {"max_cost_pct": 25.0, "max_p99_delta_ms": None},
                      "leased": {"max_cost_pct": 10.0, "max_p99_delta_ms": 1.0}}


def ratio(a, b):
    return a / b if a is not None and b else None


def per_round_ratios(res, base):
    by_round = {x["round"]: x["rps"] for x in base["rounds"]}
    return [v for v in (ratio(x["rps"], by_round.get(x["round"])) for x in res["rounds"]) if v is not None]


def mode_row(res, base, target):
    s, b = res["summary"], base["summary"]
    row = {"target": res["target"], "rps_median": s["rps_median"], "p99_us_median": s["p99_us_median"],
           "cpu_us_per_request_median": s["cpu_us_per_request_median"], "errors": s["errors"]}
    if res is base:
        return row
    r = ratio(s["rps_median"], b["rps_median"])
    rounds_r = per_round_ratios(res, base)
    delta = (None if s["p99_us_median"] is None or b["p99_us_median"] is None
             else (s["p99_us_median"] - b["p99_us_median"]) / 1000)
    cost = None if r is None else 100 * (1 - r)
    met = None
    if cost is not None:
        # A limiter that answers errors (429s included) has not met its target, whatever its speed.
        met = cost <= target["max_cost_pct"] and s["errors"] == 0
        if target["max_p99_delta_ms"] is not None:
            met = met and delta is not None and delta <= target["max_p99_delta_ms"]
    row.update({"rps_ratio": r, "rps_ratio_rounds": rounds_r, "cost_pct": cost, "p99_delta_ms": delta,
                "cpu_ratio": ratio(s["cpu_us_per_request_median"], b["cpu_us_per_request_median"]),
                "goal": target, "met": met,
                "noisy": len(rounds_r) < 2 or max(rounds_r) - min(rounds_r) > NOISY_RATIO_RANGE})
    return row


rate_limit = []
for prof in dict.fromkeys(p for p, _ in order):
    for topology, off, modes in RATE_LIMIT_GROUPS:
        base = results.get((prof, off))
        if not base:
            continue
        entry = {"topology": topology, "profile": prof, "connections": base["connections"],
                 "modes": {"off": mode_row(base, base, None)}}
        for mode_name, target_name in modes.items():
            res = results.get((prof, target_name))
            if res:
                entry["modes"][mode_name] = mode_row(res, base, RATE_LIMIT_TARGETS[mode_name])
        rate_limit.append(entry)


def goal_text(goal):
    text = f"cost ≤ {goal['max_cost_pct']:.0f} %"
    return text + (f", p99 ≤ +{goal['max_p99_delta_ms']:.0f} ms" if goal["max_p99_delta_ms"] is not None else "")


lines += ["## Rate-limit cost (issue 5)", ""]
if not rate_limit:
    lines += ["No rate-limit targets in this run (`--only 'gateway-jwt*,hybrid*'` selects them).", ""]
else:
    lines += ["Each limiter against the same path with the limiter off (`gateway-jwt`, `hybrid-jwt`), same run and "
              "profile. × off: ratio of the median req/s (per round: the ratios of the adjacent runs of each round, "
              "lowest–highest); cost: 1 − × off; Δ p99: median p99 minus the limiter-off median p99. A target "
              "counts as met only without errors; *noisy*: the per-round ratios are more than "
              f"{NOISY_RATIO_RANGE:.2f} apart (or one round only), too noisy for the verdict to mean much.", "",
              "| through | conns | limiter | req/s | × off | per round | cost | p99 ms | Δ p99 ms | CPU µs/req "
              "| CPU × off | errors | target | met? |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for entry in rate_limit:
        for mode_name, row in entry["modes"].items():
            rr = row.get("rps_ratio_rounds") or []
            goal = row.get("goal")
            met = row.get("met")
            lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                entry["topology"], entry["connections"], mode_name, f(row["rps_median"]),
                "1.00" if mode_name == "off" else f(row.get("rps_ratio"), "{:.2f}"),
                f"{min(rr):.2f}–{max(rr):.2f}" if rr else "–",
                "–" if mode_name == "off" else f(row.get("cost_pct"), "{:.0f} %"),
                ms(row["p99_us_median"]),
                "–" if mode_name == "off" else f(row.get("p99_delta_ms"), "{:+.2f}"),
                f(row["cpu_us_per_request_median"], "{:.1f}"),
                "1.00" if mode_name == "off" else f(row.get("cpu_ratio"), "{:.2f}"), row["errors"],
                goal_text(goal) if goal else "–",
                "–" if met is None else ("**met**" if met else "**not met**") + (" (*noisy*)" if row["noisy"] else "")))
    lines.append("")
lines += ["![CPU µs per request](cpu.svg)", ""]
(out / "results.md").write_text("\n".join(lines))
(out / "results.json").write_text(json.dumps({"mode": mode, "rounds": int(rounds), "duration_s": int(duration),
                                              "results": [results[k] for k in order],
                                              "rate_limit_cost": rate_limit}, indent=2))

# SVG: grouped horizontal bars, CPU µs/request per target, one colour per profile.
profiles = list(dict.fromkeys(p for p, _ in order))
targets = list(dict.fromkeys(t for _, t in order))
colours = ["#3b6ea5", "#e08a2c", "#5a9e4b", "#a33b3b"]
vals = {k: results[k]["summary"]["cpu_us_per_request_median"] for k in order}
vmax = max([v for v in vals.values() if v] or [1])
bar_h, gap, left, width = 16, 14, 130, 460
height = 50 + len(targets) * (len(profiles) * bar_h + gap) + 20
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" '
       'font-family="sans-serif" font-size="12">',
       f'<rect width="100%" height="100%" fill="white"/>',
       f'<text x="10" y="20" font-size="14" font-weight="bold">CPU µs per request (median, lower is better)</text>']
for i, p in enumerate(profiles):
    svg.append(f'<rect x="{left + i * 150}" y="30" width="12" height="12" fill="{colours[i % 4]}"/>'
               f'<text x="{left + i * 150 + 16}" y="41">{p}</text>')
y = 55
for t in targets:
    svg.append(f'<text x="{left - 8}" y="{y + len(profiles) * bar_h / 2 + 4}" text-anchor="end">{t}</text>')
    for i, p in enumerate(profiles):
        v = vals.get((p, t))
        w = 0 if not v else width * v / vmax
        svg.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colours[i % 4]}"/>')
        svg.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}">{f(v, "{:.1f}")}</text>')
        y += bar_h
    y += gap
svg.append("</svg>")
(out / "cpu.svg").write_text("\n".join(svg) + "\n")
