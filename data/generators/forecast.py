"""forecast (failure): a rotating machine's condition monitor (vibration velocity RMS, load, and
from its hourly history since commissioning a health index, the degradation rate and the time to
the alarm level), one sample per hour; 6 hours per example; the class is the remaining useful
life (RUL).

Physics
- Degradation: the exponential model of bearing wear (Gebraeel et al. 2005),
  D(t) = phi + theta exp(beta t + e(t)), e a Brownian motion (sigma_e per machine), the vibration
  velocity RMS (ISO 10816, mm/s) read as D scaled by load; failure when D crosses the machine's
  threshold D_f (ISO 10816 zone D). RUL is taken from the simulated path itself (the first
  crossing), so the label carries the process noise a forecaster cannot know.
- Vibration channel: load-dependent, v = D (0.6 + 0.4 load) + measurement noise (1 %).
- Version 2's derived channels (version 1: a 6 h slope of v and the bearing temperature), from
  the load-normalised reading u = v / (0.6 + 0.4 load) of every hour since commissioning and its
  baseline b0 (the mean of the first 24 h): health = (u - b0) / (alarm - b0); log_trend = the
  least-squares slope of ln(u - b0) over the whole history (the exponential model's beta: four
  running sums on a device), ln floored at 2 % of the margin; time_to_alarm = log10 of the hours
  until that fitted line reaches ln(alarm - b0). The alarm is the install's D_f, read in the
  sensor's units (the mounting gain, 5 %, stays as an error). The history before the window and
  b0's 1 % error come from the side stream (common.side_rng): the examples are version 1's.
- Load: the machine's duty cycle (0.4..1.0 of rated, shifts between hours).
- Classes by RUL: safe (> 336 h), later (96..336 h), soon (24..96 h), imminent (< 24 h).

Nuisance per device (group_by = device): phi (healthy level 1..2 mm/s), beta (life 500..1200 h, and
+-5 % per run), sigma_e (0.003..0.01 per h), D_f (8.5..9.5 mm/s: the alarm level of the machine class, ISO 10816 zone C/D, set per install),
ambient temperature (site climate: 10..35 degree C; version 1's bearing temperature), sensor
mounting gain (sigma 5 %); hourly RMS noise 1 %.
Site and subject constant.
"""

import numpy as np

import common

HEAD = "forecast"
CLASSES = ["safe", "later", "soon", "imminent"]
CHANNELS = [
    ("vib_rms", "mm/s", 0.0, 50.0),
    ("load", "1", 0.0, 1.5),
    ("health", "1", -1.0, 2.0),
    ("log_trend", "1/h", -0.05, 0.05),
    ("time_to_alarm", "log10 h", 0.0, 4.0),
]
WINDOW = 6
SAMPLE_RATE_HZ = 1.0 / 3600.0
PIPELINE = {"name": "condition_monitor", "params": {"period_s": 3600, "vib": "velocity rms 10..1000 Hz",
                                                   "vib_norm": "vib_rms / (0.6 + 0.4 load)",
                                                   "baseline": "mean vib_norm of the first 24 h",
                                                   "health": "(vib_norm - baseline) / (alarm - baseline)",
                                                   "trend": "least squares of ln(vib_norm - baseline) "
                                                            "since commissioning",
                                                   "floor": 0.02, "tta_max_h": 10000}}
GROUP_BY = "device"
VERSION = 3
LABEL_NOISE = common.ANNOTATION_NOISE

BOUNDS = (336.0, 96.0, 24.0)


def _device(rng, gid):
    return {"phi": rng.uniform(1.0, 2.0), "life": rng.uniform(500, 1200), "sig": rng.uniform(0.003, 0.01),
            "df": rng.uniform(8.5, 9.5), "amb": rng.uniform(10, 35), "gain": common.lognormal_factor(rng, 0.05),
            "kf": rng.uniform(1.0, 2.5)}


def _path(rng, d):
    """One run to failure, hourly: D(t) until the first crossing of D_f."""
    theta = 0.05
    beta = np.log((d["df"] - d["phi"]) / theta) / d["life"] * rng.uniform(0.95, 1.05)
    n = int(3 * d["life"])
    e = np.cumsum(rng.normal(0, d["sig"], n))
    D = d["phi"] + theta * np.exp(beta * np.arange(n) + e)
    cross = np.argmax(D >= d["df"]) if (D >= d["df"]).any() else n - 1
    return D[: cross + 1]


FLOOR = 0.02  # ln(vib_norm - baseline) is floored at this share of the alarm margin
TTA_MAX_H = 1e4  # a flat or falling trend projects no alarm: the channel's top


def _trend_features(u, b0, alarm, ends):
    """The condition monitor's derived channels at each hour in ends, from u[0..]: the hourly
    load-normalised vibration since commissioning. health: (u - b0) / (alarm - b0), 0 at
    commissioning, 1 at the alarm level. log_trend: the least-squares slope of
    ln(max(u - b0, FLOOR (alarm - b0))) over every hour since commissioning (the exponential
    degradation model's rate: four running sums on a device). time_to_alarm: log10 of the hours
    until the fitted line reaches ln(alarm - b0)."""
    margin = alarm - b0
    z = np.log(np.maximum(u - b0, FLOOR * margin))
    out = []
    for t in ends:
        h = np.arange(t + 1, dtype=float)
        hc = h - h.mean()
        trend = np.dot(z[: t + 1] - z[: t + 1].mean(), hc) / np.dot(hc, hc)
        now = z[: t + 1].mean() + trend * hc[-1]
        tta = (np.log(margin) - now) / trend if trend > 1e-4 else TTA_MAX_H
        out.append([(u[t] - b0) / margin, trend, np.log10(np.clip(tta, 1.0, TTA_MAX_H))])
    return np.array(out)


