#!/usr/bin/env python3
"""Applied-layer firmware report (issue 15 step 4): the app of scripts/firmware-apps.sh (the
every head of apps/examples/apps-all.json under the dispatcher: 12 sensor heads and the
bad-reading check, one shared session, a 400-period recorded stream) per core — flash,
RAM, instructions per inference per head and per period — and the estimated latency and energy
on three boards, written into docs/RESULTS.md between <!-- apps-report:begin --> and
<!-- apps-report:end --> (generated, do not edit there). Needs the release build (atome,
atome_apps_twin, atome_firmware_twin_q15_classifier), the cross compilers and QEMU.

  scripts/apps_report.py [--results docs/RESULTS.md]

Each core's app is built and checked against its host twin by scripts/firmware-apps.sh (the
firmware.<core>.apps test) into build/apps-report/<core>. Instructions: exact, the QEMU TCG plugin
firmware/tools/insn_count.c with mark= on atome_apps_mark, which the app calls just before and
after every atome_runner_step (per period: tokenising every frame, the telemetry head, the
dispatcher, the gates and the heads that run) and around one inference of each head after the
stream (tokenise, reset, feed the tokens, read the Q16 logits, calibrate). Each count is taken
twice and must agree. Flash and RAM: the linker map (sections kept after --gc-sections) and the
app's "#" lines (stack high-water mark, runner and pool sizes).
"""
import argparse, json, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree clean
from firmware_report import BOARDS, CORES, linked_sizes, run  # noqa: E402
from results_block import replace_block  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP_CORES = ["m3", "m4", "m4f", "m7", "rv32imc"]  # not M0: docs/APPS.md §11
# The app's heads in runner order (apps-all.json), labelled "name (model)" where they differ.
_ALL = json.load(open(os.path.join(REPO, "apps/examples/apps-all.json")))["heads"]
MODELS = [h["model"] for h in _ALL]
HEADS = [h["name"] if h["model"] == h["name"] + ".atome" else f"{h['name']} ({h['model'][:-6]})"
         for h in _ALL]
# The text heads (the stream's @command rows, docs/APPS.md §11): one shared session, one marked
# request through both of them after the sensor heads' marks.
TEXT = "intent_bucket + command_intent (one request, both heads)"


def owner(obj):
    if "libatome_engine.a" in obj:
        return "engine"
    if "libatome_apps.a" in obj:
        return "apps"
    if "libgcc" in obj:
        return "libgcc"
    return "app"


