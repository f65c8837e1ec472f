"""voice (keywords): 1 s clips at 16 kHz; MFCC c0..c3 with per-clip cepstral mean and variance
normalisation, averaged over 8 equal segments of the speech span (pipeline: mfcc.py, cmvn=True,
endpoint_db=4; version 2 split the whole clip, version 1 had c0..c7 without normalisation over 4
segments of 250 ms). Needs espeak-ng and sox (Debian packages of the same names).

Front end (version 3, measured in docs/DATA.md "Voice front end"): the speech span runs from the
first to the last frame more than 4 dB above the clip's quietest frame (an energy endpoint
detector); splitting it instead of the whole clip puts the same part of the word in a segment
whatever its onset and the speaking rate. The 4 dB were chosen on the validation split.

Front end (version 2, measured in docs/DATA.md "Voice front end"): a keyword is a sequence of
sounds, so 8 segments of 4 coefficients keep more of its time course than 4 of 8; CMVN removes
what the microphone (gain, high-pass) and the level add to every frame. The audio, speakers,
noise and every draw are those of version 1.

Speech model
- Words synthesised by the espeak-ng formant synthesiser (`espeak-ng -v LANG+VARIANT -s RATE
  -p PITCH --stdout WORD`), resampled 22.05 -> 16 kHz by `sox -R` (repeatable mode: no random
  dither). Classes: on / off / stop / go, and unknown (yes, no, up, down, left, right, seven,
  house: the other Speech Commands words).
- Speakers (group_by = subject): an English accent (en-us, en-gb, en-gb-scotland, en-gb-x-rp,
  en-029, en-us-nyc, en-gb-x-gbclan, en-gb-x-gbcwmd) x a voice variant (espeak-ng's m1..m8,
  f1..f5, klatt..klatt4, croak, grandpa, ...: formant sets, breathiness, pitch contours), a base
  pitch (15..85 of espeak's 0..99) and speaking rate (120..210 words/min); each utterance varies
  pitch +-10 and rate +-12 % around the speaker's (3 takes per word and speaker).
- Channel: the clip starts when a voice-activity detector triggers, so the word's onset falls
  0..200 ms into the 1 s clip (a long, slow word may be cut at the end),
  level -26..-6 dBFS, microphone first-order high-pass (60..250 Hz per device), additive noise
  made by sox (`sox -R -n ... synth 1.2 whitenoise|pinknoise|brownnoise`, per site), mixed at an
  SNR of 10..30 dB, with mains hum on some sites.

Groups: subject = speaker, device = subject (each speaker's own phone), site = the noise
environment (8 sites shared by speakers). Limits: espeak-ng is a rule-based formant synthesiser,
far more regular than human speech (no coarticulation variety, no emotion, no far-field room
acoustics): the real Speech Commands data is harder.
"""

import subprocess

import numpy as np

import common
import mfcc

HEAD = "voice"
CLASSES = ["on", "off", "stop", "go", "unknown"]
UNKNOWN = ["yes", "no", "up", "down", "left", "right", "seven", "house"]
N_CEPS = 4
CHANNELS = mfcc.cmvn_channels(N_CEPS, mfcc.FS)
WINDOW = 8
SAMPLE_RATE_HZ = 8.0  # one MFCC vector per segment: an eighth of the speech span (<= 125 ms)
ENDPOINT_DB = 4
PIPELINE = {"name": "mfcc", "params": dict(mfcc.PARAMS, n_ceps=N_CEPS, clip_s=1.0, segments=WINDOW,
                                           cmvn=1, sd_floor=mfcc.SD_FLOOR,
                                           endpoint_db=ENDPOINT_DB)}  # cmvn 1: per clip
GROUP_BY = "subject"
VERSION = 4
LABEL_NOISE = common.ANNOTATION_NOISE

FS = mfcc.FS
ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc",
           "en-gb-x-gbclan", "en-gb-x-gbcwmd"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
            "klatt", "klatt2", "klatt3", "klatt4", "croak", "grandpa", "grandma", "adam", "steph",
            "john", "linda", "max", "paul", "robert", "zac", "travis", "Annie"]
