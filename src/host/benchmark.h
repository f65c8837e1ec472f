// Measuring decoding speed (what `atome bench` reports): greedy generation from a fresh session
// at one attention window, prefill and decode timed separately, repeated after a warm-up.
#pragma once

#include <cstdint>
#include <string>

#include "atome/atome.h"
#include "host/bench_report.h"

namespace atome {

// The first `bytes` bytes of `text`, repeated to length.
std::string make_prompt(const std::string& text, uint32_t bytes);

// "0x%08x", the CRC-32 of the bytes.
std::string crc_of(const std::string& bytes);

// One warm-up, then `repeat` timed repetitions of: reset, feed `prompt`, generate n tokens
// greedily (no stop byte). The state is at most max_state bytes (UsageError otherwise).
BenchWindow bench_window(const atome_model& model, uint32_t window, uint64_t max_state,
                         const std::string& prompt, uint32_t n, uint32_t repeat);

}  // namespace atome
