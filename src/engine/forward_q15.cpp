// One token through a q15 model: the block of forward_f32.cpp in integers only (formats and
// rounding in engine/fixed.h, the contract in docs/FORMAT.md §16.4):
//
//   x      = +-sat(alpha_E) per element                                   (Q16)
//   per block:  h = LayerNorm_q(x) (Q8); h8, deq = absmax int8 of h
//               r = softmax_q15(requantize_rows(router h8))
//               local  = sat(alpha_C * sum_k +-h_{t-k}) per channel          (int16 history)
//               state  = sat(decay s + b h); y = sat(c s)                   (Q15 decay)
//               sparse = int8 q.k scores (pow2 scales), top-k, softmax_q15, sum of p v (int8 K/V)
//               x = sat(x + r_i * pathway_i)
//   logits = requantize_rows(unembed h8) of the final LayerNorm_q            (Q16)
#include "engine/build_config.h"
#include "engine/fixed.h"
#include "engine/format.h"
#include "engine/ops.h"
#include "engine/session.h"
#include "engine/ternary.h"
#include "engine/ternary_i8.h"
#include "engine/trit3.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

// Integer-only build on a hard-float Arm core: keep GCC off the FPU's registers, which it would
// otherwise use to move and spill 64-bit integers (vldr/vpush d8), so that q15 firmware runs no
// VFP instruction. After the includes, so that numerics.h's float helpers are compiled as usual.
#if !ATOME_FLOAT_PATH && defined(__ARM_FP) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC target("general-regs-only")
#endif

