"""MFCC front end shared by voice and sound_scene (numpy only).

Parameters (the documented pipeline, recorded in each head's spec.json):
  sample rate 16 kHz; frames of 400 samples (25 ms), hop 160 (10 ms), Hamming window;
  |FFT(512)|^2 / 512 power spectrum; 26 triangular mel filters (HTK mel scale
  m = 2595 log10(1 + f / 700)) from 20 Hz to 8 kHz, peak 1; natural log of the filter energies
  with a floor of 1e-10; orthonormal DCT-II; coefficients c0..c7 kept; the frames are averaged
  into `segments` equal segments of the clip (segment-major: all coefficients of segment 0 first).
  With cmvn=True (the voice head): only c0..c(n_ceps-1), each normalised per clip by the mean and
  the population standard deviation of that coefficient over all the clip's frames (standard
  deviation floored at SD_FLOOR): a segment's value is (segment mean - mu) / sd. Why: a fixed
  channel (the microphone's high-pass and gain) multiplies the spectrum, i.e. adds a constant to
  each log filter energy (nearly, for a response that varies little across one filter) and so to
  each c_k of every frame, which the mean removes; dividing by
  the deviation takes out the speaker's and the noise's dynamic range (cepstral mean and variance
  normalisation, the usual keyword-spotting / ASR front-end step).
  With endpoint_db=D as well (the voice head, version 3): the segments split only the speech span,
  from the first to the last frame whose c0 is more than D dB above the clip's quietest frame
  (speech_span); mu and sd stay those of the whole clip. Why: the word's onset (0..200 ms) and
  length (the speaking rate) vary, so equal segments of the whole clip mix the word with silence
  in proportions that vary from clip to clip; over the span, segment s is the same part of the word
  at any onset and rate (a keyword spotter's energy endpointing).

Limits (derived from the pipeline, not fitted): a frame of full-scale input (|x| <= 1) has
sum_k P_k <= sum w^2 <= 400 by Parseval, so every log filter energy L lies in
[ln 1e-10, ln 400] = [-23.03, 5.99]; c0 = sum(L) / sqrt(26) lies in [-117.4, 30.6]; for k >= 1
the DCT row sums to zero, so |c_k| <= sqrt(2/26) * 26 * (ln 400 - ln 1e-10) / 2 = 73.9.
With CMVN over F frames a normalised frame lies within sqrt(F - 1) of 0 (Samuelson's inequality),
and so does a segment's mean of them: [-sqrt(F - 1), sqrt(F - 1)] (9.85 for a 1 s clip, F = 98).
"""

import numpy as np

FS = 16000
FRAME = 400
HOP = 160
NFFT = 512
NMEL = 26
NCEP = 8
FLOOR = 1e-10
SD_FLOOR = 0.01  # CMVN: a constant coefficient (digital silence) is reported as 0, not 0 / 0
C0_PER_DB = np.sqrt(NMEL) * np.log(10) / 10  # +1 dB in every mel band adds this to c0
PARAMS = {"fs_hz": FS, "frame": FRAME, "hop": HOP, "window": "hamming", "nfft": NFFT,
          "n_mel": NMEL, "mel_scale": "htk", "f_lo_hz": 20, "f_hi_hz": 8000, "log": "ln",
          "floor": FLOOR, "dct": "II-ortho", "n_ceps": NCEP}

_LMIN, _LMAX = np.log(FLOOR), np.log(float(FRAME))
LIMITS = [(np.sqrt(NMEL) * _LMIN, np.sqrt(NMEL) * _LMAX)] + \
    [(-np.sqrt(2 / NMEL) * NMEL * (_LMAX - _LMIN) / 2, np.sqrt(2 / NMEL) * NMEL * (_LMAX - _LMIN) / 2)] * (NCEP - 1)


def _mel_bank():
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    imel = lambda m: 700 * (10 ** (m / 2595) - 1)  # noqa: E731
    pts = imel(np.linspace(mel(20), mel(8000), NMEL + 2))
    f = np.fft.rfftfreq(NFFT, 1 / FS)
    bank = np.zeros((NMEL, len(f)))
    for i in range(NMEL):
        lo, c, hi = pts[i], pts[i + 1], pts[i + 2]
        bank[i] = np.clip(np.minimum((f - lo) / (c - lo), (hi - f) / (hi - c)), 0, None)
    return bank


_BANK = _mel_bank()
_DCT = np.array([[np.sqrt((1 if k == 0 else 2) / NMEL) * np.cos(np.pi * k * (m + 0.5) / NMEL)
                  for m in range(NMEL)] for k in range(NCEP)])
_WIN = np.hamming(FRAME)


