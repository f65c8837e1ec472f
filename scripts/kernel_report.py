#!/usr/bin/env python3
"""Integer ternary kernels (src/engine/ternary_i8.h) on every firmware core: instructions per weight,
exact (QEMU TCG plugin firmware/tools/insn_count.c with mark=), printed as a Markdown table.

  scripts/kernel_report.py [--build DIR] [--cores m0,m3,...]

For each core, firmware/app/kernel_bench.cpp (built without a model) runs every kernel compiled
for that core on fixed pseudo-random matrices and an int8 vector of 64 values, checks each result
against the portable kernel, and brackets each measured region with calls to atome_bench_mark();
the plugin prints the running instruction count at each call. Region i = mark[2i+1] - mark[2i],
minus the empty region (the bracketing itself). Columns:
  kernel 256x64, 64x64  the matvec alone (input prepared before), per weight
  prepare               one ternary_input_prepare of 64 values, instructions
  99 rows               one prepare + router, q, k, v (3 + 32 + 32 + 32 rows x 64 cols: the 60K
                        model's per-layer mix), per weight
  256 rows              one prepare + the 256x64 matvec, per weight
Needs the cross compilers and QEMU (scripts/install-deps.sh --firmware). Equality, not speed, is
what CTest checks (scripts/firmware-kernels.sh).
"""
import argparse, os, re, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORES = {  # core: (toolchain file, nm, qemu command)
    "m0": ("arm-none-eabi", "arm-none-eabi-nm", ["qemu-system-arm", "-M", "microbit"]),
    "m3": ("arm-none-eabi", "arm-none-eabi-nm", ["qemu-system-arm", "-M", "mps2-an385"]),
    "m4": ("arm-none-eabi", "arm-none-eabi-nm", ["qemu-system-arm", "-M", "mps2-an386"]),
    "m4f": ("arm-none-eabi", "arm-none-eabi-nm", ["qemu-system-arm", "-M", "mps2-an386"]),
    "m7": ("arm-none-eabi", "arm-none-eabi-nm", ["qemu-system-arm", "-M", "mps2-an500"]),
    "rv32imc": ("riscv32", "riscv64-unknown-elf-nm",
                ["qemu-system-riscv32", "-M", "virt", "-cpu", "rv32,a=off,f=off,d=off", "-bios", "none"]),
}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def run_marked(core, work, plugin, target):
    """Builds firmware/'s TARGET (no model) for the core in WORK/core, runs it under QEMU with the
    instruction-count plugin marking atome_bench_mark, and returns its output and the running
    instruction count at each mark; exits when the program fails or does not end "done OK"."""
    toolchain, nm, qemu = CORES[core]
    build = os.path.join(work, core)
    run(["cmake", "-S", f"{REPO}/firmware", "-B", build,
         f"-DCMAKE_TOOLCHAIN_FILE={REPO}/firmware/cmake/{toolchain}.cmake", f"-DATOME_CORE={core}"])
    run(["cmake", "--build", build, "--target", target])
    elf = os.path.join(build, target + ".elf")
    addr = int(re.search(r"^([0-9a-f]+) T atome_bench_mark$", run([nm, elf]), re.M).group(1), 16) & ~1
    log = os.path.join(build, "marks.log")
    r = subprocess.run(qemu + ["-nographic", "-semihosting-config", "enable=on,target=native", "-kernel", elf,
                               "-plugin", f"{plugin},mark={addr:#x}", "-d", "plugin", "-D", log],
                       capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    if r.returncode != 0 or "done OK" not in out:
        sys.exit(f"{core}: {target} failed (exit {r.returncode}):\n{out}")
    return out, [int(n) for n in re.findall(r"^mark \d+ (\d+)$", open(log).read(), re.M)]


def measure(core, work, plugin):
    out, marks = run_marked(core, work, plugin, "atome_kernel_bench")
    regions = re.findall(r"^region (\S+) (\S+) (\d+) (OK|FAIL)$", out, re.M)
    assert len(marks) == 2 * len(regions), f"{core}: {len(marks)} marks for {len(regions)} regions"
    counts = {}
    for i, (kernel, what, _, _) in enumerate(regions):
        counts[(kernel, what)] = marks[2 * i + 1] - marks[2 * i]
    empty = counts.pop(("none", "empty"))
    selected = re.search(r"^selected (\S+)$", out, re.M).group(1)
    kernels = list(dict.fromkeys(k for k, _ in counts))
    rows = []
    for k in kernels:
        c = {what: counts[(k, what)] - empty for kk, what in counts if kk == k}
        rows.append((k, c["matvec256x64"] / (256 * 64), c["matvec64x64"] / (64 * 64), c["prepare"],
                     c["mix99x64"] / (99 * 64), (c["prepare"] + c["matvec256x64"]) / (256 * 64)))
    return selected, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build", "kernel-report"))
    ap.add_argument("--cores", default=",".join(CORES))
    args = ap.parse_args()
    os.makedirs(args.build, exist_ok=True)
    plugin = os.path.join(args.build, "libinsn_count.so")
    run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, f"{REPO}/firmware/tools/insn_count.c"])
    lines = ["| core | kernel | kernel 256x64 | kernel 64x64 | prepare (64 values) | 99 rows (prepare + 3+32+32+32 rows) "
             "| 256 rows (prepare + 256x64) |", "|---|---|---|---|---|---|---|"]
    for core in args.cores.split(","):
        selected, rows = measure(core, args.build, plugin)
        for k, m256, m64, prep, mix, amort256 in rows:
            chosen = " (selected)" if k == selected or (k.startswith("lut") and selected == k) else ""
            lines.append(f"| {core} | {k}{chosen} | {m256:.3f} | {m64:.3f} | {prep:,} | {mix:.3f} | {amort256:.3f} |")
        print(f"{core}: done (selected {selected})", file=sys.stderr)
    print("Instructions per weight (exact, QEMU plugin; the firmware's flags, kernels at -O2):\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
