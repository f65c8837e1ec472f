#!/usr/bin/env python3
"""A recorded sensor stream for `atome apps run` (docs/APPS.md §10.5), seeded.

Usage: stream.py --head NAME=DIR [--head ...] [--periods N] [--seed S] [--event-class NAME=C]
                 [--idle-class NAME=C] [--abstain-frame NAME=v1,v2,...] > FRAMES.csv

DIR is one head's folder written by generate.py (examples.csv, spec.json): every frame is one of its
examples (a window of C x T values, time-major, in physical units), so a head trained on that data
sees the inputs it was trained for. Layout: "period,head,values..." then one row per (period, head).
The stream, per head h:
  - idle (most periods): an example of class 0 (most generators' class 0 is their quiet state:
    normal, clean, healthy, no_flow, ...; --idle-class NAME=C names another, e.g. voice's
    "unknown" or motion's "sitting", whose class 0 is not idle) held for 40 periods, then another
    one — a sensor that mostly idles repeats its reading, which exact gating skips;
  - events: periods [P/2, P/2 + P/8) draw a fresh example every period, of --event-class for that
    head (default: any class but 0);
  - faults at fixed places: a NaN (period 20 + 7h), a spike 1000 x the channel's physical range
    (period 30 + 7h), a row one value short (period 40 + 7h), a missing row (period 50 + 7h), a stuck
    sensor (periods [60 + 7h, 64 + 7h): every timestep repeats the first one, a frozen window);
  - --abstain-frame: that head is fed this frame for periods [P - P/8, P - P/16).
--check NAME=SENSOR:C adds a check head (the bad-reading classifier, bad_reading.py) fed, each
period, the last 16 readings of SENSOR's channel C: every period appends the sensor frame's T
readings of that channel (so the sensor's faults reach the check), normalised, (raw - min) /
(max - min) saturated to [-0.5, 1.5], and the row holds the reading_context pipeline's five
features of those 16 readings (reading_context.py: what the bad_reading head was trained on). A
period whose sensor row is missing or short gives no check row (its readings are unknown); a NaN
reading stays in the window (the check's frame is then NaN: no frame) until 16 newer readings push
it out. The
check row uses no random numbers: the other heads' rows are the same with or without it.
--commands adds the operator rows (docs/APPS.md §10, "Operator rows") at fixed periods: typed
requests P,@command,"TEXT" (CSV-quoted, "" for a quote) for the text heads — a status query and
a turn-on early (NORMAL), a turn-on during the event (ALERT: refused), a stop-all at 3P/4 (SAFE,
latched), a turn-on right after it (refused in SAFE), a request with a comma and quotes — and
P,@resume twenty periods after the stop: the heads have no "resume" class, so resuming is the
operator's explicit row, never a classifier's guess. No random numbers: the other rows are the
same with or without them.
Only the Python standard library (and reading_context.py beside it): reproducible anywhere.
"""
import argparse
import csv
import json
import os
import random
import sys

import reading_context  # stdlib only, beside this file: the check head's features

META = ("label", "site", "subject", "device")


