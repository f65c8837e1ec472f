#!/usr/bin/env python3
"""Front-end variants of an MFCC head on the same audio (docs/DATA.md, "Voice front end"): reads a
folder written by scripts/mfcc_clips.py (audio.s16, examples.csv, spec.json) and writes the same
examples (labels, groups) with other features, for `atome train --task classify`:

  scripts/mfcc_variants.py IN_HEAD_DIR OUT_DIR SEGMENTS N_CEPS MODE

MODE: raw|cmvn|cmvn-keep-c0|scene|spanD|spanDc|floorD|floorDc (D: decibels, an integer)

raw: c0..c(N_CEPS-1) averaged over SEGMENTS segments (mfcc.py, the v1 front end when 4 x 8);
cmvn: per-clip CMVN (mfcc.py cmvn=True); cmvn-keep-c0: CMVN on c1.. but c0 raw (the level cue);
scene: sound_scene's version 2 front end (mfcc.py scene(): level over the floor, c1..c5, flux,
c0_sd; N_CEPS must be 8, the channel count);
spanD: an energy endpoint detector first: the speech span runs from the first to the last frame
whose c0 is within D dB of the clip's loudest frame, the segments split only that span and CMVN
normalises over it; spanDc: the same span, CMVN over the whole clip; floorD, floorDc: the span's
ends are frames more than D dB above the clip's quietest frame (floorDc: mfcc.py endpoint_db=D,
voice's version 3 at D = 4).
SEGMENTS x N_CEPS <= 32 (the format's input).
"""

import csv
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                                "generators"))
import common  # noqa: E402
import mfcc  # noqa: E402


def endpointed(x, segments, n_ceps, rule, db, clip_stats):
    """CMVN cepstra over the speech span only (the spanD / floorD modes of the docstring)."""
    if rule == "floor" and clip_stats:
        return mfcc.mfcc(x, segments, cmvn=True, n_ceps=n_ceps, endpoint_db=db)  # voice v3
    c = mfcc.cepstra(x)[:, :n_ceps]
    if rule == "floor":
        a, b = mfcc.speech_span(c[:, 0], segments, db)
    else:  # the same widening as mfcc.speech_span, around the loud frames
        on = np.flatnonzero(c[:, 0] >= c[:, 0].max() - db * mfcc.C0_PER_DB)
        a, b = on[0], on[-1] + 1
        if b - a < segments:
            a = max(0, min(a - (segments - (b - a)) // 2, len(c) - segments))
            b = a + segments
    stats = c if clip_stats else c[a:b]
    seg = np.stack([s.mean(axis=0) for s in np.array_split(c[a:b], segments)])
    return (seg - stats.mean(axis=0)) / np.maximum(stats.std(axis=0), mfcc.SD_FLOOR)


def main():
    span = re.fullmatch(r"(span|floor)(\d+)(c?)", sys.argv[5]) if len(sys.argv) == 6 else None
    if len(sys.argv) != 6 or not (span or sys.argv[5] in ("raw", "cmvn", "cmvn-keep-c0", "scene")):
        sys.exit(__doc__.strip().splitlines()[4].strip())
    src, out, mode = sys.argv[1], sys.argv[2], sys.argv[5]
    segments, n_ceps = int(sys.argv[3]), int(sys.argv[4])
    if mode == "scene" and n_ceps != len(mfcc.scene_channels()):
        sys.exit("mfcc_variants: scene has 8 channels: N_CEPS 8")
    if not (1 <= n_ceps <= mfcc.NCEP and segments >= 1 and segments * n_ceps <= 32):
        sys.exit("mfcc_variants: need 1 <= N_CEPS <= 8 and SEGMENTS x N_CEPS <= 32")
    spec = json.load(open(os.path.join(src, "spec.json")))
    p = spec["pipeline"]["params"]
    clip = int(round(p["clip_s"] * p["fs_hz"]))
    audio = np.fromfile(os.path.join(src, "audio.s16"), dtype="<i2").reshape(-1, clip)
    raw_ch = mfcc.channels()[:n_ceps]
    cmvn_ch = mfcc.cmvn_channels(n_ceps, clip)
    chans = raw_ch if mode == "raw" else cmvn_ch if mode == "cmvn" or span else \
        mfcc.scene_channels() if mode == "scene" else [raw_ch[0]] + cmvn_ch[1:]
    lo = np.array([c[2] for c in chans])
    hi = np.array([c[3] for c in chans])
    rows = list(csv.reader(open(os.path.join(src, "examples.csv"))))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "examples.csv"), "w", newline="\n") as f:
        f.write(",".join(rows[0][:4] + [f"{c[0]}@{t}" for t in range(segments) for c in chans]) + "\n")
        for r, a in zip(rows[1:], audio):
            x = a.astype(float) / 32768.0
            if mode == "raw":
                v = mfcc.mfcc(x, segments)[:, :n_ceps]
            elif mode == "scene":
                v = mfcc.scene(x, segments)
            elif span:
                v = endpointed(x, segments, n_ceps, span[1], float(span[2]), span[3] == "c")
            else:
                v = mfcc.mfcc(x, segments, cmvn=True, n_ceps=n_ceps)
                if mode == "cmvn-keep-c0":
                    v[:, 0] = mfcc.mfcc(x, segments)[:, 0]
            v = np.clip(v, lo, hi)
            f.write(",".join(r[:4] + [common.fmt(y) for y in v.ravel()]) + "\n")
    spec["channels"] = [{"name": c[0], "unit": c[1], "min": c[2], "max": c[3]} for c in chans]
    spec["window"] = segments
    spec["pipeline"]["params"].update(segments=segments, n_ceps=n_ceps, variant=mode)
    with open(os.path.join(out, "spec.json"), "w", newline="\n") as f:
        json.dump(spec, f, indent=1)
        f.write("\n")
    print(f"{len(rows) - 1} examples, {segments} x {n_ceps} {mode} -> {out}")


if __name__ == "__main__":
    main()
