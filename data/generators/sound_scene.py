"""sound_scene: a 16 kHz microphone; 0.5 s clips; 4 segments of 125 ms, each with the level over the
clip's noise floor, MFCC c1..c5, spectral flux and the deviation of c0 (pipeline: mfcc.py scene();
version 1 had MFCC c0..c7, the level as raw c0). The audio and every draw are version 1's.

Front end (version 2, measured in docs/DATA.md "sound_scene front end"): a microphone's gain and a
site's room level add the same constant to every frame's c0; the floor-relative level keeps what
the event adds over the background and drops both. Flux and c0 deviation measure how the sound
changes inside a segment (steady alarm tone vs syllabic speech vs shattering fragments).

Sources (synthesised with numpy)
- quiet: room tone only (see background).
- alarm: a smoke/CO alarm's piezo horn: a square-ish tone at 2.9..3.5 kHz (harmonics at 3x, 5x)
  in the NFPA 72 temporal-3 pattern (0.5 s on / 0.5 s off, so a 0.5 s clip catches a partial on
  phase) or a 1..2 Hz siren sweep (1..2.5 kHz) of a security alarm.
- glass_break: an initial thud (low-frequency burst, 200..600 Hz) followed by the shattering:
  many short decaying high-frequency resonances (3..8 kHz, tau 5..40 ms) of fragments,
  Poisson-timed, at a random point of the clip.
- speech_like: a glottal pulse train (F0 90..260 Hz with jitter, -12 dB/octave source spectrum)
  through 3 formant resonators whose frequencies move between vowels (F1 300..800, F2 900..2300,
  F3 2400..3000 Hz), syllabic amplitude modulation at 3..6 Hz.
- Background (every clip): pink/brown room noise at the site's level (35..55 dB re an arbitrary
  full scale, i.e. 1e-3..1e-2 rms), mains hum (50/60 Hz + harmonics) on some sites, HVAC low rumble.
- Room and device: reverberation by an exponentially decaying noise impulse response
  (RT60 0.2..0.9 s per site), microphone frequency response (first-order high-pass 50..200 Hz and
  a tilt of -3..+3 dB/octave per device), gain (+-6 dB per device), SNR of the event 5..25 dB.

Nuisance per site (group_by = site; one device per site: device = site): RT60, background
colour/level, hum, microphone response and gain. Subject constant.
"""

import numpy as np

import common
import mfcc

HEAD = "sound_scene"
CLASSES = ["quiet", "alarm", "glass_break", "speech_like"]
CHANNELS = mfcc.scene_channels()
WINDOW = 4
SAMPLE_RATE_HZ = 8.0  # one feature vector per 125 ms segment
PIPELINE = {"name": "mfcc", "params": dict(mfcc.PARAMS, clip_s=0.5, segments=WINDOW, n_ceps=6,
                                           front="scene")}  # scene: level, c1..c5, flux, c0_sd
GROUP_BY = "site"
VERSION = 3
LABEL_NOISE = common.ANNOTATION_NOISE

FS = mfcc.FS
N = FS // 2


def _site(rng, gid):
    return {"rt60": rng.uniform(0.2, 0.9), "bg": 10 ** rng.uniform(-3, -2), "brown": rng.uniform(0, 1),
            "hum": rng.choice([0.0, 50.0, 60.0], p=[0.5, 0.3, 0.2]), "hp": rng.uniform(50, 200),
            "tilt": rng.uniform(-3, 3), "gain": 10 ** (rng.uniform(-6, 6) / 20)}


def _colored(rng, n, alpha):
    """Noise with power spectrum ~ 1 / f^alpha (0 white, 1 pink, 2 brown), unit rms."""
    f = np.fft.rfftfreq(n, 1 / FS)
    spec = (rng.normal(size=len(f)) + 1j * rng.normal(size=len(f))) / np.maximum(f, 20) ** (alpha / 2)
    x = np.fft.irfft(spec, n)
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-12)


def _resonator(x, f0, bw):
    """Two-pole resonator (formant / mode) y[n] = x[n] + a1 y[n-1] + a2 y[n-2], applied through
    its frequency response on a zero-padded FFT (same result up to the truncated tail)."""
    r = np.exp(-np.pi * bw / FS)
    a1, a2 = 2 * r * np.cos(2 * np.pi * f0 / FS), -r * r
    m = 2 * len(x)
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(m))
    return np.fft.irfft(np.fft.rfft(x, m) / (1 - a1 * z - a2 * z * z), m)[: len(x)]


