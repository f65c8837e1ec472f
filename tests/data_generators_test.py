#!/usr/bin/python3
"""Checks of the classifier data generators (data/generators/, docs/DATA.md) at --scale small.

    tests/data_generators_test.py WORKDIR [--heads a,b]

1. determinism: two runs with the same seed give byte-identical examples.csv and spec.json;
2. every head's CSV matches its spec: header (label, site, subject, device, <channel>@<t>
   time-major), column count, <= 32 features, 3..8 classes, labels in range, every class present,
   finite values within the channels' physical limits;
3. the spec's group_by column has >= 3 distinct ids;
4. not trivially separable: for every single feature, the best classifier that cuts that feature
   into 16 intervals (quantile bins, majority class per bin, fitted on half of the groups and scored
   on the other half) stays below 0.90 accuracy; the best per head is printed;
5. label balance: every class holds 0.8..1.2 x n / classes examples;
6. text heads (pipeline "bytes"): every example is printable ASCII of 1..32 bytes, left-padded with
   byte 0 (no 0 after the first non-zero byte), and held-out writers are unseen phrasings: at most
   half of the requests of the odd-numbered writers occur verbatim among the even-numbered ones',
   and the 30 writers of --scale full have 30 distinct phrasing families (frame x tail pairs).
7. device references (common.side_rng): drawing from the side stream leaves the head's own stream
   where it was, and the side stream is not the head's; the anomaly head's healthy windows read
   about 0 decades against the machine's commissioning baseline (median |log10(E/E0)| < 0.3) while
   its faults rise above it; os_telem's normal devices read about 0 against their day-one
   references (RSSI, die temperature, loop latency) while wifi_degraded's RSSI drops by > 10 dB and
   overheating's die runs > 10 K over its own.
8. the voice front end (mfcc.py cmvn=True): a clip 12 dB quieter gives the same features (CMVN
   removes a channel's gain) while raw c0 moves by 26 ln 16 / sqrt 26, and every feature stays
   within the documented limit sqrt(frames - 1). The sound_scene front end (mfcc.py scene(),
   version 2) on exact inputs: a steady tone whose period divides the hop has level, flux and c0
   deviation 0 in every segment; after 0.25 s of silence its last segment's level is exactly the
   tone's c0 over the silence's; a 12 dB gain leaves level, flux and c0_sd of a noisy clip alone.
   The voice endpoint (version 3, mfcc.speech_span): a tone from sample 3200 to 9600 between
   digital silence spans exactly frames 18..59 (those holding a tone sample); a 3-frame click is
   widened to 8 frames around it; a silent clip spans all; a 12 dB gain of a tone in noise leaves
   the endpointed features alone.
   labels_true.csv (the class each example was drawn from, before the annotation noise) has one
   row per example and differs from the annotated label on about label_noise x (C - 1) / C of
   them.
9. derived features on exact inputs (generator version 2 of forecast, occupancy, agri): the
   occupancy mass balance, fed a noise-free room, gives back its people as a share of capacity
   (within 1e-6); the forecast trend, fed a noise-free exponential degradation, gives back its rate
   and the hours left to the alarm level (within 1 %); the agri step score is 0 on a steady
   station and log2(1 + 10) for a jump of 10 times a channel's MAX_RATE.
10. air (version 3) and wearable (version 2) read-outs on exact inputs: clean air reads a gas rise
   of 0 at every step whatever the sensor's ageing, temperature and humidity (the datasheet
   compensation undoes the model's T/RH factors), a leak from 300 to 400 ppm LPG-equivalent reads
   log10(1 + 100 / 10), the CO2 excess is the reading less the baseline; the heart-rate reserve is 0
   at the resting rate and 1 at HR_max, and the perfusion 0 at the reference.
The voice head needs espeak-ng and sox and is left out by default (its generator is run by
scripts, not by this test). Needs python3-numpy.
"""

