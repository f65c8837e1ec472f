#!/usr/bin/python3
"""Writes the classifier data of the 12 domains and the 3 task heads: OUT/<head>/examples.csv and OUT/<head>/spec.json.

    data/generators/generate.py --out DIR [--heads a,b] [--seed N] [--scale small|full|large]
                                [--label-noise F]

Layout and per-head physics: docs/DATA.md. The same seed and scale give byte-identical files.
"""

import argparse
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

HEADS = ["agri", "voice", "motion", "sound_scene", "anomaly", "air", "os_telem", "power",
         "occupancy", "wearable", "water", "forecast",
         # the task classifiers (issue 15): text commands, sensor-reading validity, request buckets
         "command_intent", "bad_reading", "intent_bucket"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output folder (one subfolder per head)")
    ap.add_argument("--heads", default=",".join(HEADS), help="comma-separated heads (default: all %d)" % len(HEADS))
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--scale", choices=sorted(common.SCALES), default="full",
                    help="small: %d examples per head (tests); full: %d; large: %d (the classifier "
                    "report)" % (common.SCALES["small"][0], common.SCALES["full"][0],
                                 common.SCALES["large"][0]))
    ap.add_argument("--label-noise", type=float, default=None,
                    help="annotation error: the fraction of labels replaced by a uniformly drawn "
                    "class (default: each head's own, %g for the 12 domain heads)" % common.ANNOTATION_NOISE)
    a = ap.parse_args()
    if a.label_noise is not None and not 0.0 <= a.label_noise <= 1.0:
        ap.error("--label-noise must be in [0, 1]")
    heads = [h for h in a.heads.split(",") if h]
    for h in heads:
        if h not in HEADS:
            ap.error(f"unknown head '{h}' (known: {', '.join(HEADS)})")
    os.makedirs(a.out, exist_ok=True)
    for h in heads:
        t0 = time.time()
        n = common.write_head(importlib.import_module(h), a.out, a.seed, a.scale, a.label_noise)
        print(f"{h}: {n} examples in {time.time() - t0:.1f} s -> {os.path.join(a.out, h)}",
              flush=True)


if __name__ == "__main__":
    main()
