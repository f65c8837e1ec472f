// Numerics modes (issue 13): the q15 fixed-point primitives against their real-valued meaning,
// a8 and q15 models against the f32 model they were converted from, the file fields and the
// loader's checks, and the integer API.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/bytes.h"
#include "engine/fixed.h"
#include "engine/format.h"
#include "fixtures.h"
#include "host/byte_io.h"
#include "host/numerics_convert.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome {
namespace {

using namespace test;

// ---- fixed-point primitives -------------------------------------------------------------------

TEST(FixedPoint, ExpNegIsWithinOneOfTheRoundedExponential) {
  int worst = 0;
  for (int64_t t = 0; t < (int64_t{17} << 16); t += 37) {
    const double exact = 32768.0 * std::exp(-static_cast<double>(t) / 65536.0);
    const int got = fixed::exp_neg_q15(t);
    worst = std::max(worst, std::abs(got - static_cast<int>(std::lround(exact))));
  }
  EXPECT_LE(worst, 1);
  EXPECT_EQ(fixed::exp_neg_q15(0), 32768);
  EXPECT_EQ(fixed::exp_neg_q15(int64_t{16} << 16), 0);
}

TEST(FixedPoint, IntegerSquareRootIsTheFloorOfTheRoot) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    const uint64_t r = fixed::isqrt64(v);
    ASSERT_LE(r * r, v) << v;
    ASSERT_GT((r + 1) * (r + 1), v) << v;  // (r + 1)^2 <= 2^64 for r < 2^32
  }
  EXPECT_EQ(fixed::isqrt64(0), 0u);
  EXPECT_EQ(fixed::isqrt64(UINT64_MAX), 0xFFFFFFFFu);
}

// LayerNorm's root on cores with a high-word product (Newton from a 32-bit root, then
// decrements) against the digit-by-digit definition over its whole domain [2^60, 2^62): the
// ends, every perfect square near them and near 2^61, their neighbours, and random values.
TEST(FixedPoint, NormalizedSquareRootEqualsTheDigitByDigitOne) {
  std::vector<uint64_t> cases = {uint64_t{1} << 60, (uint64_t{1} << 62) - 1, uint64_t{1} << 61};
  for (uint64_t r :
       {uint64_t{1} << 30, uint64_t{1518500249}, uint64_t{1518500250}, (uint64_t{1} << 31) - 1}) {
    for (uint64_t dr = 0; dr < 64; ++dr) {
      const uint64_t q = (r - 32 + dr) * (r - 32 + dr);
      for (uint64_t v : {q - 1, q, q + 1, q + 2 * (r - 32 + dr)}) cases.push_back(v);
    }
  }
  std::mt19937_64 rng(17);
  for (int i = 0; i < 200000; ++i)
    cases.push_back((uint64_t{1} << 60) + (rng() % (3 * (uint64_t{1} << 60))));
  for (const uint64_t v : cases) {
    if (v < (uint64_t{1} << 60) || v >= (uint64_t{1} << 62)) continue;
    ASSERT_EQ(fixed::isqrt64_normalized(v), fixed::isqrt64(v)) << v;
  }
}

TEST(FixedPoint, LayerNormMatchesTheRealOneWithinQ8Rounding) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (uint32_t d : {8u, 64u, 256u, 1000u}) {
    for (double spread : {0.01, 1.0, 40.0}) {
      std::vector<int32_t> x(d), gamma(d), beta(d);
      std::vector<double> xr(d);
      for (uint32_t i = 0; i < d; ++i) {
        xr[i] = 3.0 + spread * normal(rng);
        x[i] = static_cast<int32_t>(std::lround(xr[i] * 65536.0));
        xr[i] = x[i] / 65536.0;
        gamma[i] = static_cast<int32_t>(std::lround((1.0 + 0.3 * normal(rng)) * 65536.0));
        beta[i] = static_cast<int32_t>(std::lround(0.2 * normal(rng) * 65536.0));
      }
      std::vector<int16_t> h(d);
      const uint32_t eps_q24 = 168;  // 1e-5
      fixed::layer_norm_q(h.data(), x.data(), gamma.data(), beta.data(), d, eps_q24);
      double mean = 0, var = 0;
      for (double v : xr) mean += v;
      mean /= d;
      for (double v : xr) var += (v - mean) * (v - mean);
      var /= d;
      double worst = 0;
      for (uint32_t i = 0; i < d; ++i) {
        const double want =
            (xr[i] - mean) / std::sqrt(var + eps_q24 / 16777216.0) * (gamma[i] / 65536.0) +
            beta[i] / 65536.0;
        worst = std::max(worst, std::fabs(h[i] / 256.0 - want));
      }
      EXPECT_LE(worst, 1.0 / 256) << "d " << d << " spread " << spread;
    }
  }
}