import argparse
import csv
import filecmp
import json
import math
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "data", "generators", "generate.py")
HEADS = ["agri", "motion", "sound_scene", "anomaly", "air", "os_telem", "power", "occupancy",
         "wearable", "water", "forecast", "command_intent", "bad_reading", "intent_bucket"]
STUMP_MAX = 0.90
VERBATIM_MAX = 0.5
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def generate(out, heads, seed):
    subprocess.run([sys.executable, GEN, "--out", out, "--heads", ",".join(heads), "--seed",
                    str(seed), "--scale", "small"], check=True, stdout=subprocess.DEVNULL)


def best_single_feature(x, y, g):
    """Best held-out accuracy of a 16-interval classifier on one feature (fit on the even groups,
    score on the odd ones)."""
    ids = np.unique(g)
    tr = np.isin(g, ids[::2])
    te = ~tr
    best = 0.0
    k = int(y.max()) + 1
    for j in range(x.shape[1]):
        edges = np.unique(np.quantile(x[tr, j], np.linspace(0, 1, 17)[1:-1]))
        btr, bte = np.searchsorted(edges, x[tr, j]), np.searchsorted(edges, x[te, j])
        counts = np.zeros((len(edges) + 1, k))
        np.add.at(counts, (btr, y[tr]), 1)
        pred = counts.argmax(axis=1)
        best = max(best, float(np.mean(pred[bte] == y[te])))
    return best


def check_text(head, x, g):
    """Byte layout of a text head and unseen phrasings in held-out writers."""
    texts = []
    for row in x.astype(int):
        nz = np.flatnonzero(row)
        ok = len(nz) >= 1 and np.all(row[nz[0]:] != 0) and np.all((row[nz] >= 32) & (row[nz] < 127))
        if not check(ok, f"{head}: a request is not left-padded printable ASCII: {row.tolist()}"):
            return
        texts.append(bytes(row[nz[0]:].tolist()).decode("ascii"))
    ids = np.unique(g)
    seen = {t for t, gi in zip(texts, g) if gi in ids[::2]}
    held = [t for t, gi in zip(texts, g) if gi in ids[1::2]]
    verbatim = sum(t in seen for t in held) / len(held)
    check(verbatim <= VERBATIM_MAX, f"{head}: {verbatim:.2f} of held-out writers' requests occur "
          f"verbatim in the other writers' (want <= {VERBATIM_MAX})")
    print(f"{head}: {verbatim:.3f} of held-out writers' requests seen verbatim; e.g. {texts[:3]}")
    sys.path.insert(0, os.path.dirname(GEN))
    import common
    import text_common
    module = __import__(head)
    writers = text_common.draw_writers(common.head_rng(7, head), common.SCALES["full"][1], module.SYN)
    families = {(w["frame"], w["tail"]) for w in writers}
    check(len(families) == len(writers), f"{head}: {len(writers)} writers share "
          f"{len(families)} phrasing families (want one each)")


def check_true_labels(d, head, spec, y):
    """labels_true.csv: one class per example, equal to the annotated label except on about the
    spec's label_noise fraction x (C - 1) / C of the rows (a flip draws any class, itself too)."""
    path = os.path.join(d, head, "labels_true.csv")
    with open(path) as f:
        rows = list(csv.reader(f))
    check(rows and rows[0] == ["label_true"], f"{head}: labels_true.csv header")
    t = np.array([int(r[0]) for r in rows[1:]])
    check(len(t) == len(y), f"{head}: labels_true.csv has {len(t)} rows for {len(y)} examples")
    if len(t) != len(y):
        return
    ncls = len(spec["classes"])
    check(t.min() >= 0 and t.max() < ncls, f"{head}: a true label out of range")
    expect = spec["label_noise"] * (ncls - 1) / ncls * len(y)
    moved = int(np.sum(t != y))
    TRUE_LABEL_MOVES.append((moved, expect))
    # Binomial: within 4 standard deviations of the expected count (main() checks the total).
    check(abs(moved - expect) <= 4 * math.sqrt(expect) + 1,
          f"{head}: {moved} annotated labels differ from the true ones (expected about {expect:.1f})")


