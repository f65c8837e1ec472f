// `atome apps run --config apps.json`: which heads, their roles and gates, and the dispatcher's
// policy (docs/APPS.md §10.4 for every field). Reading is in two steps so that the text can be
// checked (and fuzzed) without any model: parse_apps_config() checks the JSON and its fields,
// resolve_apps_config() turns class names into indices once the telemetry head's classes are known.
// Every problem is one line naming the file and the field ("apps.json: heads[1].every: ...").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/apps.h"

namespace atome {

struct AppsHeadConfig {
  std::string name;
  std::string model;  // path, relative to the json file's folder unless absolute
  uint32_t role = ATOME_ROLE_SCHEDULED;
  uint32_t gate_mode = ATOME_GATE_EXACT;
  uint32_t gate_tol = 0;
  uint32_t gate_max_skips = 0;
  std::vector<std::string> states;  // scheduled: telemetry class names, "safe" or "all"
  uint32_t every = 1, offset = 0, cost = 1;
  std::vector<std::string> checks;                 // check: names of scheduled heads
  std::string ok_class;                            // check: class name or index of its own head
  uint32_t on_abstain = ATOME_CHECK_ABSTAIN_FLAG;  // check: "flag" (default) or "pass"
};

struct AppsConfig {
  std::vector<AppsHeadConfig> heads;  // in apps.json's order
  std::string normal_class;           // telemetry class name or index
  uint32_t k_enter = 2, k_return = 3, m_abstain = 3, k_safe_exit = 3;
  uint32_t min_prob_q15 = 0;
  uint32_t budget = 0;  // 0 in the file = the sum of the scheduled heads' costs
  // "session": "shared": one session for every head (atome_runner_config.shared_arena), laid out
  // for the head about to run; "per-head" (default): one each. Same decisions either way.
  bool shared_session = false;
};

AppsConfig parse_apps_config(const std::string& text, const std::string& name);

// Fills the runner config's roles, gates and policy (models and arenas are the caller's).
// telemetry_classes: the telemetry head's class names; check_classes[h]: head h's class names
// (only check heads' are used).
void resolve_apps_config(const AppsConfig& c, const std::vector<std::string>& telemetry_classes,
                         const std::vector<std::vector<std::string>>& head_classes,
                         const std::string& name, atome_runner_config* out);

}  // namespace atome
