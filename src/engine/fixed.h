// The integer numerics of q15 models: every rounding, shift and saturation of docs/FORMAT.md §16.4,
// in one place. Only integer instructions; 64-bit intermediates where a product needs them
// (bounds beside each). `>>` of a negative value is an arithmetic shift (GCC and Clang define it
// so, and C++20 requires it).
//
// Formats (value = integer / 2^frac):
//   residual stream x, pathway outputs, logits   int32 Q16, saturated to [-2^27, 2^27]
//   normed activations h                        int16 Q8,  saturated to int16
//   probabilities (router, attention)           Q15 (1.0 = 32768)
//   alpha of a ternary tensor                   Q24 in [0, 2^28)
//   gamma, beta, SSM b and c                    Q16; SSM decay tanh(a) Q15
//
// Functions are `static inline`, as in every engine header (see engine/ternary.h). The few
// products that replace a 64-bit multiply on Cortex-M0 are ATOME_ALWAYS_INLINE: at -Os GCC keeps
// them out of line, and the call costs a third of the product.
#ifndef ATOME_ENGINE_FIXED_H
#define ATOME_ENGINE_FIXED_H

#include <stdint.h>

#include "engine/format.h"

#define ATOME_ALWAYS_INLINE __attribute__((always_inline))

namespace atome::fixed {

constexpr int32_t kLimit = format::kMaxQ16Magnitude;  // |Q16 activation| <= 2^27 (2048.0)
constexpr int32_t kOne15 = int32_t{1} << 15;          // 1.0 in Q15

// Saturation to the Q16 activation range and to int16.
static inline int32_t sat_q16(int64_t v) {
  return v > kLimit ? kLimit : (v < -kLimit ? -kLimit : static_cast<int32_t>(v));
}
// The same saturation for a value already known to fit int32 (cheaper on 32-bit cores). Where
// the value is usually in range: one unsigned comparison (|v| <= 2^27 is v + 2^27 <= 2^28 as
// uint32) decides, then the sign; on Cortex-M3 and up that is an add, a compare and a branch
// against two compare-and-conditional-move pairs (an IT block each). M0 keeps the two compares.
static inline int32_t sat_q16_32(int32_t v) {
#if defined(__ARM_ARCH_6M__)
  return v > kLimit ? kLimit : (v < -kLimit ? -kLimit : v);
#else
  if (__builtin_expect(static_cast<uint32_t>(v) + static_cast<uint32_t>(kLimit) <=
                           2u * static_cast<uint32_t>(kLimit),
                       1))
    return v;
  return v < 0 ? -kLimit : kLimit;
#endif
}
// sat_q16 of an int64 through its two 32-bit halves: the value fits int32 when its high word is
// the sign of its low word; otherwise only the sign decides. The same integers as sat_q16.
static inline int32_t sat_q16_narrow(int64_t v) {
  const int32_t low = static_cast<int32_t>(v);
  const int32_t high = static_cast<int32_t>(v >> 32);
  if (high != (low >> 31)) return high < 0 ? -kLimit : kLimit;
  return sat_q16_32(low);
}
// Saturation of an int32 to int16. Where the core has SSAT (Cortex-M3 and up) it is that one
// instruction: GCC does not find it in the comparisons inside LayerNorm's output loop (two
// compare-and-move IT blocks and a literal load per element there).
static inline int16_t sat_i16_32(int32_t v) {
#if defined(__ARM_FEATURE_SAT) && defined(__GNUC__)
  return static_cast<int16_t>(__builtin_arm_ssat(v, 16));
#else
  return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
#endif
}
static inline int16_t sat_i16(int64_t v) {
  return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

// v / 2^s rounded half up: (v + 2^(s-1)) >> s, for s >= 1.
static inline int64_t shift_round(int64_t v, int s) {
  return (v + (int64_t{1} << (s - 1))) >> s;
}

// v * 2^s for s in [0, 63) without overflow of the result: a shift of the two's-complement bits
// (a left shift of a negative signed value is undefined before C++20, so it goes through
// uint64_t).
static inline int64_t shl(int64_t v, uint32_t s) {
  return static_cast<int64_t>(static_cast<uint64_t>(v) << s);
}

// a * b exactly, for int32 operands: a 32 x 32 -> 64 product, one instruction on cores that have
// it (Cortex-M3 and up: smull; rv32imc: mul + mulh). (A hand-written 16-bit-halves version for
// Cortex-M0 measured slower than libgcc's __aeabi_lmul.)
static inline int64_t mul_wide(int32_t a, int32_t b) {
  return static_cast<int64_t>(a) * b;
}

// mul_wide from 16-bit halves, for Cortex-M0 (no 32 x 32 -> 64 multiply) where the call to
// libgcc's __aeabi_lmul (a 64 x 64 product) costs more: a = ah 2^16 + al, b = bh 2^16 + bl with
// ah, bh in [-2^15, 2^15) and al, bl in [0, 2^16), so
//   a b = ah bh 2^32 + (ah bl + al bh) 2^16 + al bl
// where ah bh, ah bl and al bh fit int32 (|.| <= 2^30, < 2^31, < 2^31) and al bl fits uint32.
ATOME_ALWAYS_INLINE static inline int64_t mul_wide_halves(int32_t a, int32_t b) {
  const int32_t ah = a >> 16, bh = b >> 16;
  const uint32_t al = static_cast<uint32_t>(a) & 0xFFFFu, bl = static_cast<uint32_t>(b) & 0xFFFFu;
  const int64_t mid = static_cast<int64_t>(ah * static_cast<int32_t>(bl)) +
                      static_cast<int64_t>(static_cast<int32_t>(al) * bh);
  return shl(ah * bh, 32) + shl(mid, 16) + static_cast<int64_t>(al * bl);
}
// The product that is cheapest on this core (the same integers).
ATOME_ALWAYS_INLINE static inline int64_t mul_wide_fast(int32_t a, int32_t b) {
#if defined(__ARM_ARCH_6M__)
  return mul_wide_halves(a, b);
#else
  return mul_wide(a, b);
#endif
}

// shl(v, e) for an int32 v and e <= 31, from 32-bit halves (a 64-bit shift by a variable amount is
// a branchy sequence or a libgcc call on 32-bit cores): the high word is v >> (32 - e), written
// as (v >> 1) >> (31 - e) so that e = 0 needs no special case.
static inline int64_t shl_int32(int32_t v, uint32_t e) {
  const uint32_t low = static_cast<uint32_t>(v) << e;
  const uint32_t high = static_cast<uint32_t>((v >> 1) >> (31 - e));
  return static_cast<int64_t>((static_cast<uint64_t>(high) << 32) | low);
}

// shift_round(p * y, 15) for -2^15 < p <= 2^15 (a Q15 factor: a probability, a decay) and any
// int32 y: the result fits int32 (|p * y| / 2^15 <= |y|), so it is returned as one.
static inline int32_t mul_q15_wide(int32_t p, int32_t y) {
  return static_cast<int32_t>(shift_round(mul_wide(p, y), 15));
}
// The same with two 32-bit multiplies, for cores without a 32 x 32 -> 64 one (Cortex-M0:
// libgcc's __aeabi_lmul, ~45 instructions): with y = y_high * 2^16 + y_low, y_low in [0, 2^16),
// p * y_high * 2^16 is a multiple of 2^15, so
//   (p * y + 2^14) >> 15 = 2 * (p * y_high) + ((p * y_low + 2^14) >> 15)
// exactly, with |p * y_low| + 2^14 < 2^31 (32768 * 65535 + 16384 = 2^31 - 16384) and
// |p * y_high| <= 2^30.
ATOME_ALWAYS_INLINE static inline int32_t mul_q15_split(int32_t p, int32_t y) {
  const int32_t y_high = y >> 16;
  const int32_t y_low = static_cast<int32_t>(static_cast<uint32_t>(y) & 0xFFFFu);
  return static_cast<int32_t>(2u * static_cast<uint32_t>(p * y_high)) +
         ((p * y_low + (1 << 14)) >> 15);
}
ATOME_ALWAYS_INLINE static inline int32_t mul_q15(int32_t p, int32_t y) {
#if defined(__ARM_ARCH_6M__)
  return mul_q15_split(p, y);
#else
  return mul_q15_wide(p, y);
#endif
}

// Whether the core has a 32 x 32 -> 64 multiply whose high word alone is one instruction (all but
// Cortex-M0, where the high-word forms measured no cheaper than the 64-bit ones).
#if defined(__ARM_ARCH_6M__)
constexpr bool kHighWordProducts = false;
#else
constexpr bool kHighWordProducts = true;
#endif

// The high word of the 64-bit product a * b, floor(a * b / 2^32): one instruction on rv32imc
// (mulh) and on Cortex-M3 and up (smull, the low half unused).
static inline int32_t mul_high(int32_t a, int32_t b) {
  return static_cast<int32_t>(mul_wide(a, b) >> 32);
}
// v * 2^s for an int32 v whose result fits int32 (a shift of the bits: defined for negative v).
static inline int32_t shl32(int32_t v, uint32_t s) {
  return static_cast<int32_t>(static_cast<uint32_t>(v) << s);
}
// shift_round(a * b, 16) = (a * b + 2^15) >> 16 from the high word alone, for a, b whose shifted
// forms a * 2^sa and b * 2^(17 - sa) fit int32: with t = floor(a * b / 2^15) =
// mul_high(a 2^sa, b 2^(17 - sa)), floor((a b + 2^15) / 2^16) = floor((t + 1) / 2) (the floor of
// a floor). Three instructions and a shift on rv32imc and Cortex-M3 and up, against a 64-bit
// add with carry and a recombination of two shifted halves.
//
// With the DSP extension (Cortex-M4/M7) SMMULR gives floor((a b + 2^31) / 2^32) in one
// instruction, and with a 2^sa' and b 2^(16 - sa') (each fitting, one shift less than above)
// that is floor((a b 2^16 + 2^31) / 2^32) = floor((a b + 2^15) / 2^16): the same integer
// without the add and the shift.
static inline int32_t mul_high_round(int32_t a, int32_t b) {
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return static_cast<int32_t>((mul_wide(a, b) + (int64_t{1} << 31)) >> 32);
#endif
}
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
constexpr bool kRoundingHighWord = true;
#else
constexpr bool kRoundingHighWord = false;
#endif
template <uint32_t sa>
static inline int32_t mul_shift16_high(int32_t a, int32_t b) {
  static_assert(sa <= 17, "the two shifts add up to 17");
  if (kRoundingHighWord) {
    constexpr uint32_t sa1 = sa < 16 ? sa : 16;
    return mul_high_round(shl32(a, sa1), shl32(b, 16 - sa1));
  }
  return (mul_high(shl32(a, sa), shl32(b, 17 - sa)) + 1) >> 1;
}
// mul_q15 (shift_round(p * y, 15)) the same way, for |p| <= 2^15 and |y| < 2^28 (probabilities
// and decays times Q16 activations): t = floor(p y / 2^14) = mul_high(p 2^15, y 2^3).
static inline int32_t mul_q15_high(int32_t p, int32_t y) {
  if (kRoundingHighWord) return mul_high_round(shl32(p, 15), shl32(y, 2));  // as above
  return (mul_high(shl32(p, 15), shl32(y, 3)) + 1) >> 1;
}
// mul_q15 for |p| <= 2^15 and |y| < 2^28: the cheapest exact form on this core.
ATOME_ALWAYS_INLINE static inline int32_t mul_q15_small(int32_t p, int32_t y) {
#if defined(__ARM_ARCH_6M__)
  return mul_q15_split(p, y);
#else
  return mul_q15_high(p, y);
#endif
}

// The low 32 bits of (the int64 whose bits are v) >> k, an arithmetic shift, for k in [1, 63]:
// the whole result when the caller knows it fits int32 (cheaper than a 64-bit shift on 32-bit
// cores: one half or two are enough).
static inline int32_t low_word_of_shift(uint64_t v, uint32_t k) {
  const uint32_t low = static_cast<uint32_t>(v);
  const uint32_t high = static_cast<uint32_t>(v >> 32);
  if (k >= 32) return static_cast<int32_t>(high) >> (k - 32);
  return static_cast<int32_t>((low >> k) | (high << (32 - k)));
}

// floor(sqrt(v)) of a 64-bit value, digit by digit.
static inline uint32_t isqrt64(uint64_t v) {
  uint64_t root = 0;
  uint64_t bit = uint64_t{1} << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return static_cast<uint32_t>(root);
}

// floor(sqrt(v)) of a 32-bit value, digit by digit.
static inline uint32_t isqrt32(uint32_t v) {
  uint32_t root = 0;
  uint32_t bit = 1u << 30;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return root;
}
// isqrt64(v) for LayerNorm's v in [2^60, 2^62), mostly in 32-bit steps (the 64-bit digit loop
// costs ~680 instructions a call on Cortex-M4): x0 = isqrt32(v >> 32) * 2^16 is at most sqrt(v)
// and within ~2^16 of it (x0 >= 2^30); one Newton step x1 = floor((x0 + floor(v / x0)) / 2) is at
// least floor(sqrt(v)) for any x0 > 0 and exceeds sqrt(v) by about 2^32 / (2 x0) <= 2, so a few
// decrements while x1^2 > v (x1 < 2^32: no overflow) give floor(sqrt(v)) — the same integer.
static inline uint32_t isqrt64_normalized(uint64_t v) {
  const uint64_t x0 = static_cast<uint64_t>(isqrt32(static_cast<uint32_t>(v >> 32))) << 16;
  uint64_t x = (x0 + v / x0) >> 1;
  while (x * x > v) --x;
  return static_cast<uint32_t>(x);
}

// sum over i of (c_i * c_i) >> 8, c_i = x_i - mean, |c_i| <= 2^28 (|x|, |mean| <= 2^27).
static inline uint64_t sum_squares_shr8_wide(const int32_t* x, int32_t mean, uint32_t d) {
  uint64_t squares = 0;
  for (uint32_t i = 0; i < d; ++i) {
    const int32_t c = x[i] - mean;
    squares += static_cast<uint64_t>(mul_wide(c, c)) >> 8;
  }
  return squares;
}
// The same without a 64-bit multiply (Cortex-M0: libgcc's __aeabi_lmul per element): u = |c| =
// a * 2^16 + b with a <= 2^12, b < 2^16, so u^2 = a^2 2^32 + a b 2^17 + b^2 and, the first two
// terms being multiples of 2^8, (u^2) >> 8 = a^2 2^24 + a b 2^9 + (b^2 >> 8) exactly (b^2 fits
// uint32). The three parts are summed apart (each term < 2^32) and combined once.
static inline uint64_t sum_squares_shr8_split(const int32_t* x, int32_t mean, uint32_t d) {
  uint64_t high = 0, cross = 0, low = 0;
  for (uint32_t i = 0; i < d; ++i) {
    const int32_t c = x[i] - mean;
    const uint32_t u = static_cast<uint32_t>(c < 0 ? -c : c);
    const uint32_t a = u >> 16, b = u & 0xFFFFu;
    high += a * a;
    cross += a * b;
    low += (b * b) >> 8;
  }
  return (high << 24) + (cross << 9) + low;
}
// The same from the two words of each square: c^2 = H 2^32 + L (c^2 < 2^56: H < 2^24) and
// (c^2) >> 8 = H 2^24 + (L >> 8) exactly (H 2^32 is a multiple of 2^8). The H and L >> 8 parts
// (each <= 2^24, H = 2^24 at |c| = 2^28) are summed in 32 bits over runs of 255 elements
// (255 * 2^24 < 2^32) and widened once per run.
static inline uint64_t sum_squares_shr8_words(const int32_t* x, int32_t mean, uint32_t d) {
  uint64_t squares = 0;
  for (uint32_t i = 0; i < d;) {
    const uint32_t end = d - i > 255 ? i + 255 : d;
    uint32_t high = 0, low = 0;
    for (; i < end; ++i) {
      const int32_t c = x[i] - mean;
      high += static_cast<uint32_t>(mul_high(c, c));
      const uint32_t u = static_cast<uint32_t>(c);
      low += (u * u) >> 8;  // the low word of c^2 (the same bits signed or not)
    }
    squares += (static_cast<uint64_t>(high) << 24) + low;
  }
  return squares;
}
static inline uint64_t sum_squares_shr8(const int32_t* x, int32_t mean, uint32_t d) {
#if defined(__ARM_ARCH_6M__)
  return sum_squares_shr8_split(x, mean, d);
#else
  return sum_squares_shr8_words(x, mean, d);
#endif
}

// sum(x) for |x_i| <= 2^27: runs of 8 summed in int32 (|run| <= 2^30), widened once per run
// (M0 keeps the plain 64-bit sum: measured cheaper there).
static inline int64_t sum_q16(const int32_t* x, uint32_t d) {
  int64_t sum = 0;
#if defined(__ARM_ARCH_6M__)
  for (uint32_t i = 0; i < d; ++i) sum += x[i];
#else
  for (uint32_t i = 0; i < d;) {
    const uint32_t end = d - i > 8 ? i + 8 : d;
    int32_t run = 0;
    for (; i < end; ++i) run += x[i];
    sum += run;
  }
#endif
  return sum;
}

// log2(d) where layer_norm_q's two divisions by d are done as shifts, else 32. On M0 (no divide
// instruction: a 64-bit division is a libgcc call of ~650 instructions), for d a power of two
// (every preset: 64, 256, ...): the same integers, C's division truncating toward zero (a
// negative sum is shifted as its magnitude). Elsewhere the divisions measured cheaper than the
// test (M3, rv32imc: the libgcc routine uses the hardware 32-bit divide).
static inline uint32_t divide_by_shift(uint32_t d) {
#if defined(__ARM_ARCH_6M__)
  uint32_t k = 0;
  while (k < 31 && (1u << k) < d) ++k;
  return (1u << k) == d ? k : 32;
#else
  (void)d;
  return 32;
#endif
}

// h[i] = sat_i16(shift_round(z * gamma + (beta << 16), 24)) for |z| < 2^23 and the unsaturated
// result within int32, from 32-bit words where the core has a high-word product: with z 2^8 =
// Z, Z gamma = Hi 2^32 + Lo, and beta 2^16 + 2^23 = 2^16 (beta + 2^7) = Bh 2^24 + Bl (Bh =
// floor((beta + 2^7) / 2^8), Bl < 2^24),
//   floor((z gamma + beta 2^16 + 2^23) / 2^24) = Hi + Bh + carry(Lo + Bl 2^8)
// exactly (z gamma = Hi 2^24 + Lo / 2^8, Lo / 2^8 and Bl both below 2^24). Bh is taken as
// (beta >> 8) + ((beta & 255) + 128) >> 8, which cannot overflow.
// Vec: a q15 vector, read as vec[i] (an int32 pointer, or a compact model's ShiftedI16).
template <class Vec>
ATOME_ALWAYS_INLINE static inline void output_words(int16_t* h, uint32_t i, int32_t z, Vec gamma,
                                                    Vec beta) {
#if defined(__ARM_ARCH_6M__)
  const uint64_t v =
      static_cast<uint64_t>(mul_wide_fast(z, gamma[i]) + shl(beta[i], 16)) + (1u << 23);
  h[i] = sat_i16_32(low_word_of_shift(v, 24));
#elif defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
  // Cortex-M3 and up: beta 2^16 + 2^23 = (beta + 2^7) 2^16 as a 64-bit pair (|beta| <= 2^27, the
  // loader's bound, so beta + 2^7 fits int32), one SMLAL adds z gamma (GCC makes it a SMULL and
  // an add with carry), and the low word of v >> 24 is two instructions: 7 against ~14.
  const int32_t b = beta[i] + 128;
  uint32_t lo = static_cast<uint32_t>(b) << 16;
  int32_t hi = b >> 16;
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(z), "r"(gamma[i]));
  h[i] = sat_i16_32(static_cast<int32_t>((lo >> 24) | (static_cast<uint32_t>(hi) << 8)));
#else
  const int32_t zz = shl32(z, 8), g = gamma[i], b = beta[i];
  const uint32_t lo = static_cast<uint32_t>(zz) * static_cast<uint32_t>(g);
  const uint32_t bl = (static_cast<uint32_t>(b) + 128u) << 24;  // (beta + 2^7) mod 2^8, times 2^24
  const int32_t bh = (b >> 8) + (((b & 255) + 128) >> 8);
  const int32_t carry = lo + bl < lo ? 1 : 0;
  h[i] = sat_i16_32(mul_high(zz, g) + bh + carry);
#endif
}

// LayerNorm, integer: x (Q16, |x| <= 2^27) -> h (Q8, int16).
//   mean = trunc(sum(x) / d)                                      (int64 sum, C division)
//   c_i  = x_i - mean
//   var  = floor(sum((c_i * c_i) >> 8) / d) + eps               (Q24, uint64)
//   rstd: var * 4^s in [2^60, 2^62) for the least s >= 0; root = isqrt(var * 4^s) in
//         [2^30, 2^31); r = floor(2^61 / root), so rstd = r * 2^(s - 49) per Q16 unit
//   z_i  = shift_round(c_i * r, 49 - s)                          (Q16; |c * r| < 2^60)
//   h_i  = sat_i16(shift_round(z_i * gamma_i + (beta_i << 16), 24))
// gamma and beta: Vec as output_words (templated so that the int32 form compiles as before).
template <class Vec>
static inline void layer_norm_q(int16_t* h, const int32_t* x, Vec gamma, Vec beta, uint32_t d,
                                uint32_t eps_q24) {
  const int64_t sum = sum_q16(x, d);
  const uint32_t log2_d = divide_by_shift(d);
  const bool pow2 = log2_d < 32;
  const int32_t mean =
      pow2 ? static_cast<int32_t>(sum < 0
                                      ? -static_cast<int64_t>(static_cast<uint64_t>(-sum) >> log2_d)
                                      : static_cast<int64_t>(static_cast<uint64_t>(sum) >> log2_d))
           : static_cast<int32_t>(sum / static_cast<int64_t>(d));
  const uint64_t squares = sum_squares_shr8(x, mean, d);
  uint64_t var = (pow2 ? squares >> log2_d : squares / d) + eps_q24;
  int s = 0;
  while (var < (uint64_t{1} << 60)) {
    var <<= 2;
    ++s;
  }
  const uint32_t root = kHighWordProducts ? isqrt64_normalized(var) : isqrt64(var);
  const uint32_t r = static_cast<uint32_t>((uint64_t{1} << 61) / root);
  // The same integers with one 32 x 32 -> 64 product (one instruction on most 32-bit cores):
  // |c| <= 2^28 and r in (2^30, 2^31] (root in [2^30, 2^31)), |z| < 2^23. r fits int32 except
  // for r = 2^31 (root = 2^30 exactly), and then (c * 2^31 + 2^(k-1)) >> k = (c * 2^30 +
  // 2^(k-2)) >> (k - 1): numerator and divisor halved, the same floor. z and h fit int32 (|z| <
  // 2^23, the unsaturated h < 2^27), so only the low word of each shifted 64-bit sum is kept:
  // (v >> k) mod 2^32 from v's halves, k = 49 - s in [19, 49] (var >= eps >= 1 gives s <= 30),
  // or one less.
  const bool r_max = r == (1u << 31);
  const int32_t r32 = static_cast<int32_t>(r_max ? 1u << 30 : r);
  const uint32_t k = static_cast<uint32_t>(49 - s) - (r_max ? 1u : 0u);
  const uint64_t half = uint64_t{1} << (k - 1);
  const auto c_times_r = [=](int32_t c) {  // c * r + half, as the bits of a uint64
    return static_cast<uint64_t>(mul_wide_fast(c, r32)) + half;
  };
  const auto output = [=](uint32_t i, int32_t z)
                          ATOME_ALWAYS_INLINE { output_words(h, i, z, gamma, beta); };
  // One loop per side of k = 32 (the usual k >= 33: z is the high word shifted), so that the
  // choice is made once and not per element.
  // The high-word forms first (not on M0: there the 64-bit forms below measured cheaper).
  if (kHighWordProducts && k >= 33) {
    // half = 2^(k - 33) 2^32 adds to the high word only, and the low word cannot change
    // floor(. / 2^k) (a floor of a floor): z = (H + 2^(k - 33)) >> (k - 32), H the high word of
    // c * r.
    const int32_t half_high = int32_t{1} << (k - 33);
    for (uint32_t i = 0; i < d; ++i)
      output(i,
             (static_cast<int32_t>(mul_wide_fast(x[i] - mean, r32) >> 32) + half_high) >> (k - 32));
    return;
  }
  if (kHighWordProducts && (squares >> (2 * k - 12)) == 0) {  // k <= 32 here: a shift < 64
    // k <= 32 with every |c_i| < 2^(k-2) (c_i^2 >> 8 <= squares < 2^(2k - 12)): c * 2^(33 - k)
    // fits int32, its high word with r is t = floor(c r / 2^(k - 1)), and z = (t + 1) >> 1 (as
    // in mul_shift16_high). The usual case for k < 33 (var >= 2^(2k - 38) by the choice of s).
    const uint32_t up = 33 - k;
    if (kRoundingHighWord) {  // floor((c 2^(up - 1) r + 2^31) / 2^32): the same z (SMMULR)
      for (uint32_t i = 0; i < d; ++i) output(i, mul_high_round(shl32(x[i] - mean, up - 1), r32));
      return;
    }
    for (uint32_t i = 0; i < d; ++i)
      output(i, (static_cast<int32_t>(mul_wide_fast(shl32(x[i] - mean, up), r32) >> 32) + 1) >> 1);
    return;
  }
  if (k >= 32) {
    for (uint32_t i = 0; i < d; ++i)
      output(i, static_cast<int32_t>(c_times_r(x[i] - mean) >> 32) >> (k - 32));
  } else {
    for (uint32_t i = 0; i < d; ++i) output(i, low_word_of_shift(c_times_r(x[i] - mean), k));
  }
}

// Per-token absmax quantisation of h (Q8) to int8 for the ternary linears:
//   m = max|h_i|; m = 0 gives all zeros and deq 0.
//   inv = floor((127 * 2^16 + floor(m / 2)) / m)
//   q_i = clamp((h_i * inv + 2^15) >> 16, -127, 127)              (|h_i * inv| <= m * inv < 2^24)
// Returns deq = floor((m * 2^16 + 63) / 127): h_i is about q_i * deq / 2^16 in Q8, i.e. the
// real value q_i * deq / 2^24.
static inline uint32_t quantize_h(int8_t* q, const int16_t* h, uint32_t n) {
  int32_t high = 0, low = 0;  // max and min of h: max|h| = max(high, -low), no abs per element
  uint32_t i = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
  // Two elements a word on M4/M7: SSUB16 sets each half's GE flags where h >= the running
  // max (min), and SEL keeps h or the old value per half: 5 instructions per 2 elements.
  uint32_t high2 = 0, low2 = 0, scratch;
  for (; i + 2 <= n; i += 2) {
    uint32_t w;
    __builtin_memcpy(&w, h + i, 4);
    __asm__(
        "ssub16 %[t], %[w], %[hi]\n\tsel %[hi], %[w], %[hi]\n\t"
        "ssub16 %[t], %[w], %[lo]\n\tsel %[lo], %[lo], %[w]"
        : [hi] "+r"(high2), [lo] "+r"(low2), [t] "=&r"(scratch)
        : [w] "r"(w)
        : "cc");
  }
  const int32_t high0 = static_cast<int16_t>(high2), high1 = static_cast<int16_t>(high2 >> 16);
  const int32_t low0 = static_cast<int16_t>(low2), low1 = static_cast<int16_t>(low2 >> 16);
  high = high0 > high1 ? high0 : high1;
  low = low0 < low1 ? low0 : low1;
#endif
  for (; i < n; ++i) {
    high = h[i] > high ? h[i] : high;
    low = h[i] < low ? h[i] : low;
  }
  const uint32_t m = static_cast<uint32_t>(high > -low ? high : -low);
  if (m == 0) {
    for (i = 0; i < n; ++i) q[i] = 0;
    return 0;
  }
  const int32_t inv = static_cast<int32_t>(((127u << 16) + (m >> 1)) / m);
  // The clamp of the contract never acts, so it is not computed: |h_i| <= m and m * inv <=
  // 127 * 2^16 + m / 2 with m <= 2^15, so h_i * inv + 2^15 lies within [-127 * 2^16 + 2^14,
  // 127 * 2^16 + 2^14 + 2^15], whose floor over 2^16 is in [-127, 127].
  for (i = 0; i < n; ++i) q[i] = static_cast<int8_t>((h[i] * inv + (1 << 15)) >> 16);
  return ((m << 16) + 63u) / 127u;
}

// Output scale of a ternary linear for one quantised input: st = shift_round(alpha_q24 * deq,
// 16) (< 2^36), then y = sat_q16(shift_round(acc * st, 16)) in Q16 (|acc * st| < 2^57).
static inline int64_t output_scale(int32_t alpha_q24, uint32_t deq) {
  return shift_round(static_cast<int64_t>(alpha_q24) * deq, 16);
}
// shift_round(acc * scale, 16) for |acc| < 2^15 and 0 <= scale < 2^31: |acc * scale| < 2^46, so
// the result fits int32 and only the low word of the shifted product is computed.
static inline int32_t requantize_small_wide(int32_t acc, int32_t scale) {
  return low_word_of_shift(static_cast<uint64_t>(mul_wide(acc, scale)) + (1u << 15), 16);
}
// The same with two 32-bit multiplies (see mul_q15_split): scale = high * 2^16 + low, low in
// [0, 2^16), and (acc * scale + 2^15) >> 16 = acc * high + ((acc * low + 2^15) >> 16) exactly,
// every term within int32 (|acc * low| + 2^15 <= 32767 * 65535 + 2^15 < 2^31; |acc * high| <
// 2^30).
static inline int32_t requantize_small_split(int32_t acc, int32_t scale) {
  return acc * (scale >> 16) + ((acc * (scale & 0xFFFF) + (1 << 15)) >> 16);
}
static inline int32_t requantize_small(int32_t acc, int32_t scale) {
#if defined(__ARM_ARCH_6M__)
  return requantize_small_split(acc, scale);
#else
  return requantize_small_wide(acc, scale);
#endif
}

// shift_round(a * b, 16) without a 64-bit multiply (Cortex-M0), for |a| < 2^18 and |b| < 2^28
// (so that the result, |a * b| / 2^16 < 2^30, fits int32): with b = bh 2^16 + bm 2^8 + bn, bm and
// bn in [0, 2^8), and floor(floor(y / 2^8) / 2^8) = floor(y / 2^16),
//   (a b + 2^15) >> 16 = a bh + ((a bm + ((a bn + 2^15) >> 8)) >> 8)
// exactly, every term within int32 (|a bh| < 2^30, |a bm|, |a bn| < 2^26).
ATOME_ALWAYS_INLINE static inline int32_t mul_shift16_split(int32_t a, int32_t b) {
  const int32_t bh = b >> 16;
  const int32_t bm = (b >> 8) & 0xFF, bn = b & 0xFF;
  return a * bh + ((a * bm + ((a * bn + (1 << 15)) >> 8)) >> 8);
}

// shift_round(a * b, 16) for |a| < 2^18 and |b| < 2^28, returned as the int32 it fits in.
ATOME_ALWAYS_INLINE static inline int32_t mul_shift16_small(int32_t a, int32_t b) {
#if defined(__ARM_ARCH_6M__)
  return mul_shift16_split(a, b);
#else
  return low_word_of_shift(static_cast<uint64_t>(mul_wide(a, b)) + (1u << 15), 16);
#endif
}

// out[r] = sat_q16(shift_round(acc[r] * scale, 16)) for r < rows (acc of a cols-wide matvec). The
// usual scale fits int32, and
// then the product is a 32 x 32 -> 64 one (one instruction on most cores): the same integers.
static inline void requantize_rows(int32_t* out, const int32_t* acc, uint32_t rows, uint32_t cols,
                                   int64_t scale) {
#if !defined(__ARM_ARCH_6M__)
  if (scale < (int64_t{1} << 30) && cols <= 258) {
    // The high word alone (mul_shift16_high: acc * 2^16 and scale * 2 fit int32).
    const int32_t scale32 = static_cast<int32_t>(scale);
    for (uint32_t r = 0; r < rows; ++r) out[r] = sat_q16_32(mul_shift16_high<16>(acc[r], scale32));
    return;
  }
#endif
  if (scale <= INT32_MAX && cols <= 258) {
    // |acc| <= 127 * cols < 2^15: the shifted product fits int32.
    const int32_t scale32 = static_cast<int32_t>(scale);
    for (uint32_t r = 0; r < rows; ++r) out[r] = sat_q16_32(requantize_small(acc[r], scale32));
  } else if (scale <= INT32_MAX) {
    const int32_t scale32 = static_cast<int32_t>(scale);
    for (uint32_t r = 0; r < rows; ++r)
      out[r] = sat_q16(shift_round(mul_wide(acc[r], scale32), 16));
  } else {
    for (uint32_t r = 0; r < rows; ++r) out[r] = sat_q16(shift_round(acc[r] * scale, 16));
  }
}

// Power-of-two int8 quantisation of a Q16 vector (attention q, k, v; |v| <= 2^27):
// e = the least e >= 0 with max|v| <= 127 * 2^e; q_i = v_i (e = 0) or (v_i + 2^(e-1)) >> e,
// clamped to [-127, 127]. v_i is about q_i * 2^e. Returns e (<= 21).
static inline uint32_t quantize_pow2(int8_t* q, const int32_t* v, uint32_t n) {
  int32_t high = 0, low = 0;  // max|v| = max(high, -low): |v| <= 2^27, so -low cannot overflow
  for (uint32_t i = 0; i < n; ++i) {
    high = v[i] > high ? v[i] : high;
    low = v[i] < low ? v[i] : low;
  }
  const uint32_t m = static_cast<uint32_t>(high > -low ? high : -low);
  uint32_t e = 0;
#if defined(__ARM_ARCH_6M__) || !defined(__GNUC__)
  while ((127u << e) < m) ++e;
#else
  // The least e with 127 * 2^e >= m is the least with 2^e >= c = ceil(m / 127): bitlength(c - 1)
  // for c >= 2 — one divide and a CLZ where the core has both, against ~4 instructions for each
  // of the ~11 steps of the loop (M0 keeps the loop: its division is a libgcc call).
  const uint32_t c = (m + 126u) / 127u;
  e = c <= 1 ? 0 : 32u - static_cast<uint32_t>(__builtin_clz(c - 1));
#endif
  const int32_t half = e == 0 ? 0 : int32_t{1} << (e - 1);  // (v + 0) >> 0 is v itself
  // The clamp of the contract never acts, so it is not computed: |v_i| <= m <= 127 * 2^e and
  // half < 2^e, so (v_i + half) >> e is in [-127, 127].
  for (uint32_t i = 0; i < n; ++i) q[i] = static_cast<int8_t>((v[i] + half) >> e);
  return e;
}

// round(2^15 * e^(-t / 2^16)) for t >= 0 (Q16), within 1 of it:
//   t >= 16 * 2^16 gives 0;
//   u = (t * 94548 + 2^15) >> 16                 (t * log2(e) in Q16; 94548 = round(2^16 log2 e))
//   n = u >> 16, f = u & 0xFFFF                 (2^-u = 2^-n * 2^-(f / 2^16))
//   p = 2^-(f / 2^16) in Q30 by Horner, each step p = c + ((p * f) >> 16), coefficients
//       7419544, -57312187, 257211996, -744187985, then 2^30 (max error 2.2e-6)
//   result = shift_round(p, 15 + n)
static inline int32_t exp_neg_q15(int64_t t) {
  if (t >= (int64_t{16} << 16)) return 0;
  const int64_t u = (t * 94548 + (1 << 15)) >> 16;
  const int n = static_cast<int>(u >> 16);
  const int64_t f = u & 0xFFFF;
  int64_t p = 7419544;
  p = -57312187 + ((p * f) >> 16);
  p = 257211996 + ((p * f) >> 16);
  p = -744187985 + ((p * f) >> 16);
  p = (int64_t{1} << 30) + ((p * f) >> 16);
  return static_cast<int32_t>(shift_round(p, 15 + n));
}

// Softmax of n Q16 logits into Q15 probabilities, in place:
//   e_i = exp_neg_q15(max - v_i); sum = sum(e_i) (>= 32768: the max gives 2^15);
//   p_i = floor((e_i * 2^15 + floor(sum / 2)) / sum).
static inline void softmax_q15(int32_t* v, uint32_t n) {
  int32_t max = v[0];
  for (uint32_t i = 1; i < n; ++i) max = v[i] > max ? v[i] : max;
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) {
    v[i] = exp_neg_q15(static_cast<int64_t>(max) - v[i]);
    sum += static_cast<uint32_t>(v[i]);
  }
  for (uint32_t i = 0; i < n; ++i)
    v[i] = static_cast<int32_t>((static_cast<uint32_t>(v[i]) * 32768u + (sum >> 1)) / sum);
}

}  // namespace atome::fixed

#endif  // ATOME_ENGINE_FIXED_H