TRUE_LABEL_MOVES = []  # (moved, expected) per head checked


def check_true_label_total():
    """Pooled over the heads (a small-scale head expects only ~3 moves, so 0 can happen by chance
    in one head; in the total it cannot): within 4 standard deviations and above 0."""
    moved = sum(m for m, _ in TRUE_LABEL_MOVES)
    expect = sum(e for _, e in TRUE_LABEL_MOVES)
    check(moved > 0 and abs(moved - expect) <= 4 * math.sqrt(expect) + 1,
          f"labels_true.csv: {moved} labels moved by the annotation noise over the heads "
          f"(expected about {expect:.1f})")


def check_head(d, head):
    with open(os.path.join(d, head, "spec.json")) as f:
        spec = json.load(f)
    chans, T = spec["channels"], spec["window"]
    C = len(chans)
    ncls = len(spec["classes"])
    check(spec["head"] == head, f"{head}: spec head is {spec['head']}")
    check(3 <= ncls <= 8, f"{head}: {ncls} classes (want 3..8)")
    check(C * T <= 32, f"{head}: {C}x{T} = {C * T} features (want <= 32)")
    text = spec["pipeline"].get("name") == "bytes"
    check(spec["sample_rate_hz"] > 0 or text, f"{head}: sample_rate_hz")
    check(spec["group_by"] in ("site", "subject", "device"), f"{head}: group_by {spec['group_by']}")
    check("name" in spec["pipeline"] and "params" in spec["pipeline"], f"{head}: pipeline")
    for key in ("seed", "version"):
        check(key in spec["generator"], f"{head}: generator.{key}")
    want = ["label", "site", "subject", "device"] + [f"{c['name']}@{t}" for t in range(T) for c in chans]
    with open(os.path.join(d, head, "examples.csv")) as f:
        rows = list(csv.reader(f))
    check(rows[0] == want, f"{head}: header differs from the spec (time-major <channel>@<t>)")
    body = rows[1:]
    check(len(body) >= 100, f"{head}: only {len(body)} examples")
    check(all(len(r) == len(want) for r in body), f"{head}: a row has the wrong column count")
    a = np.array([[float(v) for v in r] for r in body])
    y = a[:, 0].astype(int)
    check(np.all(a[:, 0] == y) and y.min() >= 0 and y.max() < ncls, f"{head}: label out of range")
    check(len(np.unique(y)) == ncls, f"{head}: a class has no example")
    x = a[:, 4:]
    check(np.all(np.isfinite(x)), f"{head}: non-finite feature")
    lo = np.tile([c["min"] for c in chans], T)
    hi = np.tile([c["max"] for c in chans], T)
    bad = np.argwhere((x < lo) | (x > hi))
    check(len(bad) == 0, f"{head}: {len(bad)} values outside the channel limits" +
          (f" (first: row {bad[0][0] + 2}, column {want[4 + bad[0][1]]})" if len(bad) else ""))
    for c in chans:
        check(math.isfinite(c["min"]) and c["min"] < c["max"], f"{head}: channel {c['name']} limits")
    g = a[:, want.index(spec["group_by"])].astype(int)
    ng = len(np.unique(g))
    check(ng >= 3, f"{head}: {ng} distinct {spec['group_by']} ids (want >= 3)")
    for col in ("site", "subject", "device"):
        v = a[:, want.index(col)]
        check(np.all(v == np.round(v)) and v.min() >= 0, f"{head}: group column {col} not integer ids")
    counts = np.bincount(y, minlength=ncls)
    check(counts.min() >= 0.8 * len(y) / ncls and counts.max() <= 1.2 * len(y) / ncls,
          f"{head}: class counts {counts.tolist()} not balanced (0.8..1.2 x n / classes)")
    if text:
        check_text(head, x, g)
    check_true_labels(d, head, spec, y)
    stump = best_single_feature(x, y, g)
    check(stump < STUMP_MAX, f"{head}: one feature alone reaches {stump:.3f} (>= {STUMP_MAX})")
    print(f"{head}: {len(body)} examples, {C}x{T} features, {ncls} classes, {ng} {spec['group_by']}s, "
          f"best single feature {stump:.3f}")


