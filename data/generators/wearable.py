"""wearable: a wrist band (PPG heart rate, HRV, accelerometer, perfusion index), one value per
10 s; 6 values (1 minute) per example.

Physics
- Heart rate: HR = HR_rest + (HR_max - HR_rest) * intensity with first-order on-kinetics
  (tau 20..40 s); HR_max = 208 - 0.7 age (Tanaka). Intensity in METs sets the class: rest
  (< 1.5 MET), active (1.5..4: walking, housework), exercise (> 4: running, cycling).
- HRV (RMSSD of RR intervals): falls exponentially with intensity from the subject's resting
  RMSSD (20..90 ms, lower with age). irregular = atrial fibrillation: irregularly irregular RR
  intervals (RMSSD 60..200 ms) at a raised, variable rate (90..150 bpm), at rest or light activity.
- Accelerometer RMS (g, gravity removed) grows with MET (walking ~0.2..0.4 g, running 0.6..1.5 g).
- Perfusion index (PPG AC/DC, %): the subject's skin/fit baseline, rising with exercise
  vasodilation and temperature; motion artefacts corrupt PPG-derived HR/HRV at high acceleration.

Read-out (version 2), as the band's firmware reports it with its wearer's references (set up once,
drawn from common.side_rng so the examples are version 1's draw for draw): heart_rate and
hrv_rmssd as before (what apps/ppg_beats.cpp computes from the PPG); accel, log10 of the RMS in g
(activity spans two decades, 0.015 g at rest to 1.5 g running, and a linear scale gave all of
rest and light activity one token level); perfusion, log10(PI / PI0) against the perfusion
index of the first still minutes after the band was put on (within 10 %), so skin tone and strap
fit (0.3..5 %) are gone and the exercise vasodilation remains; hr_reserve, the Karvonen heart-rate
reserve fraction (HR - HR_rest) / (HR_max - HR_rest) with the resting rate the band measures at
night (within 2 bpm) and HR_max = 208 - 0.7 age from the age entered at set-up: the intensity
itself, which raw bpm mixes with the subject's resting rate and age.

Nuisance per subject (group_by = subject): age 20..75, resting HR 50..85, resting RMSSD, fitness
(MET at which HR saturates), perfusion baseline (skin tone, strap fit: 0.3..5 %), accelerometer
gain (sigma 5 %). Each subject has 1 device: device = subject. Site constant.
"""

import numpy as np

import common

HEAD = "wearable"
CLASSES = ["rest", "active", "exercise", "irregular"]
CHANNELS = [
    ("heart_rate", "bpm", 30.0, 220.0),
    ("hrv_rmssd", "ms", 0.0, 300.0),
    ("accel", "log10 g", -3.0, 1.0),  # 1 mg .. 10 g: the +-8 g accelerometer's span
    ("perfusion", "log10(PI/PI0)", -2.0, 2.0),  # PI 0..20 % over a reference of 0.2..7 %
    ("hr_reserve", "1", -1.0, 2.0),  # (30..220 bpm - rest) / (max - rest), rest 48..87, max 155..194
]
WINDOW = 6
SAMPLE_RATE_HZ = 0.1
PIPELINE = {"name": "ppg_imu_stats", "params": {"period_s": 10, "hr": "beats in 10 s window",
                                               "rmssd": "RR intervals of the last 30 s",
                                               "accel": "rms of |a| - 1 g at 25 Hz"}}
GROUP_BY = "subject"
VERSION = 3
LABEL_NOISE = common.ANNOTATION_NOISE


def _subject(rng, gid):
    age = rng.uniform(20, 75)
    return {"age": age, "hr_rest": rng.uniform(50, 85), "hr_max": 208 - 0.7 * age,
            "rmssd": rng.uniform(20, 90) * (1.3 - age / 100), "fit": rng.uniform(8, 14),
            "pi": np.exp(rng.uniform(np.log(0.3), np.log(5))), "gain": common.lognormal_factor(rng, 0.05)}


def _example(rng, c, s):
    T = WINDOW
    met = {0: rng.uniform(1.0, 1.4), 1: rng.uniform(1.6, 4.2), 2: rng.uniform(3.8, 11.0),
           3: rng.uniform(1.0, 3.0)}[c]
    met_t = met * np.clip(1 + rng.normal(0, 0.08, T), 0.7, 1.3)
    intensity = np.clip((met_t - 1.0) / (s["fit"] - 1), 0, 1)
    tau = rng.uniform(2, 4)  # in 10 s steps
    hr_target = s["hr_rest"] + (s["hr_max"] - s["hr_rest"]) * intensity
    hr = np.empty(T)
    h = s["hr_rest"] + (hr_target[0] - s["hr_rest"]) * rng.uniform(0.5, 1.0)
    for t in range(T):
        h += (hr_target[t] - h) / tau
        hr[t] = h
    rmssd = s["rmssd"] * np.exp(-4 * intensity)
    acc = s["gain"] * (0.015 + 0.12 * np.maximum(met_t - 1, 0) ** 1.1) * common.lognormal_factor(rng, 0.25, T)
    pi = s["pi"] * (1 + 0.15 * (met_t - 1)) * common.lognormal_factor(rng, 0.1, T)
    if c == 3:  # atrial fibrillation
        hr = rng.uniform(90, 150) + rng.normal(0, 8, T)
        rmssd = rng.uniform(60, 200) * common.lognormal_factor(rng, 0.2, T)
        pi = pi * rng.uniform(0.6, 0.9)  # lower stroke volume
    art = acc > 0.5  # PPG motion artefacts
    hr = hr + rng.normal(0, 2, T) + art * rng.normal(0, 10, T)
    rmssd = np.abs(rmssd + rng.normal(0, 4, T) + art * rng.exponential(25, T))
    return np.stack([hr, rmssd, acc, pi], axis=1)


