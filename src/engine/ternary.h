// Ternary matrix-vector product: out[r] = scale * sum_i trit(W[r, i]) * x[i].
//
// Multiply-free: each term is x[i] with its sign flipped (trit -1), kept (+1) or masked to +0.0
// (trit 0) by bit operations on the float, so the inner loop only adds.
//
// Summation order is part of the numerics contract (host and device logits must agree to the
// bit): term i goes to lane accumulator i % 8, each lane adds its terms in increasing i, and the
// lanes are reduced as ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). The portable kernel and
// every SIMD kernel implement exactly this order.
// Every function defined in this header is `static inline`, never plain `inline`: the AVX2 and
// AVX-512 kernels include it and are compiled with -mavx2/-mavx512f, and a plain inline function
// they use is emitted there (at -O0) as a weak symbol with VEX code that the linker may pick for
// every other caller too — SIGILL on a CPU without AVX. static gives each object its own copy
// (tests/engine_link_test.cpp checks that no weak symbol of the engine holds AVX code).
#ifndef ATOME_ENGINE_TERNARY_H
#define ATOME_ENGINE_TERNARY_H

#include <stddef.h>
#include <stdint.h>

#include "atome/atome.h"
#include "engine/numerics.h"

namespace atome {

// Packed trit codes (2 bits each, element i at bits 2*(i%4) of byte i/4): 00 = 0, 01 = +1,
// 11 = -1; 10 is invalid (rejected by the loader). Bit 0 says "non-zero", bit 1 says "negative".
using MatvecFn = void (*)(float* out, const atome_trits& w, const float* x);

void ternary_matvec_portable(float* out, const atome_trits& w, const float* x);
#if defined(ATOME_HAVE_AVX2)
void ternary_matvec_avx2(float* out, const atome_trits& w, const float* x);
#endif
#if defined(ATOME_HAVE_AVX512)
void ternary_matvec_avx512(float* out, const atome_trits& w, const float* x);
#endif

// The trit3 halves of the dispatchers (engine/trit3.h, ternary_trit3.cpp): decode, then the
// selected kernel.
void ternary_matvec_trit3(float* out, const atome_trits& w, const float* x);
void conv_taps_trit3(float* out, const atome_trits& w, const float* const* lag_h, uint32_t taps);

// The kernel this build selected at configure time (-DATOME_KERNEL=...); a trit3 matrix goes
// through its decode first.
static inline void ternary_matvec(float* out, const atome_trits& w, const float* x) {
  if (w.packing == ATOME_PACKING_TRIT3) {
    ternary_matvec_trit3(out, w, x);
    return;
  }
#if defined(ATOME_USE_AVX512)
  ternary_matvec_avx512(out, w, x);
#elif defined(ATOME_USE_AVX2)
  ternary_matvec_avx2(out, w, x);
#else
  ternary_matvec_portable(out, w, x);
#endif
}

// Attention scores: out[j] = dot(q, keys + j * n) / divisor for j < count, where dot is the float
// dot product in the same lane order (term i to lane i % 8, then reduce_lanes8). Portable and
// AVX2 versions, bit-identical.
float dot_portable(const float* a, const float* b, uint32_t n);
void scores_portable(float* out, const float* q, const float* keys, uint32_t count, uint32_t n,
                     float divisor);
#if defined(ATOME_HAVE_AVX2)
void scores_avx2(float* out, const float* q, const float* keys, uint32_t count, uint32_t n,
                 float divisor);
#endif

static inline void attention_scores(float* out, const float* q, const float* keys, uint32_t count,
                                    uint32_t n, float divisor) {
#if defined(ATOME_USE_AVX2)
  scores_avx2(out, q, keys, count, n, divisor);
#else
  scores_portable(out, q, keys, count, n, divisor);
#endif
}

// Depthwise causal ternary conv for one position: out[ch] = scale * sum over k < taps (k = 0
// first, from +0.0) of apply_trit(lag_h[k][ch], code(W, ch, k)). W is (channels, K), one row per
// channel; lag_h[k] is the normed input k tokens back. Portable and AVX2 versions, bit-identical.
void conv_taps_portable(float* out, const atome_trits& w, const float* const* lag_h, uint32_t taps);
#if defined(ATOME_HAVE_AVX2)
void conv_taps_avx2(float* out, const atome_trits& w, const float* const* lag_h, uint32_t taps);
#endif

static inline void conv_taps(float* out, const atome_trits& w, const float* const* lag_h,
                             uint32_t taps) {
  if (w.packing == ATOME_PACKING_TRIT3) {
    conv_taps_trit3(out, w, lag_h, taps);
    return;
  }
#if defined(ATOME_USE_AVX2)
  conv_taps_avx2(out, w, lag_h, taps);
#else
  conv_taps_portable(out, w, lag_h, taps);
#endif
}

// Name of the selected kernel, for reports.
const char* ternary_kernel_name();

// Sign-and-mask x by a 2-bit trit code: +x (01), -x (11) or +0.0 (00) — no multiply, no branch.
// Only bits 0 and 1 of `code` are used.
static inline float apply_trit(float x, uint32_t code) {
  const uint32_t keep = 0u - (code & 1u);          // all ones when the trit is non-zero
  const uint32_t sign = ((code >> 1) & 1u) << 31;  // sign bit when the trit is -1
  return bits_float((float_bits(x) & keep) ^ sign);
}

// Trit code of element i of a packed row.
static inline uint32_t trit_code(const uint8_t* row, uint32_t i) {
  return (static_cast<uint32_t>(row[i >> 2]) >> ((i & 3u) * 2u)) & 3u;
}

// The fixed lane reduction shared by all kernels.
static inline float reduce_lanes8(const float lane[8]) {
  return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

}  // namespace atome

#endif  // ATOME_ENGINE_TERNARY_H