def check_side_rng():
    sys.path.insert(0, os.path.join(ROOT, "data", "generators"))
    import common
    a, b = common.head_rng(7, "x"), common.head_rng(7, "x")
    side = common.side_rng(a)
    side_draws = side.random(5)
    check(np.array_equal(a.random(5), b.random(5)), "side_rng advanced the head's own stream")
    check(not np.array_equal(side_draws, common.head_rng(7, "x").random(5)),
          "side_rng gives the head's own draws")


def check_cmvn():
    sys.path.insert(0, os.path.join(ROOT, "data", "generators"))
    import mfcc
    rng = np.random.default_rng(3)
    t = np.arange(mfcc.FS) / mfcc.FS
    # a vowel-like tone complex that switches pitch half-way, in a little noise
    f0 = np.where(t < 0.5, 180, 240)
    x = 0.3 * np.sin(2 * np.pi * f0 * t * 3) + 0.01 * rng.normal(size=len(t))
    loud = mfcc.mfcc(x, 8, cmvn=True, n_ceps=4)
    quiet = mfcc.mfcc(x / 4, 8, cmvn=True, n_ceps=4)
    check(np.max(np.abs(loud - quiet)) < 1e-6, f"cmvn: a 12 dB gain moves the features by "
          f"{np.max(np.abs(loud - quiet)):.2e}")
    shift = mfcc.mfcc(x, 8)[:, 0] - mfcc.mfcc(x / 4, 8)[:, 0]
    check(np.allclose(shift, 26 * np.log(16) / np.sqrt(26), atol=1e-6), "raw c0 gain shift")
    lim = mfcc.cmvn_channels(4, len(x))[0][3]
    check(np.max(np.abs(loud)) <= lim, f"cmvn: a feature beyond +-{lim}")
    check_speech_span(mfcc, x)


def check_speech_span(mfcc, x):
    burst = np.zeros(mfcc.FS)
    burst[3200:9600] = x[3200:9600]  # frame f holds samples 160 f .. 160 f + 399
    span = mfcc.speech_span(mfcc.cepstra(burst)[:, 0], 8, 4)
    check(span == (18, 60), f"speech_span: tone in frames 18..59 found as {span}")
    click = np.zeros(mfcc.FS)
    click[8000:8100] = 0.5  # in frames 48..50 (the whole of it in 49 and 50)
    span = mfcc.speech_span(mfcc.cepstra(click)[:, 0], 8, 4)
    check(span == (46, 54), f"speech_span: a 3-frame click widened to {span}, not (46, 54)")
    span = mfcc.speech_span(mfcc.cepstra(np.zeros(mfcc.FS))[:, 0], 8, 4)
    check(span == (0, 98), f"speech_span: silence spans {span}, not the whole clip")
    quiet = np.zeros(mfcc.FS) + 0.002 * np.random.default_rng(5).normal(size=mfcc.FS)
    quiet[3200:9600] += x[3200:9600]
    loud = mfcc.mfcc(quiet, 8, cmvn=True, n_ceps=4, endpoint_db=4)
    soft = mfcc.mfcc(quiet / 4, 8, cmvn=True, n_ceps=4, endpoint_db=4)
    check(np.max(np.abs(loud - soft)) < 1e-6, "endpoint: a 12 dB gain moves the features by "
          f"{np.max(np.abs(loud - soft)):.2e}")


