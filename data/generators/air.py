"""air: indoor air-quality node (MQ-2 metal-oxide gas sensor, NDIR CO2, MOX VOC sensor,
temperature, humidity), one sample every 30 s; 6 samples (3 minutes) per example.

Physics
- Room mass balance for each pollutant: V dC/dt = S - Q (C - C_out) (source S, ventilation Q),
  integrated per 30 s step. CO2 source: occupants (0.005 L/s each, seated adult); gas leak: a
  methane/LPG release of 2..10 L/min; smoke: a smouldering source emitting particulates, VOCs,
  some CO2 and heat.
- MQ-2 (SnO2): sensor resistance Rs = R0 (C_eq / 1 ppm)^(-alpha) with alpha = 0.47 (LPG slope of
  the datasheet's log-log curve), smoke at 1/3 of the LPG sensitivity, clean-air plateau Rs/R0 ~ 9.8
  (the datasheet's air line); humidity/temperature cross-sensitivity Rs *= 1 - 0.006 (RH - 33)
  - 0.01 (T - 20) (datasheet curves, linearised); output through the load divider
  Vout = Vc RL / (RL + Rs), Vc = 5 V, RL = 5 kOhm; R0 differs per device (the part's
  spread) and drifts with age.
- NDIR CO2 (Beer-Lambert, factory-calibrated): reading = gain C + offset; the automatic baseline
  correction leaves a per-device offset (+-60 ppm) and gain error (sigma 3 %).
- VOC (MOX, ethanol-equivalent ppb): responds to bio-effluents of occupants, smoke (strongly) and
  hydrocarbons of the leak (weakly), log-compressed like the sensor's own index.
- Read-out (version 2), as a node's drivers report it after commissioning: the MQ-2 divider
  voltage is turned back into Rs = RL (Vc - V) / V and read as log10(Rs / R0) against the R0 the
  node measured in clean air when it was installed (within 5 %; the part's ageing since then stays
  in the reading) — the datasheet's own log-log axis; the VOC reading as log10(VOC / VOC0) against
  the baseline the MOX sensor learns (within 10 %), like the sensor's VOC index. Version 1 gave
  the raw divider voltage and ppb: the device-to-device R0 spread (sigma 20 %) and the VOC
  baseline (30..200 ppb) then hid weak leaks and smoke, and the ternary head's 8 levels per
  feature were spent on those offsets (held-out accuracy 0.70 -> 0.87 for seed 1, docs/DATA.md).
- Read-out (version 3), what the node's firmware derives from those readings before the head:
  co2_excess, the NDIR reading minus the outdoor-air reading its automatic baseline correction
  learned (the weekly minimum, room empty and aired; within 10 ppm), so the site's outdoor CO2
  and the device's offset are gone; gas_rise, the MQ-2 read as LPG-equivalent ppm on the
  datasheet's curve after its T/RH compensation (Rs/R0 divided by the same linearised factors),
  each step's ppm minus the window's first, signed log10(1 + |d| / 10 ppm): a leak that starts
  or grows inside the window, with levels of its own for the first tens of ppm; voc_rise, the
  VOC reading (log10(VOC/VOC0)) minus the window's first: a smouldering source's VOC climbing.
  Temperature and humidity are no longer channels (used by the compensation; no class needs
  them), mq2 and voc stay as version 2 read them (the shipped bad-reading check reads mq2).
- Classes: clean; co2_high (CO2 above ~1200 ppm from occupants in a poorly ventilated room); gas_leak;
  smoke. Leak and smoke onsets may fall inside the window (early, weak events overlap clean).

Nuisance per site (group_by = site): room volume (30..300 m3), air changes per hour (0.3..3),
outdoor CO2 (400..460 ppm), climate (18..28 degree C, 25..70 %RH); each site has 2 devices with their
own MQ-2 R0 (sigma 20 %, after burn-in), NDIR offset/gain and VOC baseline (device ids unique across sites). Subject constant.
"""

import numpy as np

import common

HEAD = "air"
CLASSES = ["clean", "co2_high", "gas_leak", "smoke"]
CHANNELS = [
    ("mq2", "log10(Rs/R0)", -2.0, 2.0),
    ("co2_excess", "ppm", -1000.0, 10000.0),  # NDIR 0..10000 ppm less an outdoor baseline <= 1000
    ("voc", "log10(VOC/VOC0)", -2.0, 3.0),
    ("gas_rise", "slog10(ppm/10)", -6.0, 6.0),  # +-10^6 ppm: the MQ-2 curve's whole span
    ("voc_rise", "log10", -5.0, 5.0),  # difference of two voc readings
]
WINDOW = 6
SAMPLE_RATE_HZ = 1.0 / 30.0
PIPELINE = {"name": "raw_samples", "params": {"period_s": 30, "aggregate": "mean_of_1hz"}}
GROUP_BY = "site"
VERSION = 4
LABEL_NOISE = common.ANNOTATION_NOISE

DT = 30.0  # s


def _site(rng, gid, ref, ref3):
    s = {
        "vol": np.exp(rng.uniform(np.log(30), np.log(300))), "ach": rng.uniform(0.3, 3.0),
        "c_out": rng.uniform(400, 460), "t": rng.uniform(18, 28), "rh": rng.uniform(25, 70),
        "dev": [{"r0": common.lognormal_factor(rng, 0.2), "co2_off": rng.uniform(-60, 60),
                 "co2_gain": common.lognormal_factor(rng, 0.03),
                 "voc_base": rng.uniform(30, 200), "aging": rng.uniform(-0.1, 0.1)}
                for _ in range(2)],
    }
    for dev in s["dev"]:  # R0 as measured at commissioning in clean air: within 5 %
        dev["r0_cal"] = dev["r0"] * common.lognormal_factor(ref, 0.05)
        dev["voc_cal"] = dev["voc_base"] * common.lognormal_factor(ref, 0.10)
        # version 3: the NDIR's outdoor-air reading, as its automatic baseline correction learns
        # it from the weekly minimum (the room empty and aired): within 10 ppm. A stream of its
        # own, so that version 2's references (ref) stay as they were, draw for draw.
        dev["co2_base"] = dev["co2_gain"] * s["c_out"] + dev["co2_off"] + ref3.normal(0, 10)
    return s


