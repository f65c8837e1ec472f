#!/usr/bin/env python3
"""Generates an MFCC head's data (data/generators: sound_scene or voice) and keeps the audio:
the clips are quantised to int16 (what a device's ADC delivers) and the float features of the
training data are computed by mfcc.py from the SAME quantised audio, so that comparing them with
the fixed-point front end (apps/mfcc.cpp) measures the front end alone.

  scripts/mfcc_clips.py --head sound_scene --out DIR [--scale small] [--seed 1]

Writes DIR/<head>/spec.json and examples.csv (as generate.py does) and DIR/<head>/audio.s16 (the
clips in example order, int16 little-endian, all the same length).
"""

import argparse
import importlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                                "generators"))
import common  # noqa: E402
import mfcc  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--head", default="sound_scene", choices=["sound_scene", "voice"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", default="small", choices=sorted(common.SCALES))
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    clips = []

    def recording(original):
        def front_end(x, segments, **kw):
            q = np.clip(np.round(np.asarray(x) * 32768.0), -32768, 32767).astype("<i2")
            clips.append(q)
            return original(q.astype(float) / 32768.0, segments, **kw)
        return front_end

    mfcc.mfcc = recording(mfcc.mfcc)  # voice
    mfcc.scene = recording(mfcc.scene)  # sound_scene (version 2)
    module = importlib.import_module(a.head)
    n = common.write_head(module, a.out, a.seed, a.scale)
    assert len(clips) == n, (len(clips), n)
    with open(os.path.join(a.out, a.head, "audio.s16"), "wb") as f:
        for c in clips:
            f.write(c.tobytes())
    print(f"{a.head}: {n} clips of {len(clips[0])} samples -> {os.path.join(a.out, a.head)}")


if __name__ == "__main__":
    main()
