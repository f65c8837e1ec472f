#!/usr/bin/env python3
"""CTest AppsRunAllHeads: `atome apps run` with every head (apps/examples/apps-all.json,
docs/APPS.md §10, "Every head") on its recorded stream (scripts/apps_all_heads.py: 12 sensor heads
trained on generated data, the bad-reading check on air, the text heads' operator rows).

Usage: apps-run-all-check.py ATOME [CACHE_DIR] (scripts/apps_all_heads.py's cache). Checks:
  1. exact gating decides as always-run (--gate off) in every period: state, class, rule,
     bad-input mask, budget, each head's class, p, margin, abstention, logits, input status and
     reason, each operator row's decision;
  2. one shared session ("session": "shared", the example's) gives exactly the output of one
     session per head ("per-head"), whole JSON lines;
  3. each of the 12 sensor heads gets its faults' defined statuses at stream.py's places (NaN ->
     nan, spike and frozen window -> flagged, short row -> wrong-length, no row -> missing);
  4. every scheduled head runs, the budget is never exceeded, the stream reaches NORMAL, ALERT and
     SAFE. Prints the skip rate, per head runs / gate hits, and the over-budget deferrals.
Exit 77 without python3-numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import apps_all_heads  # noqa: E402
from apps_stream_checks import assert_fault_statuses, assert_same_decisions  # noqa: E402


def main():
    atome = os.path.abspath(sys.argv[1])
    if subprocess.run([apps_all_heads.PY, "-c", "import numpy"]).returncode != 0:
        print("skip: python3-numpy missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="apps-all-")
    if len(sys.argv) > 2:
        apps_all_heads.make_cached(atome, tmp, os.path.abspath(sys.argv[2]))
    else:
        apps_all_heads.make(atome, tmp)
    config, stream = os.path.join(tmp, "apps.json"), os.path.join(tmp, "frames.csv")
    with open(config) as f:
        cfg = json.load(f)
    per_head = os.path.join(tmp, "apps-per-head.json")
    with open(per_head, "w") as f:
        json.dump(dict(cfg, session="per-head"), f)

    def periods(*extra, cfg=config):
        out = apps_all_heads.must([atome, "apps", "run", "--config", cfg, "--stream", stream,
                                   "--json", *extra])
        return out.splitlines()

    exact_lines = periods()
    exact = [json.loads(x) for x in exact_lines]
    exact, s_exact = exact[:-1], exact[-1]
    always = [json.loads(x) for x in periods("--gate", "off")]
    always, s_always = always[:-1], always[-1]
    assert len(exact) == 400
    assert_same_decisions(exact, always)
    n_heads = len(exact[0]["heads"])
    print(f"exact gating, {n_heads} heads: {len(exact)} periods identical to always-run; "
          f"{s_exact['runs']} runs + {s_exact['gate_hits']} gate hits, skip rate "
          f"{s_exact['skip_rate']:.1f} % (always-run: {s_always['runs']} runs)")

    # 2. the shared session against one session per head, line for line.
    separate = periods(cfg=per_head)
    assert separate == exact_lines, "the shared session decides differently"
    print(f"shared session = one session per head: {len(separate)} lines identical")

    # 3. faults per sensor head (stream.py's places: head h in --head order = apps.json order).
    sensors = [h["name"] for h in cfg["heads"] if h.get("role") != "check"]
    assert_fault_statuses(exact, sensors)
    print(f"bad frames: nan / flagged / wrong-length / missing as defined for {len(sensors)} "
          "sensor heads")

    # 4. every scheduled head runs; budget; states.
    budget = cfg["policy"]["budget"]
    runs, hits, over = {}, {}, {}
    for p in exact:
        assert p["budget_used"] <= budget, p["period"]
        for hd in p["heads"]:
            n = hd["name"]
            runs[n] = runs.get(n, 0) + (hd["action"] == "ran")
            hits[n] = hits.get(n, 0) + (hd["action"] == "reused")
            over[n] = over.get(n, 0) + (hd.get("reason") == "over-budget")
    assert all(runs[n] > 0 for n in runs), runs
    states = {p["state"] for p in exact}
    assert {"normal", "alert", "safe"} <= states, states
    print("per head (runs + gate hits, over-budget deferrals): " +
          ", ".join(f"{n} {runs[n]}+{hits[n]} ({over[n]})" for n in runs))
    print(f"states {sorted(states)}; budget {budget}, most used "
          f"{max(p['budget_used'] for p in exact)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
