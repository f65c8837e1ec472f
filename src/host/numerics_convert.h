// Post-training conversion of a float model to another numerics mode (docs/FORMAT.md §16.5):
//   a8  — the same weights; only the config changes (the engine quantises activations per token);
//   q15 — every float parameter to fixed point: trit alphas to Q24, LayerNorm gamma / beta and
//         SSM b / c to Q16, the SSM decay tanh(a) (the engine's tanh_f) to Q15, epsilon to Q24;
//         each value rounded to nearest (ties away from zero).
// Throws FormatError when a value does not fit its format (|value| > 2048, alpha >= 16) or the
// input is already q15.
#pragma once

#include <cstdint>
#include <string>

#include "host/model_data.h"

namespace atome {

HostModel convert_numerics(const HostModel& model, uint32_t numerics);

// "f32", "a8", "q15" <-> ATOME_NUMERICS_*: numerics_from_name is false for another name, and
// parse_numerics then throws UsageError (a --numerics flag).
const char* numerics_name(uint32_t numerics);
bool numerics_from_name(const std::string& name, uint32_t* numerics);
uint32_t parse_numerics(const std::string& name);

}  // namespace atome
