#!/usr/bin/env python3
"""Each approximation of the q15 numerics, costed on its own (docs/RESULTS.md §11).

Converting a float model to q15 (docs/FORMAT.md §16.4) replaces several float operations by
integer ones at once, and the total cost is about zero bits per byte. This host-only tool (numpy;
not part of the engine) runs the model's forward with one switch per approximation, each of which
replaces ONE float operation by the q15 integer operation (ported from src/engine/fixed.h and
forward_q15.cpp with int64 numpy arithmetic), and scores bits per byte with the protocol of
`atome eval` story mode (docs/FORMAT.md §15). Every switch converts its inputs into its Q format
(round half up, saturate) and its outputs back to float; those conversions are part of its cost,
and they are the identity when the neighbouring operations are integer too, so with every switch
on the forward is the engine's q15 forward, integer for integer.

Switches (the q15 operation each one stands for):
  a8              the ternary linears router/wq/wk/wv/unembed on int8 inputs: h to Q8, absmax
                  int8 (quantize_h), integer sum, the Q24 alpha times deq rounded (output_scale);
                  the output stays unrounded (its Q16 rounding belongs to the consumer below)
  layernorm       integer LayerNorm (all blocks and the final one): x to Q16, integer mean and
                  variance, isqrt-based rsqrt, Q16 gamma/beta, h rounded and saturated to Q8 int16
  router_softmax  router logits rounded to Q16, softmax_q15 (exp_neg_q15), probabilities Q15
  conv            the depthwise conv on Q8 history with the Q24 alpha, output Q16 saturated
  ssm             Q15 decay tanh(a) (fixed at conversion), Q16 b/c, Q16 state with saturation
  attention       q/k/v rounded to Q16, power-of-two int8 q/k/v and int8 K/V cache, integer
                  scores, top-k, integer logit gaps, softmax_q15, integer value sum, Q16 output
  residual        the Q16 residual stream: the embedding alpha in Q16, router weights in Q15,
                  pathway outputs in Q16, the mix rounding and the saturation to 2^27
  logits          the logits rounded to Q16 and saturated, seen as float32(v) / 65536

Modes: float (all off), each switch alone on (its own cost), all on (the q15 forward), and each
switch alone off from all on ("leave one out": what it costs among the others). Costs are bpb
minus the float bpb (alone) or the all-on bpb minus the leave-one-out bpb.

The float forward is float64 (float32 K/V cache), not the engine's bit-exact float32 forward;
with --atome the tool checks itself against the engine: all off against `atome eval` of the model
(within 1e-4 bpb) and all on against `atome eval` of `atome convert --numerics q15` (within
1e-9: the logits are the engine's integers, so only the order of the double sums differs; a wrong
rounding anywhere moves it by ~1e-4 or more).

  python3 tools/numerics_ablation.py MODEL --data valid.txt [--max-bytes N] [--switch a8,ssm]
          [--modes float,alone,all,loo] [--atome build/release/src/cli/atome --check] [--json]

Stories are evaluated together in batches (all at the same position, each with its own state), so
a step is a few numpy calls per layer for a whole batch.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atome_reader as ar  # noqa: E402  (the format parser, written from docs/FORMAT.md alone)

SWITCHES = ("a8", "layernorm", "router_softmax", "conv", "ssm", "attention", "residual", "logits")
MODE_FAMILIES = ("float", "alone", "all", "loo")
END_OF_STORY = 0x04
MAX_WINDOW = 65536         # ATOME_MAX_WINDOW
LIMIT = 1 << 27            # |Q16 activation| <= 2^27 (fixed.h kLimit)
TOL_FLOAT, TOL_Q15 = 1e-4, 1e-9

# --------------------------------------------------------------------------------------------
# Text (src/host/text_corpus.cpp, src/host/eval_protocol.cpp)

SEPARATOR = b"<|endoftext|>"


def stories_of(text):
    """The stories of a text file, cut as text_corpus_from_string cuts them."""
    stories, begin, line = [], 0, 0

    def add(b, e):
        if text[b:e].strip(b" \t\n\r\v\f"):
            stories.append(text[b:e])

    while line < len(text):
        after = separator_line_end(text, line)
        if after is None:
            nl = text.find(b"\n", line)
            if nl < 0:
                break
            line = nl + 1
            continue
        end = line
        if end > begin and text[end - 1:end] == b"\n":
            end -= 1
        if end > begin and text[end - 1:end] == b"\r":
            end -= 1
        add(begin, end)
        begin = line = after
    add(begin, len(text))
    return stories


def separator_line_end(text, pos):
    if not text.startswith(SEPARATOR, pos):
        return None
    p = pos + len(SEPARATOR)
    if p < len(text) and text[p:p + 1] == b"\r":
        p += 1
    if p == len(text):
        return p
    return p + 1 if text[p:p + 1] == b"\n" else None


def first_stories(stories, max_bytes):
    """The leading stories whose stream bytes (story + its 0x04) fit max_bytes; at least one."""
    if not max_bytes:
        return stories
    kept, total = [], 0
    for s in stories:
        total += len(s) + 1
        if kept and total > max_bytes:
            break
        kept.append(s)
    return kept


# --------------------------------------------------------------------------------------------
# Fixed point (src/engine/fixed.h, docs/FORMAT.md §16.4), vectorised over the last axis; int64

def rnd(v, s):
    """v / 2^s rounded half up (toward +inf); s >= 1, scalar or array."""
    return (v + (np.int64(1) << (s - 1))) >> s


def clamp(v, lo, hi):
    """np.clip without its per-call overhead (this runs ~100 times per position)."""
    return np.minimum(np.maximum(v, lo), hi)


def sat(v):
    return clamp(v, -LIMIT, LIMIT)


def to_q(x, frac, lo=-LIMIT, hi=LIMIT):
    """A float array into Q`frac`: rounded half up like rnd, then saturated. Exact (the
    identity) on values already on the grid, which float64 holds exactly."""
    return clamp(np.floor(x * 2.0 ** frac + 0.5), lo, hi).astype(np.int64)


def fix(v, frac):
    """numerics_convert's to_fixed: round(v * 2^frac), ties away from zero, in double."""
    s = np.asarray(v, np.float64) * 2.0 ** frac
    return (np.sign(s) * np.floor(np.abs(s) + 0.5)).astype(np.int64)


