// Which heads run this period (docs/APPS.md §3.3). Heads are taken in policy order (head 0 first)
// and each owed head that fits in what is left of the budget runs (first fit: a head that does not
// fit does not stop the scan, a cheaper later head may use what is left). A head that did not fit
// stays owed and competes again next period in the same order. No head costs more than the whole
// budget (checked at init), so the first owed head always runs; later heads can wait as long as
// earlier ones fill the budget, and each such period says so (ATOME_SKIP_OVER_BUDGET).
#include "apps/dispatcher.h"

namespace atome::apps {

void schedule_heads(atome_dispatcher& d, uint32_t bad_input_mask, atome_dispatch_output& out) {
  const atome_dispatch_policy& p = d.policy;
  const uint32_t state_bit =
      d.state == ATOME_DSTATE_SAFE ? (1u << ATOME_DISPATCH_SAFE_BIT) : (1u << d.state_class);
  uint32_t used = 0;
  for (uint32_t h = 0; h < p.n_heads; ++h) {
    const atome_head_policy& head = p.heads[h];
    const uint32_t bit = 1u << h;
    // The period clock runs whatever the state, so a head's phase does not depend on history.
    if (d.countdown[h] == 0) {
      d.owed_mask |= bit;
      d.countdown[h] = head.every - 1;
    } else {
      --d.countdown[h];
    }
    uint8_t reason = ATOME_SKIP_NONE;
    if ((head.state_mask & state_bit) == 0) {
      // A head switched off by the state owes nothing: coming back, it waits for its next turn
      // instead of all such heads piling onto one period.
      d.owed_mask &= ~bit;
      reason = ATOME_SKIP_NOT_IN_STATE;
    } else if ((d.owed_mask & bit) == 0) {
      reason = ATOME_SKIP_NOT_DUE;
    } else if ((bad_input_mask & bit) != 0) {
      reason = ATOME_SKIP_BAD_INPUT;  // running on a stuck or out-of-range input decides nothing
    } else if (head.cost > p.budget - used) {
      reason = ATOME_SKIP_OVER_BUDGET;
    } else {
      used += head.cost;
      d.owed_mask &= ~bit;
      out.run_mask |= bit;
    }
    if (reason == ATOME_SKIP_BAD_INPUT || reason == ATOME_SKIP_OVER_BUDGET) out.skip_mask |= bit;
    out.reason[h] = reason;
  }
  out.budget_used = used;
}

}  // namespace atome::apps