// FORMAT.md §16.4's LayerNorm written as specified, in 64-bit arithmetic throughout: the engine's
// layer_norm_q computes the same integers with 32-bit halves where the bounds allow.
void layer_norm_as_specified(int16_t* h, const int32_t* x, const int32_t* gamma,
                             const int32_t* beta, uint32_t d, uint32_t eps_q24) {
  int64_t sum = 0;
  for (uint32_t i = 0; i < d; ++i) sum += x[i];
  const int64_t mean = sum / static_cast<int64_t>(d);
  uint64_t squares = 0;
  for (uint32_t i = 0; i < d; ++i) {
    const int64_t c = x[i] - mean;
    squares += static_cast<uint64_t>(c * c) >> 8;
  }
  uint64_t var = squares / d + eps_q24;
  int s = 0;
  for (; var < (uint64_t{1} << 60); ++s) var <<= 2;
  const uint64_t r = (uint64_t{1} << 61) / fixed::isqrt64(var);
  for (uint32_t i = 0; i < d; ++i) {
    const int64_t c = x[i] - mean;
    const int64_t z = (c * static_cast<int64_t>(r) + (int64_t{1} << (48 - s))) >> (49 - s);
    const int64_t v = (z * gamma[i] + (static_cast<int64_t>(beta[i]) * 65536) + (1 << 23)) >> 24;
    h[i] = static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
  }
}

TEST(FixedPoint, LayerNormIsBitExactWithItsSpecification) {
  std::mt19937_64 rng(12);
  const int32_t lim = fixed::kLimit;
  std::uniform_int_distribution<int32_t> any(-lim, lim), small(-300, 300), unit(-70000, 70000);
  size_t compared = 0;
  for (uint32_t d : {1u, 7u, 64u, 256u, 1024u}) {
    for (int trial = 0; trial < 40; ++trial) {
      std::vector<int32_t> x(d), gamma(d), beta(d);
      for (uint32_t i = 0; i < d; ++i) {
        // Spreads from a constant vector (var = eps only: the largest shift) to the limits.
        x[i] = trial % 4 == 0 ? 12345 : (trial % 4 == 1 ? small(rng) : any(rng));
        gamma[i] = trial % 3 == 0 ? any(rng) : unit(rng);
        beta[i] = trial % 5 == 0 ? any(rng) : unit(rng);
      }
      const uint32_t eps_q24 = trial % 2 ? 1u : 168u;
      std::vector<int16_t> got(d), want(d);
      fixed::layer_norm_q(got.data(), x.data(), gamma.data(), beta.data(), d, eps_q24);
      layer_norm_as_specified(want.data(), x.data(), gamma.data(), beta.data(), d, eps_q24);
      ASSERT_EQ(got, want) << "d " << d << " trial " << trial;
      compared += d;
    }
  }
  EXPECT_GT(compared, 40000u);
  // var a power of 4 gives root = 2^30 and r = 2^31 exactly, the one r that does not fit int32
  // (layer_norm_q takes it apart): a constant vector (var = eps) and one with var = 2^16 - 32 + 32.
  for (const uint32_t eps_q24 : {1u, 4u, 1024u, 1u << 20}) {
    std::vector<int32_t> x(8, -777), gamma(8, 70000), beta(8, -5000);
    std::vector<int16_t> got(8), want(8);
    fixed::layer_norm_q(got.data(), x.data(), gamma.data(), beta.data(), 8, eps_q24);
    layer_norm_as_specified(want.data(), x.data(), gamma.data(), beta.data(), 8, eps_q24);
    ASSERT_EQ(got, want) << "eps " << eps_q24;
  }
  std::vector<int32_t> x = {4095, -4095}, gamma = {65536, 123456}, beta = {0, 99};
  std::vector<int16_t> got(2), want(2);
  fixed::layer_norm_q(got.data(), x.data(), gamma.data(), beta.data(), 2, 32);  // var = 65504 + 32
  layer_norm_as_specified(want.data(), x.data(), gamma.data(), beta.data(), 2, 32);
  ASSERT_EQ(got, want);
  EXPECT_NE(got[0], 0);
}

// mul_q15 and requantize_small in both forms (the split one is what Cortex-M0 runs) against
// their definition in 64-bit arithmetic, at the edges of their ranges and at random.
TEST(FixedPoint, SplitProductsEqualTheirDefinition) {
  const auto q15_def = [](int32_t p, int32_t y) {
    return static_cast<int32_t>((static_cast<int64_t>(p) * y + (1 << 14)) >> 15);
  };
  const auto requant_def = [](int32_t acc, int32_t scale) {
    return static_cast<int32_t>((static_cast<int64_t>(acc) * scale + (1 << 15)) >> 16);
  };
  std::vector<int32_t> ps = {-32767, -32766, -1, 0, 1, 2, 16384, 32767, 32768};
  std::vector<int32_t> ys = {INT32_MIN, INT32_MIN + 1, -(1 << 27), -65537, -65536,  -65535,   -1, 0,
                             1,         65535,         65536,      65537,  1 << 27, INT32_MAX};
  std::vector<int32_t> accs = {-32767, -32766, -256, -1, 0, 1, 255, 32766, 32767};
  std::vector<int32_t> scales = {0, 1, 32767, 32768, 65535, 65536, 65537, INT32_MAX - 1, INT32_MAX};
  std::mt19937 rng(13);
  for (int i = 0; i < 20000; ++i) {
    ps.push_back(static_cast<int32_t>(rng() % 65536) - 32767);
    ys.push_back(static_cast<int32_t>(rng()));
    accs.push_back(static_cast<int32_t>(rng() % 65535) - 32767);
    scales.push_back(static_cast<int32_t>(rng() >> 1));
  }
  for (size_t i = 0; i < ps.size(); ++i) {
    for (size_t j = 0; j < ys.size(); j += (i < 9 ? 1 : ys.size())) {
      const size_t k = i < 9 ? j : i;  // the edges crossed, then the random pairs
      ASSERT_EQ(fixed::mul_q15_split(ps[i], ys[k]), q15_def(ps[i], ys[k])) << ps[i] << " " << ys[k];
      ASSERT_EQ(fixed::mul_q15_wide(ps[i], ys[k]), q15_def(ps[i], ys[k])) << ps[i] << " " << ys[k];
    }
  }
  for (size_t i = 0; i < accs.size(); ++i) {
    for (size_t j = 0; j < scales.size(); j += (i < 9 ? 1 : scales.size())) {
      const size_t k = i < 9 ? j : i;
      ASSERT_EQ(fixed::requantize_small_split(accs[i], scales[k]), requant_def(accs[i], scales[k]))
          << accs[i] << " " << scales[k];
      ASSERT_EQ(fixed::requantize_small_wide(accs[i], scales[k]), requant_def(accs[i], scales[k]))
          << accs[i] << " " << scales[k];
    }
  }
}