def isqrt(v):
    """floor(sqrt(v)) for 0 <= v < 2^62 (the float root corrected to the exact one)."""
    r = np.floor(np.sqrt(v.astype(np.float64))).astype(np.int64)
    for _ in range(2):
        r = np.where(r * r > v, r - 1, r)
        r = np.where((r + 1) * (r + 1) <= v, r + 1, r)
    return r


def layer_norm_q(x, gamma, beta, eps_q24):
    """x (B, d) Q16 -> h (B, d) Q8 int16 range (fixed.h layer_norm_q)."""
    d = x.shape[1]
    s = x.sum(axis=1, keepdims=True)
    mean = np.where(s >= 0, s // d, -((-s) // d))  # C division: toward zero
    c = x - mean
    var = ((c * c) >> 8).sum(axis=1, keepdims=True) // d + eps_q24  # Q24, < 2^49
    # least sh with var * 4^sh >= 2^60: floor(log2 var) + 2 sh >= 60 (var is exact in float64)
    fl = np.frexp(var.astype(np.float64))[1] - 1
    sh = np.maximum(0, (61 - fl) // 2).astype(np.int64)
    root = isqrt(var << (2 * sh))
    r = (np.int64(1) << 61) // root
    z = rnd(c * r, 49 - sh)
    return clamp(rnd(z * gamma + (beta << 16), 24), -32768, 32767)


def quantize_h(h):
    """h (B, d) Q8 -> (h8, deq): absmax int8 and deq = floor((m 2^16 + 63) / 127)."""
    m = np.abs(h).max(axis=1, keepdims=True)
    inv = ((127 << 16) + (m >> 1)) // np.maximum(m, 1)
    h8 = np.where(m == 0, 0, clamp((h * inv + (1 << 15)) >> 16, -127, 127))
    return h8, ((m << 16) + 63) // 127


def quantize_pow2(v):
    """v (B, n) Q16 -> (q8, e): e the least e >= 0 with 127 * 2^e >= max|v| (fixed.h)."""
    m = np.abs(v).max(axis=1, keepdims=True)
    e = (m > (np.int64(127) << np.arange(22, dtype=np.int64))).sum(axis=1, keepdims=True)
    half = np.where(e == 0, 0, np.int64(1) << np.maximum(e - 1, 0))
    return clamp((v + half) >> e, -127, 127), e


EXP_COEF = (7419544, -57312187, 257211996, -744187985, 1 << 30)


def exp_neg_q15(t):
    """About 2^15 e^(-t / 2^16) for t >= 0 (Q16); 0 from t = 16 on."""
    big = t >= (16 << 16)
    t = np.where(big, 0, t)
    u = (t * 94548 + (1 << 15)) >> 16
    n, f = u >> 16, u & 0xFFFF
    p = np.full_like(t, EXP_COEF[0])
    for c in EXP_COEF[1:]:
        p = c + ((p * f) >> 16)
    return np.where(big, 0, rnd(p, 15 + n))


def softmax_q15(v):
    """Q16 logits (..., n) -> Q15 probabilities."""
    e = exp_neg_q15(v.max(axis=-1, keepdims=True) - v)
    s = e.sum(axis=-1, keepdims=True)
    return (e * 32768 + (s >> 1)) // s


# --------------------------------------------------------------------------------------------
# The model: float parameters from an f32 file, and their q15 forms (numerics_convert.cpp)

class Linear:
    """A ternary tensor: trits as a float64 matrix (exact integer sums through BLAS) and alpha."""

    def __init__(self, ent):
        t = ar.Trit(ent)
        codes = np.array(t.codes, dtype=np.int64).reshape(t.rows, t.cols)
        self.trits = ((codes == 1).astype(np.float64) - (codes == 3))
        self.alpha = float(t.alpha)
        self.alpha_q24 = int(fix(t.alpha, 24))


class Fused:
    """Ternary tensors that read the same input, as one matrix: one BLAS call per input."""

    def __init__(self, Ws):
        self.Ws = Ws
        self.trits_t = np.ascontiguousarray(np.concatenate([W.trits for W in Ws]).T)
        ends = np.cumsum([W.trits.shape[0] for W in Ws])
        self.bounds = list(zip(np.concatenate([[0], ends[:-1]]), ends))
        self.alpha = np.concatenate([np.full(W.trits.shape[0], W.alpha) for W in Ws])
        self.alpha_q24 = np.concatenate([np.full(W.trits.shape[0], W.alpha_q24, np.int64)
                                         for W in Ws])

    def split(self, y):
        return [y[:, a:b] for a, b in self.bounds]


class Params:
    def __init__(self, info):
        c = info["config"]
        if c["numerics"] != ar.NUM_F32:
            sys.exit("numerics_ablation: %s numerics; give the f32 model (it converts itself)"
                     % ar.NUMERICS_NAMES[c["numerics"]])
        self.cfg = c
        self.d, self.paths = c["d_model"], c["pathways"]
        self.eps = float(c["norm_eps"])
        self.eps_q24 = max(1, int(fix(c["norm_eps"], 24)))
        by = {(e["kind"], e["layer"]): e for e in info["tensors"]}
        G = ar.GLOBAL_LAYER

        def vec(kind, layer):
            v = np.frombuffer(by[(kind, layer)]["payload"], dtype="<f4").astype(np.float64)
            return v, fix(v, 16)

        self.embed = Linear(by[(ar.EMBED, G)])
        self.layers = []
        for l in range(c["n_layers"]):
            L = {"router": Linear(by[(ar.ROUTER, l)])}
            L["gamma"], L["gamma_q"] = vec(ar.NORM_GAMMA, l)
            L["beta"], L["beta_q"] = vec(ar.NORM_BETA, l)
            if self.paths & 1:
                L["conv"] = Linear(by[(ar.CONV, l)])
            if self.paths & 2:
                a = np.frombuffer(by[(ar.SSM_A, l)]["payload"], dtype="<f4")
                decay = np.array([ar.tanh_f(float(v)) for v in a])  # the engine's tanh_f
                L["decay"], L["decay_q"] = decay, clamp(fix(decay, 15), -32767, 32767)
                L["b"], L["b_q"] = vec(ar.SSM_B, l)
                L["c"], L["c_q"] = vec(ar.SSM_C, l)
            if self.paths & 4:
                for k, kind in (("wq", ar.WQ), ("wk", ar.WK), ("wv", ar.WV)):
                    L[k] = Linear(by[(kind, l)])
            L["inputs"] = Fused([L[n] for n in ("router", "wq", "wk", "wv") if n in L])
            self.layers.append(L)
        self.fgamma, self.fgamma_q = vec(ar.FINAL_GAMMA, G)
        self.fbeta, self.fbeta_q = vec(ar.FINAL_BETA, G)
        self.unembed = Fused([Linear(by[(ar.UNEMBED, G)])])
        dh = c["d_head"]
        self.isd = math.isqrt((1 << 32) // dh)  # floor(2^16 / sqrt(d_head))


# --------------------------------------------------------------------------------------------
# The forward of a batch of stories, one position at a time, with the switches `on`

class Forward:
    def __init__(self, P, on, batch, steps, window):
        self.P, self.on, self.B, self.W = P, on, batch, window
        c, d = P.cfg, P.d
        L, K = c["n_layers"], c["conv_kernel"]
        conv_int = "conv" in on
        self.hist = np.zeros((L, K, batch, d), np.int64 if conv_int else np.float64)
        self.s = np.zeros((L, batch, d), np.int64 if "ssm" in on else np.float64)
        if P.paths & 4:
            att_int = "attention" in on
            self.keys = np.zeros((L, batch, steps, c["d_head"]), np.float32)
            self.vals = np.zeros((L, batch, steps, d), np.int8 if att_int else np.float32)
            self.kexp = np.zeros((L, batch, steps), np.int64)
            self.vexp = np.zeros((L, batch, steps), np.int64)
        self.t = 0

    # -- the switchable operations; each takes and returns float64 arrays --

    def norm(self, x, gamma, beta, gamma_q, beta_q):
        if "layernorm" in self.on:
            return layer_norm_q(to_q(x, 16), gamma_q, beta_q, self.P.eps_q24) / 256.0
        mean = x.mean(axis=1, keepdims=True)
        c = x - mean
        rstd = 1.0 / np.sqrt((c * c).mean(axis=1, keepdims=True) + self.P.eps)
        return c * rstd * gamma + beta

    def linears(self, h, F):
        """The outputs of the ternary linears F (a Fused) on the same input h. a8: one quantize_h
        of h (as Q8), integer sums, y = acc * output_scale / 2^32, not yet rounded to Q16 (a
        consumer's to_q(y, 16) then gives fixed.h's requantize_rows integer for integer)."""
        if "a8" not in self.on:
            return F.split(F.alpha * (h @ F.trits_t))
        h8, deq = quantize_h(to_q(h, 8, -32768, 32767))
        acc = (h8.astype(np.float64) @ F.trits_t).astype(np.int64)  # exact: |acc| <= 127 cols
        prod = acc * rnd(F.alpha_q24 * deq, 16)
        assert np.abs(prod).max() < 2 ** 53, "acc * scale not exact in float64"
        return F.split(prod / 2.0 ** 32)

    def router(self, logits):
        if "router_softmax" in self.on:
            return softmax_q15(to_q(logits, 16)) / 32768.0
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def conv(self, l, h):
        P, K, t = self.P, self.P.cfg["conv_kernel"], self.t
        W = P.layers[l]["conv"]
        hist = self.hist[l]
        integer = "conv" in self.on
        hist[t % K] = to_q(h, 8, -32768, 32767) if integer else h
        taps = min(t + 1, K)
        acc = np.zeros_like(hist[0])
        for k in range(taps):
            tr = W.trits[:, k]
            acc = acc + (tr.astype(np.int64) if integer else tr) * hist[(t - k) % K]
        if integer:
            return sat(rnd(acc * W.alpha_q24, 16)) / 65536.0
        return W.alpha * acc

    def ssm(self, l, h):
        L = self.P.layers[l]
        if "ssm" in self.on:
            hq = to_q(h, 8, -32768, 32767)
            s = sat(rnd(L["decay_q"] * self.s[l], 15) + rnd(L["b_q"] * hq, 8))
            self.s[l] = s
            return sat(rnd(L["c_q"] * s, 16)) / 65536.0
        self.s[l] = L["decay"] * self.s[l] + L["b"] * h
        return L["c"] * self.s[l]

    def candidates(self):
        """The cached positions attention sees now: the last min(t + 1, W), oldest first."""
        return max(0, self.t + 1 - self.W), self.t + 1

    def top(self, key, k):
        """Indices of the k largest keys per row (all of them when there are no more than k)."""
        n = key.shape[1]
        if n <= k:
            return np.broadcast_to(np.arange(n), key.shape)
        return np.argpartition(key, n - k, axis=1)[:, n - k:]

    def attention(self, l, q, k, v):
        c, t = self.P.cfg, self.t
        lo, hi = self.candidates()
        keys, vals = self.keys[l], self.vals[l]
        if "attention" not in self.on:
            keys[:, t], vals[:, t] = k, v
            sc = np.matmul(keys[:, lo:hi], q.astype(np.float32)[:, :, None])[:, :, 0]
            sc = sc.astype(np.float64) / math.sqrt(c["d_head"])
            sel = self.top(sc, c["top_k"])
            best = np.take_along_axis(sc, sel, axis=1)
            p = np.exp(best - best.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            vv = np.take_along_axis(vals[:, lo:hi], sel[:, :, None], axis=1).astype(np.float64)
            return (p[:, :, None] * vv).sum(axis=1)
        q8, eq = quantize_pow2(to_q(q, 16))
        k8, self.kexp[l][:, t:t + 1] = quantize_pow2(to_q(k, 16))
        v8, self.vexp[l][:, t:t + 1] = quantize_pow2(to_q(v, 16))
        keys[:, t], vals[:, t] = k8, v8
        # int8 dot products in float32 are exact (|sum| <= 127^2 d_head < 2^24)
        raw = np.matmul(keys[:, lo:hi], q8.astype(np.float32)[:, :, None])[:, :, 0]
        score = raw.astype(np.int64) << self.kexp[l][:, lo:hi]
        # top-k by score, equal scores: the earlier position first (a total order in one int64)
        n = hi - lo
        bits = max(1, n.bit_length())
        assert np.abs(score).max() < 2 ** (62 - bits)
        sel = self.top((score << bits) + (n - 1 - np.arange(n)), c["top_k"])
        kept = np.take_along_axis(score, sel, axis=1)
        gap = np.minimum(kept.max(axis=1, keepdims=True) - kept, 1 << 46)
        drop = np.minimum((gap * self.P.isd) >> (32 - eq), LIMIT)
        p = softmax_q15(-drop)
        v8s = np.take_along_axis(vals[:, lo:hi], sel[:, :, None], axis=1).astype(np.int64)
        ev = np.take_along_axis(self.vexp[l][:, lo:hi], sel, axis=1)
        acc = ((p[:, :, None] * v8s) << ev[:, :, None]).sum(axis=1)
        return sat(rnd(acc, 15)) / 65536.0

    def embed(self, tok):
        E = self.P.embed
        if "residual" in self.on:
            e = sat(rnd(np.int64(E.alpha_q24), 8))
            return E.trits[tok] * e / 65536.0
        return E.alpha * E.trits[tok]

    def mix(self, x, r, y):
        if "residual" in self.on:
            rq = to_q(r, 15)[:, None]
            return sat(to_q(x, 16) + rnd(rq * to_q(y, 16), 15)) / 65536.0
        return x + r[:, None] * y

    def logits(self, y):
        if "logits" in self.on:
            return to_q(y, 16).astype(np.float32) / np.float32(65536.0)
        return y.astype(np.float32)

    # -- one position --

    def step(self, tok):
        P = self.P
        x = self.embed(tok)
        for l, L in enumerate(P.layers):
            h = self.norm(x, L["gamma"], L["beta"], L["gamma_q"], L["beta_q"])
            ys = self.linears(h, L["inputs"])
            r = self.router(ys[0])
            outs = []
            if P.paths & 1:
                outs.append(self.conv(l, h))
            if P.paths & 2:
                outs.append(self.ssm(l, h))
            if P.paths & 4:
                outs.append(self.attention(l, *ys[1:]))
            for i, y in enumerate(outs):
                x = self.mix(x, r[:, i], y)
        hf = self.norm(x, P.fgamma, P.fbeta, P.fgamma_q, P.fbeta_q)
        self.t += 1
        return self.logits(self.linears(hf, P.unembed)[0])


def nats_of(logits, target):
    """-ln softmax(logits)[target] per row, in double as evaluate.cpp's negative_log_prob."""
    lg = logits.astype(np.float64)
    m = lg.max(axis=1)
    s = np.exp(lg - m[:, None]).sum(axis=1)
    return np.log(s) - (lg[np.arange(len(target)), target] - m)


def story_mode_nats(P, stories, on, batch, window):
    """Summed loss over the stories: per story reset, feed 0x04, predict every byte and the
    closing 0x04. Stories run in batches of similar length, all at the same position."""
    order = sorted(range(len(stories)), key=lambda i: -len(stories[i]))
    total = 0.0
    for g in range(0, len(order), batch):
        group = [stories[i] for i in order[g:g + batch]]
        steps = max(len(s) for s in group) + 1
        seq = np.full((len(group), steps + 1), END_OF_STORY, np.int64)
        for b, s in enumerate(group):
            seq[b, 1:len(s) + 1] = np.frombuffer(s, np.uint8)
        n_pred = np.array([len(s) + 1 for s in group])
        fw = Forward(P, on, len(group), steps, window)
        for t in range(steps):
            nll = nats_of(fw.step(seq[:, t]), seq[:, t + 1])
            total += float(nll[t < n_pred].sum())
    return total


# --------------------------------------------------------------------------------------------
# Modes, the engine check, the report

def modes_of(families, switches):
    """(name, switches on) for the requested families, over the requested switches."""
    out = []
    for fam in families:
        if fam == "float":
            out.append(("float", frozenset()))
        elif fam == "all":
            out.append(("all", frozenset(SWITCHES)))
        elif fam == "alone":
            out += [(s, frozenset([s])) for s in switches]
        elif fam == "loo":
            out += [("all-" + s, frozenset(SWITCHES) - {s}) for s in switches]
    return out


def engine_bpb(atome, model, text_path, tmp):
    """`atome eval` of the model and of its q15 conversion on the text."""
    q15 = os.path.join(tmp, "q15.atome")
    subprocess.run([atome, "convert", model, q15, "--numerics", "q15"], check=True,
                   stdout=subprocess.DEVNULL)
    out = {}
    for name, m in (("f32", model), ("q15", q15)):
        r = subprocess.run([atome, "eval", "--model", m, "--data", text_path, "--json"],
                           check=True, stdout=subprocess.PIPE, text=True)
        out[name] = json.loads(r.stdout)
    return out


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="native f32 model (.atome)")
    ap.add_argument("--data", required=True, help="text file, stories split by <|endoftext|>")
    ap.add_argument("--max-bytes", type=int, default=0,
                    help="only the leading stories within N stream bytes (at least one)")
    ap.add_argument("--switch", action="append", default=[],
                    help="switches to ablate (comma list, repeatable; default all): %s"
                    % ",".join(SWITCHES))
    ap.add_argument("--modes", default="float,alone,all,loo",
                    help="mode families, comma list of %s" % ",".join(MODE_FAMILIES))
    ap.add_argument("--batch", type=int, default=32, help="stories per batch")
    ap.add_argument("--atome", help="the atome CLI: check all off / all on against the engine")
    ap.add_argument("--check", action="store_true",
                    help="with --atome: exit 1 when a self-check fails")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args(argv)
    a.switch = [s for arg in a.switch for s in arg.split(",") if s] or list(SWITCHES)
    a.modes = [m for m in a.modes.split(",") if m]
    for s in a.switch:
        if s not in SWITCHES:
            ap.error("unknown switch %s (known: %s)" % (s, ", ".join(SWITCHES)))
    for m in a.modes:
        if m not in MODE_FAMILIES:
            ap.error("unknown mode family %s (known: %s)" % (m, ", ".join(MODE_FAMILIES)))
    if a.check and not a.atome:
        ap.error("--check needs --atome")
    return a


def self_checks(results, engine):
    """All off against the engine's f32 bpb, all on against its q15 bpb."""
    checks = []
    for mode, num, tol in (("float", "f32", TOL_FLOAT), ("all", "q15", TOL_Q15)):
        if mode in results:
            diff = results[mode]["bpb"] - engine[num]["bpb"]
            checks.append({"mode": mode, "engine": num, "engine_bpb": engine[num]["bpb"],
                           "diff": diff, "tolerance": tol, "ok": abs(diff) <= tol})
    return checks


def main(argv=None):
    a = parse_args(argv)
    P = Params(ar.load(a.model))
    with open(a.data, "rb") as fh:
        stories = first_stories(stories_of(fh.read()), a.max_bytes)
    predicted = sum(len(s) + 1 for s in stories)
    window = min(max(len(s) + 1 for s in stories), MAX_WINDOW)  # spans_window
    results = {}
    for name, on in modes_of(a.modes, a.switch):
        t0 = time.time()
        nats = story_mode_nats(P, stories, on, a.batch, window)
        results[name] = {"switches": sorted(on), "nats": nats,
                         "bpb": nats / math.log(2) / predicted, "seconds": time.time() - t0}
        if not a.json:
            print("%-22s bpb %.6f  (%.1f s)" % (name, results[name]["bpb"],
                                               results[name]["seconds"]), file=sys.stderr)
    costs = {}
    if "float" in results:
        costs["alone"] = {s: results[s]["bpb"] - results["float"]["bpb"]
                          for s in a.switch if s in results}
    if "all" in results:
        costs["leave_one_out"] = {s: results["all"]["bpb"] - results["all-" + s]["bpb"]
                                  for s in a.switch if "all-" + s in results}
        if "float" in results:
            costs["all"] = results["all"]["bpb"] - results["float"]["bpb"]
    report = {"model": a.model, "data": a.data, "max_bytes": a.max_bytes,
              "stories": len(stories), "predicted": predicted, "window": window,
              "modes": results, "costs_bpb": costs}
    ok = True
    if a.atome:
        with tempfile.TemporaryDirectory() as tmp:
            text = os.path.join(tmp, "text.txt")
            with open(text, "wb") as fh:  # the same stories, cut the same way by the engine
                fh.write(b"\n<|endoftext|>\n".join(stories))
            engine = engine_bpb(a.atome, a.model, text, tmp)
        report["checks"] = self_checks(results, engine)
        ok = all(c["ok"] for c in report["checks"])
    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
    return 1 if a.check and not ok else 0


def print_report(r):
    print("%s: %d stories, %d predictions, window %d" % (r["model"], r["stories"], r["predicted"],
                                                          r["window"]))
    for name, m in r["modes"].items():
        print("  %-22s bpb %.6f" % (name, m["bpb"]))
    for fam, costs in r["costs_bpb"].items():
        if isinstance(costs, dict):
            for s, v in costs.items():
                print("  cost %-13s %-15s %+.6f bpb" % (fam, s, v))
        else:
            print("  cost %-13s %+.6f bpb" % (fam, costs))
    for c in r.get("checks", []):
        print("  check %s vs engine %s: %.6f vs %.6f, diff %+.2e (tolerance %.0e) %s"
              % (c["mode"], c["engine"], r["modes"][c["mode"]]["bpb"], c["engine_bpb"], c["diff"],
                 c["tolerance"], "ok" if c["ok"] else "FAIL"))


if __name__ == "__main__":
    sys.exit(main())
