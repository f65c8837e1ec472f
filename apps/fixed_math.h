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

// exp(x) in Q30 for x in Q30, |x| <= 2 (|x_q30| <= 2^31): halve x until |x| <= 1/4, 13 Taylor
// terms, square back (apps/fixed_math.cpp). Error below 2^-24 relative.
int64_t exp_q30(int64_t x_q30);

// log10 in Q16.16 of a value whose log2 is given in Q16.16: x log10(2) (Q32 constant), rounded
// (apps/fixed_log.cpp). With atome_log2_q16 (error < 2^-14), log10 within 2^-15.
int32_t log2_to_log10_q16(int64_t log2_q16);

}  // namespace atome::apps
