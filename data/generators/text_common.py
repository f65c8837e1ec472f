"""Shared machinery of the two text heads (command_intent, intent_bucket): writers, phrasing
families, typing noise and the byte layout.

A text example is a request of at most 32 bytes (ASCII), stored as one channel "byte" (0..255)
with window 32, LEFT-padded with byte 0 (NUL): byte@31 is the request's last byte. Left padding
because the classifier reads the hidden state of the LAST token, and the block's conv (K 5) and
decaying state weigh recent tokens most, so the request should end there rather than be followed
by up to 31 padding tokens. The pipeline is "bytes": the trainer keeps the channel's range 0..255
and, trained with `--quant global`, each byte is its own token (identity), so a device feeds the
raw bytes of the request.

Writers (group_by = subject): each writer has
- a phrasing family: one frame (how a request is wrapped: "please ...", "can you ...", "hey
  box, ...", bare) and one tail ("", " please", " now", "!", "?", " thx"), the pair unique to the
  writer, so a held-out writer uses a frame / tail combination no training writer used; the
  writer wraps a request in it with a probability of its own (0.3..0.9) and types the rest bare
  ("pump off"), as people do: were every request framed, the unframed classes (smalltalk, noise)
  would be told apart by the missing frame, and a bare command would read as smalltalk;
- a lexicon: for every synonym set, a random subset of its words (at least one), so a held-out
  writer mixes words in proportions unseen in training;
- a style: case (lower / first capital / upper / title), typo rate 0..6 % per character
  (adjacent swap, dropped, doubled, or a QWERTY neighbour), double-space rate, trailing-space
  rate, and whether the writer drops articles ("turn off pump").
The frames and tails are also the limits: a head trained here has seen only English, ASCII,
these 6 frames x 7 tails, and typing noise of a keyboard (no speech-to-text errors).

One world for both heads. The interpreter (apps/text_commands.cpp, docs/APPS.md section 12)
routes a request by intent_bucket and hands a confident `control` to command_intent, so the two
generators must agree on what each request is. The command grammar below (CMD_SYN, CMD_CORE,
OUT_OF_SCOPE) and the smalltalk phrases (SMALL_SYN, SMALLTALK, keyboard noise) are that shared
definition, drawn by both with the same writers, frames, tails and typos:
- every command_intent command, turn_on / turn_off / set_value / stop_all and device status
  ("is the pump on"), is intent_bucket `control`: the command head decides them all, and a
  status there ends in the same status report as a `query` (sensor questions, "what is the
  temperature"). Measured: with device status in `query` instead, the router had to draw the
  command head's finest line (status or action, "fan status" / "fan off") itself, reached 0.80
  held-out accuracy (median of 3 seeds) against 0.87, and abstained on half its requests;
- command_intent's `unknown` is smalltalk and keyboard noise (intent_bucket `smalltalk`) or an
  out-of-scope imperative ("play some music", "open the door": intent_bucket `control`, a request
  to act that the command head then declines). Either way the interpreter does nothing, which is
  the action `unknown` stands for. (No query, config or alert phrase is `unknown`: the bucket
  routes those to their own service, so they never reach the command head.)
BUCKET_OF_KIND says which bucket each phrase kind belongs to; tests/text_world_test.py checks
that the two generators keep to it.
"""

import numpy as np

N_BYTES = 32
CHANNELS = [("byte", "byte", 0.0, 255.0)]
WINDOW = N_BYTES
SAMPLE_RATE_HZ = 0.0  # not a time series: one byte per position
PIPELINE = {"name": "bytes", "params": {"pad": 0, "align": "right (left-padded with byte 0)",
                                        "quant": "global: token = byte"}}

FRAMES = ["{}", "please {}", "can you {}", "hey box, {}", "box: {}", "pls {}"]
TAILS = ["", " please", " now", "!", "?", " thx", "."]

# The command grammar: synonym sets, device and number slots, core templates per command kind.
CMD_SYN = {
    "on": ["turn on", "switch on", "start", "enable", "power up", "activate", "run"],
    "off": ["turn off", "switch off", "shut off", "disable", "power down", "kill", "stop",
            "shut down"],
    "set": ["set", "change", "adjust", "put"],
    "stat": ["status", "state", "reading", "info"],
    "ask": ["is the", "check the", "how is the", "what is the"],
    "stop": ["stop", "stop all", "emergency stop", "halt", "halt everything", "abort", "e-stop",
             "stop everything", "kill all", "shutdown all"],
}
CMD_DEVICES = ["pump", "fan", "light", "heater", "valve", "motor", "lamp", "fan 2", "pump 1",
               "lights"]


