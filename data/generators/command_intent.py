"""command_intent: a typed command of at most 32 bytes (a serial console, an app's text box, a
chat bridge) -> the action a device would take. Byte layout, writers, typing noise and the
command grammar shared with intent_bucket: text_common.py.

Classes
- turn_on:   "turn on the pump", "fan on", "start heater", "open the valve"
- turn_off:  "switch off the light", "pump off", "stop the fan", "close valve" (a stop WITH a
             device is a turn_off)
- set_value: "set fan 3", "fan to 40%", "heater level 2", "change the pump to 70"
- status:    "status?", "is the pump on", "fan status", "how is the heater"
- stop_all:  "stop", "emergency stop", "halt everything", "abort" (no device: everything off)
- unknown:   what a device must not act on, from the same world as intent_bucket: out-of-scope
             requests to act ("play some music", "order pizza", "open the door"; 40 %: the
             bucket calls them control, so they do reach this head), smalltalk ("hello",
             "thanks", "tell me a joke"; 40 %) and keyboard noise ("asdf"; 20 %), the last two
             unframed as in intent_bucket
Devices: pump, fan, light, heater, valve, motor, lamp, fan 2, pump 1, lights (slot values),
numbers 0..100 with optional %. Writers: group_by = subject (30 at full scale).

Where it sits: after intent_bucket, on a confident `control` only (docs/APPS.md section 12), so
its inputs are intent_bucket's control requests; text_common.BUCKET_OF_KIND maps every class
here to the bucket that routes it (all but unknown are `control` there).

Limits: English only; one device per command (no "turn on the pump and the fan"); no negations
("don't turn on"); unknown is a finite list (12 out-of-scope requests, 20 smalltalk templates)
plus random letters, so an unseen kind of out-of-scope request may still land in a device class
(the abstention threshold is the guard); query, config and alert phrases are not in unknown
(the bucket routes them elsewhere), so one misrouted here is read as whichever command it
resembles most ("set alarm at 30" as set_value) and only the abstention stops it.
"""

import text_common as tc

HEAD = "command_intent"
CLASSES = ["turn_on", "turn_off", "set_value", "status", "stop_all", "unknown"]
CHANNELS = tc.CHANNELS
WINDOW = tc.WINDOW
SAMPLE_RATE_HZ = tc.SAMPLE_RATE_HZ
PIPELINE = tc.PIPELINE
GROUP_BY = "subject"
VERSION = 2  # 2: the command grammar and unknown drawn from text_common's shared world
LABEL_NOISE = 0.01

SYN = {**tc.CMD_SYN, **tc.SMALL_SYN}
# The unknown class's mix of phrase kinds (text_common.other_phrase).
UNKNOWN_MIX = {"out_of_scope": 0.4, "smalltalk": 0.4, "noise": 0.2}


def _core(rng, c, w):
    if CLASSES[c] == "unknown":
        return tc.other_phrase(rng, tc.pick(rng, UNKNOWN_MIX), w)
    return tc.command_phrase(rng, CLASSES[c], w), True


def generate(rng, n, n_groups):
    return tc.generate_text(rng, n, n_groups, len(CLASSES), SYN, _core)
