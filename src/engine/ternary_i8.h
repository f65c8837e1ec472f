// Integer ternary matvec (a8 and q15 models): acc[r] = sum_i trit(W[r, i]) * x[i] over int8
// inputs in [-127, 127] — an exact int32 sum, so every kernel gives the same bits.
// (Minimal portable version; the kernel set arrives with the kernels branch.)
#ifndef ATOME_ENGINE_TERNARY_I8_H
#define ATOME_ENGINE_TERNARY_I8_H

#include <stddef.h>
#include <stdint.h>

#include "atome/atome.h"

namespace atome {

// An int8 input vector prepared once for every matrix that reads it (router, q, k, v share one).
struct TernaryInput {
  const int8_t* x;
  uint32_t n;
  const void* prepared;
};

size_t ternary_input_scratch_bytes(uint32_t n);
void ternary_input_prepare(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch);
void ternary_matvec_i8(int32_t* acc, const atome_trits& w, const TernaryInput& in);
const char* ternary_i8_kernel_name();

}  // namespace atome

#endif  // ATOME_ENGINE_TERNARY_I8_H
