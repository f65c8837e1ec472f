// PPG beat detection and the wearable head's heart-rate features (data/generators/wearable.py,
// pipeline ppg_imu_stats: "beats in 10 s window", "RR intervals of the last 30 s"), integer only.
//
// One 30 s buffer of a PPG at 50 Hz (int16). High-pass: 50 x[k] minus the 50-sample (1 s) sum
// around k removes the DC level and the respiratory wander (|hp| < 50 * 2^16 * 2 < 2^23), kept
// only where the whole 1 s window is inside the buffer. Beats: local maxima of it above half the
// typical beat's height (the dicrotic wave stays below), at least 12 samples (240 ms: 250 bpm)
// apart, keeping the higher of two closer ones. Each peak is placed between samples by a parabola
// through the raw samples around it (Q8 of a sample, against 20 ms per sample; the raw signal,
// not the high-passed one, whose 1 s sum slopes where a neighbouring beat enters it).
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr int32_t kHalf = ATOME_PPG_FS / 2;  // the 1 s window: k - 25 .. k + 24
constexpr int32_t kRefractory = 12;          // samples

// Peak offset from sample k in Q8 of a sample, in [-128, 128]: (a - c) / (2 (a - 2b + c)) of the
// parabola through (k-1, a), (k, b), (k+1, c). |a - c| < 2^24, times 128 < 2^31; one 32-bit
// division per beat.
int32_t peak_offset_q8(int32_t a, int32_t b, int32_t c) {
  const int32_t den = a - 2 * b + c;  // < 0 at a maximum that is strict on one side
  if (den >= 0) return 0;
  int32_t off = ((a - c) * 128) / den;
  return off < -128 ? -128 : (off > 128 ? 128 : off);
}

// Local maxima of w->hp above thr, at least kRefractory apart (the higher of two closer ones),
// into out: their times in Q8 samples (times) or their heights; -1 past ATOME_PPG_MAX_BEATS.
int32_t find_peaks(const int16_t* x, const atome_ppg_work* w, int32_t thr, int32_t* out,
                   bool times) {
  const int32_t N = ATOME_PPG_N;
  int32_t n = 0, last = -1;  // last: sample of the last kept peak
  for (int32_t k = kHalf + 1; k + kHalf < N; ++k) {
    const int32_t b = w->hp[k];
    if (b <= thr || b <= w->hp[k - 1] || b < w->hp[k + 1]) continue;
    if (last >= 0 && k - last < kRefractory) {
      if (b <= w->hp[last]) continue;
      --n;  // the higher one replaces it
    }
    if (n == ATOME_PPG_MAX_BEATS) return -1;  // more than 250 bpm can give: not a pulse
    out[n++] = times ? k * 256 + peak_offset_q8(x[k - 1], x[k], x[k + 1]) : b;
    last = k;
  }
  return n;
}

atome_apps_status flag(int32_t* out_q16) {
  out_q16[0] = out_q16[1] = 0;
  return ATOME_APPS_INPUT_FLAGGED;
}

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_ppg_features(const int16_t* x, size_t n, atome_ppg_work* w,
                                     int32_t* out_q16) {
  using namespace atome::apps;
  if (x == nullptr || w == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n != ATOME_PPG_N) return ATOME_APPS_ERR_BAD_LENGTH;
  w->n_beats = 0;
  const int32_t N = ATOME_PPG_N;
  int32_t sum = 0;  // 50 int16 < 2^22
  for (int32_t j = 0; j < 2 * kHalf; ++j) sum += x[j];
  int32_t top = 0;
  for (int32_t k = 0; k < N; ++k) w->hp[k] = 0;
  for (int32_t k = kHalf; k + kHalf <= N; ++k) {  // window k - 25 .. k + 24
    if (k > kHalf) sum += x[k + kHalf - 1] - x[k - kHalf - 1];
    w->hp[k] = ATOME_PPG_FS * int32_t(x[k]) - sum;
    if (w->hp[k] > top) top = w->hp[k];
  }
  // Two passes of the same peak picking: the first, above a quarter of the largest value, gives
  // the typical beat height (the upper quartile of its peaks: two overlapping beats or an
  // artefact make the largest value untypical); the second keeps the peaks above half of that.
  const int32_t n1 = find_peaks(x, w, top / 4, w->beat_q8, false);
  if (n1 < 0) return flag(out_q16);
  for (int32_t i = 1; i < n1; ++i) {  // insertion sort of at most 128 heights
    const int32_t h = w->beat_q8[i];
    int32_t j = i;
    for (; j > 0 && w->beat_q8[j - 1] > h; --j) w->beat_q8[j] = w->beat_q8[j - 1];
    w->beat_q8[j] = h;
  }
  const int32_t typical = n1 == 0 ? 0 : w->beat_q8[(3 * n1) / 4];
  const int32_t nb = find_peaks(x, w, typical / 2, w->beat_q8, true);
  if (nb < 0) return flag(out_q16);
  w->n_beats = uint32_t(nb);
  // Heart rate from the RR intervals that end in the last 10 s: 60 fs 256 count / sum RR (Q8):
  // 768000 * 128 < 2^27, sum RR < 1500 * 256 < 2^19.
  int32_t cnt = 0, srr = 0;
  uint64_t sdd = 0;  // sum of squared successive differences, Q8^2: < 128 * 2^38
  int32_t m = 0;
  for (uint32_t i = 1; i < w->n_beats; ++i) {
    const int32_t rr = w->beat_q8[i] - w->beat_q8[i - 1];
    if (w->beat_q8[i] >= (N - ATOME_PPG_HR_N) * 256) {
      ++cnt;
      srr += rr;
    }
    if (i >= 2) {
      const int32_t d = rr - (w->beat_q8[i - 1] - w->beat_q8[i - 2]);
      sdd += uint64_t(int64_t(d) * d);
      ++m;
    }
  }
  out_q16[0] = cnt == 0 ? 0 : saturate32(div_round_shifted(int64_t(768000) * cnt, srr, 16));
  // RMSSD in ms: d ms = d_q8 * 20 / 256, so sqrt(sdd 400 / (m 65536)); sdd 400 < 2^55,
  // m 65536 < 2^23 (sqrt_ratio_fixed takes den <= 2^30).
  out_q16[1] = m == 0 ? 0 : saturate32(sqrt_ratio_fixed(sdd * 400, uint64_t(m) * 65536, 16));
  return ATOME_APPS_OK;
}

}  // extern "C"
