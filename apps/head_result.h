// The empty decision of a head (atome_head_result): what the runner and the text interpreter
// report for a head that has not decided (skipped, no class, no logits), so that an output is
// fully defined whatever path left it. Internal to apps/.
#pragma once

#include "atome/apps.h"

namespace atome::apps {

inline void clear_head_result(atome_head_result& r) {
  r.action = ATOME_HEAD_SKIPPED;
  r.reason = ATOME_SKIP_NONE;
  r.input_status = ATOME_APPS_OK;
  r.has_result = 0;
  r.class_id = 0;
  r.prob_q15 = 0;
  r.margin_q15 = 0;
  r.abstain = 0;
  for (uint32_t i = 0; i < ATOME_RUNNER_MAX_CLASSES; ++i) r.logits_q16[i] = 0;
}

}  // namespace atome::apps