def check_scene():
    import mfcc
    n = mfcc.FS // 2
    tone = 0.25 * np.sin(2 * np.pi * np.arange(n) / 160)  # 100 Hz: every frame the same samples
    v = mfcc.scene(tone, 4)
    check(np.max(np.abs(v[:, [0, 6, 7]])) < 1e-9, "scene: a steady tone has level/flux/sd 0")
    half = np.where(np.arange(n) >= 4000, tone, 0.0)
    h = mfcc.scene(half, 4)
    want = mfcc.mfcc(tone, 4)[3, 0] - mfcc.mfcc(np.zeros(n), 4)[0, 0]
    check(abs(h[3, 0] - want) < 1e-9 and np.max(np.abs(h[0, [0, 6, 7]])) < 1e-9,
          f"scene: the tone's level over silence {h[3, 0]:.4f}, want {want:.4f}")
    rng = np.random.default_rng(4)
    x = 0.01 * rng.normal(size=n) + np.where(np.arange(n) > 4000, 0.3 * np.sin(np.arange(n) * 0.9), 0)
    loud, quiet = mfcc.scene(x, 4), mfcc.scene(x / 4, 4)
    d = np.max(np.abs((loud - quiet)[:, [0, 6, 7]]))
    check(d < 1e-6, f"scene: a 12 dB gain moves level/flux/c0_sd by {d:.2e}")


def check_anomaly_baseline(d):
    with open(os.path.join(d, "anomaly", "examples.csv")) as f:
        rows = np.array([[float(v) for v in r] for r in list(csv.reader(f))[1:]])
    y, x = rows[:, 0].astype(int), rows[:, 4:]
    healthy = np.median(np.abs(x[y == 0]))
    check(healthy < 0.3, f"anomaly: healthy windows {healthy:.2f} decades from the baseline")
    for k in (1, 3):  # imbalance, looseness raise the low bands
        check(np.median(x[y == k].max(axis=1)) > 0.5, f"anomaly: class {k} not above its baseline")


def check_os_telem_reference(d):
    """os_telem version 2: a normal device reads about 0 against its own day-one references (RSSI,
    die temperature, loop latency), while a degraded link and an overheating device stand off."""
    with open(os.path.join(d, "os_telem", "examples.csv")) as f:
        reader = csv.reader(f)
        head = next(reader)
        rows = np.array([[float(v) for v in r] for r in reader])
    y = rows[:, 0].astype(int)

    def col(name, cls):
        return np.median(rows[y == cls][:, [i for i, h in enumerate(head) if h.startswith(name + "@")]])

    check(abs(col("rssi_drop", 0)) < 3 and abs(col("latency_ratio", 0)) < 0.5
          and abs(col("temp_excess", 0)) < 5,
          f"os_telem: normal reads rssi_drop {col('rssi_drop', 0):.1f} dB, latency_ratio "
          f"{col('latency_ratio', 0):.2f}, temp_excess {col('temp_excess', 0):.1f} K, not about 0")
    check(col("rssi_drop", 3) < -10, f"os_telem: wifi_degraded rssi_drop {col('rssi_drop', 3):.1f} dB")
    check(col("temp_excess", 2) > 10, f"os_telem: overheating temp_excess {col('temp_excess', 2):.1f} K")


