// The agri head's version-2 channels (data/generators/agri.py, _derived()): soil moisture as a
// percentage of the station's field-capacity reading, and the rate-of-change QC score log2(1 +
// the largest hourly change over the five readings, each over the most the model allows without a
// fault) (docs/DATA.md "Derived features"). Each reading is saturated to its sensor's range first,
// as the generator does; one rounded division per quotient, one integer log2 per step.
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace {

constexpr int64_t kAgriOneQ16 = 65536;
// RAW_LIMITS of agri.py, Q16.16: soil moisture %VWC, air temperature, RH, soil temperature, leaf
// wetness.
constexpr int32_t kAgriLo[ATOME_AGRI_RAW] = {0, -40 * 65536, 0, -55 * 65536, 0};
constexpr int32_t kAgriHi[ATOME_AGRI_RAW] = {100 * 65536, 85 * 65536, 100 * 65536, 125 * 65536,
                                             100 * 65536};
// MAX_RATE of agri.py (2 %VWC, 4 K, 15 %RH, 1.5 K, 70 %), Q16.16: exact binary values.
constexpr int64_t kAgriRate[ATOME_AGRI_RAW] = {2 * 65536, 4 * 65536, 15 * 65536, 98304, 70 * 65536};

int32_t agri_clamp(int32_t v, int k) {
  return v < kAgriLo[k] ? kAgriLo[k] : (v > kAgriHi[k] ? kAgriHi[k] : v);
}

}  // namespace

extern "C" {

atome_apps_status atome_agri_readout(int32_t fc_read_q16, const int32_t* raw_q16, size_t n,
                                     int32_t* out_q16) {
  using namespace atome::apps;
  if (raw_q16 == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n == 0 || n > ATOME_AGRI_MAX_STEPS) return ATOME_APPS_ERR_BAD_LENGTH;
  if (fc_read_q16 <= 0) return ATOME_APPS_ERR_RANGE;
  for (size_t t = 0; t < n; ++t) {
    const int32_t* r = raw_q16 + t * ATOME_AGRI_RAW;
    int32_t* o = out_q16 + t * ATOME_AGRI_DERIVED;
    // 100 theta / FC: theta <= 100 %VWC (Q16 < 2^23), x 100 x 2^16 < 2^46
    o[0] = saturate32(div_round(int64_t(agri_clamp(r[0], 0)) * 100 * kAgriOneQ16, fc_read_q16));
    int64_t worst = 0;  // the largest |dx| / rate, Q16; 0 at the first hour
    for (int k = 0; t > 0 && k < ATOME_AGRI_RAW; ++k) {
      int64_t d = int64_t(agri_clamp(r[k], k)) - agri_clamp(r[k - ATOME_AGRI_RAW], k);
      d = d < 0 ? -d : d;
      const int64_t q = div_round(d * kAgriOneQ16, kAgriRate[k]);  // |d| < 2^28: < 2^44
      worst = q > worst ? q : worst;
    }
    // log2(1 + worst) = log2((1 + worst) 2^16) - 16: exactly 0 without a change
    o[1] = int32_t(int64_t(atome_log2_q16(uint64_t(kAgriOneQ16 + worst))) - 16 * kAgriOneQ16);
  }
  return ATOME_APPS_OK;
}

}  // extern "C"
