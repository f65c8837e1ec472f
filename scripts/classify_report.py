#!/usr/bin/python3
"""The classifier-heads table of docs/RESULTS.md §12 (issue 14 item 6), from the runs of
scripts/classify-report.sh.

    scripts/classify_report.py --data DIR --runs DIR --twin SIZER [--results docs/RESULTS.md]

For each head (DIR/<head>, data/generators/generate.py) and each run RUNS/<head>-s<seed>
(`atome train --task classify`, its result.json and best.atome): accuracy, macro-F1, ECE before
and after calibration, AURC, coverage at 1% risk, the selective risk and coverage at the chosen
threshold on the test split (held-out groups), file bytes and state bytes (the q15 firmware
engine's arena for one input, `SIZER --state-bytes FILE n_features`) — median and range over the
seeds — beside float baselines trained on exactly the run's train groups and scored on its test
groups (logistic regression and an MLP, scripts/classify-baselines.py's models) and beside the
original's accuracy on its own random split. Writes the block between the
<!-- classify-report:begin/end --> markers of RESULTS.md (appended with a heading if absent).
A head with no runs in RUNS keeps its row from the block already there (and counts in the mean
with those figures), so that `scripts/classify-report.sh HEAD ...` retrains only those heads.
"""

import argparse
import glob
import importlib.util
import json
import os
import subprocess
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from results_block import replace_block  # noqa: E402
spec = importlib.util.spec_from_file_location("baselines", os.path.join(HERE, "classify-baselines.py"))
baselines = importlib.util.module_from_spec(spec)
spec.loader.exec_module(baselines)
np = baselines.np

# The original's accuracy on its own stratified random split (../shared/notes/original-superesp.md).
ORIGINAL = {"agri": 0.976, "voice": 0.625, "motion": 0.811, "sound_scene": 0.975, "anomaly": 0.937,
            "air": 0.978, "os_telem": 0.987, "power": 0.981, "occupancy": 0.984, "wearable": 0.983,
            "water": 0.989, "forecast": 0.831}
BEGIN = "<!-- classify-report:begin (scripts/classify-report.sh; generated, do not edit) -->"
END = "<!-- classify-report:end -->"


def med(vals):
    v = sorted(vals)
    return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])


def cell(vals, fmt="{:.3f}"):
    return f"{fmt.format(med(vals))} ({fmt.format(min(vals))}–{fmt.format(max(vals))})"


def previous_rows(results):
    """The rows of the block already in RESULTS.md, by head (none if there is no block)."""
    try:
        text = open(results).read()
    except FileNotFoundError:
        return {}
    if BEGIN not in text or END not in text:
        return {}
    block = text[text.index(BEGIN):text.index(END)]
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) == 14 and cells[0] in ORIGINAL:
            rows[cells[0]] = line
    return rows


def row_means(line):
    """The figures of a kept row that enter the mean row."""
    c = [x.strip() for x in line.split("|")[1:-1]]
    return {"acc": float(c[3].split()[0]), "f1": float(c[4]), "ece": float(c[5].split("→")[1]),
            "cov1": float(c[7]), "risk": float(c[8].split("/")[0]), "cov": float(c[8].split("/")[1]),
            "lr": float(c[9]), "mlp": float(c[10])}