def _example(rng, c, d, ref):
    lo = [BOUNDS[0] + 1, BOUNDS[1] + 1, BOUNDS[2] + 1, 0][c]
    hi = [10000, BOUNDS[0], BOUNDS[1], BOUNDS[2]][c]
    for _ in range(20):
        D = _path(rng, d)
        fail = len(D) - 1
        ends = [e for e in range(12, fail + 1) if lo <= fail - e <= hi]  # window end (hour)
        if ends:
            break
    end = ends[rng.integers(0, len(ends))]
    k = np.arange(end - 11, end + 1)  # 12 h: version 1's slope needed the 6 h before each sample
    load = np.clip(rng.uniform(0.4, 1.0) + rng.normal(0, 0.1, len(k)).cumsum() * 0.3, 0.3, 1.2)
    v = d["gain"] * D[k] * (0.6 + 0.4 * load) * common.lognormal_factor(rng, 0.01, len(k))
    # Version 1's bearing temperature (its draws are kept so that every later draw, and hence
    # every example, stays version 1's; the channel is gone: it read mostly the site's ambient).
    rng.normal(0, 0.5, len(k))
    # The node's history since commissioning (hour 0): the load-normalised reading of every hour
    # before the window, with its own 1 % noise, from the side stream; the window's own hours are
    # the readings above. The baseline: the mean of the first 24 h (the run's healthy state,
    # averaged: within ~0.3 %), times the commissioning load's residual error (1 %).
    u = d["gain"] * D[: end + 1] * common.lognormal_factor(ref, 0.01, end + 1)
    u[k] = v / (0.6 + 0.4 * load)
    b0 = u[:24].mean() * common.lognormal_factor(ref, 0.01)
    derived = _trend_features(u, b0, d["df"], range(end - 5, end + 1))
    return np.concatenate([np.stack([v[6:], load[6:]], axis=1), derived], axis=1)


def _draw(rng, n, n_groups):
    ref = common.side_rng(rng)
    return common.by_group(rng, n, n_groups, len(CLASSES), _device,
                           lambda r, c, d: _example(r, c, d, ref))


def generate(rng, n, n_groups):
    y, g, x, _ = _draw(rng, n, n_groups)
    return y, {"device": g}, x


# The vibration the vib_rms channel is read from (apps/velocity_rms.cpp): 1 s of one accelerometer
# axis at VIB_FS Hz, int16 at ACC_LSB m/s^2, synthesised from an example's vib_rms values with a
# side generator of its own (the head's draws and data are unchanged).
VIB_FS = 2048
VIB_FRAME = 256
VIB_FRAMES = 8
ACC_LSB = 0.01
VIB_BINS = (2, 125)  # 16..1000 Hz at 8 Hz per bin: the "10..1000 Hz" band on this grid


def velocity_rms(acc):
    """The pipeline's velocity RMS (mm/s) of acceleration samples (LSB): per Hann frame, the
    one-sided spectrum over (2 pi f)^2 summed over VIB_BINS, Parseval-scaled and corrected for the
    window's power, averaged over the frames."""
    w = np.hanning(VIB_FRAME)
    k = np.arange(VIB_BINS[0], VIB_BINS[1] + 1)
    f = k * VIB_FS / VIB_FRAME
    tot = 0.0
    for fr in np.asarray(acc, float).reshape(VIB_FRAMES, VIB_FRAME):
        x = np.fft.rfft(fr * w)[k]
        tot += np.sum(np.abs(x) ** 2 / (2 * np.pi * f) ** 2)
    ms = 2 * tot / (VIB_FRAME * np.sum(w ** 2) * VIB_FRAMES)
    return 1000.0 * ACC_LSB * np.sqrt(ms)


def vib_window(v_mm_s, rng):
    """int16 acceleration whose velocity_rms is v_mm_s (before rounding): a rotating machine's
    1x (shaft 20..50 Hz), 2x and 3x lines, a bearing tone 150..450 Hz and broadband noise, in
    random shares, scaled to the target."""
    t = np.arange(VIB_FRAMES * VIB_FRAME) / VIB_FS
    f0 = rng.uniform(20, 50)
    a = np.zeros_like(t)
    for h, share in ((1, 1.0), (2, rng.uniform(0.1, 0.6)), (3, rng.uniform(0.0, 0.3))):
        a += share * (2 * np.pi * h * f0) * np.sin(2 * np.pi * h * f0 * t + rng.uniform(0, 6.3))
    fb = rng.uniform(150, 450)
    a += rng.uniform(0.5, 3.0) * 2 * np.pi * fb * np.sin(2 * np.pi * fb * t)
    a += rng.normal(0, rng.uniform(5, 50), len(t))
    a *= v_mm_s / max(velocity_rms(a), 1e-12)
    return np.clip(np.rint(a), -32768, 32767).astype(np.int16)


def raw_vibration(seed, scale="full"):
    """Labels, the vib_rms values of `generate.py --heads forecast --seed SEED --scale SCALE` and,
    per example, the acceleration of its last step."""
    n, n_groups = common.SCALES[scale]
    y, _, x, _ = _draw(common.head_rng(seed, HEAD), n, n_groups)
    side = np.random.default_rng([seed, 0x51])
    v = np.clip(x[:, -1, 0], 0.0, 50.0)
    return y, v, [vib_window(v[i], side) for i in range(n)]
