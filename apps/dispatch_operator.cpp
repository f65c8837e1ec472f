// Operator stop and resume (docs/APPS.md §3.4): the one way into SAFE that is not the telemetry
// head's doing. A stop is latched like an emergency-stop button: telemetry that looks normal
// again must not restart what an operator stopped, so only an explicit RESUME clears it — and
// even then the system leaves SAFE by the ordinary rules (k_safe_exit confident normal readings),
// never straight back to the state it was stopped in.
#include "apps/dispatcher.h"

namespace atome::apps {

uint32_t hold_operator_stop(atome_dispatcher& d) {
  enter_safe(d);  // streaks stay reset: nothing counts towards leaving SAFE while stopped
  return ATOME_RULE_OPERATOR_HOLD;
}

}  // namespace atome::apps

extern "C" {

atome_apps_status atome_dispatch_operator(atome_dispatcher* d, uint32_t command, uint32_t* rule) {
  if (rule != nullptr) *rule = 0;
  if (d == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (d->magic != atome::apps::kDispatchMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  if (command == ATOME_OPERATOR_STOP) {
    atome::apps::enter_safe(*d);
    d->operator_stop = 1;
    if (rule != nullptr) *rule = ATOME_RULE_OPERATOR_STOP;
    return ATOME_APPS_OK;
  }
  if (command != ATOME_OPERATOR_RESUME) return ATOME_APPS_ERR_BAD_CONFIG;
  if (d->operator_stop == 0) return ATOME_APPS_OK;  // nothing latched: no effect, rule 0
  d->operator_stop = 0;  // still SAFE with every streak reset (by the stop and each held period)
  if (rule != nullptr) *rule = ATOME_RULE_OPERATOR_RESUME;
  return ATOME_APPS_OK;
}

}  // extern "C"
