#!/usr/bin/python3
"""The two text generators describe one world (data/generators/text_common.py, docs/DATA.md).

    tests/text_world_test.py

The interpreter (docs/APPS.md section 12) routes by intent_bucket and hands `control` to
command_intent, so every core phrase command_intent draws must be one intent_bucket draws too, in
the bucket text_common.BUCKET_OF_KIND gives its class (turn_on/turn_off/set_value/stop_all/
status -> control, unknown -> control or smalltalk, never query/config/alert), and every phrase
intent_bucket calls control must be one command_intent is trained on (the router and the command
head have seen the same requests). Also no core phrase may be drawn for two buckets or
two commands (the world would contradict itself). Core phrases are compared before the writer's
frame, typos and case, with a writer who knows every synonym and with the slots fixed (device
"pump", number "5", noise "asdf"), so the sets are finite and sampling covers them. Needs
python3-numpy.
"""

import os
import sys
from collections import defaultdict

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "data", "generators"))
import text_common as tc  # noqa: E402
import command_intent as ci  # noqa: E402
import intent_bucket as ib  # noqa: E402

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def fix_slots():
    for slots in (tc.CMD_SLOTS, ib.SLOTS):
        slots["dev"] = lambda rng: "pump"
        slots["n"] = lambda rng: "5"
    tc.keyboard_noise = lambda rng: "asdf"


def cores(module, draws):
    """class name -> set of core phrases (draws per class), with an all-knowing writer."""
    writer = {"lex": module.SYN}
    rng = np.random.default_rng(3)
    out = {}
    for c, name in enumerate(module.CLASSES):
        out[name] = {module._core(rng, c, writer)[0] for _ in range(draws)}
    return out


def main():
    fix_slots()
    cmd = cores(ci, 6000)
    bkt = cores(ib, 30000)
    bucket_of = defaultdict(set)
    for b, phrases in bkt.items():
        for p in phrases:
            bucket_of[p].add(b)
    for p, bs in bucket_of.items():
        check(len(bs) == 1, f"intent_bucket draws {p!r} for {sorted(bs)}")
    intent_of = defaultdict(set)
    for c, phrases in cmd.items():
        for p in phrases:
            intent_of[p].add(c)
    for p, cs in intent_of.items():
        check(len(cs) == 1, f"command_intent draws {p!r} for {sorted(cs)}")
    for c, phrases in cmd.items():
        allowed = {"control", "smalltalk"} if c == "unknown" else {tc.BUCKET_OF_KIND[c]}
        for p in sorted(phrases):
            check(bucket_of[p] and bucket_of[p] <= allowed,
                  f"command_intent {c} {p!r}: intent_bucket gives {sorted(bucket_of[p])} "
                  f"(want {sorted(allowed)})")
    for p in sorted(bkt["control"]):
        check(bool(intent_of[p]),
              f"intent_bucket control {p!r}: command_intent gives {sorted(intent_of[p])}")
    n = sum(len(v) for v in cmd.values())
    print(f"{n} command_intent core phrases, {len(bucket_of)} intent_bucket core phrases checked")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("one world: every command phrase is in its bucket, every control phrase is a command")
    return 0


if __name__ == "__main__":
    sys.exit(main())
