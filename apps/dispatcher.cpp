// The dispatcher's C API: the policy is checked once, at init, so that a step can never meet a
// policy it cannot follow (a head that can never fit in the budget, a debounce of 0 that would
// switch on no evidence at all).
#include "apps/dispatcher.h"

namespace atome::apps {
namespace {

void fail_safe(atome_dispatch_output* out) {
  if (out == nullptr) return;
  out->state = ATOME_DSTATE_SAFE;
  out->state_class = ATOME_DISPATCH_NO_CLASS;
  out->rule = 0;
  out->reading = 0;
  out->run_mask = 0;
  out->skip_mask = 0;
  for (uint32_t h = 0; h < ATOME_DISPATCH_MAX_HEADS; ++h) out->reason[h] = 0;
  out->budget_used = 0;
}

}  // namespace

atome_apps_status validate_policy(const atome_dispatch_policy& p) {
  if (p.n_heads == 0) return ATOME_APPS_ERR_NO_HEADS;
  if (p.n_heads > ATOME_DISPATCH_MAX_HEADS) return ATOME_APPS_ERR_TOO_MANY_HEADS;
  if (p.n_classes < 2 || p.n_classes > ATOME_DISPATCH_MAX_CLASSES || p.normal_class >= p.n_classes)
    return ATOME_APPS_ERR_BAD_CLASSES;
  if (p.k_enter == 0 || p.k_return == 0 || p.m_abstain == 0 || p.k_safe_exit == 0)
    return ATOME_APPS_ERR_BAD_DEBOUNCE;
  // Returning to normal re-enables everything the alert turned off: it needs more evidence.
  if (p.k_return <= p.k_enter) return ATOME_APPS_ERR_BAD_DEBOUNCE;
  if (p.budget == 0) return ATOME_APPS_ERR_BAD_BUDGET;
  if (p.min_prob_q15 > ATOME_PROB_ONE_Q15) return ATOME_APPS_ERR_BAD_PROBABILITY;
  const uint32_t known_states = ((1u << p.n_classes) - 1u) | (1u << ATOME_DISPATCH_SAFE_BIT);
  for (uint32_t h = 0; h < p.n_heads; ++h) {
    const atome_head_policy& head = p.heads[h];
    if (head.every == 0 || head.offset >= head.every) return ATOME_APPS_ERR_BAD_HEAD_POLICY;
    if ((head.state_mask & ~known_states) != 0) return ATOME_APPS_ERR_BAD_HEAD_POLICY;
    if (head.cost > p.budget) return ATOME_APPS_ERR_BAD_HEAD_POLICY;
  }
  return ATOME_APPS_OK;
}

}  // namespace atome::apps

extern "C" {

atome_apps_status atome_dispatch_init(atome_dispatcher* d, const atome_dispatch_policy* policy) {
  if (d == nullptr || policy == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  d->magic = 0;
  const atome_apps_status status = atome::apps::validate_policy(*policy);
  if (status != ATOME_APPS_OK) return status;
  d->policy = *policy;
  atome::apps::enter_safe(*d);
  for (uint32_t h = 0; h < ATOME_DISPATCH_MAX_HEADS; ++h)
    d->countdown[h] = h < policy->n_heads ? policy->heads[h].offset : 0;
  d->owed_mask = 0;
  d->periods = 0;
  d->operator_stop = 0;
  d->magic = atome::apps::kDispatchMagic;
  return ATOME_APPS_OK;
}

atome_apps_status atome_dispatch_step(atome_dispatcher* d, const atome_telemetry_reading* reading,
                                      uint32_t bad_input_mask, atome_dispatch_output* out) {
  atome::apps::fail_safe(out);
  if (d == nullptr || out == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (d->magic != atome::apps::kDispatchMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  // n_heads <= 16 (validated), so the shift stays inside 32 bits.
  const uint32_t known_heads = (1u << d->policy.n_heads) - 1u;
  if ((bad_input_mask & ~known_heads) != 0) return ATOME_APPS_ERR_BAD_HEAD_ID;

  const atome_reading_kind kind = atome::apps::classify_reading(d->policy, reading);
  const uint32_t class_id = kind == ATOME_READING_CONFIDENT ? reading->class_id : 0;
  out->rule = d->operator_stop != 0 ? atome::apps::hold_operator_stop(*d)
                                    : atome::apps::apply_reading(*d, kind, class_id);
  out->reading = kind;
  out->state = d->state;
  out->state_class = d->state_class;
  atome::apps::schedule_heads(*d, bad_input_mask, *out);
  ++d->periods;
  return ATOME_APPS_OK;
}

}  // extern "C"
