// The forecast head's version-2 channels (data/generators/forecast.py, _trend_features): health
// against the commissioning baseline, the least-squares slope of ln(vib_norm - baseline) over
// every hour since commissioning, and log10 of the hours until that line reaches the alarm level
// (docs/DATA.md "Derived features"). Streaming: per hour one integer log and two running sums
// (sum z, sum h z; sum h and sum h^2 are closed forms of the hour count), so the history is never
// stored. The sums are exact integers; only the slope's division and the logs round.
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace {

constexpr int64_t kTrendOneQ16 = 65536;
constexpr int64_t kTrendLn2Q32 = 2977044472;   // ln 2
constexpr int64_t kTrendMinSlopeQ32 = 429497;  // 1e-4 / h (429496.7): at most that, no alarm
constexpr int64_t kTrendMaxHoursQ16 = 10000 * kTrendOneQ16;  // TTA_MAX_H: the channel's top

// ln(x / 2^16) in Q16.16 for x > 0.
int64_t trend_ln_q16(int64_t x) {
  const int64_t l2 = int64_t(atome_log2_q16(uint64_t(x))) - 16 * kTrendOneQ16;
  return (l2 * kTrendLn2Q32 + (int64_t(1) << 31)) >> 32;
}

}  // namespace

extern "C" {

atome_apps_status atome_trend_init(atome_trend_state* s, int32_t baseline_q16, int32_t alarm_q16) {
  using atome::apps::div_round;
  if (s == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  const int64_t margin = int64_t(alarm_q16) - baseline_q16;
  if (margin < 50) return ATOME_APPS_ERR_RANGE;  // the floor, margin / 50, must be >= 1 LSB
  s->baseline_q16 = baseline_q16;
  s->margin_q16 = margin;
  s->floor_q16 = div_round(margin, 50);  // FLOOR = 2 % of the margin
  s->ln_margin_q16 = trend_ln_q16(margin);
  s->hours = 0;
  s->sum_z = 0;
  s->sum_hz = 0;
  return ATOME_APPS_OK;
}

atome_apps_status atome_trend_push(atome_trend_state* s, int32_t vib_norm_q16, int32_t* out_q16) {
  using namespace atome::apps;
  if (s == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (s->margin_q16 < 50) return ATOME_APPS_ERR_NOT_INITIALISED;
  if (s->hours >= ATOME_TREND_MAX_HOURS) return ATOME_APPS_ERR_BAD_LENGTH;
  const int64_t t = s->hours;  // this hour
  const int64_t excess = int64_t(vib_norm_q16) - s->baseline_q16;
  const int64_t z = trend_ln_q16(excess > s->floor_q16 ? excess : s->floor_q16);  // |z| < 2^21
  s->sum_z += z;                                                                  // < 2^12 x 2^21
  s->sum_hz += t * z;                                                             // < 2^24 x 2^21
  s->hours = uint32_t(t + 1);
  out_q16[0] = saturate32(div_round_shifted(excess, s->margin_q16, 16));
  // slope = (n Shz - Sh Sz) / (n Shh - Sh^2) with Sh = t n / 2, Shh = t n (2t + 1) / 6; the
  // denominator is n^2 (n^2 - 1) / 12. n <= 4096: numerator < 2^60, denominator < 2^44.
  const int64_t n = t + 1;
  if (n < 2) {  // one point has no slope: flat, no alarm projected
    out_q16[1] = 0;
    out_q16[2] = 4 * 65536;
    return ATOME_APPS_OK;
  }
  const int64_t num = n * s->sum_hz - (t * n / 2) * s->sum_z;
  // z is Q16, so num / den is the slope in Q16 and 16 more bits give Q32 (r * 2^16 < 2^61)
  const int64_t slope_q32 = div_round_shifted(num, n * n * (n * n - 1) / 12, 16);
  // Q24, the tokeniser's own format for the +-0.05 / h channel: early in life the slopes crowd
  // around 0, and Q16 (1.5e-5 / h) rounded the smallest to 0, across a level boundary there.
  out_q16[1] = saturate32((slope_q32 + (int64_t(1) << 7)) >> 8);
  if (slope_q32 < kTrendMinSlopeQ32) {
    out_q16[2] = 4 * 65536;  // log10(TTA_MAX_H)
    return ATOME_APPS_OK;
  }
  // the fitted line at this hour: mean z + slope (t - mean h), mean h = t / 2
  const int64_t clamp = int64_t(1) << 40;  // slope x t / 2 and the gap stay far inside int64
  int64_t now = div_round(s->sum_z, n);
  const int64_t rise = (slope_q32 > clamp ? clamp : slope_q32) * t / 2;
  now += (rise + (int64_t(1) << 15)) >> 16;    // Q32 x hours -> Q16
  const int64_t gap = s->ln_margin_q16 - now;  // |gap| < 2^23
  // hours = gap / slope (Q16): gap * 2^32 / slope_q32, clipped to 1 .. 10^4 as the generator
  int64_t hours = gap <= 0 ? 0 : div_round(gap << 32, slope_q32);
  hours =
      hours < kTrendOneQ16 ? kTrendOneQ16 : (hours > kTrendMaxHoursQ16 ? kTrendMaxHoursQ16 : hours);
  out_q16[2] = log2_to_log10_q16(int64_t(atome_log2_q16(uint64_t(hours))) - 16 * kTrendOneQ16);
  return ATOME_APPS_OK;
}

}  // extern "C"
