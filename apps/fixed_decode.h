// IEEE-754 bits -> fixed point by integer code, so that a no-FPU core reads the model file's
// binary64 ranges and binary32 physical limits without soft-float (docs/APPS.md §4).
#pragma once

#include <stdint.h>

namespace atome::apps {

// value * 2^frac rounded to nearest (ties to even) into *out. False for NaN/infinity or when the
// result's magnitude is not below 2^limit_bits (limit_bits <= 62).
bool f64_bits_to_fixed(uint64_t bits, int frac, int limit_bits, int64_t* out);
bool f32_bits_to_fixed(uint32_t bits, int frac, int limit_bits, int64_t* out);

// The smallest k with |value| < 2^k for finite binary32 bits (k = -126 for zero and subnormals).
int f32_bits_magnitude_log2(uint32_t bits);

uint32_t read_le32(const uint8_t* p);
uint64_t read_le64(const uint8_t* p);

}  // namespace atome::apps
