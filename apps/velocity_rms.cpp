// Band-limited vibration velocity RMS (data/generators/forecast.py, pipeline condition_monitor:
// "velocity rms 10..1000 Hz", ISO 10816), integer only, from an accelerometer's samples: the
// acceleration spectrum of Hann-windowed 256-sample frames divided by (2 pi f)^2 (integration in
// the frequency domain), summed over bins 2..125 (16..1000 Hz at 8 Hz per bin; bin 1, 8 Hz, lies
// below the band), Parseval-scaled and window-power corrected:
//   v^2 = 2 sum_frames sum_k |X_k|^2 / (2 pi k df)^2 / (N sum w^2 F)   (m/s, then mm/s).
#include "apps/fft.h"
#include "apps/fft_tables.h"
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr uint32_t kN = ATOME_VEL_FRAME, kLog2N = 8;
constexpr uint32_t kLoBin = 2, kHiBin = 125;
constexpr uint64_t kInvPi2Q32 = 435171170;  // round(2^32 / pi^2)
constexpr int kWFrac = 26;                  // the 1/k^2 weights' fraction bits

// value = m * 2^e with m < 2^59: room to add ATOME_VEL_FRAMES (8) of them below 2^62.
void normalise(uint64_t* m, int32_t* e) {
  while (*m >= (uint64_t(1) << 59)) {
    *m >>= 1;
    ++*e;
  }
}

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_velocity_rms(const int16_t* x, size_t n, atome_velocity_work* w,
                                     int32_t* out_q16) {
  using namespace atome::apps;
  if (x == nullptr || w == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n != ATOME_VEL_N) return ATOME_APPS_ERR_BAD_LENGTH;
  uint64_t acc = 0;  // sum over frames of S_f 2^(2 e_f), as acc * 2^acc_e
  int32_t acc_e = 0;
  bool any = false;
  for (uint32_t f = 0; f < ATOME_VEL_FRAMES; ++f) {
    int32_t e = load_block(x + f * kN, nullptr, kHann256Q15, kN, w->re, w->im);
    if (max_abs(w->re, w->im, kN) == 0) continue;  // a silent frame adds 0
    fft_bfp(w->re, w->im, kLog2N, &e);
    // S = sum P_k W_k, P_k = re^2 + im^2 < 2^31, W_k = 2^26 / k^2 < 2^24.1 (k >= 2): each term
    // < 2^55.1, 124 of them < 2^62.1 — so W is applied to P_k / 2 (< 2^61.1 in all).
    uint64_t s = 0;
    for (uint32_t k = kLoBin; k <= kHiBin; ++k) {
      const uint32_t p =
          uint32_t(int32_t(w->re[k]) * w->re[k]) + uint32_t(int32_t(w->im[k]) * w->im[k]);
      const uint32_t wk = ((uint32_t(1) << kWFrac) + k * k / 2) / (k * k);  // 32-bit, per bin
      s += uint64_t(p >> 1) * wk;
    }
    int32_t se = 2 * e + 1;  // the FFT's scale squared, and the halving above
    normalise(&s, &se);
    if (!any) {
      acc = s;
      acc_e = se;
      any = true;
      continue;
    }
    // align to the larger exponent (the smaller value loses only bits below the larger's 2^-59)
    if (se > acc_e) {
      const int32_t d = se - acc_e;
      acc = d >= 64 ? 0 : acc >> d;
      acc_e = se;
    } else {
      const int32_t d = acc_e - se;
      s = d >= 64 ? 0 : s >> d;
    }
    acc += s;  // < 8 * 2^59
    normalise(&acc, &acc_e);
  }
  if (!any || acc == 0) {
    *out_q16 = 0;
    return ATOME_APPS_OK;
  }
  // v^2 (mm/s)^2 = T 2^-26 200 2^30 / (4 pi^2 64 N F sum wq^2) with T = acc 2^acc_e, N = 256,
  // F = 8, wq the Q15 window (sum w^2 = sum wq^2 2^-30), 1000 mm/m and 0.01 m/s^2 per LSB
  // (1e6 * 1e-4 = 100, times 2 for the one-sided spectrum): = T 25 2^-12 / (pi^2 sum wq^2).
  uint64_t swq = 0;  // sum wq^2 < 256 * 2^30 = 2^38
  for (uint32_t i = 0; i < kN; ++i) swq += uint64_t(int32_t(kHann256Q15[i]) * kHann256Q15[i]);
  int32_t X = acc_e - 12;
  while (acc >= (uint64_t(1) << 26)) {  // T to 26 bits: T 25 / pi^2 2^32 < 2^26 2^4.7 2^28.7
    acc >>= 1;
    ++X;
  }
  uint64_t num = acc * 25 * kInvPi2Q32;  // < 2^59.4
  X -= 32;
  uint64_t den = swq;
  while (den > (uint64_t(1) << 30)) {  // sqrt_ratio_fixed takes den <= 2^30
    den >>= 1;
    --X;
  }
  if (X & 1) {  // even, so that sqrt(2^X) is a shift
    num >>= 1;
    ++X;
  }
  // sqrt(num / den) 2^16 < 2^(29.7 + 16); then times 2^(X/2).
  const int64_t r = sqrt_ratio_fixed(num, den, 16);
  const int32_t h = X / 2;
  int64_t v;
  if (h >= 0)
    v = h >= 20 ? INT64_MAX : r << h;  // r < 2^46: << 16 still fits, beyond it saturates
  else
    v = -h >= 62 ? 0 : (r + (int64_t(1) << (-h - 1))) >> -h;
  *out_q16 = saturate32(v);
  return ATOME_APPS_OK;
}

}  // extern "C"
