#include "host/classify.h"

#include <cmath>

#include "host/errors.h"

namespace atome {

Calibration calibration_of(const atome_model& model) {
  Calibration c;
  atome_class_info info;
  if (atome_model_class_info(&model, &info) == ATOME_OK) {
    c.temperature = info.temperature;
    c.abstain_rule = info.abstain_rule;
    c.threshold = info.abstain_threshold;
  }
  return c;
}

Classification decide(std::vector<float> logits, const Calibration& cal) {
  Classification r;
  r.cls = atome_argmax(logits.data(), static_cast<uint32_t>(logits.size()));
  // softmax(logits / T) in double, shifted by the maximum.
  std::vector<double> p(logits.size());
  double sum = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] = std::exp((static_cast<double>(logits[i]) - logits[r.cls]) / cal.temperature);
    sum += p[i];
  }
  double second = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] /= sum;
    if (i != r.cls && p[i] > second) second = p[i];
  }
  r.p = p[r.cls];
  if (cal.abstain_rule == ATOME_ABSTAIN_MAX_PROB) r.abstain = r.p < cal.threshold;
  if (cal.abstain_rule == ATOME_ABSTAIN_MARGIN) r.abstain = r.p - second < cal.threshold;
  r.logits = std::move(logits);
  return r;
}

Classification classify_tokens(atome_session* session, const atome_model& model,
                               const std::vector<uint32_t>& tokens, const Calibration& cal) {
  if (tokens.empty()) throw UsageError("an input needs at least one token");
  atome_session_reset(session);
  for (uint32_t t : tokens) check_status(atome_step_no_logits(session, t), "classify");
  std::vector<float> logits(model.config.n_classes);
  check_status(
      atome_session_class_logits(session, logits.data(), static_cast<uint32_t>(logits.size())),
      "classify");
  return decide(std::move(logits), cal);
}

}  // namespace atome
