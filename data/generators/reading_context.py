"""The bad_reading head's input: five integers computed from the 16 normalised readings of one
channel (reading_context pipeline, docs/APPS.md §6). Python standard library only, integers only,
so that apps/reading_check.cpp computes the same numbers bit for bit on a microcontroller.

Why these five: they are what a firmware plausibility check looks at, and a quick LR / MLP / GBM
on them separates the generator's four classes about as well as its 1 % label noise allows,
while the 16 raw readings quantised to 16 levels each could not (a valid slow channel looked
constant, i.e. "stuck").

The readings are taken in Q24 (reading * 2^24, rounded half to even: the tokeniser's fixed-point
input format for the -0.5..1.5 channel). With d_i = |q_i - q_(i-1)|:
  excess_bits   bit length of how far the last reading lies outside [0, 1] (0: inside): out of range
  tail_run      how many readings at the end equal the last one exactly (1..16): stuck
  context_run   the longest run of equal readings before that tail (0 if the tail is all 16): an
                ADC that legitimately repeats codes vs one that froze
  step_log      log4(d_15): the last step on a quarter-octave log scale (0 for no step): spike
  step_vs_ctx   log4(14 d_15) - log4(d_1 + ... + d_14): the last step against the context's mean
                step (noise or a slow process), quarter octaves: spike vs noise
log4(x) = 0 for x = 0, else 4 b + (the two bits below the leading one) + 1 with b = floor(log2 x):
exact integer, monotone, a quarter of an octave per unit.
"""

WINDOW = 16
FRAC = 24
NAMES = ["excess_bits", "tail_run", "context_run", "step_log", "step_vs_ctx"]
# (name, unit, min, max): the physical limits of each feature (what the definitions can produce).
CHANNELS = [("excess_bits", "bits", 0, 26), ("tail_run", "readings", 1, 16),
            ("context_run", "readings", 0, 15), ("step_log", "quarter octaves", 0, 108),
            ("step_vs_ctx", "quarter octaves", -120, 120)]


def log4(x):
    """Quarter-octave integer log: 0 for 0, else 4 * floor(log2 x) + next two bits + 1."""
    if x <= 0:
        return 0
    b = x.bit_length() - 1
    f = (x >> (b - 2)) & 3 if b >= 2 else (x << (2 - b)) & 3
    return 4 * b + f + 1


def to_q24(r):
    """A normalised reading (fraction of range) in Q24, saturated to the channel's -0.5..1.5."""
    return int(round(min(1.5, max(-0.5, float(r))) * (1 << FRAC)))


def features(q):
    """The five features of 16 readings given in Q24 (ints)."""
    assert len(q) == WINDOW
    one = 1 << FRAC
    excess = max(q[-1] - one, -q[-1], 0)
    tail = 1
    while tail < WINDOW and q[WINDOW - 1 - tail] == q[-1]:
        tail += 1
    best, run = 0, 0
    for i in range(WINDOW - tail):
        run = run + 1 if i > 0 and q[i] == q[i - 1] else 1
        best = max(best, run)
    d = [abs(q[i] - q[i - 1]) for i in range(1, WINDOW)]
    last = d[-1]
    vs_ctx = log4((WINDOW - 2) * last) - log4(sum(d[:-1]))  # 14 d_15 against d_1 + ... + d_14
    return [excess.bit_length(), tail, best, log4(last), vs_ctx]
