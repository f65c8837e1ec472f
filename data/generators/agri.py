"""agri: a field station (soil moisture probe, air temperature/humidity, soil temperature, leaf
wetness) sampled hourly; 6 hours per example.

Physics
- Air temperature: diurnal cosine T(h) = Tm + A cos(2 pi (h - 15) / 24) (minimum near sunrise);
  frost nights add radiative cooling (clear sky) that pulls the night minimum below 1 degree C.
- Humidity: the air's dew point Td stays roughly constant over hours, so RH = 100 es(Td) / es(T)
  (Tetens saturation vapour pressure); RH rises at night as T approaches Td.
- Soil temperature: heat diffusion into a semi-infinite soil, at depth z the diurnal wave is damped
  by exp(-z/d) and lags by z/d * 24 / (2 pi) hours (damping depth d ~ 10 cm, probe at 10 cm).
- Soil moisture: bucket model theta(t+1) = theta(t) - ET(t) / root_depth with evapotranspiration
  driven by the vapour pressure deficit VPD = es(T) - ea (FAO-56 style, k_et mm/h per kPa, daytime
  only). Field capacity FC and wilting point WP depend on the site's soil texture; irrigation is
  due below the refill point WP + 0.5 (FC - WP) (50 % management-allowed depletion).
- Leaf wetness: wet when the leaf reaches dew point (T - Td < 1.5 K) or during light rain,
  drying at a rate proportional to VPD.
- Classes: healthy; needs_irrigate (theta below the site's refill point); frost_risk (night
  minimum <= 1 degree C, falling temperature); pest_favorable (fungal-infection weather: leaf wet
  >= 4 of 6 hours at 15..27 degree C, the "wet-hours x temperature" rule of disease models);
  sensor_fault (a step in one reading, dropout to a rail, condensation on the RH sensor, a spike).
- Version 2's channels (version 1: the five readings as read): soil moisture as a percentage of
  the station's field-capacity reading (taken after the soil drained from a soaking, within
  0.5 %VWC, side stream), which takes out the probe's gain and most of the soil texture; the soil
  temperature (a damped, lagged copy of the air's) is replaced by a rate-of-change score (sensor
  QC): log2(1 + the largest hourly change over the five readings, each over its MAX_RATE).

Nuisance per site (group_by = site): soil texture (FC 0.27..0.35 m3/m3, WP = 0.35..0.5 FC),
climate (mean temperature, diurnal amplitude, dew-point depression), the moisture probe's
calibration (gain sigma 5 %, offset +-1 %VWC; capacitive probes are calibrated for one soil), air
sensor offsets (+-0.4 K, +-3 %RH). One station per site: device = site, subject constant.
"""

import numpy as np

import common

HEAD = "agri"
CLASSES = ["healthy", "needs_irrigate", "frost_risk", "pest_favorable", "sensor_fault"]
CHANNELS = [  # name, unit, min, max (sensor ranges; the derived channels: what they can reach)
    ("soil_moisture_fc", "%FC", 0.0, 500.0),
    ("air_temp", "degC", -40.0, 85.0),
    ("rel_humidity", "%RH", 0.0, 100.0),
    ("step_score", "log2", 0.0, 8.0),
    ("leaf_wetness", "%", 0.0, 100.0),
]
RAW_LIMITS = [(0.0, 100.0), (-40.0, 85.0), (0.0, 100.0), (-55.0, 125.0), (0.0, 100.0)]
WINDOW = 6
SAMPLE_RATE_HZ = 1.0 / 3600.0
PIPELINE = {"name": "field_station", "params": {"period_s": 3600, "aggregate": "instantaneous",
                                               "soil_moisture": "100 reading / field-capacity reading",
                                               "step_score": "log2(1 + max_c |dx_c| / max_rate_c)",
                                               "max_rate": [2.0, 4.0, 15.0, 1.5, 70.0]}}
GROUP_BY = "site"
VERSION = 3
LABEL_NOISE = common.ANNOTATION_NOISE

ROOT_DEPTH_MM = 300.0
PROBE_DEPTH_OVER_D = 1.0  # soil temperature probe depth / damping depth


def _site(rng, gid):
    fc = rng.uniform(0.27, 0.35)
    return {
        "fc": fc, "wp": fc * rng.uniform(0.35, 0.5),
        "tm": rng.uniform(10.0, 24.0), "amp": rng.uniform(4.0, 8.0),
        "dep": rng.uniform(4.0, 10.0),  # typical dew-point depression at the daily mean, K
        "k_et": rng.uniform(0.12, 0.25),  # mm/h per kPa of VPD
        "p_gain": common.lognormal_factor(rng, 0.05), "p_off": rng.uniform(-1.0, 1.0),
        "t_off": rng.uniform(-0.4, 0.4), "rh_off": rng.uniform(-3.0, 3.0),
    }


