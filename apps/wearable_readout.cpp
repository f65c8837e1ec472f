// The wearable head's version-2 read-out (data/generators/wearable.py, readout()): accelerometer
// RMS on a log scale, perfusion index against the wearer's reference, and the Karvonen heart-rate
// reserve (docs/DATA.md "Read-outs"). Logs from the integer log2; one rounded division.
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace {

// The generator floors both logs at 1e-3 (1 mg, 0.001 % PI). In Q16.16 that is 65.5 LSB: below
// 66 the output is exactly log10(1e-3) = -3, as the float floor gives, not log10(66 / 65536).
constexpr int32_t kWearFloorQ16 = 66;
constexpr int32_t kWearFloorLog10Q16 = -3 * 65536;

// log10(x / 2^16) in Q16.16: log2 of the raw integer less 16 (exact), then times log10(2).
int32_t wear_log10_of_q16(int32_t x) {
  if (x < kWearFloorQ16) return kWearFloorLog10Q16;
  return atome::apps::log2_to_log10_q16(int64_t(atome_log2_q16(uint64_t(x))) - 16 * 65536);
}

}  // namespace

extern "C" {

atome_apps_status atome_wearable_readout(const atome_wearable_refs* ref, int32_t hr_q16,
                                         int32_t rms_q16, int32_t pi_q16, int32_t* out_q16) {
  using namespace atome::apps;
  if (ref == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  // HR_max = 208 - 0.7 age (Tanaka): 0.7 is not a binary fraction, so 7 age / 10, rounded once.
  const int64_t hr_max = int64_t(208) * 65536 - div_round(int64_t(ref->age_q16) * 7, 10);
  const int64_t reserve = hr_max - ref->hr_rest_q16;
  if (ref->pi_ref_q16 <= 0 || reserve <= 0) return ATOME_APPS_ERR_RANGE;
  out_q16[0] = wear_log10_of_q16(rms_q16);
  // log10(PI / PI0) = log10 PI - log10 PI0: two table lookups instead of a division.
  out_q16[1] = saturate32(int64_t(wear_log10_of_q16(pi_q16)) - wear_log10_of_q16(ref->pi_ref_q16));
  // |HR - rest| < 2^32 and the reserve >= 1 LSB: div_round_shifted's limits (< 2^62, < 2^46) hold.
  out_q16[2] = saturate32(div_round_shifted(int64_t(hr_q16) - ref->hr_rest_q16, reserve, 16));
  return ATOME_APPS_OK;
}

}  // extern "C"
