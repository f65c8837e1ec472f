// The occupancy head's version-2 channels (data/generators/occupancy.py, _mass_balance): CO2 over
// the empty room's night reading, the people the room's CO2 mass balance implies per step (as a
// share of its rated capacity), and the sound level over the empty room's floor (docs/DATA.md
// "Derived features"). The decay factor exp(-ACH dt) and the people-per-ppm gain depend only on
// the room, so they are computed once (prepare); a step is two differences, one division and one
// product.
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace {

constexpr int64_t kRoomOneQ30 = int64_t(1) << 30;
// G = 0.0052 L/s per person, Q = ACH V 1000 / 3600 L/s, ppm = 1e-6: N = excess ACH V / 18720.
constexpr int64_t kRoomPpmPersonDen = 18720;

int64_t room_clamp31(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : (v < -INT32_MAX ? -INT32_MAX : v);
}

}  // namespace

extern "C" {

atome_apps_status atome_room_prepare(const atome_room_refs* r, atome_room_model* room) {
  using atome::apps::div_round;
  if (r == nullptr || room == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  // The limits keep every product below 2^62: ach_q16 <= 2^22, ach * step <= 7200 (x <= 2).
  if (r->ach_q16 <= 0 || r->ach_q16 > (64 << 16) || r->volume_q16 <= 0 || r->capacity <= 0 ||
      r->step_s <= 0 || int64_t(r->ach_q16) * r->step_s > int64_t(7200) << 16)
    return ATOME_APPS_ERR_RANGE;
  const int64_t x_q30 = div_round(int64_t(r->ach_q16) * r->step_s * (int64_t(1) << 14), 3600);
  const int64_t decay = atome::apps::exp_q30(-x_q30);  // x <= 2: exp_q30's range
  // ach_q16 * volume_q16 is Q32 already (< 2^53); the gain must leave css * gain < 2^62.
  const int64_t gain =
      div_round(int64_t(r->ach_q16) * r->volume_q16, kRoomPpmPersonDen * r->capacity);
  if (decay >= kRoomOneQ30 || gain >= (int64_t(1) << 31)) return ATOME_APPS_ERR_RANGE;
  room->night_q16 = r->night_q16;
  room->floor_q16 = r->floor_q16;
  room->decay_q30 = decay;
  room->people_q32 = gain;
  return ATOME_APPS_OK;
}

atome_apps_status atome_room_step(const atome_room_model* room, int32_t co2_prev_q16,
                                  int32_t co2_q16, int32_t sound_q16, int32_t* out_q16) {
  using namespace atome::apps;
  if (room == nullptr || out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (room->decay_q30 <= 0 || room->decay_q30 >= kRoomOneQ30) return ATOME_APPS_ERR_NOT_INITIALISED;
  // C_ss - night = ((C - night) - a (C_prev - night)) / (1 - a): the night reading cancels from
  // the outdoor level the generator's formula subtracts, so only excesses are multiplied.
  const int64_t e = room_clamp31(int64_t(co2_q16) - room->night_q16);
  const int64_t ep = room_clamp31(int64_t(co2_prev_q16) - room->night_q16);
  const int64_t css = room_clamp31(
      div_round(e * kRoomOneQ30 - room->decay_q30 * ep, kRoomOneQ30 - room->decay_q30));
  out_q16[0] = saturate32(e);
  out_q16[1] = saturate32((css * room->people_q32 + (int64_t(1) << 31)) >> 32);
  out_q16[2] = saturate32(int64_t(sound_q16) - room->floor_q16);
  return ATOME_APPS_OK;
}

}  // extern "C"