def _cmd_dev(rng):
    return CMD_DEVICES[int(rng.integers(len(CMD_DEVICES)))]


def _cmd_num(rng):
    v = int(rng.integers(0, 101)) if rng.random() < 0.6 else int(rng.integers(0, 6))
    return str(v) + ("%" if rng.random() < 0.3 else "")


CMD_SLOTS = {"dev": _cmd_dev, "n": _cmd_num}
CMD_CORE = {
    "turn_on": ["{on} the {dev}", "{on} {dev}", "{dev} on", "the {dev} on", "open the {dev}"],
    "turn_off": ["{off} the {dev}", "{off} {dev}", "{dev} off", "the {dev} off",
                 "close the {dev}"],
    "set_value": ["{set} {dev} {n}", "{set} the {dev} to {n}", "{dev} to {n}", "{dev} level {n}",
                  "{dev} speed {n}", "{set} {dev} at {n}"],
    "status": ["{stat}", "{dev} {stat}", "is the {dev} on", "{ask} {dev}", "{stat} of the {dev}",
               "{stat} report"],
    "stop_all": ["{stop}", "{stop} now", "{stop} please"],
}
# Requests to act on something no command covers: a router calls them control, the command head
# declines them (unknown).
OUT_OF_SCOPE = ["play some music", "order pizza", "call mom", "buy milk", "read my email",
                "open the door", "lock the door", "send a message", "book a taxi",
                "sing a song", "open the window"]
# Social talk with no request, shared by intent_bucket's smalltalk and command_intent's unknown.
SMALL_SYN = {
    "hi": ["hi", "hello", "hey", "good morning", "good night", "yo"],
    "thx": ["thanks", "thank you", "thx", "great job", "nice", "cool"],
}
SMALLTALK = ["{hi}", "{thx}", "{hi} box", "how are you", "{thx} box", "you are great", "bye",
             "good job", "ok", "lol", "what's up", "{hi} there", "tell me a joke", "who are you",
             "how old are you", "never mind", "hmm", "yes", "test", "what can you do"]
# Which intent_bucket class each phrase kind is (and so what the interpreter does with it).
BUCKET_OF_KIND = {"turn_on": "control", "turn_off": "control", "set_value": "control",
                  "stop_all": "control", "out_of_scope": "control", "status": "control",
                  "smalltalk": "smalltalk", "noise": "smalltalk"}


def command_phrase(rng, kind, writer):
    """A core phrase of one command kind (a CMD_CORE key) in the writer's lexicon."""
    t = CMD_CORE[kind][int(rng.integers(len(CMD_CORE[kind])))]
    if kind == "turn_on" and t.startswith("open") and rng.random() < 0.7:
        t = "open the valve"  # open/close suit valves most
    if kind == "turn_off" and t.startswith("close") and rng.random() < 0.7:
        t = "close the valve"
    return fill(rng, t, writer, CMD_SLOTS)


def keyboard_noise(rng):
    """2..7 random lower-case letters ("asdf"): a request that is no request."""
    return "".join(chr(int(v)) for v in rng.integers(97, 123, int(rng.integers(2, 8))))


def other_phrase(rng, kind, writer):
    """(core phrase, framed) of a non-command kind: smalltalk and keyboard noise are not framed
    ("please hi" is not said), an out-of-scope imperative is."""
    if kind == "noise":
        return keyboard_noise(rng), False
    if kind == "smalltalk":
        return fill(rng, SMALLTALK[int(rng.integers(len(SMALLTALK)))], writer, {}), False
    assert kind == "out_of_scope", kind
    return OUT_OF_SCOPE[int(rng.integers(len(OUT_OF_SCOPE)))], True


def pick(rng, weights):
    """A key of weights (key -> relative weight), drawn by weight."""
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


# QWERTY neighbours for substitution typos.
_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEIGH = {}
for r, row in enumerate(_ROWS):
    for i, ch in enumerate(row):
        n = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
        for rr in (r - 1, r + 1):
            if 0 <= rr < len(_ROWS) and i < len(_ROWS[rr]):
                n.append(_ROWS[rr][i])
        _NEIGH[ch] = n


