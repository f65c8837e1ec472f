"""Checks on `atome apps run --json` output shared by apps-run-check.py and
apps-run-all-check.py: two runs decide the same, and stream.py's bad frames get their statuses."""

DECISION_KEYS = ("state", "class", "rule", "bad_input_mask", "budget_used")
HEAD_KEYS = ("class", "p_q15", "margin_q15", "abstain", "logits_q16", "input", "reason")


def assert_same_decisions(a_periods, b_periods):
    """Every period's dispatcher output, each head's full decision (class, p, margin,
    abstention, logits, input status, skip reason) and each operator row's decision equal."""
    assert len(a_periods) == len(b_periods), (len(a_periods), len(b_periods))
    for a, b in zip(a_periods, b_periods):
        for k in DECISION_KEYS:
            assert a[k] == b[k], (a["period"], k, a[k], b[k])
        for ha, hb in zip(a["heads"], b["heads"]):
            for k in HEAD_KEYS:
                assert ha.get(k) == hb.get(k), (a["period"], ha["name"], k, ha.get(k), hb.get(k))
        assert a.get("commands") == b.get("commands"), a["period"]


def assert_fault_statuses(periods, head_names):
    """stream.py writes head h's faults at fixed periods (h in --head order): NaN at 20 + 7h,
    a spike at 30 + 7h, a short row at 40 + 7h, no row at 50 + 7h, a frozen window from
    60 + 7h; each gets its defined input status and never a decision."""
    for h, name in enumerate(head_names):
        for period, want in ((20 + 7 * h, "nan"), (30 + 7 * h, "flagged"),
                             (40 + 7 * h, "wrong-length"), (50 + 7 * h, "missing"),
                             (60 + 7 * h, "flagged")):
            got = periods[period]["heads"][h]
            assert got["name"] == name and got["input"] == want, (period, name, want, got)
            assert got["action"] in ("bad-frame", "skipped"), (period, name, got)
