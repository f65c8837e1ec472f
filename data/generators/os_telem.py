"""os_telem: an ESP32-class device's own telemetry, one sample every 5 s; 4 samples per example.

Physics / mechanisms
- Heap: free heap = baseline (firmware-specific) - allocations of the current workload, with a
  leak (low_memory: linear loss 0.5..4 KB per sample, plus fragmentation noise) pushing it under
  ~40 KB.
- Die temperature: first-order thermal RC, T = T_amb + P R_th (1 - exp(-t / tau)) + ... with power
  P from the CPU duty cycle; overheating = a hot enclosure / stuck busy loop (T_amb high, duty 1)
  taking the die past ~80 degree C. The ADC noise floor grows with temperature.
- RSSI: log-distance path loss PL(d) = PL0 + 10 n log10(d) with shadowing (sigma 4 dB);
  wifi_degraded = extra attenuation (walls, interference) of 12..30 dB: retransmissions raise the
  loop latency and the send queue depth.
- Battery: V = OCV(SoC) - I R_int; power_fault = an old cell (R_int 0.4..1.2 Ohm) or a weak supply:
  the voltage sags under the radio's current bursts (250..400 mA), below the 3.0 V regulator
  dropout the brownout detector counts resets, and the ripple lifts the ADC noise.
- Classes: normal / low_memory / overheating / wifi_degraded / power_fault.
- Version 2's channels (version 1: cpu_temp, rssi and loop_latency as read) read three signals
  against the device's own references, logged over its first day in service (healthy, typical
  duty): temp_excess = die temperature - its day-one mean (the reading minus what this device's
  enclosure, ambient and thermal resistance usually give), rssi_drop = RSSI - its day-one median
  at this place (the path loss of its distance drops out; only new attenuation is left),
  latency_ratio = log2(loop latency / its day-one median) (the firmware build's base latency drops
  out). The references come from the side stream (common.side_rng; within 1 K, 1 dB and 3 %):
  the examples are version 1's draw for draw.

Nuisance per device (group_by = device): firmware build (baseline heap 120..260 KB, base loop
latency 5..30 ms, typical queue), ambient temperature of its location (15..38 degree C), distance
to the access point (2..25 m), battery age (R_int 0.08..0.3 Ohm healthy), ADC noise floor. Site and
subject constant.
"""

import numpy as np

import common

HEAD = "os_telem"
CLASSES = ["normal", "low_memory", "overheating", "wifi_degraded", "power_fault"]
CHANNELS = [
    ("free_heap", "KiB", 0.0, 520.0),
    ("temp_excess", "K", -40.0, 80.0),
    ("rssi_drop", "dB", -60.0, 30.0),
    ("battery", "mV", 0.0, 4500.0),
    ("latency_ratio", "log2", -3.0, 7.0),
    ("adc_noise", "LSB", 0.0, 4095.0),
    ("queue_depth", "items", 0.0, 64.0),
    ("brownout", "resets", 0.0, 10.0),
]
WINDOW = 4
SAMPLE_RATE_HZ = 0.2
PIPELINE = {"name": "raw_samples", "params": {"period_s": 5, "aggregate": "last (counters: delta)",
                                             "references": "first day in service: median rssi, mean die "
                                                           "temperature, median loop latency",
                                             "temp_excess": "cpu_temp - reference",
                                             "rssi_drop": "rssi - reference",
                                             "latency_ratio": "log2(min(loop_latency, 1000 ms) "
                                                              "/ reference)"}}
GROUP_BY = "device"
VERSION = 3
LABEL_NOISE = common.ANNOTATION_NOISE


def _device(rng, gid, ref):
    d = {
        "heap": rng.uniform(120, 260), "lat": rng.uniform(5, 30), "queue": rng.uniform(0, 4),
        "t_amb": rng.uniform(15, 38), "dist": rng.uniform(2, 25), "r_int": rng.uniform(0.08, 0.3),
        "adc": rng.uniform(2, 8), "rth": rng.uniform(25, 45), "soc": rng.uniform(0.3, 1.0),
    }
    # The device's own references, logged over its first day in service (healthy, typical load
    # duty 0.4): the median RSSI at its place, die temperature and loop latency. From the side
    # stream: the examples stay version 1's draw for draw. Temperature: the ambient plus the
    # typical 0.45 W (duty 0.4) through R_th, 90 % warmed up; latency: the build's base at duty 0.4
    # plus the median of the 3 ms exponential jitter.
    d["rssi_ref"] = 20 - (40 + 27 * np.log10(d["dist"])) + ref.normal(0, 1.0)
    d["t_ref"] = d["t_amb"] + 0.45 * d["rth"] * 0.9 + ref.normal(0, 1.0)
    d["lat_ref"] = d["lat"] * 1.4 * common.lognormal_factor(ref, 0.03) + 2.0
    return d


def _ocv(soc):
    """Li-ion open-circuit voltage (V) vs state of charge, a smooth fit of a typical LCO cell."""
    return 3.3 + 0.9 * soc - 0.25 * np.exp(-12 * soc) + 0.05 * np.sin(np.pi * soc)


def _example(rng, c, d):
    T = WINDOW
    k = np.arange(T)
    heap = d["heap"] - rng.uniform(0, 60) + rng.normal(0, 3, T)
    if c == 1:
        heap = rng.uniform(8, 45) - rng.uniform(0.5, 4.0) * k + rng.normal(0, 2, T)
    duty = rng.uniform(0.1, 0.7)
    t_amb = d["t_amb"] + rng.normal(0, 2)
    if c == 2:
        t_amb += rng.uniform(10, 30)  # hot enclosure / sun
        duty = 1.0
    p = 0.25 + 0.5 * duty  # W
    t_die = t_amb + p * d["rth"] * (1 - np.exp(-(k + rng.uniform(5, 60)) / 20)) + rng.normal(0, 0.5, T)
    pl = 40 + 10 * 2.7 * np.log10(d["dist"]) + rng.normal(0, 4)
    if c == 3:
        pl += rng.uniform(12, 30)
    rssi = 20 - pl + rng.normal(0, 2, T)  # 20 dBm transmit power
    per = 1 / (1 + np.exp((rssi + 82) / 3))  # packet error rate vs RSSI (sensitivity ~ -85 dBm)
    lat = d["lat"] * (1 + duty) + 60 * per / (1 - np.minimum(per, 0.95)) + rng.exponential(3, T)
    queue = d["queue"] + 20 * per + rng.poisson(1, T)
    r_int = d["r_int"] if c != 4 else rng.uniform(0.4, 1.2)
    soc = d["soc"] + rng.normal(0, 0.05)
    if c == 4:
        soc = min(soc, rng.uniform(0.05, 0.5))
    i_load = rng.uniform(0.25, 0.4) * (rng.random(T) < 0.6) + 0.08
    v = _ocv(np.clip(soc, 0, 1)) - i_load * r_int + rng.normal(0, 0.01, T)
    brown = np.where(v < 3.0, rng.poisson(1.5, T) + 1, 0)
    adc = d["adc"] * (1 + 0.01 * (t_die - 25)) + 400 * i_load * r_int * (c == 4) + rng.exponential(1, T)
    return np.stack([heap, t_die - d["t_ref"], rssi - d["rssi_ref"], 1000 * v,
                     np.log2(np.minimum(lat, 1000.0) / d["lat_ref"]), adc, queue, brown], axis=1)


def generate(rng, n, n_groups):
    ref = common.side_rng(rng)
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES),
                                 lambda r, i: _device(r, i, ref), _example)
    return y, {"device": g}, x
