#!/usr/bin/env python3
"""The text-command interpreter (docs/APPS.md §12) on the generators' texts, through the CLI.

    scripts/text-commands-check.py ATOME [--scale small|full] [--json OUT]

Generates command_intent and intent_bucket (`generate.py --seed 1`, the shipped heads' data),
then:
1. agreement: `atome apps command --json` (the integer path firmware runs) against
   `atome classify --json` (the host's double softmax) on every text, for both heads: the same
   class, |p - p_host| <= 5e-4, the same abstention unless p is within 5e-4 of the threshold
   (asserted; exit 1 otherwise);
2. the two-stage system's accuracy (route by intent_bucket, then command_intent) on the held-out
   writers (at --scale full each generator's texts of its shipped head's test split, the "test
   groups" of models/task-<head>-q15.md: the trainer draws the split from the seed, and the
   shipped seed is the one with the lowest validation loss; every text at --scale small): per
   test text the expected action and what the pipeline did — correct, no action (not
   understood: the safe failure, with why) or a wrong action, and among those the wrong
   actuations (actuate or stop-all when something else was meant) — printed, not asserted.
Skips with 77 without python3-numpy. Runs in the dispatcher state normal.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

PY = "/usr/bin/python3"  # Debian's, with python3-numpy (the generators need it)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "apps", "examples", "apps.json")
BUCKET = os.path.join(ROOT, "models", "task-intent-bucket-q15.atome")
COMMAND = os.path.join(ROOT, "models", "task-command-intent-q15.atome")

# What each generated label should make the pipeline do (docs/APPS.md §12.2, state normal).
INTENT_ACTION = {"turn_on": ("actuate", "turn_on"), "turn_off": ("actuate", "turn_off"),
                 "set_value": ("actuate", "set_value"), "status": ("status-report", None),
                 "stop_all": ("stop-all", None), "unknown": ("not-understood", None)}
BUCKET_ACTION = {"query": "status-report", "config": "config", "alert": "operator-alert",
                 "smalltalk": "not-understood"}


def test_groups(head):
    """The shipped head's test writers, from its card (written by task_classifiers_report.py)."""
    card = os.path.join(ROOT, "models", f"task-{head.replace('_', '-')}-q15.md")
    m = re.search(r"test groups \[([0-9, ]+)\]", open(card).read())
    if not m:
        sys.exit(f"{card}: no 'test groups [...]' line")
    return {int(v) for v in m.group(1).split(",")}


def texts_of(folder, held_out):
    classes = json.load(open(os.path.join(folder, "spec.json")))["classes"]
    out = []
    with open(os.path.join(folder, "examples.csv")) as f:
        rows = csv.reader(f)
        header = next(rows)
        first = header.index("byte@0")
        sub = header.index("subject")
        for r in rows:
            if held_out is not None and int(r[sub]) not in held_out:
                continue
            text = bytes(int(float(v)) for v in r[first:] if int(float(v)) != 0).decode("ascii")
            out.append((text, classes[int(r[0])]))
    return out


def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])}...: exit {p.returncode}: {p.stderr.strip()}")
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def classify(atome, model, texts):
    # The layout the heads were trained on: left-padded with 0 to 32 bytes.
    inputs = [",".join(["0"] * (32 - len(t)) + [str(b) for b in t.encode("ascii")]) for t in texts]
    out = []
    for i in range(0, len(inputs), 300):  # one argument stays under Linux's 128 KiB
        out += run_json([atome, "classify", "--model", model, "--json", "--tokens",
                         ";".join(inputs[i:i + 300])])
    return out


def threshold_of(atome, model):
    p = subprocess.run([atome, "inspect", model, "--json"], capture_output=True, text=True)
    try:
        return float(json.loads(p.stdout)["classifier"]["abstain_threshold"])
    except (ValueError, KeyError, TypeError):
        return None


