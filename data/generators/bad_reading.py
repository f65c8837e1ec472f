"""bad_reading: is the LAST reading of one sensor channel trustworthy? One channel, the last 16
samples, normalised by the channel's physical range: r = (raw - min) / (max - min), so 0 and 1 are
the datasheet limits whatever the sensor. The dispatcher runs it before a sensor head and gates
that head on the answer (valid: run; otherwise hold the last good decision).

Signals (one sensor kind per device, the physics of the domain generators, simplified):
- temperature (agri.py): diurnal cosine (amplitude 2..8 K around 5..30 degC on -40..85 degC) +
  slow weather drift, sample every 1..10 min;
- co2 (occupancy.py / air.py): room mass balance, first-order approach to a target that steps
  when people arrive or leave (time constant 3..15 samples), 400..5000 ppm on 0..10000 ppm;
- soil moisture (agri.py): bucket dry-down (exponential towards the wilting point) with
  occasional irrigation jumps, 10..45 %VWC on 0..100 %;
- pressure (water.py): supply pressure 2.5..6 bar on 0..10 bar, dropping by r Q^2 while a draw
  runs (draws start and stop inside the window);
- current (power.py): appliance on/off steps between standby and 1..15 A on 0..30 A, with a motor
  inrush on some switch-ons.
Every device adds white noise (0.05..1 % of range) and an ADC step (10..14 bits over the range),
so slow channels repeat the same code for a few samples when valid.

Classes (for the last sample, index 15; the 15 before are the context):
- valid:        the process as simulated (fast legitimate changes included: a CO2 step, a current
                switch or inrush, a pressure drop, an irrigation jump may start at the last sample)
- stuck:        the last k = 3..12 readings are the same code (a frozen ADC, a stale register,
                a hung bus returning its last value) while the process moved on
- spike:        the last reading jumps by 8..60 % of the range off the process (EMI, a bit error)
                and stays within the physical limits
- out_of_range: the last reading lies outside [0, 1] by 1..45 % of the range: an open or shorted
                input at the rail, a sensor error code decoded as a value, a wrong scale
The channel's limits are -0.5..1.5 (the normaliser saturates there), beyond any reading.

Input (pipeline reading_context, version 2): not the 16 readings but five integers computed
from them in Q24 (reading_context.py, the same definition as apps/reading_check.cpp): how far the
last reading lies outside [0, 1], the trailing run of equal readings, the longest run before it,
the last step and the last step against the context's mean step (log scales). Version 1 fed the
16 readings themselves: quantised to 16 levels each (banded), a valid slow channel looked
constant, i.e. stuck (held-out accuracy 0.75, docs/APPS.md §10).
Devices (group_by = device; site = device // 3: three devices per site share an ambient).

Limits: one fault at a time and only at the end of the window (a fault that started earlier and
persists shows as stuck; an earlier spike is left out); no slow drift or gain faults (invisible
in 16 samples); noise is white; the legitimate steps at the last sample are genuinely ambiguous
with spikes (about 1 in 16 of the valid examples of the step-like kinds).
"""

import numpy as np

import common
import reading_context

HEAD = "bad_reading"
CLASSES = ["valid", "stuck", "spike", "out_of_range"]
CHANNELS = reading_context.CHANNELS  # five features of the 16 readings, one timestep
WINDOW = 1
READINGS = reading_context.WINDOW  # the 16 normalised readings the features are computed from
SAMPLE_RATE_HZ = 0.1  # nominal; each device samples every 10 s .. 10 min (the physics scale)
PIPELINE = {"name": "reading_context",
            "params": {"readings": "16 x (raw - min) / (max - min), saturated to -0.5..1.5, in Q24",
                       "features": ",".join(reading_context.NAMES), "last": "the reading to judge",
                       "definition": "data/generators/reading_context.py, apps/reading_check.cpp"}}
GROUP_BY = "device"
VERSION = 2
LABEL_NOISE = 0.01

KINDS = ["temperature", "co2", "soil_moisture", "pressure", "current"]