namespace atome {
namespace {

using namespace fixed;

// h8 = absmax int8 of the current h; prepares it for the kernel.
void quantize_input(atome_session* s, TernaryInput* in) {
  const uint32_t d = s->model.config.d_model;
  s->q.h_deq = quantize_h(s->h8, s->q.h, d);
  ternary_input_prepare(in, s->h8, d, s->ternary_input_scratch);
}

// out = requantize_rows(W h8) in Q16.
void linear(atome_session* s, int32_t* out, const atome_trits& w, const TernaryInput& in) {
  ternary_matvec_i8(s->acc, w, in);
  requantize_rows(out, s->acc, w.rows, w.cols, output_scale(w.scale_q24, s->q.h_deq));
}

// The trit of tap k in a conv row held as a uint16: its 2-bit code read as a signed field (00 = 0,
// 01 = +1, 11 = -1; the invalid 10 never loads) — one sbfx on Cortex-M3 and up.
static inline int32_t trit_at(uint32_t bits, uint32_t k) {
  return static_cast<int32_t>(bits << (30 - 2 * k)) >> 30;
}
// Row ch of a conv tensor with 2-byte rows (K in 5..8), as two byte loads (M0 has no unaligned
// access).
static inline uint32_t row16(const uint8_t* rows, uint32_t ch) {
  return rows[2 * ch] | static_cast<uint32_t>(rows[2 * ch + 1]) << 8;
}

// sum[ch] = sum over the 5 taps of trit(ch, k) * h_{t-k}[ch]: the five lag pointers in registers
// and each row read once.
void conv_sum_trit2_5(int32_t* __restrict sum, const uint8_t* rows, const int16_t* const* lag_h,
                      uint32_t d) {
  const int16_t* __restrict h0 = lag_h[0];
  const int16_t* __restrict h1 = lag_h[1];
  const int16_t* __restrict h2 = lag_h[2];
  const int16_t* __restrict h3 = lag_h[3];
  const int16_t* __restrict h4 = lag_h[4];
  for (uint32_t ch = 0; ch < d; ++ch) {
    const uint32_t bits = row16(rows, ch);
    sum[ch] = h0[ch] * trit_at(bits, 0) + h1[ch] * trit_at(bits, 1) + h2[ch] * trit_at(bits, 2) +
              h3[ch] * trit_at(bits, 3) + h4[ch] * trit_at(bits, 4);
  }
}

// local[c] = sat(shift_round(alpha_q24 * S_c, 16)), S_c = sum over lags k of trit(C[c, k]) *
// h_{t-k}[c] (Q8): Q24 * Q8 = Q32, 16 bits off gives Q16.
void conv_forward(atome_session* s, uint32_t layer) {
  const atome_config& c = s->model.config;
  const atome_trits& w = s->layers[layer].conv;
  const uint32_t d = c.d_model, K = c.conv_kernel;
  int16_t* history = s->q.conv_history + static_cast<uint64_t>(layer) * K * d;
  const int16_t* lag_h[format::kMaxConvKernel];
  const uint32_t taps = conv_push(history, s->q.h, d, K, s->conv_slot, s->position, lag_h);
  int32_t* __restrict sum = s->q.local;
  if (w.packing == ATOME_PACKING_TRIT2 && w.row_bytes == 2 && taps == 5) {
    conv_sum_trit2_5(sum, w.data, lag_h, d);  // the presets' kernel, once 5 tokens are in
  } else if (w.packing == ATOME_PACKING_TRIT2 && w.row_bytes == 2) {
    const uint8_t* rows = w.data;
    for (uint32_t ch = 0; ch < d; ++ch) {
      const uint32_t bits = row16(rows, ch);
      int32_t total = 0;
      for (uint32_t k = 0; k < taps; ++k) total += lag_h[k][ch] * trit_at(bits, k);
      sum[ch] = total;
    }
  } else {
    const uint8_t* row = w.data;
    for (uint32_t ch = 0; ch < d; ++ch, row += w.row_bytes) {
      int32_t total = 0;
      each_trit_code(row, w.packing, taps, [&total, &lag_h, ch](uint32_t k, uint32_t code) {
        total += apply_trit_i32(lag_h[k][ch], code);
      });
      sum[ch] = total;
    }
  }
#if !defined(__ARM_ARCH_6M__)
  if (taps <= 7 && w.scale_q24 < (int32_t{1} << 27)) {
    // |sum| <= 7 * 2^15 < 2^18 and alpha < 2^27: sum * 2^13 and alpha * 2^4 fit int32, and the
    // high word alone gives the product (mul_shift16_high; the same integers).
    for (uint32_t ch = 0; ch < d; ++ch)
      sum[ch] = sat_q16_32(mul_shift16_high<13>(sum[ch], w.scale_q24));
    return;
  }
#endif
  if (taps <= 8) {
    // |sum| <= 8 * 2^15 = 2^18 (int16 history) and alpha < 2^28 (the loader checks it): the
    // product shifted fits int32 (the same integers, no 64-bit multiply on M0).
    for (uint32_t ch = 0; ch < d; ++ch)
      sum[ch] = sat_q16_32(mul_shift16_small(sum[ch], w.scale_q24));
  } else {
    for (uint32_t ch = 0; ch < d; ++ch)
      sum[ch] = sat_q16(shift_round(mul_wide(sum[ch], w.scale_q24), 16));
  }
}

// shift_round(c * state, 16) for |c| < 2^16 and |state| <= 2^27: c * 2^14 and state * 2^3 fit
// int32, so the high word alone gives it (mul_shift16_high) where the core has that product.
ATOME_ALWAYS_INLINE static inline int32_t ssm_output(int32_t c, int32_t state) {
#if defined(__ARM_ARCH_6M__)
  return mul_shift16_small(c, state);
#else
  return mul_shift16_high<14>(c, state);
#endif
}

// state = sat(shift_round(decay * state, 15) + shift_round(b * h, 8)); y = sat(shift_round(c *
// state, 16)). Q15 * Q16 -> Q16; Q16 * Q8 -> Q16; Q16 * Q16 -> Q16.
// Vec: the vectors' form (int32 pointers of a v1 model, ShiftedI16 of a compact one).
template <class Vec>
void ssm_layer(atome_session* s, uint32_t layer, Vec decay, Vec bs, Vec cs) {
  const uint32_t d = s->model.config.d_model;
  int32_t* state = s->q.ssm_state + static_cast<uint64_t>(layer) * d;
  // Fast paths for |b| < 2^16 and |c| < 2^16 (|b|, |c| < 1.0: every model trained so far), the
  // same integers: |b * h| < 2^16 * 2^15 fits int32 with its rounding; |c * state| < 2^43, so
  // shifted by 16 it fits int32 and stays within 2^27 (no saturation).
  for (uint32_t ch = 0; ch < d; ++ch) {
    const int32_t kept = mul_q15_small(decay[ch], state[ch]);  // |decay| < 2^15
    const int32_t b = bs[ch], c = cs[ch];
    if (b > -65536 && b < 65536) {
      state[ch] = sat_q16_32(kept + ((b * s->q.h[ch] + 128) >> 8));  // |kept| <= 2^27 + 1
    } else {
      state[ch] = sat_q16(kept + shift_round(mul_wide(b, s->q.h[ch]), 8));
    }
    if (c > -65536 && c < 65536) {
      s->q.ssm_out[ch] = ssm_output(c, state[ch]);  // |state| <= 2^27
    } else {
      s->q.ssm_out[ch] = sat_q16(shift_round(mul_wide(c, state[ch]), 16));
    }
  }
}

void ssm_forward(atome_session* s, uint32_t layer, bool compact) {
  const LayerWeights& lw = s->layers[layer];
  if (compact)
    ssm_layer(s, layer, lw.ssm_decay_c, lw.ssm_b_c, lw.ssm_c_c);
  else
    ssm_layer(s, layer, lw.ssm_decay_q, lw.ssm_b_q, lw.ssm_c_q);
}

#if defined(__ARM_FEATURE_DSP)
// Arm DSP (M4/M7) attention scores: q8 . k8 as SMLADs of int16 pairs. SXTB16 sign-extends bytes
// 0 and 2 of a word (rotated by 8: bytes 1 and 3) into a pair, so q is unpacked once per token
// into kQPairs words and each key word costs one load, two SXTB16 and two SMLAD. The sum is
// exact (|q8 . k8| <= d_head 2^14), the same integers as the byte loop.
constexpr uint32_t kQPairs = 32;  // d_head <= 64 takes this path

static inline uint32_t sxtb16_ror8(uint32_t w) {  // GCC splits the rotation off otherwise
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(w));
  return r;
}
static inline uint32_t load_word(const int8_t* p) {  // one LDR (unaligned allowed on v7E-M)
  uint32_t w;
  __builtin_memcpy(&w, p, 4);
  return w;
}
// pair[2j] = {q[4j], q[4j+2]}, pair[2j+1] = {q[4j+1], q[4j+3]} for j < words.
static inline void unpack_pairs(uint32_t* pair, const int8_t* q, uint32_t words) {
  for (uint32_t j = 0; j < words; ++j) {
    const uint32_t w = load_word(q + 4 * j);
    pair[2 * j] = __sxtb16(w);
    pair[2 * j + 1] = sxtb16_ror8(w);
  }
}
static inline int32_t dot_pairs(const uint32_t* pair, const int8_t* k, uint32_t words) {
  int32_t sum = 0;
  for (uint32_t j = 0; j < words; ++j) {
    const uint32_t w = load_word(k + 4 * j);
    sum = __smlad(__sxtb16(w), pair[2 * j], sum);
    sum = __smlad(sxtb16_ror8(w), pair[2 * j + 1], sum);
  }
  return sum;
}
// d_head 16 (the 60K presets): the pairs in registers, hoisted out of the loop over positions.
ATOME_ALWAYS_INLINE static inline int32_t dot_pairs4(const uint32_t* pair, const int8_t* k) {
  const uint32_t w0 = load_word(k), w1 = load_word(k + 4), w2 = load_word(k + 8),
                 w3 = load_word(k + 12);
  int32_t sum = __smlad(__sxtb16(w0), pair[0], 0);
  sum = __smlad(sxtb16_ror8(w0), pair[1], sum);
  sum = __smlad(__sxtb16(w1), pair[2], sum);
  sum = __smlad(sxtb16_ror8(w1), pair[3], sum);
  sum = __smlad(__sxtb16(w2), pair[4], sum);
  sum = __smlad(sxtb16_ror8(w2), pair[5], sum);
  sum = __smlad(__sxtb16(w3), pair[6], sum);
  return __smlad(sxtb16_ror8(w3), pair[7], sum);
}
#endif

// Top-k attention with an int8 K/V cache. q, k and v are quantised with power-of-two scales
// (value = q8 * 2^e, Q16), so scores compare exactly as integers:
//   raw_j = q8 . k8_j (int32);  score_j = raw_j << e_kj (int64), top-k by score (ties: earlier)
//   logit_j - logit_best = -min(((best - score_j) clamped to 2^46) * isd >> (32 - e_q), 2^27)
//     in Q16, isd = floor(2^16 / sqrt(d_head))
//   p = softmax_q15 of those; sparse[c] = sat(shift_round(sum_j (p_j * v8_j[c]) << e_vj, 15)).
void attention_forward(atome_session* s, uint32_t layer, const TernaryInput& in) {
  const atome_config& c = s->model.config;
  const LayerWeights& lw = s->layers[layer];
  const uint32_t d = c.d_model, dh = c.d_head, W = s->window;
  const uint64_t layer_slots = static_cast<uint64_t>(layer) * W;
  int8_t* keys = s->q.key_cache + layer_slots * dh;
  int8_t* values = s->q.value_cache + layer_slots * d;
  uint8_t* key_exp = s->q.key_exp + layer_slots;
  uint8_t* value_exp = s->q.value_exp + layer_slots;
  const uint32_t slot = s->cache_slot;

  // q, then this position's k and v (through the sparse buffer as Q16 scratch) into the cache.
  linear(s, s->q.q, lw.wq, in);
  const uint32_t q_exp = quantize_pow2(s->q.q8, s->q.q, dh);
  linear(s, s->q.sparse, lw.wk, in);
  key_exp[slot] =
      static_cast<uint8_t>(quantize_pow2(keys + static_cast<uint64_t>(slot) * dh, s->q.sparse, dh));
  linear(s, s->q.sparse, lw.wv, in);
  value_exp[slot] =
      static_cast<uint8_t>(quantize_pow2(values + static_cast<uint64_t>(slot) * d, s->q.sparse, d));

  // Scores oldest first (as forward_f32): "earlier position wins ties" is "lower index wins".
  const uint32_t n = s->position + 1 < W ? static_cast<uint32_t>(s->position + 1) : W;
  const uint32_t oldest = n < W ? 0 : (slot + 1 == W ? 0 : slot + 1);
#if defined(__ARM_FEATURE_DSP)
  if (dh % 4 == 0 && dh / 4 <= kQPairs / 2) {
    uint32_t pair[kQPairs];
    const uint32_t words = dh / 4;
    unpack_pairs(pair, s->q.q8, words);
    for (uint32_t j = 0; j < n; ++j) {
      uint32_t sl = oldest + j;
      if (sl >= W) sl -= W;
      const int8_t* k8 = keys + static_cast<uint64_t>(sl) * dh;
      // d_head 16 (the 60K presets) with a constant count: unrolled, the pairs in registers.
      const int32_t raw = words == 4 ? dot_pairs4(pair, k8) : dot_pairs(pair, k8, words);
      s->q.scores[j] = shl_int32(raw, key_exp[sl]);  // e <= 21 (quantize_pow2)
    }
  } else  // NOLINT(readability/braces): the portable loop below
#endif
  {
    for (uint32_t j = 0; j < n; ++j) {
      uint32_t sl = oldest + j;
      if (sl >= W) sl -= W;
      const int8_t* k8 = keys + static_cast<uint64_t>(sl) * dh;
      int32_t raw = 0;
#pragma GCC unroll 4
      for (uint32_t i = 0; i < dh; ++i) raw += s->q.q8[i] * k8[i];
      s->q.scores[j] = shl_int32(raw, key_exp[sl]);  // e <= 21 (quantize_pow2)
    }
  }
  const uint32_t kept = top_k_select(s->q.scores, n, c.top_k, s->top_index, s->q.top_score);
  int32_t* prob = s->q.top_prob;
  const int64_t best = s->q.top_score[0];
  for (uint32_t i = 0; i < kept; ++i) {
    int64_t gap = best - s->q.top_score[i];
    gap = gap > (int64_t{1} << 46) ? (int64_t{1} << 46) : gap;
    int64_t drop = (gap * s->q.inv_sqrt_d_head) >> (32 - q_exp);
    drop = drop > kLimit ? kLimit : drop;
    prob[i] = static_cast<int32_t>(-drop);
  }
  softmax_q15(prob, kept);

  // Where each kept value lives. With at most kFew kept and exponents spanning at most kNarrow,
  // every term p * v8 * 2^(e - e_min) and their sum fit int32 (|p * v8| <= 2^22), so the sum is
  // taken in 32 bits and scaled by 2^e_min once — the same integers as the 64-bit sum below,
  // far cheaper on 32-bit cores.
  constexpr uint32_t kFew = 4, kNarrow = 6;  // 4 terms * 2^22 * 2^6 = 2^30
  const int8_t* kept_v[kFew];
  uint32_t kept_e[kFew];
  uint32_t e_min = 31, e_max = 0;
  for (uint32_t i = 0; i < kept && i < kFew; ++i) {
    uint32_t sl = oldest + s->top_index[i];
    if (sl >= W) sl -= W;
    kept_v[i] = values + static_cast<uint64_t>(sl) * d;
    kept_e[i] = value_exp[sl];
    e_min = kept_e[i] < e_min ? kept_e[i] : e_min;
    e_max = kept_e[i] > e_max ? kept_e[i] : e_max;
  }
  if (kept <= kFew && e_max - e_min <= kNarrow) {
    // Value by value over all channels (loops compilers vectorise), summed in sparse itself.
    // Channel by channel with the (at most four) weights and value rows in registers; missing
    // terms have weight 0 on a real row.
    int32_t weight[kFew];
    for (uint32_t i = 0; i < kFew; ++i) {
      weight[i] = i < kept ? prob[i] * (1 << (kept_e[i] - e_min)) : 0;  // <= 2^21
      if (i >= kept) kept_v[i] = kept_v[0];
    }
    const int8_t* __restrict v0 = kept_v[0];
    const int8_t* __restrict v1 = kept_v[1];
    const int8_t* __restrict v2 = kept_v[2];
    const int8_t* __restrict v3 = kept_v[3];
    const int32_t w0 = weight[0], w1 = weight[1], w2 = weight[2], w3 = weight[3];
    // sat(shift_round(sum << e_min, 15)) in 32 bits: for e_min < 15 it is (sum + 2^(14 - e_min))
    // >> (15 - e_min) (numerator and divisor over 2^e_min); for e_min >= 15 it is sum <<
    // (e_min - 15), saturated when |sum| exceeds 2^27 >> (e_min - 15).
    int32_t* __restrict out = s->q.sparse;
    if (e_min < 15) {
      const uint32_t down = 15 - e_min;
      const int32_t half = int32_t{1} << (down - 1);
      for (uint32_t ch = 0; ch < d; ++ch) {
        const int32_t sum = w0 * v0[ch] + w1 * v1[ch] + w2 * v2[ch] + w3 * v3[ch];
        out[ch] = sat_q16_32((sum + half) >> down);
      }
    } else {
      const uint32_t up = e_min - 15;
      const int32_t bound = kLimit >> up;
      for (uint32_t ch = 0; ch < d; ++ch) {
        const int32_t sum = w0 * v0[ch] + w1 * v1[ch] + w2 * v2[ch] + w3 * v3[ch];
        out[ch] = sum > bound ? kLimit : (sum < -bound ? -kLimit : sum * (int32_t{1} << up));
      }
    }
  } else {
    int64_t* acc = s->q.sparse_acc;
    for (uint32_t ch = 0; ch < d; ++ch) acc[ch] = 0;
    for (uint32_t i = 0; i < kept; ++i) {
      uint32_t sl = oldest + s->top_index[i];
      if (sl >= W) sl -= W;
      const int32_t p = prob[i];
      const uint32_t e = value_exp[sl];
      const int8_t* v8 = values + static_cast<uint64_t>(sl) * d;
      for (uint32_t ch = 0; ch < d; ++ch) acc[ch] += shl(p * v8[ch], e);
    }
    for (uint32_t ch = 0; ch < d; ++ch) s->q.sparse[ch] = sat_q16(shift_round(acc[ch], 15));
  }
}

// x = sat(x + shift_round(p * y, 15)): Q15 * Q16 -> Q16. p <= 2^15 (a router probability), so
// the product term and the sum (|x| <= 2^27) fit int32; every pathway output is within 2^27, as
// mul_q15_small needs.
void mix(int32_t* x, int32_t p, const int32_t* y, uint32_t d) {
  for (uint32_t i = 0; i < d; ++i) x[i] = sat_q16_32(x[i] + mul_q15_small(p, y[i]));
}
// The three pathways mixed in one pass over x (each element saturated after each add, in pathway
// order, as three calls of mix would).
void mix3(int32_t* __restrict x, const int32_t* p, const int32_t* const* y, uint32_t d) {
  const int32_t p0 = p[0], p1 = p[1], p2 = p[2];
  const int32_t* __restrict y0 = y[0];
  const int32_t* __restrict y1 = y[1];
  const int32_t* __restrict y2 = y[2];
  for (uint32_t i = 0; i < d; ++i) {
    int32_t v = sat_q16_32(x[i] + mul_q15_small(p0, y0[i]));
    v = sat_q16_32(v + mul_q15_small(p1, y1[i]));
    x[i] = sat_q16_32(v + mul_q15_small(p2, y2[i]));
  }
}

}  // namespace

