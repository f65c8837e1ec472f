// The q15 fixed-point helpers (engine/fixed.h) at their edges, on the device. The core-specific
// forms (SSAT, SMMULR, SMLAL, SSUB16/SEL on M4/M7; Newton isqrt and high-word products on v7-M;
// split products on M0; MULH on rv32imc) are each run on edge and pseudo-random inputs within
// the bounds their comments state, and each result is compared here with the helper's definition
// (64-bit arithmetic, written out below) and hashed. One line per helper:
//   <helper> n=<cases> hash=<FNV-1a of the results> bad=<results unequal to the definition>
// then "done OK" (exit 0) or "done FAIL" (exit 1). The same source built for the host
// (ATOME_FIXED_EDGES_HOST: atome_fixed_edges_twin, the portable forms, which the FixedPoint host
// tests check) prints the lines the firmware must print (scripts/firmware-twin.sh diffs
// them), so a core-specific form that differs anywhere is caught twice: bad != 0 on the device
// and a hash unequal to the host's. The whole-model parity tests cannot do this: a model's
// activations never reach the saturation edges.
#include <stdint.h>

#include "engine/fixed.h"
#include "line.h"

#if defined(ATOME_FIXED_EDGES_HOST)
#include <cstdio>
static void emit(const char* text) {
  std::puts(text);
}
#else
#include "../boot/semihost.h"
static void emit(const char* text) {
  sh_write_line(text);
}
#endif

using namespace atome::fixed;

