#!/usr/bin/python3
"""The pulse counter (apps/pulse_count.cpp) on the water head's flow meter: for every example of
`generate.py --heads water --scale small --seed 1` (360 examples x 8 steps of 10 s, the four
classes), data/generators/water.py's flow_pulses gives the meter's bouncing 0/1 output; the device
counts it per step and converts to L/min. Checks: per step the count is within one pulse of the
clean wave's rising edges (the debounce delays an edge by up to DEBOUNCE + 1 samples, into the next
step at most), per example the total is the clean total or one less (an edge in the last samples),
the Q16 value is exactly round(count 60 / (K P) 2^16), and the flow is within two pulses' worth of
the meter reading the head was trained on; plus bad input. Exit 77 without numpy.

    scripts/pulse-count-agreement.py DRIVER   (tests/apps_pulse_features.cpp)
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
import water  # noqa: E402

NUM, DEN = 60, water.PULSES_PER_L * water.PERIOD_S  # pulses per step -> L/min
STEP = water.PULSE_FS * water.PERIOD_S


def run(driver, lines):
    r = subprocess.run([driver], input="".join(l + "\n" for l in lines), capture_output=True,
                       text=True, check=True)
    return r.stdout.splitlines()


def main():
    driver = sys.argv[1]
    y, meter = water.raw_flow(1, "small")
    trains = [water.flow_pulses(m) for m in meter]
    lines = [f"{water.DEBOUNCE} {STEP} {NUM} {DEN} " + "".join("01"[b] for b in out)
             for out, _ in trains]
    got = run(driver, lines)
    assert len(got) == len(lines), (len(got), len(lines))
    bad = []
    worst_step, worst_flow, total_short = 0, 0.0, 0
    for (out, clean), line, m in zip(trains, got, meter):
        v = [int(t) for t in line.split(",")]
        count = [round(q * DEN / NUM / 65536) for q in v]
        if v != [(2 * c * NUM * 65536 + DEN) // (2 * DEN) for c in count]:
            bad.append(f"Q16 scaling {v[:3]}")
        rise = np.flatnonzero((clean[1:] == 1) & (clean[:-1] == 0)) + 1
        want = np.bincount(rise // STEP, minlength=len(m))
        worst_step = max(worst_step, int(np.max(np.abs(np.array(count) - want))))
        short = int(want.sum()) - sum(count)
        total_short += short
        if short not in (0, 1):
            bad.append(f"total {sum(count)} vs {int(want.sum())}")
        worst_flow = max(worst_flow, float(np.max(np.abs(np.array(v) / 65536 - m))))
    print(f"pulse_count: {len(lines)} examples x {meter.shape[1]} steps (per class "
          f"{list(np.bincount(y, minlength=4))}); max |count - clean edges| per step {worst_step}, "
          f"examples one short at the end {total_short}; max |flow - meter| {worst_flow:.4f} L/min "
          f"(one pulse = {NUM / DEN:.3f})")
    if worst_step > 1:
        bad.append("a step off by more than one pulse")
    if worst_flow > 2 * NUM / DEN:
        bad.append("flow off by more than two pulses")
    edge = run(driver, ["2 5 1 1 0001000100", "2 4 1 1 0011001100", "2 5 1 1 0120",
                        "0 5 1 1 0101", "2 5 1 0 0101", "1 3 1 1 010101"])
    # bounce only; two pulses over three blocks; a 2; debounce 0; den 0; debounce 1 counts all
    want = ["0,0", "65536,65536,0", "error 15", "error 3", "error 3", "65536,131072"]
    if edge != want:
        bad.append(f"edge cases {edge} != {want}")
    if bad:
        print("failed:", bad[:5])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
