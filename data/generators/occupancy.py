"""occupancy: a room node (PIR motion, NDIR CO2, microphone level, temperature), one sample every
5 minutes; 6 samples (30 minutes) per example.

Physics
- CO2 mass balance of a well-mixed room: V dC/dt = N G + Q (C_out - C), G = 0.0052 L/s per
  seated adult (ASHRAE 62.1 metabolic rate 1.2 met), Q = ACH V / 3600; integrated per minute. The
  window starts from the previous state (the room was empty / occupied / crowded before, with the
  number of people changing at a random minute), so a room just emptied still holds high CO2.
- Heat: each person adds ~100 W sensible heat into a first-order room (heat capacity C_room,
  loss UA per site); the channel is the rise over the site's unoccupied baseline.
- PIR: Poisson triggers at a rate growing with people and their activity; sedentary people
  (meeting, desk work) move rarely, so a PIR misses them (rate 0.2..1 per minute per person,
  saturating: a PIR re-arms after ~2..8 s of hold time).
- Sound: energy sum of speakers (55..65 dB SPL at 1 m each, a fraction talking at a time),
  HVAC and street background 30..45 dB.
- Version 2's channels, read against what the node knows of its room (side stream): CO2 above
  the empty room's night reading (within 10 ppm: outdoor air plus the sensor's offset); the
  occupancy the CO2 mass balance implies, per 5-minute step N = (C_ss - C_night) Q / G with
  C_ss = (C - C_prev e^(-ACH dt)) / (1 - e^(-ACH dt)), over the rated capacity (volume from the
  floor plan within 10 %, ACH from a CO2 decay within 15 %); the sound level above the empty
  room's floor (within 1 dB). Version 1: CO2 and sound as read. PIR and temperature unchanged.
- Classes by the number of people N at the end of the window relative to the room's capacity:
  empty (N = 0), occupied (1 <= N < 0.4 capacity), crowded (N >= 0.6 capacity); capacity
  = volume / (5..7 m3 per person).

Nuisance per site (group_by = site): room volume (25..250 m3) and capacity, ventilation
(0.5..5 ACH), outdoor CO2, background noise, PIR placement (sensitivity factor), the CO2 sensor's
offset; device = site. Subject constant.
"""

import numpy as np

import common

HEAD = "occupancy"
CLASSES = ["empty", "occupied", "crowded"]
CHANNELS = [
    ("pir_rate", "1/min", 0.0, 60.0),
    ("co2_excess", "ppm", -1000.0, 10000.0),
    ("occupancy_est", "1", -3.0, 5.0),
    ("sound_excess", "dB", -20.0, 90.0),
    ("temp_rise", "K", -10.0, 20.0),
]
WINDOW = 6
SAMPLE_RATE_HZ = 1.0 / 300.0
PIPELINE = {"name": "window_stats", "params": {"period_s": 300, "pir": "triggers per minute",
                                              "co2": "last - night baseline",
                                              "occupancy": "CO2 mass balance / capacity",
                                              "sound": "Leq - empty-room floor", "temp": "mean - baseline"}}
GROUP_BY = "site"
VERSION = 3
G_L_S = 0.0052  # CO2 per seated adult, L/s (ASHRAE 62.1, 1.2 met)
LABEL_NOISE = common.ANNOTATION_NOISE


def _site(rng, gid):
    vol = np.exp(rng.uniform(np.log(25), np.log(250)))
    return {"vol": vol, "cap": max(4, int(vol / rng.uniform(5, 7))), "ach": rng.uniform(0.5, 5.0),
            "c_out": rng.uniform(400, 460), "bg": rng.uniform(30, 45),
            "pir": common.lognormal_factor(rng, 0.4), "co2_off": rng.uniform(-50, 50),
            "ua": rng.uniform(80, 300), "tau": rng.uniform(20, 60)}


def _people(rng, c, cap):
    if c == 0:
        return 0
    if c == 1:
        return int(rng.integers(1, max(2, int(np.ceil(0.4 * cap)))))
    return int(rng.integers(int(np.ceil(0.6 * cap)), int(1.2 * cap) + 1))


