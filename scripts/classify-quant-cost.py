#!/usr/bin/python3
"""What the head's quantisation costs a float model (issue 14, the gap to the float MLP).

    scripts/classify-quant-cost.py HEAD ...     # data in build/classify-data/HEAD

For seeds 0-2 of scripts/classify-baselines.py's grouped split: its MLP on the raw features, on
the features quantised as a banded head sees them (per channel the train split's 0.5..99.5
percentiles, clipped to the physical limits, floor(256 / F) levels, round to nearest), on 256
levels, and on the banded levels over narrower ranges (2..98, 5..95, 10..90 percentiles).
Prints the median test accuracy of each. A diagnostic: nothing here is used for choosing.
"""

import importlib.util
import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("baselines", os.path.join(HERE, "classify-baselines.py"))
b = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(b)
np = b.np
warnings.filterwarnings("ignore")


def quantise(x, train, spec, levels, tail=0.005):
    """Level index per feature, the ranges per channel pooled over its timesteps (time-major)."""
    n_ch = len(spec["channels"])
    out = np.empty_like(x)
    for c, ch in enumerate(spec["channels"]):
        cols = list(range(c, x.shape[1], n_ch))
        v = np.sort(x[train][:, cols].ravel())
        lo = max(v[int(np.floor(tail * (len(v) - 1)))], ch["min"])
        hi = min(v[int(np.ceil((1 - tail) * (len(v) - 1)))], ch["max"])
        if hi <= lo:
            lo, hi = ch["min"], ch["max"]
        out[:, cols] = np.round(np.clip((x[:, cols] - lo) / (hi - lo), 0, 1) * (levels - 1))
    return out


def main():
    root = os.path.join(HERE, "..", "build", "classify-data")
    for head in sys.argv[1:]:
        spec, x, y, g = b.load(os.path.join(root, head))
        levels = 256 // x.shape[1]
        res = {}
        for seed in range(3):
            split = b.group_split(g, seed)
            tr, te = split == 0, split == 2
            variants = {"raw": x, f"banded {levels}": quantise(x, tr, spec, levels),
                        "256": quantise(x, tr, spec, 256)}
            for tail in (0.02, 0.05, 0.10):
                variants[f"banded p{round(tail * 100)}"] = quantise(x, tr, spec, levels, tail)
            for name, xx in variants.items():
                sc = b.StandardScaler().fit(xx[tr])
                m = b.MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=300,
                                    random_state=seed).fit(sc.transform(xx[tr]), y[tr])
                res.setdefault(name, []).append(float((m.predict(sc.transform(xx[te])) == y[te]).mean()))
        print(head, x.shape[1], "features:",
              ", ".join(f"{k} {np.median(v):.3f}" for k, v in res.items()), flush=True)


if __name__ == "__main__":
    main()
