// Fixed-point FFT internals shared by the front ends (apps/fft.cpp).
#pragma once

#include <stdint.h>

namespace atome::apps {

// In-place complex radix-2 FFT of n = 2^log2n points (log2n 1..9) with block floating point;
// the caller has already normalised the data so that every component is below 2^13. Adds the
// exponent of the per-stage shifts to *exponent.
void fft_bfp(int16_t* re, int16_t* im, uint32_t log2n, int32_t* exponent);

// The real FFT of n = 2^log2n points (log2n 2..9) as a complex FFT of n/2 points of the even
// samples packed into re and the odd into im, then the split step (twiddles exp(-2 pi i k / n)
// from kCosQ15/kSinQ15): half the butterflies of fft_bfp on the same data with im = 0.
// In: re[0..n-1] real, normalised as fft_bfp wants (every value below 2^13); im[0..n/2] is
// scratch. Out: bins 0..n/2 in re[0..n/2], im[0..n/2] (im[0] = im[n/2] = 0), every component
// below 2^15; the true bin is data * 2^exponent, as fft_bfp's; the rest of re, im is untouched
// beyond n/2 + 1.
void rfft_bfp(int16_t* re, int16_t* im, uint32_t log2n, int32_t* exponent);

// Windowed real samples (x16 or x32, the other NULL) into re (im = 0), normalised so the largest
// lies in [2^12, 2^13): returns the block's exponent relative to the samples' unit (the window's
// 15 fraction bits included). |x32| < 2^31; the products are 64-bit.
int32_t load_block(const int16_t* x16, const int32_t* x32, const int16_t* window_q15, uint32_t n,
                   int16_t* re, int16_t* im);

// Largest |component| of n values of re and im.
uint32_t max_abs(const int16_t* re, const int16_t* im, uint32_t n);

}  // namespace atome::apps
