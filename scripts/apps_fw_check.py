#!/usr/bin/env python3
"""The applied-layer firmware's host twin against `atome apps run --json` (issue 15 step 4).

Usage: apps_fw_check.py TWIN.txt APPS_RUN.jsonl. The twin (firmware/apps_twin.cpp) prints the
firmware's lines (firmware/app/apps_run.cpp); every period's state, rule, bad-input mask, budget
and every head's action, skip reason, input status, class, prob_q15, margin_q15, abstention and Q16
logits must equal what `atome apps run --json` says for the same config and stream. Exit 1 with
the first difference.
"""
import json
import sys

# `atome apps run`'s input names -> the runner's atome_apps_status of the frame (a NaN frame is
# dropped by the host: the runner sees no frame).
INPUT = {"ok": 0, "flagged": 16, "wrong-length": 4, "missing": 1, "nan": 1}


def parse_twin(line):
    parts = line.split(" | ")
    head = parts[0].split()
    f = dict(zip(head[0::2], head[1::2]))
    period = {"period": int(f["period"]), "state": f["state"], "rule": f["rule"],
              "bad_input_mask": int(f["bad"], 16), "budget_used": int(f["budget"]), "heads": []}
    for part in parts[1:]:
        words = part.split()
        h = {"action": words[1]}
        rest = words[2:]
        if h["action"] == "skipped":
            h["reason"] = rest.pop(0)
        for w in rest:
            k, v = w.split("=", 1)
            if k == "in":
                h["input"] = int(v)
            elif k == "c":
                h["class"] = int(v)
            elif k == "p":
                h["p_q15"] = int(v)
            elif k == "m":
                h["margin_q15"] = int(v)
            elif k == "a":
                h["abstain"] = v != "0"
            elif k == "L":
                h["logits_q16"] = [int(x) for x in v.split(",")]
        period["heads"].append(h)
    return period


def main():
    twin = [parse_twin(x) for x in open(sys.argv[1]).read().splitlines() if not x.startswith("#")]
    runs = [json.loads(x) for x in open(sys.argv[2]).read().splitlines()]
    runs = [r for r in runs if not r.get("summary")]
    if len(twin) != len(runs):
        sys.exit(f"twin: {len(twin)} periods, atome apps run: {len(runs)}")
    decided = 0
    for t, r in zip(twin, runs):
        for k in ("period", "state", "rule", "bad_input_mask", "budget_used"):
            if t[k] != r[k]:
                sys.exit(f"period {r['period']}: {k}: twin {t[k]}, atome apps run {r[k]}")
        for i, (th, rh) in enumerate(zip(t["heads"], r["heads"])):
            want = {"action": rh["action"], "input": INPUT[rh["input"]]}
            if "reason" in rh:
                want["reason"] = rh["reason"]
            if "class" in rh:
                decided += 1
                for k in ("class", "p_q15", "margin_q15", "abstain", "logits_q16"):
                    want[k] = rh[k]
            if th != want:
                sys.exit(f"period {r['period']} head {i}: twin {th}, atome apps run {want}")
    print(f"host twin = atome apps run --json: {len(runs)} periods, {decided} head decisions "
          f"(class, p, margin, abstain, logits) identical")


if __name__ == "__main__":
    main()
