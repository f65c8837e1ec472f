#!/usr/bin/python3
"""The derived channels a node computes from its raw readings and installation references
(apps/telemetry_readout.cpp, wearable_readout.cpp, room_balance.cpp, air_readout.cpp,
agri_readout.cpp, trend_alarm.cpp: integer, on the device)
against the Python generators that made the heads' training data (os_telem.py, wearable.py and
occupancy.py, agri.py and forecast.py version 2, air.py version 3), on every example of
`generate.py --heads HEAD --scale SCALE --seed 1`.

The generators are rerun with their reference and raw-reading functions wrapped (nothing they
draw or write changes: the features rebuilt here are checked equal to examples.csv's), the raw
readings and references are put in the device's integer units, and the driver's outputs are
compared three ways: the largest error of each derived channel against the generator's double
value; the tokens of a q15 head trained on that data (`atome train --task classify`, seed 1, as
scripts/apps_all_heads.py trains the app's heads) from the generator's features and from the
device's, per channel; and that head's class from each (`atome classify --csv`).

    scripts/derived-agreement.py DRIVER ATOME [--scale small|full] [--heads os_telem,...]

DRIVER: tests/apps_derived_features.cpp. Exit 77 without numpy.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
gen_dir = os.path.join(repo, "data", "generators")
sys.path.insert(0, gen_dir)
try:
    import numpy as np
except ImportError:
    print("python3-numpy missing")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)
import common  # noqa: E402

Q = 65536.0
SEED = 1


def q16(v):
    return np.rint(np.asarray(v, dtype=float) * Q).astype(np.int64)


def capture(module, wraps):
    """Runs module.generate as write_head does, with module-level functions wrapped to record
    what they return (or get). wraps: {name: recorder(orig) -> replacement}. Returns (x, groups)."""
    saved = {k: getattr(module, k) for k in wraps}
    try:
        for k, w in wraps.items():
            setattr(module, k, w(saved[k]))
        n, n_groups = common.SCALES[ARGS.scale]
        _, groups, x = module.generate(common.head_rng(SEED, module.HEAD), n, n_groups)
    finally:
        for k, v in saved.items():
            setattr(module, k, v)
    return x, groups


# Each head: (generator module, derived channel indices, a function giving the driver's input
# lines per example and timestep, error bounds per derived channel in the channel's unit).

def os_telem_inputs():
    import os_telem as m
    devs = []
    x, groups = capture(m, {"_device": lambda f: lambda r, i, ref: devs.append(f(r, i, ref)) or devs[-1]})
    g = groups["device"]
    lines = []
    for i in range(len(x)):
        d = devs[g[i]]
        t_ref, r_ref, l_ref = d["t_ref"], d["rssi_ref"], d["lat_ref"]
        for t in range(m.WINDOW):
            # the raw readings: the generator's channels plus its references (lat: min(lat, 1 s))
            temp, rssi = x[i, t, 1] + t_ref, x[i, t, 2] + r_ref
            lat_ms = l_ref * 2.0 ** x[i, t, 4]
            lines.append(f"{q16(t_ref)} {q16(r_ref)} {int(np.rint(l_ref * 1000))} "
                         f"{q16(temp)} {q16(rssi)} {int(np.rint(lat_ms * 1000))}")
    # temperature and RSSI: two Q16 input roundings; latency: the log table (2 x 2^-14 in log2)
    # and the microsecond rounding of a >= 5 ms latency (0.5 us: < 1.5e-4 in log2)
    return m, [1, 2, 4], x, lines, [1.5 / Q, 1.5 / Q, 5e-4]


def wearable_inputs():
    import wearable as m
    subs, raws = [], []
    x, groups = capture(m, {
        "_subject_v2": lambda f: lambda r, gid, ref: subs.append(f(r, gid, ref)) or subs[-1],
        "_example": lambda f: lambda r, c, s: raws.append(f(r, c, s)) or raws[-1]})
    g = groups["subject"]
    lines = []
    for i in range(len(x)):
        s, raw = subs[g[i]], raws[i]
        for t in range(m.WINDOW):
            hr, _, acc, pi = raw[t]
            lines.append(f"{q16(s['hr_rest_cal'])} {q16(s['age'])} {q16(s['pi_cal'])} "
                         f"{q16(hr)} {q16(acc)} {q16(pi)}")
    # logs: the Q16 input rounding of an RMS >= 0.01 g or a PI >= 0.2 % (< 3.4e-4 decades) and the
    # table (2^-14 x log10 2 per log); the reserve: the Q16 roundings over a >= 60 bpm reserve
    return m, [2, 3, 4], x, lines, [5e-4, 1e-3, 1e-5]


def occupancy_inputs():
    import occupancy as m
    rooms, balances = [], []
    x, groups = capture(m, {
        "_refs": lambda f: lambda s, ref: rooms.append(f(s, ref)) or rooms[-1],
        "_mass_balance": lambda f: lambda co2, c_prev, s: balances.append((co2.copy(), c_prev)) or f(co2, c_prev, s)})
    g = groups["site"]
    lines = []
    for i in range(len(x)):
        s, (co2, c_prev) = rooms[g[i]], balances[i]
        prev = np.concatenate([[c_prev], co2[:-1]])
        head = f"{q16(s['night'])} {q16(s['ach_hat'])} {q16(s['vol_hat'])} {s['cap']} {q16(s['floor'])} 300"
        for t in range(m.WINDOW):
            lines.append(f"{head} {q16(prev[t])} {q16(co2[t])} {q16(x[i, t, 3] + s['floor'])}")
    # co2 and sound: two Q16 roundings; occupancy: the Q16 CO2 readings amplified by 1 / (1 - a)
    # (x24 at 0.5 ACH) and the people-per-ppm gain (~1e-4 per ppm): far below 1e-3 of capacity
    return m, [1, 2, 3], x, lines, [1.5 / Q, 1e-3, 1.5 / Q]


def air_inputs():
    import air as m
    raws = []
    x, groups = capture(m, {"derive": lambda f: lambda raw, base: raws.append((raw.copy(), base)) or f(raw, base)})
    lines = []
    for raw, base in raws:
        lines.append(f"{q16(base)} {len(raw)} " + " ".join(str(v) for v in q16(raw).reshape(-1)))
    # co2 and voc_rise: two Q16 roundings; gas_rise: the logs of the T/RH factors and of Rs/R0
    # (~2^-15 each) times 1 / 0.47 and ln 10 on the ppm (~5e-4 relative: 0.15 ppm at 300 ppm),
    # at most 0.15 / (10 ln 10) in the signed log near d = 0; less further out
    return m, [1, 3, 4], x, lines, [1.5 / Q, 0.01, 1.5 / Q]


def agri_inputs():
    import agri as m
    raws = []
    x, groups = capture(m, {"_derived": lambda f: lambda raw, s: raws.append((raw.copy(), s["fc_read"])) or f(raw, s)})
    lines = [f"{q16(fc)} {len(raw)} " + " ".join(str(v) for v in q16(raw).reshape(-1)) for raw, fc in raws]
    # %FC: the Q16 roundings of theta (x 100 / FC) and of FC (x the ratio, up to 400 %: 1.2e-4);
    # the step score: the Q16 roundings over a rate of >= 1.5, and the log table (2^-14)
    return m, [0, 3], x, lines, [3e-4, 2e-4]


def forecast_inputs():
    import forecast as m
    hist = []
    x, groups = capture(m, {"_trend_features": lambda f: lambda u, b0, alarm, ends: hist.append(
        (u.copy(), b0, alarm, list(ends))) or f(u, b0, alarm, ends)})
    lines = []
    for u, b0, alarm, ends in hist:
        assert ends == list(range(len(u) - m.WINDOW, len(u)))
        lines.append(f"{q16(b0)} {q16(alarm)} {m.WINDOW} {len(u)} " + " ".join(str(v) for v in q16(u)))
    # health: the Q16 roundings over a margin >= 6 mm/s; log_trend: the slope of z's log table
    # errors (2^-14 ln 2, correlated from hour to hour: 4e-7 measured) and the Q24 output;
    # time_to_alarm: the fitted line's level (the mean of z, ~1e-4) over the slope, largest near
    # the alarm where the gap is smallest
    return m, [2, 3, 4], x, lines, [1e-5, 2e-6, 0.02]


HEADS = {"os_telem": os_telem_inputs, "wearable": wearable_inputs, "occupancy": occupancy_inputs,
         "air": air_inputs, "agri": agri_inputs, "forecast": forecast_inputs}


def run(cmd, text):
    r = subprocess.run(cmd, input=text, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r.stdout.splitlines()


def csv_rows(x):
    return "".join(",".join(common.fmt(v) for v in row) + "\n" for row in x.reshape(len(x), -1))


def classes(atome, model, x, tmp, name):
    path = os.path.join(tmp, name + ".csv")
    with open(path, "w") as f:
        f.write(csv_rows(x))
    return [json.loads(l)["class"] for l in run([atome, "classify", "--model", model, "--csv", path, "--json"], "")]


def check_head(head, driver, atome, tmp):
    m, derived, x, lines, bounds = HEADS[head]()
    lo = np.array([c[2] for c in m.CHANNELS])
    hi = np.array([c[3] for c in m.CHANNELS])
    ref = np.clip(x, lo, hi)  # write_head's saturation
    # the generator's own data, written by generate.py, must be what was rebuilt here
    data = os.path.join(tmp, "data")
    subprocess.run([sys.executable, os.path.join(gen_dir, "generate.py"), "--out", data, "--heads", head,
                    "--scale", ARGS.scale, "--seed", str(SEED)], check=True, capture_output=True)
    with open(os.path.join(data, head, "examples.csv")) as f:
        rows = [l.rstrip("\n").split(",")[4:] for l in f.readlines()[1:]]
    if rows != [[common.fmt(v) for v in r] for r in ref.reshape(len(ref), -1)]:
        sys.exit(f"{head}: the rebuilt features differ from generate.py's examples.csv")
    got = run([driver, head], "\n".join(lines) + "\n")
    assert len(got) == len(lines), (head, len(got), len(lines))
    D = len(derived)
    if head in ("air", "agri", "forecast"):  # one line per window
        got = [",".join(l.split(",")[D * t:D * t + D]) for l in got for t in range(m.WINDOW)]
    dev = np.array([[int(v) for v in l.split(",")] for l in got], dtype=float).reshape(len(x), m.WINDOW, D) / Q
    if head == "forecast":
        dev[:, :, 1] /= 256.0  # log_trend comes in Q24
    err = np.abs(dev - x[:, :, derived])
    inside = (x[:, :, derived] >= lo[derived]) & (x[:, :, derived] <= hi[derived])
    worst = [float(np.max(err[:, :, k][inside[:, :, k]])) for k in range(D)]
    device = ref.copy()
    device[:, :, derived] = np.clip(dev, lo[derived], hi[derived])
    # the head: q15, seed 1, trained on the generator's data as the app's heads are
    run_dir = os.path.join(tmp, "run-" + head)
    subprocess.run([atome, "train", "--task", "classify", "--data", os.path.join(data, head), "--out", run_dir,
                    "--numerics", "q15", "--seed", "1", "--threads", "1", "--no-plot", "--quiet",
                    "--target-risk", "0.1"], check=True, capture_output=True)
    model = os.path.join(run_dir, "best.atome")

    def tokens(feats):
        lines = run([driver, "tokens", model], csv_rows(feats).replace(",", " "))
        return np.array([[int(v) for v in line.split(",")] for line in lines])

    want_tok, got_tok = tokens(ref), tokens(device)
    C = len(m.CHANNELS)
    same = (want_tok == got_tok).reshape(len(x), m.WINDOW, C)
    want_cls = classes(atome, model, ref, tmp, head + "-generator")
    got_cls = classes(atome, model, device, tmp, head + "-device")
    agree = sum(a == b for a, b in zip(want_cls, got_cls))
    names = [m.CHANNELS[k][0] for k in derived]
    print(f"{head}: {len(x)} examples x {m.WINDOW} steps; max |device - generator| "
          + ", ".join(f"{n} {e:.3g}" for n, e in zip(names, worst)))
    print(f"  tokens equal: " + ", ".join(f"{n} {int(same[:, :, k].sum())}/{same[:, :, k].size} "
                                          f"({100 * same[:, :, k].mean():.2f} %)" for n, k in zip(names, derived))
          + f"; all {C} channels {int(same.sum())}/{same.size} ({100 * same.mean():.3f} %)")
    print(f"  class of the trained q15 head: {agree}/{len(x)} equal ({100 * agree / len(x):.2f} %)")
    bad = [f"{head} {n} {e:.3g} > {b:.3g}" for n, e, b in zip(names, worst, bounds) if e > b]
    # A token differs only where a value within the error bound of a level boundary: asserted as a
    # sanity floor, not a promise (a lost reference, a wrong unit or sign fails it by far).
    if same[:, :, derived].mean() < 0.99:
        bad.append(f"{head}: derived tokens equal {100 * same[:, :, derived].mean():.2f} % < 99 %")
    if agree < 0.99 * len(x):
        bad.append(f"{head}: classes equal {agree}/{len(x)} < 99 %")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("driver")
    ap.add_argument("atome")
    ap.add_argument("--scale", choices=sorted(common.SCALES), default="small")
    ap.add_argument("--heads", default=",".join(HEADS))
    global ARGS
    ARGS = ap.parse_args()
    bad = []
    with tempfile.TemporaryDirectory(prefix="derived-agreement-") as tmp:
        for head in ARGS.heads.split(","):
            bad += check_head(head, ARGS.driver, ARGS.atome, tmp)
    if bad:
        print("over the bound:", bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
