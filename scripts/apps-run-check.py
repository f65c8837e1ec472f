#!/usr/bin/env python3
"""CTest AppsRunStream: `atome apps run` on a generated stream (docs/APPS.md §10.6).

Usage: apps-run-check.py ATOME [SHARED_DIR]. Converts the original's os_telem, air and power heads
to q15 (skips with 77 when ../shared's originals are absent), generates the stream
(data/generators/stream.py, seed 1), and checks:
  1. exact gating gives, period by period, the same state, rule and per-head class, probability,
     abstention and logits as --gate off (always-run); prints the skip rate;
  2. bad frames get their defined status: the NaN rows -> input "nan", the short rows ->
     "wrong-length", the missing rows -> "missing"; a telemetry head without a usable frame gives
     the rule safe-no-evidence / no-evidence / enter-safe, never a confident one;
  3. every period in which the telemetry head abstained is followed, m_abstain periods into a run
     of abstentions, by SAFE (and the state is never NORMAL/ALERT after such a run);
  4. malformed stream text is one line naming row and column, exit status 1.
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    atome = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(repo, "..", "shared")
    ref = os.path.join(shared, "reference", "original-superesp")
    if not os.path.exists(os.path.join(ref, "os_telem.atomecl")):
        print(f"skip: {ref} has no original heads")
        return 77
    tmp = tempfile.mkdtemp(prefix="apps-run-")
    heads = {"telemetry": "os_telem", "air": "air", "power": "power"}
    for name in heads.values():
        base = os.path.join(tmp, name)
        for cmd in ([atome, "convert", f"{ref}/{name}.atomecl", base + ".f32.atome", "--tok",
                     f"{ref}/{name}.tok.json", "--tok-mode", "banded"],
                    [atome, "convert", base + ".f32.atome", base + ".atome", "--numerics", "q15"]):
            r = run(cmd)
            assert r.returncode == 0, r.stderr
        with open(base + ".json", "w") as f:
            f.write(run([atome, "inspect", "--json", base + ".atome"]).stdout)
    config = os.path.join(tmp, "apps.json")
    with open(os.path.join(repo, "apps", "examples", "apps.json")) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text)
    m_abstain = json.loads(text)["policy"]["m_abstain"]
    stream = os.path.join(tmp, "frames.csv")
    r = run([sys.executable, os.path.join(repo, "data", "generators", "stream.py"), "--seed", "1"]
            + [f"--head={h}={tmp}/{n}.json" for h, n in heads.items()])
    assert r.returncode == 0, r.stderr
    with open(stream, "w") as f:
        f.write(r.stdout)

    def periods(*extra):
        r = run([atome, "apps", "run", "--config", config, "--stream", stream, "--json", *extra])
        assert r.returncode == 0, r.stderr
        lines = [json.loads(x) for x in r.stdout.splitlines()]
        return lines[:-1], lines[-1]

    exact, s_exact = periods()
    always, s_always = periods("--gate", "off")
    assert len(exact) == len(always) == 400
    keys = ("class", "p_q15", "margin_q15", "abstain", "logits_q16", "input", "reason")
    for a, b in zip(exact, always):
        for k in ("state", "class", "rule", "bad_input_mask", "budget_used"):
            assert a[k] == b[k], (a["period"], k, a[k], b[k])
        for ha, hb in zip(a["heads"], b["heads"]):
            for k in keys:
                assert ha.get(k) == hb.get(k), (a["period"], ha["name"], k, ha.get(k), hb.get(k))
    assert s_always["gate_hits"] == 0 and s_exact["gate_hits"] > 0
    print(f"exact gating: {len(exact)} periods, decisions identical to always-run; "
          f"{s_exact['runs']} runs + {s_exact['gate_hits']} gate hits, skip rate "
          f"{s_exact['skip_rate']:.1f} % (always-run: {s_always['runs']} runs)")

    # 2. bad frames (stream.py: NaN at 20 + 7h, short row at 40 + 7h, missing row at 50 + 7h).
    for h, name in enumerate(heads):
        for period, want in ((20 + 7 * h, "nan"), (40 + 7 * h, "wrong-length"),
                             (50 + 7 * h, "missing")):
            got = exact[period]["heads"][h]
            assert got["input"] == want, (period, name, got)
            assert got["action"] in ("bad-frame", "skipped"), (period, name, got)
    for p in exact:
        tel = p["heads"][0]
        if tel["action"] == "bad-frame":
            assert p["rule"] in ("safe-no-evidence", "no-evidence", "enter-safe"), p
    # 3. abstention: after m_abstain periods in a row without evidence the state is SAFE.
    run_len, abstentions = 0, 0
    for p in exact:
        tel = p["heads"][0]
        no_evidence = tel["action"] == "bad-frame" or tel.get("abstain", False)
        abstentions += bool(tel.get("abstain", False))
        run_len = run_len + 1 if no_evidence else 0
        if run_len >= m_abstain:
            assert p["state"] == "safe", p
    assert abstentions > 0, "the stream never made the telemetry head abstain"
    print(f"bad frames: nan / wrong-length / missing statuses as defined for {len(heads)} heads; "
          f"{abstentions} abstaining telemetry periods, SAFE after {m_abstain} in a row")

    # 4. malformed text.
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("period,head,values...\n0,air,1,2,x3\n")
    r = run([atome, "apps", "run", "--config", config, "--stream", bad])
    assert r.returncode != 0 and "row 2, column 5" in r.stderr and r.stderr.count("\n") == 1, r
    print("malformed stream: " + r.stderr.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