// The other Cortex-M0 forms (no 32 x 32 -> 64 multiply there): shift_round(a * b, 16) from three
// 32-bit products, a * b from 16-bit halves, the LayerNorm sum of squares in three parts; each
// against its 64-bit definition, at the edges of its range and at random.
TEST(FixedPoint, M0ProductsEqualTheirDefinition) {
  std::mt19937 rng(1313);
  std::vector<int32_t> as = {-(1 << 18) + 1, -(1 << 17),   -65536, -1, 0, 1, 255,
                             65535,          (1 << 18) - 1};
  std::vector<int32_t> bs = {
      -(1 << 28) + 1, -(1 << 27), -65537,    -256,         -1, 0, 1, 255, 256,
      65535,          65536,      (1 << 27), (1 << 28) - 1};
  for (int i = 0; i < 20000; ++i) {
    as.push_back(static_cast<int32_t>(rng() % (1u << 19)) - ((1 << 18) - 1));
    bs.push_back(static_cast<int32_t>(rng() % (1u << 29)) - ((1 << 28) - 1));
  }
  for (const int32_t a : as) {
    for (size_t j = 0; j < 13; ++j) {
      const int32_t b = bs[j + (rng() % (bs.size() - 13))];  // a random b, then each edge
      for (const int32_t bb : {b, bs[j]}) {
        const int64_t def = (static_cast<int64_t>(a) * bb + (1 << 15)) >> 16;
        ASSERT_EQ(fixed::mul_shift16_split(a, bb), def) << a << " " << bb;
        ASSERT_EQ(fixed::mul_shift16_small(a, bb), def) << a << " " << bb;
      }
    }
  }
  const std::vector<int32_t> edges = {
      INT32_MIN, INT32_MIN + 1, -65537, -65536, -65535,        -1,       0,
      1,         65535,         65536,  65537,  INT32_MAX - 1, INT32_MAX};
  for (const int32_t a : edges)
    for (const int32_t b : edges)
      ASSERT_EQ(fixed::mul_wide_halves(a, b), static_cast<int64_t>(a) * b) << a << " " << b;
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = static_cast<int32_t>(rng()), b = static_cast<int32_t>(rng());
    ASSERT_EQ(fixed::mul_wide_halves(a, b), static_cast<int64_t>(a) * b) << a << " " << b;
  }
  // Sums of squares: |x| <= 2^27 and |mean| <= 2^27, so |x - mean| reaches 2^28.
  const int32_t lim = fixed::kLimit;
  std::vector<int32_t> x = {lim, -lim, lim, 0, 1, -1, 65535, -65536};
  for (const int32_t mean : {-lim, lim, 0, 12345}) {
    ASSERT_EQ(fixed::sum_squares_shr8_split(x.data(), mean, static_cast<uint32_t>(x.size())),
              fixed::sum_squares_shr8_wide(x.data(), mean, static_cast<uint32_t>(x.size())));
  }
  for (int trial = 0; trial < 2000; ++trial) {
    const uint32_t d = 1 + rng() % 512;
    x.resize(d);
    const int32_t span = trial % 2 ? lim : 1 << (rng() % 28);
    for (auto& v : x)
      v = static_cast<int32_t>(rng() % (2u * static_cast<uint32_t>(span) + 1)) - span;
    const int32_t mean = static_cast<int32_t>(rng() % (2u * static_cast<uint32_t>(lim) + 1)) - lim;
    ASSERT_EQ(fixed::sum_squares_shr8_split(x.data(), mean, d),
              fixed::sum_squares_shr8_wide(x.data(), mean, d))
        << trial;
  }
}

