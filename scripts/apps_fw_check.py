#!/usr/bin/env python3
"""The applied-layer firmware's host twin against `atome apps run --json` (issue 15 step 4).

Usage: apps_fw_check.py TWIN.txt APPS_RUN.jsonl. The twin (firmware/apps_twin.cpp) prints the
firmware's lines (firmware/app/apps_run.cpp); every period's state, rule, bad-input mask, budget
and every head's action, skip reason, input status, class, prob_q15, margin_q15, abstention and Q16
logits must equal what `atome apps run --json` says for the same config and stream, and so must
every operator row's decision (the twin's "period P op I ..." lines against the period's
"commands": action, why, intent, the dispatcher rule it fired, the status, and both text heads'
class, prob_q15, margin_q15, abstention and Q16 logits, or that a head did not run). Exit 1 with
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
              "bad_input_mask": int(f["bad"], 16), "budget_used": int(f["budget"]),
              "heads": [parse_head(part) for part in parts[1:]]}
    return period


def parse_head(part):
    """One " | LABEL action [reason] in=.. c=.. p=.. m=.. a=.. L=.." part of a twin line."""
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
    return h


# The dispatcher rules by number (include/atome/apps.h atome_dispatch_rule; 0: none fired).
RULES = {0: "none", 12: "operator-stop", 14: "operator-resume"}


def parse_op(line):
    """A twin's operator line -> the fields `atome apps run --json` gives in "commands"."""
    parts = line.split(" | ")
    w = parts[0].split()
    op = {"period": int(w[1]), "op": w[4]}
    f = dict(zip(w[5::2], w[6::2]))
    op["state"] = f["state"]
    op["rule"] = RULES.get(int(f["rule"]), f["rule"])
    if op["op"] == "resume":
        return op
    op.update(action=f["action"], why=f["why"], intent=int(f["intent"]), error=f["status"])
    for part, key in zip(parts[1:], ("bucket", "command")):
        h = parse_head(part)
        op[key] = ({k: h[k] for k in ("class", "p_q15", "margin_q15", "abstain", "logits_q16")}
                   if h["action"] == "ran" else None)
    return op


def want_op(period, c):
    """`atome apps run --json`'s command object in the twin's terms."""
    op = {"period": period, "op": c["op"], "state": c["state"], "rule": c["rule"]}
    if c["op"] == "resume":
        return op
    intent = -1 if c["command"] is None or c["intent"] is None else c["command"]["class"]
    op.update(action=c["action"], why=c["why"], intent=intent, error=c.get("error", "ok"))
    for key in ("bucket", "command"):
        op[key] = (None if c[key] is None else
                   {k: c[key][k] for k in ("class", "p_q15", "margin_q15", "abstain", "logits_q16")})
    return op


def main():
    lines = [x for x in open(sys.argv[1]).read().splitlines() if not x.startswith("#")]
    ops = [parse_op(x) for x in lines if " op " in x.split(" | ")[0]]
    twin = [parse_twin(x) for x in lines if " op " not in x.split(" | ")[0]]
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
    want = [want_op(r["period"], c) for r in runs for c in r.get("commands", [])]
    if len(ops) != len(want):
        sys.exit(f"twin: {len(ops)} operator rows, atome apps run: {len(want)}")
    for i, (t, w) in enumerate(zip(ops, want)):
        if t != w:
            sys.exit(f"operator row {i}: twin {t}, atome apps run {w}")
    print(f"host twin = atome apps run --json: {len(runs)} periods, {decided} head decisions "
          f"(class, p, margin, abstain, logits), {len(ops)} operator rows identical")


if __name__ == "__main__":
    main()
