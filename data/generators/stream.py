#!/usr/bin/env python3
"""A recorded sensor stream for `atome apps run` (docs/APPS.md §10.5), seeded.

Usage: stream.py --head NAME=INSPECT.json [--head ...] [--periods N] [--seed S]
                 [--abstain-frame NAME=v1,v2,...] > FRAMES.csv

INSPECT.json is `atome inspect --json MODEL` of the head's file: the window size and the per-feature
ranges come from it. Layout: "period,head,values..." then one row per (period, head), values in
physical units, time-major. The stream:
  - idle (most periods): each head holds a baseline inside its ranges, redrawn every 40 periods
    (a sensor that mostly idles repeats its reading: exact gating skips these);
  - events: periods [P/2, P/2 + P/8) draw fresh values every period;
  - faults at fixed places, per head: a NaN (period 20 + 7h), a spike far outside the range
    (period 30 + 7h, one feature x 1000), a frame of the wrong length (period 40 + 7h), a missing
    row (period 50 + 7h), a stuck stretch (periods [60, 70): the frame of period 59 repeated);
  - --abstain-frame: the telemetry head is fed this frame for periods [P - P/8, P - P/16), so that
    a head that abstains on it sends the dispatcher to SAFE.
Only the Python standard library: the stream must be reproducible anywhere.
"""
import argparse
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--head", action="append", required=True, help="NAME=INSPECT.json")
    ap.add_argument("--periods", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--abstain-frame", default="", help="NAME=v1,v2,... (the telemetry head)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    heads = []
    for spec in a.head:
        name, path = spec.split("=", 1)
        with open(path) as f:
            info = json.load(f)["classifier"]
        heads.append((name, list(zip(info["ranges"]["vmin"], info["ranges"]["vmax"]))))
    abstain_name, abstain_frame = "", []
    if a.abstain_frame:
        abstain_name, values = a.abstain_frame.split("=", 1)
        abstain_frame = [float(v) for v in values.split(",")]

    def draw(ranges):
        # Inside the central 80 % of each range, to 4 decimals (what a sensor log holds).
        return [round(lo + (hi - lo) * (0.1 + 0.8 * rng.random()), 4) for lo, hi in ranges]

    P = a.periods
    out = sys.stdout
    out.write("period,head,values...\n")
    baseline = {name: draw(r) for name, r in heads}
    last = {}
    for p in range(P):
        for h, (name, ranges) in enumerate(heads):
            if p % 40 == 0:
                baseline[name] = draw(ranges)
            frame = list(baseline[name])
            if P // 2 <= p < P // 2 + P // 8:
                frame = draw(ranges)
            if 60 <= p < 70 and name in last:
                frame = list(last[name])
            if name == abstain_name and P - P // 8 <= p < P - P // 16:
                frame = list(abstain_frame)
            last[name] = frame
            fields = [f"{v:g}" for v in frame]
            if p == 20 + 7 * h:
                fields[len(fields) // 2] = "nan"
            if p == 30 + 7 * h:
                lo, hi = ranges[0]
                fields[0] = f"{hi + 1000 * (hi - lo):g}"
            if p == 40 + 7 * h:
                fields = fields[:-1]
            if p == 50 + 7 * h:
                continue
            out.write(f"{p},{name}," + ",".join(fields) + "\n")


if __name__ == "__main__":
    main()
