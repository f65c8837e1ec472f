// The dispatcher's state machine: docs/APPS.md §3.2, one branch per row of its table (the rule ids
// returned are the rows). Two rules shape everything here: a state changes only on K consecutive
// confident readings of the same class (debounce: one noisy period never toggles which heads run),
// and missing evidence never counts as "normal" (fail-safe: the original took an abstaining
// telemetry head as normal and so failed open).
#include "apps/dispatcher.h"

namespace atome::apps {
namespace {

void reset_streaks(atome_dispatcher& d) {
  d.candidate = ATOME_DISPATCH_NO_CLASS;
  d.candidate_run = 0;
  d.no_evidence_run = 0;
  d.safe_exit_run = 0;
}

void enter_class(atome_dispatcher& d, uint32_t class_id) {
  d.state = class_id == d.policy.normal_class ? ATOME_DSTATE_NORMAL : ATOME_DSTATE_ALERT;
  d.state_class = class_id;
  reset_streaks(d);
}

uint32_t apply_in_safe(atome_dispatcher& d, atome_reading_kind kind, uint32_t class_id) {
  // Leaving SAFE needs an unbroken run of confident normal readings: anything else restarts it.
  if (kind != ATOME_READING_CONFIDENT) {
    d.safe_exit_run = 0;
    return ATOME_RULE_SAFE_NO_EVIDENCE;
  }
  if (class_id != d.policy.normal_class) {
    d.safe_exit_run = 0;
    return ATOME_RULE_SAFE_NOT_NORMAL;
  }
  if (++d.safe_exit_run < d.policy.k_safe_exit) return ATOME_RULE_SAFE_COUNT;
  enter_class(d, class_id);
  return ATOME_RULE_LEAVE_SAFE;
}

}  // namespace

atome_reading_kind classify_reading(const atome_dispatch_policy& p,
                                    const atome_telemetry_reading* r) {
  if (r == nullptr || r->head_status != 0) return ATOME_READING_MISSING;
  if (r->abstain != 0) return ATOME_READING_ABSTAINED;
  if (r->class_id >= p.n_classes || r->prob_q15 > ATOME_PROB_ONE_Q15) return ATOME_READING_INVALID;
  if (r->prob_q15 < p.min_prob_q15) return ATOME_READING_LOW_CONFIDENCE;
  return ATOME_READING_CONFIDENT;
}

void enter_safe(atome_dispatcher& d) {
  d.state = ATOME_DSTATE_SAFE;
  d.state_class = ATOME_DISPATCH_NO_CLASS;
  reset_streaks(d);
}

uint32_t apply_reading(atome_dispatcher& d, atome_reading_kind kind, uint32_t class_id) {
  if (d.state == ATOME_DSTATE_SAFE) return apply_in_safe(d, kind, class_id);
  const atome_dispatch_policy& p = d.policy;
  if (kind != ATOME_READING_CONFIDENT) {
    // A gap breaks a debounce streak ("K consecutive periods"), and enough gaps in a row mean the
    // state in force is no longer known to hold.
    d.candidate = ATOME_DISPATCH_NO_CLASS;
    d.candidate_run = 0;
    if (++d.no_evidence_run < p.m_abstain) return ATOME_RULE_NO_EVIDENCE;
    enter_safe(d);
    return ATOME_RULE_ENTER_SAFE;
  }
  d.no_evidence_run = 0;
  if (class_id == d.state_class) {
    d.candidate = ATOME_DISPATCH_NO_CLASS;
    d.candidate_run = 0;
    return ATOME_RULE_CONFIRM;
  }
  if (class_id == d.candidate) {
    ++d.candidate_run;
  } else {
    d.candidate = class_id;
    d.candidate_run = 1;
  }
  const bool to_normal = class_id == p.normal_class;
  if (d.candidate_run < (to_normal ? p.k_return : p.k_enter)) return ATOME_RULE_DEBOUNCE;
  const uint32_t rule = to_normal                        ? ATOME_RULE_RETURN_NORMAL
                        : d.state == ATOME_DSTATE_NORMAL ? ATOME_RULE_ENTER_ALERT
                                                         : ATOME_RULE_SWITCH_ALERT;
  enter_class(d, class_id);
  return rule;
}

}  // namespace atome::apps