def _example(rng, c, s, ref):
    T = WINDOW
    refill = s["wp"] + 0.5 * (s["fc"] - s["wp"])
    tm, amp = s["tm"] + rng.normal(0, 3.0), s["amp"] * rng.uniform(0.8, 1.2)
    h0 = rng.integers(0, 24)
    td_dep = s["dep"] * rng.uniform(0.7, 1.3)
    wet_episode = False
    if c == 2:  # frost: a clear, cold night (start between 22 h and 2 h), minimum <= 1 C
        h0 = (22 + rng.integers(0, 5)) % 24
        tmin = rng.uniform(-4.0, 1.0)
        amp = rng.uniform(6.0, 10.0)  # clear sky: large diurnal range
        tm = tmin + amp
        td_dep = rng.uniform(3.0, 9.0)
    elif c == 3:  # warm and wet leaves: dew or drizzle
        tm = rng.uniform(16.0, 25.0)
        td_dep = rng.uniform(0.0, 2.0)
        wet_episode = True
    else:  # keep the other classes out of the frost band: night minimum >= 3 C
        tm = max(tm, 3.0 + amp + rng.uniform(0.0, 6.0))
    hours = (h0 + np.arange(T)) % 24
    t_air = tm + amp * np.cos(2 * np.pi * (hours - 15) / 24)
    if c == 2:  # radiative cooling: the last hours fall faster than the cosine
        t_air -= np.linspace(0, rng.uniform(0.5, 2.0), T)
    td = tm - td_dep + rng.normal(0, 0.3, T).cumsum() * 0.3
    td = np.minimum(td, t_air)
    rh = 100.0 * common.sat_vapour_kpa(td) / common.sat_vapour_kpa(t_air)
    lag = PROBE_DEPTH_OVER_D * 24 / (2 * np.pi)
    t_soil = tm + 1.0 + amp * np.exp(-PROBE_DEPTH_OVER_D) * np.cos(2 * np.pi * (hours - 15 - lag) / 24)
    # soil water bucket
    if c == 1:
        theta0 = rng.uniform(s["wp"], refill - 0.02)
    else:
        theta0 = rng.uniform(refill + 0.02, s["fc"] + 0.02)
    vpd = np.maximum(common.sat_vapour_kpa(t_air) - common.sat_vapour_kpa(td), 0.0)
    day = ((hours >= 7) & (hours <= 19)).astype(float)
    et = s["k_et"] * vpd * day
    theta = theta0 - np.concatenate([[0.0], np.cumsum(et[:-1])]) / ROOT_DEPTH_MM
    # leaf wetness: wet near dew point or in drizzle, dries with VPD
    lw = np.zeros(T)
    w = rng.uniform(0, 30) if rng.random() < 0.3 else 0.0
    drizzle_start = rng.integers(0, 3) if wet_episode and rng.random() < 0.5 else T
    for t in range(T):
        if t_air[t] - td[t] < 1.5 or t >= drizzle_start:
            w = min(100.0, w + rng.uniform(30, 70))
        else:
            w = max(0.0, w - 60.0 * vpd[t])
        lw[t] = w
    if c == 3 and (lw > 50).sum() < 4:  # make sure the infection rule holds
        lw[: 4 + rng.integers(0, 3)] = rng.uniform(60, 100)
    if c != 3 and (lw > 50).sum() >= 4 and 15 <= t_air.mean() <= 27:
        lw[2:] *= 0.2  # not pest weather: the leaves dried
    x = np.stack([
        s["p_gain"] * 100.0 * theta + s["p_off"] + rng.normal(0, 0.5, T),
        t_air + s["t_off"] + rng.normal(0, 0.15, T),
        np.minimum(rh + s["rh_off"] + rng.normal(0, 1.0, T), 100.0),
        t_soil + rng.normal(0, 0.1, T),
        lw + rng.normal(0, 2.0, T),
    ], axis=1)
    if c == 4:  # sensor faults, one channel
        kind = rng.integers(0, 4)
        ch = rng.integers(0, len(CHANNELS))
        t0 = rng.integers(0, 3)
        if kind == 0:  # a step: the probe lost contact / a connector's resistance changed
            x[t0 + 1:, ch] += rng.choice([-1, 1]) * rng.uniform(12, 30)
        elif kind == 1:  # dropout to a rail (open circuit reads min or max)
            x[t0:, ch] = RAW_LIMITS[ch][0] if rng.random() < 0.5 else RAW_LIMITS[ch][1]
        elif kind == 2:  # condensation on the RH sensor: pinned at 100 % in dry air
            x[:, 2] = 100.0
            x[:, 4] = np.abs(rng.normal(0, 2.0, T))
        else:  # a spike (EMI, loose connector)
            x[t0, ch] += rng.choice([-1, 1]) * rng.uniform(25, 60)
    return _derived(x, s)


def _refs(s, ref):
    """The station's own reference (side stream): the probe's reading at field capacity, taken
    when the soil has drained for a day or two after soaking rain or irrigation (the usual
    in-field method; within 0.5 %VWC). It carries the probe's gain and offset, as the readings do."""
    return {**s, "fc_read": s["p_gain"] * 100 * s["fc"] + s["p_off"] + ref.normal(0, 0.5)}


# Rate-of-change test (sensor QC, e.g. QARTOD): the largest hourly change each channel can make
# without a fault in this model (no rain or irrigation inside a window): soil moisture %VWC,
# air temperature K, RH %, soil temperature K, leaf wetness %.
MAX_RATE = np.array([2.0, 4.0, 15.0, 1.5, 70.0])


def _derived(x, s):
    """What the head sees, from the 5 raw readings x[T, 5]: soil moisture as a percentage of the
    site's field-capacity reading; air temperature, RH and leaf wetness as read; and, in place of
    the soil temperature (a damped copy of the air's), the step score: log2(1 + the largest hourly
    change over the 5 channels, each in units of its MAX_RATE), 0 at the first hour."""
    lim = np.array(RAW_LIMITS)
    x = np.clip(x, lim[:, 0], lim[:, 1])  # each sensor saturates at its own range first
    rel = 100 * x[:, 0] / s["fc_read"]
    d1 = np.abs(np.diff(x, axis=0)) / MAX_RATE
    step = np.log2(1 + np.concatenate([[0.0], d1.max(axis=1)]))
    return np.stack([rel, x[:, 1], x[:, 2], step, x[:, 4]], axis=1)


def generate(rng, n, n_groups):
    ref = common.side_rng(rng)
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), lambda r, gid: _refs(_site(r, gid), ref),
                                  lambda r, c, s: _example(r, c, s, ref))
    return y, {"site": g, "device": g}, x
