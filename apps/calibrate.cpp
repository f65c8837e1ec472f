// A head's calibrated decision in integers (docs/APPS.md §10.3): the engine's q15 softmax
// (engine/fixed.h, exp_neg_q15) applied to logits / temperature, and the file's abstention rule
// compared in Q15.
//
// Why not the host's double softmax: firmware has no FPU on most cores and the decision must be
// the same bits everywhere; the engine's integer exp is already the numerics contract for the
// router and attention probabilities, so the calibrated probability uses it too.
#include "apps/fixed_decode.h"
#include "atome/apps.h"
#include "atome/atome.h"
#include "engine/fixed.h"

namespace atome::apps {
namespace {

// §17.2 offsets inside the section (as engine/class_meta.h, whose float helpers a
// -mgeneral-regs-only build cannot include).
constexpr uint32_t kOffTemperature = 36, kOffAbstainRule = 40, kOffAbstainThreshold = 44;
constexpr int kTempFrac = 20;  // temperature * 2^20: 0.001 is still 1049 codes
constexpr int kTempLimitBits = 31;

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_calibration_prepare(atome_calibration* cal, const atome_model* model) {
  using namespace atome::apps;
  if (cal == nullptr || model == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (model->class_meta == nullptr) return ATOME_APPS_ERR_NO_METADATA;
  const uint8_t* meta = model->class_meta;  // validated by atome_model_load
  int64_t t = 0, thr = 0;
  if (!f32_bits_to_fixed(read_le32(meta + kOffTemperature), kTempFrac, kTempLimitBits, &t) || t < 1)
    return ATOME_APPS_ERR_RANGE;  // temperature >= 2048 or below 2^-21
  // The threshold is in [0, 1] (the loader checks it): 0..32768 in Q15.
  if (!f32_bits_to_fixed(read_le32(meta + kOffAbstainThreshold), 15, 17, &thr))
    return ATOME_APPS_ERR_RANGE;
  cal->temperature_q20 = t;
  cal->rule = read_le32(meta + kOffAbstainRule);
  cal->threshold_q15 = uint32_t(thr);
  return ATOME_APPS_OK;
}

void atome_calibrate_q16(const atome_calibration* cal, const int32_t* logits, uint32_t n,
                         atome_head_result* res) {
  using atome::apps::kTempFrac;
  // argmax, ties to the lowest index (atome_argmax's rule).
  uint32_t best = 0;
  for (uint32_t i = 1; i < n; ++i)
    if (logits[i] > logits[best]) best = i;
  // e_i = exp(-(max - l_i) / T) in Q15: (max - l_i) is Q16 in [0, 2^28]; dividing by T in Q20
  // keeps Q16, rounded half up (both operands non-negative).
  uint32_t e[ATOME_RUNNER_MAX_CLASSES];
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const int64_t d = int64_t(logits[best]) - logits[i];
    const int64_t scaled =
        (atome::fixed::shl(d, kTempFrac) + cal->temperature_q20 / 2) / cal->temperature_q20;
    e[i] = uint32_t(atome::fixed::exp_neg_q15(scaled));
    sum += e[i];  // >= 32768 (the max gives 2^15), <= 16 * 32768
  }
  // p_i = floor((e_i * 2^15 + floor(sum / 2)) / sum): softmax_q15's rounding.
  uint32_t p_best = 0, p_second = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t p = (e[i] * 32768u + (sum >> 1)) / sum;
    if (i == best)
      p_best = p;
    else if (p > p_second)
      p_second = p;
  }
  res->class_id = best;
  res->prob_q15 = p_best;
  res->margin_q15 = p_best - p_second;
  res->abstain = 0;
  if (cal->rule == ATOME_ABSTAIN_MAX_PROB) res->abstain = p_best < cal->threshold_q15;
  if (cal->rule == ATOME_ABSTAIN_MARGIN) res->abstain = p_best - p_second < cal->threshold_q15;
}

}  // extern "C"
