// One classification: a token sequence through a classifier's head, calibrated by its
// temperature and judged by its abstention rule (docs/FORMAT.md §17.3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"

namespace atome {

struct Classification {
  uint32_t cls = 0;           // argmax of the logits (ties: the lowest index)
  double p = 0.0;             // calibrated probability of cls: softmax(logits / T)[cls]
  bool abstain = false;       // the file's rule says: do not act on this answer
  std::vector<float> logits;  // raw class logits, as the engine computed them
};

// The calibration and abstention a model applies: its metadata's, or for a file without one
// temperature 1 and no abstention.
struct Calibration {
  double temperature = 1.0;
  uint32_t abstain_rule = ATOME_ABSTAIN_NONE;
  double threshold = 0.0;
};
Calibration calibration_of(const atome_model& model);

// Resets the session, feeds `tokens` (each < 256, at least one, no more than its window) and
// reads the head. Throws Error on a bad token or engine status.
Classification classify_tokens(atome_session* session, const atome_model& model,
                               const std::vector<uint32_t>& tokens, const Calibration& cal);

// The decision from logits alone (exposed for tests).
Classification decide(std::vector<float> logits, const Calibration& cal);

}  // namespace atome
