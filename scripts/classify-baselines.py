#!/usr/bin/python3
"""Float baselines for the classifier data (issue 14 item 6, the part that needs no Atome trainer).

    scripts/classify-baselines.py DIR [--heads a,b] [--seeds 3] [--json OUT.json] [--markdown]

DIR holds OUT/<head>/examples.csv + spec.json (data/generators/generate.py). For each head and
seed: a grouped split on the spec's group_by column (groups shuffled by the seed, then 60 % of the
groups train, 20 % valid, 20 % test: no group in two splits), features standardised on train,
logistic regression and a small MLP (one hidden layer of 64 ReLU, L2 1e-3, Adam, 300 epochs)
from scikit-learn; accuracy and macro-F1 on the held-out-group test split. The same on a random
stratified 60/20/20 split shows the gap. Prints the table (median [min..max] over the seeds) and
writes the JSON (default DIR/baselines.json). Needs python3-sklearn (Debian).
"""

import argparse
import csv
import json
import os
import sys
import time
import warnings

# One BLAS/OpenMP thread: the fits are small, and oversubscribed threads made them 10x slower.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
except ImportError:
    sys.exit("classify-baselines: needs scikit-learn (apt-get install python3-sklearn)")


def load(head_dir):
    with open(os.path.join(head_dir, "spec.json")) as f:
        spec = json.load(f)
    with open(os.path.join(head_dir, "examples.csv")) as f:
        r = csv.reader(f)
        header = next(r)
        rows = np.array([[float(v) for v in row] for row in r])
    y = rows[:, 0].astype(int)
    g = rows[:, header.index(spec["group_by"])].astype(int)
    x = rows[:, 4:]
    return spec, x, y, g


def group_split(g, seed):
    """Deterministic split by group id: groups shuffled by the seed, 60/20/20 of the groups."""
    ids = np.unique(g)
    perm = np.random.default_rng(seed).permutation(ids)
    n = len(ids)
    n_te = max(1, round(0.2 * n))
    n_va = max(1, round(0.2 * n))
    te, va = set(perm[:n_te]), set(perm[n_te:n_te + n_va])
    split = np.array([2 if v in te else 1 if v in va else 0 for v in g])
    return split


def random_split(y, seed):
    idx = np.arange(len(y))
    tr, rest = train_test_split(idx, test_size=0.4, random_state=seed, stratify=y)
    va, te = train_test_split(rest, test_size=0.5, random_state=seed, stratify=y[rest])
    split = np.zeros(len(y), int)
    split[va], split[te] = 1, 2
    return split


def models(seed):
    return {
        "logreg": LogisticRegression(max_iter=3000, C=1.0),
        "mlp": MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=300,
                             random_state=seed),
    }


def evaluate(x, y, split, seed):
    tr, te = split == 0, split == 2
    sc = StandardScaler().fit(x[tr])
    out = {}
    for name, m in models(seed).items():
        m.fit(sc.transform(x[tr]), y[tr])
        p = m.predict(sc.transform(x[te]))
        out[name] = {"acc": float(accuracy_score(y[te], p)),
                     "f1": float(f1_score(y[te], p, average="macro"))}
    return out


def summary(vals):
    v = sorted(vals)
    return {"median": float(np.median(v)), "min": float(v[0]), "max": float(v[-1]), "runs": v}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--heads", default="")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    heads = [h for h in a.heads.split(",") if h] or sorted(
        d for d in os.listdir(a.dir) if os.path.isfile(os.path.join(a.dir, d, "spec.json")))
    result = {"dir": os.path.abspath(a.dir), "seeds": list(range(a.seeds)), "heads": {}}
    hdr = "| head | n | feat | classes | groups (by) | split | logreg acc | logreg F1 | mlp acc | mlp F1 |"
    print(hdr)
    print("|" + "---|" * (hdr.count("|") - 1))
    for h in heads:
        t0 = time.time()
        spec, x, y, g = load(os.path.join(a.dir, h))
        res = {"n": int(len(y)), "features": int(x.shape[1]), "classes": len(spec["classes"]),
               "group_by": spec["group_by"], "groups": int(len(np.unique(g)))}
        for kind in ("grouped", "random"):
            runs = []
            for seed in range(a.seeds):
                split = group_split(g, seed) if kind == "grouped" else random_split(y, seed)
                runs.append(evaluate(x, y, split, seed))
            res[kind] = {m: {k: summary([r[m][k] for r in runs]) for k in ("acc", "f1")}
                         for m in ("logreg", "mlp")}

            def cell(m, k):
                s = res[kind][m][k]
                return f"{s['median']:.3f} [{s['min']:.3f}..{s['max']:.3f}]"
            print(f"| {h} | {res['n']} | {res['features']} | {res['classes']} | "
                  f"{res['groups']} ({res['group_by']}) | {kind} | {cell('logreg', 'acc')} | "
                  f"{cell('logreg', 'f1')} | {cell('mlp', 'acc')} | {cell('mlp', 'f1')} |",
                  flush=True)
        res["seconds"] = round(time.time() - t0, 1)
        result["heads"][h] = res
    for kind in ("grouped", "random"):
        for m in ("logreg", "mlp"):
            meds = [result["heads"][h][kind][m]["acc"]["median"] for h in heads]
            result.setdefault("mean_acc", {}).setdefault(kind, {})[m] = float(np.mean(meds))
            print(f"mean accuracy over {len(heads)} heads, {kind}, {m}: {np.mean(meds):.3f}")
    out = a.json or os.path.join(a.dir, "baselines.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