def n_frames(n_samples):
    return 1 + (n_samples - FRAME) // HOP


def log_mel(x):
    """Per-frame ln mel energies of x: [frames, NMEL]."""
    n = n_frames(len(x))
    idx = np.arange(FRAME)[None, :] + HOP * np.arange(n)[:, None]
    p = np.abs(np.fft.rfft(x[idx] * _WIN, NFFT, axis=1)) ** 2 / NFFT
    return np.log(np.maximum(p @ _BANK.T, FLOOR))


def cepstra(x):
    """Per-frame c0..c7 of x: [frames, NCEP]."""
    return log_mel(x) @ _DCT.T


def speech_span(c0, segments, floor_db):
    """[a, b): from the first to the last frame whose c0 is more than floor_db dB above the
    smallest c0 (the clip's noise floor); the whole clip when none is; widened around its middle
    to `segments` frames (kept inside the clip) when shorter, so that every segment has a frame."""
    on = np.flatnonzero(c0 > c0.min() + floor_db * C0_PER_DB)
    a, b = (int(on[0]), int(on[-1]) + 1) if len(on) else (0, len(c0))
    if b - a < segments:
        a = max(0, min(a - (segments - (b - a)) // 2, len(c0) - segments))
        b = a + segments
    return a, b


def mfcc(x, segments, cmvn=False, n_ceps=NCEP, endpoint_db=None):
    """x: mono float audio at 16 kHz in [-1, 1]; returns [segments, NCEP], or with cmvn
    [segments, n_ceps] normalised per clip, over the speech span with endpoint_db (module
    docstring)."""
    c = cepstra(x)
    a, b = speech_span(c[:, 0], segments, endpoint_db) if endpoint_db is not None else (0, len(c))
    seg = np.stack([s.mean(axis=0) for s in np.array_split(c[a:b], segments)])
    if not cmvn:
        return seg
    c = c[:, :n_ceps]
    return (seg[:, :n_ceps] - c.mean(axis=0)) / np.maximum(c.std(axis=0), SD_FLOOR)


def scene(x, segments):
    """The sound_scene front end (version 2): [segments, 8] of, per segment,
      level  = mean c0 - the clip's smallest frame c0 (the event over the room's noise floor),
      c1..c5 = mean cepstral shape (as version 1's c1..c5),
      flux   = mean spectral flux, (1 / NMEL) sum_m |L_t,m - L_t-1,m| (0 for the clip's first
               frame, which has no predecessor),
      c0_sd  = population standard deviation of c0 over the segment's frames (its modulation).
    Why: a fixed microphone gain or a site's louder room adds the same constant to every frame's
    c0, so the floor-relative level is the event's level against the background, independent of
    both (version 1's raw c0 mixed the two); the flux (log-domain, so gain-free too) and the c0
    deviation say how the sound changes inside 125 ms: a steady alarm tone barely, syllabic speech
    and the fragments of breaking glass a lot. c6, c7 make room for them (still 32 features)."""
    L = log_mel(x)
    c = L @ _DCT.T
    flux = np.concatenate([[0.0], np.abs(np.diff(L, axis=0)).mean(axis=1)])
    floor = c[:, 0].min()
    out = []
    for p in np.array_split(np.arange(len(c)), segments):
        out.append([c[p, 0].mean() - floor, *c[p, 1:6].mean(axis=0), flux[p].mean(), c[p, 0].std()])
    return np.array(out)


def scene_channels():
    """scene()'s channels, limits derived from the log mel range [_LMIN, _LMAX] (module docstring):
    level in [0, sqrt(26) (LMAX - LMIN)] (c0's range); flux in [0, LMAX - LMIN]; the deviation of
    values within c0's range is at most half of it."""
    c0_span = LIMITS[0][1] - LIMITS[0][0]
    return [("level", "ln-mel c0 over the clip floor", 0.0, round(float(c0_span), 2))] + \
        channels()[1:6] + \
        [("flux", "ln-mel per band per frame", 0.0, round(float(_LMAX - _LMIN), 2)),
         ("c0_sd", "ln-mel cepstrum (sd)", 0.0, round(float(c0_span / 2), 2))]


def cmvn_channels(n_ceps, n_samples):
    """The CMVN features' channels: limits +-sqrt(frames - 1) (module docstring)."""
    lim = round(float(np.sqrt(n_frames(n_samples) - 1)), 2)
    return [(f"mfcc{k}", "CMVN (sd over the clip)", -lim, lim) for k in range(n_ceps)]


def channels():
    return [(f"mfcc{k}", "ln-mel cepstrum", round(float(LIMITS[k][0]), 2), round(float(LIMITS[k][1]), 2))
            for k in range(NCEP)]