// The fourth pass's forms (rv32imc and Cortex-M3 and up): products from the high word of a
// 32 x 32 product of pre-shifted operands, the one-compare saturation, the 32-bit runs of the
// LayerNorm sums and the word form of its output; each against its 64-bit definition at the edges
// of the range its caller guarantees, and at random.
TEST(FixedPoint, HighWordFormsEqualTheirDefinition) {
  const auto round_shift = [](int64_t v, int k) { return (v + (int64_t{1} << (k - 1))) >> k; };
  std::mt19937 rng(1414);
  const auto pick = [&rng](int64_t lo, int64_t hi) {  // uniform in [lo, hi]
    return static_cast<int32_t>(lo +
                                static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)));
  };
  // mul_q15_high: |p| <= 2^15, |y| < 2^28.
  const std::vector<int32_t> ps = {-32768, -32767, -1, 0, 1, 16384, 32767, 32768};
  const std::vector<int32_t> ys = {-(1 << 28) + 1, -(1 << 27), -65537,       -1, 0, 1,
                                   65535,          1 << 27,    (1 << 28) - 1};
  for (const int32_t p : ps)
    for (const int32_t y : ys)
      ASSERT_EQ(fixed::mul_q15_high(p, y), round_shift(int64_t{p} * y, 15)) << p << " " << y;
  for (int i = 0; i < 200000; ++i) {
    const int32_t p = pick(-32768, 32768), y = pick(-(1 << 28) + 1, (1 << 28) - 1);
    ASSERT_EQ(fixed::mul_q15_high(p, y), round_shift(int64_t{p} * y, 15)) << p << " " << y;
    ASSERT_EQ(fixed::mul_q15_small(p, y), round_shift(int64_t{p} * y, 15)) << p << " " << y;
  }
  // mul_shift16_high<sa>(a, b) for the three callers' ranges: requantisation (sa = 16: |acc| <
  // 2^15, 0 <= scale < 2^30), SSM output (14: |c| < 2^16, |state| <= 2^27), conv (13: |sum| <=
  // 7 * 2^15, 0 <= alpha < 2^27).
  struct Range {
    int64_t a_lo, a_hi, b_lo, b_hi;
  };
  const auto check16 = [&](auto f, const Range& r) {
    const std::vector<int64_t> as = {r.a_lo, r.a_lo + 1, -1, 0, 1, r.a_hi - 1, r.a_hi};
    const std::vector<int64_t> bs = {r.b_lo, r.b_lo + 1, 0, 1, 65535, 65536, r.b_hi - 1, r.b_hi};
    for (const int64_t a : as)
      for (const int64_t b : bs) ASSERT_EQ(f(a, b), round_shift(a * b, 16)) << a << " " << b;
    for (int i = 0; i < 200000; ++i) {
      const int32_t a = pick(r.a_lo, r.a_hi), b = pick(r.b_lo, r.b_hi);
      ASSERT_EQ(f(a, b), round_shift(int64_t{a} * b, 16)) << a << " " << b;
    }
  };
  check16([](int32_t a, int32_t b) { return fixed::mul_shift16_high<16>(a, b); },
          {-32767, 32767, 0, (1 << 30) - 1});
  check16([](int32_t a, int32_t b) { return fixed::mul_shift16_high<14>(a, b); },
          {-65535, 65535, -(1 << 27), 1 << 27});
  check16([](int32_t a, int32_t b) { return fixed::mul_shift16_high<13>(a, b); },
          {-7 * 32768, 7 * 32768, 0, (1 << 27) - 1});
  // requantize_rows takes the high-word form for scale < 2^30 and the 64-bit one above.
  for (const int64_t scale : {int64_t{0}, int64_t{12345}, (int64_t{1} << 30) - 1, int64_t{1} << 30,
                              int64_t{INT32_MAX}, int64_t{1} << 33}) {
    const std::vector<int32_t> acc = {-32767, -12345, -1, 0, 1, 777, 32767};
    std::vector<int32_t> out(acc.size());
    fixed::requantize_rows(out.data(), acc.data(), static_cast<uint32_t>(acc.size()), 258, scale);
    for (size_t i = 0; i < acc.size(); ++i)
      ASSERT_EQ(out[i], fixed::sat_q16(round_shift(acc[i] * scale, 16))) << acc[i] << " " << scale;
  }
  // sat_q16_32 against the two-sided clamp.
  const int32_t lim = fixed::kLimit;
  for (const int32_t v : {INT32_MIN, INT32_MIN + 1, -lim - 1, -lim, -lim + 1, -1, 0, 1, lim - 1,
                          lim, lim + 1, INT32_MAX - 1, INT32_MAX}) {
    ASSERT_EQ(fixed::sat_q16_32(v), v > lim ? lim : (v < -lim ? -lim : v)) << v;
  }
  // LayerNorm's sums: x = +-2^27 everywhere (runs at their limit), across the 256-element runs.
  for (const uint32_t d : {1u, 8u, 9u, 255u, 256u, 257u, 1000u}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int32_t> x(d);
      for (auto& v : x) v = trial < 2 ? (trial ? -lim : lim) : pick(-lim, lim);
      int64_t sum = 0;
      for (const int32_t v : x) sum += v;
      ASSERT_EQ(fixed::sum_q16(x.data(), d), sum) << d;
      const int32_t mean = trial % 3 == 0 ? -lim : (trial % 3 == 1 ? lim : pick(-lim, lim));
      ASSERT_EQ(fixed::sum_squares_shr8_words(x.data(), mean, d),
                fixed::sum_squares_shr8_wide(x.data(), mean, d))
          << d << " " << mean;
    }
  }
  // output_words: |z| < 2^23, gamma and beta any int32 (beta + 2^7 would overflow at the top).
  const std::vector<int32_t> zs = {-(1 << 23) + 1, -65536, -1, 0, 1, 65535, (1 << 23) - 1};
  const std::vector<int32_t> gs = {INT32_MIN, -65536, -1, 0, 1, 65536, INT32_MAX};
  const std::vector<int32_t> bes = {
      INT32_MIN, INT32_MIN + 127, -129,     -128, -1, 0, 127, 128, 255,
      256,       INT32_MAX - 127, INT32_MAX};
  const auto out_def = [&](int32_t z, int32_t g, int32_t b) {
    const int64_t v = round_shift(int64_t{z} * g + int64_t{b} * 65536, 24);
    return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
  };
  int16_t h = 0;
  for (const int32_t z : zs)
    for (const int32_t g : gs)
      for (const int32_t b : bes) {
        fixed::output_words(&h, 0, z, &g, &b);
        ASSERT_EQ(h, out_def(z, g, b)) << z << " " << g << " " << b;
      }
  for (int i = 0; i < 200000; ++i) {
    const int32_t z = pick(-(1 << 23) + 1, (1 << 23) - 1), g = static_cast<int32_t>(rng());
    const int32_t b = i % 2 ? static_cast<int32_t>(rng()) : pick(-(1 << 24), 1 << 24);
    fixed::output_words(&h, 0, z, &g, &b);
    ASSERT_EQ(h, out_def(z, g, b)) << z << " " << g << " " << b;
  }
  // The whole LayerNorm over spreads 2^0 .. 2^27 (k = 49 - s from 19 to 49: every branch of
  // layer_norm_q's z), with beta at the int32 edges.
  for (int spread = 0; spread <= 27; ++spread) {
    for (const uint32_t d : {2u, 64u, 300u}) {
      std::vector<int32_t> x(d), gamma(d), beta(d);
      for (uint32_t i = 0; i < d; ++i) {
        x[i] = pick(-(int64_t{1} << spread), int64_t{1} << spread);
        gamma[i] = i % 7 == 0 ? INT32_MIN : static_cast<int32_t>(rng());
        beta[i] = i % 3 == 0 ? INT32_MAX : (i % 3 == 1 ? INT32_MIN : static_cast<int32_t>(rng()));
      }
      std::vector<int16_t> got(d), want(d);
      for (const uint32_t eps_q24 : {1u, 168u}) {
        fixed::layer_norm_q(got.data(), x.data(), gamma.data(), beta.data(), d, eps_q24);
        layer_norm_as_specified(want.data(), x.data(), gamma.data(), beta.data(), d, eps_q24);
        ASSERT_EQ(got, want) << "spread " << spread << " d " << d;
      }
    }
  }
}

