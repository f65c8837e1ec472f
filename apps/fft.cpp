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

// Shift the block right until every component is below `limit` (2^13 before a butterfly stage;
// rounding can carry one more bit, hence the loop).
void fit_block(int16_t* re, int16_t* im, uint32_t n, int32_t* exponent, uint32_t limit = kLimit) {
  uint32_t m = max_abs(re, im, n);
  while (m >= limit) {
    int s = 1;
    while ((m >> s) >= limit) ++s;
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

void rfft_bfp(int16_t* re, int16_t* im, uint32_t log2n, int32_t* exponent) {
  const uint32_t n = 1u << log2n, h = n / 2, step = ATOME_FFT_MAX / n;
  // Pack: z[m] = x[2m] + i x[2m+1]. In place, in increasing m: step m writes index m and reads
  // 2m, 2m + 1 >= m, which no earlier step has written.
  for (uint32_t m = 0; m < h; ++m) {
    im[m] = re[2 * m + 1];
    re[m] = re[2 * m];
  }
  fft_bfp(re, im, log2n - 1, exponent);
  // The split wants Z below 2^14 (one bit more than a butterfly's 2^13: the bins keep the
  // precision the complex FFT's last stage gave them). Why no output overflows: with
  // A = Z[k] + conj Z[h-k], D = Z[k] - conj Z[h-k] and T = W^k (-i D),
  // |A + T|^2 + |A - T|^2 = 2 |A|^2 + 2 |T|^2 <= 4 (|Z[k]|^2 + |Z[h-k]|^2) (1 + eps)^2 with every
  // component <= 16383, so each of |A + T|, |A - T| <= 4 * 16383 (1 + eps) = 65532 (1 + eps),
  // eps < 2^-15.8 (the largest Q15 |W|, 32768.55 / 32768). In Q15 that is below 2^31 - 2^16
  // (int32, the rounding's 2^15 included), and each output (A +- T) / 2 <= 32766.55 rounds to at
  // most 32767.
  fit_block(re, im, h, exponent, 2 * kLimit);
  // k = 0 and k = h from Z[0] alone, exactly (W^0 = 1 and W^h = -1 are not in Q15).
  const int32_t z0r = re[0], z0i = im[0];
  re[0] = int16_t(z0r + z0i);
  im[0] = 0;
  re[h] = int16_t(z0r - z0i);
  im[h] = 0;
  // X[k] = (A + T) / 2 and X[h-k] = conj(A - T) / 2 with W = exp(-2 pi i / n): both from the
  // same pair, so in place; one rounding (>> 16: the Q15 product and the 1/2) per output.
  for (uint32_t k = 1; k <= h / 2; ++k) {
    const uint32_t j = h - k;
    const int32_t ar = int32_t(re[k]) + re[j], ai = int32_t(im[k]) - im[j];
    const int32_t dr = int32_t(re[k]) - re[j], di = int32_t(im[k]) + im[j];
    const int32_t c = kCosQ15[k * step], s = kSinQ15[k * step];
    // -i D = (di, -dr); times (c - i s): (c di - s dr, -c dr - s di).
    const int32_t tr = c * di - s * dr, ti = -(c * dr) - s * di;
    const int32_t a15r = ar * (int32_t(1) << 15), a15i = ai * (int32_t(1) << 15);
    // k = h/2 pairs with itself: X[h-k] first, X[k] last (the value it keeps).
    re[j] = int16_t((a15r - tr + (1 << 15)) >> 16);
    im[j] = int16_t((ti - a15i + (1 << 15)) >> 16);
    re[k] = int16_t((a15r + tr + (1 << 15)) >> 16);
    im[k] = int16_t((a15i + ti + (1 << 15)) >> 16);
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
