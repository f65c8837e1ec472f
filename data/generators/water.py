"""water (leak): a household supply line (turbine flow meter, pressure transducer, floor moisture
probe, pipe-mounted accelerometer for leak noise), one sample every 10 s; 8 samples per example.

Physics
- Supply hydraulics: static pressure P0 at the meter, head loss in the service line
  dP = r Q^2 (Darcy-Weisbach with a fixed friction factor, r per site), so the pressure falls
  with any flow.
- Leak: an orifice, Q_leak = Cd A sqrt(2 P / rho) (Torricelli), 0.2..3 L/min for a leak, 15..60
  L/min for a burst (large A). The leak runs continuously; a burst starts at a random step.
- Normal use: a household draw at a time (tap 4..9 L/min, shower 7..12, toilet refill 6..12 for
  ~60 s, washing machine fill) with on/off steps inside the window.
- Flow meter: turbine meters do not turn below their starting flow (0.3..1 L/min per meter), so
  a small leak may read zero flow; gain error sigma 3 %.
- Leak noise: flow through an orifice radiates turbulence noise ~ jet velocity^2 (~ pressure),
  picked up by the accelerometer with a distance attenuation per site; tap flow makes less noise
  (no pressure drop across a small orifice at the pipe).
- Moisture: a floor probe near the leak only at some sites/leaks (probability 0.5): wetting front
  raising the reading over minutes; bursts always wet the floor.
- Classes: no_flow / normal_use / leak / burst.

Nuisance per site (group_by = site): P0 2.5..6 bar, line resistance, meter starting flow and gain,
pressure sensor offset (+-0.1 bar), accelerometer coupling and background vibration (pumps, street),
moisture probe dry baseline; device = site. Subject constant.
"""

import numpy as np

import common

HEAD = "water"
CLASSES = ["no_flow", "normal_use", "leak", "burst"]
CHANNELS = [
    ("flow", "L/min", 0.0, 60.0),
    ("pressure", "bar", 0.0, 10.0),
    ("moisture", "%", 0.0, 100.0),
    ("vibration", "mg", 0.0, 1000.0),
]
WINDOW = 8
SAMPLE_RATE_HZ = 0.1
PIPELINE = {"name": "window_stats", "params": {"period_s": 10, "flow": "pulses per window",
                                              "pressure": "mean", "moisture": "last",
                                              "vibration": "rms 100..2000 Hz"}}
GROUP_BY = "site"
VERSION = 2
LABEL_NOISE = common.ANNOTATION_NOISE


def _site(rng, gid):
    return {"p0": rng.uniform(2.5, 6.0), "r": rng.uniform(0.4, 1.5) / 400.0,  # bar / (L/min)^2
            "q_start": rng.uniform(0.3, 1.0), "gain": common.lognormal_factor(rng, 0.03),
            "p_off": rng.uniform(-0.1, 0.1), "couple": common.lognormal_factor(rng, 0.4),
            "bg": rng.uniform(2, 10), "m_dry": rng.uniform(5, 20)}


def _example(rng, c, s):
    T = WINDOW
    q = np.zeros(T)
    noise_src = np.zeros(T)
    if c == 1:
        kind = rng.integers(0, 4)
        lvl = [rng.uniform(4, 9), rng.uniform(7, 12), rng.uniform(6, 12), rng.uniform(8, 15)][kind]
        on = rng.integers(-4, T - 1)
        dur = [rng.integers(1, 5), T, rng.integers(4, 8), rng.integers(3, 8)][kind]
        q[max(on, 0):max(on + dur, 0)] = lvl
        if not q.any():
            q[-1] = lvl
        noise_src = 0.2 * q
    leak = 0.0
    if c == 2:
        leak = rng.uniform(0.2, 3.0)
    if c == 3:
        leak = rng.uniform(15, 60)
        start = rng.integers(-3, T - 2)
        leak_t = np.where(np.arange(T) >= start, leak, 0.0)
    else:
        leak_t = np.full(T, leak)
    # orifice flow scales with sqrt of the local pressure (solve once with the nominal P0)
    q_tot = q + leak_t * np.sqrt(max(s["p0"] - s["r"] * leak ** 2, 0.3) / 4.0)
    p = s["p0"] - s["r"] * q_tot ** 2 + s["p_off"] + rng.normal(0, 0.02, T)
    meter = np.where(q_tot >= s["q_start"], s["gain"] * q_tot, 0.0) + np.abs(rng.normal(0, 0.05, T)) * (q_tot > 0)
    vib = s["bg"] + s["couple"] * (noise_src + np.where(leak_t > 0, 8.0 * np.sqrt(leak_t) * np.sqrt(np.maximum(p, 0.1)), 0.0))
    vib = vib * common.lognormal_factor(rng, 0.15, T)
    m = np.full(T, s["m_dry"]) + rng.normal(0, 1, T)
    if (c == 2 and rng.random() < 0.5) or c == 3:
        wet = np.cumsum(leak_t) * rng.uniform(0.3, 2.0) + (rng.uniform(0, 30) if c == 2 else 0)
        m = m + 80 * (1 - np.exp(-wet / 40))
    return np.stack([meter, p, m, vib], axis=1)


def generate(rng, n, n_groups):
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), _site, _example)
    return y, {"site": g, "device": g}, x


# The flow meter's raw output (apps/pulse_count.cpp): a square wave of PULSES_PER_L pulses per
# litre sampled at PULSE_FS Hz, read over each PERIOD_S step; the head's flow channel is the
# pulses of a step times 60 / (PULSES_PER_L * PERIOD_S). Derived from the meter reading alone (no
# draw), so the head's data is unchanged.
PULSES_PER_L = 100
PULSE_FS = 1000
PERIOD_S = 10
DEBOUNCE = 2  # samples: longer than the one-sample contact bounce below, shorter than a half wave


def flow_pulses(meter_l_min, phase=0.0):
    """0/1 samples (uint8) of the meter's output for consecutive steps of meter readings (L/min):
    the wave's cycles accumulate across steps (from `phase` cycles), high in the first half of
    each cycle, and every level change bounces once (the old level again one sample later)."""
    n = PULSE_FS * PERIOD_S
    f = np.repeat(np.asarray(meter_l_min, float) * PULSES_PER_L / 60.0, n)  # Hz per sample
    cycles = phase + np.cumsum(f) / PULSE_FS
    clean = (np.mod(cycles, 1.0) < 0.5).astype(np.uint8)
    out = clean.copy()
    change = np.flatnonzero(clean[1:] != clean[:-1]) + 1
    bounce = change + 1
    bounce = bounce[bounce < len(out)]
    out[bounce] = 1 - clean[bounce]
    return out, clean


def raw_flow(seed, scale="full"):
    """Labels and the meter readings (L/min, WINDOW steps) of `generate.py --heads water --seed SEED
    --scale SCALE` (before the clip to the channel's range)."""
    n, n_groups = common.SCALES[scale]
    y, _, x, _ = common.by_group(common.head_rng(seed, HEAD), n, n_groups, len(CLASSES), _site, _example)
    return y, x[:, :, 0]
