#!/usr/bin/python3
"""scripts/classify_threshold_rules.py on made-up validation predictions (CTest
ClassifyThresholdRules; pure Python, seconds):

- the Clopper-Pearson bound: for 0 errors the closed form 1 - (1 - c)^(1/n); for k errors the
  binomial tail at the bound is 1 - c; it grows with k and falls with n;
- choose(): the threshold it returns has its bound <= the target and every LOWER distinct
  confidence has a bound over it (brute force over the same rows), ties enter together, and None
  when nothing reaches the target;
- loo: never answers more than cp, and refuses a threshold that rests on one group: all the
  confident answers from one easy group, the errors in the others.
"""

import math
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import classify_threshold_rules as rules  # noqa: E402

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def bound_tests():
    for n in (1, 10, 230, 600, 1080):
        for c in (0.9, 0.99):
            want = 1.0 - (1.0 - c) ** (1.0 / n)
            got = rules.upper_bound(0, n, c)
            check(abs(got - want) < 1e-9, f"bound(0, {n}, {c}) = {got}, closed form {want}")
    for k, n in ((1, 10), (3, 600), (7, 1080)):
        b = rules.upper_bound(k, n, 0.9)
        tail = rules.binomial_cdf(k, n, b)
        check(abs(tail - 0.1) < 1e-6, f"P(Bin({n}, {b}) <= {k}) = {tail}, want 0.1")
        check(rules.upper_bound(k + 1, n, 0.9) > b, f"bound grows with errors at {k}/{n}")
        check(rules.upper_bound(k, n + 50, 0.9) < b, f"bound falls with n at {k}/{n}")
    check(rules.upper_bound(0, 0, 0.9) == 1.0, "no trials: bound 1")


def brute_force_lowest(valid, rule, target):
    """The lowest distinct confidence whose accepted set (conf >= t) has a bound <= target."""
    kind, conf = rule.split("@")
    conf = float(conf)
    groups = sorted({v[3] for v in valid})
    best = None
    for t in sorted({v[0] for v in valid}, reverse=True):
        acc = [v for v in valid if v[0] >= t]
        k = sum(1 for v in acc if not v[1])
        b = rules.upper_bound(k, len(acc), conf)
        if kind == "loo":
            for g in groups:
                rest = [v for v in acc if v[3] != g]
                b = max(b, rules.upper_bound(sum(1 for v in rest if not v[1]), len(rest), conf))
        if b <= target:
            best = t
    return best


def made_up(seed, n=900, groups=9, error_rate=0.03, ties=True):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        p = round(rng.random(), 2 if ties else 12)  # 2 decimals: many ties
        # errors mostly at low confidence
        wrong = rng.random() < error_rate * (1.0 - p) * 3.0
        out.append((p, not wrong, not wrong, i % groups, False))
    return out


def choose_tests():
    for seed in range(4):
        for ties in (True, False):
            valid = made_up(seed, ties=ties)
            for rule in ("cp@0.9", "cp@0.99", "loo@0.9"):
                for target in (0.01, 0.03):
                    got = rules.choose(valid, rule, target)
                    want = brute_force_lowest(valid, rule, target)
                    check(got == want, f"seed {seed} ties {ties} {rule} target {target}: "
                                       f"choose {got}, brute force {want}")
            cp = rules.choose(valid, "cp@0.9", 0.03)
            loo = rules.choose(valid, "loo@0.9", 0.03)
            check(loo is None or (cp is not None and loo >= cp),
                  f"seed {seed}: loo answers more than cp ({loo} < {cp})")
    # Nothing reaches the target: every answer is wrong.
    check(rules.choose([(0.9, False, False, 0, False)] * 50, "cp@0.9", 0.01) is None,
          "all wrong: no threshold")
    # One easy group: 400 confident right answers in group 0; the others' 200 answers at the same
    # confidence carry 3 errors. cp over the 600 certifies 1 %; left without group 0 it cannot.
    valid = [(0.99, True, True, 0, False)] * 400
    valid += [(0.99, i >= 3, i >= 3, 1 + i % 4, False) for i in range(200)]
    check(rules.choose(valid, "cp@0.9", 0.02) == 0.99, "cp takes the easy group's threshold")
    check(rules.choose(valid, "loo@0.9", 0.02) is None, "loo refuses a threshold resting on one group")


def main():
    bound_tests()
    choose_tests()
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        sys.exit(1)
    print("classify_threshold_rules: all checks passed")


if __name__ == "__main__":
    main()