def agree(name, mine, host, thr, problems):
    if mine is None:
        return 0
    p = mine["p_q15"] / 32768.0
    if mine["class"] != host["class"] or abs(p - host["p"]) > 5e-4:
        problems.append(f"{name}: class/p {mine['class']} {p:.5f} vs classify {host['class']} "
                        f"{host['p']:.5f}")
    elif mine["abstain"] != host["abstain"] and (thr is None or abs(host["p"] - thr) > 5e-4):
        problems.append(f"{name}: abstain {mine['abstain']} vs classify {host['abstain']}")
    return abs(p - host["p"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("atome")
    ap.add_argument("--scale", default="small", choices=["small", "full"])
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    if subprocess.run([PY, "-c", "import numpy"], capture_output=True).returncode != 0:
        print("skip: python3-numpy missing")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([PY, os.path.join(ROOT, "data", "generators", "generate.py"), "--out", tmp,
                        "--heads", "command_intent,intent_bucket", "--scale", a.scale,
                        "--seed", "1"], check=True, capture_output=True)
        held_out = a.scale == "full"
        sets = {h: texts_of(os.path.join(tmp, h), test_groups(h) if held_out else None)
                for h in ("command_intent", "intent_bucket")}
        texts = [t for h in sets for t, _ in sets[h]]
        listing = os.path.join(tmp, "texts.txt")
        with open(listing, "w") as f:
            f.write("".join(t + "\n" for t in texts))
        got = run_json([a.atome, "apps", "command", "--config", CONFIG, "--json", "--independent",
                        "--texts", listing])
    assert len(got) == len(texts), (len(got), len(texts))
    host_b, host_c = classify(a.atome, BUCKET, texts), classify(a.atome, COMMAND, texts)
    thr_b, thr_c = threshold_of(a.atome, BUCKET), threshold_of(a.atome, COMMAND)
    problems, worst, n_cmd = [], 0.0, 0
    for i, g in enumerate(got):
        worst = max(worst, agree(f"{texts[i]!r} bucket", g["bucket"], host_b[i], thr_b, problems))
        if g["command"] is not None:
            n_cmd += 1
            worst = max(worst, agree(f"{texts[i]!r} command", g["command"], host_c[i], thr_c,
                                     problems))
    print(f"agreement with atome classify: {len(texts)} bucket + {n_cmd} command decisions, "
          f"{len(problems)} differ; largest |p - p_host| {worst:.2e}")
    for p in problems[:10]:
        print("  " + p)

    # The two-stage system, per generator's test texts.
    report = {"scale": a.scale, "held_out": held_out, "agreement_problems": len(problems),
              "max_p_diff": worst}
    k = 0
    for head in ("command_intent", "intent_bucket"):
        counts = {"correct": 0, "no_action": 0, "wrong_action": 0, "wrong_actuation": 0}
        why = {}  # no action: why (bucket-abstained, command-abstained, smalltalk, ...)
        for text, label in sets[head]:
            g = got[k]
            k += 1
            if head == "command_intent":
                want = INTENT_ACTION[label]
                ok = (g["action"], g["intent"]) == want if want[1] else g["action"] == want[0]
            elif label == "control":  # the bucket's part: routed to the command head
                want = ("control",)
                ok = g["bucket"]["class_name"] == "control" and not g["bucket"]["abstain"]
            else:
                want = (BUCKET_ACTION[label],)
                ok = g["action"] == want[0]
            if ok:
                counts["correct"] += 1
            elif g["action"] == "not-understood":
                counts["no_action"] += 1
                why[g["why"]] = why.get(g["why"], 0) + 1
            else:
                counts["wrong_action"] += 1
                # The dangerous kind: a device would move (or everything stop) when it should not.
                if g["action"] in ("actuate", "stop-all"):
                    counts["wrong_actuation"] += 1
        n = len(sets[head])
        report[head] = dict(counts, n=n, no_action_why=why)
        print(f"{head}: {n} texts: correct {counts['correct'] / n:.3f}, no action "
              f"{counts['no_action'] / n:.3f}, wrong action {counts['wrong_action'] / n:.3f} "
              f"(of which actuate / stop-all {counts['wrong_actuation'] / n:.3f}); no action: "
              + ", ".join(f"{k} {v}" for k, v in sorted(why.items(), key=lambda e: -e[1])))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
