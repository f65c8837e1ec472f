"""power (NILM): a clamp-on current transformer on one appliance's circuit; each timestep is the
analysis of 10 mains cycles (~0.2 s) once per second; 6 s per example.

Physics
- Mains: V(t) = sqrt(2) Vrms [sin(w t) - h3 sin(3 w t) ...] with a flat-topped background
  distortion (3rd/5th harmonics 0.5..4 %), 230 V/50 Hz or 120 V/60 Hz by site.
- Loads (current waveforms sampled at 128 points per cycle):
  resistive (heater, kettle): i = V / R, power factor ~ 1, THD = the voltage's THD, crest ~ 1.41;
  30 % of them run on a leading-edge phase-angle controller (triac, firing angle 17..92 deg: heat
  settings, dimmers), which chops the current: THD 20..100 %, PF 0.75..0.99, crest up to ~2.5;
  motor (induction: fridge, pump, fan): i lags by phi (PF 0.6..0.88), 3rd harmonic from core
  saturation (2..8 %), an inrush of 3..6x over the first seconds when it starts in the window;
  electronic (capacitor-input rectifier, SMPS): current flows only near the voltage peaks, pulse
  width 1.5..3.5 ms, so THD 60..140 %, crest 2.3..4, true PF 0.55..0.75; a fraction (15 %) has
  active PFC (residual 3rd/5th harmonics, THD 8..22 %, PF ~0.98);
  off: standby/phantom current 5..60 mA of an electronic supply plus the CT's noise floor.
- Measurement: I_rms, PF = P / (Vrms Irms), THD = sqrt(sum_{h>=2} I_h^2) / I_1 from the DFT of the
  10 cycles, crest factor = |i|max / I_rms; CT gain error (sigma 3 %), phase error (0.5..2 deg) and
  a noise floor (5..20 mA rms) per device.
- Classes: off / resistive / motor / electronic.

Nuisance per site (group_by = site): mains voltage and frequency, background voltage distortion,
the installed CT (gain, phase error, noise; device = site), and the appliance population (power
ranges drawn per site). Subject constant.
"""

import numpy as np

import common

HEAD = "power"
CLASSES = ["off", "resistive", "motor", "electronic"]
CHANNELS = [
    ("i_rms", "A", 0.0, 30.0),
    ("power_factor", "1", -1.0, 1.0),
    ("thd", "%", 0.0, 400.0),
    ("crest", "1", 0.0, 20.0),
]
WINDOW = 6
SAMPLE_RATE_HZ = 1.0
PIPELINE = {"name": "power_quality", "params": {"cycles": 10, "samples_per_cycle": 128,
                                               "harmonics": 20, "period_s": 1}}
GROUP_BY = "site"
VERSION = 2
LABEL_NOISE = common.ANNOTATION_NOISE

N = 128  # samples per cycle
CYC = 10


def _site(rng, gid):
    us = rng.random() < 0.3
    return {
        "vrms": (120.0 if us else 230.0) * rng.uniform(0.95, 1.05), "h3": rng.uniform(0.005, 0.04),
        "h5": rng.uniform(0.0, 0.02), "gain": common.lognormal_factor(rng, 0.03),
        "phase": np.deg2rad(rng.uniform(0.5, 2.0)), "noise": rng.uniform(0.005, 0.02),
        "pscale": common.lognormal_factor(rng, 0.3),
    }


def _features(i, v):
    irms = np.sqrt(np.mean(i ** 2))
    p = np.mean(i * v)
    pf = p / (np.sqrt(np.mean(v ** 2)) * irms + 1e-12)
    spec = np.abs(np.fft.rfft(i))[CYC::CYC][:20]  # harmonics 1..20 of the 10-cycle window
    thd = 100.0 * np.sqrt(np.sum(spec[1:] ** 2)) / (spec[0] + 1e-12)
    crest = np.max(np.abs(i)) / (irms + 1e-12)
    return [irms, pf, thd, crest]


def _example(rng, c, s):
    return np.array([_features(i, v) for i, v in _waves(rng, c, s)])


