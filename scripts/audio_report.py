#!/usr/bin/env python3
"""Instructions per clip of the raw-audio firmware (docs/APPS.md §13), exact, per core: runs each
core's atome_audio_fw.elf (built by scripts/firmware-audio.sh, CTest firmware.CORE.apps_audio)
under QEMU with the instruction-count plugin (firmware/tools/insn_count.c) marking
atome_bench_mark, which audio_run.cpp calls before the front end, between it and the head, and
after the head; prints a Markdown table of the mean per head (front end; tokeniser + head +
calibration).

  scripts/audio_report.py BUILD_DIR   (the release build: BUILD_DIR/fw/CORE-apps-audio)
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_report import CORES, REPO, run  # noqa: E402


def main():
    build = os.path.abspath(sys.argv[1])
    plugin = os.path.join(build, "fw", "libinsn_count.so")
    run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, f"{REPO}/firmware/tools/insn_count.c"])
    rows = []
    for core in ["m0", "m3", "m4", "m4f", "m7", "rv32imc"]:
        elf = os.path.join(build, "fw", f"{core}-apps-audio", "atome_audio_fw.elf")
        if not os.path.exists(elf):
            continue
        _, nm, qemu = CORES[core]
        addr = int(re.search(r"^([0-9a-f]+) T atome_bench_mark$", run([nm, elf]), re.M).group(1),
                   16) & ~1
        log = os.path.join(os.path.dirname(elf), "marks.log")
        r = subprocess.run(qemu + ["-nographic", "-semihosting-config", "enable=on,target=native",
                                   "-kernel", elf, "-plugin", f"{plugin},mark={addr:#x}", "-d",
                                   "plugin", "-D", log], capture_output=True, text=True, timeout=600)
        heads = re.findall(r"^clip \d+ head (\S+) ", r.stdout + r.stderr, re.M)
        marks = [int(n) for n in re.findall(r"^mark \d+ (\d+)$", open(log).read(), re.M)]
        assert r.returncode == 0 and len(marks) == 3 * len(heads), (core, r.returncode, len(marks))
        per = {}
        for i, h in enumerate(heads):
            fe, head = marks[3 * i + 1] - marks[3 * i], marks[3 * i + 2] - marks[3 * i + 1]
            per.setdefault(h, []).append((fe, head))
        cells = []
        for h in per:
            fe = sum(x for x, _ in per[h]) / len(per[h])
            hd = sum(y for _, y in per[h]) / len(per[h])
            cells.append(f"{fe / 1e6:.2f} M + {hd / 1e3:.0f} K")
        rows.append((core, list(per), cells))
    names = rows[0][1]
    print("| core | " + " | ".join(f"{n}: front end + head" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for core, _, cells in rows:
        print(f"| {core} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
