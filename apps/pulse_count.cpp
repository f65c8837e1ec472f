// Debounced pulse counting (docs/APPS.md §6): a flow meter's reed/hall output (water: pulses per
// window) or a PIR's trigger line (occupancy: triggers per minute), sampled as 0/1. A new level is
// accepted after `debounce` consecutive samples of it, so contact bounce shorter than that is not
// counted; each accepted 0 -> 1 change is one pulse. The state carries across calls, so a window
// boundary neither loses nor doubles a pulse.
#include "apps/fixed_math.h"
#include "atome/apps.h"

extern "C" {

atome_apps_status atome_pulse_init(atome_pulse_counter* pc, uint32_t debounce, uint32_t level) {
  if (pc == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  pc->ok = 0;
  if (debounce == 0 || debounce > ATOME_PULSE_MAX_DEBOUNCE || level > 1)
    return ATOME_APPS_ERR_BAD_CONFIG;
  pc->count = 0;
  pc->level = uint8_t(level);
  pc->run = 0;
  pc->debounce = uint8_t(debounce);
  pc->ok = 1;
  return ATOME_APPS_OK;
}

atome_apps_status atome_pulse_feed(atome_pulse_counter* pc, const uint8_t* samples, size_t n) {
  if (pc == nullptr || samples == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (pc->ok != 1) return ATOME_APPS_ERR_NOT_INITIALISED;
  for (size_t k = 0; k < n; ++k)  // checked first: a bad block leaves the counter as it was
    if (samples[k] > 1) return ATOME_APPS_ERR_RANGE;
  for (size_t k = 0; k < n; ++k) {
    if (samples[k] == pc->level) {
      pc->run = 0;
      continue;
    }
    if (++pc->run < pc->debounce) continue;  // run <= debounce <= 255: fits uint8
    pc->level = samples[k];
    pc->run = 0;
    if (pc->level == 1 && pc->count != UINT32_MAX) ++pc->count;  // saturates, never wraps
  }
  return ATOME_APPS_OK;
}

atome_apps_status atome_pulse_take(atome_pulse_counter* pc, uint32_t num, uint32_t den,
                                   int32_t* out_q16) {
  using namespace atome::apps;
  if (pc == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (pc->ok != 1) return ATOME_APPS_ERR_NOT_INITIALISED;
  if (num > ATOME_PULSE_MAX_NUM || den == 0) return ATOME_APPS_ERR_BAD_CONFIG;
  // count num < 2^32 * 2^16 = 2^48 (< 2^62), den < 2^32 (<= 2^46): one rounding, per window.
  *out_q16 = saturate32(div_round_shifted(int64_t(pc->count) * num, int64_t(den), 16));
  pc->count = 0;
  return ATOME_APPS_OK;
}

}  // extern "C"