def _device(rng, gid):
    return {"kind": KINDS[gid % len(KINDS)], "noise": rng.uniform(0.0005, 0.01),
            "bits": int(rng.integers(10, 15)), "rate": rng.uniform(0.3, 3.0),
            "tau": rng.uniform(3, 15), "base": rng.uniform(0.0, 1.0)}


def _process(rng, d, T):
    """The true normalised signal over T samples."""
    t = np.arange(T) * d["rate"]
    k = d["kind"]
    if k == "temperature":  # -40..85 degC
        mean = (rng.uniform(5, 30) + 40) / 125
        amp = rng.uniform(2, 8) / 125
        ph = rng.uniform(0, 2 * np.pi)
        return mean + amp * np.cos(2 * np.pi * t / 144 + ph) + np.cumsum(rng.normal(0, 0.0005, T))
    if k == "co2":  # 0..10000 ppm
        level = rng.uniform(400, 1500) / 10000
        target = np.full(T, level)
        if rng.random() < 0.6:
            s = int(rng.integers(0, T))
            target[s:] = rng.uniform(400, 5000) / 10000
        x = np.empty(T)
        x[0] = level
        a = 1 - np.exp(-1 / d["tau"])
        for i in range(1, T):
            x[i] = x[i - 1] + a * (target[i] - x[i - 1])
            if target[i] != target[i - 1]:
                x[i] += 0.3 * (target[i] - x[i - 1])  # people enter: a fast local rise
        return x
    if k == "soil_moisture":  # 0..100 %VWC
        wp = rng.uniform(0.08, 0.15)
        x = wp + (rng.uniform(0.2, 0.45) - wp) * np.exp(-t / rng.uniform(200, 2000))
        if rng.random() < 0.3:
            s = int(rng.integers(0, T))
            x[s:] += rng.uniform(0.05, 0.2)  # irrigation
        return x
    if k == "pressure":  # 0..10 bar
        p0 = rng.uniform(2.5, 6.0)
        q = np.zeros(T)
        if rng.random() < 0.6:
            s = int(rng.integers(0, T))
            e = int(rng.integers(s + 1, T + 8))
            q[s:e] = rng.uniform(4, 15)
        return (p0 - rng.uniform(0.4, 1.5) / 400 * q ** 2) / 10
    # current, 0..30 A
    on = rng.uniform(1, 15) / 30
    standby = rng.uniform(0.0, 0.3) / 30
    x = np.full(T, standby if rng.random() < 0.5 else on)
    if rng.random() < 0.6:
        s = int(rng.integers(0, T))
        new = on if x[0] == standby else standby
        x[s:] = new
        if new == on and rng.random() < 0.5:
            x[s] = min(on * rng.uniform(3, 6), 0.99)  # motor inrush
    return x


def _example(rng, c, d):
    T = READINGS
    x = _process(rng, d, T) + rng.normal(0, d["noise"], T)
    x = np.clip(x, 0.0, 1.0)  # the sensor itself saturates at its limits
    lsb = 1.0 / (2 ** d["bits"] - 1)
    x = np.round(x / lsb) * lsb
    if c == 1:  # stuck: the last k codes frozen at the value read k samples ago
        k = int(rng.integers(3, 13))
        x[T - k:] = x[T - k]
    elif c == 2:  # spike within the physical limits
        amp = rng.uniform(0.08, 0.6)
        v = x[-2] + amp * (1 if rng.random() < 0.5 else -1)
        if not 0.0 <= v <= 1.0:
            v = x[-2] - (v - x[-2])
        x[-1] = np.clip(v, 0.0, 1.0)
    elif c == 3:  # outside the datasheet range
        over = rng.uniform(0.01, 0.45)
        x[-1] = 1.0 + over if rng.random() < 0.5 else -over
    return x[:, None], 0


def readings(rng, n, n_groups):
    """Labels, groups and the raw normalised readings x[n, 16, 1] (what the features come from)."""
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), _device, _example)
    return y, {"device": g, "site": g // 3}, x


def generate(rng, n, n_groups):
    y, groups, x = readings(rng, n, n_groups)
    f = [reading_context.features([reading_context.to_q24(v) for v in w[:, 0]]) for w in x]
    return y, groups, np.array(f, dtype=float)[:, None, :]
