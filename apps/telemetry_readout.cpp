// The os_telem head's version-2 channels (data/generators/os_telem.py): three readings against the
// references the device logged over its first day in service (docs/DATA.md "Telemetry against the
// device's own day one"). Two differences (exact) and a log2 of a ratio taken as a difference of
// two integer logs, so no division is needed and the error is the log table's (< 2^-13).
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace {

// The generator saturates the latency at 1000 ms before the ratio (a loop stalled longer reads
// as 1 s): the same cap in microseconds.
constexpr uint32_t kTelemLatencyCapUs = 1000000u;

}  // namespace

extern "C" {

atome_apps_status atome_telem_readout(const atome_telem_refs* ref, int32_t temp_q16,
                                      int32_t rssi_q16, uint32_t latency_us, int32_t* out_q16) {
  using atome::apps::saturate32;
  if (ref == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (ref->latency_us == 0) return ATOME_APPS_ERR_RANGE;
  // A 0 us loop cannot be measured (log2 0 = -inf): read as the 1 us tick and flagged, so the
  // caller marks the frame as the tokeniser's saturation does.
  const bool zero = latency_us == 0;
  const uint32_t lat =
      zero ? 1u : (latency_us > kTelemLatencyCapUs ? kTelemLatencyCapUs : latency_us);
  out_q16[0] = saturate32(int64_t(temp_q16) - ref->temp_q16);
  out_q16[1] = saturate32(int64_t(rssi_q16) - ref->rssi_q16);
  out_q16[2] = saturate32(int64_t(atome_log2_q16(lat)) - atome_log2_q16(ref->latency_us));
  return zero ? ATOME_APPS_INPUT_FLAGGED : ATOME_APPS_OK;
}

}  // extern "C"
