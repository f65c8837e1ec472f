#!/usr/bin/python3
"""Temperature rules tried after training, on the runs' own validation logits.

    scripts/classify_temperature_rules.py [--data build/classify-data] [--runs build/classify-runs]

The trainer fits the temperature T on the validation split (the T in [0.05, 20] minimising the
mean NLL of softmax(z / T), golden-section search on log T: src/train/calibration.h) and scores
the test split, whose groups are others, once. T does not change training, and each run leaves
its validation and test logits (valid_predictions.csv, test_predictions.csv), so another rule can
be scored on the same runs by the test ECE (15 equal-width bins, as the trainer's):

  nll       the trainer's fit over the validation split
  worst     the T minimising the largest NLL of any one validation group
  loo-max   the largest of the G fits with one validation group left out: a T that would still
            be reached without any one group, on the cautious side (a higher T, a lower
            confidence) as the test groups may be harder than the validation ones

Choosing a rule is a choice on data, so it is made on DEVELOPMENT data (the generators' seeds 2
and 3, `CLASSIFY_DATA_SEED=N scripts/classify-report.sh`), never on the report's seed 1. The
criterion, fixed before seed 3 was run (seed 2 had been looked at, and so had seed 1, whose table
prompted the question): a rule replaces nll only if on EACH development seed it leaves no more
heads with a median test ECE over 0.03 than nll does, fewer on at least one, and a mean over the
heads of the median ECE no larger than nll's.

As a check on itself the script requires each run's own rule (its --temperature-rule: nll, or
leave-group-out = loo-max) to reproduce its stored temperature (to 1e-4 relative: f32).
"""

import argparse
import csv
import math
import os
import statistics

from classify_threshold_rules import finished_runs, group_column

BINS = 15
RULES = ("nll", "worst", "loo-max")


def read_logits(path):
    """[(logits, label, row)] of a predictions file."""
    with open(path) as f:
        return [([float(v) for v in r["logits"].split()], int(r["label"]), int(r["row"]))
                for r in csv.DictReader(f)]


def softmax(z, t):
    m = max(z)
    e = [math.exp((v - m) / t) for v in z]
    s = sum(e)
    return [v / s for v in e]


def mean_nll(rows, t):
    return sum(-math.log(max(1e-300, softmax(z, t)[y])) for z, y, _ in rows) / len(rows)


def ece(rows, t):
    bins = [[0, 0.0, 0] for _ in range(BINS)]  # count, confidence sum, right
    for z, y, _ in rows:
        p = softmax(z, t)
        c = max(range(len(p)), key=lambda i: p[i])
        b = min(BINS - 1, max(0, math.ceil(p[c] * BINS) - 1))  # (b/15, (b+1)/15], the first also 0
        bins[b][0] += 1
        bins[b][1] += p[c]
        bins[b][2] += c == y
    n = len(rows)
    return sum(k / n * abs(r / k - s / k) for k, s, r in bins if k)


def fit(objective):
    """argmin over T in [0.05, 20] by golden-section search on log T (as calibration.cpp)."""
    g = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = math.log(0.05), math.log(20.0)
    c, d = b - g * (b - a), a + g * (b - a)
    for _ in range(80):
        if objective(math.exp(c)) < objective(math.exp(d)):
            b = d
        else:
            a = c
        c, d = b - g * (b - a), a + g * (b - a)
    return math.exp(0.5 * (a + b))


def temperature(rule, valid, group_of):
    groups = sorted({group_of[row] for _, _, row in valid})
    by_group = {g: [v for v in valid if group_of[v[2]] == g] for g in groups}
    if rule == "nll":
        return fit(lambda t: mean_nll(valid, t))
    if rule == "worst":
        return fit(lambda t: max(mean_nll(rows, t) for rows in by_group.values()))
    if rule == "loo-max":
        return max(fit(lambda t, g=g: mean_nll([v for v in valid if group_of[v[2]] != g], t))
                   for g in groups)
    raise SystemExit(f"unknown rule {rule}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="build/classify-data")
    ap.add_argument("--runs", default="build/classify-runs")
    args = ap.parse_args()
    per_head = {rule: {} for rule in RULES}
    runs = list(finished_runs(args.runs))
    for run_dir, _, head, result in runs:
        group_of = group_column(args.data, head, result["group_by"])
        valid = read_logits(os.path.join(run_dir, "valid_predictions.csv"))
        test = read_logits(os.path.join(run_dir, "test_predictions.csv"))
        own = "loo-max" if result.get("temperature_rule") == "leave-group-out" else "nll"
        for rule in RULES:
            t = temperature(rule, valid, group_of)
            if rule == own and abs(t - result["temperature"]) > 1e-4 * result["temperature"]:
                raise SystemExit(f"{run_dir}: the {rule} fit gives T = {t:.6f}, the run stored "
                                 f"{result['temperature']:.6f}")
            per_head[rule].setdefault(head, []).append(ece(test, t))
    heads = sorted(per_head["nll"])
    print(f"{len(runs)} runs from {args.runs}; each run's own rule (--temperature-rule nll or "
          "leave-group-out = loo-max) reproduces its stored temperature.\n")
    print("| rule | heads with median ECE > 0.03 | mean of the medians | " +
          " | ".join(heads) + " |")
    print("|---|---:|---:|" + "---:|" * len(heads))
    for rule in RULES:
        med = {h: statistics.median(per_head[rule][h]) for h in heads}
        print(f"| {rule} | {sum(m > 0.03 for m in med.values())} | "
              f"{sum(med.values()) / len(med):.4f} | " + " | ".join(f"{med[h]:.3f}" for h in heads) + " |")


if __name__ == "__main__":
    main()