def _event(rng, c):
    t = np.arange(N) / FS
    if c == 1:
        if rng.random() < 0.6:
            f = rng.uniform(2900, 3500)
            x = np.sign(np.sin(2 * np.pi * f * t)) * 0.5 + 0.3 * np.sin(2 * np.pi * 3 * f * t)
            on = np.ones(N)
            cut = rng.integers(0, N // 2)  # the clip catches a partial on phase
            on[cut:] = 0 if rng.random() < 0.5 else 1
            x *= np.roll(on, rng.integers(0, N))
        else:
            fm = rng.uniform(1, 2)
            inst = 1750 + 750 * np.sin(2 * np.pi * fm * t + rng.uniform(0, 6.28))
            x = np.sin(2 * np.pi * np.cumsum(inst) / FS)
        return x
    if c == 2:
        x = np.zeros(N)
        t0 = rng.integers(0, N // 2)
        thud = np.sin(2 * np.pi * rng.uniform(200, 600) * t[:800]) * np.exp(-t[:800] / 0.01)
        x[t0:t0 + 800] += thud[: N - t0]
        k = t0 + np.cumsum(rng.exponential(0.01 * FS, 60)).astype(int)
        for s in k[k < N - 10]:
            L = min(N - s, 1000)
            tt = np.arange(L) / FS
            x[s:s + L] += rng.uniform(0.2, 1.0) * np.exp(-tt / rng.uniform(0.005, 0.04)) * \
                np.sin(2 * np.pi * rng.uniform(3000, 8000) * tt + rng.uniform(0, 6.28))
        return x
    if c == 3:
        f0 = rng.uniform(90, 260)
        period = FS / (f0 * (1 + rng.normal(0, 0.02, 400)))
        pulses = np.cumsum(period).astype(int)
        src = np.zeros(N)
        src[pulses[pulses < N]] = 1.0
        src = np.cumsum(np.cumsum(src - src.mean()))  # ~ -12 dB/oct glottal source
        src -= np.convolve(src, np.ones(200) / 200, mode="same")
        y = np.zeros(N)
        for seg in np.array_split(np.arange(N), rng.integers(2, 4)):  # vowels
            s = src[seg]
            part = _resonator(s, rng.uniform(300, 800), 80) + 0.5 * _resonator(s, rng.uniform(900, 2300), 120) + \
                0.2 * _resonator(s, rng.uniform(2400, 3000), 200)
            y[seg] = part
        y *= 0.5 * (1 + np.sin(2 * np.pi * rng.uniform(3, 6) * t + rng.uniform(0, 6.28)))
        return y
    return np.zeros(N)


def _example(rng, c, s):
    t = np.arange(N) / FS
    bg = _colored(rng, N, 1 + s["brown"]) * s["bg"]
    if s["hum"]:
        bg += s["bg"] * 0.5 * (np.sin(2 * np.pi * s["hum"] * t) + 0.3 * np.sin(2 * np.pi * 3 * s["hum"] * t))
    ev = _event(rng, c)
    if c:
        ev /= np.sqrt(np.mean(ev ** 2)) + 1e-12
        snr_db = rng.uniform(5, 25)
        ev *= s["bg"] * 10 ** (snr_db / 20)
        L = int(0.3 * FS)
        ir = rng.normal(size=L) * np.exp(-6.9 * np.arange(L) / FS / s["rt60"])
        ir[0] = 1.0 / 0.05
        m = N + L
        ev = np.fft.irfft(np.fft.rfft(ev, m) * np.fft.rfft(ir * 0.05, m), m)[:N]  # reverberation
    x = bg + ev
    # microphone: high-pass (first order) and spectral tilt, gain
    X = np.fft.rfft(x)
    f = np.fft.rfftfreq(N, 1 / FS)
    H = (1j * f / s["hp"]) / (1 + 1j * f / s["hp"]) * (np.maximum(f, 100) / 1000) ** (s["tilt"] / 6.02)
    x = np.fft.irfft(X * H, N) * s["gain"]
    x = np.clip(x, -1, 1)
    return mfcc.scene(x, WINDOW)


def generate(rng, n, n_groups):
    y, g, x, _ = common.by_group(rng, n, n_groups, len(CLASSES), _site, _example)
    return y, {"site": g, "device": g}, x