def _subject_v2(rng, gid, ref):
    s = _subject(rng, gid)
    # the band's references for its wearer, from the side stream (rng is not advanced)
    s["hr_rest_cal"] = s["hr_rest"] + ref.normal(0, 2)
    s["pi_cal"] = s["pi"] * common.lognormal_factor(ref, 0.10)
    return s


def readout(raw, s):
    """Version 2's channels from version 1's raw[T, (heart_rate, hrv_rmssd, accel_rms g, PI %)]
    and the wearer's references s (hr_rest_cal, hr_max, pi_cal)."""
    hr, rmssd, acc, pi = raw.T
    hrr = (hr - s["hr_rest_cal"]) / (s["hr_max"] - s["hr_rest_cal"])  # Karvonen
    return np.stack([hr, rmssd, np.log10(np.maximum(acc, 1e-3)),
                     np.log10(np.maximum(pi, 1e-3) / s["pi_cal"]), hrr], axis=1)


def _example_v2(rng, c, s):
    return readout(_example(rng, c, s), s)


def generate(rng, n, n_groups):
    ref = common.side_rng(rng)
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES),
                                 lambda r, gid: _subject_v2(r, gid, ref), _example_v2)
    return y, {"subject": g, "device": g}, x


# The PPG the heart-rate channels are read from (apps/ppg_beats.cpp): 30 s at PPG_FS Hz, int16,
# synthesised from an example's heart_rate and hrv_rmssd steps (the head's values) with a side
# generator of its own, so the head's draws and data are unchanged.
PPG_FS = 50
PPG_S = 30


def ppg_window(hr_steps, rmssd_steps, rng):
    """int16 samples of the PPG over the last PPG_S s of the steps given (10 s each, the last one
    last) and its true beat times (s, from the buffer's start): RR intervals around 60 / hr with
    independent jitter of sigma rmssd / sqrt(2) (successive differences then have RMS rmssd), a
    systolic wave (Gaussian, 60 ms or less at high rates), a dicrotic wave 0.4 of the beat's own
    cycle later at 0.3 of its height, respiration wander at 0.2..0.35 Hz, amplitude varying +-10 % per beat, sensor noise."""
    n = PPG_FS * PPG_S
    t = np.arange(n) / PPG_FS
    beats, tb = [], -rng.uniform(0, 60.0 / hr_steps[0])
    while tb < PPG_S + 1.0:
        k = min(max(int((tb + 0.0) // 10), 0), len(hr_steps) - 1)
        rr = 60.0 / hr_steps[k] + rng.normal(0, rmssd_steps[k] / 1000.0 / np.sqrt(2))
        tb += max(rr, 0.25)
        beats.append(tb)
    beats = np.array(beats)
    amp = rng.uniform(1000, 8000)
    x = 12000 + 0.4 * amp * np.sin(2 * np.pi * rng.uniform(0.2, 0.35) * t + rng.uniform(0, 6.3))
    for i, b in enumerate(beats):
        rr = beats[i + 1] - b if i + 1 < len(beats) else 60.0 / hr_steps[-1]  # this beat's cycle
        a = amp * rng.uniform(0.9, 1.1)
        s = min(0.06, 0.15 * rr)
        x = x + a * np.exp(-0.5 * ((t - b) / s) ** 2) + 0.3 * a * np.exp(-0.5 * ((t - b - 0.4 * rr) / s) ** 2)
    x = x + rng.normal(0, 0.01 * amp, n)
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16), beats[beats < PPG_S]


def raw_ppg(seed, scale="full"):
    """Labels, the heart_rate and hrv_rmssd steps of `generate.py --heads wearable --seed SEED
    --scale SCALE` and, per example, the PPG of its last 3 steps with its true beat times."""
    n, n_groups = common.SCALES[scale]
    y, _, x, _ = common.by_group(common.head_rng(seed, HEAD), n, n_groups, len(CLASSES), _subject, _example)
    side = np.random.default_rng([seed, 0x99])
    hr = np.clip(x[:, :, 0], 30.0, 220.0)
    rmssd = np.clip(x[:, :, 1], 0.0, 300.0)
    return y, hr, rmssd, [ppg_window(hr[i, -3:], rmssd[i, -3:], side) for i in range(n)]