def marks(core, elf, plugin, log):
    nm = "riscv64-unknown-elf-nm" if core == "rv32imc" else "arm-none-eabi-nm"
    addr = int(re.search(r"^([0-9a-f]+) T atome_apps_mark$", run([nm, elf]), re.M).group(1), 16) & ~1
    subprocess.run(CORES[core][2] + ["-nographic", "-semihosting-config", "enable=on,target=native",
                                     "-kernel", elf, "-plugin", f"{plugin},mark={addr:#x}", "-d",
                                     "plugin", "-D", log], check=True, capture_output=True)
    return [int(n) for n in re.findall(r"^mark \d+ (\d+)$", open(log).read(), re.M)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", default=os.path.join(REPO, "docs/RESULTS.md"))
    args = ap.parse_args()
    rel = os.path.join(REPO, "build/release")
    tools = [f"{rel}/src/cli/atome", f"{rel}/tests/atome_apps_twin",
             f"{rel}/tests/atome_firmware_twin_q15_classifier"]
    for path in tools:
        if not os.path.exists(path):
            sys.exit(f"missing {path}: build the release preset first")
    work = os.path.join(REPO, "build/apps-report")
    os.makedirs(work, exist_ok=True)
    plugin = os.path.join(work, "libinsn_count.so")
    run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, f"{REPO}/firmware/tools/insn_count.c"])
    rows = {}
    for core in APP_CORES:
        d = os.path.join(work, core)
        print(run([f"{REPO}/scripts/firmware-apps.sh", core, d] + tools).strip().splitlines()[-1],
              f"({core})")
        elf = os.path.join(d, "atome_apps_fw.elf")
        m = marks(core, elf, plugin, os.path.join(d, "marks.log"))
        again = marks(core, elf, plugin, os.path.join(d, "marks2.log"))
        assert m == again, f"{core}: counts differ between two runs"
        dev = open(os.path.join(d, "device.txt")).read()
        n_periods = len(re.findall(r"^period \d+ state ", dev, re.M))
        assert len(m) == 2 * n_periods + 2 * len(HEADS) + 2, (core, len(m))
        periods = [m[2 * p + 1] - m[2 * p] for p in range(n_periods)]
        base = 2 * n_periods
        heads = [m[base + 2 * h + 1] - m[base + 2 * h] for h in range(len(HEADS) + 1)]
        always = sum(periods[p] for p in range(n_periods))
        info = dict(re.findall(r"(\w+_bytes) (\d+)", dev))
        sizes = linked_sizes(os.path.join(d, "atome_apps_fw.map"), owner)
        text = {g: sizes.get((g, "text"), 0) for g in ("engine", "apps", "app", "libgcc")}
        rodata = sum(v for (g, k), v in sizes.items() if k == "rodata")
        ram = sum(v for (g, k), v in sizes.items() if k in ("data", "bss"))
        models = [os.path.getsize(os.path.join(d, "app", m)) for m in MODELS]
        text_models = [os.path.getsize(os.path.join(d, "app", f"task-{h}-q15.atome")) for h in ("intent-bucket", "command-intent")]
        sessions = [int(b) for b in re.findall(r"^# session_bytes h\d+ (\d+)$", dev, re.M)]
        text_session = re.search(r"^# text_session_bytes (\d+) shared 1 two_sessions (\d+)$", dev, re.M)
        shared = int(info["shared_session_bytes"])
        rows[core] = dict(periods=periods, heads=heads, shared=shared, pool=int(info["pool_bytes"]), text=text, rodata=rodata, ram=ram,
                          models=models, sessions=sessions, text_models=text_models,
                          text_session=int(text_session.group(1)), text_two=int(text_session.group(2)), stack=int(info["stack_high_water_bytes"]),
                          runner=int(info["runner_bytes"]), slot=int(info["head_slot_bytes"]),
                          total=always)

    n = lambda v: f"{v:,}"
    L = ["<!-- apps-report:begin (generated by scripts/apps_report.py; do not edit here) -->", "",
         "The applied-layer firmware app (`atome_apps_fw`, docs/APPS.md §11): every head of apps/examples/apps-all.json — "
         f"{len(HEADS) - 1} sensor heads trained on generated data with seed 1 (os_telem the telemetry head) and the shipped bad-reading head checking air — "
         "under the dispatcher with exact gating and **one session shared by all heads** (the text heads included), and the two shipped text heads "
         "on the stream's operator rows, over the 400-period recorded "
         "stream of the `firmware.<core>.apps` tests (identical lines to the host twin on every core listed; "
         "the micro:bit M0 does not fit, §11). Flash = what the linker kept; instructions exact (QEMU "
         "plugin, two runs agree).", "",
         "**Per head** (one inference: tokenise the frame, reset, feed the tokens, Q16 logits, calibrate):", "",
         "| head | model (flash) | own session (RAM, M3 engine; shared: see below) | runner slot (RAM) | " + " | ".join(f"insns/inference {c}" for c in APP_CORES) + " |",
         "|---|---:|---:|---:|" + "---:|" * len(APP_CORES)]
    r0 = rows[APP_CORES[0]]
    for h, name in enumerate(HEADS):
        L.append(f"| {name} | {n(r0['models'][h])} B | {n(r0['sessions'][h])} B | {n(r0['slot'])} B | "
                 + " | ".join(n(rows[c]["heads"][h]) for c in APP_CORES) + " |")
    L.append(f"| {TEXT} | {n(r0['text_models'][0])} + {n(r0['text_models'][1])} B | {n(r0['text_session'])} B shared "
             f"(two sessions: {n(r0['text_two'])} B) | — | " + " | ".join(n(rows[c]["heads"][len(HEADS)]) for c in APP_CORES) + " |")
    L += ["", "The text heads run on the stream's operator rows (`stream.py --commands`: 9 typed requests and one "
          "`@resume`; each decision equal to `atome apps run --json`'s, docs/APPS.md §11): the request measured is "
          "the first one intent_bucket routes to command_intent (both heads run), in NORMAL."]
    L += ["", "**Whole app** per core (code = text of engine + apps/ + app + libgcc; constants = rodata: the 15 "
          "models, the stream's frames and tables; RAM = data + bss (runner, output, the one shared session's pool, line buffer) "
          "+ the stack's high-water mark; shared session = the largest head's (on M3..M7 the 32-token heads' and the text heads': 11,760 B), against the sum of "
          "one session per head):", "",
          "| core | code: engine / apps / app / libgcc | constants | RAM static | stack | runner | shared session (pool) / one per head | insns per period: mean / max | all 400 periods |",
          "|---|---|---:|---:|---:|---:|---|---|---:|"]
    for c, r in rows.items():
        t = r["text"]
        L.append(f"| {c} | {n(t['engine'])} / {n(t['apps'])} / {n(t['app'])} / {n(t['libgcc'])} B | {n(r['rodata'])} B "
                 f"| {n(r['ram'])} B | {n(r['stack'])} B | {n(r['runner'])} B | {n(r['shared'])} ({n(r['pool'])}) / "
                 f"{n(sum(r['sessions']) + r['text_session'])} B | {n(r['total'] // len(r['periods']))} / "
                 f"{n(max(r['periods']))} | {n(r['total'])} |")
    L += ["", "**Estimates, not measurements**: time = instructions x CPI / clock, energy = time x volts x "
          "amps, with the CPI and current of §7 (assumptions beside each row; the current is an assumed "
          "whole-chip figure, not a datasheet measurement of this app). RP2040 (Cortex-M0+): the app "
          "does not run on the only M0 machine QEMU has (16 KB RAM), so its row uses the **M3 count** — "
          "ARMv6-M executes more instructions than Thumb-2 for the same code, so read it as a lower bound.", "",
          "| board | count from | per inference: " + " / ".join(h.split(" ")[0] for h in HEADS + ["text request"]) + " | per period: mean / max | energy per period (mean) | assumptions |",
          "|---|---|---|---|---:|---|"]
    for board, core, hz, cpi, volts, amps, _sram, notes in BOARDS:
        src = core if core in rows else "m3"
        r = rows[src]
        us = lambda insns: insns * cpi / hz * 1e6
        mean = r["total"] / len(r["periods"])
        L.append(f"| {board} | {src} | " + " / ".join(f"{us(x):.0f} us" for x in r["heads"])
                 + f" | {us(mean):.0f} / {us(max(r['periods'])):.0f} us | {us(mean) * volts * amps:.2f} uJ "
                 f"| {hz / 1e6:.0f} MHz; {notes}; {volts} V x {amps * 1e3:.0f} mA |")
    L += ["", "<!-- apps-report:end -->"]
    replace_block(args.results, "apps-report", "\n".join(L), heading="## 15. Applied-layer firmware app (issue 15)")
    print("\n".join(L))


if __name__ == "__main__":
    main()