def load(folder):
    with open(os.path.join(folder, "spec.json")) as f:
        spec = json.load(f)
    by_class = {}
    with open(os.path.join(folder, "examples.csv")) as f:
        rows = csv.reader(f)
        header = next(rows)
        cols = [i for i, n in enumerate(header) if n not in META]
        for r in rows:
            by_class.setdefault(int(r[header.index("label")]), []).append([r[i] for i in cols])
    return spec, by_class


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--head", action="append", required=True, help="NAME=generate.py head folder")
    ap.add_argument("--periods", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--event-class", action="append", default=[], help="NAME=class index")
    ap.add_argument("--idle-class", action="append", default=[], help="NAME=class index")
    ap.add_argument("--abstain-frame", default="", help="NAME=v1,v2,...")
    ap.add_argument("--check", action="append", default=[], help="NAME=SENSOR:CHANNEL")
    ap.add_argument("--commands", action="store_true", help="add the operator rows")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    heads = []
    for spec in a.head:
        name, folder = spec.split("=", 1)
        heads.append((name,) + load(folder))
    event_class = {k: int(v) for k, v in (e.split("=", 1) for e in a.event_class)}
    idle_class = {k: int(v) for k, v in (e.split("=", 1) for e in a.idle_class)}
    abstain_name, abstain_frame = "", []
    if a.abstain_frame:
        abstain_name, values = a.abstain_frame.split("=", 1)
        abstain_frame = values.split(",")

    checks = []  # (name, sensor, channel, readings so far)
    for c in a.check:
        name, target = c.split("=", 1)
        sensor, channel = target.split(":", 1)
        checks.append((name, sensor, int(channel), []))

    P = a.periods
    out = sys.stdout
    out.write("period,head,values...\n")
    idle = {}
    ops = operator_rows(P) if a.commands else {}
    for p in range(P):
        for op in ops.get(p, []):
            out.write(f"{p},{op}\n")
        for h, (name, spec, by_class) in enumerate(heads):
            if p % 40 == 0:
                idle[name] = rng.choice(by_class[idle_class.get(name, 0)])
            frame = list(idle[name])
            if P // 2 <= p < P // 2 + P // 8:
                quiet = idle_class.get(name, 0)
                c = event_class.get(name, rng.choice(sorted(k for k in by_class if k != quiet)))
                frame = list(rng.choice(by_class[c]))
            C = len(spec["channels"])
            if 60 + 7 * h <= p < 64 + 7 * h:
                frame = frame[:C] * (len(frame) // C)
            if name == abstain_name and P - P // 8 <= p < P - P // 16:
                frame = list(abstain_frame)
            if p == 20 + 7 * h:
                frame[len(frame) // 2] = "nan"
            if p == 30 + 7 * h:
                ch = spec["channels"][0]
                frame[0] = f"{ch['max'] + 1000 * (ch['max'] - ch['min']):g}"
            if p == 40 + 7 * h:
                frame = frame[:-1]
            if p == 50 + 7 * h:
                frame = None
            for check in checks:
                if check[1] == name:
                    write_check(out, p, check, spec, frame)
            if frame is not None:
                out.write(f"{p},{name}," + ",".join(frame) + "\n")


WINDOW = reading_context.WINDOW  # bad_reading.py's 16 readings


def operator_rows(P):
    """{period: [row text after "P,"]} for --commands."""
    def cmd(text):
        return '@command,"' + text.replace('"', '""') + '"'
    stop = 3 * P // 4
    return {
        P // 40: [cmd("what is the temperature")],
        P // 40 + 5: [cmd("turn on the motor")],
        P // 2 + P // 16: [cmd("turn on the motor")],
        P // 2 + P // 16 + 2: [cmd('say "hi", please')],
        stop: [cmd("emergency stop now"), cmd("turn on the motor")],
        stop + 5: [cmd("set the fan to 40")],
        stop + 20: ["@resume"],
        stop + 30: [cmd("turn on the motor")],
    }


def write_check(out, p, check, spec, frame):
    """The check head's row for period p from its sensor's frame (None: no row)."""
    name, _, c, readings = check
    C = len(spec["channels"])
    if frame is None or len(frame) % C != 0:
        return
    lo, hi = spec["channels"][c]["min"], spec["channels"][c]["max"]
    for v in frame[c::C]:
        x = float(v)
        readings.append(x if x != x else min(1.5, max(-0.5, (x - lo) / (hi - lo))))
    del readings[:-WINDOW]
    if len(readings) == WINDOW:
        if any(x != x for x in readings):
            values = ["nan"] * len(reading_context.NAMES)
        else:
            q = [reading_context.to_q24(x) for x in readings]
            values = map(str, reading_context.features(q))
        out.write(f"{p},{name}," + ",".join(values) + "\n")


if __name__ == "__main__":
    main()
