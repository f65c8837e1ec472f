"""command_intent: a typed command of at most 32 bytes (a serial console, an app's text box, a
chat bridge) -> the action a device would take. Byte layout, writers and typing noise:
text_common.py.

Classes
- turn_on:   "turn on the pump", "fan on", "start heater", "open the valve"
- turn_off:  "switch off the light", "pump off", "stop the fan", "close valve" (a stop WITH a
             device is a turn_off)
- set_value: "set fan 3", "fan to 40%", "heater level 2", "change the pump to 70"
- status:    "status?", "is the pump on", "fan status", "how is the heater"
- stop_all:  "stop", "emergency stop", "halt everything", "abort" (no device: everything off)
- unknown:   out-of-scope requests ("what time is it", "play music", "order pizza"), greetings
             and keyboard noise ("asdf", "??") — what a device must not act on
Devices: pump, fan, light, heater, valve, motor, lamp, heater 2, fan 1..3 (slot values), numbers
0..100 with optional %. Writers: group_by = subject (30 at full scale).

Limits: English only; one device per command (no "turn on the pump and the fan"); no negations
("don't turn on"); unknown is a finite list of 24 out-of-scope phrases plus random letters, so an
unseen kind of out-of-scope request may still land in a device class (the abstention threshold is
the guard).
"""

import numpy as np

import text_common as tc

HEAD = "command_intent"
CLASSES = ["turn_on", "turn_off", "set_value", "status", "stop_all", "unknown"]
CHANNELS = tc.CHANNELS
WINDOW = tc.WINDOW
SAMPLE_RATE_HZ = tc.SAMPLE_RATE_HZ
PIPELINE = tc.PIPELINE
GROUP_BY = "subject"
VERSION = 1
LABEL_NOISE = 0.01

SYN = {
    "on": ["turn on", "switch on", "start", "enable", "power up", "activate", "run"],
    "off": ["turn off", "switch off", "shut off", "disable", "power down", "kill", "stop", "shut down"],
    "set": ["set", "change", "adjust", "put"],
    "stat": ["status", "state", "reading", "info"],
    "ask": ["is the", "check the", "how is the", "what is the"],
    "stop": ["stop", "stop all", "emergency stop", "halt", "halt everything", "abort", "e-stop",
             "stop everything", "kill all", "shutdown all"],
}
DEVICES = ["pump", "fan", "light", "heater", "valve", "motor", "lamp", "fan 2", "pump 1", "lights"]
UNKNOWN = ["what time is it", "play some music", "order pizza", "tell me a joke", "hello",
           "who are you", "good night", "call mom", "weather tomorrow", "thanks", "ok", "lol",
           "what can you do", "open the door", "buy milk", "read my email", "sing a song",
           "how old are you", "never mind", "test", "hmm", "yes", "where am i", "help me"]


def _dev(rng):
    return DEVICES[int(rng.integers(len(DEVICES)))]


def _num(rng):
    v = int(rng.integers(0, 101)) if rng.random() < 0.6 else int(rng.integers(0, 6))
    return str(v) + ("%" if rng.random() < 0.3 else "")


SLOTS = {"dev": _dev, "n": _num}

CORE = {
    0: ["{on} the {dev}", "{on} {dev}", "{dev} on", "the {dev} on", "open the {dev}"],
    1: ["{off} the {dev}", "{off} {dev}", "{dev} off", "the {dev} off", "close the {dev}"],
    2: ["{set} {dev} {n}", "{set} the {dev} to {n}", "{dev} to {n}", "{dev} level {n}",
        "{dev} speed {n}", "{set} {dev} at {n}"],
    3: ["{stat}", "{dev} {stat}", "is the {dev} on", "{ask} {dev}", "{stat} of the {dev}",
        "{stat} report"],
    4: ["{stop}", "{stop} now", "{stop} please"],
}


def _core(rng, c, w):
    if c == 5:
        if rng.random() < 0.2:  # keyboard noise
            k = int(rng.integers(2, 8))
            return "".join(chr(int(v)) for v in rng.integers(97, 123, k))
        return UNKNOWN[int(rng.integers(len(UNKNOWN)))]
    t = CORE[c][int(rng.integers(len(CORE[c])))]
    if c == 0 and t.startswith("open") and rng.random() < 0.7:
        t = "open the valve"  # open/close suit valves most
    if c == 1 and t.startswith("close") and rng.random() < 0.7:
        t = "close the valve"
    return tc.fill(rng, t, w, SLOTS)


def generate(rng, n, n_groups):
    return tc.generate_text(rng, n, n_groups, len(CLASSES), SYN, _core)
