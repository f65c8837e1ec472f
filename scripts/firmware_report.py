#!/usr/bin/env python3
"""Firmware report: code size, RAM and instructions per token for every core, written into
docs/RESULTS.md between the markers <!-- firmware-report:begin --> and <!-- firmware-report:end -->
(generated; do not edit there). Needs the release build (atome, the firmware
twin), the cross compilers and QEMU (scripts/install-deps.sh --firmware).

  scripts/firmware_report.py [--shared DIR] [--results docs/RESULTS.md]

Stack: the firmware paints its free stack with a pattern and reports the deepest word used.
Instruction counts are exact and deterministic: a QEMU TCG plugin (firmware/tools/insn_count.c)
counts every executed guest instruction. Each firmware is built twice, generating N1 and N2
greedy tokens after the same prompt; instructions per token = (I(N2) - I(N1)) / (N2 - N1), which
cancels boot, model validation and the prompt. A decode step includes atome_step, the argmax,
the CRC-32 of the logits (the parity check) and one semihosting print.

Split by function: the plugin also counts per PC range (ranges=PATH). The ranges are the ELF's
function symbols (readelf: FUNC, with a size), each named after its symbol; SPLIT_RULES below maps
every function to a group, and the per-token split is the same (N2 - N1) difference per group.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORES = {  # core: (toolchain file, size tool, qemu command)
    "m0": ("arm-none-eabi", "arm-none-eabi-size", ["qemu-system-arm", "-M", "microbit"]),
    "m3": ("arm-none-eabi", "arm-none-eabi-size", ["qemu-system-arm", "-M", "mps2-an385"]),
    "m4": ("arm-none-eabi", "arm-none-eabi-size", ["qemu-system-arm", "-M", "mps2-an386"]),
    "m4f": ("arm-none-eabi", "arm-none-eabi-size", ["qemu-system-arm", "-M", "mps2-an386"]),
    "m7": ("arm-none-eabi", "arm-none-eabi-size", ["qemu-system-arm", "-M", "mps2-an500"]),
    "rv32imc": ("riscv32", "riscv64-unknown-elf-size",
                ["qemu-system-riscv32", "-M", "virt", "-cpu", "rv32,a=off,f=off,d=off", "-bios", "none"]),
}
GROUPS = {"loader": ["model_load", "format_layout", "crc32"], "forward": ["session", "ternary_portable"],
          "sampler": ["sampler"]}
N1, N2 = 2, 6

# Instruction split by function: the first rule whose name pattern (re.search on the mangled symbol)
# matches, or whose source set holds the function's engine source file ("app" = defined in the
# firmware but neither in the engine library nor a libgcc "__" routine), names the group.
SPLIT_RULES = [  # group, symbol-name pattern or None, sources or None
    ("ternary kernels", r"ternary_|conv_taps|scores", {"ternary_portable"}),  # + its helpers apply_trit, dot
    ("rest of forward", r"^(memcpy|memset)$", {"session"}),  # the engine's __builtin_memset/memcpy
    ("soft-float", r"^__(aeabi_(f|d|cf|cd|[iu]?l?2[fd]|ui2|ul2)|(add|sub|mul|div|neg|cmp|eq|ne|lt|le|gt|ge|unord)"
                   r"[sdt]f[23]|fix(uns)?[sdt]f|float(un)?[sdt]i|float(un)?di|extend[sd]f|trunc[dt]f|(un)?pack_[fd]|fp)", None),
    ("integer helpers", r"^__", None),
    ("app + sampler", None, {"sampler", "crc32", "app"}),
    ("other", r"", None),  # loader (model_load, format_layout: not per token), and the rest
]
SPLIT_GROUPS = [g for g, _, _ in SPLIT_RULES]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def build(core, model_h, window, arena, tokens, build_dir):
    toolchain = CORES[core][0]
    run(["cmake", "-S", f"{REPO}/firmware", "-B", build_dir,
         f"-DCMAKE_TOOLCHAIN_FILE={REPO}/firmware/cmake/{toolchain}.cmake", f"-DATOME_CORE={core}",
         f"-DATOME_MODEL_HEADER={model_h}", f"-DATOME_WINDOW={window}", f"-DATOME_ARENA_BYTES={arena}",
         f"-DATOME_TOKENS={tokens}"])
    run(["cmake", "--build", build_dir])
    return os.path.join(build_dir, "atome_fw.elf")


def split_group(name, source):
    for group, pattern, sources in SPLIT_RULES:
        if (pattern is not None and re.search(pattern, name)) or (sources is not None and source in sources):
            return group


def function_ranges(core, elf, lib, path):
    """Writes the plugin's ranges file for elf (one range per function symbol, overlapping entry points
    such as __aeabi_frsub/__aeabi_fsub/__addsf3 cut so that each address belongs to the innermost
    symbol); returns {range name: group}."""
    tools = CORES[core][1][:-len("size")]
    source = {}  # symbol -> engine source file (basename without .cpp)
    for line in run([tools + "nm", "-A", "--defined-only", lib]).splitlines():
        m = re.match(r".*:(\w+)\.cpp\.obj?:\S+ \w (\S+)$", line)
        if m:
            source.setdefault(m.group(2), m.group(1))
    funcs = {}  # start -> (end, name); aliases at one address: the first name in sorted order
    for line in run([tools + "readelf", "-sW", elf]).splitlines():
        f = line.split()
        if len(f) == 8 and f[3] == "FUNC" and f[6] != "UND" and int(f[2], 0) > 0:
            start = int(f[1], 16) & ~1  # Thumb bit
            end = start + int(f[2], 0)
            old_end, old_name = funcs.get(start, (end, f[7]))
            funcs[start] = (max(end, old_end), min(f[7], old_name))
    ranges, groups = [], {}
    bounds = sorted({start for start in funcs} | {end for end, _ in funcs.values()})
    for lo, hi in zip(bounds, bounds[1:]):
        inner = max((start for start, (end, _) in funcs.items() if start <= lo < end), default=None)
        if inner is None:
            continue
        name = funcs[inner][1]
        if ranges and ranges[-1][1] == lo and ranges[-1][2] == name:
            ranges[-1] = (ranges[-1][0], hi, name)
        else:
            ranges.append((lo, hi, name))  # an enclosing symbol may come back after a nested one
        groups[name] = split_group(name, source.get(name, "" if name.startswith("__") else "app"))
    ranges.sort()
    for (s0, e0, n0), (s1, e1, n1) in zip(ranges, ranges[1:]):
        assert e0 <= s1, f"{elf}: ranges {n0} and {n1} overlap"
    with open(path, "w") as out:
        out.writelines(f"{s:#x} {e:#x} {n}\n" for s, e, n in ranges)
    return groups


def count_insns(core, elf, plugin, log, ranges=None):
    """(total instructions, stack high-water, {group: instructions} or None)"""
    cmd = CORES[core][2] + ["-nographic", "-semihosting-config", "enable=on,target=native", "-kernel", elf,
                            "-plugin", plugin + (f",ranges={ranges[0]}" if ranges else ""), "-d", "plugin", "-D", log]
    r = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600)
    stack = int(re.search(r"# stack_high_water_bytes (\d+)", r.stdout + r.stderr).group(1))
    text = open(log).read()
    total = int(re.search(r"^insns=(\d+)", text, re.M).group(1))
    if not ranges:
        return total, stack, None
    split = dict.fromkeys(SPLIT_GROUPS, 0)
    for name, n in re.findall(r"^range (\S+) (\d+)$", text, re.M):
        split[ranges[1].get(name, "other")] += int(n)
    assert sum(split.values()) == total, f"{elf}: the split adds up to {sum(split.values())}, not {total}"
    return total, stack, split


def section_sizes(core, lib):
    """Bytes of .text/.rodata/.data/.bss per engine source file in the static library."""
    out = run([CORES[core][1], "-A", "-d", lib])
    sizes, member = {}, None
    for line in out.splitlines():
        m = re.match(r"(\S+)\.cpp\.obj?\s+\(ex", line)
        if m:
            member = os.path.basename(m.group(1))
            sizes[member] = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
            continue
        m = re.match(r"(\.\S+)\s+(\d+)\s+\d+", line)
        if member and m:
            name, size = m.group(1), int(m.group(2))
            for kind in ("text", "rodata", "data", "bss"):
                if name == "." + kind or name.startswith("." + kind + "."):
                    sizes[member][kind] += size
    return sizes


# Boards the seed names as next. Every number here is an ASSUMPTION, written next to the result.
BOARDS = [
    # name, core whose count is used, clock Hz, cycles per instruction, volts, amps, SRAM, notes
    ("RP2040 (Cortex-M0+)", "m0", 133e6, 1.2, 3.3, 0.025, 264 * 1024,
     "CPI 1.2 assumed (single-cycle ALU, 2-cycle loads, code in XIP cache); 25 mA whole chip assumed"),
    ("STM32F411 (Cortex-M4F)", "m4f", 100e6, 1.25, 3.3, 0.010, 128 * 1024,
     "CPI 1.25 assumed (3 flash wait states hidden by the ART accelerator most of the time); "
     "~100 uA/MHz run current assumed"),
    ("ESP32-C3 (rv32imc)", "rv32imc", 160e6, 1.5, 3.3, 0.025, 400 * 1024,
     "CPI 1.5 assumed (weights read through the flash cache); 25 mA CPU-only, radio off, assumed"),
]


def estimates(rows):
    out = ["", "**Estimates, not measurements**: tokens/s = clock / (instructions per token x CPI), "
           "energy per token = volts x amps x time per token. QEMU counts instructions, not cycles: no "
           "pipeline stalls, flash wait states or cache misses; those are folded into the assumed CPI.",
           "", "| board | model (window of the count) | fits the board's SRAM? | instructions / token | "
           "estimated tokens/s | estimated uJ / token | assumptions |", "|---|---|---|---|---|---|---|"]
    for board, core, hz, cpi, volts, amps, sram, notes in BOARDS:
        for name, c, window, arena, per_token, per_weight, same, stack in rows:
            if c != core:
                continue
            seconds = per_token * cpi / hz
            fits = "yes" if arena + stack < sram * 0.9 else f"**no** ({arena // 1024} KB state > {sram // 1024} KB)"
            out.append(f"| {board} | {name} (W {window}, {arena:,} B state) | {fits} | {per_token:,.0f} | "
                       f"estimate {1 / seconds:.1f} | estimate {volts * amps * seconds * 1e6:,.0f} | "
                       f"{hz / 1e6:.0f} MHz; {notes} |")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("ATOME_SHARED_DIR", os.path.join(REPO, "..", "shared")))
    ap.add_argument("--results", default=os.path.join(REPO, "docs", "RESULTS.md"))
    ap.add_argument("--build", default=os.path.join(REPO, "build", "release"))
    args = ap.parse_args()
    atome = os.path.join(args.build, "src", "cli", "atome")
    twin = os.path.join(args.build, "tests", "atome_firmware_twin")
    work = os.path.join(REPO, "build", "fw-report")
    os.makedirs(work, exist_ok=True)
    plugin = os.path.join(work, "libinsn_count.so")
    run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, f"{REPO}/firmware/tools/insn_count.c"])

    toy = os.path.join(work, "toy_60k.atome")
    run([atome, "convert", os.path.join(args.shared, "reference", "original-models", "toy_60k.atome01"), toy])
    models = {"toy_60k": (toy, {"m0": 2}, 64), "default 944K": (f"{REPO}/models/atome-stories-944k.atome", {"m0": None}, 64)}

    rows, sizes_by_core, split_rows = [], {}, []
    for name, (path, special_window, window_default) in models.items():
        header = os.path.join(work, name.split()[0] + ".h")
        run([atome, "export", "--model", path, "--c-header", header, "--symbol", "atome_model_image"])
        params = int(re.search(r"parameters:\s+(\d+)", run([atome, "inspect", path])).group(1))
        for core in CORES:
            window = special_window.get(core, window_default)
            if window is None:
                continue
            arena = int(run([twin, "--state-bytes", path, str(window)]))
            counts, splits = [], []
            for n in (N1, N2):
                d = os.path.join(work, f"{core}-{name.split()[0]}-{n}")
                elf = build(core, header, window, arena, n, d)
                ranges = os.path.join(d, "ranges.txt")
                groups = function_ranges(core, elf, os.path.join(d, "libatome_engine.a"), ranges)
                insns, stack, split = count_insns(core, elf, plugin, os.path.join(d, "count.log"), (ranges, groups))
                counts.append(insns)
                splits.append(split)
            again = count_insns(core, elf, plugin, os.path.join(d, "count2.log"))[0]
            per_token = (counts[1] - counts[0]) / (N2 - N1)
            diff = {g: splits[1][g] - splits[0][g] for g in SPLIT_GROUPS}
            assert sum(diff.values()) == counts[1] - counts[0], f"{name} {core}: the split does not add up"
            split_rows.append((name, core, {g: v / (N2 - N1) for g, v in diff.items()}, per_token))
            rows.append((name, core, window, arena, per_token, per_token / params, again == counts[1], stack))
            sizes_by_core.setdefault(core, section_sizes(core, os.path.join(d, "libatome_engine.a")))
            print(f"{name} {core}: {per_token:,.0f} insns/token (repeatable: {again == counts[1]})", file=sys.stderr)

    lines = ["Generated by `scripts/firmware_report.py` (do not edit between the markers).", "",
             "Engine library built with the firmware flags (`-Os -ffreestanding -ffp-contract=off`, "
             "function sections, before `--gc-sections`), bytes per group: loader = model_load + "
             "format_layout + crc32, forward = session + ternary_portable, sampler = sampler "
             "(+ status strings).", "",
             "| core | loader .text | forward .text | sampler .text | .rodata (all) | .data | .bss |",
             "|---|---|---|---|---|---|---|"]
    for core, sizes in sizes_by_core.items():
        g = {k: sum(sizes.get(m, {}).get("text", 0) for m in v) for k, v in GROUPS.items()}
        ro = sum(s["rodata"] for s in sizes.values())
        da = sum(s["data"] for s in sizes.values())
        bs = sum(s["bss"] for s in sizes.values())
        lines.append(f"| {core} | {g['loader']:,} | {g['forward']:,} | {g['sampler']:,} | {ro:,} | {da:,} | {bs:,} |")
    lines += ["", f"Instructions per generated token (exact, QEMU plugin; ({N2} − {N1})-token difference; "
              "'per weight' divides by the model's parameter count):", "",
              "| model | core | window | state arena (RAM) | stack high-water | instructions / token | per weight | same count twice |",
              "|---|---|---|---|---|---|---|---|"]
    for name, core, window, arena, per_token, per_weight, same, stack in rows:
        lines.append(f"| {name} | {core} | {window} | {arena:,} B | {stack:,} B | {per_token:,.0f} | {per_weight:.1f} | {'yes' if same else 'NO'} |")
    lines += ["", "Instructions per token split by function (exact: the plugin counts per PC range, the ranges "
              "being the ELF's function symbols; same difference; share of the total in brackets). Groups "
              "(`SPLIT_RULES` in the script): ternary kernels = ternary_portable.cpp (`ternary_*`, `conv_taps*`, "
              "`scores*` and their helpers `apply_trit`, `dot`); rest of forward = the session.cpp functions "
              "(step, layer_norm, softmax, exp_f, sqrt_f, ...) and memset/memcpy (the engine's "
              "`__builtin_memset`/`__builtin_memcpy`); soft-float = libgcc's float routines (`__aeabi_f*`, `__addsf3`, "
              "`__mulsf3`, `__floatsisf`, ...); integer helpers = libgcc's other `__` routines (division, "
              "64-bit shifts, `__clzsi2`); app + sampler = argmax, CRC-32 of the logits, the generation loop, "
              "semihosting print; other = everything else (loader, gaps).", "",
              "| model | core | " + " | ".join(SPLIT_GROUPS) + " | total |",
              "|---|---|" + "---|" * (len(SPLIT_GROUPS) + 1)]
    for name, core, split, per_token in split_rows:
        cells = [f"{split[g]:,.0f} ({100 * split[g] / per_token:.1f}%)" for g in SPLIT_GROUPS]
        lines.append(f"| {name} | {core} | " + " | ".join(cells) + f" | {per_token:,.0f} |")
    lines += estimates(rows)
    begin, end = "<!-- firmware-report:begin -->", "<!-- firmware-report:end -->"
    results = open(args.results).read()
    if begin not in results or end not in results:
        sys.exit(f"{args.results} has no {begin} ... {end} block")
    head, rest = results.split(begin, 1)
    tail = rest.split(end, 1)[1]
    open(args.results, "w").write(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