def draw_writers(rng, n_groups, synsets):
    """One style per writer; frame/tail pairs are distinct across writers (drawn without
    replacement from the 6 x 7 grid, so at most 42 writers)."""
    pairs = [(f, t) for f in range(len(FRAMES)) for t in range(len(TAILS))]
    assert n_groups <= len(pairs)
    order = rng.permutation(len(pairs))
    writers = []
    for g in range(n_groups):
        f, t = pairs[order[g]]
        lex = {}
        for key, words in synsets.items():
            k = int(rng.integers(1, len(words) + 1))
            lex[key] = [words[i] for i in sorted(rng.choice(len(words), k, replace=False))]
        writers.append({
            "frame": FRAMES[f], "tail": TAILS[t], "lex": lex,
            "case": rng.choice(["lower", "lower", "first", "upper", "title"]),
            "typo": rng.uniform(0.0, 0.06), "dspace": rng.uniform(0.0, 0.1),
            "trail": rng.uniform(0.0, 0.2), "no_article": rng.random() < 0.3,
            "p_frame": rng.uniform(0.3, 0.9),
        })
    return writers


def fill(rng, template, writer, slots):
    """template: text with {key} placeholders; each is a synonym from the writer's lexicon or a
    slot value (slots: key -> callable(rng) -> str)."""
    out = template
    while "{" in out:
        a = out.index("{")
        b = out.index("}", a)
        key = out[a + 1:b]
        if key in slots:
            v = slots[key](rng)
        else:
            words = writer["lex"][key]
            v = words[int(rng.integers(len(words)))]
        out = out[:a] + v + out[b + 1:]
    return out


def _typos(rng, s, rate):
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isalpha() and rng.random() < rate:
            kind = int(rng.integers(4))
            if kind == 0 and i + 1 < len(s):  # adjacent swap
                out += [s[i + 1], ch]
                i += 2
                continue
            if kind == 1:  # dropped
                i += 1
                continue
            if kind == 2:  # doubled
                out += [ch, ch]
            else:  # QWERTY neighbour
                n = _NEIGH.get(ch.lower(), [ch])
                out.append(n[int(rng.integers(len(n)))])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def style(rng, text, writer, frame=True):
    """Writer's frame, tail, articles, case, typos and spacing applied to a core phrase."""
    if writer["no_article"]:
        text = " ".join(w for w in text.split(" ") if w not in ("the", "a"))
    if frame and rng.random() < writer["p_frame"]:
        text = writer["frame"].format(text) + writer["tail"]
    text = _typos(rng, text, writer["typo"])
    c = writer["case"]
    if c == "first":
        text = text[:1].upper() + text[1:]
    elif c == "upper":
        text = text.upper()
    elif c == "title":
        text = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    if rng.random() < writer["dspace"]:
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        if spaces:
            i = spaces[int(rng.integers(len(spaces)))]
            text = text[:i] + " " + text[i:]
    if rng.random() < writer["trail"]:
        text += " "
    return text


def encode(text):
    """The request's bytes, right-aligned in 32 (left-padded with 0); longer requests are cut to
    their first 32 bytes (a device's buffer), which the callers avoid by redrawing."""
    b = text.encode("ascii")[:N_BYTES]
    return np.array([0] * (N_BYTES - len(b)) + list(b), dtype=float)


def generate_text(rng, n, n_groups, n_classes, synsets, draw_core):
    """Balanced labels, writers as groups; draw_core(rng, label, writer) -> (core phrase, framed).
    Returns (labels, {"subject": ids}, x[n, 32, 1]). A request over 32 bytes is redrawn (up to 20
    times)."""
    writers = draw_writers(rng, n_groups, synsets)
    g = np.arange(n) % n_groups
    rng.shuffle(g)
    y = np.arange(n) % n_classes
    rng.shuffle(y)
    x = np.zeros((n, N_BYTES, 1))
    for i in range(n):
        w = writers[g[i]]
        for _ in range(20):
            core, framed = draw_core(rng, int(y[i]), w)
            t = style(rng, core, w, framed)
            if len(t) <= N_BYTES:
                break
        x[i, :, 0] = encode(t)
    return y, {"subject": g}, x


def decode(row):
    """The text of one example's 32 byte values (for people and tests)."""
    return bytes(int(v) for v in row if int(v) != 0).decode("ascii")