def _example(rng, c, s, ref):
    n_end = _people(rng, c, s["cap"])
    n_before = _people(rng, rng.integers(0, 3), s["cap"]) if rng.random() < 0.4 else n_end
    change = rng.integers(-30, 30)  # minute of the change (negative: before the window)
    q = s["ach"] * s["vol"] * 1000 / 3600
    vol_l = s["vol"] * 1000
    c_room = s["c_out"] + n_before * 5.2 * 1e3 / q * rng.uniform(0.3, 1.0)
    heat = n_before * 100 / s["ua"] * rng.uniform(0.3, 1.0)
    activity = rng.uniform(0.2, 1.0)
    c_prev = c_room + s["co2_off"] + ref.normal(0, 15)  # the reading just before the window
    rows = []
    for k in range(WINDOW):
        trig = 0.0
        for m in range(5):
            minute = 5 * k + m
            n = n_end if minute >= change else n_before
            for _ in range(6):  # 10 s sub-steps of the mass balance
                c_room += 10 * (n * G_L_S * 1e6 - q * (c_room - s["c_out"])) / vol_l
            heat += (n * 100 / s["ua"] - heat) / s["tau"]
            rate = 8 * (1 - np.exp(-n * activity * s["pir"] / 3))
            trig += rng.poisson(rate)
        talk = rng.binomial(n, 0.3) if n else 0
        lvl = 10 * np.log10(10 ** (s["bg"] / 10) + talk * 10 ** (rng.uniform(55, 65) / 10) +
                            n * 10 ** (40 / 10))
        rows.append([trig / 5, c_room + s["co2_off"] + rng.normal(0, 15),
                     lvl + rng.normal(0, 1.5), heat + rng.normal(0, 0.1)])
    x = np.array(rows)
    co2_excess, occ = _mass_balance(x[:, 1], c_prev, s)
    return np.stack([x[:, 0], co2_excess, occ, x[:, 2] - s["floor"], x[:, 3]], axis=1)


def _refs(s, ref):
    """What the node knows of its room (side stream): the CO2 reading of the empty room at night
    (outdoor air plus the sensor's offset, within 10 ppm), volume from the floor plan (10 %),
    air changes per hour from a CO2 decay after the room emptied (15 %), the sound floor of the
    empty room (1 dB); capacity is the room's rated occupancy, entered at installation."""
    return {**s, "night": s["c_out"] + s["co2_off"] + ref.normal(0, 10),
            "vol_hat": s["vol"] * common.lognormal_factor(ref, 0.1),
            "ach_hat": s["ach"] * common.lognormal_factor(ref, 0.15),
            "floor": s["bg"] + ref.normal(0, 1.0)}


def _mass_balance(co2, c_prev, s):
    """CO2 above the night baseline, and the occupancy it implies: the room's mass balance solved
    for the people, per 5-minute step. Over a step of dt the reading moves from C_prev towards the
    steady state C_ss = C_out + N G / Q by the factor 1 - exp(-ACH dt), so C_ss = (C - C_prev
    e^(-ACH dt)) / (1 - e^(-ACH dt)) and N = (C_ss - C_out) Q / G, read as a share of capacity.
    Measurement noise is amplified by 1 / (1 - e^(-ACH dt)) (x24 at 0.5 ACH); in capacity units
    that is ~0.1 at most."""
    prev = np.concatenate([[c_prev], co2[:-1]])
    a = np.exp(-300 * s["ach_hat"] / 3600)
    css = (co2 - prev * a) / (1 - a)
    q = s["ach_hat"] * s["vol_hat"] * 1000 / 3600  # L/s
    return co2 - s["night"], (css - s["night"]) * q / (G_L_S * 1e6) / s["cap"]


def generate(rng, n, n_groups):
    ref = common.side_rng(rng)
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), lambda r, gid: _refs(_site(r, gid), ref),
                                  lambda r, c, s: _example(r, c, s, ref))
    return y, {"site": g, "device": g}, x
