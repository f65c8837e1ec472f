#!/usr/bin/python3
"""The table of scripts/classify-sweep.sh's runs (build/classify-sweep/<head>-<label>-s<seed>).

    scripts/classify_sweep.py [HEAD ...]

Per head and label: the median over its seeds of the best validation loss (the early-stopping
criterion) and of the validation accuracy at that epoch — what a setting is chosen on — then the
test accuracy (for the record, never for choosing), the q15 file bytes, and each seed's
valid loss / valid accuracy / test accuracy.
"""

import glob
import json
import os
import statistics
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "classify-sweep")


def valid_accuracy_at_best(run_dir, best_epoch):
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            if m.get("epoch") == best_epoch:
                return m["valid_accuracy"]
    raise SystemExit(f"{run_dir}: no metrics line for epoch {best_epoch}")


def main():
    only = set(sys.argv[1:])
    rows = defaultdict(list)
    for path in glob.glob(os.path.join(ROOT, "*", "result.json")):
        run_dir = os.path.dirname(path)
        r = json.load(open(path))
        name, seed = os.path.basename(run_dir).rsplit("-s", 1)
        label = name[len(r["head"]) + 1:]
        rows[(r["head"], label)].append((int(seed), r["best_valid_loss"],
                                         valid_accuracy_at_best(run_dir, r["best_epoch"]),
                                         r["test"]["accuracy"], r["model_bytes"]))
    print("| head | setting | seeds | valid loss | valid acc | test acc | file bytes | per seed (vloss / vacc / test) |")
    print("|---|---|---|---|---|---|---|---|")
    for (head, label), runs in sorted(rows.items()):
        if only and head not in only:
            continue
        runs.sort()
        med = lambda i: statistics.median(x[i] for x in runs)  # noqa: E731
        seeds = ", ".join(f"s{x[0]} {x[1]:.3f} / {x[2]:.3f} / {x[3]:.3f}" for x in runs)
        print(f"| {head} | {label} | {len(runs)} | {med(1):.3f} | {med(2):.3f} | {med(3):.3f} | "
              f"{runs[0][4]:,} | {seeds} |")


if __name__ == "__main__":
    main()
