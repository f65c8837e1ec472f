#!/usr/bin/env python3
"""The applied layer's feature extractors on every firmware core: instructions per call, exact
(QEMU TCG plugin firmware/tools/insn_count.c with mark=), written into docs/APPS.md §8 (the
block frontends-report) and printed.

  scripts/frontends_report.py [--build DIR] [--cores m0,m3,...] [--no-write]

For each core, firmware/app/frontends_run.cpp (atome_frontends_fw, no model) runs each extractor
once on its compile-time input, bracketing the call with atome_bench_mark(); region i's count is
mark[2i+1] - mark[2i] minus the empty region's (the bracketing itself). Equality with the host,
not speed, is what CTest checks (scripts/firmware-twin.sh). Needs the cross compilers and
QEMU (scripts/install-deps.sh --firmware).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_report import CORES, REPO, run, run_marked  # noqa: E402
from results_block import replace_block  # noqa: E402

# What each region computes, on which input (firmware/app/frontends_run.cpp's signals).
INPUTS = {
    "mfcc": "0.5 s of 16 kHz audio (48 frames of 400, real FFT 512) → 4 segments × c0..c7",
    "mfcc_cmvn": "the same audio → 8 segments × c0..c3, per-clip CMVN (voice, data v2)",
    "mfcc_span": "the same audio → 8 segments of the speech span × c0..c3, CMVN (voice, data v3), two passes",
    "mfcc_span_kept": "the same, one pass: each frame's c0..c3 kept (768 B; atome_mfcc_cmvn_span_kept)",
    "mfcc_scene": "the same audio → 4 segments × level, c1..c5, flux, c0 spread (sound_scene v2)",
    "band_energy": "one 256-sample sub-window at 4 kHz → 8 log band energies (anomaly)",
    "imu": "128 samples × 3 axes at 50 Hz → 7 features (motion)",
    "power": "10 mains cycles × 128 samples of i and v → 4 features (power)",
    "pulse_count": "2,000 line samples, debounce 3 → pulses per minute (water, occupancy)",
    "ppg_beats": "30 s of PPG at 50 Hz (1,500 samples) → heart rate, RMSSD (wearable)",
    "velocity_rms": "1 s of vibration at 2,048 Hz (8 FFTs of 256) → velocity rms (forecast)",
    "stats": "256 int32 samples → mean, std, rms, slope, min, max, last",
    "reading_context": "16 readings of one channel → 5 features (bad-reading check)",
    "telem_readout": "die temperature, RSSI, loop latency + day-one references → 3 (os_telem)",
    "wearable_readout": "heart rate, accel RMS, perfusion index + the wearer's references → 3 (wearable)",
    "room_balance": "the room's constants (exp, gain) once + one step of CO2 and sound → 3 (occupancy)",
    "air_readout": "6 steps of mq2, CO2, VOC, T, RH → co2_excess, gas_rise, voc_rise (air)",
    "agri_readout": "6 hourly steps of 5 readings → %FC, step score (agri)",
    "trend_alarm": "600 hourly readings from commissioning, pushed one by one → 3 (forecast)",
}


def measure(core, work, plugin):
    out, marks = run_marked(core, work, plugin, "atome_frontends_fw")
    names = re.findall(r"^fe (\S+) st 0", out, re.M)
    assert len(marks) == 2 * len(names), f"{core}: {len(marks)} marks for {len(names)} regions"
    counts = {n: marks[2 * i + 1] - marks[2 * i] for i, n in enumerate(names)}
    empty = counts.pop("empty")
    return {n: c - empty for n, c in counts.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build", "frontends-report"))
    ap.add_argument("--cores", default=",".join(CORES))
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/APPS.md")
    args = ap.parse_args()
    os.makedirs(args.build, exist_ok=True)
    plugin = os.path.join(args.build, "libinsn_count.so")
    run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, f"{REPO}/firmware/tools/insn_count.c"])
    cores = args.cores.split(",")
    per_core = {}
    for core in cores:
        per_core[core] = measure(core, args.build, plugin)
        print(f"{core}: done", file=sys.stderr)
    lines = [
        "<!-- frontends-report:begin (scripts/frontends_report.py; generated, do not edit) -->",
        "Instructions per call, exact (QEMU plugin; firmware/app/frontends_run.cpp's inputs, "
        "`-Os` as the firmware builds apps/; the bracketing's own count subtracted). Every "
        "output integer equals the host's on each core (CTest `firmware.<core>.frontends`).",
        "",
        "| extractor | input → output | " + " | ".join(cores) + " |",
        "|---|---|" + "---|" * len(cores),
    ]
    for name, what in INPUTS.items():
        lines.append(f"| {name} | {what} | "
                     + " | ".join(f"{per_core[c][name]:,}" for c in cores) + " |")
    lines.append("<!-- frontends-report:end -->")
    block = "\n".join(lines)
    print(block)
    if not args.no_write:
        replace_block(os.path.join(REPO, "docs", "APPS.md"), "frontends-report", block)


if __name__ == "__main__":
    main()