def check_derived():
    sys.path.insert(0, os.path.join(ROOT, "data", "generators"))
    import agri
    import forecast
    import occupancy
    room = {"ach_hat": 2.0, "vol_hat": 120.0, "night": 420.0, "cap": 20}
    q = 2.0 * 120.0 * 1000 / 3600
    n, c, co2 = 7, 600.0, []
    for _ in range(6):  # the exact per-10-s balance of the generator, 5 minutes per reading
        for _ in range(30):
            c += 10 * (n * occupancy.G_L_S * 1e6 - q * (c - 420.0)) / (120.0 * 1000)
        co2.append(c)
    _, occ = occupancy._mass_balance(np.array(co2), 600.0, room)
    # the generator steps in 10 s; the estimator assumes the continuous solution: 1e-3 apart
    check(np.allclose(occ, n / 20, atol=2e-3), f"occupancy: mass balance gives {occ} for {n / 20}")
    beta, b0, alarm = 0.005, 2.0, 9.0
    h = np.arange(300)  # above the floor (FLOOR x margin) from the start: an exact exponential
    u = b0 + 0.2 * np.exp(beta * h)
    f = forecast._trend_features(u, b0, alarm, [299])[0]
    left = (np.log(alarm - b0) - np.log(u[299] - b0)) / beta
    check(abs(f[1] / beta - 1) < 0.01 and abs(10 ** f[2] / left - 1) < 0.01,
          f"forecast: trend {f[1]:.5f} (want {beta}), time to alarm {10 ** f[2]:.1f} h (want {left:.1f})")
    site = {"fc_read": 30.0}
    steady = np.tile([20.0, 15.0, 60.0, 14.0, 0.0], (6, 1))
    check(np.all(agri._derived(steady, site)[:, 3] == 0), "agri: step score of a steady station")
    jump = steady.copy()
    jump[3:, 1] += 10 * agri.MAX_RATE[1]
    check(np.isclose(agri._derived(jump, site)[3, 3], np.log2(11)), "agri: step score of a jump")


def check_readouts():
    sys.path.insert(0, os.path.join(ROOT, "data", "generators"))
    import air
    import wearable

    def mq2(ppm, temp, hum, ageing):  # the generator's noise-free forward model of the MQ-2
        rs_r0 = 9.8 * (ppm / 300.0) ** (-0.47) * (1 - 0.006 * (hum - 33)) * (1 - 0.01 * (temp - 20))
        return np.log10(rs_r0 * (1 + ageing))

    temp, hum = np.linspace(18, 28, 6), np.linspace(25, 70, 6)
    for ageing in (-0.1, 0.0, 0.1):
        raw = np.stack([mq2(np.full(6, 300.0), temp, hum, ageing), np.full(6, 900.0), np.zeros(6),
                        temp, hum], axis=1)
        out = air.derive(raw, 450.0)
        check(np.allclose(out[:, 3], 0, atol=1e-9), f"air: clean air reads a gas rise {out[:, 3]}")
        check(np.allclose(out[:, 1], 450.0), "air: co2_excess is not the reading less the baseline")
    ppm = np.array([300.0] * 3 + [400.0] * 3)
    raw = np.stack([mq2(ppm, temp, hum, 0.0), np.full(6, 900.0), np.zeros(6), temp, hum], axis=1)
    check(np.isclose(air.derive(raw, 450.0)[5, 3], np.log10(11)), "air: a 100 ppm leak's gas rise")
    s = {"hr_rest_cal": 60.0, "hr_max": 180.0, "pi_cal": 2.0}
    raw = np.array([[60.0, 40.0, 0.02, 2.0], [180.0, 10.0, 1.0, 4.0]])
    out = wearable.readout(raw, s)
    check(np.allclose(out[:, 4], [0, 1]) and np.isclose(out[0, 3], 0) and np.isclose(out[1, 2], 0),
          f"wearable: read-out {out}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("--heads", default=",".join(HEADS))
    a = ap.parse_args()
    heads = a.heads.split(",")
    d1, d2 = os.path.join(a.workdir, "run1"), os.path.join(a.workdir, "run2")
    generate(d1, heads, 7)
    generate(d2, heads, 7)
    for h in heads:
        for f in ("examples.csv", "spec.json"):
            check(filecmp.cmp(os.path.join(d1, h, f), os.path.join(d2, h, f), shallow=False),
                  f"{h}/{f}: two runs with seed 7 differ")
        check_head(d1, h)
    check_true_label_total()
    check_side_rng()
    check_cmvn()
    check_scene()
    check_derived()
    check_readouts()
    if "anomaly" in heads:
        check_anomaly_baseline(d1)
    if "os_telem" in heads:
        check_os_telem_reference(d1)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print(f"all checks passed for {len(heads)} heads")


if __name__ == "__main__":
    main()