def _waves(rng, c, s):
    """The measured current and the mains voltage of each of the WINDOW analysis windows (the
    raw signal _features reduces; the draws are those _example always made, in its order)."""
    w = 2 * np.pi * np.arange(N * CYC) / N
    vpk = np.sqrt(2) * s["vrms"]
    v = vpk * (np.sin(w) - s["h3"] * np.sin(3 * w) + s["h5"] * np.sin(5 * w))
    power = s["pscale"] * np.exp(rng.uniform(np.log(300), np.log(2500)))  # W
    i1 = power / s["vrms"]  # A at full power
    pfc = rng.random() < 0.15
    triac = rng.random() < 0.3
    fire = rng.uniform(0.3, 1.6)  # firing angle, rad
    pfc_ph = rng.uniform(0, 2 * np.pi)
    phi = np.arccos(rng.uniform(0.6, 0.88))
    h3m = rng.uniform(0.02, 0.08)
    width = rng.uniform(1.5, 3.5) / 20.0 * np.pi  # conduction angle, rad (ms of a 20 ms cycle)
    start = rng.integers(-20, WINDOW) if c == 2 else -99  # motor start step
    rows = []
    for k in range(WINDOW):
        if c == 0:
            sb = rng.uniform(0.005, 0.06)
            phase = np.mod(w, np.pi)
            i = sb * 3 * np.sign(np.sin(w)) * (np.abs(phase - np.pi / 2) < 0.4)
        elif c == 1:
            i = v / vpk * np.sqrt(2) * i1
            if triac:  # leading-edge phase control: conducts from the firing angle to the zero
                i = i * (np.mod(w, np.pi) >= fire) / np.sqrt(1 - fire / np.pi + np.sin(2 * fire) / (2 * np.pi))
        elif c == 2:
            inrush = 1 + rng.uniform(2, 5) * np.exp(-max(k - start, 0) / 1.5) if k >= start else 1.0
            i = np.sqrt(2) * i1 * inrush * 0.6 * (np.sin(w - phi) + h3m * np.sin(3 * w - 3 * phi))
        else:
            if pfc:
                i = np.sqrt(2) * i1 * (v / vpk + rng.uniform(0.08, 0.2) * np.sin(3 * w + pfc_ph)
                                       + rng.uniform(0.02, 0.08) * np.sin(5 * w + pfc_ph))
            else:  # charging pulses around the peaks (raised-cosine pulses of width `width`)
                ph = np.mod(w, np.pi) - np.pi / 2 + 0.15  # peak slightly before crest
                pulse = np.where(np.abs(ph) < width, np.cos(np.pi * ph / (2 * width)) ** 2, 0.0)
                i = pulse * np.sign(np.sin(w)) * i1 * np.sqrt(2) * 0.5 * np.pi / width
        i = i * (1 + rng.normal(0, 0.02))  # load fluctuation
        # CT: gain, phase lead, noise floor
        i_meas = s["gain"] * np.interp(np.arange(N * CYC) + s["phase"] * N / (2 * np.pi),
                                       np.arange(N * CYC), i, period=N * CYC)
        i_meas = i_meas + rng.normal(0, s["noise"], N * CYC)
        rows.append((i_meas, v))
    return rows


def generate(rng, n, n_groups):
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), _site, _example)
    return y, {"site": g, "device": g}, x


# The device's fixed units (apps/power_quality.cpp): current in 0.1 mA, voltage in 10 mV, int32.
I_LSB_A = 1e-4
V_LSB_V = 1e-2


def raw_windows(seed, scale="full"):
    """The examples of `generate.py --heads power --seed SEED --scale SCALE` before reduction:
    labels and, per example, the WINDOW (i_meas, v) pairs in amperes and volts (the same draws:
    the features of these signals are the head's data)."""
    n, n_groups = common.SCALES[scale]
    raw = []

    def draw(rng, c, s):
        ws = _waves(rng, c, s)
        raw.append(ws)
        return np.array([_features(i, v) for i, v in ws])

    y, _, _, _ = common.by_group(common.head_rng(seed, HEAD), n, n_groups, len(CLASSES), _site, draw)
    return y, raw


def to_device(i, v):
    """A window in the device's integer units (rounded)."""
    return np.rint(i / I_LSB_A).astype(np.int64), np.rint(v / V_LSB_V).astype(np.int64)
