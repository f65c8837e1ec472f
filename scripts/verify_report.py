#!/usr/bin/env python3
"""Signed-model report (issue 16): the firmware Ed25519 verifier's code size, instructions per
verification and stack on every core, and the estimated time on three boards, written into
docs/RESULTS.md between <!-- verify-report:begin --> and <!-- verify-report:end --> (section 13;
generated, do not edit there). Needs the release build (atome, the signing tool and the twins of
tests/firmware_signed.cmake), the cross compilers, QEMU and libsodium's sources
(scripts/install-deps.sh --firmware).

  scripts/verify_report.py [--results docs/RESULTS.md]

Each core's signature firmware is built and checked against its host twin by
scripts/firmware-signed.sh (the firmware.<core>.signed test) into build/verify-report/<core>.
Code size: the bytes the linker kept (map file, after --gc-sections) of libsodium's objects, of
src/crypto/ed25519_port.c, and of the engine's model_verify.cpp + signature_block.cpp.
Instructions: exact (QEMU TCG plugin firmware/tools/insn_count.c, mark= on atome_verify_mark):
the app calls the marker around verifying RFC 8032 TEST 3 (2-byte message), around the verified
load of the signed 60K model (22,304 bytes: SHA-512 of the pinned key, the signature over 22,240
bytes, then the ordinary load) and around the plain load of the same image; the model's
verification = verified load - plain load. Each count is taken twice and must agree.
Stack: the firmware paints its free stack and reports the deepest word used by the whole app
(the checks and the tokens; M0 at window 2) — an upper bound on the verifier's.
"""
import argparse, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree clean
from firmware_report import BOARDS, CORES, linked_sizes, run  # noqa: E402
from results_block import replace_block  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# core: (attention window, tokens, flips), as tests/firmware_signed.cmake runs them
RUNS = {"m0": (2, 4, 0), "m3": (64, 4, 1), "m4": (64, 4, 1), "m4f": (64, 4, 1), "m7": (64, 4, 1),
        "rv32imc": (64, 4, 1)}
GROUPS = ["libsodium", "port", "verified load"]


def verifier_owner(obj):
    if "libatome_sodium.a" in obj:
        return "libsodium"
    if "libatome_fw_crypto.a" in obj:
        return "port"
    if re.search(r"libatome_engine\.a\((model_verify|signature_block)\.cpp\.obj?\)", obj):
        return "verified load"
    return "rest"


def marks(core, elf, plugin, log):
    nm = ("riscv64-unknown-elf-" if core == "rv32imc" else "arm-none-eabi-") + "nm"
    addr = int(re.search(r"^([0-9a-f]+) T atome_verify_mark$", run([nm, elf]), re.M).group(1), 16) & ~1
    cmd = CORES[core][2] + ["-nographic", "-semihosting-config", "enable=on,target=native", "-kernel",
                            elf, "-plugin", f"{plugin},mark={addr:#x}", "-d", "plugin", "-D", log]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"{core}: firmware exit {r.returncode}")
    stack = int(re.search(r"# stack_high_water_bytes (\d+)", r.stdout + r.stderr).group(1))
    m = [int(n) for n in re.findall(r"^mark \d+ (\d+)$", open(log).read(), re.M)]
    if len(m) != 6:
        sys.exit(f"{core}: {len(m)} marks, expected 6")
    return {"rfc": m[1] - m[0], "loadv": m[3] - m[2], "load": m[5] - m[4]}, stack


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", default=os.path.join(REPO, "docs/RESULTS.md"))
    args = ap.parse_args()
    rel = os.path.join(REPO, "build/release")
    tools = {"atome": f"{rel}/src/cli/atome", "signer": f"{rel}/tests/atome_sign_test_model",
             "twin": f"{rel}/tests/atome_verify_twin", "lut2": f"{rel}/tests/atome_firmware_twin_q15_lut2",
             "lut4": f"{rel}/tests/atome_firmware_twin_q15_lut4"}
    for path in tools.values():
        if not os.path.exists(path):
            sys.exit(f"missing {path}: build the release preset first")
    work = os.path.join(REPO, "build/verify-report")
    os.makedirs(work, exist_ok=True)
    plugin = os.path.join(work, "libinsn_count.so")
    run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, f"{REPO}/firmware/tools/insn_count.c"])
    rows = {}
    for core, (window, tokens, flips) in RUNS.items():
        d = os.path.join(work, core)
        sizer = tools["lut2"] if core == "m0" else tools["lut4"]
        print(run([f"{REPO}/scripts/firmware-signed.sh", core, d, tools["atome"], tools["signer"],
                   tools["twin"], sizer, str(window), str(tokens), str(flips)]).strip().splitlines()[-1],
              f"({core})")
        elf = os.path.join(d, "atome_verify_fw.elf")
        counts, stack = marks(core, elf, plugin, os.path.join(d, "marks.log"))
        again, _ = marks(core, elf, plugin, os.path.join(d, "marks2.log"))
        assert counts == again, f"{core}: counts differ between two runs: {counts} {again}"
        sizes = linked_sizes(os.path.join(d, "atome_verify_fw.map"), verifier_owner)
        flash = {g: sizes.get((g, "text"), 0) + sizes.get((g, "rodata"), 0) for g in GROUPS}
        ram = sum(sizes.get((g, k), 0) for g in GROUPS for k in ("data", "bss"))
        rows[core] = (flash, ram, counts, stack)

    n = lambda v: f"{v:,}"
    lines = ["<!-- verify-report:begin (generated by scripts/verify_report.py; do not edit here) -->", "",
             "Firmware Ed25519 verifier: libsodium 1.0.18-1+deb12u1's own sources (Debian's source package, "
             "`scripts/get-libsodium-source.sh`) built freestanding per core with the firmware's flags "
             "(`-Os`, `--gc-sections`; ref10 with 32-bit limbs, fe_25_5). Code size = text + rodata the "
             "linker kept (map file). Instructions: exact, QEMU plugin, two runs agree. The firmware tests "
             "(`ctest -R signed`) check every line against Debian's libsodium on the host.", "",
             "| core | libsodium code | port | verified load (engine) | verifier total | verifier RAM (data+bss) "
             "| RFC 8032 TEST 3 (2-byte message) | signed 60K model: verified load | of which plain load "
             "| signature check of the 60K model | stack, whole app |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for core, (flash, ram, c, stack) in rows.items():
        lines.append(f"| {core} | {n(flash['libsodium'])} B | {n(flash['port'])} B | {n(flash['verified load'])} B "
                     f"| {n(sum(flash.values()))} B | {n(ram)} B | {n(c['rfc'])} | {n(c['loadv'])} | {n(c['load'])} "
                     f"| {n(c['loadv'] - c['load'])} | {n(stack)} B |")
    lines += ["", "**Estimates, not measurements**: time = instructions x CPI / clock, with the CPI of §7 "
              "(QEMU counts instructions, not cycles).", "",
              "| board | core counted | RFC TEST 3 verification | signed 60K model: verified load | assumptions |",
              "|---|---|---:|---:|---|"]
    for board, core, hz, cpi, _v, _a, _sram, notes in BOARDS:
        c = rows[core][2]
        ms = lambda insns: f"estimate {insns * cpi / hz * 1e3:.1f} ms"
        lines.append(f"| {board} | {core} | {ms(c['rfc'])} | {ms(c['loadv'])} | {hz / 1e6:.0f} MHz; "
                     f"{notes.split(';')[0]} |")
    lines += ["", "<!-- verify-report:end -->"]
    replace_block(args.results, "verify-report", "\n".join(lines), heading="## 13. Signed models (issue 16)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
