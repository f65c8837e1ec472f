// The engine's own float maths: exp, tanh, sqrt, and bit casts. No libm, so every target (and
// the trainer, which includes this header) computes the same bits. Built with FMA contraction
// off (-ffp-contract=off), these use only + - * / and conversions, which IEEE 754 makes exact
// to the bit on every core we support.
//
// Functions here are `static inline` (not plain inline) because the SIMD kernels include this
// header: see engine/ternary.h.
#ifndef ATOME_ENGINE_NUMERICS_H
#define ATOME_ENGINE_NUMERICS_H

#include <stdint.h>

namespace atome {

static inline uint32_t float_bits(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, sizeof u);
  return u;
}

static inline float bits_float(uint32_t u) {
  float f;
  __builtin_memcpy(&f, &u, sizeof f);
  return f;
}

static inline bool is_finite(float f) {
  return (float_bits(f) & 0x7F800000u) != 0x7F800000u;
}

// 2^k for k in [-126, 127], exactly.
static inline float pow2i(int k) {
  return bits_float(static_cast<uint32_t>(k + 127) << 23);
}

// e^x, within about 1 ulp (Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, then a degree-7
// polynomial; Cephes' coefficients). Exact 0 below -103.97, +inf above 88.72.
static inline float exp_f(float x) {
  if (x != x) return x;
  if (x > 88.72283935546875f) return bits_float(0x7F800000u);
  if (x < -103.97208404541015625f) return 0.0f;
  const float kLog2e = 1.44269502162933349609375f;
  const float kLn2Hi = 0.693359375f;  // few bits: k * kLn2Hi is exact
  const float kLn2Lo = -2.12194440e-4f;
  const float kf = x * kLog2e;
  const int k = static_cast<int>(kf + (kf >= 0.0f ? 0.5f : -0.5f));
  const float fk = static_cast<float>(k);
  const float r = (x - fk * kLn2Hi) - fk * kLn2Lo;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r2 + r + 1.0f;
  // Scale by 2^k in two exact-power steps so that k in [-150, 128] never leaves the normal range
  // of the factors; only the last multiply rounds (into a subnormal when the result is tiny).
  const int k1 = k / 2;
  const int k2 = k - k1;
  return (er * pow2i(k1)) * pow2i(k2);
}

// tanh(x): Cephes' odd polynomial for |x| < 0.625, 1 - 2 / (e^{2|x|} + 1) above (absolute error
// ~1e-7), exactly +-1 beyond 9.01 where tanh rounds to 1 in float.
static inline float tanh_f(float x) {
  if (x != x) return x;
  const float ax = x < 0.0f ? -x : x;
  float y;
  if (ax > 9.01f) {
    y = 1.0f;
  } else if (ax < 0.625f) {
    const float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    return p * z * x + x;
  } else {
    y = 1.0f - 2.0f / (exp_f(2.0f * ax) + 1.0f);
  }
  return x < 0.0f ? -y : y;
}

// Correctly rounded square root (the same bits as IEEE sqrtf), by an integer digit-by-digit root
// of the significand: exact everywhere, no FPU sqrt needed.
static inline float sqrt_f(float x) {
  const uint32_t bits = float_bits(x);
  if (x != x || x == 0.0f) return x;                  // NaN, +-0
  if (bits >> 31) return bits_float(0x7FC00000u);     // negative: NaN
  if ((bits & 0x7F800000u) == 0x7F800000u) return x;  // +inf
  int exponent = static_cast<int>((bits >> 23) & 0xFF);
  uint64_t significand = bits & 0x7FFFFFu;
  if (exponent == 0) {  // subnormal: normalise
    exponent = 1;
    while ((significand & 0x800000u) == 0) {
      significand <<= 1;
      --exponent;
    }
  } else {
    significand |= 0x800000u;
  }
  // x = significand * 2^(exponent - 150); make the power even.
  int e = exponent - 150;
  if (e & 1) {
    significand <<= 1;
    e -= 1;
  }
  // root = floor(sqrt(significand << 30)) has 27-28 bits: >= 3 bits below float precision, so
  // or-ing a sticky bit for a non-zero remainder makes the int->float conversion round correctly.
  uint64_t value = significand << 30;
  uint64_t root = 0;
  uint64_t bit = 1ull << 56;
  while (bit > value) bit >>= 2;
  while (bit != 0) {
    if (value >= root + bit) {
      value -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  if (value != 0) root |= 1u;
  // sqrt(x) = root * 2^(e/2 - 15); the scale is an exact power of two in the normal range.
  const float r = static_cast<float>(root);
  const int k = e / 2 - 15;
  const int k1 = k / 2;
  return (r * pow2i(k1)) * pow2i(k - k1);
}

// SplitMix64 (Steele, Lea and Flood 2014), the one definition the engine's sampler and the
// trainer (batch positions, initialisation) share. splitmix64_mix is its output function, a
// bijection of 64-bit words; splitmix64 is one step of the generator: advance the state by the
// golden-ratio increment, return the mixed state.
static inline uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline uint64_t splitmix64(uint64_t* state) {
  *state += 0x9E3779B97F4A7C15ull;
  return splitmix64_mix(*state);
}

}  // namespace atome

#endif  // ATOME_ENGINE_NUMERICS_H
