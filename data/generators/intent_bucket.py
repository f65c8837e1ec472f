"""intent_bucket: a free-text request of at most 32 bytes -> the coarse bucket a dispatcher routes
it by (which head or service handles it). Byte layout, writers, typing noise and the command
grammar shared with command_intent: text_common.py.

Classes
- control:   anything for the command head: its commands and device status requests from the
             shared grammar (turn_on, turn_off, set_value, stop_all, status: "turn on the fan",
             "pump off", "set heater 3", "stop", "is the pump on", "fan status"; 88 %) and
             out-of-scope requests to act ("play some music", "open the door"; 12 %), which the
             command head then declines as unknown
- query:     ask for a sensor value ("what is the temperature", "is the door locked", "how much
             water use", "battery level?"); a device's on/off status is control (above): the
             command head answers it with `status`, and the interpreter gives the same status
             report for both
- config:    change how the device behaves later ("set wifi password", "change units to f",
             "set alarm at 30", "rename sensor 2", "update firmware", "reset settings")
- alert:     report an emergency or fault ("smoke in the kitchen", "water leak!", "pump is
             broken", "smells like gas", "help")
- smalltalk: no request: social talk shared with command_intent's unknown ("hi", "thanks", "tell
             me a joke", "how are you"; 85 %) and keyboard noise ("asdf"; 15 %)
The buckets share verbs on purpose: "set fan 3" is control but "set alarm at 30" is config; "is
the door locked" is query but "lock the door" is control; "help" is alert but "help me with wifi" is
config. Because control and query draw from the command grammar with the same writers, the router
has seen every request the command head is trained on, and agrees with it on what they are
(text_common.BUCKET_OF_KIND). Writers: group_by = subject (30 at full scale); smalltalk and
noise are not framed ("please hi" is not said) but get the writer's case, typos and spacing.

Limits: English only; each phrase is one bucket (no "hi, turn on the fan"); the phrase lists are
finite (about 10..20 cores per bucket with synonym and slot variation), so a held-out writer's
novelty is its frame/tail combination, lexicon mix and style, not new sentence structures.
"""

import text_common as tc

HEAD = "intent_bucket"
CLASSES = ["control", "query", "config", "alert", "smalltalk"]
CHANNELS = tc.CHANNELS
WINDOW = tc.WINDOW
SAMPLE_RATE_HZ = tc.SAMPLE_RATE_HZ
PIPELINE = tc.PIPELINE
GROUP_BY = "subject"
VERSION = 2  # 2: control and smalltalk drawn from text_common's shared world
LABEL_NOISE = 0.01

SYN = {
    **tc.CMD_SYN,
    **tc.SMALL_SYN,
    "what": ["what is the", "what's the", "show the", "tell me the", "read the"],
    "qty": ["temperature", "humidity", "battery level", "co2", "power use", "water use",
            "pressure", "signal"],
    "cfg": ["wifi password", "units to celsius", "units to f", "timezone to utc", "the schedule",
            "night mode", "sample rate", "device name"],
    "verb_cfg": ["set", "change", "update", "configure"],
    "fire": ["smoke", "fire", "gas smell", "water leak", "flood", "alarm"],
    "room": ["kitchen", "basement", "garage", "bedroom", "hall"],
    "broken": ["is broken", "is not working", "failed", "is leaking", "is overheating"],
}
DEVICES = ["pump", "fan", "light", "heater", "valve", "motor", "sensor 2", "door"]


def _dev(rng):
    return DEVICES[int(rng.integers(len(DEVICES)))]


def _num(rng):
    return str(int(rng.integers(0, 101)))


SLOTS = {"dev": _dev, "n": _num}

# Each bucket's mix of phrase kinds: a text_common kind, or "own" (CORE below).
MIX = {
    0: {"turn_on": 0.18, "turn_off": 0.18, "set_value": 0.18, "stop_all": 0.16, "status": 0.18,
        "out_of_scope": 0.12},
    1: {"own": 1.0},
    2: {"own": 1.0},
    3: {"own": 1.0},
    4: {"smalltalk": 0.85, "noise": 0.15},
}
CORE = {
    1: ["{what} {qty}", "{qty}?", "is the door locked", "how much {qty}", "{qty} in the {room}",
        "when did the {dev} run", "show {qty} today", "{qty} level"],
    2: ["{verb_cfg} {cfg}", "{verb_cfg} the {cfg}", "set alarm at {n}", "rename {dev} {room}",
        "update firmware", "reset settings", "set threshold {n}", "help me with wifi",
        "{set} {dev} name", "add a new sensor"],
    3: ["{fire} in the {room}", "{fire}!", "the {dev} {broken}", "{dev} {broken}", "help",
        "help!", "{fire} alarm", "smells like gas", "{room} {fire}", "emergency"],
}


def _core(rng, c, w):
    kind = tc.pick(rng, MIX[c])
    if kind == "own":
        return tc.fill(rng, CORE[c][int(rng.integers(len(CORE[c])))], w, SLOTS), True
    if kind in tc.CMD_CORE:
        return tc.command_phrase(rng, kind, w), True
    return tc.other_phrase(rng, kind, w)


def generate(rng, n, n_groups):
    return tc.generate_text(rng, n, n_groups, len(CLASSES), SYN, _core)
