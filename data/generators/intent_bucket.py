"""intent_bucket: a free-text request of at most 32 bytes -> the coarse bucket a dispatcher routes
it by (which head or service handles it). Byte layout, writers and typing noise: text_common.py.

Classes
- control:   act on a device now ("turn on the fan", "pump off", "set heater 3", "stop")
- query:     ask for a value or state ("what is the temperature", "is the door locked", "how
             much water today", "battery level?")
- config:    change how the device behaves later ("set wifi password", "change units to f",
             "set alarm at 30", "rename sensor 2", "update firmware", "reset settings")
- alert:     report an emergency or fault ("smoke in the kitchen", "water leak!", "pump is
             broken", "smells like gas", "help")
- smalltalk: social talk with no request ("hi", "thanks", "good morning", "how are you")
The buckets share verbs on purpose: "set fan 3" is control but "set alarm at 30" is config; "is
the pump on" is query but "pump on" is control; "help" is alert but "help me with wifi" is
config. Writers: group_by = subject (30 at full scale); smalltalk is not framed ("please hi" is
not said) but gets the writer's case, typos and spacing.

Limits: English only; each phrase is one bucket (no "hi, turn on the fan"); the phrase lists are
finite (about 15 cores per bucket with synonym and slot variation), so a held-out writer's novelty
is its frame/tail combination, lexicon mix and style, not new sentence structures.
"""

import numpy as np

import text_common as tc

HEAD = "intent_bucket"
CLASSES = ["control", "query", "config", "alert", "smalltalk"]
CHANNELS = tc.CHANNELS
WINDOW = tc.WINDOW
SAMPLE_RATE_HZ = tc.SAMPLE_RATE_HZ
PIPELINE = tc.PIPELINE
GROUP_BY = "subject"
VERSION = 1
LABEL_NOISE = 0.01

SYN = {
    "on": ["turn on", "switch on", "start", "enable"],
    "off": ["turn off", "switch off", "stop", "shut off"],
    "set": ["set", "change", "put"],
    "what": ["what is the", "what's the", "show the", "tell me the", "read the"],
    "qty": ["temperature", "humidity", "battery level", "co2", "power use", "water use",
            "pressure", "signal"],
    "cfg": ["wifi password", "units to celsius", "units to f", "timezone to utc", "the schedule",
            "night mode", "sample rate", "device name"],
    "verb_cfg": ["set", "change", "update", "configure"],
    "fire": ["smoke", "fire", "gas smell", "water leak", "flood", "alarm"],
    "room": ["kitchen", "basement", "garage", "bedroom", "hall"],
    "broken": ["is broken", "is not working", "failed", "is leaking", "is overheating"],
    "hi": ["hi", "hello", "hey", "good morning", "good night", "yo"],
    "thx": ["thanks", "thank you", "thx", "great job", "nice", "cool"],
}
DEVICES = ["pump", "fan", "light", "heater", "valve", "motor", "sensor 2", "door"]


def _dev(rng):
    return DEVICES[int(rng.integers(len(DEVICES)))]


def _num(rng):
    return str(int(rng.integers(0, 101)))


SLOTS = {"dev": _dev, "n": _num}

CORE = {
    0: ["{on} the {dev}", "{off} the {dev}", "{dev} on", "{dev} off", "{set} {dev} {n}",
        "{set} the {dev} to {n}", "stop", "{on} {dev} now", "lock the door", "open the valve"],
    1: ["{what} {qty}", "{qty}?", "is the {dev} on", "is the door locked", "how much {qty}",
        "{qty} in the {room}", "how is the {dev}", "when did the {dev} run", "{dev} status",
        "show {qty} today"],
    2: ["{verb_cfg} {cfg}", "{verb_cfg} the {cfg}", "set alarm at {n}", "rename {dev} {room}",
        "update firmware", "reset settings", "set threshold {n}", "help me with wifi",
        "{set} {dev} name", "add a new sensor"],
    3: ["{fire} in the {room}", "{fire}!", "the {dev} {broken}", "{dev} {broken}", "help",
        "help!", "{fire} alarm", "smells like gas", "{room} {fire}", "emergency"],
    4: ["{hi}", "{thx}", "{hi} box", "how are you", "{thx} box", "you are great", "bye",
        "good job", "ok", "lol", "what's up", "{hi} there"],
}


def _core(rng, c, w):
    t = CORE[c][int(rng.integers(len(CORE[c])))]
    return tc.fill(rng, t, w, SLOTS)


def generate(rng, n, n_groups):
    return tc.generate_text(rng, n, n_groups, len(CLASSES), SYN, _core, framed=lambda c: c != 4)
