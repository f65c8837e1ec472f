#!/usr/bin/python3
"""Abstention-threshold rules tried after training, on the runs' own validation predictions.

    scripts/classify_threshold_rules.py [--data build/classify-data] [--runs build/classify-runs]
                                        [--target 0.01] [--detail RULE]

The trainer picks a head's abstention threshold on its validation split (the lowest threshold
whose selective risk's one-sided Clopper-Pearson bound at --risk-confidence is <= --target-risk,
src/train/calibration.h) and scores the test split, whose groups are others, once. The threshold
does not change training, so another rule can be tried on the same runs: each run leaves
valid_predictions.csv and test_predictions.csv (row, label, class, p, abstain, ...). Rules:

  cp@C    the trainer's: the Clopper-Pearson bound at confidence C over the validation split
  loo@C   the same bound, and also with each validation group left out in turn (the threshold
          must not rest on one easy group): the largest of the G + 1 bounds is the risk bound

For each rule: how many runs answer any test row, the pooled test risk against the annotated
labels and against the true state (labels_true.csv, which the trainer never reads), the runs and
heads (median over the seeds) over the target, and the mean over heads of the median coverage.

Choosing a rule is itself a choice on data, so it is made on DEVELOPMENT data (the generators'
seed 2, `CLASSIFY_DATA_SEED=2 scripts/classify-report.sh`), never on the report's seed 1. The
criterion, fixed before either was looked at: the rule with the largest mean coverage among those
whose every head's median test risk (annotated labels) and pooled risk are <= the target.

As a check on itself the script first recomputes each run's own threshold (its --threshold-rule,
pooled = cp or leave-group-out = loo, at its --risk-confidence) from valid_predictions.csv and requires exactly the test rows the trainer
answered (test_predictions.csv's abstain column).
"""

import argparse
import collections
import csv
import glob
import json
import math
import os
import statistics
import sys
from functools import lru_cache

from classify_true_risk import read_true


