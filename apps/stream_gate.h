// Internal to the gate: the comparison at the heart of its skip decision.
#ifndef ATOME_APPS_STREAM_GATE_H
#define ATOME_APPS_STREAM_GATE_H

#include <stdint.h>

#include "atome/apps.h"

namespace atome::apps {

// True when |a[i] - b[i]| <= tol for every i < n (tol 0: byte-identical).
bool tokens_within(const uint8_t* a, const uint8_t* b, uint32_t n, uint32_t tol);

}  // namespace atome::apps

#endif  // ATOME_APPS_STREAM_GATE_H
