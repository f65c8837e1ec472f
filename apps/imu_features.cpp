// The motion head's front end (data/generators/motion.py "_features", docs/APPS.md §6), integer
// only: per sub-window of 128 samples of a +-16 g accelerometer (int16, 2048 LSB/g) at 50 Hz.
#include "apps/fft.h"
#include "apps/fft_tables.h"
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr int64_t kLsbPerG = 2048;
constexpr int kMagExtraBits = 4;  // |a| is kept as |a| * 16 LSB: sub-LSB resolution for std, jerk
constexpr uint32_t kFsHz = 50, kLog2N = 7;

// |a| * 16 at 2048 LSB/g is g * 2^15: a Q16.16 value in those units, / 2^15, is Q16.16 of g.
int32_t m_q16_to_g_q16(int64_t v_q16, int64_t times) {
  return saturate32((v_q16 * times + (int64_t(1) << 14)) >> 15);
}

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_imu_features(const int16_t* xyz, size_t n_samples, atome_imu_work* work,
                                     int32_t* out_q16) {
  using namespace atome::apps;
  if (xyz == nullptr || work == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n_samples != ATOME_IMU_SUB) return ATOME_APPS_ERR_BAD_LENGTH;
  const int64_t N = ATOME_IMU_SUB;
  int64_t sum[3] = {0, 0, 0}, sm = 0;
  uint64_t smm = 0;
  for (int64_t i = 0; i < N; ++i) {
    uint64_t sq = 0;
    for (int a = 0; a < 3; ++a) {
      const int32_t v = xyz[3 * i + a];
      sum[a] += v;
      sq += uint64_t(int64_t(v) * v);
    }
    const int32_t m = int32_t(isqrt_round(sq << (2 * kMagExtraBits)));  // < 2^20
    work->mag[i] = m;
    sm += m;
    smm += uint64_t(int64_t(m) * m);
  }
  for (int a = 0; a < 3; ++a) out_q16[a] = saturate32(div_round_shifted(sum[a], N * kLsbPerG, 16));
  // std of |a|: exact moments (N sum m^2 - (sum m)^2) / N^2.
  const uint64_t var_n2 = uint64_t(N) * smm - uint64_t(sm * sm);
  out_q16[3] = m_q16_to_g_q16(sqrt_ratio_fixed(var_n2, uint64_t(N * N), 16), 1);
  // Spectrum of (|a| - mean) * hann: N |a| - sum |a| is the same signal times N, exactly.
  for (int64_t i = 0; i < N; ++i) work->mag[i] = int32_t(N * work->mag[i] - sm);
  int32_t e = load_block(nullptr, work->mag, kHann128Q15, uint32_t(N), work->re, work->im);
  fft_bfp(work->re, work->im, kLog2N, &e);
  uint64_t best = 0, total = 0, gait = 0;
  uint32_t best_k = 1;
  for (uint32_t k = 1; k <= N / 2; ++k) {
    const uint64_t p =
        uint64_t(int32_t(work->re[k]) * work->re[k]) + uint64_t(int32_t(work->im[k]) * work->im[k]);
    if (p > best) {  // the first maximum, as numpy's argmax
      best = p;
      best_k = k;
    }
    total += p;
    // 0.5 Hz <= k * 50 / 128 <= 3.0 Hz
    if (2 * kFsHz * k >= N && kFsHz * k <= 3 * N) gait += p;
  }
  out_q16[4] = int32_t(best_k * kFsHz * 65536 / N);
  out_q16[5] = total == 0 ? 0 : saturate32(div_round_shifted(int64_t(gait), int64_t(total), 16));
  // RMS jerk: the mean over the N - 1 differences of |a|, times fs. Differences of |a| * 16 are
  // recomputed from the centred values (divided back by N: exact).
  uint64_t sdd = 0;
  for (int64_t i = 1; i < N; ++i) {
    const int64_t d = (int64_t(work->mag[i]) - work->mag[i - 1]) / N;
    sdd += uint64_t(d * d);
  }
  out_q16[6] = m_q16_to_g_q16(sqrt_ratio_fixed(sdd, uint64_t(N - 1), 16), kFsHz);
  return ATOME_APPS_OK;
}

}  // extern "C"
