// Integer square roots and rounded divisions for the window statistics (apps/fixed_math.cpp):
// no libm, no float, and no 128-bit type (the 32-bit cores have none).
#pragma once

#include <stdint.h>

namespace atome::apps {

// floor(sqrt(v)), digit by digit.
uint32_t isqrt64(uint64_t v);

// round(sqrt(v)).
uint32_t isqrt_round(uint64_t v);

// round(sqrt(num / den) * 2^frac) for den in 1..2^30, frac 0..16 (relative error < 2^-29 where
// the exact rounding would overflow the intermediate).
int64_t sqrt_ratio_fixed(uint64_t num, uint64_t den, int frac);

// round(num / den) (half away from zero), den > 0.
int64_t div_round(int64_t num, int64_t den);

// round(num * 2^shift / den) without overflow for |num| < 2^62, den in 1..2^46, shift <= 16.
int64_t div_round_shifted(int64_t num, int64_t den, int shift);

int32_t saturate32(int64_t v);

}  // namespace atome::apps
