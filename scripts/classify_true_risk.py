#!/usr/bin/python3
"""Selective risk at the abstention threshold, against the annotated labels and the true state.

    scripts/classify_true_risk.py [--data build/classify-data] [--runs build/classify-runs]

The generators replace a fraction (spec.json "label_noise": 0.2 % on the 12 domain heads, 1 %
up to their previous versions) of the labels by a uniformly drawn class, as annotators err; they
also write the class each example was drawn from (labels_true.csv), which the trainer never
reads. A head that abstains below its threshold is scored on the test rows it answers
(test_predictions.csv: row, label, class, p, abstain, ...): errors against the annotated label
(what the threshold was chosen on, on the validation split) and against the true state (what the
device gets wrong). With noise e over C classes about e (C - 1) / C of the answered rows carry a
wrong annotation whatever the head does (at e = 1 % a 1 % target on annotated labels sat at that
floor; docs/DATA.md, "Annotation noise"). Prints one markdown row per run that answers at least
one test row, and the pooled totals.
"""

import argparse
import csv
import glob
import os


def read_true(head_dir):
    with open(os.path.join(head_dir, "labels_true.csv")) as f:
        rows = list(csv.reader(f))
    if rows[0] != ["label_true"]:
        raise SystemExit(f"{head_dir}/labels_true.csv: header must be label_true")
    return [int(r[0]) for r in rows[1:]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="build/classify-data")
    ap.add_argument("--runs", default="build/classify-runs")
    args = ap.parse_args()
    runs = sorted(glob.glob(os.path.join(args.runs, "*-s[0-9]*", "test_predictions.csv")))
    if not runs:
        raise SystemExit(f"no runs in {args.runs} (scripts/classify-report.sh trains them)")
    print("| run | test rows | answered | errors: annotated / true state | risk: annotated / true state |")
    print("|---|---:|---:|---|---|")
    n_runs = total_answered = total_annotated = total_true = 0
    for path in runs:
        run = os.path.basename(os.path.dirname(path))
        head = run.rsplit("-s", 1)[0]
        truth = read_true(os.path.join(args.data, head))
        with open(path) as f:
            rows = list(csv.reader(f))[1:]
        answered = [r for r in rows if r[4] == "0"]
        n_runs += 1
        if not answered:
            continue
        wrong_annotated = sum(1 for r in answered if int(r[2]) != int(r[1]))
        wrong_true = sum(1 for r in answered if int(r[2]) != truth[int(r[0])])
        total_answered += len(answered)
        total_annotated += wrong_annotated
        total_true += wrong_true
        print(f"| {run} | {len(rows)} | {len(answered)} | {wrong_annotated} / {wrong_true} | "
              f"{wrong_annotated / len(answered):.4f} / {wrong_true / len(answered):.4f} |")
    if total_answered:
        print(f"| **pooled** ({n_runs} runs) | | {total_answered} | {total_annotated} / {total_true} | "
              f"{total_annotated / total_answered:.4f} / {total_true / total_answered:.4f} |")
    else:
        print(f"| ({n_runs} runs: none answers a test row) | | 0 | | |")


if __name__ == "__main__":
    main()
