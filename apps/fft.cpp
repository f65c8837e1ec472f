// Complex radix-2 FFT in Q15 with block floating point (docs/APPS.md §5).
//
// Why block floating point rather than a fixed 1/2 per stage: the sensor signals these heads see
// span 60 dB and more (a quiet bearing next to an imbalance), and a fixed shift of 1/N throws the
// quiet ones into the rounding noise. Here the input is normalised to use 13 bits, and a stage
// shifts only when its input needs it. The bound that makes it safe: with every component below
// 2^13, a butterfly a +- w b has components below 2^13 + sqrt(2) 2^13 < 2^15.
#include "apps/fft.h"

#include "apps/fft_tables.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr uint32_t kLimit = 1u << 13;

// Rounding arithmetic right shift by s >= 1 (ties towards +infinity: the same on every core).
inline int16_t shr_round(int32_t v, int s) {
  return int16_t((v + (int32_t(1) << (s - 1))) >> s);
}

void bit_reverse(int16_t* re, int16_t* im, uint32_t n, uint32_t log2n) {
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = 0;
    for (uint32_t b = 0; b < log2n; ++b) r |= ((i >> b) & 1u) << (log2n - 1 - b);
    if (r > i) {
      const int16_t tr = re[i], ti = im[i];
      re[i] = re[r];
      im[i] = im[r];
      re[r] = tr;
      im[r] = ti;
    }
  }
}

// Shift the block right until every component is below 2^13 (rounding can carry one more bit,
// hence the loop).
void fit_block(int16_t* re, int16_t* im, uint32_t n, int32_t* exponent) {
  uint32_t m = max_abs(re, im, n);
  while (m >= kLimit) {
    int s = 1;
    while ((m >> s) >= kLimit) ++s;
    for (uint32_t i = 0; i < n; ++i) {
      re[i] = shr_round(re[i], s);
      im[i] = shr_round(im[i], s);
    }
    *exponent += s;
    m = max_abs(re, im, n);
  }
}

}  // namespace

uint32_t max_abs(const int16_t* re, const int16_t* im, uint32_t n) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t a = re[i] < 0 ? -int32_t(re[i]) : re[i];
    const int32_t b = im[i] < 0 ? -int32_t(im[i]) : im[i];
    if (uint32_t(a) > m) m = uint32_t(a);
    if (uint32_t(b) > m) m = uint32_t(b);
  }
  return m;
}

int32_t load_block(const int16_t* x16, const int32_t* x32, const int16_t* window_q15, uint32_t n,
                   int16_t* re, int16_t* im) {
  uint64_t m = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const int64_t p = int64_t(x16 != nullptr ? x16[i] : x32[i]) * window_q15[i];
    const uint64_t a = p < 0 ? uint64_t(-p) : uint64_t(p);
    if (a > m) m = a;
  }
  // The shift s (right if positive) that puts the largest product in [2^12, 2^13).
  int s = 0;
  if (m >= kLimit) {
    while ((m >> s) >= kLimit) ++s;
    // rounding, (m + 2^(s-1)) >> s, can reach 2^13: one more bit then
    if (((m + (uint64_t(1) << (s - 1))) >> s) >= kLimit) ++s;
  } else if (m != 0) {
    while ((m << (1 - s)) < kLimit) --s;  // a left shift is exact
  }
  for (uint32_t i = 0; i < n; ++i) {
    const int64_t p = int64_t(x16 != nullptr ? x16[i] : x32[i]) * window_q15[i];
    if (s > 0)
      re[i] = int16_t((p + (int64_t(1) << (s - 1))) >> s);
    else
      re[i] = int16_t(p * (int64_t(1) << -s));
    im[i] = 0;
  }
  return s - 15;
}

void fft_bfp(int16_t* re, int16_t* im, uint32_t log2n, int32_t* exponent) {
  const uint32_t n = 1u << log2n;
  bit_reverse(re, im, n, log2n);
  for (uint32_t len = 2; len <= n; len <<= 1) {
    fit_block(re, im, n, exponent);
    const uint32_t half = len / 2, step = ATOME_FFT_MAX / len;
    for (uint32_t start = 0; start < n; start += len) {
      for (uint32_t j = 0; j < half; ++j) {
        // w = exp(-2 pi i j / len) = cos - i sin
        const int32_t wr = kCosQ15[j * step], wi = -int32_t(kSinQ15[j * step]);
        const uint32_t a = start + j, b = a + half;
        const int32_t tr = (wr * re[b] - wi * im[b] + (1 << 14)) >> 15;
        const int32_t ti = (wr * im[b] + wi * re[b] + (1 << 14)) >> 15;
        const int32_t ar = re[a], ai = im[a];
        re[a] = int16_t(ar + tr);
        im[a] = int16_t(ai + ti);
        re[b] = int16_t(ar - tr);
        im[b] = int16_t(ai - ti);
      }
    }
  }
}

}  // namespace atome::apps

extern "C" {

atome_apps_status atome_fft_q15(int16_t* re, int16_t* im, uint32_t log2n, int32_t* exponent) {
  if (re == nullptr || im == nullptr || exponent == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (log2n < 4 || log2n > ATOME_FFT_MAX_LOG2) return ATOME_APPS_ERR_TOO_BIG;
  const uint32_t n = 1u << log2n;
  *exponent = 0;
  // Normalise the input up to 13 bits so that small signals keep their precision (a left shift is
  // exact); fft_bfp shifts it down where it is too large.
  uint32_t m = atome::apps::max_abs(re, im, n);
  if (m != 0) {
    int s = 0;
    while ((m << (s + 1)) < (1u << 13)) ++s;
    for (uint32_t i = 0; i < n; ++i) {
      re[i] = int16_t(int32_t(re[i]) * (int32_t(1) << s));
      im[i] = int16_t(int32_t(im[i]) * (int32_t(1) << s));
    }
    *exponent = -s;
  }
  atome::apps::fft_bfp(re, im, log2n, exponent);
  return ATOME_APPS_OK;
}

}  // extern "C"
