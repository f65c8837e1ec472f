// Change-gated streaming (docs/APPS.md §2). The gate compares the window's tokens with those of the
// last window that RAN (not the previous window): in tolerance mode, comparing with the previous
// window would let a slow drift skip forever, each step under tol while the total grows unbounded.
#include "apps/stream_gate.h"

namespace atome::apps {
namespace {

// Marks an initialised gate: a zeroed or garbage struct is refused instead of trusted.
constexpr uint32_t kGateMagic = 0x47415445u;  // "GATE"

bool config_valid(const atome_gate_config& c) {
  if (c.n_tokens == 0 || c.n_tokens > ATOME_GATE_MAX_TOKENS) return false;
  if (c.mode == ATOME_GATE_EXACT) return c.tol == 0;
  if (c.mode == ATOME_GATE_TOLERANCE) return c.tol <= 255 && c.max_skips >= 1;
  return false;
}

}  // namespace

bool tokens_within(const uint8_t* a, const uint8_t* b, uint32_t n, uint32_t tol) {
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t diff = a[i] > b[i] ? uint32_t(a[i] - b[i]) : uint32_t(b[i] - a[i]);
    if (diff > tol) return false;
  }
  return true;
}

}  // namespace atome::apps

using atome::apps::kGateMagic;

extern "C" {

atome_apps_status atome_gate_init(atome_stream_gate* gate, const atome_gate_config* config) {
  if (gate == nullptr || config == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  gate->magic = 0;
  if (!atome::apps::config_valid(*config)) return ATOME_APPS_ERR_BAD_CONFIG;
  gate->config = *config;
  for (uint32_t i = 0; i < ATOME_GATE_MAX_TOKENS; ++i) gate->last[i] = 0;
  gate->has_last = 0;
  gate->consecutive_skips = 0;
  gate->runs = 0;
  gate->skips = 0;
  gate->magic = kGateMagic;
  return ATOME_APPS_OK;
}

atome_apps_status atome_gate_reset(atome_stream_gate* gate) {
  if (gate == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (gate->magic != kGateMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  gate->has_last = 0;
  gate->consecutive_skips = 0;
  return ATOME_APPS_OK;
}

atome_apps_status atome_gate_decide(atome_stream_gate* gate, const uint8_t* tokens, size_t n,
                                    int* run) {
  // Errors answer "run": a caller that ignores the status still computes a fresh result.
  if (run != nullptr) *run = 1;
  if (gate == nullptr || tokens == nullptr || run == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (gate->magic != kGateMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  const atome_gate_config& c = gate->config;
  if (n != c.n_tokens) return ATOME_APPS_ERR_BAD_LENGTH;

  // Exact mode is tolerance 0; max_skips 0 (exact only) means no bound.
  const bool bound_reached = c.max_skips != 0 && gate->consecutive_skips >= c.max_skips;
  const bool skip = gate->has_last != 0 && !bound_reached &&
                    atome::apps::tokens_within(tokens, gate->last, c.n_tokens, c.tol);
  if (skip) {
    ++gate->consecutive_skips;
    ++gate->skips;
    *run = 0;
    return ATOME_APPS_OK;
  }
  for (uint32_t i = 0; i < c.n_tokens; ++i) gate->last[i] = tokens[i];
  gate->has_last = 1;
  gate->consecutive_skips = 0;
  ++gate->runs;
  return ATOME_APPS_OK;
}

}  // extern "C"
