"""motion: a wrist-worn 3-axis accelerometer (smartwatch), 50 Hz; 4 sub-windows of 2.56 s
(10.24 s per example); 7 features per sub-window.

Physics (gait model for a wrist IMU)
- Walking: step frequency f_s (cadence, subject-specific 1.6..2.0 Hz; upstairs x0.8, downstairs
  x1.05); the arm swings as a pendulum at the stride frequency f_s / 2 (amplitude per subject,
  smaller on stairs where the hand may hold the rail), the body's vertical oscillation at f_s
  with heel-strike impacts (harmonics 2 f_s, 3 f_s; stronger going downstairs, where the body
  drops onto each step), upstairs adds a slower, larger vertical lift per step.
- Static postures: gravity (1 g) in the watch frame set by the forearm's orientation: standing
  (arm hanging: gravity along the forearm axis), sitting (forearm on the thigh/desk: gravity
  through the watch face, with a tilt), laying (forearm beside the body, rotated); micro-motions
  (tremor 8..12 Hz, fidgets).
- Watch frame: mounting rotation about the forearm axis (+-25 degrees per subject: strap
  position, left/right wrist), per-axis sensor offset (+-0.05 g) and gain (sigma 3 %) per device.
- Features per 2.56 s sub-window (128 samples): mean of each axis (gravity direction, g), std of
  |a| (g), dominant frequency of |a| - mean (Hz, 0.39 Hz bins), fraction of the |a| variance in
  0.5..3 Hz, RMS jerk of |a| (g/s).

Nuisance per subject (group_by = subject; device = subject): cadence, arm-swing amplitude, body
vertical amplitude, posture angles, watch mounting and the sensor's offset/gain. Site constant.
"""

import numpy as np

import common

HEAD = "motion"
CLASSES = ["walking", "upstairs", "downstairs", "sitting", "standing", "laying"]
FS = 50.0
SUB = 128
CHANNELS = [
    ("mean_x", "g", -16.0, 16.0), ("mean_y", "g", -16.0, 16.0), ("mean_z", "g", -16.0, 16.0),
    ("std_mag", "g", 0.0, 16.0), ("dom_freq", "Hz", 0.0, 25.0), ("gait_frac", "1", 0.0, 1.0),
    ("jerk", "g/s", 0.0, 1600.0),
]
WINDOW = 4
SAMPLE_RATE_HZ = FS / SUB
PIPELINE = {"name": "imu_window_stats", "params": {"fs_hz": FS, "subwindow": SUB, "range_g": 16,
                                                  "gait_band_hz": [0.5, 3.0]}}
GROUP_BY = "subject"
VERSION = 2
LABEL_NOISE = common.ANNOTATION_NOISE


def _rot(axis, a):
    c, s = np.cos(a), np.sin(a)
    if axis == 0:
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == 1:
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _subject(rng, gid):
    return {"fs": rng.uniform(1.6, 2.0), "swing": rng.uniform(0.15, 0.45), "vert": rng.uniform(0.1, 0.3),
            "mount": _rot(0, np.deg2rad(rng.uniform(-25, 25))), "sit_tilt": rng.uniform(0.2, 0.7),
            "lay_rot": rng.uniform(-0.8, 0.8), "off": rng.uniform(-0.05, 0.05, 3),
            "gain": common.lognormal_factor(rng, 0.03, 3)}


def _features(a):
    seg = a.reshape(WINDOW, SUB, 3)
    mag = np.linalg.norm(seg, axis=2)
    m0 = mag - mag.mean(axis=1, keepdims=True)
    p = np.abs(np.fft.rfft(m0 * np.hanning(SUB), axis=1)) ** 2
    f = np.fft.rfftfreq(SUB, 1 / FS)
    dom = f[np.argmax(p[:, 1:], axis=1) + 1]
    gait = p[:, (f >= 0.5) & (f <= 3.0)].sum(axis=1) / (p[:, 1:].sum(axis=1) + 1e-12)
    jerk = np.sqrt(np.mean((np.diff(mag, axis=1) * FS) ** 2, axis=1))
    return np.column_stack([seg.mean(axis=1), mag.std(axis=1), dom, gait, jerk])


def _example(rng, c, s):
    n = SUB * WINDOW
    t = np.arange(n) / FS
    ph = rng.uniform(0, 2 * np.pi, 6)
    if c <= 2:
        fs = s["fs"] * [1.0, 0.8, 1.05][c] * rng.uniform(0.95, 1.05)
        w = 2 * np.pi * fs
        swing = s["swing"] * [1.0, 0.6, 0.7][c] * rng.uniform(0.8, 1.2)
        theta = swing * 2.0 * np.sin(w / 2 * t + ph[0])  # arm pendulum angle (rad)
        g = np.stack([np.cos(theta), np.zeros(n), np.sin(theta)], axis=1)  # gravity along the forearm
        vert = s["vert"] * [1.0, 1.3, 1.2][c] * rng.uniform(0.8, 1.2)
        impact = [0.3, 0.2, 0.7][c] * rng.uniform(0.7, 1.3)
        lift = [0.0, 0.25, 0.0][c]
        v = vert * np.sin(w * t + ph[1]) + impact * vert * (np.sin(2 * w * t + ph[2]) + 0.5 * np.sin(3 * w * t + ph[3]))
        v += lift * np.sin(w / 2 * t + ph[4])
        # centripetal + tangential arm acceleration (pendulum of ~0.6 m)
        dth = np.gradient(theta, 1 / FS)
        lin = np.stack([0.6 * dth ** 2 / 9.81, np.zeros(n), 0.6 * np.gradient(dth, 1 / FS) / 9.81], axis=1)
        a = g + lin + v[:, None] * np.array([0.8, 0.2, 0.4])
        a += rng.normal(0, 0.03, (n, 3))
    else:
        if c == 3:
            base = _rot(1, -np.pi / 2 + s["sit_tilt"] + rng.normal(0, 0.15)) @ np.array([1.0, 0, 0])
        elif c == 4:
            base = _rot(1, rng.normal(0, 0.12)) @ np.array([1.0, 0, 0])
        else:
            base = _rot(0, s["lay_rot"] + rng.normal(0, 0.3)) @ _rot(2, np.pi / 2 + rng.normal(0, 0.2)) @ np.array([1.0, 0, 0])
        a = np.tile(base, (n, 1))
        fidget = rng.uniform(0.0, 0.08) * (c != 5)
        a += fidget * np.sin(2 * np.pi * rng.uniform(0.2, 1.5) * t + ph[5])[:, None] * rng.normal(0, 1, 3)
        a += 0.005 * np.sin(2 * np.pi * rng.uniform(8, 12) * t)[:, None]  # physiological tremor
        a += rng.normal(0, 0.02, (n, 3))
    a = a @ s["mount"].T
    a = a * s["gain"] + s["off"]
    return _features(a)


def generate(rng, n, n_groups):
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), _subject, _example)
    return y, {"subject": g, "device": g}, x
