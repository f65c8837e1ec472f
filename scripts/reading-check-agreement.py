#!/usr/bin/python3
"""The bad-reading check's features: apps/reading_check.cpp (integer, on the device) against
data/generators/reading_context.py (what the head was trained on), on every window of
`generate.py --heads bad_reading --scale full --seed 1` (3,600) plus edge cases (saturated, equal,
all-equal, extreme steps). Requires every feature of every window to be equal (integers, so the
check head's tokens are then equal too); prints the count. Exit 77 without numpy.

    scripts/reading-check-agreement.py DRIVER   (tests/apps_reading_check_features.cpp)
"""
import os
import subprocess
import sys

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(repo, "data", "generators"))
try:
    import numpy  # noqa: F401  (the generator needs it)
except ImportError:
    print("python3-numpy missing")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)
import bad_reading  # noqa: E402
import common  # noqa: E402
import reading_context as rc  # noqa: E402


def windows():
    n, groups = common.SCALES["full"]
    _, _, x = bad_reading.readings(common.head_rng(1, bad_reading.HEAD), n, groups)
    out = [[rc.to_q24(v) for v in w[:, 0]] for w in x]
    one = 1 << rc.FRAC
    lo, hi = -one // 2, 3 * one // 2
    out += [[0] * 16, [lo] * 16, [hi] * 16, [lo] * 15 + [hi], [hi] * 15 + [lo], [5] * 8 + [6] * 8,
            list(range(16)), [one] * 15 + [one + 1], [0] * 15 + [-1], [7, 7, 3, 3, 3] + [9] * 11]
    return out


def main():
    ws = windows()
    text = "".join(" ".join(map(str, w)) + "\n" for w in ws)
    r = subprocess.run([sys.argv[1]], input=text, capture_output=True, text=True, check=True)
    got = r.stdout.splitlines()
    assert len(got) == len(ws), (len(got), len(ws))
    bad = 0
    for w, line in zip(ws, got):
        want = ",".join(map(str, rc.features(w)))
        if line != want:
            bad += 1
            if bad <= 5:
                print(f"differs: {w} -> device {line}, python {want}")
    print(f"reading_context features equal in {len(ws) - bad} / {len(ws)} windows "
          f"({5 * (len(ws) - bad)} / {5 * len(ws)} features)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
