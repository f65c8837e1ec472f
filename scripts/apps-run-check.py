#!/usr/bin/env python3
"""CTest AppsRunStream: `atome apps run` on a generated stream (docs/APPS.md §10.6).

Usage: apps-run-check.py ATOME. Generates os_telem, air and power data (generate.py --scale small
--seed 1; skips with 77 without python3-numpy), trains a q15 head on each (`atome train --task
classify`, seed 1, --target-risk 0.1), writes the stream (data/generators/stream.py, seed 1, the
telemetry events of class overheating, and a stretch of a frame the telemetry head abstains on),
runs apps/examples/apps.json on it and checks:
  1. exact gating gives, period by period, the same state, rule and per-head class, probability,
     margin, abstention and logits as --gate off (always-run); prints the skip rate;
  2. bad frames get their defined status: NaN -> "nan", spike outside the physical range and a
     frozen window -> "flagged", a short row -> "wrong-length", no row -> "missing"; a telemetry
     head without a usable frame never gives a confident rule;
  3. the stream reaches NORMAL and ALERT; m_abstain abstaining telemetry periods in a row give SAFE;
     the bad-reading check head (fed air's channel 0) flags air exactly as its on_abstain says,
     decides in >= 95 % of the periods and calls air's frozen window stuck;
  4. malformed stream text is one line naming row and column, exit status 1;
  5. operator rows (stream.py --commands; the shipped text heads, read from models/ now): each
     @command's decision equals `atome apps command --json` in the state `apps run` reports, and
     is the same under exact gating and always-run; a stop-all latches SAFE (operator-hold every
     period) until the @resume row; turn_on / set_value are refused outside NORMAL, never actuated.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
sys.path.insert(0, here)
from apps_stream_checks import assert_fault_statuses, assert_same_decisions  # noqa: E402

PY = "/usr/bin/python3"  # Debian's, with python3-numpy (the generators need it)
HEADS = {"telemetry": "os_telem", "air": "air", "power": "power"}
CHECK = "air_check"  # apps.json's bad-reading head, fed air's channel 0 (runner index 3)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r


def must(cmd):
    r = run(cmd)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.stdout


def with_config(config, tmp, name, edit):
    """A copy of apps.json with edit(json) applied, beside it (the models are found there)."""
    with open(config) as f:
        j = json.load(f)
    edit(j)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(j, f)
    return path


def check_head(exact, config, tmp, periods):
    """air's bit in bad_input_mask is set exactly when air's own frame is bad, the check has no
    usable frame, the check says (without abstaining) that the reading is not valid, or it
    abstains and apps.json's on_abstain is "flag" (the default). The shipped head decides (does not
    abstain) in at least 95 % of the periods, and calls air's frozen window stuck.
    Also measured: the same stream with the other on_abstain mode."""
    air, chk = list(HEADS).index("air"), len(HEADS)
    assert exact[0]["heads"][chk]["name"] == CHECK
    with open(config) as f:
        mode = next(x for x in json.load(f)["heads"] if x["name"] == CHECK).get("on_abstain", "flag")
    counts, by_check, alone, where = {}, 0, [], {}
    decided_n = confident = 0
    for p in exact:
        a, c = p["heads"][air], p["heads"][chk]
        decided = c["action"] in ("ran", "reused")
        key = "bad-frame" if not decided else c["class_name"] + (" (abstain)" if c["abstain"] else "")
        counts[key] = counts.get(key, 0) + 1
        where.setdefault(key, []).append(str(p["period"]))
        decided_n += decided
        confident += decided and not c["abstain"]
        says_bad = not decided or (c["abstain"] and mode == "flag") or \
            (not c["abstain"] and c["class_name"] != "valid")
        assert bool(p["bad_input_mask"] & 1) == (a["input"] != "ok" or says_bad), (p["period"], a, c)
        by_check += a["input"] == "ok" and says_bad
        if a["input"] == "ok" and says_bad:
            alone.append(f'{p["period"]} {c.get("class_name", c["input"])}')
    assert confident >= 0.95 * len(exact), f"the check decides in {confident} / {len(exact)} periods"
    h = list(HEADS).index("air")
    for period in (20 + 7 * h, 21 + 7 * h, 22 + 7 * h):  # air's NaN stays in 16 readings 3 periods
        c = exact[period]["heads"][chk]
        assert c["action"] == "bad-frame" and c["input"] == "nan", (period, c)
        assert exact[period]["bad_input_mask"] & 1, period
    for period in range(60 + 7 * h, 64 + 7 * h):  # air's frozen window: its channel 0 is stuck
        c = exact[period]["heads"][chk]
        assert c["class_name"] == "stuck" and not c["abstain"], (period, c)
    other = "pass" if mode == "flag" else "flag"
    alt = with_config(config, tmp, f"apps-{other}.json", lambda j: [
        x.update(on_abstain=other) for x in j["heads"] if x["name"] == CHECK])
    flipped, _ = periods(cfg=alt)
    diff = 0
    for p, q in zip(exact, flipped):
        c = p["heads"][chk]
        if c["action"] in ("ran", "reused") and c["abstain"]:
            assert bool((p if mode == "flag" else q)["bad_input_mask"] & 1), \
                (p["period"], "an abstaining check must flag air with on_abstain flag")
        diff += (p["heads"][air]["action"] == "skipped") != (q["heads"][air]["action"] == "skipped")
    print(f"check head {CHECK} on air:0, {len(exact)} periods: "
          + ", ".join(f"{k} {v}" + (f" (periods {' '.join(where[k])})" if v <= 12 else "")
                      for k, v in sorted(counts.items()))
          + f"; decides without abstaining in {confident} / {decided_n} periods with a frame; air "
          f"flagged by the check alone in {by_check} periods (on_abstain {mode}: "
          + ", ".join(alone) + f"); on_abstain {other} changes whether air is skipped in {diff} "
          "periods")


def tolerance_agreement(always, config, tmp, periods):
    """Every head's gate in tolerance mode (tol levels, max_skips 16) against always-run: the
    fraction of periods with the same class in force, the same dispatcher state (normal / alert /
    safe), the same bad-input mask, and of head decisions with the same class; the skip rate. tol 0 skips only
    on identical tokens, so its decisions must equal always-run's."""
    print("tolerance gating (max_skips 16) vs always-run: tol | class in force | state | "
          "bad-input mask | head classes | skip rate")
    for tol in (0, 1, 2, 4, 8):
        cfg = with_config(config, tmp, f"apps-tol{tol}.json", lambda j: [
            x.update(gate={"mode": "tolerance", "tol": tol, "max_skips": 16}) for x in j["heads"]])
        got, summary = periods(cfg=cfg)
        same = {"class": 0, "state": 0, "bad_input_mask": 0}
        heads_same = heads_all = 0
        for a, b in zip(got, always):
            for k in same:
                same[k] += a[k] == b[k]
            for ha, hb in zip(a["heads"], b["heads"]):
                if hb["action"] in ("ran", "reused"):
                    heads_all += 1
                    heads_same += ha["action"] in ("ran", "reused") and ha["class"] == hb["class"]
        if tol == 0:
            assert heads_same == heads_all and min(same.values()) == len(always), \
                "tol 0 must decide as always-run"
        n = len(always)
        print(f"  {tol} | {same['class'] / n:.2%} | {same['state'] / n:.2%} | "
              f"{same['bad_input_mask'] / n:.2%} | {heads_same}/{heads_all} = "
              f"{heads_same / heads_all:.2%} | {summary['skip_rate']:.1f} % "
              f"({summary['runs']} runs + {summary['gate_hits']} hits)")