def binomial_cdf(k, n, p):
    """P(Binomial(n, p) <= k)."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    lp, lq = math.log(p), math.log1p(-p)
    lgn = math.lgamma(n + 1)
    return sum(math.exp(lgn - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq)
               for i in range(k + 1))


@lru_cache(maxsize=None)
def upper_bound(k, n, confidence):
    """One-sided Clopper-Pearson upper bound on an error rate seen as k errors in n (the largest p
    with P(Binomial(n, p) <= k) >= 1 - confidence), by bisection as calibration.cpp does."""
    if n == 0 or k >= n:
        return 1.0
    lo, hi = k / n, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if binomial_cdf(k, n, mid) >= 1.0 - confidence:
            lo = mid
        else:
            hi = mid
    return lo


def read_predictions(path, group_of, truth):
    """[(p, correct against the annotated label, correct against the true state, group, abstain)]."""
    out = []
    with open(path) as f:
        rows = csv.reader(f)
        header = next(rows)
        if header[:5] != ["row", "label", "class", "p", "abstain"]:
            raise SystemExit(f"{path}: unexpected header {header[:5]}")
        for r in rows:
            row, label, cls = int(r[0]), int(r[1]), int(r[2])
            out.append((float(r[3]), cls == label, cls == truth[row], group_of[row], r[4] == "1"))
    return out


def choose(valid, rule, target):
    """The lowest validation confidence whose risk bound under the rule is <= target (ties enter
    together, as calibration.cpp's curve does); None when no threshold reaches it."""
    kind, confidence = rule.split("@")
    confidence = float(confidence)
    ranked = sorted(valid, key=lambda v: -v[0])
    groups = sorted({v[3] for v in valid})
    accepted = errors = 0
    per_group_accepted = collections.Counter()  # group -> accepted so far
    per_group_err = collections.Counter()  # group -> errors among them
    best = None
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            p, ok, _, g, _ = ranked[j]
            accepted += 1
            errors += not ok
            per_group_accepted[g] += 1
            per_group_err[g] += not ok
            j += 1
        bound = upper_bound(errors, accepted, confidence)
        if kind == "loo":
            for g in groups:
                bound = max(bound, upper_bound(errors - per_group_err[g], accepted - per_group_accepted[g],
                                               confidence))
        elif kind != "cp":
            raise SystemExit(f"unknown rule {rule}")
        if bound <= target:
            best = ranked[i][0]
        i = j
    return best


def answered_at(test, threshold):
    return [t for t in test if threshold is not None and t[0] >= threshold]


def finished_runs(runs_dir):
    """(run directory, run name, head, result.json) of every run that left valid_predictions.csv."""
    paths = sorted(glob.glob(os.path.join(runs_dir, "*-s[0-9]*", "valid_predictions.csv")))
    if not paths:
        raise SystemExit(f"no runs with valid_predictions.csv in {runs_dir} "
                         "(scripts/classify-report.sh trains them)")
    for path in paths:
        run_dir = os.path.dirname(path)
        run = os.path.basename(run_dir)
        with open(os.path.join(run_dir, "result.json")) as f:
            yield run_dir, run, run.rsplit("-s", 1)[0], json.load(f)


def group_column(data, head, group_by):
    """Each example's group id (examples.csv's group_by column), by row."""
    with open(os.path.join(data, head, "examples.csv")) as f:
        rows = csv.reader(f)
        column = next(rows).index(group_by)
        return [int(r[column]) for r in rows]


def load_runs(data, runs_dir):
    runs = []
    for run_dir, run, head, result in finished_runs(runs_dir):
        group_of = group_column(data, head, result["group_by"])
        truth = read_true(os.path.join(data, head))
        valid = read_predictions(os.path.join(run_dir, "valid_predictions.csv"), group_of, truth)
        test = read_predictions(os.path.join(run_dir, "test_predictions.csv"), group_of, truth)
        runs.append((run, head, result, valid, test))
    return runs


def self_check(runs):
    """Each run's own rule reproduces the rows its trainer answered."""
    for run, _, result, valid, test in runs:
        kind = "loo" if result.get("threshold_rule") == "leave-group-out" else "cp"
        rule = f"{kind}@{result['risk_confidence']!r}"
        threshold = choose(valid, rule, result["target_risk"])
        mine = [t[0] >= threshold if threshold is not None else False for t in test]
        trainer = [not t[4] for t in test]
        if mine != trainer:
            raise SystemExit(f"{run}: recomputing the trainer's threshold answers "
                             f"{sum(mine)} test rows, the trainer {sum(trainer)}")


def evaluate(runs, rule, target):
    per_head = collections.defaultdict(list)
    pooled = [0, 0, 0]  # answered, wrong (annotated), wrong (true state)
    answering = over_annotated = over_true = 0
    rows = []
    for run, head, _, valid, test in runs:
        answered = answered_at(test, choose(valid, rule, target))
        n = len(answered)
        wrong_a = sum(1 for t in answered if not t[1])
        wrong_t = sum(1 for t in answered if not t[2])
        risk_a = wrong_a / n if n else 0.0
        risk_t = wrong_t / n if n else 0.0
        pooled[0] += n
        pooled[1] += wrong_a
        pooled[2] += wrong_t
        answering += n > 0
        over_annotated += risk_a > target
        over_true += risk_t > target
        per_head[head].append((risk_a, risk_t, n / len(test)))
        rows.append((run, len(test), n, wrong_a, wrong_t))
    heads = {h: tuple(statistics.median(v[k] for v in vs) for k in range(3))
             for h, vs in per_head.items()}
    return dict(
        rule=rule, runs=len(runs), answering=answering, pooled=pooled,
        over=(over_annotated, over_true),
        heads_over=(sum(h[0] > target for h in heads.values()),
                    sum(h[1] > target for h in heads.values())),
        coverage=sum(h[2] for h in heads.values()) / len(heads), heads=heads, rows=rows)


def ratio(a, b):
    return f"{a / b:.4f}" if b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="build/classify-data")
    ap.add_argument("--runs", default="build/classify-runs")
    ap.add_argument("--target", type=float, default=0.01)
    ap.add_argument("--rules", default="cp@0.9,cp@0.95,cp@0.99,loo@0.9,loo@0.95")
    ap.add_argument("--detail", help="also print each head and each run under this rule")
    args = ap.parse_args()
    runs = load_runs(args.data, args.runs)
    self_check(runs)
    print(f"{len(runs)} runs from {args.runs}; each run's own threshold recomputed from "
          "valid_predictions.csv answers exactly the trainer's test rows.\n", file=sys.stderr)
    target = args.target
    print(f"| rule | runs answering | answered (pooled) | risk: annotated / true state | runs over "
          f"{target:g}: annotated / true | heads (median) over: annotated / true | mean coverage |")
    print("|---|---:|---:|---|---|---|---:|")
    results = [evaluate(runs, rule, target) for rule in args.rules.split(",")]
    for r in results:
        n, wa, wt = r["pooled"]
        print(f"| {r['rule']} | {r['answering']} / {r['runs']} | {n} | {ratio(wa, n)} / {ratio(wt, n)} | "
              f"{r['over'][0]} / {r['over'][1]} | {r['heads_over'][0]} / {r['heads_over'][1]} | "
              f"{r['coverage']:.3f} |")
    passing = [r for r in results if r["heads_over"][0] == 0 and r["pooled"][0]
               and r["pooled"][1] / r["pooled"][0] <= target]
    if passing:
        best = max(passing, key=lambda r: r["coverage"])
        print(f"\nThe criterion (every head's median and the pooled risk on annotated labels <= "
              f"{target:g}; then the largest mean coverage) picks {best['rule']}.")
    else:
        print(f"\nNo rule meets the criterion (every head's median and the pooled risk on "
              f"annotated labels <= {target:g}).")
    if args.detail:
        r = next((r for r in results if r["rule"] == args.detail), None) or evaluate(runs, args.detail, target)
        print(f"\nUnder {args.detail}, per head (median over seeds):\n")
        print("| head | risk: annotated / true state | coverage |")
        print("|---|---|---:|")
        for h, (ra, rt, c) in r["heads"].items():
            print(f"| {h} | {ra:.4f} / {rt:.4f} | {c:.3f} |")
        print("\n| run | test rows | answered | errors: annotated / true state |")
        print("|---|---:|---:|---|")
        for run, rows, n, wa, wt in r["rows"]:
            print(f"| {run} | {rows} | {n} | {wa} / {wt} |")


if __name__ == "__main__":
    main()
