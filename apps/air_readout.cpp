// The air head's version-3 channels (data/generators/air.py, derive()): CO2 over its automatic
// baseline, the MQ-2 compensated for temperature and humidity and read as LPG-equivalent ppm on
// the datasheet's log-log curve, as a signed-log rise over the window's first step, and the VOC
// rise (docs/DATA.md "Read-outs"). The curve is a power law, so it is evaluated in the log domain:
// log10(ppm) is linear in log10(Rs/R0), and one 2^x (a shift and exp_q30 of the fraction) gives
// the ppm, in 64 bits because the floored curve reaches 10^11 ppm.
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace {

constexpr int64_t kAirOneQ30 = int64_t(1) << 30;
constexpr int64_t kAirOneQ16 = 65536;
constexpr int64_t kAirLog10Of300Q16 = 162341;  // log10(300 ppm): clean air on the LPG curve
constexpr int64_t kAirLog10Of9p8Q16 = 64961;   // log10(9.8): Rs/R0 of clean air on it
constexpr int64_t kAirLog2Of10Q32 = 14267572527;
constexpr int64_t kAirLn2Q30 = 744261118;
// The generator floors Rs/R0 at 1e-3; above 10^8 the ppm is below 2^-16 anyway, and the clamp
// keeps every product below 2^63.
constexpr int64_t kAirMinLogQ16 = -3 * kAirOneQ16, kAirMaxLogQ16 = 8 * kAirOneQ16;

// log10 of a positive Q30 factor, Q16.16.
int64_t air_log10_q30(int64_t f) {
  return atome::apps::log2_to_log10_q16(int64_t(atome_log2_q16(uint64_t(f))) - 30 * kAirOneQ16);
}

// LPG-equivalent ppm of one reading in Q16.16 (64-bit); false where the linearised T/RH factors
// are not positive (RH above 199 %, or above 120 degC: outside the model).
bool air_lpg_ppm_q16(int32_t mq2, int32_t temp, int32_t hum, int64_t* ppm) {
  using atome::apps::div_round;
  // 1 - 0.006 (RH - 33) and 1 - 0.01 (T - 20) in Q30 (the decimal constants: one rounding each)
  const int64_t fh = kAirOneQ30 - div_round((int64_t(hum) - 33 * kAirOneQ16) * 6 * (1 << 14), 1000);
  const int64_t ft = kAirOneQ30 - div_round((int64_t(temp) - 20 * kAirOneQ16) * (1 << 14), 100);
  if (fh <= 0 || ft <= 0) return false;
  int64_t l = int64_t(mq2) - air_log10_q30(fh) - air_log10_q30(ft);  // log10 of compensated Rs/R0
  l = l < kAirMinLogQ16 ? kAirMinLogQ16 : (l > kAirMaxLogQ16 ? kAirMaxLogQ16 : l);
  // log10 ppm = log10 300 - (l - log10 9.8) / 0.47, then ppm = 2^(log10 ppm x log2 10)
  const int64_t y = kAirLog10Of300Q16 + div_round((kAirLog10Of9p8Q16 - l) * 100, 47);
  const int64_t z = (y * kAirLog2Of10Q32 + (int64_t(1) << 31)) >> 32;  // log2 ppm, Q16, |z| < 2^22
  const int64_t whole = z >> 16, frac = z & 0xFFFF;                    // floor and [0, 1)
  const int64_t p30 = atome::apps::exp_q30((frac * kAirLn2Q30 + (1 << 15)) >> 16);  // 2^frac, Q30
  const int64_t sh = whole + 16 - 30;  // -56..22 by the clamp: p30 << 22 < 2^53
  *ppm = sh >= 0 ? p30 << sh : (sh < -40 ? 0 : (p30 + (int64_t(1) << (-sh - 1))) >> -sh);
  return true;
}

// sign(d) log10(1 + |d| / 10 ppm) = log10(10 ppm + |d|) - log10(10 ppm), d in Q16 ppm: the same
// table lookup for the reference, so d = 0 gives exactly 0.
int32_t air_signed_rise(int64_t d) {
  const int64_t mag = d < 0 ? -d : d;
  const int64_t l2 = int64_t(atome_log2_q16(uint64_t(10 * kAirOneQ16 + mag))) -
                     atome_log2_q16(uint64_t(10 * kAirOneQ16));
  const int32_t r = atome::apps::log2_to_log10_q16(l2);
  return d < 0 ? -r : r;
}

}  // namespace

extern "C" {

atome_apps_status atome_air_readout(int32_t co2_base_q16, const int32_t* raw_q16, size_t n,
                                    int32_t* out_q16) {
  using atome::apps::saturate32;
  if (raw_q16 == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n == 0 || n > ATOME_AIR_MAX_STEPS) return ATOME_APPS_ERR_BAD_LENGTH;
  int64_t ppm0 = 0;
  // every step is checked before anything is written: a bad step leaves out untouched
  for (size_t t = 0; t < n; ++t) {
    const int32_t* r = raw_q16 + t * ATOME_AIR_RAW;
    int64_t ppm = 0;
    if (!air_lpg_ppm_q16(r[0], r[3], r[4], &ppm)) return ATOME_APPS_ERR_RANGE;
    if (t == 0) ppm0 = ppm;
  }
  for (size_t t = 0; t < n; ++t) {
    const int32_t* r = raw_q16 + t * ATOME_AIR_RAW;
    int64_t ppm = 0;
    air_lpg_ppm_q16(r[0], r[3], r[4], &ppm);
    int32_t* o = out_q16 + t * ATOME_AIR_DERIVED;
    o[0] = saturate32(int64_t(r[1]) - co2_base_q16);
    o[1] = air_signed_rise(ppm - ppm0);
    o[2] = saturate32(int64_t(r[2]) - raw_q16[2]);
  }
  return ATOME_APPS_OK;
}

}  // extern "C"
