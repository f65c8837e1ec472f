// Internal parts of the dispatcher (docs/APPS.md §3), one file each: the policy check
// (dispatcher.cpp), the state machine (dispatch_rules.cpp), the head schedule
// (dispatch_schedule.cpp).
#ifndef ATOME_APPS_DISPATCHER_H
#define ATOME_APPS_DISPATCHER_H

#include <stdint.h>

#include "atome/apps.h"

namespace atome::apps {

constexpr uint32_t kDispatchMagic = 0x44495350u;  // "DISP"

atome_apps_status validate_policy(const atome_dispatch_policy& p);

// Sort the telemetry head's output into evidence (CONFIDENT) or one kind of its absence.
atome_reading_kind classify_reading(const atome_dispatch_policy& p,
                                    const atome_telemetry_reading* r);

// Start in SAFE with no streaks (boot: no evidence yet that the system is normal).
void enter_safe(atome_dispatcher& d);

// Feed one period's reading to the state machine; returns the atome_dispatch_rule that fired.
uint32_t apply_reading(atome_dispatcher& d, atome_reading_kind kind, uint32_t class_id);

// A period while an operator stop is latched (dispatch_operator.cpp): SAFE, reading ignored.
uint32_t hold_operator_stop(atome_dispatcher& d);

// Decide which heads run in the current state within the budget; fills the head part of out.
void schedule_heads(atome_dispatcher& d, uint32_t bad_input_mask, atome_dispatch_output& out);

}  // namespace atome::apps

#endif  // ATOME_APPS_DISPATCHER_H