def operator_rows(atome, config, exact, tmp):
    """The @command / @resume rows (stream.py --commands) against `atome apps command` and the
    operator rules of docs/APPS.md §3.4 and §12.2."""
    ops = [(p["period"], c) for p in exact for c in p.get("commands", [])]
    assert sum(c["op"] == "command" for _, c in ops) >= 8 and \
        sum(c["op"] == "resume" for _, c in ops) == 1, ops
    for state in ("normal", "alert", "safe"):
        texts = [c["text"] for _, c in ops if c["op"] == "command" and c["state"] == state]
        if not texts:
            continue
        ref = [json.loads(x) for x in must([atome, "apps", "command", "--config", config,
                                            "--state", state, "--independent", "--json"]
                                           + texts).splitlines()]
        mine = [c for _, c in ops if c["op"] == "command" and c["state"] == state]
        for a, b in zip(mine, ref):
            for k in ("text", "state", "action", "why", "intent", "bucket", "command"):
                assert a[k] == b[k], (a, b, k)
            assert a.get("error") == b.get("error"), (a, b)
            assert (a["rule"] == "operator-stop") == (b.get("dispatcher") == "operator-stop"), a
    latched, stops, refused, held = False, 0, 0, 0
    for p in exact:
        resumed = False
        for c in p.get("commands", []):
            if c["op"] == "resume":
                assert c["rule"] == ("operator-resume" if latched else "none"), c
                resumed, latched = latched, False
                continue
            if c["intent"] in ("turn_on", "set_value"):
                want = "actuate" if c["state"] == "normal" else "refused"
                assert c["action"] == want and c["refused"] == (want == "refused"), c
                refused += want == "refused"
            if c["action"] == "stop-all":
                assert c["rule"] == "operator-stop", c
                latched, stops = True, stops + 1
        if latched:  # SAFE, the readings ignored, until the resume
            assert p["state"] == "safe" and p["rule"] == "operator-hold", p
            held += 1
        elif resumed:
            assert p["state"] == "safe" and p["rule"] != "operator-hold", p
    lines = [f"{p} {c['op']}" + (f" \"{c['text']}\" [{c['state']}] -> {c['action']}"
                                 + (f" {c['intent']}" if c["intent"] else "") + f" ({c['why']})"
                                 if c["op"] == "command" else f" [{c['state']}] -> {c['rule']}")
             for p, c in ops]
    print(f"operator rows: {len(ops)} (= atome apps command --json); {stops} stop-all, SAFE "
          f"latched {held} periods until @resume; {refused} actuations refused outside NORMAL")
    for line in lines:
        print("  " + line)