// quantize_h and quantize_pow2 leave out the contract's clamp to [-127, 127] (it cannot act):
// both against the contract's formulas, clamp included, on random and extreme vectors.
TEST(FixedPoint, QuantisersEqualTheContractWithItsClamp) {
  const auto clamp127 = [](int32_t v) { return v > 127 ? 127 : (v < -127 ? -127 : v); };
  std::mt19937 rng(2626);
  for (int trial = 0; trial < 20000; ++trial) {
    const uint32_t n = 1 + rng() % 64;
    std::vector<int16_t> h(n);
    const int32_t span = trial < 4 ? 32768 : 1 + static_cast<int32_t>(rng() % 32768);
    for (auto& v : h) v = static_cast<int16_t>(static_cast<int32_t>(rng() % (2u * span)) - span);
    if (trial == 0) h[0] = -32768;
    if (trial == 1) h[0] = 32767;
    std::vector<int8_t> q(n);
    fixed::quantize_h(q.data(), h.data(), n);
    int32_t m = 0;
    for (const int16_t v : h) m = std::max(m, std::abs(static_cast<int32_t>(v)));
    for (uint32_t i = 0; i < n; ++i) {
      const int32_t inv = m == 0 ? 0 : static_cast<int32_t>(((127u << 16) + (m >> 1)) / m);
      ASSERT_EQ(q[i], clamp127((h[i] * inv + (1 << 15)) >> 16)) << trial << " " << i;
    }
    std::vector<int32_t> v(n);
    const int32_t vspan =
        trial < 4 ? fixed::kLimit : 1 + static_cast<int32_t>(rng() % fixed::kLimit);
    for (auto& x : v) x = static_cast<int32_t>(rng() % (2u * vspan + 1)) - vspan;
    if (trial % 3 == 0) v[0] = 127 << (rng() % 21);  // exactly 127 * 2^e
    if (trial % 3 == 1) v[0] = -(127 << (rng() % 21));
    const uint32_t e = fixed::quantize_pow2(q.data(), v.data(), n);
    for (uint32_t i = 0; i < n; ++i) {
      const int32_t half = e == 0 ? 0 : 1 << (e - 1);
      ASSERT_EQ(q[i], clamp127((v[i] + half) >> e)) << trial << " " << i;
    }
  }
}