def baseline_on_run(head_dir, result):
    """LR and MLP accuracy on the run's test groups, trained on its train groups."""
    _, x, y, g = baselines.load(head_dir)
    groups = result["groups"]
    split = np.array([0 if v in set(groups["train"]) else 2 if v in set(groups["test"]) else 1 for v in g])
    out = baselines.evaluate(x, y, split, int(result["seed"]))
    return out["logreg"]["acc"], out["mlp"]["acc"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--twin", required=True)
    ap.add_argument("--results", default=os.path.join(os.path.dirname(HERE), "docs", "RESULTS.md"))
    args = ap.parse_args()

    rows, means = [], {k: [] for k in ("acc", "f1", "lr", "mlp", "cov1", "risk", "cov", "ece")}
    confidences = set()  # the runs' --risk-confidence
    kept = previous_rows(args.results)
    for head in ORIGINAL:
        runs = sorted(glob.glob(os.path.join(args.runs, f"{head}-s*", "result.json")))
        if not runs:
            if head in kept:  # not retrained this time: its row as it was
                rows.append(kept[head])
                for k, v in row_means(kept[head]).items():
                    means[k].append(v)
                print(f"{head}: kept from {args.results}", file=sys.stderr)
            continue
        m = {k: [] for k in ("acc", "f1", "ece0", "ece1", "aurc", "cov1", "risk", "cov", "lr", "mlp",
                             "bytes", "state")}
        for path in runs:
            r = json.load(open(path))
            confidences.add(round(r["risk_confidence"], 6))
            t = r["test"]
            m["acc"].append(t["accuracy"])
            m["f1"].append(t["macro_f1"])
            m["ece0"].append(t["ece_before"])
            m["ece1"].append(t["ece_after"])
            m["aurc"].append(t["aurc"])
            m["cov1"].append(t["coverage_at_risk_1pct"])
            m["risk"].append(t["selective_risk"])
            m["cov"].append(t["coverage"])
            lr, mlp = baseline_on_run(os.path.join(args.data, head), r)
            m["lr"].append(lr)
            m["mlp"].append(mlp)
            model = os.path.join(os.path.dirname(path), "best.atome")
            m["bytes"].append(os.path.getsize(model))
            n_features = sum(1 for _ in open(os.path.join(args.data, head, "examples.csv")).readline().split(",")) - 4
            state = subprocess.run([args.twin, "--state-bytes", model, str(n_features)], check=True,
                                   capture_output=True, text=True).stdout.strip()
            m["state"].append(int(state))
        r0 = json.load(open(runs[0]))
        rows.append(f"| {head} | {r0['group_by']} | {len(runs)} | {cell(m['acc'])} | {med(m['f1']):.3f} | "
                    f"{med(m['ece0']):.3f} → {med(m['ece1']):.3f} | {med(m['aurc']):.4f} | {med(m['cov1']):.3f} | "
                    f"{med(m['risk']):.3f} / {med(m['cov']):.3f} | {med(m['lr']):.3f} | {med(m['mlp']):.3f} | "
                    f"{ORIGINAL[head]:.3f} | {int(med(m['bytes'])):,} | {int(med(m['state'])):,} |")
        for k, src in (("acc", "acc"), ("f1", "f1"), ("lr", "lr"), ("mlp", "mlp"), ("cov1", "cov1"),
                       ("risk", "risk"), ("cov", "cov"), ("ece", "ece1")):
            means[k].append(med(m[src]))
        print(f"{head}: accuracy {cell(m['acc'])}", file=sys.stderr)
    mean = lambda k: sum(means[k]) / len(means[k])
    n = len(rows)
    bound = " / ".join(f"{100 * c:g}%" for c in sorted(confidences)) or "90%"
    lines = [BEGIN,
             f"Held-out groups (the split column in the table: no site, subject or device of the test split "
             f"is seen in training), q15 files, data `data/generators/generate.py --scale large --seed 1`, "
             f"seeds 1–3 of `atome train --task classify --numerics q15 --target-risk 0.01` (threshold: the {bound} Clopper-Pearson upper bound of the validation risk ≤ 1%). Per head: "
             f"median (min–max) of the test accuracy, and medians of the rest: macro-F1, ECE (15 bins) before → "
             f"after temperature scaling, AURC, coverage at 1% risk, and at the threshold chosen on valid "
             f"for 1% risk the test's selective risk / coverage. LR / MLP: float logistic regression and "
             f"MLP (scripts/classify-baselines.py's models) on the same features, trained on the run's "
             f"train groups and scored on its test groups. Original: the original's own figure on a random "
             f"split of its own, easier data — not comparable, for orientation. Bytes: the q15 file; state: "
             f"the q15 firmware engine's arena for one input (lut4).", "",
             "| head | split by | seeds | accuracy | macro-F1 | ECE | AURC | cov @ 1% risk | risk / cov at threshold | LR | MLP | original | file bytes | state bytes |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += rows
    lines += [f"| **mean of {n}** | | | **{mean('acc'):.3f}** | {mean('f1'):.3f} | → {mean('ece'):.3f} | | "
              f"{mean('cov1'):.3f} | {mean('risk'):.3f} / {mean('cov'):.3f} | {mean('lr'):.3f} | {mean('mlp'):.3f} | "
              f"{sum(ORIGINAL.values()) / len(ORIGINAL):.3f} | | |", END]
    block = "\n".join(lines)
    replace_block(args.results, "classify-report", block, heading="## 12. Classifier heads (issue 14)")
    print(block)


if __name__ == "__main__":
    main()
