// The power head's front end (data/generators/power.py "_features", docs/APPS.md §5), integer
// only: i_rms, power factor, THD over harmonics 2..20 and crest factor of a 10-cycle window.
//
// Bounds (|i| < 2^23, |v| < 2^20, N = 1280 < 2^10.33): sum i^2 < 2^56.4, sum v^2 < 2^50.4 and
// |sum i v| < 2^53.4 are exact in 64 bits; the per-sample loop only multiplies and adds (no
// 64-bit division: M0/M3 have none in hardware). The few divisions run once per window.
#include "apps/fft.h"
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr int64_t kIUnitsPerA = 10000;  // i is in 0.1 mA
constexpr uint32_t kLog2Cycle = 7;      // 128 samples per cycle
constexpr int32_t kFftLimit = 1 << 13;  // fft_bfp wants every component below 2^13

// The shift that brings v (!= 0) into [2^60, 2^62), even so that its root shifts by half of it.
int even_norm_shift(uint64_t v) {
  int s = 0;
  while ((v << s) < (uint64_t(1) << 60)) s += 2;
  return s;
}

// P / (V_rms I_rms) = siv / sqrt(svv sii) in Q16, without the 2^107 product: each sum is scaled
// to [2^60, 2^62) by 2^(2a), 2^(2b), so its root ra = sqrt(svv) 2^a, rb = sqrt(sii) 2^b lies in
// [2^30, 2^31) (floor: relative error < 2^-30). Cauchy-Schwarz gives |siv| <= sqrt(svv sii), so
// |siv| 2^(a+b) <= ra rb (+ the roots' floor) < 2^62 fits; the divisor ra rb / 2^16 >= 2^44.
int32_t power_factor_q16(int64_t siv, uint64_t svv, uint64_t sii) {
  if (svv == 0 || sii == 0) return 0;
  const int sa = even_norm_shift(svv), sb = even_norm_shift(sii);
  const uint64_t ra = isqrt64(svv << sa), rb = isqrt64(sii << sb);
  const int64_t num = siv * (int64_t(1) << ((sa + sb) / 2));
  const int64_t den = int64_t((ra * rb) >> 16);
  return saturate32(div_round(num, den));
}

// The 10 cycles summed sample by sample are the 128-point signal whose DFT bin h is bin 10 h of
// the 1280-point DFT (e^(-2 pi i 10 h n / 1280) has period 128 in n): harmonic h exactly, through
// the 128-point FFT. |fold| < 10 * 2^23 < 2^27. The block is shifted so its largest value lies in
// [2^12, 2^13) (a scale common to every bin: THD is a ratio and does not see it).
int32_t thd_q16(const int32_t* i, atome_power_work* w) {
  const uint32_t N = ATOME_POWER_CYCLE;
  uint32_t m = 0;
  for (uint32_t k = 0; k < N; ++k) {
    int32_t s = 0;
    for (uint32_t c = 0; c < ATOME_POWER_CYCLES; ++c) s += i[c * N + k];
    w->fold[k] = s;
    const uint32_t a = s < 0 ? uint32_t(-s) : uint32_t(s);
    if (a > m) m = a;
  }
  if (m == 0) return 0;
  int sh = 0;  // right shift (rounding) or, when negative, exact left shift
  while ((int64_t(m) + (sh > 0 ? (int64_t(1) << (sh - 1)) : 0)) >> sh >= kFftLimit) ++sh;
  while (sh <= 0 && (int64_t(m) << (1 - sh)) < kFftLimit) --sh;
  for (uint32_t k = 0; k < N; ++k) {
    const int32_t s = w->fold[k];
    w->re[k] = int16_t(sh > 0 ? (s + (int32_t(1) << (sh - 1))) >> sh : s * (int32_t(1) << -sh));
    w->im[k] = 0;
  }
  int32_t e = 0;
  fft_bfp(w->re, w->im, kLog2Cycle, &e);
  // |re|, |im| <= 2^15: each power < 2^31, the 19 harmonics' sum < 2^36 (uint64).
  const auto power = [w](uint32_t k) {
    return uint64_t(int32_t(w->re[k]) * w->re[k]) + uint64_t(int32_t(w->im[k]) * w->im[k]);
  };
  uint64_t p1 = power(1), ph = 0;
  for (uint32_t h = 2; h <= ATOME_POWER_HARMONICS; ++h) ph += power(h);
  if (p1 == 0) return ph == 0 ? 0 : INT32_MAX;
  // 100 sqrt(ph / p1) = sqrt(10^4 ph / p1); 10^4 ph < 2^50; sqrt_ratio_fixed takes den <= 2^30.
  while (p1 > (uint64_t(1) << 30)) {
    p1 >>= 1;
    ph >>= 1;
  }
  return saturate32(sqrt_ratio_fixed(ph * 10000, p1, 16));
}

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_power_quality(const int32_t* i, const int32_t* v, size_t n,
                                      atome_power_work* work, int32_t* out_q16) {
  using namespace atome::apps;
  if (i == nullptr || v == nullptr || work == nullptr || out_q16 == nullptr)
    return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n != ATOME_POWER_N) return ATOME_APPS_ERR_BAD_LENGTH;
  uint64_t sii = 0, svv = 0;
  int64_t siv = 0;
  uint32_t imax = 0;
  for (size_t k = 0; k < n; ++k) {
    const int32_t a = i[k], b = v[k];
    if (a <= -ATOME_POWER_MAX_I || a >= ATOME_POWER_MAX_I) return ATOME_APPS_ERR_RANGE;
    if (b <= -ATOME_POWER_MAX_V || b >= ATOME_POWER_MAX_V) return ATOME_APPS_ERR_RANGE;
    sii += uint64_t(int64_t(a) * a);
    svv += uint64_t(int64_t(b) * b);
    siv += int64_t(a) * b;
    const uint32_t m = a < 0 ? uint32_t(-a) : uint32_t(a);
    if (m > imax) imax = m;
  }
  // I_rms in 0.1 mA, Q16: < 2^23 * 2^16 = 2^39; in A, Q16: / 10^4 (rounded once more).
  const int64_t rms_q16 = sqrt_ratio_fixed(sii, ATOME_POWER_N, 16);
  out_q16[0] = saturate32(div_round(rms_q16, kIUnitsPerA));
  out_q16[1] = power_factor_q16(siv, svv, sii);
  out_q16[2] = thd_q16(i, work);
  // crest = |i|max / I_rms: |i|max 2^16 < 2^39 (< 2^62), divisor rms_q16 < 2^39 (<= 2^46).
  out_q16[3] = rms_q16 == 0 ? 0 : saturate32(div_round_shifted(int64_t(imax) << 16, rms_q16, 16));
  return ATOME_APPS_OK;
}

}  // extern "C"