namespace {

constexpr int32_t kMin32 = INT32_MIN, kMax32 = INT32_MAX;
uint32_t g_bad = 0;  // mismatches over all helpers

// Results of one helper: how many, their hash, and how many differ from the definition.
struct Tally {
  uint32_t hash = 2166136261u, n = 0, bad = 0;
  void check(int64_t got, int64_t want) {
    const uint64_t bits = static_cast<uint64_t>(got);
    for (uint32_t i = 0; i < 64; i += 8) {
      hash ^= static_cast<uint32_t>(bits >> i) & 0xFFu;
      hash *= 16777619u;
    }
    ++n;
    if (got != want) ++bad;
  }
  void report(const char* name) const {
    Line line;
    line.put(name);
    line.put(" n=");
    line.put_u32(n);
    line.put(" hash=");
    line.put_hex32(hash);
    line.put(" bad=");
    line.put_u32(bad);
    emit(line.text);
    g_bad += bad;
  }
};

// xorshift32: the same stream on every core and on the host.
uint32_t g_state = 0x2545F491u;
uint32_t rnd() {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 17;
  g_state ^= g_state << 5;
  return g_state;
}

// A value in [lo, hi], biased to the edges: lo, lo + 1, hi, hi - 1, 0, +-1, one of `extra`
// (clamped), or random bits of a random width (1..63) and sign folded into the range.
int64_t pick(int64_t lo, int64_t hi, const int64_t* extra = nullptr, uint32_t n_extra = 0) {
  const uint32_t r = rnd() % 16;
  int64_t v;
  if (r == 0) {
    v = lo + (rnd() & 1);
  } else if (r == 1) {
    v = hi - (rnd() & 1);
  } else if (r == 2) {
    v = static_cast<int64_t>(rnd() % 3) - 1;
  } else if (r <= 5 && n_extra > 0) {
    v = extra[rnd() % n_extra];
  } else {
    const uint32_t width = rnd() % 63 + 1;
    const uint64_t bits = ((static_cast<uint64_t>(rnd()) << 32) | rnd()) >> (64 - width);
    v = (rnd() & 1) ? -static_cast<int64_t>(bits) : static_cast<int64_t>(bits);
  }
  if (v < lo || v > hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    v = lo + static_cast<int64_t>(static_cast<uint64_t>(v - lo) % span);
  }
  return v;
}
int32_t pick32(int64_t lo, int64_t hi, const int64_t* extra = nullptr, uint32_t n_extra = 0) {
  return static_cast<int32_t>(pick(lo, hi, extra, n_extra));
}

constexpr uint32_t kRandom = 3000;  // random cases per helper
constexpr int64_t kEdges32[] = {
    INT32_MIN, INT32_MIN + 1, INT32_MAX,  INT32_MAX - 1,  32767,   32768,     32769,
    -32767,    -32768,        -32769,     65535,          65536,   -65536,    (1 << 27) - 1,
    1 << 27,   (1 << 27) + 1, -(1 << 27), -(1 << 27) - 1, 1 << 30, -(1 << 30)};
constexpr uint32_t kNumEdges32 = sizeof kEdges32 / sizeof kEdges32[0];

// The definitions.
int64_t def_shift_round(int64_t v, int s) {
  return (v + (int64_t{1} << (s - 1))) >> s;
}
int32_t def_sat_q16(int64_t v) {
  return v > kLimit ? kLimit : (v < -kLimit ? -kLimit : static_cast<int32_t>(v));
}
int32_t def_sat_i16(int64_t v) {
  return v > 32767 ? 32767 : (v < -32768 ? -32768 : static_cast<int32_t>(v));
}
int64_t def_product(int32_t a, int32_t b) {
  return static_cast<int64_t>(a) * b;
}

void saturations() {
  Tally i16, q16, narrow;
  for (uint32_t i = 0; i < kNumEdges32 + kRandom; ++i) {
    const int32_t v = i < kNumEdges32 ? static_cast<int32_t>(kEdges32[i])
                                      : pick32(kMin32, kMax32, kEdges32, kNumEdges32);
    i16.check(sat_i16_32(v), def_sat_i16(v));
    q16.check(sat_q16_32(v), def_sat_q16(v));
  }
  // int64 edges: a high word that is not the low word's sign must saturate.
  const int64_t edges64[] = {INT64_MIN,
                             INT64_MAX,
                             int64_t{1} << 32,
                             (int64_t{1} << 32) + 5,
                             -(int64_t{1} << 32) + 5,
                             int64_t{1} << 31,
                             -(int64_t{1} << 31),
                             (int64_t{1} << 31) - 1,
                             kLimit,
                             kLimit + 1,
                             -kLimit - 1,
                             (int64_t{1} << 32) + kLimit};
  constexpr uint32_t n64 = sizeof edges64 / sizeof edges64[0];
  for (uint32_t i = 0; i < n64 + kRandom; ++i) {
    const int64_t v = i < n64 ? edges64[i] : pick(INT64_MIN, INT64_MAX, edges64, n64);
    narrow.check(sat_q16_narrow(v), def_sat_q16(v));
  }
  i16.report("sat_i16_32");
  q16.report("sat_q16_32");
  narrow.report("sat_q16_narrow");
}

// Every pair of edges, then random pairs, each operand in its stated range.
template <typename Check>
void pairs(int64_t a_lo, int64_t a_hi, int64_t b_lo, int64_t b_hi, Check check) {
  for (uint32_t i = 0; i < kNumEdges32; ++i)
    for (uint32_t j = 0; j < kNumEdges32; ++j) {
      const int64_t a = kEdges32[i], b = kEdges32[j];
      if (a >= a_lo && a <= a_hi && b >= b_lo && b <= b_hi)
        check(static_cast<int32_t>(a), static_cast<int32_t>(b));
    }
  for (uint32_t i = 0; i < kRandom; ++i) {
    const int32_t a = pick32(a_lo, a_hi, kEdges32, kNumEdges32);
    check(a, pick32(b_lo, b_hi, kEdges32, kNumEdges32));
  }
}

void products() {
  Tally halves, fast, high, high_round;
  pairs(kMin32, kMax32, kMin32, kMax32, [&](int32_t a, int32_t b) {
    halves.check(mul_wide_halves(a, b), def_product(a, b));
    fast.check(mul_wide_fast(a, b), def_product(a, b));
    high.check(mul_high(a, b), def_product(a, b) >> 32);
    high_round.check(mul_high_round(a, b), (def_product(a, b) + (int64_t{1} << 31)) >> 32);
  });
  halves.report("mul_wide_halves");
  fast.report("mul_wide_fast");
  high.report("mul_high");
  high_round.report("mul_high_round");

  // Q15 factors: p in (-2^15, 2^15] with any y; p in [-2^15, 2^15] with |y| < 2^28.
  Tally split, q15, q15_high, q15_small;
  pairs(-32767, 32768, kMin32, kMax32, [&](int32_t p, int32_t y) {
    split.check(mul_q15_split(p, y), def_shift_round(def_product(p, y), 15));
    q15.check(mul_q15(p, y), def_shift_round(def_product(p, y), 15));
  });
  pairs(-32768, 32768, -kLimit * 2 + 1, kLimit * 2 - 1, [&](int32_t p, int32_t y) {
    q15_high.check(mul_q15_high(p, y), def_shift_round(def_product(p, y), 15));
    q15_small.check(mul_q15_small(p, y), def_shift_round(def_product(p, y), 15));
  });
  split.report("mul_q15_split");
  q15.report("mul_q15");
  q15_high.report("mul_q15_high");
  q15_small.report("mul_q15_small");
}

// mul_shift16_high<sa>: a 2^sa and b 2^(17 - sa) must fit int32.
template <uint32_t sa>
void shift16_high(const char* name) {
  Tally t;
  const int64_t a_max = (int64_t{1} << (31 - sa)) - 1, b_max = (int64_t{1} << (14 + sa)) - 1;
  pairs(-a_max - 1, a_max, -b_max - 1, b_max, [&](int32_t a, int32_t b) {
    t.check(mul_shift16_high<sa>(a, b), def_shift_round(def_product(a, b), 16));
  });
  t.report(name);
}

void shifted_products() {
  shift16_high<0>("mul_shift16_high<0>");
  shift16_high<8>("mul_shift16_high<8>");
  shift16_high<16>("mul_shift16_high<16>");
  shift16_high<17>("mul_shift16_high<17>");
  Tally split, small;  // |a| < 2^18, |b| < 2^28
  pairs(-(1 << 18) + 1, (1 << 18) - 1, -(1 << 28) + 1, (1 << 28) - 1, [&](int32_t a, int32_t b) {
    split.check(mul_shift16_split(a, b), def_shift_round(def_product(a, b), 16));
    small.check(mul_shift16_small(a, b), def_shift_round(def_product(a, b), 16));
  });
  split.report("mul_shift16_split");
  small.report("mul_shift16_small");
  Tally wide, rsplit, requant;  // |acc| < 2^15, 0 <= scale < 2^31
  pairs(-32767, 32767, 0, kMax32, [&](int32_t acc, int32_t scale) {
    const int64_t want = def_shift_round(def_product(acc, scale), 16);
    wide.check(requantize_small_wide(acc, scale), want);
    rsplit.check(requantize_small_split(acc, scale), want);
    requant.check(requantize_small(acc, scale), want);
  });
  wide.report("requantize_small_wide");
  rsplit.report("requantize_small_split");
  requant.report("requantize_small");
}

void shifts() {
  Tally left, low_word;
  for (uint32_t i = 0; i < kNumEdges32 * 32 + kRandom; ++i) {
    const bool edge = i < kNumEdges32 * 32;
    const int32_t v = edge ? static_cast<int32_t>(kEdges32[i / 32]) : pick32(kMin32, kMax32);
    const uint32_t e = edge ? i % 32 : rnd() % 32;
    left.check(shl_int32(v, e), static_cast<int64_t>(static_cast<uint64_t>(v) << e));
  }
  for (uint32_t i = 0; i < kRandom; ++i) {
    const int64_t v = pick(INT64_MIN, INT64_MAX);
    const uint32_t k = rnd() % 63 + 1;
    low_word.check(low_word_of_shift(static_cast<uint64_t>(v), k), static_cast<int32_t>(v >> k));
  }
  left.report("shl_int32");
  low_word.report("low_word_of_shift");
}

// floor(sqrt(v)) by its definition: r^2 <= v < (r + 1)^2 (v < 2^62: no overflow).
bool is_isqrt(uint64_t v, uint64_t r) {
  return r * r <= v && (r + 1) * (r + 1) > v;
}
void square_roots() {
  Tally normalized, wide;
  for (uint32_t i = 0; i < 40 + kRandom; ++i) {
    uint64_t v;
    if (i < 40) {  // the range's ends, and squares +-1 across it
      const uint64_t root = (uint64_t{1} << 30) + (i / 4) * ((uint64_t{1} << 30) / 10);
      const uint64_t edges[4] = {root * root - 1, root * root, root * root + 1, 2 * root - 1};
      v = i == 0 ? uint64_t{1} << 60 : i == 1 ? (uint64_t{1} << 62) - 1 : edges[i % 4];
      if (v < (uint64_t{1} << 60) || v >= (uint64_t{1} << 62)) v = (uint64_t{1} << 60) + i;
    } else {
      v = (uint64_t{1} << 60) + (((static_cast<uint64_t>(rnd()) << 32) | rnd()) % (3ull << 60));
    }
    const uint32_t got = isqrt64_normalized(v);
    normalized.check(got, is_isqrt(v, got) ? got : ~int64_t{0});
    const uint32_t r64 = isqrt64(v);
    wide.check(r64, is_isqrt(v, r64) ? r64 : ~int64_t{0});
  }
  normalized.report("isqrt64_normalized");
  wide.report("isqrt64");
}

constexpr uint32_t kMaxD = 300;  // above 255: sum_squares_shr8_words' run length
int32_t g_x[kMaxD], g_gamma[kMaxD], g_beta[kMaxD];
int16_t g_h[kMaxD], g_ref_h[kMaxD];

// x of one of several shapes: full range, alternating +-2^27 (the widest spread), small spread
// around an offset, one outlier, constant.
void fill_x(uint32_t d, uint32_t shape) {
  const int32_t offset = pick32(-kLimit, kLimit);
  const int32_t small = static_cast<int32_t>(rnd() % (1u << (rnd() % 20 + 1)));
  for (uint32_t i = 0; i < d; ++i) {
    switch (shape) {
      case 0:
        g_x[i] = pick32(-kLimit, kLimit);
        break;
      case 1:
        g_x[i] = (i & 1) ? -kLimit : kLimit;
        break;
      case 2:
        g_x[i] = def_sat_q16(int64_t{offset} + pick(-small, small));
        break;
      case 3:
        g_x[i] = i == d / 2 ? kLimit : -kLimit + static_cast<int32_t>(rnd() % 4);
        break;
      default:
        g_x[i] = offset;
        break;
    }
  }
}

void sums() {
  Tally words, split, wide, sum;
  const uint32_t sizes[] = {1, 7, 255, 256, 300};
  for (uint32_t i = 0; i < 60; ++i) {
    const uint32_t d = sizes[i % 5];
    fill_x(d, i % 5);
    const int32_t mean = i % 3 == 0 ? -kLimit : i % 3 == 1 ? kLimit : pick32(-kLimit, kLimit);
    uint64_t want = 0;
    int64_t want_sum = 0;
    for (uint32_t j = 0; j < d; ++j) {
      const int64_t c = int64_t{g_x[j]} - mean;
      want += static_cast<uint64_t>(c * c) >> 8;
      want_sum += g_x[j];
    }
    words.check(static_cast<int64_t>(sum_squares_shr8_words(g_x, mean, d)),
                static_cast<int64_t>(want));
    split.check(static_cast<int64_t>(sum_squares_shr8_split(g_x, mean, d)),
                static_cast<int64_t>(want));
    wide.check(static_cast<int64_t>(sum_squares_shr8(g_x, mean, d)), static_cast<int64_t>(want));
    sum.check(sum_q16(g_x, d), want_sum);
  }
  words.report("sum_squares_shr8_words");
  split.report("sum_squares_shr8_split");
  wide.report("sum_squares_shr8");
  sum.report("sum_q16");
}

// layer_norm_q by the definition of its comment, in plain 64-bit arithmetic.
void def_layer_norm(int16_t* h, uint32_t d, uint32_t eps) {
  int64_t total = 0;
  for (uint32_t i = 0; i < d; ++i) total += g_x[i];
  const int64_t mean = total / static_cast<int64_t>(d);
  uint64_t squares = 0;
  for (uint32_t i = 0; i < d; ++i) {
    const int64_t c = g_x[i] - mean;
    squares += static_cast<uint64_t>(c * c) >> 8;
  }
  uint64_t var = squares / d + eps;
  int s = 0;
  for (; var < (uint64_t{1} << 60); ++s) var <<= 2;
  const uint64_t r = (uint64_t{1} << 61) / isqrt64(var);
  for (uint32_t i = 0; i < d; ++i) {
    const int64_t z = def_shift_round((g_x[i] - mean) * static_cast<int64_t>(r), 49 - s);
    h[i] =
        static_cast<int16_t>(def_sat_i16(def_shift_round(z * g_gamma[i] + shl(g_beta[i], 16), 24)));
  }
}

void layer_norms() {
  Tally t;
  const uint32_t sizes[] = {1, 2, 16, 64, 100, 256, 300};
  const int64_t gamma_edges[] = {0, 65536, -65536, 1 << 20, -(1 << 20), 1};
  const int64_t beta_edges[] = {kLimit, -kLimit, 127, 128, -128, -129, 255, 256};
  for (uint32_t i = 0; i < 120; ++i) {
    uint32_t d = sizes[i % 7], eps;
    if (i < 48) {
      // x = +-2^k alternating, eps 0: var = 2^(2k - 8), a power of 4, so root = 2^30 and
      // r = 2^31 (the r_max case), with k from 4 to 27 (both sides of k = 33 in the loops).
      d = i % 2 ? 64 : 2;
      for (uint32_t j = 0; j < d; ++j) g_x[j] = (j & 1) ? -(1 << (4 + i / 2)) : 1 << (4 + i / 2);
      eps = 0;
    } else {
      fill_x(d, i % 5);
      const uint32_t eps_edges[] = {1, 168, 1u << 16, 1u << 24, 0xFFFFFFFFu};
      eps = eps_edges[i % 5];
    }
    for (uint32_t j = 0; j < d; ++j) {
      g_gamma[j] = pick32(-(1 << 20), 1 << 20, gamma_edges, 6);
      g_beta[j] = pick32(-kLimit, kLimit, beta_edges, 8);
    }
    layer_norm_q(g_h, g_x, g_gamma, g_beta, d, eps);
    def_layer_norm(g_ref_h, d, eps);
    for (uint32_t j = 0; j < d; ++j) t.check(g_h[j], g_ref_h[j]);
  }
  t.report("layer_norm_q");
}

int8_t g_q[kMaxD];
int32_t g_v[kMaxD];

void quantizers() {
  Tally h_tally, pow2_tally;
  const uint32_t sizes[] = {1, 2, 3, 7, 8, 64, 65};
  for (uint32_t i = 0; i < 300; ++i) {
    const uint32_t n = sizes[i % 7];
    // quantize_h: max |h| of every size near the int16 edges and the +-127 steps, at an even or
    // odd index (the two halves of SSUB16/SEL), the rest within it.
    const int32_t m_edges[] = {32767, 32768, 1, 2, 127, 128, 255, 254, 16384};
    const int32_t m = i % 4 == 3 ? pick32(1, 32768) : m_edges[i % 9];
    const uint32_t at = rnd() % n;
    for (uint32_t j = 0; j < n; ++j) {
      const int32_t v = j == at ? ((rnd() & 1) && m < 32768 ? m : -m) : pick32(-m, m);
      g_h[j] = static_cast<int16_t>(v == 32768 ? 32767 : v);
    }
    if (i % 50 == 0)
      for (uint32_t j = 0; j < n; ++j) g_h[j] = 0;
    const uint32_t deq = quantize_h(g_q, g_h, n);
    uint32_t top = 0;
    for (uint32_t j = 0; j < n; ++j) {
      const uint32_t a = static_cast<uint32_t>(g_h[j] < 0 ? -g_h[j] : g_h[j]);
      top = a > top ? a : top;
    }
    const int64_t inv = top == 0 ? 0 : ((int64_t{127} << 16) + top / 2) / top;
    for (uint32_t j = 0; j < n; ++j) {
      int64_t want = (g_h[j] * inv + (1 << 15)) >> 16;
      want = want > 127 ? 127 : (want < -127 ? -127 : want);
      h_tally.check(g_q[j], want);
    }
    h_tally.check(deq, top == 0 ? 0 : ((int64_t{top} << 16) + 63) / 127);

    // quantize_pow2: max |v| at 127 2^e and one above, up to 2^27.
    const uint32_t e0 = rnd() % 21;
    const int32_t bounds[] = {127 << e0, (127 << e0) + 1, (127 << e0) - 1, kLimit, 128, 127, 0};
    const int32_t top_v = i % 5 == 4 ? pick32(0, kLimit) : bounds[i % 7];
    for (uint32_t j = 0; j < n; ++j)
      g_v[j] = j == at ? ((rnd() & 1) ? top_v : -top_v) : pick32(-top_v, top_v);
    const uint32_t e = quantize_pow2(g_q, g_v, n);
    int64_t most = 0;
    for (uint32_t j = 0; j < n; ++j)
      most = g_v[j] > most ? g_v[j] : (-g_v[j] > most ? -g_v[j] : most);
    uint32_t want_e = 0;
    while ((int64_t{127} << want_e) < most) ++want_e;
    pow2_tally.check(e, want_e);
    for (uint32_t j = 0; j < n; ++j) {
      int64_t want = want_e == 0 ? g_v[j] : (g_v[j] + (int64_t{1} << (want_e - 1))) >> want_e;
      want = want > 127 ? 127 : (want < -127 ? -127 : want);
      pow2_tally.check(g_q[j], want);
    }
  }
  h_tally.report("quantize_h");
  pow2_tally.report("quantize_pow2");
}

}  // namespace

int main() {
  saturations();
  products();
  shifted_products();
  shifts();
  square_roots();
  sums();
  layer_norms();
  quantizers();
  emit(g_bad == 0 ? "done OK" : "done FAIL");
  return g_bad == 0 ? 0 : 1;
}
