#!/usr/bin/python3
"""The PPG beat detector (apps/ppg_beats.cpp) on the wearable head's pulse: for every example of
`generate.py --heads wearable --scale small --seed 1` (360, the four classes: rest, active,
exercise, atrial fibrillation), data/generators/wearable.py's ppg_window synthesises 30 s of PPG
from the example's last three heart_rate / hrv_rmssd steps. Checks: every true beat inside the
detector's span is found within the timing bound and nothing else is (beats within 3 samples of the
span's edges may go either way); the heart rate and RMSSD equal the double formulas on the device's
own beat times (within the final rounding); prints their error against the true beats and
against the head's values. Exit 77 without numpy.

    scripts/ppg-beats-agreement.py DRIVER   (tests/apps_ppg_features.cpp)
"""
import os
import subprocess
import sys

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(repo, "data", "generators"))
try:
    import numpy as np
except ImportError:
    print("python3-numpy missing")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)
import wearable  # noqa: E402

FS, N, HR_N = wearable.PPG_FS, wearable.PPG_FS * wearable.PPG_S, 500
LO, HI = 26, N - 26  # the detector's span (samples): a whole 1 s window around the peak
TIMING_MS = 20.0  # one sample at 50 Hz


def features(t):
    """HR (bpm, intervals ending in the last 10 s) and RMSSD (ms) of beat times t (s)."""
    t = np.asarray(t, float)
    rr = np.diff(t)
    end = t[1:] >= (N - HR_N) / FS
    hr = 60.0 * end.sum() / rr[end].sum() if end.any() else 0.0
    d = np.diff(rr)
    return hr, (1000.0 * np.sqrt(np.mean(d ** 2)) if len(d) else 0.0)


def main():
    driver = sys.argv[1]
    y, hr, rmssd, wins = wearable.raw_ppg(1, "small")
    text = "".join(" ".join(map(str, x)) + "\n" for x, _ in wins)
    got = subprocess.run([driver], input=text, capture_output=True, text=True, check=True)
    got = got.stdout.splitlines()
    assert len(got) == len(wins), (len(got), len(wins))
    bad, worst_t, missed, extra, flagged = [], 0.0, 0, 0, 0
    errs_t = []
    worst_formula = np.zeros(2)
    err_true = []
    err_head = []
    for (x, true_t), line, h, r in zip(wins, got, hr, rmssd):
        if line.startswith("flagged"):
            flagged += 1
            continue
        v = [int(s) for s in line.split(",")]
        dev = np.array(v[3:3 + v[2]]) / 256.0 / FS
        twin = features(dev)
        worst_formula = np.maximum(worst_formula, np.abs(np.array(v[:2]) / 65536.0 - twin))
        inside = true_t[(true_t * FS >= LO + 3) & (true_t * FS <= HI - 3)]
        for tb in inside:
            e = np.min(np.abs(dev - tb)) * 1000.0 if len(dev) else 1e9
            if e > 100:
                missed += 1
            else:
                worst_t = max(worst_t, e)
                errs_t.append(e)
        for tb in dev:
            if (LO + 3 <= tb * FS <= HI - 3) and np.min(np.abs(true_t - tb)) > 0.1:
                extra += 1
        span = true_t[(true_t * FS >= LO) & (true_t * FS <= HI)]
        ft = features(span)
        err_true.append(np.abs(np.array(v[:2]) / 65536.0 - ft))
        err_head.append(np.abs(np.array(v[:2]) / 65536.0 - [h[-1], r[-1]]))
    err_true, err_head = np.array(err_true), np.array(err_head)
    print(f"ppg_beats: {len(wins)} windows (per class {list(np.bincount(y, minlength=4))}), "
          f"{flagged} flagged; beats missed {missed}, extra {extra}, timing error max "
          f"{worst_t:.2f} / median {np.median(errs_t):.2f} ms over {len(errs_t)} beats; hr/rmssd vs the formulas on the device's beats: max "
          f"{worst_formula[0]:.2g} bpm / {worst_formula[1]:.2g} ms")
    for name, e in (("true beats", err_true), ("head's values", err_head)):
        print(f"  vs {name}: hr max {e[:, 0].max():.3g} / median {np.median(e[:, 0]):.3g} bpm, "
              f"rmssd max {e[:, 1].max():.3g} / median {np.median(e[:, 1]):.3g} ms")
    if missed or extra or flagged:
        bad.append("beats missed, extra or flagged")
    if worst_t > TIMING_MS:
        bad.append(f"timing {worst_t:.2f} ms")
    if worst_formula.max() > 2.0 / 65536 * 100:
        bad.append(f"formula {worst_formula}")
    r = subprocess.run([driver], input="1 2 3\n", capture_output=True, text=True)
    if r.stdout.strip() != "error 4":
        bad.append(f"a short buffer gave {r.stdout.strip()!r}")
    flat = subprocess.run([driver], input=" ".join(["100"] * N) + "\n", capture_output=True,
                          text=True).stdout.strip()
    if flat != "0,0,0":
        bad.append(f"a flat buffer gave {flat!r}")
    if bad:
        print("failed:", bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