def main():
    atome = os.path.abspath(sys.argv[1])
    if run([PY, "-c", "import numpy"]).returncode != 0:
        print("skip: python3-numpy missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="apps-run-")
    gen = os.path.join(tmp, "data")
    must([PY, os.path.join(repo, "data", "generators", "generate.py"), "--out", gen, "--heads",
          ",".join(HEADS.values()), "--scale", "small", "--seed", "1"])
    jobs = [subprocess.Popen([atome, "train", "--task", "classify", "--data", f"{gen}/{h}", "--out",
                              f"{tmp}/run-{h}", "--numerics", "q15", "--seed", "1", "--threads",
                              "1", "--no-plot", "--quiet", "--target-risk", "0.1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for h in HEADS.values()]
    assert all(j.wait() == 0 for j in jobs), "training failed"
    for h in HEADS.values():
        shutil.copy(f"{tmp}/run-{h}/best.atome", f"{tmp}/{h}.atome")
    shutil.copy(os.path.join(repo, "models", "task-bad-reading-q15.atome"),
                f"{tmp}/bad_reading.atome")
    config = os.path.join(tmp, "apps.json")
    with open(os.path.join(repo, "apps", "examples", "apps.json")) as f:
        j = json.load(f)
    for k in ("bucket", "command"):  # the text heads' paths, relative to apps/examples
        j["text"][k] = os.path.normpath(os.path.join(repo, "apps", "examples", j["text"][k]))
    with open(config, "w") as f:
        json.dump(j, f)
    with open(config) as f:
        m_abstain = json.load(f)["policy"]["m_abstain"]

    # A telemetry frame the head abstains on, clearly (p 0.02 below its threshold: the host's
    # double softmax and the runner's integer one differ by far less): an example if one is,
    # else the midpoint of two examples of different classes (os_telem version 2's head is sure
    # of every small-scale example; a frame halfway between two states is what it should doubt).
    with open(f"{gen}/os_telem/examples.csv") as f:
        lines = f.read().splitlines()[1:]
    rows = [line.split(",")[4:] for line in lines]
    labels = [int(line.split(",")[0]) for line in lines]
    for i in range(len(rows) - 1):
        if labels[i] != labels[i + 1]:
            mid = [(float(a) + float(b)) / 2 for a, b in zip(rows[i], rows[i + 1])]
            rows.append(["%.6g" % v for v in mid])
    with open(f"{tmp}/rows.csv", "w") as f:
        f.write("\n".join(",".join(r) for r in rows) + "\n")
    threshold = json.load(open(f"{tmp}/run-os_telem/result.json"))["threshold"]
    preds = [json.loads(x) for x in must([atome, "classify", "--model", f"{tmp}/os_telem.atome",
                                          "--csv", f"{tmp}/rows.csv", "--json"]).splitlines()]
    pick = [i for i, p in enumerate(preds) if p["abstain"] and p["p"] < threshold - 0.02]
    assert pick, "no example the telemetry head abstains on"
    stream = os.path.join(tmp, "frames.csv")
    with open(stream, "w") as f:
        f.write(must([PY, os.path.join(repo, "data", "generators", "stream.py"), "--seed", "1",
                      "--event-class", "telemetry=2",
                      "--abstain-frame", "telemetry=" + ",".join(rows[pick[0]]),
                      "--check", f"{CHECK}=air:0", "--commands"]
                     + [f"--head={n}={gen}/{h}" for n, h in HEADS.items()]))

    def periods(*extra, cfg=config):
        out = must([atome, "apps", "run", "--config", cfg, "--stream", stream, "--json", *extra])
        lines = [json.loads(x) for x in out.splitlines()]
        return lines[:-1], lines[-1]

    exact, s_exact = periods()
    always, s_always = periods("--gate", "off")
    assert len(exact) == 400
    assert_same_decisions(exact, always)
    assert s_always["gate_hits"] == 0 and s_exact["gate_hits"] > 0
    print(f"exact gating: {len(exact)} periods, decisions identical to always-run; "
          f"{s_exact['runs']} runs + {s_exact['gate_hits']} gate hits, skip rate "
          f"{s_exact['skip_rate']:.1f} % (always-run: {s_always['runs']} runs)")

    # 2. bad frames at stream.py's places.
    assert_fault_statuses(exact, list(HEADS))
    for p in exact:
        if p["heads"][0]["action"] == "bad-frame":
            assert p["rule"] in ("safe-no-evidence", "no-evidence", "enter-safe"), p
    # 3. states, and abstention -> SAFE.
    states = {p["state"] for p in exact}
    assert {"normal", "alert", "safe"} <= states, states
    run_len, abstained, entered = 0, 0, False
    for p in exact:
        tel = p["heads"][0]
        no_evidence = tel["action"] == "bad-frame" or tel.get("abstain", False)
        abstained += bool(tel.get("abstain", False))
        run_len = run_len + 1 if no_evidence else 0
        if run_len >= m_abstain:
            assert p["state"] == "safe", p
            entered = entered or (run_len == m_abstain and p["rule"] == "enter-safe")
    assert abstained >= m_abstain and entered, "the abstaining stretch did not send it to SAFE"
    print(f"bad frames: nan / flagged / wrong-length / missing as defined for {len(HEADS)} heads; "
          f"states {sorted(states)}; {abstained} abstaining telemetry periods, SAFE after "
          f"{m_abstain} in a row (enter-safe)")

    # 4. the bad-reading check head on air's channel 0.
    check_head(exact, config, tmp, periods)
    # 5. tolerance gating against always-run (measured, not asserted, except tol 0 = exact).
    tolerance_agreement(always, config, tmp, periods)

    # 6. operator rows.
    operator_rows(atome, config, exact, tmp)

    # 7. malformed text.
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("period,head,values...\n0,air,1,2,x3\n")
    r = run([atome, "apps", "run", "--config", config, "--stream", bad])
    assert r.returncode == 1 and "row 2, column 5" in r.stderr and r.stderr.count("\n") == 1, r
    print("malformed stream: " + r.stderr.strip())
    for row, col in (("0,@command,turn on", 3), ('0,@command,"turn on', 3), ('0,@command,"a"b', 3),
                     ("0,@resume,now", 3), ("0,@halt", 2)):
        with open(bad, "w") as f:
            f.write(f"period,head,values...\n{row}\n")
        r = run([atome, "apps", "run", "--config", config, "--stream", bad])
        assert r.returncode == 1 and f"row 2, column {col}" in r.stderr \
            and r.stderr.count("\n") == 1, (row, r)
    no_text = with_config(config, tmp, "apps-no-text.json", lambda j: j.pop("text"))
    r = run([atome, "apps", "run", "--config", no_text, "--stream", stream])
    assert r.returncode == 1 and "needs apps.json's \"text\"" in r.stderr \
        and r.stderr.count("\n") == 1, r
    print("malformed operator rows (unquoted, unterminated, text after the quote, @resume with a "
          "field, unknown @word) and a @command without text heads: one line each, exit 1")
    shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