TEST(FixedPoint, AbsmaxQuantisationUsesTheFullRangeAndRoundsToNearest) {
  std::vector<int16_t> h = {-300, 150, 0, 299, 1, -2};
  std::vector<int8_t> q(h.size());
  const uint32_t deq = fixed::quantize_h(q.data(), h.data(), static_cast<uint32_t>(h.size()));
  EXPECT_EQ(q[0], -127);  // the absmax element maps to +-127
  for (size_t i = 0; i < h.size(); ++i)
    EXPECT_LE(std::fabs(q[i] - 127.0 * h[i] / 300.0), 0.5 + 1e-9) << i;
  EXPECT_NEAR(deq / 65536.0, 300.0 / 127.0, 1.0 / 65536);
  std::vector<int16_t> zeros(5, 0);
  EXPECT_EQ(fixed::quantize_h(q.data(), zeros.data(), 5), 0u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q[i], 0);
}

TEST(FixedPoint, PowerOfTwoQuantisationPicksTheLeastExponent) {
  std::vector<int32_t> v = {127, -20, 5};
  std::vector<int8_t> q(3);
  EXPECT_EQ(fixed::quantize_pow2(q.data(), v.data(), 3), 0u);
  EXPECT_EQ(q[0], 127);
  v = {128, -20, 5};
  EXPECT_EQ(fixed::quantize_pow2(q.data(), v.data(), 3), 1u);
  EXPECT_EQ(q[0], 64);
  EXPECT_EQ(q[1], -10);
  EXPECT_EQ(q[2], 3);  // 2.5 rounds half up
  v = {fixed::kLimit, -fixed::kLimit, 0};
  const uint32_t e = fixed::quantize_pow2(q.data(), v.data(), 3);
  EXPECT_LE(e, 21u);
  EXPECT_LE(std::abs(q[0]), 127);
}

TEST(FixedPoint, SoftmaxSumsToOneAndFollowsTheRealOne) {
  std::vector<int32_t> v = {0, -65536, 3 * 65536, 3 * 65536 - 1000};
  std::vector<double> real(v.begin(), v.end());
  fixed::softmax_q15(v.data(), 4);
  double m = *std::max_element(real.begin(), real.end()), sum = 0;
  for (double& r : real) sum += (r = std::exp((r - m) / 65536.0));
  int total = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_NEAR(v[i] / 32768.0, real[i] / sum, 2.0 / 32768) << i;
    total += v[i];
  }
  EXPECT_NEAR(total, 32768, 2);
}

// ---- models -----------------------------------------------------------------------------------

// Logits of every step over a fixed text (teacher forcing: every model sees the same tokens) and
// each step's argmax.
struct ForcedRun {
  std::vector<float> logits;
  std::vector<uint32_t> argmax;
};

ForcedRun forced_run(const atome_model& model, uint32_t window = 64) {
  static const std::string text =
      "Once upon a time, there was a little girl named Lily. She liked to play in the park with "
      "her red ball. One day, the ball rolled away and she ran after it.";
  OwnedSession s(model, window, kNoStateLimit);
  ForcedRun run;
  for (unsigned char ch : text) {
    const float* logits = s.step(ch);
    run.logits.insert(run.logits.end(), logits, logits + model.config.vocab_size);
    run.argmax.push_back(atome_argmax(logits, model.config.vocab_size));
  }
  return run;
}

// Mean |a - b| over every logit, and the share of steps whose argmax agrees.
struct Agreement {
  double mean_gap = 0;
  double same_argmax = 0;
};

Agreement agreement(const ForcedRun& a, const ForcedRun& b) {
  Agreement g;
  for (size_t i = 0; i < a.logits.size(); ++i) g.mean_gap += std::fabs(a.logits[i] - b.logits[i]);
  g.mean_gap /= static_cast<double>(a.logits.size());
  for (size_t t = 0; t < a.argmax.size(); ++t) g.same_argmax += a.argmax[t] == b.argmax[t];
  g.same_argmax /= static_cast<double>(a.argmax.size());
  return g;
}

double mean_abs(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += std::fabs(x);
  return sum / static_cast<double>(v.size());
}

TEST(NumericsModes, ConversionRecordsTheModeAndRoundTrips) {
  const HostModel f32 = random_model(small_config(32, 2, 8, 5, 4), 3);
  for (uint32_t mode : {ATOME_NUMERICS_A8, ATOME_NUMERICS_Q15}) {
    const std::vector<uint8_t> image = write_native(convert_numerics(f32, mode));
    EXPECT_EQ(read_u16(image.data() + format::kOffVersionMinor), 1);
    const LoadedModel m = load_native_image(image);
    EXPECT_EQ(m.model.config.numerics, mode);
    EXPECT_EQ(m.model.config.act_bits, 8u);
    EXPECT_EQ(write_native(read_native(image)), image) << numerics_name(mode);
  }
  // f32 files stay version 1.0.
  const std::vector<uint8_t> plain = write_native(f32);
  EXPECT_EQ(read_u16(plain.data() + format::kOffVersionMinor), 0);
  EXPECT_THROW(convert_numerics(convert_numerics(f32, ATOME_NUMERICS_Q15), ATOME_NUMERICS_F32),
               FormatError);
}