void forward_q15(atome_session* s, uint32_t token, bool want_logits) {
  const atome_model& m = s->model;
  const atome_config& c = m.config;
  const uint32_t d = c.d_model;
  int32_t* x = s->q.x;
  TernaryInput in{};
  // A compact model's vectors are int16 << shift (FORMAT.md §18): the same forward, read through
  // ShiftedI16.
  const bool compact = format::is_compact(m);

  // Embedding row: +-alpha_E (Q24 -> Q16) or 0 per element.
  const int32_t e = sat_q16(shift_round(m.embed.scale_q24, 8));
  const uint8_t* erow = m.embed.data + static_cast<uint64_t>(token) * m.embed.row_bytes;
  each_trit_code(erow, m.embed.packing, d, [x, e](uint32_t i, uint32_t code) {
    x[i] = (code & 1u) ? ((code & 2u) ? -e : e) : 0;
  });

  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const LayerWeights& lw = s->layers[l];
    if (compact)
      layer_norm_q(s->q.h, x, lw.norm_gamma_c, lw.norm_beta_c, d, c.norm_eps_q24);
    else
      layer_norm_q(s->q.h, x, lw.norm_gamma_q, lw.norm_beta_q, d, c.norm_eps_q24);
    quantize_input(s, &in);
    int32_t* r = s->q.router + static_cast<uint64_t>(l) * c.n_paths;
    linear(s, r, lw.router, in);
    softmax_q15(r, c.n_paths);
    if (c.pathways & ATOME_PATH_CONV) conv_forward(s, l);
    if (c.pathways & ATOME_PATH_SSM) ssm_forward(s, l, compact);
    if (c.pathways & ATOME_PATH_ATTN) attention_forward(s, l, in);
    const int32_t* outputs[3];
    uint32_t p = 0;
    if (c.pathways & ATOME_PATH_CONV) outputs[p++] = s->q.local;
    if (c.pathways & ATOME_PATH_SSM) outputs[p++] = s->q.ssm_out;
    if (c.pathways & ATOME_PATH_ATTN) outputs[p++] = s->q.sparse;
    if (p == 3) {
      mix3(x, r, outputs, d);
    } else {
      for (uint32_t i = 0; i < p; ++i) mix(x, r[i], outputs[i], d);
    }
  }
  if (compact)
    layer_norm_q(s->q.h, x, s->final_gamma_c, s->final_beta_c, d, c.norm_eps_q24);
  else
    layer_norm_q(s->q.h, x, m.final_gamma_q, m.final_beta_q, d, c.norm_eps_q24);
  // Quantised even without logits: the class head reads h8.
  quantize_input(s, &in);
  if (want_logits) linear(s, s->q.logits, m.unembed, in);
}

void class_logits_q15(atome_session* s, int32_t* out) {
  TernaryInput in{};
  ternary_input_prepare(&in, s->h8, s->model.config.d_model, s->ternary_input_scratch);
  linear(s, out, s->model.head, in);
}

}  // namespace atome