def _example(rng, c, s):
    T = WINDOW
    d = rng.integers(0, 2)
    dev = s["dev"][d]
    vol_l = s["vol"] * 1000.0
    q = s["ach"] * s["vol"] * 1000.0 / 3600.0  # L/s
    people = rng.integers(0, 3)
    if c == 1:  # enough people for the steady state to exceed ~1200 ppm
        q = min(q, rng.uniform(2.0, 12.0) * 5.0)
        people = max(1, int(np.ceil((rng.uniform(800, 2000)) * q / 1e6 / 0.005)))
    co2_ss = s["c_out"] + people * 0.005 * 1e6 / q
    if c != 1:
        co2_ss = min(co2_ss, rng.uniform(600, 1000))
    co2 = co2_ss + rng.normal(0, 40)
    leak = smoke = 0.0
    onset = rng.integers(-8, 2)  # event onset step (negative: already running before the window)
    if c == 2:
        leak = rng.uniform(2.0, 10.0) / 60.0  # L/s of gas
    if c == 3:
        smoke = rng.uniform(0.5, 3.0)  # arbitrary source strength
    gas = 0.0 if onset >= 0 else leak * 1e6 / q * (1 - np.exp(onset * DT * q / vol_l))
    sm = 0.0 if onset >= 0 else smoke * 200 * (1 - np.exp(onset * DT * q / vol_l))
    t = s["t"] + rng.normal(0, 1.0)
    rh = s["rh"] + rng.normal(0, 3.0)
    rows = []
    for k in range(T):
        on = k >= onset
        # mass balance, one explicit step of DT (ppm of the room)
        gas += DT * ((leak * 1e6 if on else 0.0) - q * gas) / vol_l
        sm += DT * ((smoke * 200 * q if on else 0.0) - q * sm) / vol_l
        co2 += DT * (people * 0.005 * 1e6 + (sm * 0.3 * q) - q * (co2 - s["c_out"])) / vol_l
        temp = t + 0.002 * sm + rng.normal(0, 0.1)
        hum = rh + rng.normal(0, 0.5)
        c_eq = 300.0 + gas + sm / 3.0 + rng.normal(0, 20.0)  # LPG-equivalent ppm; clean air ~ 300
        rs_r0 = 9.8 * (max(c_eq, 1.0) / 300.0) ** (-0.47)
        rs_r0 *= (1 - 0.006 * (hum - 33)) * (1 - 0.01 * (temp - 20))
        rs = 5.0 * dev["r0"] * (1 + dev["aging"]) * rs_r0  # kOhm; R0 median 5 kOhm
        v_mq2 = 5.0 * 5.0 / (5.0 + rs) + rng.normal(0, 0.01)
        co2_read = dev["co2_gain"] * co2 + dev["co2_off"] + rng.normal(0, 15)
        voc = dev["voc_base"] * (1 + 0.3 * people) + 8.0 * sm + 0.02 * gas
        voc *= common.lognormal_factor(rng, 0.08)
        # The driver turns the divider voltage back into Rs = RL (Vc - V) / V and reads it
        # against its commissioning R0 on the datasheet's log axis; ageing since then remains.
        rs_read = 5.0 * (5.0 - v_mq2) / max(v_mq2, 1e-3)
        mq2 = np.log10(rs_read / (5.0 * dev["r0_cal"]))
        rows.append([mq2, co2_read, np.log10(max(voc, 1.0) / dev["voc_cal"]), temp, hum])
    return derive(np.array(rows), dev["co2_base"]), d


def derive(raw, co2_base):
    """Version 3's channels from version 2's readings raw[T, (mq2, co2, voc, temp, humidity)]."""
    mq2, co2, voc, temp, hum = raw.T
    # T/RH compensation by the datasheet's curves (the factors the model applies, inverted), then
    # the LPG-equivalent ppm on the log-log curve (clean air: Rs/R0 = 9.8 at 300 ppm)
    rs_r0 = 10.0 ** mq2 / ((1 - 0.006 * (hum - 33)) * (1 - 0.01 * (temp - 20)))
    ppm = 300.0 * (np.maximum(rs_r0, 1e-3) / 9.8) ** (-1 / 0.47)
    d = ppm - ppm[0]
    # a change, not a level: the sensor's ageing since commissioning (+-10 % on Rs) shifted the
    # clean-air level by +-60 ppm, as much as a weak leak; in a change it is only a factor
    # (+-20 %) on the rise, and clean air reads 0 whatever the ageing, T or RH
    gas_rise = np.sign(d) * np.log10(1 + np.abs(d) / 10.0)
    return np.stack([mq2, co2 - co2_base, voc, gas_rise, voc - voc[0]], axis=1)


def generate(rng, n, n_groups):
    ref = common.side_rng(rng)
    ref3 = common.side_rng(ref)
    y, g, x, d = common.by_group(rng, n, n_groups, len(CLASSES),
                                 lambda r, gid: _site(r, gid, ref, ref3), _example)
    return y, {"site": g, "device": 2 * g + d}, x