TEST(NumericsModes, A8AndQ15StayCloseToF32OnRandomModels) {
  for (uint32_t paths : {7u, 1u, 2u, 4u, 6u}) {
    const atome_config c = small_config(48, 2, 8, 4, 3, paths);
    const HostModel f32 = random_model(c, 100 + paths);
    const LoadedModel mf = load_native_image(write_native(f32));
    const LoadedModel ma =
        load_native_image(write_native(convert_numerics(f32, ATOME_NUMERICS_A8)));
    const LoadedModel mq =
        load_native_image(write_native(convert_numerics(f32, ATOME_NUMERICS_Q15)));
    const ForcedRun rf = forced_run(mf.model), ra = forced_run(ma.model), rq = forced_run(mq.model);
    // Rounding, not bugs: int8 inputs cost ~1/127 relative per linear, and top-k attention may
    // pick another key now and then. A wrong shift or scale moves logits by factors of 2.
    const double size = mean_abs(rf.logits);
    for (const auto& [name, run] : {std::pair{"a8", &ra}, std::pair{"q15", &rq}}) {
      const Agreement g = agreement(rf, *run);
      EXPECT_LT(g.mean_gap, 0.1 * size) << name << " paths " << paths;
      EXPECT_GE(g.same_argmax, 0.8) << name << " paths " << paths;
    }
    EXPECT_GT(agreement(rf, rq).mean_gap, 0.0) << "q15 must not be the float path";
  }
}

TEST(NumericsModes, Q15AgreesWithF32OnTheReferenceModel) {
  const std::string path = reference_path("original-models/toy_60k.atome01");
  ATOME_REQUIRE_FIXTURE(path);
  const LoadedModel legacy = load_legacy_as_native(path);
  const HostModel f32 = read_native(legacy.image);
  const LoadedModel mq = load_native_image(write_native(convert_numerics(f32, ATOME_NUMERICS_Q15)));
  const Agreement g = agreement(forced_run(legacy.model), forced_run(mq.model));
  EXPECT_LT(g.mean_gap, 0.05);
  EXPECT_GE(g.same_argmax, 0.95);
  std::printf("toy_60k q15 vs f32: mean |delta logit| %.4f, same argmax %.3f\n", g.mean_gap,
              g.same_argmax);
}

TEST(NumericsModes, IntegerApiGivesTheQ16LogitsTheFloatApiScales) {
  const HostModel f32 = random_model(small_config(32, 2, 8, 5, 4, ATOME_PATH_ALL, 3), 9);
  HostModel cls = f32;
  cls.config.arch = ATOME_ARCH_CLASSIFIER;
  const LoadedModel mq = load_native_image(write_native(convert_numerics(cls, ATOME_NUMERICS_Q15)));
  const LoadedModel mf = load_native_image(write_native(cls));
  OwnedSession a(mq.model, 16, kNoStateLimit), b(mq.model, 16, kNoStateLimit),
      f(mf.model, 16, kNoStateLimit);
  for (uint32_t token : {65u, 66u, 200u}) {
    const float* lf = a.step(token);
    const int32_t* lq = nullptr;
    ASSERT_EQ(atome_step_q16(b.get(), token, &lq), ATOME_OK);
    for (uint32_t i = 0; i < 256; ++i) ASSERT_EQ(lf[i], static_cast<float>(lq[i]) / 65536.0f);
    EXPECT_EQ(atome_argmax(lf, 256), atome_argmax_i32(lq, 256));
    for (uint32_t l = 0; l < 2; ++l) {
      const int32_t* r = atome_session_router_q15(b.get(), l);
      ASSERT_NE(r, nullptr);
      EXPECT_NEAR(r[0] + r[1] + r[2], 32768, 2);
      // The float view of the same layer (session a ran the same tokens): r / 32768 exactly.
      const float* rf = atome_session_router(a.get(), l);
      ASSERT_NE(rf, nullptr);
      for (int p = 0; p < 3; ++p) EXPECT_EQ(rf[p], static_cast<float>(r[p]) / 32768.0f) << l;
    }
  }
  int32_t cq[3];
  float cf[3];
  ASSERT_EQ(atome_session_class_logits_q16(b.get(), cq, 3), ATOME_OK);
  ASSERT_EQ(atome_session_class_logits(a.get(), cf, 3), ATOME_OK);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(cf[i], static_cast<float>(cq[i]) / 65536.0f);
  // The integer calls refuse a float model.
  f.step(65);
  const int32_t* lq = nullptr;
  EXPECT_EQ(atome_step_q16(f.get(), 65, &lq), ATOME_ERR_WRONG_NUMERICS);
  EXPECT_EQ(atome_session_class_logits_q16(f.get(), cq, 3), ATOME_ERR_WRONG_NUMERICS);
  EXPECT_EQ(atome_session_router_q15(f.get(), 0), nullptr);
}

TEST(NumericsModes, Q15StateIsSmallerThanFloatState) {
  // The 60K shape at window 256: float K/V is 4 bytes a value, int8 K/V one byte plus an exponent
  // per position. Issue 13's bound: <= 96 KB.
  const HostModel f32 = random_model(small_config(64, 4, 16, 5, 4), 1);
  const LoadedModel mf = load_native_image(write_native(f32));
  const LoadedModel mq = load_native_image(write_native(convert_numerics(f32, ATOME_NUMERICS_Q15)));
  const size_t float_bytes = atome_state_bytes(&mf.model, 256);
  const size_t q15_bytes = atome_state_bytes(&mq.model, 256);
  EXPECT_LE(q15_bytes, 96u * 1024u);
  EXPECT_LT(q15_bytes * 3, float_bytes);
}

