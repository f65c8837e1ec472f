#!/usr/bin/python3
"""The vibration velocity RMS (apps/velocity_rms.cpp) against data/generators/forecast.py's
velocity_rms (the condition_monitor pipeline's definition) in double on the same int16 samples: the
360 examples of `generate.py --heads forecast --scale small --seed 1` (the four RUL classes), each
example's last vib_rms value synthesised as 1 s of acceleration (forecast.vib_window), plus white
noise from 1 LSB to near full scale and silence. Prints the largest relative error and the error
against the head's own values; asserts the bound. Exit 77 without numpy.

    scripts/velocity-rms-agreement.py DRIVER   (tests/apps_velocity_features.cpp)
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
import forecast  # noqa: E402

N = forecast.VIB_FRAMES * forecast.VIB_FRAME
BOUND_REL = 0.002  # measured 4.9e-4: the 16-bit FFT's rounding on the low bins, weighted by 1/f^2


def run(driver, wins):
    text = "".join(" ".join(map(str, x)) + "\n" for x in wins)
    r = subprocess.run([driver], input=text, capture_output=True, text=True, check=True)
    return r.stdout.splitlines()


def main():
    driver = sys.argv[1]
    y, v, wins = forecast.raw_vibration(1, "small")
    rng = np.random.default_rng(7)
    noise = [np.clip(np.rint(rng.normal(0, s, N)), -32768, 32767).astype(np.int16)
             for s in (1, 3, 30, 300, 3000, 10000)]
    got = run(driver, wins + noise)
    assert len(got) == len(wins) + len(noise)
    rel, rel_head = [], []
    for x, line, vh in zip(wins + noise, got, list(v) + [None] * len(noise)):
        dev = int(line) / 65536.0
        want = forecast.velocity_rms(x)
        rel.append(abs(dev - want) / max(want, 1e-9))
        if vh is not None:
            rel_head.append(abs(dev - vh) / vh)
    rel, rel_head = np.array(rel), np.array(rel_head)
    print(f"velocity_rms: {len(wins)} windows (per class {list(np.bincount(y, minlength=4))}) + "
          f"{len(noise)} noise; relative error vs the double formula max {rel.max():.2e} / median "
          f"{np.median(rel):.2e} (machine windows max {rel[:len(wins)].max():.2e}); vs the head's "
          f"vib_rms max {rel_head.max():.2e} (int16 rounding included)")
    bad = []
    if rel.max() > BOUND_REL:
        bad.append(f"relative error {rel.max():.3g}")
    edge = run(driver, [np.zeros(N, np.int16)])
    if edge != ["0"]:
        bad.append(f"silence gave {edge}")
    r = subprocess.run([driver], input="1 2 3\n", capture_output=True, text=True)
    if r.stdout.strip() != "error 4":
        bad.append(f"a short buffer gave {r.stdout.strip()!r}")
    if bad:
        print("failed:", bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