NOISES = ["whitenoise", "pinknoise", "brownnoise"]
N_SITES = 8
TAKES = 3
_cache = {}


def _run(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=True).stdout


def _to_float16k(wav_bytes):
    raw = _run(["sox", "-R", "-t", "wav", "-", "-r", str(FS), "-e", "signed", "-b", "16", "-c", "1",
                "-t", "raw", "-"], wav_bytes)
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def _say(voice, rate, pitch, word):
    key = (voice, rate, pitch, word)
    if key not in _cache:
        wav = _run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "--stdout", word])
        x = _to_float16k(wav)
        nz = np.flatnonzero(np.abs(x) > 1e-3)  # trim the synthesiser's leading/trailing silence
        _cache[key] = x[nz[0]:nz[-1] + 1] if len(nz) else x
    return _cache[key]


def _noise(kind, seed):
    raw = _run(["sox", "-R", "-n", "-r", str(FS), "-e", "signed", "-b", "16", "-c", "1", "-t", "raw",
                "-", "synth", "1.2", kind, "vol", "0.5"])
    x = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-12)


def _subject(rng, gid):
    return {"voice": f"{ACCENTS[rng.integers(len(ACCENTS))]}+{VARIANTS[rng.integers(len(VARIANTS))]}",
            "pitch": int(rng.integers(15, 86)), "rate": int(rng.integers(120, 211)),
            "hp": rng.uniform(60, 250)}


def generate(rng, n, n_groups):
    subjects = [_subject(rng, i) for i in range(n_groups)]
    sites = [{"noise": _noise(NOISES[i % 3], i), "hum": [0.0, 50.0, 60.0][rng.integers(0, 3)],
              "shift": int(rng.integers(0, FS // 5))} for i in range(N_SITES)]
    g = common.assign_groups(rng, n, n_groups)
    y = common.balanced_labels(rng, n, len(CLASSES))
    site = rng.integers(0, N_SITES, n)
    t = np.arange(FS) / FS
    f = np.fft.rfftfreq(FS, 1 / FS)
    xs = []
    for i in range(n):
        s, e = subjects[g[i]], sites[site[i]]
        word = CLASSES[y[i]] if y[i] < 4 else UNKNOWN[rng.integers(len(UNKNOWN))]
        take = rng.integers(0, TAKES)
        trng = np.random.default_rng([g[i], take, y[i]])  # a take's prosody is fixed per speaker
        rate = int(np.clip(s["rate"] * trng.uniform(0.88, 1.12), 80, 260))
        pitch = int(np.clip(s["pitch"] + trng.integers(-10, 11), 0, 99))
        w = _say(s["voice"], rate, pitch, word)[:FS]
        clip = np.zeros(FS)
        onset = rng.integers(0, FS // 5)
        seg = w[: FS - onset]
        clip[onset:onset + len(seg)] = seg
        clip *= 10 ** (rng.uniform(-26, -6) / 20) / (np.sqrt(np.mean(w ** 2)) + 1e-12)
        sig_rms = np.sqrt(np.mean(seg ** 2)) * np.sqrt(np.mean(clip ** 2) / (np.mean(seg ** 2) + 1e-20))
        start = (e["shift"] + rng.integers(0, len(e["noise"]) - FS)) % (len(e["noise"]) - FS)
        noise = e["noise"][start:start + FS].copy()
        if e["hum"]:
            noise += 0.5 * np.sin(2 * np.pi * e["hum"] * t + rng.uniform(0, 6.28))
        snr = rng.uniform(10, 30)
        x = clip + noise * sig_rms / 10 ** (snr / 20) / (np.sqrt(np.mean(noise ** 2)) + 1e-12)
        H = (1j * f / s["hp"]) / (1 + 1j * f / s["hp"])
        x = np.clip(np.fft.irfft(np.fft.rfft(x) * H, FS), -1, 1)
        xs.append(mfcc.mfcc(x, WINDOW, cmvn=True, n_ceps=N_CEPS, endpoint_db=ENDPOINT_DB))
    return y, {"subject": g, "device": g, "site": site}, np.stack(xs)