// ---- file fields and the loader ---------------------------------------------------------------

std::vector<uint8_t> with_crc(std::vector<uint8_t> image) {
  put_u32(image, format::kOffCrc, format::image_crc32(image.data(), image.size()));
  return image;
}

atome_status load_status(const std::vector<uint8_t>& image) {
  atome_model m;
  return atome_model_load(&m, image.data(), image.size());
}

TEST(NumericsModes, LoaderChecksTheNumericsFields) {
  const HostModel f32 = random_model(small_config(16, 1, 8, 3, 2), 4);
  const std::vector<uint8_t> q15 = write_native(convert_numerics(f32, ATOME_NUMERICS_Q15));
  const std::vector<uint8_t> plain = write_native(f32);
  ASSERT_EQ(load_status(q15), ATOME_OK);
  auto patched = [](std::vector<uint8_t> image, size_t off, uint32_t value) {
    put_u32(image, off, value);
    return with_crc(image);
  };
  EXPECT_EQ(load_status(patched(q15, format::kOffNumerics, 3)), ATOME_ERR_BAD_CONFIG);
  EXPECT_EQ(load_status(patched(q15, format::kOffActBits, 32)), ATOME_ERR_BAD_CONFIG);
  EXPECT_EQ(load_status(patched(q15, format::kOffNormEpsQ24, 0)), ATOME_ERR_BAD_CONFIG);
  EXPECT_EQ(load_status(patched(q15, format::kOffNormEpsQ24, 1u << 24)), ATOME_ERR_BAD_CONFIG);
  EXPECT_EQ(load_status(patched(q15, format::kOffReserved, 1)), ATOME_ERR_BAD_HEADER);
  // A 1.0 file has no numerics fields: their bytes must be zero.
  EXPECT_EQ(load_status(patched(plain, format::kOffNumerics, 1)), ATOME_ERR_BAD_HEADER);
  EXPECT_EQ(load_status(patched(plain, format::kOffNormEpsQ24, 5)), ATOME_ERR_BAD_HEADER);
  // An f32 model marked q15 has f32 tensors where i32 ones belong.
  std::vector<uint8_t> marked = plain;
  put_u16(marked, format::kOffVersionMinor, 1);
  put_u32(marked, format::kOffNumerics, ATOME_NUMERICS_Q15);
  put_u32(marked, format::kOffActBits, 8);
  put_u32(marked, format::kOffNormEpsQ24, 168);
  EXPECT_EQ(load_status(with_crc(marked)), ATOME_ERR_BAD_TENSOR);

  // Tensor values: the first gamma (tensor 1) and a trit scale (tensor 0, the embedding).
  const uint8_t* table = q15.data() + format::kHeaderBytes;
  const uint32_t gamma_at = read_u32(table + 1 * format::kTensorEntryBytes + format::kTeOffset);
  EXPECT_EQ(load_status(patched(q15, gamma_at, (1u << 27) + 1)), ATOME_ERR_BAD_WEIGHTS);
  EXPECT_EQ(load_status(patched(q15, gamma_at, 1u << 27)), ATOME_OK);
  EXPECT_EQ(load_status(patched(q15, format::kHeaderBytes + format::kTeScale, 1u << 28)),
            ATOME_ERR_BAD_TENSOR);
  EXPECT_EQ(load_status(patched(q15, format::kHeaderBytes + format::kTeScale, (1u << 28) - 1)),
            ATOME_OK);
}

// The shipped q15 default model is exactly `atome convert --numerics q15` of the shipped f32 one:
// anyone can rebuild it, and it changes when the conversion rules do.
TEST(NumericsModes, ShippedQ15ModelIsTheConversionOfTheShippedFloatModel) {
  const std::string dir = std::string(ATOME_SOURCE_DIR) + "/models/";
  const std::vector<uint8_t> f32 = read_file(dir + "atome-stories-944k.atome");
  const std::vector<uint8_t> q15 = read_file(dir + "atome-stories-944k-q15.atome");
  EXPECT_EQ(write_native(convert_numerics(read_native(f32), ATOME_NUMERICS_Q15)), q15);
}

// An a8 model whose float activations overflow (a huge embedding scale: LayerNorm then sees inf
// and produces inf / NaN) still quantises every input to a defined int8 (FORMAT.md §16.3: clamps
// before the conversion; converting inf or NaN to int is undefined behaviour, which UBSan would
// report here — the fuzzer found it).
TEST(NumericsModes, A8QuantisationIsDefinedForOverflowedActivations) {
  HostModel f32 = test::random_model(test::small_config(16, 1, 8, 3, 2), 21);
  f32.tensors[0].scale = 3.0e38f;
  const test::LoadedModel m =
      test::load_native_image(write_native(convert_numerics(f32, ATOME_NUMERICS_A8)));
  OwnedSession s(m.model, 8, test::kNoStateLimit);
  for (uint32_t token : {1u, 200u, 7u}) {
    const float* logits = nullptr;
    ASSERT_EQ(atome_step(s.get(), token, &logits), ATOME_OK);
    ASSERT_NE(logits, nullptr);
  }
}

}  // namespace
}  // namespace atome
